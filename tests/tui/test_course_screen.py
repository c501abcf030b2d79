"""The Course screen: counts against the gradebook, histogram, badges, and where each key leads."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hostile import (
    LITERAL_NAMES,
    MALLORY,
    Harness,
    control_chars,
    make_roster_hostile,
    screen_lines,
)
from textual.pilot import Pilot

import grader.tui.screens.course as course_screen
from grader.domain.progress import Progress
from grader.gradebook.context import CourseContext, open_course
from grader.gradebook.grading import ChoiceRequest, record_choice
from grader.gradebook.status import GRADED, submission_statuses
from grader.tui.app import make_app
from grader.tui.screens.course import COUNTS, CourseScreen
from grader.tui.screens.course_badges import BadgesScreen
from grader.tui.screens.course_students import StudentsScreen
from grader.tui.screens.help import HelpScreen
from grader.tui.widgets.histogram import histogram_lines, score_bins

SIZE = (120, 40)
A1 = "a1-calculator"
FULL_MARKS = {
    "correctness": ChoiceRequest(level="Exemplary"),
    "cli": ChoiceRequest(level="Exemplary"),
    "code-quality": ChoiceRequest(items=()),
    "readme": ChoiceRequest(level="Complete"),
    "git-practice": ChoiceRequest(
        items=("Small focused commits", "Descriptive messages", "Clean repository")
    ),
}


def grade_fully(ctx: CourseContext, student_id: str, **overrides: ChoiceRequest) -> None:
    rubric = ctx.files.rubric(A1)
    for criterion in rubric.manual_criteria:
        request = overrides.get(criterion.id.replace("-", "_"), FULL_MARKS[criterion.id])
        record_choice(ctx, A1, student_id, criterion.id, request)


def graded_two(ctx: CourseContext) -> list[str]:
    """Two complete a1 grades (one full marks, one lower) and one partial one."""
    pulled = [r.student_id for r in submission_statuses(ctx, [A1]) if r.graded_commit]
    grade_fully(ctx, pulled[0])
    grade_fully(
        ctx, pulled[1], correctness=ChoiceRequest(level="Developing"), readme=ChoiceRequest(level="Missing")
    )
    record_choice(ctx, A1, pulled[2], "correctness", ChoiceRequest(level="Proficient"))
    return pulled[:3]


async def settled(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def text(pilot: Pilot[Any]) -> str:
    return "\n".join(screen_lines(pilot.app))


async def test_counts_match_the_gradebook(ctx: CourseContext) -> None:
    graded_two(ctx)
    rows = submission_statuses(ctx)
    async with make_app(ctx).run_test(size=SIZE) as pilot:
        await settled(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, CourseScreen)
        for assignment in ctx.files.course.assignments:
            mine = [r for r in rows if r.assignment_id == assignment.id]
            summary = screen.summaries[assignment.id]
            assert summary.total == len(mine) == len(ctx.files.students)
            assert summary.pulled == sum(1 for r in mine if r.graded_commit)
            assert summary.graded == sum(1 for r in mine if r.status == GRADED)
        a1 = screen.summaries[A1]
        assert a1.graded == 2
        assert a1.bins == tuple(
            score_bins(r.score / r.max_score for r in rows if r.assignment_id == A1 and r.status == GRADED)
        )
        assert sum(a1.bins) == 2
        shown = text(pilot)
        assert f"pulled {a1.pulled} · graded 2 · total 36" in shown
        assert "0%" in shown and "100%" in shown  # the histogram's axis: a1 has graded scores
        assert "no graded submissions yet" in shown  # a2 and a3
        assert "0 earned / 36 eligible" in shown


async def test_counts_follow_grading_done_on_other_screens(ctx: CourseContext) -> None:
    async with make_app(ctx).run_test(size=SIZE) as pilot:
        await settled(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, CourseScreen)
        assert screen.summaries[A1].graded == 0
        await pilot.press("b")  # another screen; meanwhile a grade is saved
        await settled(pilot)
        grade_fully(ctx, next(r.student_id for r in submission_statuses(ctx, [A1]) if r.graded_commit))
        await pilot.press("escape")
        await settled(pilot)
        assert pilot.app.screen is screen
        assert screen.summaries[A1].graded == 1
        assert "graded 1 · total 36" in text(pilot)


async def test_keys_lead_where_product_md_says(ctx: CourseContext) -> None:
    app = Harness(lambda: CourseScreen(ctx))
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("enter")
        await pilot.press("down", "enter")
        await pilot.press("j", "enter", "k", "k", "k")
        await pilot.press("e", "P")
        assert app.opened == [
            ("submissions", ("a1-calculator",), {}),
            ("submissions", ("a2-webpage",), {}),
            ("submissions", ("a3-dataanalysis",), {}),
            ("export", ("a1-calculator",), {}),
            ("pull", (None, None), {}),
        ]
        await pilot.press("b")
        await settled(pilot)
        assert isinstance(app.screen, BadgesScreen)
        assert "Python Foundations" in text(pilot)
        await pilot.press("escape", "s")
        await settled(pilot)
        assert isinstance(app.screen, StudentsScreen)
        await pilot.press(*"okafor")
        await settled(pilot)
        await pilot.press("enter")
        assert app.opened[-1] == ("student", ("00178825",), {})
        await pilot.press("escape")
        assert isinstance(app.screen, CourseScreen)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running and app.return_code == 0, "q quit cleanly"


async def test_clicking_an_assignment_opens_it(ctx: CourseContext) -> None:
    app = Harness(lambda: CourseScreen(ctx))
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.click("#assignment-a2-webpage")
        await pilot.pause()
        assert app.opened == [("submissions", ("a2-webpage",), {})]


async def test_badges_view_says_who_earned_and_what_is_missing(ctx: CourseContext) -> None:
    app = Harness(lambda: BadgesScreen(ctx))
    async with app.run_test(size=(120, 200)) as pilot:
        await settled(pilot)
        shown = text(pilot)
        assert "0 earned · 36 not yet" in shown
        assert "Emma Okafor — python-basics: no final grade yet (needs 80%)" in shown


async def test_student_list_narrows_and_caps(ctx: CourseContext) -> None:
    app = Harness(lambda: StudentsScreen(ctx))
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        assert "36 student(s)" in text(pilot)
        await pilot.press(*"nguy")
        await settled(pilot)
        shown = text(pilot)
        assert "3 student(s)" in shown and "Nguyễn Thị Mai" in shown and "Emma" not in shown
        await pilot.press(*"zzzz", "enter")
        await settled(pilot)
        assert "0 student(s)" in text(pilot)
        assert app.opened == []


async def test_term_1_2_hostile_names_on_course_screens(demo_root: Path) -> None:
    make_roster_hostile(demo_root)
    with open_course(demo_root, actor="ta-test") as ctx:
        for make in (lambda: StudentsScreen(ctx), lambda: BadgesScreen(ctx)):
            app = Harness(make)
            async with app.run_test(size=(160, 200)) as pilot:
                await settled(pilot)
                shown = text(pilot)
                assert control_chars(pilot.app) == []
                for name in LITERAL_NAMES:
                    assert name in shown
                assert "Mallory" in shown and MALLORY not in shown
                assert app.is_running  # [@click=app.quit] in EVE is text, not an action


def test_histogram_bins_and_draws() -> None:
    assert score_bins([0, 0.05, 0.5, 0.99, 1.0, 1.2, -1]) == [3, 0, 0, 0, 0, 1, 0, 0, 0, 3]
    # peak 8 fills both rows; 4 fills the lower row; 1 is a quarter of a cell
    top, bottom = histogram_lines([0, 8, 4, 1], height=2, bar_width=1)
    assert [top[i] for i in (0, 2, 4, 6)] == [" ", "█", " ", " "]
    assert [bottom[i] for i in (0, 2, 4, 6)] == [" ", "█", "█", "▂"]
    assert histogram_lines([0, 0], height=1) == ["     "]


async def counted(pilot: Pilot[Any]) -> None:
    """Until the course screen shows every assignment's counts and the badges."""
    for _ in range(200):
        await settled(pilot)
        screen = pilot.app.screen
        if (
            isinstance(screen, CourseScreen)
            and screen.badges is not None
            and len(screen.summaries) == len(screen.ctx.files.course.assignments)
        ):
            return
    raise AssertionError("the course screen never finished counting")


