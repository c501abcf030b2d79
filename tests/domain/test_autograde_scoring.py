"""Scoring a check's run: run, junit (reports from real pytest runs and hostile XML) and io."""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from grader.domain.autograde import (
    OUTPUT_LIMIT,
    REGEX_INPUT_LIMIT,
    RawRun,
    RunStatus,
    parse_junit,
    score_io,
    score_run,
)
from grader.domain.checks import Check, CheckKind, IoCase

D = Decimal
RUN = Check("python -m pytest -q", timeout=60)
REPORT = ".grader-report.xml"
JUNIT = Check(f"python -m pytest -q --junitxml={REPORT}", timeout=60, kind=CheckKind.JUNIT, report=REPORT)

STUDENT_TESTS = """
import pytest

def test_adds(): assert 1 + 1 == 2
def test_subtracts(): assert 2 - 1 == 1
def test_divide_by_zero(): assert 1 / 1 == 0
def test_negative(): assert -1 > 0
@pytest.mark.skip(reason="not yet")
def test_later(): pass
@pytest.fixture
def broken(): raise RuntimeError("fixture broke")
def test_uses_broken(broken): pass
@pytest.mark.parametrize("n", [1, 2])
def test_positive(n): assert n > 0
class TestDivide:
    def test_divide_exact(self): assert 4 / 2 == 2
"""


def ran(
    exit_code: int | None = 0,
    *,
    stdout: bytes = b"",
    stderr: bytes = b"",
    timed_out: bool = False,
    limit_hit: str = "",
    files: dict[str, bytes | None] | None = None,
    truncated: bool = False,
) -> RawRun:
    return RawRun(exit_code, timed_out, 1.5, stdout, stderr, truncated, limit_hit, files or {}, "bwrap")


def pytest_report(folder: Path, tests: str) -> tuple[int, bytes]:
    """A real JUnit report: pytest run on ``tests`` in ``folder``; (exit status, report bytes)."""
    (folder / "test_student.py").write_text(tests)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "--noconftest",
            "-p",
            "no:cacheprovider",
            "--disable-plugin-autoload",  # as the demo's checks: none of this suite's plugins
            f"--junitxml={REPORT}",
        ],
        cwd=folder,
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )
    return done.returncode, (folder / REPORT).read_bytes()


@pytest.fixture(scope="module")
def real_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, bytes]:
    return pytest_report(tmp_path_factory.mktemp("student"), STUDENT_TESTS)


# run ---------------------------------------------------------------------------------------------


def test_run_exit_zero_earns_the_points_and_keeps_the_output() -> None:
    result = score_run(RUN, D(20), ran(0, stdout=b"5 passed\n", stderr=b"warning\n"))
    assert (result.status, result.points, result.max_points) == (RunStatus.PASSED, D(20), D(20))
    assert result.reason == "passed (exit status 0)"
    assert result.output == "5 passed\nwarning\n"
    assert (result.exit_code, result.duration_s, result.sandbox) == (0, 1.5, "bwrap")


@pytest.mark.parametrize(
    ("run", "status", "reason"),
    [
        (ran(1), RunStatus.FAILED, "exit status 1"),
        (ran(None, timed_out=True), RunStatus.TIMEOUT, "timed out after 60 s"),
        (ran(-9, limit_hit="memory"), RunStatus.FAILED, "hit the memory limit"),
        (ran(0, limit_hit="file size"), RunStatus.FAILED, "hit the file size limit"),
        (ran(-11), RunStatus.FAILED, "killed by signal SIGSEGV"),
        (ran(None), RunStatus.FAILED, "ended without an exit status"),
    ],
)
def test_run_anything_but_a_clean_exit_earns_zero_with_why(
    run: RawRun, status: RunStatus, reason: str
) -> None:
    result = score_run(RUN, D(20), run)
    assert (result.status, result.points, result.reason) == (status, D(0), reason)


