"""The Submissions list at 80×24 and 120×40: every column that needs attention stays (commit,
flags), lateness in the one unit, a submission past max_days marked before grading starts."""

from __future__ import annotations

import json
from typing import Any

import pytest
from textual.widgets import Label

from grader.gradebook.context import CourseContext
from grader.gradebook.flagging import set_flag
from grader.gradebook.status import submission_statuses
from grader.tui.data.loaded_submission import load_submission, status_line
from grader.tui.screens.filter import FilterModal
from grader.tui.widgets.submission_cells import columns_for
from tests.tui.test_submissions_screen import ASSIGNMENT, NavApp, screen_of, settle, table_text

MARKER = "scores 0: more than 3 days late"


def beyond_max_days(ctx: CourseContext, assignment_id: str = ASSIGNMENT) -> str:
    """A student of the demo whose graded commit is past the late policy's max_days."""
    manifest = json.loads((ctx.root / ".grader" / "demo-manifest.json").read_text())
    return next(
        entry["student_id"]
        for entry in manifest["submissions"]
        if entry["assignment"] == assignment_id and entry["case"] == "late-beyond-max"
    )


@pytest.mark.parametrize("width", [80, 120])
def test_no_column_is_dropped_but_the_grader_one_and_the_flags_keep_room(width: int) -> None:
    for autograde in (True, False):
        columns = columns_for(width - 2, autograde=autograde, id_width=8)
        titles = [column.title for column in columns]
        assert {"student", "name", "status", "late", "score", "commit", "flags"} <= set(titles)
        fixed = sum(column.width + 1 for column in columns[:-1])
        assert width - 2 - fixed >= (9 if width == 80 else 16), (width, autograde, titles)
        assert ("grader" in titles) == (width >= 120)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_list_shows_commit_flags_and_the_max_days_marker(
    ctx: CourseContext, size: tuple[int, int]
) -> None:
    late = beyond_max_days(ctx)
    app = NavApp(ctx)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        table = screen_of(app).table
        header = table.render_line(0).text
        assert "commit" in header and "flags" in header and "late" in header
        table.cursor = next(i for i, s in enumerate(table.listing.students) if s.student_id == late)
        await settle(app, pilot)
        row = next(line for line in table_text(app).splitlines() if late in line)
        assert "scores 0" in row, row  # cut with "…" at 80 columns
        assert "dated by" not in table_text(app)  # the basis of the date is no flag
        commit = next(s for s in submission_statuses(ctx, [ASSIGNMENT]) if s.student_id == late).graded_commit
        assert commit is not None and commit[:7] in row
        if size[0] >= 120:
            assert "scores 0: more than" in row


async def test_the_search_hint_is_whole_at_80_columns(ctx: CourseContext) -> None:
    app = NavApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")
        await settle(app, pilot)
        assert isinstance(app.screen, FilterModal)
        hint = app.screen.query(Label).first()
        text = str(hint.render())
        assert text.endswith("enter: apply)")
        assert hint.content_region.width >= len(text), "the hint fits on its line"


def test_the_grading_header_says_the_basis_and_the_max_days_marker(ctx: CourseContext) -> None:
    late = beyond_max_days(ctx)
    loaded = load_submission(ctx, ASSIGNMENT, late)
    header = status_line(ctx, loaded, loaded.grade).plain
    assert MARKER in header
    assert "late" in header and " min" not in header  # "3d 5h 10m late", never minutes
    assert ", dated by commit time" in header
    set_flag(ctx, ASSIGNMENT, late, "check the dates")
    assert MARKER in next(s for s in submission_statuses(ctx, [ASSIGNMENT]) if s.student_id == late).flags[0]


def test_snapshot_submissions_at_80_by_24(ctx: CourseContext, snap_compare: Any) -> None:
    set_flag(ctx, ASSIGNMENT, ctx.files.students[2].student_id, "same code as another student")

    async def shown(pilot: Any) -> None:
        await settle(pilot.app, pilot)

    assert snap_compare(NavApp(ctx), terminal_size=(80, 24), run_before=shown)


def test_snapshot_submissions_at_120_by_40(ctx: CourseContext, snap_compare: Any) -> None:
    set_flag(ctx, ASSIGNMENT, ctx.files.students[2].student_id, "same code as another student")

    async def shown(pilot: Any) -> None:
        await settle(pilot.app, pilot)

    assert snap_compare(NavApp(ctx), terminal_size=(120, 40), run_before=shown)
