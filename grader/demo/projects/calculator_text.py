"""The text of the demo calculators: calculator.py in its variants, the tests and the README.

Variants are keyed by the field values of ``calculator.Code``; only HEADER and INTERFACE are
format strings (their literal braces are doubled).
"""

from __future__ import annotations

HEADER = '''\
"""A small command-line calculator.

Author: {name}
"""

from __future__ import annotations

import argparse
import sys


def add(a: float, b: float) -> float:
    """Return a + b."""
    return a + b
'''

SUBTRACT = {
    "right": '''

def subtract(a: float, b: float) -> float:
    """Return a - b."""
    return a - b
''',
    "swapped": '''

def subtract(a: float, b: float) -> float:
    """Return a - b."""
    return b - a
''',
}

MULTIPLY = '''

def multiply(a: float, b: float) -> float:
    """Return a * b."""
    return a * b
'''

_DIVIDE = '''

def divide(a: float, b: float) -> float:
    """Return a / b."""
'''

DIVIDE_PLAIN = {
    "checked": _DIVIDE + "    return a / b\n",
    "floor": _DIVIDE + "    return a // b\n",
    "zero-is-zero": _DIVIDE + "    return a / b\n",
    "swapped": _DIVIDE + "    return b / a\n",
}
"""divide() before the student handled division by zero."""

_ZERO_IS_AN_ERROR = """\
    if b == 0:
        raise ZeroDivisionError("cannot divide by zero")
"""

DIVIDE_CHECKED = {
    "checked": _DIVIDE + _ZERO_IS_AN_ERROR + "    return a / b\n",
    "floor": _DIVIDE + _ZERO_IS_AN_ERROR + "    return a // b\n",
    "zero-is-zero": _DIVIDE + "    if b == 0:\n        return 0.0\n    return a / b\n",
    "swapped": _DIVIDE + "    return b / a\n",
}
"""divide() once the student handled (or meant to handle) division by zero."""

POWER = {
    "exact": '''

def power(a: float, b: float) -> float:
    """Return a raised to the power b."""
    return a**b
''',
    "loop": '''

def power(a: float, b: float) -> float:
    """Return a raised to the power b, by repeated multiplication."""
    result = 1.0
    while b != 0:
        result *= a
        b -= 1
    return result
''',
}
"""An optional operator; the loop never ends for a negative or fractional exponent."""

INTERFACE = '''

OPERATIONS = {{{table}}}


def calculate(expression: str) -> float:
    """Evaluate 'NUMBER OPERATOR NUMBER', for example '3 * 4'."""
    parts = expression.split()
    if len(parts) != 3:
        raise ValueError(f"expected NUMBER OPERATOR NUMBER, got {{expression!r}}")
    left, operator, right = parts
    if operator not in OPERATIONS:
        raise ValueError(f"unknown operator {{operator!r}}")
{numbers}'''

NUMBERS = {
    "float": "    return OPERATIONS[operator](float(left), float(right))\n",
    "int": "    return OPERATIONS[operator](int(left), int(right))\n",
    "digits": """\
    if not (left.isdigit() and right.isdigit()):
        raise ValueError(f"expected two numbers, got {left!r} and {right!r}")
    return OPERATIONS[operator](float(left), float(right))
""",
}
"""How calculate() reads its numbers: int() refuses decimals, isdigit() also negative numbers."""

MAIN_PLAIN = '''

def main(argv: list[str] | None = None) -> int:
    """Run the calculator on the command line; return the exit status."""
    parser = argparse.ArgumentParser(description="Evaluate a simple arithmetic expression.")
    parser.add_argument("expression", nargs="*", help="for example: 3 * 4 (quote the *)")
    args = parser.parse_args(argv)
    expressions = [" ".join(args.expression)] if args.expression else sys.stdin
    for expression in expressions:
        print(f"{calculate(expression):g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
'''

MAIN_CHECKED = '''

def answer(expression: str) -> str:
    """The result of ``expression`` as printed, or 'error: ' and why."""
    try:
        return f"{calculate(expression):g}"
    except (ValueError, ZeroDivisionError) as error:
        return f"error: {error}"


def main(argv: list[str] | None = None) -> int:
    """Run the calculator on the command line; return the exit status.

    Without an expression, answer each line of standard input on a line of its own.
    """
    parser = argparse.ArgumentParser(description="Evaluate a simple arithmetic expression.")
    parser.add_argument(
        "expression", nargs="*", help="for example: 3 * 4 (quote the *); none: read standard input"
    )
    args = parser.parse_args(argv)
    if not args.expression:
        for line in sys.stdin:
            if line.strip():
                print(answer(line))
        return 0
    reply = answer(" ".join(args.expression))
    if reply.startswith("error: "):
        print(reply, file=sys.stderr)
        return 2
    print(reply)
    return 0


if __name__ == "__main__":
    sys.exit(main())
'''

TESTS_BASIC = '''\
"""Tests for the calculator's operations."""

import pytest

from calculator import add, divide, multiply, subtract


def test_add():
    assert add(2, 3) == 5


def test_subtract_gives_negative_results():
    assert subtract(2, 5) == -3


def test_multiply_decimals():
    assert multiply(1.5, 4) == pytest.approx(6.0)


def test_divide():
    assert divide(7, 2) == 3.5
'''

TESTS_POWER = """

def test_power():
    from calculator import power

    assert power(2, 10) == 1024


def test_power_negative_exponent():
    from calculator import power

    assert power(2, -1) == 0.5
"""

TESTS_MORE = """

def test_divide_by_zero_is_an_error():
    with pytest.raises(ZeroDivisionError):
        divide(1, 0)


def test_negative_numbers():
    from calculator import calculate

    assert calculate("-3 + 5") == 2


def test_decimals():
    from calculator import calculate

    assert calculate("2.5 * 4") == pytest.approx(10.0)


def test_main_prints_the_result(capsys):
    from calculator import main

    assert main(["3", "*", "4"]) == 0
    assert capsys.readouterr().out.strip() == "12"


def test_main_reports_division_by_zero(capsys):
    from calculator import main

    assert main(["8", "/", "0"]) == 2
    assert "error" in capsys.readouterr().err
"""

README_START = "# Calculator\n\nAssignment 1 for CS101, by {name}.\n"

README_DONE = """\
# Calculator

A small command-line calculator, written by {name} for CS101 assignment 1.

## Usage

```
python calculator.py 3 + 4
python calculator.py 10 / 4
python calculator.py "6 * 7"
printf '2 + 3\\n8 / 0\\n' | python calculator.py
```

Division by zero and malformed expressions print an error and exit with status 2. Without an
expression, the calculator answers each line of standard input on a line of its own.
"""

README_TESTS = """
## Tests

```
python -m pytest -q
```
"""
