"""The virtual table at scale: 20,000 students open, scroll to the end, and only shown rows are read."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from grader.demo import build_demo_course
from grader.gradebook.context import CourseContext, open_course
from grader.gradebook.flagging import set_flag
from grader.gradebook.grading import ChoiceRequest, record_choice
from grader.gradebook.listing import PAGE_SIZE
from grader.tui.widgets.submission_cells import COLUMNS, Column, late_label
from tests.tui.test_submissions_screen import ASSIGNMENT, NavApp, screen_of, settle, table_text

STUDENTS = 20_000


@pytest.fixture(scope="module")
def big_course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("big") / "course"
    for _ in build_demo_course(root, students=STUDENTS, repos=False):
        pass
    return root


class Counting:
    """Wraps the store's per-student reads and counts the students asked for."""

    def __init__(self, ctx: CourseContext) -> None:
        self.asked: list[int] = []
        self.whole_class = 0
        store: Any = ctx.store
        for name in ("grades_of", "pull_states_of"):
            setattr(store, name, self._counted(getattr(store, name)))
        for name in ("grades", "pull_states"):
            setattr(store, name, self._refused(getattr(store, name)))

    def _counted(self, method: Any) -> Any:
        def counted(assignment_id: str, student_ids: Sequence[str]) -> Any:
            self.asked.append(len(student_ids))
            return method(assignment_id, student_ids)

        return counted

    def _refused(self, method: Any) -> Any:
        def refused(*args: Any, **kwargs: Any) -> Any:
            self.whole_class += 1
            return method(*args, **kwargs)

        return refused


@pytest.fixture
def big_ctx(big_course: Path) -> Iterator[CourseContext]:
    with open_course(big_course, actor="ta-test") as ctx:
        yield ctx


async def test_opens_and_ends_without_reading_the_class(big_ctx: CourseContext) -> None:
    counting = Counting(big_ctx)
    last = big_ctx.files.students[-1]
    app = NavApp(big_ctx)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        screen = screen_of(app)
        assert screen.table.row_count == STUDENTS
        assert f"{STUDENTS:,} submissions" in str(screen.query_one("#submissions-title").render())
        assert app.shown >= 1
        first_reads = sum(counting.asked)
        assert 0 < first_reads <= 2 * 2 * PAGE_SIZE  # two pages, grades and pulls: never 20,000
        assert "not pulled" in table_text(app).splitlines()[1]
        await pilot.press("end")
        await settle(app, pilot)
        assert screen.table.cursor_student_id == last.student_id
        lines = table_text(app).splitlines()
        assert last.student_id in lines[-1] and "not pulled" in lines[-1]
        await pilot.press("pageup", "up", "home")
        await settle(app, pilot)
        assert screen.table.cursor == 0
    assert counting.whole_class == 0
    assert sum(counting.asked) <= 2 * 6 * PAGE_SIZE


async def test_page_down_moves_one_screen(big_ctx: CourseContext) -> None:
    app = NavApp(big_ctx)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        table = screen_of(app).table
        page = table.scrollable_content_region.height - 1
        await pilot.press("pagedown", "pagedown")
        await settle(app, pilot)
        assert table.cursor == 2 * page
        student = big_ctx.files.students[table.cursor]
        assert student.student_id in table_text(app)


def _cells(line: str, columns: Sequence[Column] = COLUMNS) -> dict[str, str]:
    """One drawn row, cut into its columns by their widths."""
    cells, start = {}, 0
    for column in columns:
        width = column.width or len(line) - start
        cells[column.title] = line[start : start + width].strip()
        start += width + 1
    return cells


async def test_a_flagged_graded_row_shows_graded_as_status_and_the_note_among_the_flags(
    ctx: CourseContext,
) -> None:
    ids = [s.student_id for s in ctx.files.students]
    for criterion in ctx.files.rubric(ASSIGNMENT).criteria:
        if criterion.is_manual:
            request = (
                ChoiceRequest(level=criterion.levels[0].label)
                if criterion.levels
                else ChoiceRequest(items=())
            )
            record_choice(ctx, ASSIGNMENT, ids[0], criterion.id, request)
    set_flag(ctx, ASSIGNMENT, ids[0], "same code as another student")
    set_flag(ctx, ASSIGNMENT, ids[1], "no commits?")
    app = NavApp(ctx)
    async with app.run_test(size=(200, 20)) as pilot:
        await settle(app, pilot)
        lines = table_text(app).splitlines()
        columns = screen_of(app).table.columns
        graded = _cells(next(line for line in lines if ids[0] in line), columns)
        assert graded["status"] == "graded"
        assert graded["autograde"] == "not run"
        assert graded["flags"].startswith("⚑ same code as another student")
        assert "autograde" in graded["flags"]
        pulled_only = _cells(next(line for line in lines if ids[1] in line), columns)
        assert pulled_only["status"] in ("pulled", "missing", "not pulled")
        assert pulled_only["flags"].startswith("⚑ no commits?")


def test_late_label() -> None:
    assert [late_label(m) for m in (None, 0, 45, 130, 1500, 3000, 3065)] == [
        "",
        "",
        "45m",
        "2h 10m",
        "1d 1h",
        "2d 2h",
        "2d 3h 5m",
    ]
