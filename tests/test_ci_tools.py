"""The required-tools mechanism (required_tools.py): a missing tool skips locally and fails CI.

Each case runs pytest in a subprocess on a tiny test folder that installs the same mechanism,
with a PATH holding only stand-ins for the tools the case says are there.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import required_tools

TESTS = Path(__file__).parent
CONFTEST = """
import pytest, required_tools
from sqlalchemy import create_engine, text

def pytest_configure(config):
    required_tools.install(config)

@pytest.fixture
def postgres():
    required_tools.require_tool("postgresql")
"""
TINY = """
from required_tools import needs_tool

@needs_tool("poppler")
def test_renders_a_page():
    pass

def test_on_sqlite(tmp_path):
    from sqlalchemy import create_engine, text
    with create_engine(f"sqlite:///{tmp_path / 'x.db'}").connect() as connection:
        assert connection.execute(text("select 1")).scalar() == 1
"""
COMMANDS = ("pdftoppm", "pdftotext", "chromium", "openssl", "bwrap")


def run_tiny(
    tmp_path: Path, tests: str, *, present: tuple[str, ...], ci: dict[str, str], workers: int = 0
) -> tuple[int, str]:
    """Run ``tests`` with stand-ins for ``present`` on PATH and the CI variables ``ci``; with
    ``workers``, on that many pytest-xdist workers (as make test runs the suite)."""
    folder, bin_dir = tmp_path / "suite", tmp_path / "bin"
    folder.mkdir(parents=True)
    bin_dir.mkdir()
    (folder / "pytest.ini").write_text("[pytest]\naddopts = -ra --strict-markers\n")
    (folder / "conftest.py").write_text(CONFTEST)
    (folder / "test_tiny.py").write_text(tests)
    for command in present:
        (bin_dir / command).write_text("#!/bin/sh\n")
        (bin_dir / command).chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k not in ("CI", required_tools.REQUIRE_VARIABLE)}
    env.update(
        PATH=str(bin_dir), PYTHONPATH=str(TESTS), COLUMNS="300", PYTEST_DISABLE_PLUGIN_AUTOLOAD="1", **ci
    )
    env.pop(required_tools.POSTGRES_VARIABLE, None)
    spread = ["-p", "xdist", "-n", str(workers)] if workers else []
    # Its own temporary folder: in the shared one (/tmp/pytest-of-$USER), a pytest that ends
    # removes the old runs' folders, which took minutes while other suites were running.
    basetemp = f"--basetemp={tmp_path / 'tmp'}"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", basetemp, *spread, "-q", str(folder)],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr


WITHOUT_PDFTOPPM = tuple(c for c in COMMANDS if c != "pdftoppm")


def test_locally_a_missing_tool_skips_the_test_and_says_what_to_install(tmp_path: Path) -> None:
    code, out = run_tiny(tmp_path, TINY, present=WITHOUT_PDFTOPPM, ci={})
    assert code == 0, out
    assert "1 passed, 1 skipped" in out
    assert (
        "SKIPPED [1] test_tiny.py:4: needs poppler: install the Debian package poppler-utils (a failure in CI)"
    ) in out
    assert "backends: sqlite 1 test, postgresql ✗ missing; tools: " in out
    assert "poppler ✗ missing, 1 test skipped" in out
    assert "CI requires" not in out


def test_on_several_workers_the_summary_adds_up_what_each_ran(tmp_path: Path) -> None:
    tests = TINY + "\n".join(
        f"\ndef test_more_{i}(tmp_path):\n    test_on_sqlite(tmp_path)\n" for i in range(5)
    )
    code, out = run_tiny(tmp_path, tests, present=WITHOUT_PDFTOPPM, ci={}, workers=2)
    assert code == 0, out
    assert "6 passed, 1 skipped" in out
    assert "backends: sqlite 6 tests, postgresql ✗ missing; tools: " in out
    assert "poppler ✗ missing, 1 test skipped" in out
    code, out = run_tiny(tmp_path / "ci", tests, present=COMMANDS, ci={"CI": "1"}, workers=2)
    assert "7 passed" in out and "poppler ✓ 1 test" in out, out
    assert code == 1 and "CI requires postgresql" in out, "the controller fails the run, not only a worker"


@pytest.mark.parametrize("ci", [{"GRADER_REQUIRE_ALL_TOOLS": "1"}, {"CI": "true"}])
def test_in_ci_a_missing_tool_fails_the_test_and_the_run(tmp_path: Path, ci: dict[str, str]) -> None:
    code, out = run_tiny(tmp_path, TINY, present=WITHOUT_PDFTOPPM, ci=ci)
    assert code == 1, out
    assert (
        "ERROR test_tiny.py::test_renders_a_page - Failed: CI requires poppler: "
        "install the Debian package poppler-utils"
    ) in out
    assert "1 passed, 1 error" in out
    assert "CI requires poppler: install the Debian package poppler-utils" in out.splitlines()


def test_in_ci_the_test_runs_when_its_tool_is_there(tmp_path: Path) -> None:
    code, out = run_tiny(tmp_path, TINY, present=COMMANDS, ci={"CI": "1"})
    assert "2 passed" in out, out
    assert "poppler ✓ 1 test" in out
    assert "chromium ✓ 0 tests" in out
    lines = out.splitlines()
    assert "CI requires poppler: install the Debian package poppler-utils" not in lines
    assert "CI requires postgresql: install the Debian package postgresql" in "\n".join(lines)
    assert code == 1, "no GRADER_TEST_POSTGRES_URL: the run fails in CI though no test asked for it"


def test_a_fixture_that_needs_postgresql_fails_in_ci_and_skips_locally(tmp_path: Path) -> None:
    tests = "def test_store(postgres):\n    pass\n"
    code, out = run_tiny(tmp_path / "local", tests, present=COMMANDS, ci={})
    assert code == 0 and "1 skipped" in out, out
    assert "needs postgresql: install the Debian package postgresql and set GRADER_TEST_POSTGRES_URL" in out
    code, out = run_tiny(tmp_path / "ci", tests, present=COMMANDS, ci={"GRADER_REQUIRE_ALL_TOOLS": "1"})
    assert code == 1 and "1 error" in out, out
    assert "ERROR test_tiny.py::test_store - Failed: CI requires postgresql" in out


def test_in_ci_a_tool_no_test_asked_for_still_fails_the_run(tmp_path: Path) -> None:
    tests = "def test_nothing_needed():\n    pass\n"
    without_bwrap = tuple(c for c in COMMANDS if c != "bwrap")
    code, out = run_tiny(tmp_path / "local", tests, present=without_bwrap, ci={})
    assert code == 0 and "bubblewrap ✗ missing" in out, out
    code, out = run_tiny(tmp_path / "ci", tests, present=without_bwrap, ci={"CI": "yes"})
    assert code == 1 and "1 passed" in out, out
    assert "CI requires bubblewrap: install the Debian package bubblewrap" in out.splitlines()


def test_an_unknown_tool_name_is_refused_at_once() -> None:
    with pytest.raises(ValueError, match=r"unknown tool\(s\) \['popler'\]; known: postgresql, chromium"):
        required_tools.needs_tool("popler")
