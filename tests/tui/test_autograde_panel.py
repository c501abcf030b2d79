"""The rubric panel's autograded criterion and the output viewer, from values (no gradebook)."""

from __future__ import annotations

from decimal import Decimal

from hostile import BEL, ESC
from textual.app import App, ComposeResult
from textual.widgets import Log

from grader.domain.autograde import CheckResult, RunStatus, TestOutcome
from grader.domain.choices import CriterionChoice
from grader.domain.events import AutogradeScore
from grader.domain.rubric import Check, Criterion, CriterionKind, Level, Rubric
from grader.tui.screens.autograde_output import OutputModal, output_lines
from grader.tui.widgets.rubric_panel import RubricState

TESTS = Criterion("tests", "Test suite passes", CriterionKind.AUTOGRADED, points=Decimal(20),
                  check=Check("python -m pytest -q"))  # fmt: skip
CORRECT = Criterion("correctness", "Correct results", CriterionKind.LEVELS,
                    levels=(Level("Good", Decimal(10)), Level("Bad", Decimal(0))))  # fmt: skip
RUBRIC = Rubric("r", "R", {}, (CORRECT, TESTS))
HOSTILE = f"{ESC}]0;PWNED{BEL}{ESC}[2Jred {ESC}[31malert{ESC}[0m\rprogress 100%\n[@click=app.quit]x"


def run(
    status: RunStatus = RunStatus.PARTIAL, points: Decimal | None = Decimal(12), **extra: object
) -> CheckResult:
    tests = (
        TestOutcome("test_calc.test_add", "passed", Decimal(4)),
        TestOutcome("test_calc.test_divide_by_zero", "failed", Decimal(0)),
        TestOutcome("test_calc.test_sub", "passed", Decimal(4)),
        TestOutcome("test_calc.test_negative", "error", Decimal(0)),
    )
    values: dict[str, object] = {
        "reason": "2 of 4 tests failed",
        "tests": tests,
        "output": "2 failed, 2 passed",
        "sandbox": "bwrap",
    }
    values.update(extra)
    return CheckResult(status, points, Decimal(20), 1, 0.84, **values)  # type: ignore[arg-type]


def layer(
    points: Decimal | None = Decimal(12), status: str = "partial", sandbox: str = "bwrap"
) -> AutogradeScore:
    return AutogradeScore(status, points, "2 of 4 tests failed", 2, 4, sandbox)


def panel(choices: dict[str, CriterionChoice] | None = None, **state: object) -> RubricState:
    shown = RubricState(RUBRIC, dict(choices or {}), **state)  # type: ignore[arg-type]
    shown.focus_on("tests")
    return shown


def test_not_run_is_said_and_never_a_zero() -> None:
    text = panel().render().plain
    assert "autograde: not run" in text
    assert "Test suite passes  – / 20" in text
    assert "Total 0 / 30" in text


def test_a_run_shows_status_points_tests_failed_first_duration_and_sandbox() -> None:
    text = panel(autograde={"tests": layer()}, runs={"tests": run()}).render().plain
    assert "Test suite passes  12 / 20" in text
    assert "autograde: partial · 12 / 20\n    0.8 s · sandboxed (bwrap, no network)" in text
    assert "tests: 2 passed, 2 failed" in text
    names = [line.strip() for line in text.splitlines() if line.strip().startswith(("✓", "✗"))]
    assert names[:2] == ["✗ test_divide_by_zero", "✗ test_negative"], "failed first, short names"
    assert names[2:] == ["✓ test_add", "✓ test_sub"]
    assert "2 of 4 tests failed" not in text, "the names say it"
    assert "Total 12 / 30" in text
    assert "enter: accept · p: override points\n    o: output · A: run again" in text


def test_an_override_is_shown_as_such_and_scored() -> None:
    choices = {"tests": CriterionChoice(points=Decimal(15))}
    text = panel(choices, autograde={"tests": layer()}, runs={"tests": run()}).render().plain
    assert "override: 15 (run gave 12)" in text
    assert "Test suite passes  15 / 20" in text
    assert "Total 15 / 30" in text


def test_an_adjustment_counts_on_top_of_the_runs_points() -> None:
    choices = {"tests": CriterionChoice(adjustment=Decimal(-2), adjustment_comment="flaky test skipped")}
    text = panel(choices, autograde={"tests": layer()}, runs={"tests": run()}).render().plain
    assert "Test suite passes  10 / 20" in text
    assert "−2 adjusted: flaky test skipped" in text, "the one wording of an adjustment"
    assert "override: " not in text


