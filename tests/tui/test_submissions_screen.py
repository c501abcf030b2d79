"""The Submissions screen on the pulled demo: keys -> navigation calls, marks, search, filters."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from hostile import RecordingApp
from textual.app import App

from grader.gradebook.context import CourseContext
from grader.gradebook.flagging import set_flag
from grader.gradebook.grading import ChoiceRequest, record_choice
from grader.gradebook.status import GRADED, submission_statuses
from grader.tui.screens.filter import FilterModal
from grader.tui.screens.submissions import SubmissionsScreen
from grader.tui.widgets.key_bar import KeyBar
from grader.tui.widgets.submission_table import SubmissionTable

ASSIGNMENT = "a1-calculator"


class NavApp(RecordingApp):
    """Mounts one SubmissionsScreen and records every navigation request."""

    def __init__(self, ctx: CourseContext, assignment_id: str = ASSIGNMENT) -> None:
        super().__init__()
        self.ctx = ctx
        self.assignment_id = assignment_id
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []
        self.shown = 0

    def on_mount(self) -> None:
        self.push_screen(SubmissionsScreen(self.ctx, self.assignment_id))

    def on_submission_table_rows_shown(self, message: SubmissionTable.RowsShown) -> None:
        self.shown += 1

    def open_grading(self, assignment_id: str, student_id: str, **options: Any) -> None:
        self.calls.append(("open_grading", (assignment_id, student_id), options))

    def open_export(self, assignment_id: str | None = None) -> None:
        self.calls.append(("open_export", (assignment_id,), {}))

    def start_pull(
        self, assignment_ids: Sequence[str] | None = None, student_ids: Sequence[str] | None = None
    ) -> None:
        self.calls.append(("start_pull", (assignment_ids, student_ids), {}))

    def when_open(self, what: str, action: Callable[[CourseContext], object]) -> None:
        action(self.ctx)  # the course is open already


async def settle(app: App[Any], pilot: Any) -> None:
    """Wait for the thread workers (reads, filters, batches); flows awaiting a modal keep waiting."""
    await pilot.pause()
    for _ in range(500):
        if all(w.is_finished or w.group.endswith("-flow") for w in app.workers):
            break
        await pilot.pause(0.01)
    else:
        raise AssertionError("workers still running")
    await pilot.pause()


def table_text(app: NavApp) -> str:
    """The table's lines as plain text, as drawn now."""
    table = screen_of(app).table
    return "\n".join(table.render_line(y).text for y in range(table.scrollable_content_region.height))


def roster_ids(ctx: CourseContext) -> list[str]:
    return [s.student_id for s in ctx.files.students]


def screen_of(app: NavApp) -> SubmissionsScreen:
    assert isinstance(app.screen, SubmissionsScreen)
    return app.screen


async def test_rows_show_store_state_and_enter_opens_grading(ctx: CourseContext) -> None:
    ids = roster_ids(ctx)
    record_choice(ctx, ASSIGNMENT, ids[1], "correctness", ChoiceRequest(level="Exemplary"))
    app = NavApp(ctx)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(app, pilot)
        assert app.shown >= 1
        screen = screen_of(app)
        row = screen.listing.cached(1)
        assert row is not None and row.student_id == ids[1]
        assert row.criteria[0].choice.level == "Exemplary" or any(
            c.choice.level == "Exemplary" for c in row.criteria
        )
        assert row.graded_by == "ta-test"
        line = table_text(app).splitlines()[2]  # header, row 0, row 1
        assert ids[1] in line and "ta-test" in line and "in progress" in line
        await pilot.press("down", "enter")
        assert app.calls == [("open_grading", (ASSIGNMENT, ids[1]), {})]
        await pilot.press("e", "P")
        assert app.calls[1:] == [("open_export", (ASSIGNMENT,), {}), ("start_pull", ([ASSIGNMENT], None), {})]


async def test_marks_then_pull_marked_in_roster_order(ctx: CourseContext) -> None:
    ids = roster_ids(ctx)
    app = NavApp(ctx)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("down", "down", "down", "space", "up", "up", "up", "up", "space", "space")
        screen = screen_of(app)
        assert screen.table.marked == {ids[0], ids[1], ids[3]}  # space marks, then moves down
        await pilot.press("up", "space")  # unmarks the row above
        assert screen.table.marked == {ids[0], ids[3]}
        await pilot.press("P")
        assert app.calls[-1] == ("start_pull", ([ASSIGNMENT], [ids[0], ids[3]]), {})
        await pilot.press("asterisk")
        assert screen.table.marked == set(ids)
        await pilot.press("asterisk")
        assert screen.table.marked == set()


async def test_search_filters_rows_and_clearing_shows_all(ctx: CourseContext) -> None:
    student = ctx.files.students[7]
    needle = student.name.split()[-1].upper()  # case-insensitive
    expected = [
        i
        for i, s in enumerate(ctx.files.students)
        if needle.casefold() in f"{s.student_id}\n{s.name}\n{s.github}".casefold()
    ]
    app = NavApp(ctx)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")
        assert isinstance(app.screen, FilterModal)
        await pilot.press(*needle, "enter")
        await settle(app, pilot)
        screen = screen_of(app)
        assert list(screen.table.view or []) == expected
        assert screen.table.cursor_student_id == ctx.files.students[expected[0]].student_id
        await pilot.press("enter")
        assert app.calls[-1][1] == (ASSIGNMENT, ctx.files.students[expected[0]].student_id)
        await pilot.press("slash", "ctrl+r", "enter")
        await settle(app, pilot)
        assert screen.table.view is None and screen.table.row_count == len(ctx.files.students)


