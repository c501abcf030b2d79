"""Two graders, two apps, one gradebook (an SQLite file, then PostgreSQL): claims seen and asked
about, read-only and take-over, and another grader's choice showing on every open screen within
LIVE_SECONDS."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from grading_harness import notifications
from postgres import postgres_test_url, scratch_postgres_url
from textual.pilot import Pilot

from grader.domain.claims import TAKEN_OVER
from grader.gradebook.context import CourseContext, open_course, utc_now
from grader.tui.app import GraderApp, make_app
from grader.tui.screens.claimed import ClaimedModal
from grader.tui.screens.course import CourseScreen
from grader.tui.screens.grading import GradingScreen
from grader.tui.screens.submissions import SubmissionsScreen
from tests.required_tools import require_tool

A1 = "a1-calculator"
LIVE_SECONDS = 3.0
"""The bound a change made by one grader must show within on the other's screens (README: "about
two seconds"; SQLite is polled every 0.5 s)."""
SIZE = (100, 30)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def team(request: pytest.FixtureRequest, demo_root: Path) -> Iterator[tuple[CourseContext, CourseContext]]:
    """ta-anna and ta-ben, each with the course open on the same gradebook."""
    if request.param == "sqlite":
        with open_course(demo_root, actor="ta-anna") as anna, open_course(demo_root, actor="ta-ben") as ben:
            yield anna, ben
        return
    require_tool("postgresql")
    base = postgres_test_url()
    assert base is not None
    # Nothing is pulled into this gradebook: claims and choices need no pull.
    with (
        scratch_postgres_url(base) as url,
        open_course(demo_root, database_url=url, actor="ta-anna") as anna,
        open_course(demo_root, database_url=url, actor="ta-ben") as ben,
    ):
        yield anna, ben


async def within(
    pilot: Pilot[Any], done: Callable[[], object], what: str, seconds: float = LIVE_SECONDS
) -> float:
    """Wait until ``done()`` holds; fail if it took longer than ``seconds``. The time it took."""
    started = time.monotonic()
    while not done():
        if time.monotonic() - started > seconds:
            raise AssertionError(f"not within {seconds} s: {what}")
        await pilot.pause(0.02)
    return time.monotonic() - started


def grading(app: GraderApp) -> GradingScreen:
    assert isinstance(app.screen, GradingScreen), type(app.screen).__name__
    return app.screen


def row_text(app: GraderApp, student_id: str) -> str:
    """The Submissions table's line for a student, as drawn now ('' when not on screen)."""
    screen = app.screen
    if not isinstance(screen, SubmissionsScreen):
        return ""
    table = screen.table
    lines = (table.render_line(y).text for y in range(table.scrollable_content_region.height))
    return next((line for line in lines if student_id in line), "")


def header(app: GraderApp) -> str:
    from textual.widgets import Static

    return str(grading(app).query_one("#grading-header", Static).content)


async def open_first(pilot: Pilot[Any], app: GraderApp, student_id: str) -> None:
    """From the Submissions screen (cursor on the first row): open that student's submission."""
    await within(
        pilot, lambda: isinstance(app.screen, SubmissionsScreen) and row_text(app, student_id), "rows", 10
    )
    await pilot.press("enter")
    await within(pilot, lambda: isinstance(app.screen, GradingScreen | ClaimedModal), "grading opens", 10)


async def anna_grading(pilot: Pilot[Any], anna: GraderApp, student_id: str) -> GradingScreen:
    await open_first(pilot, anna, student_id)
    screen = grading(anna)
    await within(
        pilot, lambda: screen.loaded is not None and screen.loaded.claim is not None, "anna's claim", 10
    )
    return screen


async def test_the_second_grader_sees_the_claim_and_may_only_read(
    team: tuple[CourseContext, CourseContext],
) -> None:
    anna_ctx, ben_ctx = team
    student = anna_ctx.files.students[0].student_id
    anna, ben = make_app(anna_ctx, open_assignment=A1), make_app(ben_ctx, open_assignment=A1)
    async with anna.run_test(size=SIZE) as anna_keys, ben.run_test(size=SIZE) as ben_keys:
        await anna_grading(anna_keys, anna, student)
        await within(ben_keys, lambda: "✎ ta-anna" in row_text(ben, student), "ben's list marks anna's claim")

        await open_first(ben_keys, ben, student)
        assert isinstance(ben.screen, ClaimedModal) and "being graded by ta-anna" in str(
            ben.screen.query_one("#claimed-title").render()
        )
        await ben_keys.press("r")
        await within(ben_keys, lambda: isinstance(ben.screen, GradingScreen), "ben reads it")
        assert header(ben).startswith("read-only: being graded by ta-anna")
        await ben_keys.press("1", "a")
        await ben_keys.pause(0.2)

        refused = [n for n in notifications(ben) if n.startswith("read-only:")]
        assert len(refused) == 2 and "being graded by ta-anna" in refused[0]
        assert ben_ctx.store.grade(A1, student).choices == {}
        (claim,) = ben_ctx.store.active_claims(now=utc_now())
        assert claim.actor == "ta-anna", "reading takes nothing from anna"

        await ben_keys.press("escape")  # back on the list, the cursor on anna's submission
        await within(ben_keys, lambda: isinstance(ben.screen, SubmissionsScreen), "ben's list")
        await ben_keys.press("n")
        await within(ben_keys, lambda: isinstance(ben.screen, GradingScreen), "ben grades the next one")
        nxt = grading(ben)
        await within(ben_keys, lambda: nxt.loaded is not None, "the next one loaded")
        assert nxt.student_id == anna_ctx.files.students[1].student_id, "n skipped anna's submission"
        assert not header(ben).startswith("read-only")

    for releasing in [t for t in threading.enumerate() if t.name == "grader-release-claim"]:
        releasing.join(10)
    assert ben_ctx.store.active_claims(now=utc_now()) == [], "quitting released both graders' claims"


