"""The system tools some tests need: a skip where one is missing locally, a failure in CI.

Every test that needs a tool says so through ``needs_tool`` (a marker) or ``require_tool`` (a
call, for fixtures). Locally a missing tool skips the test. In CI (``$CI`` set, or
``$GRADER_REQUIRE_ALL_TOOLS=1``, which .ci/run sets) it fails the test, naming the Debian package to
install, and a run with any tool missing fails even if no test asked for it: CI cannot pass by
skipping. The summary ends with one line saying how many tests ran on each database backend and
with each tool; under pytest-xdist each worker sends what its tests used with their teardown
report, and the controller adds it up.
"""

from __future__ import annotations

import os
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

REQUIRE_VARIABLE = "GRADER_REQUIRE_ALL_TOOLS"
POSTGRES_VARIABLE = "GRADER_TEST_POSTGRES_URL"
BACKENDS = ("sqlite", "postgresql")
TALLY_PROPERTY = "grader-required-tools"
"""The user property a worker's teardown report carries: what the test used."""


def _on_path(*commands: str) -> Callable[[], bool]:
    return lambda: all(shutil.which(command) is not None for command in commands)


def _cjk_font() -> bool:
    from grader.credentials.font_files import SYSTEM_FONT_DIRS, find_font

    return find_font(SYSTEM_FONT_DIRS, "NotoSansCJK-Regular.ttc") is not None


@dataclass(frozen=True)
class Tool:
    name: str
    package: str
    """The Debian package that provides it."""
    present: Callable[[], bool]
    also: str = ""
    """What else a machine needs besides the package, if anything."""

    def missing(self) -> str:
        """Why a test that needs this tool cannot run, and what fixes it."""
        return f"install the Debian package {self.package}{self.also}"


TOOLS: dict[str, Tool] = {
    tool.name: tool
    for tool in (
        Tool(
            "postgresql",
            "postgresql",
            lambda: bool(os.environ.get(POSTGRES_VARIABLE)),
            f" and set {POSTGRES_VARIABLE} to a server's URL (.ci/run starts one)",
        ),
        Tool("chromium", "chromium", _on_path("chromium")),
        Tool("poppler", "poppler-utils", _on_path("pdftoppm", "pdftotext")),
        Tool("cjk-font", "fonts-noto-cjk", _cjk_font),
        Tool("openssl", "openssl", _on_path("openssl")),
        Tool("bubblewrap", "bubblewrap", _on_path("bwrap")),
    )
}


def required_everywhere() -> bool:
    """True in CI, where a missing tool is a failure rather than a skip."""
    ci = os.environ.get("CI", "").strip().lower()
    return os.environ.get(REQUIRE_VARIABLE) == "1" or ci not in ("", "0", "false", "no")


@dataclass
class _Tally:
    """What the test now running used, and what the whole run used."""

    tools: set[str] = field(default_factory=set)
    backends: set[str] = field(default_factory=set)
    ran: bool = False
    tool_tests: Counter[str] = field(default_factory=Counter)
    tool_skips: Counter[str] = field(default_factory=Counter)
    """Tests skipped for a missing tool, counted from their reports (so once, on the controller)."""
    backend_tests: Counter[str] = field(default_factory=Counter)
    availability: dict[str, bool] = field(default_factory=dict)

    def available(self, name: str) -> bool:
        if name not in self.availability:
            self.availability[name] = TOOLS[name].present()
        return self.availability[name]


_tally = _Tally()


def require_tool(name: str) -> None:
    """Go on if ``name`` is installed; else skip the current test, or fail it in CI."""
    tool = TOOLS[name]  # a KeyError names a tool nobody registered
    _tally.tools.add(name)
    if _tally.available(name):
        return
    if required_everywhere():
        pytest.fail(f"CI requires {name}: {tool.missing()}", pytrace=False)
    pytest.skip(_skip_reason(name))


def _skip_reason(name: str) -> str:
    return f"needs {name}: {TOOLS[name].missing()} (a failure in CI)"


