"""The README of the demo calculators: the same assignment sheet asks every student for one."""

from __future__ import annotations

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
