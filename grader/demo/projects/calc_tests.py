"""A demo student's own calculator tests, in four styles: plain functions, pytest classes,
unittest, or parametrized cases. Every style checks the same things, one test each, so a slip
fails the same number of tests whatever the style."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from grader.demo.projects.calc_ops import call, imports
from grader.demo.projects.calc_style import Code, Operation, Style, operations
from grader.demo.seeding import seeded


@dataclass(frozen=True)
class Check:
    name: str
    kind: str
    """eq, approx, raises, prints (main's output) or reports (main's error)."""
    expr: str
    expected: str


def checks(code: Code, style: Style, *, more: bool) -> list[Check]:
    """What the student tests: the operations (and power), then, with ``more``, the rest."""
    ops = {op.name: op for op in operations(code, style, checked=True)}

    def on(name: str, args: str) -> str:
        return call(style, ops[name], args)

    found = [
        Check("add", "eq", on("add", style.add_case[0]), style.add_case[1]),
        Check("subtract_gives_negative_results", "eq", on("subtract", "2, 5"), "-3"),
        Check("multiply", "approx", on("multiply", style.multiply_case[0]), style.multiply_case[1]),
        Check("divide", "eq", on("divide", "7, 2"), "3.5"),
    ]
    if code.power:
        found += [Check("power", "eq", on("power", "2, 10"), "1024"),
                  Check("power_negative_exponent", "eq", on("power", "2, -1"), "0.5")]  # fmt: skip
    found += _extras(style, on)
    if more:
        calc = style.names.calc
        found += [
            Check("divide_by_zero_is_an_error", "raises", on("divide", "1, 0"), "ZeroDivisionError"),
            Check("negative_numbers", "eq", f'{calc}("-3 + 5")', "2"),
            Check("decimals", "approx", f'{calc}("2.5 * 4")', "10.0"),
            Check("main_prints_the_result", "prints", '["3", "*", "4"]', "12"),
            Check("main_reports_division_by_zero", "reports", '["8", "/", "0"]', "2"),
        ]
    return sorted(found, key=lambda check: _habit(style, check, "order").random())


EXTRAS = (
    ("add_zero", "add", "7, 0", "7"),
    ("add_negatives", "add", "-2, -3", "-5"),
    ("add_is_commutative", "add", "2, 9", "=9, 2"),
    ("multiply_by_zero", "multiply", "9, 0", "0"),
    ("multiply_by_one", "multiply", "13, 1", "13"),
    ("multiply_negatives", "multiply", "-4, -5", "20"),
)
"""Cases a student may add of their own: add and multiply are right in every variant, so these
pass whatever slips the student's code has (the demo's outcomes stay as designed). An expected
value starting with ``=`` is the same operation on those arguments."""


def _extras(style: Style, on: Callable[[str, str], str]) -> list[Check]:
    """The few extra cases this student thought of (none to three)."""
    rng = seeded(style.habits, "extras")
    chosen = rng.sample(EXTRAS, rng.randrange(4))
    return [
        Check(name, "eq", on(op, args), on(op, expected[1:]) if expected.startswith("=") else expected)
        for name, op, args, expected in chosen
    ]


def _habit(style: Style, check: Check, what: str) -> random.Random:
    """A stable choice of the student's for one test: the same at every step of their work."""
    return seeded(style.habits, check.name, what)


def _pytest_body(check: Check, idiom: int) -> list[str]:
    expr, expected = check.expr, check.expected
    if check.kind == "eq":
        return ([f"assert {expr} == {expected}"], [f"result = {expr}", f"assert result == {expected}"],
                [f"assert {expected} == {expr}"])[idiom]  # fmt: skip
    if check.kind == "approx":
        return ([f"assert {expr} == pytest.approx({expected})"], [f"assert abs({expr} - {expected}) < 1e-9"],
                [f"value = {expr}", f"assert value == pytest.approx({expected}, 1e-6)"])[idiom]  # fmt: skip
    if check.kind == "raises":
        return ([f"with pytest.raises({expected}):", f"    {expr}"],
                [f'with pytest.raises({expected}, match="zero"):', f"    {expr}"],
                ["try:", f"    {expr}", f"except {expected}:", "    pass", "else:",
                 f'    pytest.fail("expected {expected}")'])[idiom]  # fmt: skip
    stream = "out" if check.kind == "prints" else "err"
    status, seen = ("0", f'"{expected}"') if check.kind == "prints" else (expected, None)
    if idiom == 0:
        shown = f"capsys.readouterr().{stream}"
        if seen:
            return [f"assert main({expr}) == {status}", f"assert {shown}.strip() == {seen}"]
        return [f"assert main({expr}) == {status}", f'assert "error" in {shown}']
    lines = [f"code = main({expr})", "captured = capsys.readouterr()", f"assert code == {status}"]
    return lines + (
        [f"assert captured.{stream}.strip() == {seen}"] if seen else [f'assert "error" in captured.{stream}']
    )


