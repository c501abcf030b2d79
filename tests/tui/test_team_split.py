"""A grading team in the TUI: the "mine" filter (key `M` and the filter dialog) on the pulled
demo, and the Course screen's progress per grader against the gradebook."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hostile import Harness, screen_lines
from textual.pilot import Pilot
from textual.widgets import Checkbox

from grader.domain.progress import Progress
from grader.domain.split import SplitMode
from grader.gradebook.context import CourseContext, open_course
from grader.gradebook.grading import ChoiceRequest, record_choice
from grader.gradebook.quick import QuickContext, quick_open
from grader.gradebook.rubrics import rubric_in_force
from grader.gradebook.split import propose_split, save_split
from grader.gradebook.split_states import DONE
from grader.gradebook.status import submission_statuses
from grader.tui.app import make_app
from grader.tui.screens.course import CourseScreen
from grader.tui.screens.filter import FilterModal
from grader.tui.screens.submissions import SubmissionsScreen
from grader.tui.widgets.grader_progress import GraderProgress

A1 = "a1-calculator"
SIZE = (120, 40)
FULL_MARKS = {
    "correctness": ChoiceRequest(level="Exemplary"),
    "cli": ChoiceRequest(level="Exemplary"),
    "code-quality": ChoiceRequest(items=()),
    "readme": ChoiceRequest(level="Complete"),
    "git-practice": ChoiceRequest(items=("Small focused commits",)),
}


def split(ctx: CourseContext, team: list[str], mode: SplitMode = SplitMode.SUBMISSIONS) -> dict[str, str]:
    (proposal,) = [s for s in propose_split(ctx, A1, team, mode) if not isinstance(s, Progress)]
    save_split(ctx, proposal)
    return proposal.plan.owners


async def settle(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def submissions(pilot: Pilot[Any]) -> SubmissionsScreen:
    screen = pilot.app.screen
    assert isinstance(screen, SubmissionsScreen)
    return screen


async def test_m_shows_only_my_submissions_and_again_everyone(ctx: CourseContext) -> None:
    owners = split(ctx, ["ta-other", "ta-test"])
    mine = [s for s, g in owners.items() if g == "ta-test"]
    everyone = [s.student_id for s in ctx.files.students]
    assert 0 < len(mine) < len(everyone)
    app = Harness(lambda: SubmissionsScreen(ctx, A1))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert submissions(pilot).table.shown_student_ids() == everyone
        await pilot.press("M")
        await settle(pilot)
        screen = submissions(pilot)
        assert screen.table.shown_student_ids() == mine
        assert f"{len(mine)} of {len(everyone)} shown · filter: mine" in "\n".join(screen_lines(pilot.app))
        await pilot.press("M")
        await settle(pilot)
        assert submissions(pilot).table.shown_student_ids() == everyone
        assert app.messages_shown == []


async def test_the_filter_dialog_offers_mine_beside_the_other_filters(ctx: CourseContext) -> None:
    owners = split(ctx, ["ta-test", "ta-other"], SplitMode.CRITERIA)
    mine = [c for c, g in owners.items() if g == "ta-test"]
    assert mine
    first, second = (s.student_id for s in ctx.files.students[:2])
    for criterion_id in mine:  # the first student has every one of my criteria: not mine to do
        record_choice(ctx, A1, first, criterion_id, FULL_MARKS[criterion_id])
    app = Harness(lambda: SubmissionsScreen(ctx, A1))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        assert isinstance(pilot.app.screen, FilterModal)
        pilot.app.screen.query_one("#mine", Checkbox).value = True
        await pilot.press("enter")
        await settle(pilot)
        shown = submissions(pilot).table.shown_student_ids()
        assert first not in shown and second in shown
        assert len(shown) == len(ctx.files.students) - 1
        await pilot.press("slash")  # the dialog opens on the filter in force
        await settle(pilot)
        assert pilot.app.screen.query_one("#mine", Checkbox).value is True


async def test_mine_without_a_split_says_what_to_do_and_keeps_the_rows(ctx: CourseContext) -> None:
    app = Harness(lambda: SubmissionsScreen(ctx, A1))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("M")
        await settle(pilot)
        assert submissions(pilot).table.shown_student_ids() == [s.student_id for s in ctx.files.students]
        ((severity, message),) = app.messages_shown
        assert severity == "error"
        assert f"{A1} has no work split" in message and f"grader assign {A1} --graders" in message


async def test_the_course_screen_shows_each_graders_progress_on_the_highlighted_assignment(
    ctx: CourseContext,
) -> None:
    owners = split(ctx, ["ta-other", "ta-test"])
    pulled = [r.student_id for r in submission_statuses(ctx, [A1]) if r.graded_commit]
    for student_id in pulled[:3]:
        for criterion_id, request in FULL_MARKS.items():
            record_choice(ctx, A1, student_id, criterion_id, request)
    statuses = {r.student_id: r.status for r in submission_statuses(ctx, [A1])}
    expected = {
        g: (
            sum(statuses[s] in DONE for s, o in owners.items() if o == g),
            sum(o == g for o in owners.values()),
        )
        for g in ("ta-other", "ta-test")
    }
    assert sum(done for done, _ in expected.values()) == 3
    async with make_app(ctx).run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(pilot.app.screen, CourseScreen)
        widget = pilot.app.screen.query_one(GraderProgress)
        assert widget.display
        shown = "\n".join(screen_lines(pilot.app))
        assert f"Graders · {A1}" in shown and "split by submission" in shown
        right = [line.split("│")[1].split() for line in shown.splitlines() if "│" in line]
        for grader, (done, assigned) in expected.items():
            assert [grader, str(done), "/", str(assigned)] in right
        for criterion_id, request in FULL_MARKS.items():  # another grader finishes one more
            record_choice(ctx, A1, pulled[3], criterion_id, request)
        widget.changed({"a2-webpage"})  # not the one shown: nothing to read
        widget.changed({A1})
        await settle(pilot)
        right = [line.split("│")[1].split() for line in screen_lines(pilot.app) if "│" in line]
        grader = owners[pulled[3]]
        done, assigned = expected[grader]
        assert [grader, str(done + 1), "/", str(assigned)] in right
        await pilot.press("j")  # a2: no split, nothing shown
        await settle(pilot)
        assert not widget.display
        await pilot.press("k")
        await settle(pilot)
        assert widget.display


class OpeningHarness(Harness):
    """Keeps what waits for the full open, as the app does while a quick open completes."""

    def __init__(self, make_screen: Any) -> None:
        super().__init__(make_screen)
        self.waiting: list[tuple[str, Any]] = []

    def when_open(self, what: str, action: Any) -> None:
        self.waiting.append((what, action))


async def test_m_during_a_quick_open_waits_for_the_full_open_then_filters(demo_root: Path) -> None:
    with open_course(demo_root, actor="ta-test") as ctx:
        rubric_in_force(ctx, A1)  # the quick open needs the rubric verified
        mine = [s for s, g in split(ctx, ["ta-other", "ta-test"]).items() if g == "ta-test"]
        quick = quick_open(demo_root, database_url=None, actor="ta-test", assignment_id=A1)
        assert isinstance(quick, QuickContext), quick
        try:
            app = OpeningHarness(lambda: SubmissionsScreen(quick, A1))
            async with app.run_test(size=SIZE) as pilot:
                await settle(pilot)
                await pilot.press("M")
                await settle(pilot)
                assert [what for what, _ in app.waiting] == ["show your submissions"]
                assert len(submissions(pilot).table.shown_student_ids()) == len(ctx.files.students)
                submissions(pilot).use_context(ctx)  # the full open is done
                for _, action in app.waiting:
                    action(ctx)
                await settle(pilot)
                assert submissions(pilot).table.shown_student_ids() == mine
        finally:
            quick.close()