async def test_taking_over_moves_the_claim_audits_it_and_makes_the_first_read_only(
    team: tuple[CourseContext, CourseContext],
) -> None:
    anna_ctx, ben_ctx = team
    student = anna_ctx.files.students[0].student_id
    anna, ben = make_app(anna_ctx, open_assignment=A1), make_app(ben_ctx, open_assignment=A1)
    async with anna.run_test(size=SIZE) as anna_keys, ben.run_test(size=SIZE) as ben_keys:
        await anna_grading(anna_keys, anna, student)
        await within(ben_keys, lambda: "✎ ta-anna" in row_text(ben, student), "ben's list marks anna's claim")
        await open_first(ben_keys, ben, student)
        await ben_keys.press("t")
        await within(ben_keys, lambda: isinstance(ben.screen, GradingScreen), "ben grades it")
        screen = grading(ben)
        await within(
            ben_keys,
            lambda: screen.loaded is not None and screen.loaded.claim.actor == "ta-ben",
            "ben's claim",  # type: ignore[union-attr]
        )

        (entry,) = ben_ctx.store.audit_entries(TAKEN_OVER)
        assert (entry.actor, entry.details["from"], entry.details["to"]) == ("ta-ben", "ta-anna", "ta-ben")
        assert entry.details["student_id"] == student
        await within(
            anna_keys, lambda: header(anna).startswith("read-only: being graded by ta-ben"), "anna told"
        )
        assert any("ta-ben took" in n for n in notifications(anna))
        await anna_keys.press("1")
        await ben_keys.press("1")
        await within(ben_keys, lambda: ben_ctx.store.grade(A1, student).choices != {}, "ben's choice saved")
        assert {c.updated_by for c in [ben_ctx.store.grade(A1, student)]} == {"ta-ben"}


async def test_a_choice_saved_by_one_shows_on_the_others_course_list_and_grading_screens(
    team: tuple[CourseContext, CourseContext],
) -> None:
    anna_ctx, ben_ctx = team
    students = [s.student_id for s in anna_ctx.files.students]
    student = students[0]
    anna, ben = make_app(anna_ctx, open_assignment=A1), make_app(ben_ctx)
    async with anna.run_test(size=SIZE) as anna_keys, ben.run_test(size=SIZE) as ben_keys:
        screen = await anna_grading(anna_keys, anna, student)
        course = ben.screen
        assert isinstance(course, CourseScreen)
        await within(ben_keys, lambda: A1 in course.summaries, "ben's course counted", 10)
        in_progress = course.summaries[A1].statuses.get("in progress", 0)

        await anna_keys.press("1")  # correctness: the first level
        await within(anna_keys, lambda: screen.saves.pending == 0, "anna's save")
        took = await within(
            ben_keys,
            lambda: course.summaries[A1].statuses.get("in progress", 0) == in_progress + 1,
            "ben's course counts",
        )
        assert took <= LIVE_SECONDS

        await ben_keys.press("enter")
        await within(ben_keys, lambda: "✎ ta-anna" in row_text(ben, student), "ben's list", 10)
        before = row_text(ben, student)
        await anna_keys.press("1")  # the command-line interface: the first level
        await within(anna_keys, lambda: screen.saves.pending == 0, "anna's save")
        # the score cell: "46/100", or "46" when the table is compact (under 100 cells)
        now_scored = re.compile(rf"\s{score(anna_ctx, student)}(/100)?\s")
        assert not now_scored.search(before)
        await within(
            ben_keys, lambda: now_scored.search(row_text(ben, student)), "ben's row shows the new score"
        )

        await ben_keys.press("enter", "r")
        await within(ben_keys, lambda: isinstance(ben.screen, GradingScreen), "ben reads it")
        watching = grading(ben)
        await within(ben_keys, lambda: watching.state is not None, "ben's rubric", 10)
        focus_before = watching.state.focus  # type: ignore[union-attr]
        while (
            screen.state is not None
            and screen.state.focused is not None
            and screen.state.focused.id != "readme"
        ):
            await anna_keys.press("j")
        await anna_keys.press("1")  # the README: its first level
        await within(anna_keys, lambda: screen.saves.pending == 0, "anna's save")
        await within(
            ben_keys,
            lambda: watching.state is not None and watching.state.choice("readme").level == "Complete",
            "ben's open rubric shows anna's choice",
        )
        assert watching.state is not None and watching.state.focus == focus_before, "ben's focus stays"
        assert any("ta-anna changed README" in n for n in notifications(ben))


def score(ctx: CourseContext, student_id: str) -> str:
    """The score the list shows for a student, as the gradebook has it now."""
    from grader.gradebook.listing import SubmissionList
    from grader.tui.widgets.submission_cells import points_label

    row = SubmissionList(ctx, A1).rows_at([ctx.files.students.index(ctx.files.student(student_id))])[0]
    return points_label(row.score)
