"""calculate() and main() of a demo calculator: three parsers and three command-line interfaces.

Lines ending in ``#DOC`` are docstrings, dropped for a student who writes none.
"""

from __future__ import annotations

from grader.demo.projects.calc_ops import dispatch_lines
from grader.demo.projects.calc_style import Code, Style, function

PATTERN = 'PATTERN = re.compile(r"\\s*(-?[\\d.]+)\\s*([-+*/^])\\s*(-?[\\d.]+)\\s*")\n'

PARSE = {
    "split": ["parts = $expr.split()", "if len(parts) != 3:",
              '    raise ValueError(f"expected NUMBER OPERATOR NUMBER, got {$expr!r}")',
              "$left, $op, $right = parts"],
    "regex": ["found = PATTERN.fullmatch($expr)", "if found is None:",
              '    raise ValueError(f"cannot read {$expr!r}: expected NUMBER OPERATOR NUMBER")',
              "$left, $op, $right = found.groups()"],
    "partition": ["cleaned = $expr.strip()", 'for candidate in "+-*/^":',
                  '    head, found, tail = cleaned[1:].partition(f" {candidate} ")', "    if found:",
                  "        $left, $op, $right = cleaned[0] + head, candidate, tail", "        break", "else:",
                  '    raise ValueError(f"no operator in {$expr!r}")'],
    "scan": ['squeezed = $expr.replace(" ", "").strip()', "position = 1",
             'while position < len(squeezed) and squeezed[position] not in "+-*/^":',
             "    position += 1", "if position >= len(squeezed) - 1:",
             '    raise ValueError(f"no operator in {$expr!r}")',
             "$left, $op, $right = squeezed[:position], squeezed[position], squeezed[position + 1 :]"],
}  # fmt: skip
"""How calculate() splits its text: str.split, a regular expression, str.partition, or a scan
for the first operator after the first character (so a leading minus stays with the number)."""

NUMBERS = {
    "float": ["$a = float($left)", "$b = float($right)"],
    "int": ["$a = int($left)", "$b = int($right)"],
    "digits": ["if not ($left.isdigit() and $right.isdigit()):",
               '    raise ValueError(f"expected two numbers, got {$left!r} and {$right!r}")',
               "$a = float($left)", "$b = float($right)"],
}  # fmt: skip
"""How calculate() reads its numbers: int() refuses decimals, isdigit() also negative numbers."""


def calculate(code: Code, style: Style) -> str:
    body = PARSE[style.parser] + NUMBERS[code.numbers] + dispatch_lines(style)
    text = function(
        style, "$calc", ["$expr:str"], body, "Evaluate 'NUMBER OPERATOR NUMBER', for example '3 * 4'."
    )
    return (PATTERN + "\n\n" if style.parser == "regex" else "") + text


ARGPARSE = '''\
def answer($expr$str_hint)$str_ret:
    """The result of the expression as printed, or 'error: ' and why."""  #DOC
    try:
        return $format
    except (ValueError, ZeroDivisionError) as error:
        return f"error: {error}"


def main($argv_param)$int_ret:
    """Run the calculator on the command line; return the exit status."""  #DOC
    parser = argparse.ArgumentParser(description="Evaluate a simple arithmetic expression.")
    parser.add_argument(
        "expression", nargs="*", help="for example: 3 * 4 (quote the *); none: read standard input"
    )
    args = parser.parse_args(argv)
    if not args.expression:
        for $expr in sys.stdin:
            if $expr.strip():
                print(answer($expr))
        return 0
    reply = answer(" ".join(args.expression))
    if reply.startswith("error: "):
        print(reply, file=sys.stderr)
        return 2
    print(reply)
    return 0
'''

ARGPARSE_PLAIN = '''\
def main($argv_param)$int_ret:
    """Run the calculator on the command line; return the exit status."""  #DOC
    parser = argparse.ArgumentParser(description="Evaluate a simple arithmetic expression.")
    parser.add_argument("expression", nargs="*", help="for example: 3 * 4 (quote the *)")
    args = parser.parse_args(argv)
    expressions = [" ".join(args.expression)] if args.expression else sys.stdin
    for $expr in expressions:
        print($format)
    return 0
'''

ARGV = '''\
def format_result(value$num_hint)$str_ret:
    """The number as the calculator prints it."""  #DOC
    return $format


def main($argv_param)$int_ret:
    """Answer the expression in the arguments, or each line of standard input."""  #DOC
    arguments = sys.argv[1:] if argv is None else argv
    if arguments:
        try:
            print(format_result($calc(" ".join(arguments))))
        except (ValueError, ZeroDivisionError) as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        return 0
    for raw in sys.stdin:
        if raw.strip():
            try:
                print(format_result($calc(raw)))
            except (ValueError, ZeroDivisionError) as error:
                print(f"error: {error}")
    return 0
'''

ARGV_PLAIN = """\
def main($argv_param)$int_ret:
    arguments = sys.argv[1:] if argv is None else argv
    lines = [" ".join(arguments)] if arguments else list(sys.stdin)
    for raw in lines:
        print($format)
    return 0
"""