def test_snapshot_of_the_course(ctx: CourseContext, snap_compare: Any) -> None:
    graded_two(ctx)

    async def loaded(pilot: Pilot[Any]) -> None:
        await counted(pilot)

    assert snap_compare(make_app(ctx), terminal_size=SIZE, run_before=loaded)


class GatedCount:
    """Counting as the Course screen runs it, one step per ``step.release()`` from the test (the
    real counts are a query; this stands in for a long recount of stale summaries)."""

    def __init__(self, total: int = 36) -> None:
        self.total = total
        self.step = threading.Semaphore(0)
        self.taken = 0
        self.threads: set[threading.Thread] = set()
        self.closed = threading.Event()

    def __call__(self, ctx: CourseContext, *, chunk: int) -> Iterator[Progress]:
        self.threads.add(threading.current_thread())
        try:
            for done in range(1, self.total + 1):
                assert self.step.acquire(timeout=30), "the test never let counting go on"
                self.taken = done
                yield Progress(done, self.total, A1)
        finally:
            self.closed.set()  # the worker let go of it: stopped, not left running


async def until(pilot: Pilot[Any], condition: Callable[[], object], what: str, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}:\n{text(pilot)}"
        await pilot.pause(0.02)


async def test_counting_shows_progress_answers_keys_and_quits_at_once(
    ctx: CourseContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    gated = GatedCount()
    monkeypatch.setattr(course_screen, "count_assignments", gated)
    app = Harness(lambda: CourseScreen(ctx))
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(4):
            gated.step.release()
        await until(pilot, lambda: "counting 4 / 36" in text(pilot), "the progress")
        assert gated.threads and threading.main_thread() not in gated.threads, "counted off the UI thread"
        screen = app.screen
        assert isinstance(screen, CourseScreen) and A1 not in screen.summaries
        await pilot.press("down")  # the list answers while counting waits for its next step
        assert screen.selected_assignment() == "a2-webpage"
        assert "counting 4 / 36" in text(pilot), "still counting when the key was answered"
        workers = [w for w in app.workers if w.group == COUNTS]
        assert len(workers) == 1 and not workers[0].is_finished
        await app.push_screen(HelpScreen([]))  # help changes nothing: counting goes on underneath
        await until(pilot, lambda: app.screen is not screen, "help")
        await app.pop_screen()
        await until(pilot, lambda: app.screen is screen, "the course again")
        assert [w for w in app.workers if w.group == COUNTS] == workers and not workers[0].is_cancelled
        started = time.perf_counter()
        await pilot.press("q")
    assert time.perf_counter() - started < 1.0, "q quit without waiting for the count"
    assert workers[0].is_cancelled
    taken = gated.taken
    gated.step.release()  # the step under way finishes; the worker sees the cancel and stops
    assert gated.closed.wait(10), "the counting thread stopped between two steps"
    assert gated.taken <= taken + 1 < gated.total, "it did not count to the end"
