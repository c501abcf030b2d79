"""How one demo student writes their calculator: the structure, names and idioms they chose.

The behaviour (which tests fail) comes from ``Code``; the shape of the source from ``Style``. Two
students never share a whole ``Style`` (see ``style_for``), so their solutions differ in more than
names: the decomposition, the dispatch, the parser, the interface and the tests all vary.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Code:
    """How this student's calculator behaves: which slips it has (see calculator.code_for)."""

    subtract: str = "right"
    divide: str = "checked"
    numbers: str = "float"
    power: str = ""
    handles_errors: bool = True
    tests: bool = True


@dataclass(frozen=True)
class Names:
    a: str
    b: str
    expr: str
    calc: str
    left: str
    right: str
    op: str


NAMES = (
    Names("a", "b", "expression", "calculate", "left", "right", "symbol"),
    Names("x", "y", "text", "evaluate", "lhs", "rhs", "op"),
    Names("first", "second", "line", "compute", "left_text", "right_text", "sign"),
    Names("num1", "num2", "expr", "solve", "raw_left", "raw_right", "operator_symbol"),
)

OPS = ("dict", "ifchain", "class", "operator", "match")
"""A dict of operator functions, an if/elif chain, a class with methods, the operator module,
one function with a match statement."""
PARSERS = ("split", "regex", "partition", "scan")
CLIS = ("argparse", "argv", "parser-fn")
TESTS = ("functions", "classes", "unittest", "parametrize")
TEST_FILES = ("tests/test_calculator.py", "tests/test_calc.py", "tests/test_operations.py")
ADD_CASES = (("2, 3", "5"), ("-1, 1", "0"), ("10, 32", "42"), ("0.5, 0.25", "0.75"))
MULTIPLY_CASES = (("1.5, 4", "6.0"), ("3, -2", "-6"), ("2.5, 2", "5.0"), ("0.1, 10", "1.0"))
TEST_DOCS = (
    "Tests for the calculator.",
    "Unit tests for calculator.py.",
    "Checks of my calculator, run with pytest.",
)
FORMATS = ('f"{$value:g}"', 'format($value, "g")', '"%g" % $value')
STDIN = ("iterate", "splitlines", "input")
"""How the interface reads standard input: iterating sys.stdin, its lines split, or input()."""
ERRORS = ("print", "write")
"""How the interface reports an error: print(..., file=sys.stderr) or sys.stderr.write()."""


@dataclass(frozen=True)
class Style:
    ops: str
    parser: str
    cli: str
    tests: str
    names: Names
    hints: bool
    docs: bool
    test_file: str
    result_format: str
    zero_guard: str
    """How divide tests its divisor: ``== 0`` or ``not``."""
    add_case: tuple[str, str]
    multiply_case: tuple[str, str]
    """The numbers the student's tests try (add and multiply are right in every variant)."""
    test_doc: str
    stdin: str
    errors: str
    habits: int
    """Seeds the student's smaller test habits: which extra cases, their order, each assertion's idiom."""


STRUCTURES = len(OPS) * len(PARSERS) * len(CLIS) * len(TESTS)
STRIDE = 97
"""Coprime with STRUCTURES: consecutive variants land far apart in the table of structures."""


def style_for(variant: int, rng: random.Random) -> Style:
    """The style of the student with this ``variant`` number: distinct structures for distinct
    variants (below STRUCTURES); ``rng`` picks the names and the smaller habits."""
    index = (variant * STRIDE) % STRUCTURES
    index, ops = divmod(index, len(OPS))
    index, parser = divmod(index, len(PARSERS))
    tests, cli = divmod(index, len(CLIS))
    return Style(
        ops=OPS[ops],
        parser=PARSERS[parser],
        cli=CLIS[cli],
        tests=TESTS[tests],
        names=rng.choice(NAMES),
        hints=rng.random() < 0.6,
        docs=rng.random() < 0.7,
        test_file=rng.choice(TEST_FILES),
        result_format=rng.choice(FORMATS),
        zero_guard=rng.choice(("== 0", "not")),
        add_case=rng.choice(ADD_CASES),
        multiply_case=rng.choice(MULTIPLY_CASES),
        test_doc=rng.choice(TEST_DOCS),
        stdin=rng.choice(STDIN),
        errors=rng.choice(ERRORS),
        habits=rng.randrange(1 << 30),
    )


def function(
    style: Style, name: str, params: list[str], body: list[str], doc: str, *, self: bool = False
) -> str:
    """One ``def`` (indented one level inside a class when ``self``), hints and docstring as the
    student writes them; ``params`` are the number parameters, ``str`` ones end with ':str'."""
    shown = []
    for param in params:
        bare, _, kind = param.partition(":")
        hint = f": {kind or 'float'}" if style.hints else ""
        shown.append(bare + hint)
    signature = ", ".join((["self"] if self else []) + shown)
    returns = f" -> {'str' if name.startswith('format') else 'float'}" if style.hints else ""
    pad = "    " if self else ""
    lines = [f"{pad}def {name}({signature}){returns}:"]
    if style.docs:
        lines.append(f'{pad}    """{doc}"""')
    lines += [f"{pad}    {line}" if line else "" for line in body]
    return "\n".join(lines) + "\n"


def divide_body(code: Code, style: Style, *, checked: bool) -> list[str]:
    """divide()'s statements (with $a and $b): before or after the student handled zero."""
    slash = "//" if code.divide == "floor" else "/"
    quotient = "$b / $a" if code.divide == "swapped" else f"$a {slash} $b"
    guard = "if $b == 0:" if style.zero_guard == "== 0" else "if not $b:"
    if not checked or code.divide == "swapped":
        return [f"return {quotient}"]
    if code.divide == "zero-is-zero":
        return [guard, "    return 0.0", f"return {quotient}"]
    return [guard, '    raise ZeroDivisionError("cannot divide by zero")', f"return {quotient}"]


POWER_BODY = {
    "exact": ["return $a**$b"],
    "loop": ["result = 1.0", "while $b != 0:", "    result *= $a", "    $b -= 1", "return result"],
}
"""An optional operator; the loop never ends for a negative or fractional exponent."""


@dataclass(frozen=True)
class Operation:
    name: str
    symbol: str
    body: tuple[str, ...]
    doc: str


def operations(code: Code, style: Style, *, checked: bool) -> list[Operation]:
    """The student's operations, in the order they wrote them."""
    found = [
        Operation("add", "+", ("return $a + $b",), "Return the sum."),
        Operation("subtract", "-", ("return $b - $a" if code.subtract == "swapped" else "return $a - $b",),
                  "Return the difference."),
        Operation("multiply", "*", ("return $a * $b",), "Return the product."),
        Operation("divide", "/", tuple(divide_body(code, style, checked=checked)), "Return the quotient."),
    ]  # fmt: skip
    if code.power:
        found.append(Operation("power", "^", tuple(POWER_BODY[code.power]), "Raise to a power."))
    return found
