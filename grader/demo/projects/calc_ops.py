"""The operations of a demo calculator and how calculate() dispatches to them, in five styles.

Text here holds ``$a``-style placeholders for the student's names (see calc_style.Names), filled
in by calculator.module.
"""

from __future__ import annotations

from grader.demo.projects.calc_style import Code, Operation, Style, function, operations

UNKNOWN = 'raise ValueError(f"unknown operator {$op!r}")'


def _functions(style: Style, found: list[Operation]) -> str:
    return "\n\n".join(function(style, op.name, ["$a", "$b"], list(op.body), op.doc) for op in found)


def _class(style: Style, found: list[Operation]) -> str:
    methods = "\n".join(
        function(style, op.name, ["$a", "$b"], list(op.body), op.doc, self=True) for op in found
    )
    if style.habits % 3 == 0:  # methods that need no instance, as static methods
        methods = methods.replace("    def ", "    @staticmethod\n    def ").replace("(self, ", "(")
    doc = '    """The calculator\'s operations, one method each."""\n\n' if style.docs else ""
    return f"class Calculator:\n{doc}{methods}"


OPERATOR_FUNCTIONS = {
    ("add", "return $a + $b"): "operator.add",
    ("multiply", "return $a * $b"): "operator.mul",
    ("subtract", "return $a - $b"): "operator.sub",
    ("power", "return $a**$b"): "operator.pow",
}
"""Operations the operator module already has: a student using it writes only the others."""


def _operator_module(style: Style, found: list[Operation]) -> str:
    table = []
    written = []
    for op in found:
        builtin = OPERATOR_FUNCTIONS.get((op.name, op.body[0])) if len(op.body) == 1 else None
        table.append(f'    "{op.symbol}": {builtin or op.name},')
        if builtin is None:
            written.append(function(style, op.name, ["$a", "$b"], list(op.body), op.doc))
    listed = "\n".join(table)
    return "\n\n".join(written) + f"\n\nOPERATORS = {{\n{listed}\n}}\n"


def _match(style: Style, found: list[Operation]) -> str:
    body = ["match $op:"]
    for op in found:
        body.append(f'    case "{op.symbol}":')
        body += [f"        {line}" for line in op.body]
    body += ["    case _:", f"        {UNKNOWN}"]
    return function(style, "operate", ["$op:str", "$a", "$b"], body, "Apply the operator to the two numbers.")


def ops_section(code: Code, style: Style, *, checked: bool) -> str:
    """The operations as the student wrote them, before any command-line interface."""
    found = operations(code, style, checked=checked)
    render = {"dict": _functions, "ifchain": _functions, "class": _class, "operator": _operator_module,
              "match": _match}[style.ops]  # fmt: skip
    return render(style, found)


def dispatch_section(code: Code, style: Style) -> str:
    """What the interface adds to reach an operation by its symbol (nothing for some styles)."""
    found = operations(code, style, checked=True)
    if style.ops == "dict":
        pairs = ", ".join(f'"{op.symbol}": {op.name}' for op in found)
        return f"OPERATIONS = {{{pairs}}}\n"
    if style.ops == "class":
        pairs = "\n".join(f'    "{op.symbol}": "{op.name}",' for op in found)
        return f"METHODS = {{\n{pairs}\n}}\n"
    if style.ops == "ifchain":
        body = []
        for index, op in enumerate(found):
            body += [
                f'{"if" if index == 0 else "elif"} $op == "{op.symbol}":',
                f"    return {op.name}($a, $b)",
            ]
        body.append(UNKNOWN)
        return function(style, "apply_operator", ["$op:str", "$a", "$b"], body, "Apply one operator.")
    return ""


def dispatch_lines(style: Style) -> list[str]:
    """calculate()'s last statements: the result of $op on the numbers $a and $b."""
    if style.ops == "dict":
        return ["if $op not in OPERATIONS:", f"    {UNKNOWN}", "return OPERATIONS[$op]($a, $b)"]
    if style.ops == "class" and style.habits % 2:
        return ["calculator = Calculator()", "method = getattr(calculator, METHODS.get($op, ''), None)",
                "if method is None:", f"    {UNKNOWN}", "return method($a, $b)"]  # fmt: skip
    if style.ops == "class":
        return [
            "if $op not in METHODS:",
            f"    {UNKNOWN}",
            "return getattr(Calculator(), METHODS[$op])($a, $b)",
        ]
    if style.ops == "operator":
        return ["try:", "    function = OPERATORS[$op]", "except KeyError:", f"    {UNKNOWN} from None",
                "return function($a, $b)"]  # fmt: skip
    if style.ops == "match":
        return ["return operate($op, $a, $b)"]
    return ["return apply_operator($op, $a, $b)"]


def call(style: Style, op: Operation, args: str) -> str:
    """How a test calls one operation directly."""
    if style.ops == "class":
        return f"Calculator().{op.name}({args})"
    if style.ops == "operator":
        return f'OPERATORS["{op.symbol}"]({args})'
    if style.ops == "match":
        return f'operate("{op.symbol}", {args})'
    return f"{op.name}({args})"


def imports(style: Style, found: list[Operation]) -> list[str]:
    """What a test module imports from calculator to call the operations."""
    return {"class": ["Calculator"], "operator": ["OPERATORS"], "match": ["operate"]}.get(
        style.ops, [op.name for op in found]
    )