def test_run_never_takes_a_score_from_printed_text() -> None:
    """RUN-5: a program that prints a perfect score but exits 1 earns nothing."""
    result = score_run(RUN, D(20), ran(1, stdout=b"SCORE: 100/100\n20 passed\n"))
    assert (result.status, result.points) == (RunStatus.FAILED, D(0))


def test_output_is_decoded_capped_and_says_it_was_cut() -> None:
    result = score_run(RUN, D(1), ran(0, stdout=b"\xff" + b"x" * (OUTPUT_LIMIT + 10)))
    assert result.output.startswith("\ufffd") and len(result.output) == OUTPUT_LIMIT
    assert result.output_truncated
    assert score_run(RUN, D(1), ran(0, stdout=b"ok", truncated=True)).output_truncated


# junit: real reports -------------------------------------------------------------------------------


def test_parse_a_real_pytest_report(real_report: tuple[int, bytes]) -> None:
    exit_code, data = real_report
    assert exit_code == 1
    outcomes = {t.name: t.outcome for t in parse_junit(data)}
    assert outcomes == {
        "test_student.test_adds": "passed",
        "test_student.test_subtracts": "passed",
        "test_student.test_divide_by_zero": "failed",
        "test_student.test_negative": "failed",
        "test_student.test_later": "skipped",
        "test_student.test_uses_broken": "error",
        "test_student.test_positive[1]": "passed",
        "test_student.test_positive[2]": "passed",
        "test_student.TestDivide.test_divide_exact": "passed",
    }


def test_junit_partial_credit_from_a_real_report(real_report: tuple[int, bytes]) -> None:
    exit_code, data = real_report
    result = score_run(JUNIT, D(16), ran(exit_code, files={REPORT: data}))
    # 8 counted (the skipped test counts neither way), 5 passed: 16 × 5/8
    assert (result.status, result.points) == (RunStatus.PARTIAL, D(10))
    assert result.reason == (
        "3 of 8 tests failed: test_divide_by_zero, test_negative, test_uses_broken (1 skipped)"
    )
    earned = {t.name.rsplit(".", 1)[-1]: t.points for t in result.tests}
    assert earned["test_adds"] == D(2) and earned["test_negative"] == D(0) and earned["test_later"] is None
    assert sum(p for p in earned.values() if p is not None) == result.points


def test_junit_weights_by_glob_on_the_short_or_full_name(real_report: tuple[int, bytes]) -> None:
    exit_code, data = real_report
    weighted = Check(
        JUNIT.run,
        kind=CheckKind.JUNIT,
        report=REPORT,
        weights=(("test_divide*", D(4)), ("*TestDivide*", D(9)), ("test_student.test_positive*", D("0.5"))),
    )
    result = score_run(weighted, D(10), ran(exit_code, files={REPORT: data}))
    # passed: adds 1, subtracts 1, positive 0.5+0.5, divide_exact 4 (first glob wins) = 7
    # counted: those + divide_by_zero 4, negative 1, uses_broken 1 = 13
    assert result.points == (D(10) * 7 / 13).quantize(D("0.01"), rounding="ROUND_DOWN")
    assert result.points == D("5.38")
    assert result.status is RunStatus.PARTIAL


def test_junit_all_passed_earns_exactly_the_maximum(tmp_path: Path) -> None:
    exit_code, data = pytest_report(tmp_path, "def test_a(): pass\ndef test_b(): pass\ndef test_c(): pass\n")
    result = score_run(JUNIT, D(10), ran(exit_code, files={REPORT: data}))
    assert (exit_code, result.status, result.points, result.reason) == (
        0,
        RunStatus.PASSED,
        D(10),
        "all 3 tests passed",
    )


def test_junit_all_skipped_earns_zero(tmp_path: Path) -> None:
    exit_code, data = pytest_report(tmp_path, "import pytest\n@pytest.mark.skip\ndef test_a(): pass\n")
    result = score_run(JUNIT, D(10), ran(exit_code, files={REPORT: data}))
    assert (result.status, result.points, result.reason) == (
        RunStatus.FAILED,
        D(0),
        "all 1 tests were skipped",
    )