def test_a_run_that_could_not_happen_has_no_score_and_an_earlier_score_stands() -> None:
    failed = run(RunStatus.ERROR, None, tests=(), output="", sandbox="bwrap")
    text = panel(autograde={"tests": layer(Decimal(12), "error")}, runs={"tests": failed}).render().plain
    assert "autograde: error · no score" in text
    assert "an earlier run's 12 stands" in text
    alone = panel(autograde={"tests": layer(None, "refused")}, runs={"tests": run(RunStatus.REFUSED, None)})
    assert "Test suite passes  – / 20" in alone.render().plain


def test_a_trusted_course_says_so_on_every_result() -> None:
    trusted = run(sandbox="trusted")
    text = panel(autograde={"tests": layer(sandbox="trusted")}, runs={"tests": trusted}).render().plain
    assert "trusted: not sandboxed" in text
    summary_only = panel(autograde={"tests": layer(sandbox="trusted")}).render().plain
    assert "trusted: not sandboxed" in summary_only


def test_j_and_k_reach_the_autograded_criterion_but_moving_on_skips_it() -> None:
    state = RubricState(RUBRIC, {})
    state.first_unscored()
    assert state.focused is CORRECT
    state.move(1)
    assert state.focused is TESTS
    assert not state.move(1), "the last criterion: j stops there (no wrap)"
    assert state.focused is TESTS
    state.move(-1)
    assert state.focused is CORRECT
    state.advance()
    assert state.focused is CORRECT, "nothing else needs a grader: the focus stays"
    assert isinstance(state.choose(1), type(state.choose(1)))
    state.focus_on("tests")
    assert state.choose(1) == "an autograded criterion: enter accepts the run, p types points (an override)"


def test_test_names_and_reasons_from_the_student_are_sanitised() -> None:
    hostile = run(tests=(TestOutcome(f"test_{ESC}[2J[bold]x", "failed"),), reason=f"boom {ESC}]0;t{BEL}")
    rendered = panel(autograde={"tests": layer()}, runs={"tests": hostile}).render()
    assert ESC not in rendered.plain and BEL not in rendered.plain
    assert "[bold]x" in rendered.plain


def test_output_lines_are_sanitised_and_a_cut_output_says_so() -> None:
    lines = output_lines(run(output=HOSTILE, output_truncated=True))
    joined = "\n".join(lines)
    assert ESC not in joined and BEL not in joined and "\r" not in joined
    assert "progress 100%" in joined and "red " not in lines[0][:3]
    assert "[@click=app.quit]x" in joined
    assert lines[-1].startswith("[truncated: ") and lines[-1].endswith("bytes kept, the rest was cut]")
    assert not output_lines(run(output="fine"))[-1].startswith("[truncated")
    assert output_lines(run(output="")) == ["(no output)"]


class OutputApp(App[None]):
    def __init__(self, result: CheckResult) -> None:
        super().__init__()
        self.result = result

    def compose(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.push_screen(OutputModal("Test suite passes · Mallory", self.result))


async def test_the_output_viewer_scrolls_a_long_output_and_escape_closes_it() -> None:
    long_output = "\n".join(f"line {n} {ESC}[1m" for n in range(5_000))
    app = OutputApp(run(output=long_output, output_truncated=True))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, OutputModal)
        log = modal.query_one(Log)
        assert log.line_count == 5_001
        assert log.scroll_y == 0
        await pilot.press("pagedown", "pagedown")
        assert log.scroll_y > 0
        await pilot.press("end")
        await pilot.pause()
        assert "truncated" in log.lines[-1]
        assert all(ESC not in line for line in log.lines)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, OutputModal)


def test_tests_beyond_the_shown_ones_are_counted_by_outcome() -> None:
    many = tuple(TestOutcome(f"t.test_fail_{i}", "failed", Decimal(0)) for i in range(5)) + tuple(
        TestOutcome(f"t.test_pass_{i}", "passed", Decimal(1)) for i in range(4)
    )
    state = panel(autograde={"tests": layer()}, runs={"tests": run(tests=many)})
    state.focus_on("correctness")  # not focused: three names
    text = state.render().plain
    assert "tests: 4 passed, 5 failed" in text
    lines = [line.strip() for line in text.splitlines()]
    assert len([line for line in lines if line.startswith("✗")]) == 3
    assert not [line for line in lines if line.startswith("✓")]
    assert "… 2 more failed, 4 passed (o: all)" in lines
    state.focus_on("tests")  # focused: eight
    assert "… 1 passed (o: all)" in [line.strip() for line in state.render().plain.splitlines()]


def test_the_conflict_dialog_says_an_adjustment_in_the_one_wording_too() -> None:
    from grader.tui.screens.conflict import choice_lines

    choice = CriterionChoice(level="Good", adjustment=Decimal(2), adjustment_comment="extra \x1b[31mcase")
    text = choice_lines(choice, None, Decimal(12)).plain
    assert "+2 adjusted: extra " in text and "\x1b" not in text
    assert "−3 adjusted\n" in choice_lines(CriterionChoice(adjustment=Decimal(-3)), None, None).plain
