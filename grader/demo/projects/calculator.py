"""Assignment 1: a command-line calculator with tests, as one student might build it."""

from __future__ import annotations

import random

from grader.demo.projects.common import Step

GITIGNORE = "__pycache__/\n*.pyc\n.venv/\n.pytest_cache/\n"

OPERATIONS = '''\
"""A small command-line calculator.

Author: {name}
"""

from __future__ import annotations

import argparse
import sys


def add(a: float, b: float) -> float:
    """Return a + b."""
    return a + b


def subtract(a: float, b: float) -> float:
    """Return a - b."""
    return a - b


def multiply(a: float, b: float) -> float:
    """Return a * b."""
    return a * b


def divide(a: float, b: float) -> float:
    """Return a / b."""
{divide_body}
{power}'''

DIVIDE_CHECKED = """\
    if b == 0:
        raise ZeroDivisionError("cannot divide by zero")
    return a {op} b
"""

POWER = '''

def power(a: float, b: float) -> float:
    """Return a raised to the power b."""
    return a**b
'''

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
    return OPERATIONS[operator](float(left), float(right))


def main(argv: list[str] | None = None) -> int:
    """Run the calculator on the command line; return the exit status."""
    parser = argparse.ArgumentParser(description="Evaluate a simple arithmetic expression.")
    parser.add_argument("expression", nargs="+", help="for example: 3 * 4 (quote the *)")
    args = parser.parse_args(argv)
{run}
    return 0


if __name__ == "__main__":
    sys.exit(main())
'''

RUN_PLAIN = """\
    print(f"{calculate(' '.join(args.expression)):g}")"""

RUN_CHECKED = """\
    try:
        result = calculate(" ".join(args.expression))
    except (ValueError, ZeroDivisionError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"{result:g}")"""

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
    assert divide(7, 2) == {half}
'''

TESTS_MORE = """

def test_divide_by_zero_is_an_error():
    with pytest.raises(ZeroDivisionError):
        divide(1, 0)


def test_main_prints_the_result(capsys):
    from calculator import main

    assert main(["3", "*", "4"]) == 0
    assert capsys.readouterr().out.strip() == "12"
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
```

Division by zero and malformed expressions print an error and exit with status 2.

## Tests

```
python -m pytest -q
```
"""


def steps(name: str, rng: random.Random) -> list[Step]:
    """The calculator built in six steps; ``rng`` picks this student's habits and slips."""
    integer_division = rng.random() < 0.2
    checks_zero = rng.random() < 0.75
    has_power = rng.random() < 0.4
    op = "//" if integer_division else "/"
    body_plain = f"    return a {op} b\n"
    body_checked = DIVIDE_CHECKED.format(op=op) if checks_zero else body_plain
    power = POWER if has_power else ""
    table = ", ".join(
        f'"{sym}": {fn}' for sym, fn in (("+", "add"), ("-", "subtract"), ("*", "multiply"), ("/", "divide"))
    ) + (', "^": power' if has_power else "")

    def module(body: str, run: str | None) -> str:
        source = OPERATIONS.format(name=name, divide_body=body.rstrip("\n"), power=power)
        if run is not None:
            source += INTERFACE.format(table=table, run=run)
        return source

    tests = TESTS_BASIC.format(half="3.5")
    return [
        Step("Start the calculator project", {"README.md": README_START.format(name=name),
                                              ".gitignore": GITIGNORE}),
        Step("Add the four basic operations", {"calculator.py": module(body_plain, None)}),
        Step("Test the basic operations", {"tests/test_calculator.py": tests}),
        Step("Add a command-line interface", {"calculator.py": module(body_plain, RUN_PLAIN)}),
        Step(
            "Report division by zero and bad input instead of crashing",
            {
                "calculator.py": module(body_checked, RUN_CHECKED),
                "tests/test_calculator.py": tests + (TESTS_MORE if checks_zero else ""),
            },
        ),
        Step("Document usage and tests in the README", {"README.md": README_DONE.format(name=name)}),
    ]  # fmt: skip