def _pytest_test(style: Style, check: Check, *, method: bool) -> str:
    params = (["self"] if method else []) + (["capsys"] if check.kind in ("prints", "reports") else [])
    pad = "    " if method else ""
    idiom = _habit(style, check, "idiom").randrange(3)
    body = "\n".join(f"{pad}    {line}" for line in _pytest_body(check, idiom))
    return f"{pad}def test_{check.name}({', '.join(params)}):\n{body}\n"


def _unittest_test(style: Style, check: Check) -> str:
    idiom = _habit(style, check, "idiom").randrange(3)
    if check.kind in ("eq", "approx"):
        assertion = "assertEqual" if check.kind == "eq" else "assertAlmostEqual"
        body = ([f"self.{assertion}({check.expr}, {check.expected})"],
                [f"result = {check.expr}", f"self.{assertion}(result, {check.expected})"],
                [f"self.{assertion}({check.expected}, {check.expr})"])[idiom]  # fmt: skip
    elif check.kind == "raises":
        body = ([f"with self.assertRaises({check.expected}):", f"    {check.expr}"],
                [f"self.assertRaises({check.expected}, lambda: {check.expr})"],
                [f'with self.assertRaisesRegex({check.expected}, "zero"):',
                 f"    {check.expr}"])[idiom]  # fmt: skip
    else:
        stream, redirect = (
            ("out", "redirect_stdout") if check.kind == "prints" else ("err", "redirect_stderr")
        )
        body = [f"{stream} = io.StringIO()", f"with contextlib.{redirect}({stream}):",
                f"    status = main({check.expr})"]  # fmt: skip
        if check.kind == "prints":
            body += [
                "self.assertEqual(status, 0)",
                f'self.assertEqual(out.getvalue().strip(), "{check.expected}")',
            ]
        else:
            body += [f"self.assertEqual(status, {check.expected})", 'self.assertIn("error", err.getvalue())']
    lines = "\n".join(f"        {line}" for line in body)
    return f"    def test_{check.name}(self):\n{lines}\n"


def _import_line(style: Style, found: list[Operation], listed: list[Check]) -> str:
    names = set(imports(style, found))
    if any(c.name in ("negative_numbers", "decimals") for c in listed):
        names.add(style.names.calc)
    if any(c.kind in ("prints", "reports") for c in listed):
        names.add("main")
    return f"from calculator import {', '.join(sorted(names))}\n"


def _parametrized(style: Style, listed: list[Check]) -> str:
    direct = [c for c in listed if c.kind in ("eq", "approx") and not c.expr.startswith(("main", '"'))]
    cases = "\n".join(f'        pytest.param(lambda: {c.expr}, {c.expected}, id="{c.name}"),' for c in direct)
    table = (
        '@pytest.mark.parametrize(\n    ("compute", "expected"),\n    [\n'
        f"{cases}\n    ],\n)\ndef test_operation(compute, expected):\n"
        "    assert compute() == pytest.approx(expected)\n"
    )
    rest = [_pytest_test(style, c, method=False) for c in listed if c not in direct]
    return "\n\n".join([table, *rest])


GROUPS = (("TestOperations", ("eq", "approx", "raises")), ("TestCommandLine", ("prints", "reports")))


def test_module(code: Code, style: Style, *, more: bool) -> str:
    """The student's test file at this step of their work."""
    listed = checks(code, style, more=more)
    found = operations(code, style, checked=True)
    used = [op for op in found if any(call(style, op, "").split("(")[0] in c.expr for c in listed)]
    head = f'"""{style.test_doc}"""\n\n'
    if style.tests == "unittest":
        extra = "import contextlib\nimport io\n" if more else ""
        tests = "\n".join(_unittest_test(style, c) for c in listed)
        return (f"{head}{extra}import unittest\n\n{_import_line(style, used, listed)}\n\n"
                f"class CalculatorTest(unittest.TestCase):\n{tests}\n\n"
                'if __name__ == "__main__":\n    unittest.main()\n')  # fmt: skip
    header = f"{head}import pytest\n\n{_import_line(style, used, listed)}\n\n"
    if style.tests == "parametrize":
        return header + _parametrized(style, listed)
    if style.tests == "classes":
        groups = []
        for title, kinds in GROUPS:
            members = [_pytest_test(style, c, method=True) for c in listed if c.kind in kinds]
            if members:
                groups.append(f"class {title}:\n" + "\n".join(members))
        return header + "\n\n".join(groups)
    return header + "\n\n".join(_pytest_test(style, c, method=False) for c in listed)