def test_junit_no_tests_collected_earns_zero(tmp_path: Path) -> None:
    exit_code, data = pytest_report(tmp_path, "x = 1\n")
    result = score_run(JUNIT, D(10), ran(exit_code, files={REPORT: data}))
    assert exit_code == 5
    assert (result.status, result.points) == (RunStatus.FAILED, D(0))
    assert result.reason == "the JUnit report lists no tests (the command ended: exit status 5)"


def test_junit_all_passed_but_the_command_failed_says_so(tmp_path: Path) -> None:
    _, data = pytest_report(tmp_path, "def test_a(): pass\n")
    result = score_run(JUNIT, D(4), ran(3, files={REPORT: data}))
    assert (result.status, result.points) == (RunStatus.PASSED, D(4))
    assert result.reason == "all 1 tests passed (the command ended: exit status 3)"


def test_junit_timeout_keeps_what_a_readable_report_lists(real_report: tuple[int, bytes]) -> None:
    _, data = real_report
    result = score_run(JUNIT, D(16), ran(None, timed_out=True, files={REPORT: data}))
    assert (result.status, result.points) == (RunStatus.TIMEOUT, D(10))
    assert result.reason == "timed out after 60 s; the report lists 5 of 8 tests passed"
    half = score_run(JUNIT, D(16), ran(None, timed_out=True, files={REPORT: data[: len(data) // 2]}))
    assert (half.status, half.points) == (RunStatus.TIMEOUT, D(0))
    assert half.reason.startswith(
        f"the JUnit report at {REPORT} is unusable: the report is not well-formed XML"
    )
    assert half.reason.endswith("(timed out after 60 s)")


@pytest.mark.parametrize("files", [{}, {REPORT: None}])
def test_junit_missing_report_is_a_failed_run_with_why(files: dict[str, bytes | None]) -> None:
    result = score_run(JUNIT, D(10), ran(2, files=files))
    assert (result.status, result.points, result.tests) == (RunStatus.FAILED, D(0), ())
    assert result.reason == (
        f"no JUnit report at {REPORT}: the command wrote none, or one over 8 MiB (exit status 2)"
    )


def test_junit_never_takes_a_score_from_printed_text(tmp_path: Path) -> None:
    """RUN-5: the output claims 100/100; the report (all failed) decides."""
    _, data = pytest_report(tmp_path, "def test_a(): assert False\n")
    result = score_run(JUNIT, D(10), ran(1, stdout=b"SCORE: 100/100\n", files={REPORT: data}))
    assert (result.status, result.points) == (RunStatus.FAILED, D(0))


# io ------------------------------------------------------------------------------------------------


def io_check(*cases: IoCase) -> Check:
    return Check("python calc.py", timeout=10, kind=CheckKind.IO, cases=cases)


ADDS = IoCase("adds", "2 + 3\n", "5", "included", D(2), 5)
EXACT = IoCase("lines", "", "a\nb", "exact", D(3), 5)
REGEX = IoCase("divides", "7 / 2\n", r"^3\.5$", "regex", D(5), 5)


def test_io_all_cases_pass_with_normalised_output() -> None:
    check = io_check(ADDS, EXACT, REGEX)
    result = score_io(
        check,
        D(10),
        [
            (ADDS, ran(0, stdout=b"result: 5\n")),
            (EXACT, ran(0, stdout=b"\r\na  \r\nb\t\r\n\r\n")),
            (REGEX, ran(0, stdout=b"3.5\n")),
        ],
    )
    assert (result.status, result.points, result.reason) == (RunStatus.PASSED, D(10), "all 3 cases passed")
    assert [(t.name, t.outcome, t.points) for t in result.tests] == [
        ("adds", "passed", D(2)),
        ("lines", "passed", D(3)),
        ("divides", "passed", D(5)),
    ]
    assert result.duration_s == 4.5
    assert "── adds: passed ──\nresult: 5" in result.output


def test_io_partial_credit_says_which_cases_failed_and_why() -> None:
    check = io_check(ADDS, EXACT, REGEX)
    result = score_io(
        check,
        D(10),
        [
            (ADDS, ran(0, stdout=b"5\n")),
            (EXACT, ran(0, stdout=b"a\nc\n")),
            (REGEX, ran(None, timed_out=True)),
        ],
    )
    assert (result.status, result.points) == (RunStatus.PARTIAL, D(2))
    assert (
        result.reason
        == '2 of 3 cases failed: lines (expected "a\\nb", got "a\\nc"), divides (timed out after 5 s)'
    )
    assert result.exit_code == 0  # the first failing case's


def test_io_exit_status_and_limits_fail_a_case_even_when_the_output_matches() -> None:
    check = io_check(ADDS)
    assert (
        score_io(check, D(2), [(ADDS, ran(1, stdout=b"5"))]).reason
        == "1 of 1 cases failed: adds (exit status 1)"
    )
    killed = score_io(check, D(2), [(ADDS, ran(-9, stdout=b"5", limit_hit="memory"))])
    assert (killed.status, killed.points, killed.reason) == (
        RunStatus.FAILED,
        D(0),
        "1 of 1 cases failed: adds (hit the memory limit)",
    )


def test_io_every_case_timing_out_is_a_timeout() -> None:
    result = score_io(
        io_check(ADDS, EXACT), D(5), [(ADDS, ran(None, timed_out=True)), (EXACT, ran(None, timed_out=True))]
    )
    assert (result.status, result.points) == (RunStatus.TIMEOUT, D(0))


@pytest.mark.parametrize(
    ("comparison", "expected", "stdout", "ok"),
    [
        ("exact", "5", "5\n", True),
        ("exact", "5", " 5", True),  # surrounding space trimmed, as GitHub Classroom does
        ("exact", "5", "55", False),
        ("exact", "a b", "a  b", False),
        ("included", "5", "the answer is 5!", True),
        ("included", "a\nb", "x\r\na   \r\nb\r\n", True),
        ("included", "6", "5", False),
        ("regex", r"\d+ items?", "found 12 items", True),
        ("regex", r"^ok$", "not ok", False),
        ("regex", r"(", "(", False),  # a pattern that does not compile fails the case, never crashes
    ],
)
def test_io_comparisons(comparison: str, expected: str, stdout: str, ok: bool) -> None:
    case = IoCase("c", "", expected, comparison, D(1), 5)
    result = score_io(io_check(case), D(1), [(case, ran(0, stdout=stdout.encode()))])
    assert (result.status is RunStatus.PASSED) is ok


def test_io_regex_searches_only_the_first_64_kib_of_the_output() -> None:
    case = IoCase("c", "", r"needle", "regex", D(1), 5)
    near = score_io(io_check(case), D(1), [(case, ran(0, stdout=b"x" * 60_000 + b"needle"))])
    far = score_io(io_check(case), D(1), [(case, ran(0, stdout=b"x" * REGEX_INPUT_LIMIT + b"needle"))])
    assert (near.status, far.status) == (RunStatus.PASSED, RunStatus.FAILED)


def test_io_points_split_equally_when_the_cases_give_none() -> None:
    a, b, c = (IoCase(n, "", "x", "included", D(1), 5) for n in "abc")
    result = score_io(
        io_check(a, b, c), D(10), [(a, ran(0, stdout=b"x")), (b, ran(0, stdout=b"x")), (c, ran(1))]
    )
    assert (result.status, result.points) == (RunStatus.PARTIAL, D("6.66"))


def test_io_printed_scores_are_ignored() -> None:
    """RUN-5: a case is judged on its expected output only."""
    result = score_io(io_check(ADDS), D(2), [(ADDS, ran(0, stdout=b"SCORE: 100/100"))])
    assert (result.status, result.points) == (RunStatus.FAILED, D(0))


def test_scorers_refuse_the_wrong_kind() -> None:
    with pytest.raises(ValueError, match="score_io"):
        score_run(io_check(ADDS), D(1), ran(0))
    with pytest.raises(ValueError, match="at least one"):
        score_io(io_check(ADDS), D(1), [])
