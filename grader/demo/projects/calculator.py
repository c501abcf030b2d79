"""Assignment 1: a command-line calculator with tests, as one student might build it.

The student's own tests are what the autograder runs (a JUnit report, so each test earns its
share): what the code gets wrong depends on the student's ``Work`` (see grader.demo.outcomes),
how it is written on their ``Style`` (see calc_style): students write genuinely different code.
"""

from __future__ import annotations

import random
from dataclasses import replace
from string import Template

from grader.demo.outcomes import Work
from grader.demo.projects.calc_interface import calculate, interface
from grader.demo.projects.calc_ops import dispatch_section, ops_section
from grader.demo.projects.calc_style import Code, Style, style_for
from grader.demo.projects.calc_tests import test_module
from grader.demo.projects.calculator_text import README_DONE, README_START, README_TESTS
from grader.demo.projects.common import Step

GITIGNORE = "__pycache__/\n*.pyc\n.venv/\n.pytest_cache/\n"

EDGE_SLIPS = (
    Code(divide="floor"),  # 7 / 2 gives 3: the divide test fails
    Code(divide="zero-is-zero"),  # 1 / 0 gives 0: both division-by-zero tests fail
    Code(numbers="int"),  # "2.5" is refused: the decimals test fails
    Code(numbers="digits"),  # "-3" and "2.5" are refused: the negative-numbers and decimals tests fail
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


def _header(name: str, style: Style, *, interface: bool) -> str:
    modules = {"operator"} if style.ops == "operator" else set()
    if interface:
        modules |= {"sys"} | ({"argparse"} if style.cli != "argv" else set())
        modules |= {"re"} if style.parser == "regex" else set()
    title = (
        f'"""A small command-line calculator.\n\nAuthor: {name}\n"""\n'
        if style.docs
        else f"# calculator.py - CS101 assignment 1\n# {name}\n"
    )
    future = "\nfrom __future__ import annotations\n" if style.hints else ""
    imported = "".join(f"import {module}\n" for module in sorted(modules))
    return title + future + ("\n" + imported if imported else "")


def fill(text: str, style: Style) -> str:
    """The text with the student's names in place of the placeholders."""
    names = style.names
    return Template(text).substitute(
        a=names.a,
        b=names.b,
        expr=names.expr,
        calc=names.calc,
        left=names.left,
        right=names.right,
        op=names.op,
    )


def module(name: str, code: Code, style: Style, *, interface_written: bool, checked: bool) -> str:
    """calculator.py: the operations, then (once written) calculate() and the command line."""
    parts = [ops_section(code, style, checked=checked)]
    if interface_written:
        parts += [
            dispatch_section(code, style),
            calculate(code, style),
            interface(code, style, checked=checked),
        ]
    body = "\n\n".join(part.strip("\n") + "\n" for part in parts if part)
    return _header(name, style, interface=interface_written) + "\n\n" + fill(body, style)


def steps(name: str, rng: random.Random, work: Work, variant: int = 0) -> list[Step]:
    """The calculator built in six steps (four without tests): ``work`` decides what its tests find,
    ``variant`` (with ``rng``) how the student writes it."""
    code = code_for(work, rng)
    style = style_for(variant, rng)
    test_path = style.test_file
    readme = README_DONE.format(name=name) + (README_TESTS if code.tests else "")

    def source(*, interface_written: bool, checked: bool) -> str:
        return module(name, code, style, interface_written=interface_written, checked=checked)

    operations_only = source(interface_written=False, checked=False)
    unchecked = source(interface_written=True, checked=False)
    work_steps = [
        Step("Start the calculator project", {"README.md": README_START.format(name=name),
                                              ".gitignore": GITIGNORE}),
        Step("Add the four basic operations", {"calculator.py": operations_only}),
        Step("Test the basic operations", {test_path: fill(test_module(code, style, more=False), style)}),
        Step("Add a command-line interface", {"calculator.py": unchecked}),
        Step(
            "Report division by zero and bad input instead of crashing",
            {
                "calculator.py": source(interface_written=True, checked=True),
                test_path: fill(test_module(code, style, more=True), style),
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