async def test_filter_by_status_flagged_and_grader_matches_the_database(ctx: CourseContext) -> None:
    ids = roster_ids(ctx)
    for student_id in ids[3:5]:
        for criterion in ctx.files.rubric(ASSIGNMENT).criteria:
            if criterion.is_manual:
                record_choice(ctx, ASSIGNMENT, student_id, criterion.id, _full(criterion))
    set_flag(ctx, ASSIGNMENT, ids[9], "copied from a friend?")
    statuses = submission_statuses(ctx, [ASSIGNMENT])
    graded = [i for i, s in enumerate(statuses) if s.status == GRADED]
    assert graded == [3, 4]
    app = NavApp(ctx)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(app, pilot)
        screen = screen_of(app)
        await pilot.press("slash", "tab", "space")  # open the status list
        await pilot.pause()
        for _ in range(5):  # any status, not pulled, missing, pulled, in progress, graded
            await pilot.press("down")
        await pilot.press("enter")  # picks the status (the list is open)
        await pilot.pause()
        assert isinstance(app.screen, FilterModal) and app.screen.chosen().status == GRADED
        await pilot.press("enter")
        await settle(app, pilot)
        assert list(screen.table.view or []) == graded
        await pilot.press("slash", "ctrl+r", "tab", "tab", "space", "enter")  # flagged only
        await settle(app, pilot)
        assert list(screen.table.view or []) == [9]
        assert "⚑ copied from a friend?" in table_text(app)
        await pilot.press("slash", "ctrl+r", "tab", "tab", "tab", "tab", *"ta-test", "enter")
        await settle(app, pilot)
        by_ta = [i for i, s in enumerate(statuses) if s.graded_by == "ta-test"]
        assert by_ta[:2] == [3, 4]
        assert list(screen.table.view or []) == by_ta


async def test_next_ungraded_skips_graded_rows_and_f_jumps_to_flagged(ctx: CourseContext) -> None:
    ids = roster_ids(ctx)
    for student_id in ids[0:2]:
        for criterion in ctx.files.rubric(ASSIGNMENT).criteria:
            if criterion.is_manual:
                record_choice(ctx, ASSIGNMENT, student_id, criterion.id, _full(criterion))
    set_flag(ctx, ASSIGNMENT, ids[6], "look at the tests")
    app = NavApp(ctx)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(app, pilot)
        screen = screen_of(app)
        await pilot.press("n")
        await settle(app, pilot)
        assert app.calls[-1] == ("open_grading", (ASSIGNMENT, ids[2]), {})
        assert screen.table.cursor_student_id == ids[2]
        await pilot.press("F")
        await settle(app, pilot)
        assert screen.table.cursor_student_id == ids[6]
        assert len(app.calls) == 1  # F moves, never opens


async def test_resume_rereads_rows(ctx: CourseContext) -> None:
    ids = roster_ids(ctx)
    app = NavApp(ctx)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(app, pilot)
        screen = screen_of(app)
        before = screen.listing.cached(0)
        assert before is not None and before.version == 0
        record_choice(ctx, ASSIGNMENT, ids[0], "correctness", ChoiceRequest(level="Exemplary"))
        await app.push_screen(FilterModal(screen.wanted))
        await pilot.press("escape")
        await settle(app, pilot)
        after = screen.listing.cached(0)
        assert after is not None and after.version == 1


def _full(criterion: Any) -> ChoiceRequest:
    if criterion.levels:
        return ChoiceRequest(level=criterion.levels[0].label)
    if criterion.items:
        return ChoiceRequest(items=())
    return ChoiceRequest(points=criterion.max_points)


def test_snapshot_marked_graded_and_flagged_rows(ctx: CourseContext, snap_compare: Any) -> None:
    ids = roster_ids(ctx)
    for criterion in ctx.files.rubric(ASSIGNMENT).criteria:
        if criterion.is_manual:
            record_choice(ctx, ASSIGNMENT, ids[0], criterion.id, _full(criterion))
    record_choice(ctx, ASSIGNMENT, ids[1], "correctness", ChoiceRequest(level="Proficient"))
    set_flag(ctx, ASSIGNMENT, ids[2], "same code as another student")

    async def marked(pilot: Any) -> None:
        await settle(pilot.app, pilot)
        await pilot.press("down", "space", "space")
        await settle(pilot.app, pilot)

    assert snap_compare(NavApp(ctx), terminal_size=(140, 24), run_before=marked)


async def test_the_key_bar_shows_remapped_keys_and_a_click_presses_one(ctx: CourseContext) -> None:
    app = NavApp(ctx)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(app, pilot)
        screen = screen_of(app)
        assert not screen.query("#filter-progress")  # mounted by the first filter, not the first frame
        bar = screen.query_one(KeyBar)
        shown, palette = bar.entries()
        assert [e.description for e in shown] == [
            "Grade",
            "Next ungraded",
            "Search",
            "Mark ↓",
            "Autograde",
            "Group",
            "Batch",
            "By criterion",
            "Back",
        ]
        assert palette is not None and palette.display == "^p"
        app.set_keymap({"submissions.search": "S"})
        await pilot.pause()
        line = bar.render().plain
        assert " S Search " in line and " / Search " not in line
        await pilot.click(KeyBar, offset=(line.index(" S Search ") + 1, 0))
        assert isinstance(app.screen, FilterModal)
        await pilot.press(*"zzz-nobody", "enter")
        await settle(app, pilot)
        assert screen.table.row_count == 0
        progress = screen.query_one("#filter-progress")
        assert progress.display is False  # shown while the filter ran, hidden once it was done
