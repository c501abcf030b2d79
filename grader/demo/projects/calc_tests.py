"""A demo student's own calculator tests, in four styles: plain functions, pytest classes,
unittest, or parametrized cases. Every style checks the same things, one test each, so a slip
fails the same number of tests whatever the style."""

from __future__ import annotations

from dataclasses import dataclass

from grader.demo.projects.calc_ops import call, imports
from grader.demo.projects.calc_style import Code, Operation, Style, operations


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
    if more:
        calc = style.names.calc
        found += [
            Check("divide_by_zero_is_an_error", "raises", on("divide", "1, 0"), "ZeroDivisionError"),
            Check("negative_numbers", "eq", f'{calc}("-3 + 5")', "2"),
            Check("decimals", "approx", f'{calc}("2.5 * 4")', "10.0"),
            Check("main_prints_the_result", "prints", '["3", "*", "4"]', "12"),
            Check("main_reports_division_by_zero", "reports", '["8", "/", "0"]', "2"),
        ]
    return found


def _pytest_body(check: Check) -> list[str]:
    if check.kind == "eq":
        return [f"assert {check.expr} == {check.expected}"]
    if check.kind == "approx":
        return [f"assert {check.expr} == pytest.approx({check.expected})"]
    if check.kind == "raises":
        return [f"with pytest.raises({check.expected}):", f"    {check.expr}"]
    if check.kind == "prints":
        return [
            f"assert main({check.expr}) == 0",
            f'assert capsys.readouterr().out.strip() == "{check.expected}"',
        ]
    return [f"assert main({check.expr}) == {check.expected}", 'assert "error" in capsys.readouterr().err']


def _pytest_test(check: Check, *, method: bool) -> str:
    params = (["self"] if method else []) + (["capsys"] if check.kind in ("prints", "reports") else [])
    pad = "    " if method else ""
    body = "\n".join(f"{pad}    {line}" for line in _pytest_body(check))
    return f"{pad}def test_{check.name}({', '.join(params)}):\n{body}\n"


def _unittest_test(check: Check) -> str:
    if check.kind in ("eq", "approx"):
        assertion = "assertEqual" if check.kind == "eq" else "assertAlmostEqual"
        body = [f"self.{assertion}({check.expr}, {check.expected})"]
    elif check.kind == "raises":
        body = [f"with self.assertRaises({check.expected}):", f"    {check.expr}"]
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


def _parametrized(listed: list[Check]) -> str:
    direct = [c for c in listed if c.kind in ("eq", "approx") and not c.expr.startswith(("main", '"'))]
    cases = "\n".join(f'        pytest.param(lambda: {c.expr}, {c.expected}, id="{c.name}"),' for c in direct)
    table = (
        '@pytest.mark.parametrize(\n    ("compute", "expected"),\n    [\n'
        f"{cases}\n    ],\n)\ndef test_operation(compute, expected):\n"
        "    assert compute() == pytest.approx(expected)\n"
    )
    rest = [_pytest_test(c, method=False) for c in listed if c not in direct]
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
        tests = "\n".join(_unittest_test(c) for c in listed)
        return (f"{head}{extra}import unittest\n\n{_import_line(style, used, listed)}\n\n"
                f"class CalculatorTest(unittest.TestCase):\n{tests}\n\n"
                'if __name__ == "__main__":\n    unittest.main()\n')  # fmt: skip
    header = f"{head}import pytest\n\n{_import_line(style, used, listed)}\n\n"
    if style.tests == "parametrize":
        return header + _parametrized(listed)
    if style.tests == "classes":
        groups = []
        for title, kinds in GROUPS:
            members = [_pytest_test(c, method=True) for c in listed if c.kind in kinds]
            if members:
                groups.append(f"class {title}:\n" + "\n".join(members))
        return header + "\n\n".join(groups)
    return header + "\n\n".join(_pytest_test(c, method=False) for c in listed)