def _skipped_for(report: pytest.TestReport) -> list[str]:
    """The tools a skipped test's reason names (see _skip_reason)."""
    if not report.skipped or not isinstance(report.longrepr, tuple):
        return []
    reason = str(report.longrepr[2])
    return [name for name in TOOLS if f"needs {name}: " in reason]


def _marked_tools(item: pytest.Item) -> list[str]:
    return [name for mark in item.iter_markers("needs_tool") for name in mark.args]


def needs_tool(*names: str) -> pytest.MarkDecorator:
    """Mark a test as needing these tools (see require_tool)."""
    unknown = [name for name in names if name not in TOOLS]
    if unknown:
        raise ValueError(f"unknown tool(s) {unknown}; known: {', '.join(TOOLS)}")
    return pytest.mark.needs_tool(*names)


def _record_backend(connection: Any) -> None:
    _tally.backends.add(connection.dialect.name)


class _RequiredTools:
    """The pytest hooks: enforce the markers, count what ran, fail CI on a missing tool."""

    def __init__(self, config: pytest.Config) -> None:
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        self._worker = hasattr(config, "workerinput")
        event.listen(Engine, "engine_connect", _record_backend)

    def pytest_unconfigure(self) -> None:
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        event.remove(Engine, "engine_connect", _record_backend)

    def pytest_runtest_logstart(self) -> None:
        _tally.tools.clear()
        _tally.backends.clear()
        _tally.ran = False

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        """Locally, a test whose tool is missing is marked skipped, so it is reported at its line."""
        if required_everywhere():
            return
        for item in items:
            for name in _marked_tools(item):
                if not _tally.available(name):
                    item.add_marker(pytest.mark.skip(reason=_skip_reason(name)))

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        for name in _marked_tools(item):
            if required_everywhere() or _tally.available(name):
                require_tool(name)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "call":
            _tally.ran = True
        if self._worker:
            if report.when == "teardown":
                used = {"ran": _tally.ran, "tools": sorted(_tally.tools), "backends": sorted(_tally.backends)}
                report.user_properties.append((TALLY_PROPERTY, used))
            return
        _tally.tool_skips.update(_skipped_for(report))
        for key, used in report.user_properties:
            if key == TALLY_PROPERTY and used["ran"]:
                _tally.tool_tests.update(used["tools"])
                _tally.backend_tests.update(used["backends"])

    def pytest_runtest_logfinish(self) -> None:
        if _tally.ran and not self._worker:
            _tally.tool_tests.update(_tally.tools)
            _tally.backend_tests.update(_tally.backends)

    def missing_in_ci(self) -> list[str]:
        if not required_everywhere():
            return []
        return [name for name in TOOLS if not _tally.available(name)]

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self._worker:
            return
        passing = (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED)
        if self.missing_in_ci() and session.exitstatus in passing:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        terminalreporter.write_line(summary_line())
        for name in self.missing_in_ci():
            terminalreporter.write_line(f"CI requires {name}: {TOOLS[name].missing()}", red=True, bold=True)


def _tests(count: int) -> str:
    return f"{count} test" if count == 1 else f"{count} tests"


def _shown(name: str) -> str:
    if _tally.available(name):
        return f"✓ {_tests(_tally.tool_tests[name])}"
    skipped = _tally.tool_skips[name]
    return "✗ missing" + (f", {_tests(skipped)} skipped" if skipped else "")


def summary_line() -> str:
    """E.g. "backends: sqlite 812 tests, postgresql 140 tests; tools: chromium ✓ 1 test, …"."""
    backends = [f"{name} {_tests(_tally.backend_tests[name])}" for name in BACKENDS]
    if not _tally.available("postgresql"):
        backends[-1] = f"postgresql {_shown('postgresql')}"
    tools = [f"{name} {_shown(name)}" for name in TOOLS if name != "postgresql"]
    return f"backends: {', '.join(backends)}; tools: {', '.join(tools)}"


def install(config: pytest.Config) -> None:
    """Register the needs_tool marker and the hooks (called from tests/conftest.py)."""
    config.addinivalue_line("markers", "needs_tool(*names): the test needs these system tools")
    config.pluginmanager.register(_RequiredTools(config), "grader-required-tools")
