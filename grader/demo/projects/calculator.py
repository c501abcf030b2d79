"""Assignment 1: a command-line calculator with tests, as one student might build it.

The student's own tests are what the autograder runs (a JUnit report, so each test earns its
share): what the code gets wrong depends on the student's ``Work`` (see grader.demo.outcomes).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from grader.demo.outcomes import Work
from grader.demo.projects.calculator_text import (
    DIVIDE_CHECKED,
    DIVIDE_PLAIN,
    HEADER,
    INTERFACE,
    MAIN_CHECKED,
    MAIN_PLAIN,
    MULTIPLY,
    NUMBERS,
    POWER,
    README_DONE,
    README_START,
    README_TESTS,
    SUBTRACT,
    TESTS_BASIC,
    TESTS_MORE,
    TESTS_POWER,
)
from grader.demo.projects.common import Step

GITIGNORE = "__pycache__/\n*.pyc\n.venv/\n.pytest_cache/\n"


@dataclass(frozen=True)
class Code:
    """How this student's calculator behaves; every field names a variant in calculator_text."""

    subtract: str = "right"
    divide: str = "checked"
    numbers: str = "float"
    power: str = ""
    handles_errors: bool = True
    tests: bool = True


EDGE_SLIPS = (
    Code(divide="floor"),  # 7 / 2 gives 3: test_divide fails
    Code(divide="zero-is-zero"),  # 1 / 0 gives 0: both division-by-zero tests fail
    Code(numbers="int"),  # "2.5" is refused: test_decimals fails
    Code(numbers="digits"),  # "-3" and "2.5" are refused: test_negative_numbers and test_decimals fail
)
"""One student's slip on an edge case, each caught by one or two of their own tests."""


def code_for(work: Work, rng: random.Random) -> Code:
    """The calculator a student with ``work`` writes; ``rng`` picks the slip and the extras."""
    slip = EDGE_SLIPS[int(rng.random() * len(EDGE_SLIPS))]
    power = "exact" if rng.random() < 0.4 else ""
    if work is Work.EDGE_SLIPS:
        return replace(slip, power=power)
    if work is Work.SHAKY:
        return Code(subtract="swapped", divide="swapped", numbers="int", power=power, handles_errors=False)
    if work is Work.ENDLESS:
        return Code(power="loop")
    if work is Work.UNTESTED:
        return Code(power=power, tests=False)
    return Code(power=power)


def module(name: str, code: Code, *, interface: bool, checked: bool) -> str:
    """calculator.py: the operations, then (once written) the command-line interface."""
    source = (
        HEADER.format(name=name)
        + SUBTRACT[code.subtract]
        + MULTIPLY
        + (DIVIDE_CHECKED if checked else DIVIDE_PLAIN)[code.divide]
        + POWER.get(code.power, "")
    )
    if not interface:
        return source
    table = '"+": add, "-": subtract, "*": multiply, "/": divide' + (', "^": power' if code.power else "")
    main = MAIN_CHECKED if checked and code.handles_errors else MAIN_PLAIN
    return source + INTERFACE.format(table=table, numbers=NUMBERS[code.numbers]) + main


def steps(name: str, rng: random.Random, work: Work) -> list[Step]:
    """The calculator built in six steps (four without tests): ``work`` decides what its tests find."""
    code = code_for(work, rng)
    tests = TESTS_BASIC + (TESTS_POWER if code.power else "")
    readme = README_DONE.format(name=name) + (README_TESTS if code.tests else "")
    work_steps = [
        Step("Start the calculator project", {"README.md": README_START.format(name=name),
                                              ".gitignore": GITIGNORE}),
        Step("Add the four basic operations", {"calculator.py": module(name, code, interface=False,
                                                                       checked=False)}),
        Step("Test the basic operations", {"tests/test_calculator.py": tests}),
        Step("Add a command-line interface", {"calculator.py": module(name, code, interface=True,
                                                                      checked=False)}),
        Step(
            "Report division by zero and bad input instead of crashing",
            {
                "calculator.py": module(name, code, interface=True, checked=True),
                "tests/test_calculator.py": tests + TESTS_MORE,
            },
        ),
        Step("Document usage and tests in the README", {"README.md": readme}),
    ]  # fmt: skip
    if not code.tests:
        work_steps = [
            Step(step.message.replace("Report division by zero and bad input", "Handle bad input"),
                 {path: text for path, text in step.files.items() if not path.startswith("tests/")})
            for step in work_steps
            if step.message != "Test the basic operations"
        ]  # fmt: skip
        work_steps[-1] = Step("Document usage in the README", work_steps[-1].files)
    return work_steps