PARSER_FN = '''\
def build_parser()$parser_ret:
    """The command line: an optional expression."""  #DOC
    parser = argparse.ArgumentParser(prog="calculator", description="A four-function calculator.")
    parser.add_argument("expression", nargs="*", help="NUMBER OPERATOR NUMBER; none: read standard input")
    return parser


def run_lines(lines)$none_ret:
    """Answer every non-empty line on standard output, errors included."""  #DOC
    for raw in lines:
        if not raw.strip():
            continue
        try:
            value = $calc(raw)
        except (ValueError, ZeroDivisionError) as error:
            print(f"error: {error}")
        else:
            print($format)


def main($argv_param)$int_ret:
    options = build_parser().parse_args(argv)
    if not options.expression:
        run_lines(sys.stdin)
        return 0
    try:
        value = $calc(" ".join(options.expression))
    except (ValueError, ZeroDivisionError) as error:
        sys.stderr.write(f"error: {error}\\n")
        return 2
    print($format)
    return 0
'''

PARSER_FN_PLAIN = """\
def build_parser()$parser_ret:
    parser = argparse.ArgumentParser(prog="calculator", description="A four-function calculator.")
    parser.add_argument("expression", nargs="*")
    return parser


def main($argv_param)$int_ret:
    options = build_parser().parse_args(argv)
    for raw in [" ".join(options.expression)] if options.expression else sys.stdin:
        value = $calc(raw)
        print($format)
    return 0
"""

CLIS = {
    "argparse": (ARGPARSE_PLAIN, ARGPARSE),
    "argv": (ARGV_PLAIN, ARGV),
    "parser-fn": (PARSER_FN_PLAIN, PARSER_FN),
}
FORMATTED = {"argparse": "$calc($expr)", "argv": "value", "parser-fn": "value"}
"""What each interface formats: in ``answer`` the call itself, elsewhere a variable ``value``."""
PLAIN_FORMATTED = {"argparse": "$calc($expr)", "argv": "$calc(raw)", "parser-fn": "value"}

MAIN_GUARD = '\n\nif __name__ == "__main__":\n    sys.exit(main())\n'


ERROR_TEXT = ('f"error: {error}"', '"error: " + str(error)', '"error: %s" % error')
"""How the student words an error message (the same words, written three ways)."""


def _read_with_input(line: str) -> list[str]:
    """``for NAME in sys.stdin:`` as a loop over input() until the end of the input."""
    pad = line[: len(line) - len(line.lstrip())]
    name = line.split()[1]
    return [f"{pad}while True:", f"{pad}    try:", f"{pad}        {name} = input()",
            f"{pad}    except EOFError:", f"{pad}        break"]  # fmt: skip


def habits(text: str, style: Style) -> str:
    """The interface with the student's own ways of reading standard input and reporting errors."""
    lines = []
    for line in text.splitlines():
        if style.stdin == "input" and line.lstrip().startswith("for ") and line.endswith(" in sys.stdin:"):
            lines += _read_with_input(line)
            continue
        if style.stdin != "iterate":
            line = line.replace("list(sys.stdin)", "sys.stdin.read().splitlines()")
            line = line.replace(" sys.stdin:", " sys.stdin.read().splitlines():")
            line = line.replace("else sys.stdin", "else sys.stdin.read().splitlines()")
            line = line.replace("run_lines(sys.stdin)", "run_lines(sys.stdin.read().splitlines())")
        if style.errors == "write":
            line = line.replace(
                'print(f"error: {error}", file=sys.stderr)', 'sys.stderr.write(f"error: {error}\\n")'
            )
        else:
            line = line.replace(
                'sys.stderr.write(f"error: {error}\\n")', 'print(f"error: {error}", file=sys.stderr)'
            )
        line = line.replace('f"error: {error}"', ERROR_TEXT[style.habits % len(ERROR_TEXT)])
        lines.append(line)
    return "\n".join(lines) + "\n"


def interface(code: Code, style: Style, *, checked: bool) -> str:
    """The command line: with error handling once the student wrote it (and if they ever did)."""
    handles = checked and code.handles_errors
    text = CLIS[style.cli][1 if handles else 0]
    value = (FORMATTED if handles else PLAIN_FORMATTED)[style.cli]
    text = text.replace("$format", style.result_format.replace("$value", value))
    hints = {
        "$str_hint": ": str", "$str_ret": " -> str", "$int_ret": " -> int",
        "$num_hint": ": float", "$parser_ret": " -> argparse.ArgumentParser", "$none_ret": " -> None",
    }  # fmt: skip
    text = text.replace("$argv_param", "argv: list[str] | None = None" if style.hints else "argv=None")
    for placeholder, hint in hints.items():
        text = text.replace(placeholder, hint if style.hints else "")
    lines = [
        line.removesuffix("  #DOC") for line in text.splitlines() if style.docs or not line.endswith("#DOC")
    ]
    guard = MAIN_GUARD if style.habits % 5 < 3 else MAIN_GUARD.replace("sys.exit(", "raise SystemExit(")
    return habits("\n".join(lines), style) + "\n" + guard
