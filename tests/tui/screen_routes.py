"""Every screen and dialog of the TUI, reached as a user reaches it: keys pressed in the real app
from the Course screen of a pulled demo course. Each route is a few steps; a step presses keys and
waits until the screen it leads to is shown and done loading."""

from __future__ import annotations

import importlib
import pkgutil
import re
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any

import pytest
from failing_gradebook import FailingGradebook
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable, Input
from textual.worker import WorkerState

import grader.gradebook
from grader.domain.moderation import SampleSize
from grader.domain.similarity import Settings
from grader.gradebook.claims import claim
from grader.gradebook.context import CourseContext, default_database_url, open_course, utc_now
from grader.gradebook.grading import ChoiceRequest, record_choice
from grader.gradebook.moderation import sample_for_moderation
from grader.gradebook.similarity import run_similarity
from grader.gradebook.status import submission_statuses
from grader.tui.live import stop_following
from grader.tui.screens.autograde_scope import AutogradeScopeModal
from grader.tui.screens.batch import CriterionModal
from grader.tui.screens.claimed import ClaimedModal
from grader.tui.screens.conflict import ConflictModal
from grader.tui.screens.course import CourseScreen
from grader.tui.screens.course_badges import BadgesScreen
from grader.tui.screens.course_students import StudentsScreen
from grader.tui.screens.export import ExportModal
from grader.tui.screens.filter import FilterModal
from grader.tui.screens.grading import GradingScreen
from grader.tui.screens.help import HelpScreen
from grader.tui.screens.history import HistoryModal
from grader.tui.screens.moderation_queue import ModerationQueueScreen
from grader.tui.screens.notes import AdjustModal, NoteModal
from grader.tui.screens.pull import PullScreen
from grader.tui.screens.second_marking import SecondMarkingScreen
from grader.tui.screens.similarity import SimilarityScreen
from grader.tui.screens.similarity_pair import PairScreen
from grader.tui.screens.student import StudentScreen
from grader.tui.screens.submissions import SubmissionsScreen
from grader.tui.screens.unsaved import LeaveUnsavedModal
from grader.tui.widgets.key_bar import KeyBar
from grader.tui.widgets.submission_files import SubmissionFiles

A1 = "a1-calculator"
OTHER = "ta-other"
"""Another grader: the first marker, the holder of a claim, the author of a conflicting change."""
FIRST_MARKS = {
    "correctness": ChoiceRequest(level="Proficient", comment="Handles division by zero."),
    "cli": ChoiceRequest(level="Developing"),
    "code-quality": ChoiceRequest(items=("Dead code",)),
    "readme": ChoiceRequest(level="Complete"),
    "git-practice": ChoiceRequest(items=("Small focused commits", "Descriptive messages")),
}


def pulled(ctx: CourseContext) -> list[str]:
    """The a1 submissions pulled, in the list's order."""
    return [r.student_id for r in submission_statuses(ctx, [A1]) if r.graded_commit]


def graded(ctx: CourseContext) -> None:
    """What every route starts from: one a1 submission graded in full, the next one begun."""
    first, second = pulled(ctx)[:2]
    for criterion_id, request in FIRST_MARKS.items():
        record_choice(ctx, A1, first, criterion_id, request)
    record_choice(ctx, A1, second, "correctness", ChoiceRequest(level="Exemplary"))


def compared(ctx: CourseContext) -> None:
    *_, report = run_similarity(ctx, A1, Settings())
    assert report is not None


def queued(ctx: CourseContext) -> None:
    """Two a1 submissions first-marked by another grader, queued for this one to second-mark."""
    with open_course(ctx.root, actor=OTHER) as other:
        for student_id in pulled(other)[2:4]:
            for criterion_id, request in FIRST_MARKS.items():
                record_choice(other, A1, student_id, criterion_id, request)
    sample_for_moderation(
        ctx, A1, SampleSize(count=3), seed=0, per_grader=False, moderators=[ctx.actor, OTHER]
    )


def claimed_by_other(ctx: CourseContext) -> None:
    """Another grader is grading every a1 submission."""
    with open_course(ctx.root, actor=OTHER) as other:
        for student in other.files.students:
            claim(other, A1, student.student_id)


def active(app: Any) -> bool:
    """A worker is running, other than a long-lived save queue and a flow waiting on a dialog."""
    running = (WorkerState.PENDING, WorkerState.RUNNING)
    return any(
        w.state in running and w.name != "saves" and not w.group.endswith("-flow") for w in app.workers
    )


def columns_sized(screen: Screen[Any]) -> bool:
    """Every data table of the screen has sized its columns to the rows it was given: a table
    does so when the app is next idle, which a busy machine can put after the next frames (the
    header and the rows drawn at the labels' widths)."""
    return not any(table._require_update_dimensions for table in screen.query(DataTable))


def ready(screen: Screen[Any], on_top: bool) -> bool:
    """The screen has read what it shows, its tables sized to it (and, on top, saved what it was
    given: under a dialog, a save may wait for the answer)."""
    if not columns_sized(screen):
        return False
    if isinstance(screen, CourseScreen):
        return screen.badges is not None and len(screen.summaries) == len(screen.ctx.files.course.assignments)
    if isinstance(screen, GradingScreen):
        files = screen.query_one(SubmissionFiles)
        saved = screen.saves.pending == 0 or not on_top
        return screen.state is not None and saved and files.open_entry is not None
    if isinstance(screen, SecondMarkingScreen):
        return screen.marking is not None and screen.query_one(SubmissionFiles).open_entry is not None
    if isinstance(screen, PullScreen):
        return bool(screen.outcome)
    return True


def all_ready(pilot: Pilot[Any]) -> bool:
    """Every screen shown has read what it shows (one under a dialog too)."""
    return all(ready(screen, screen is pilot.app.screen) for screen in pilot.app.screen_stack)


async def arrive(pilot: Pilot[Any], expected: type[Screen[Any]]) -> None:
    """Wait until ``expected`` is the screen shown, has read what it shows, and nothing runs."""
    for _ in range(750):
        await pilot.pause(0.02)
        screen = pilot.app.screen
        if isinstance(screen, expected) and all_ready(pilot) and not active(pilot.app):
            await pilot.pause(0.05)
            if pilot.app.screen is screen and all_ready(pilot) and not active(pilot.app):
                return
    raise AssertionError(f"never arrived at {expected.__name__} (on {type(pilot.app.screen).__name__})")


@dataclass(frozen=True)
class Step:
    keys: tuple[str, ...]
    arrive: type[Screen[Any]]
    before: Callable[[Pilot[Any], CourseContext], Awaitable[None]] | None = None
    """Done before the keys (what another grader does meanwhile, a failing disk)."""


@dataclass(frozen=True)
class Route:
    name: str
    steps: tuple[Step, ...]
    prepare: Callable[[CourseContext], None] | None = None
    """Done to the ``graded`` course before the app is opened on it (routes with the same
    preparation may start from one course so prepared, copied)."""


def step(keys: str, arrive: type[Screen[Any]], before: Any = None) -> Step:
    """``keys``: space-separated key names."""
    return Step(tuple(keys.split()), arrive, before)


async def changed_by_other(pilot: Pilot[Any], ctx: CourseContext) -> None:
    """Another grader chooses the first level of the focused criterion; this screen has not heard
    of it yet (the key pressed next chooses another level)."""
    screen = pilot.app.screen
    assert isinstance(screen, GradingScreen) and screen.state is not None
    pilot.app.call_later(stop_following, screen)
    await pilot.pause()
    focused = screen.state.focused
    assert focused is not None
    with open_course(ctx.root, actor=OTHER) as other:
        record_choice(other, A1, screen.student_id, focused.id, ChoiceRequest(level=focused.levels[0].label))


async def saves_failing(pilot: Pilot[Any], ctx: CourseContext) -> None:
    """Every save fails from now on, for a reason that names no temporary path (the test takes
    the crash log it leaves)."""
    FailingGradebook(default_database_url(ctx.root)).break_saves("dies")


async def not_saved(pilot: Pilot[Any], ctx: CourseContext) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, GradingScreen)
    for _ in range(500):
        if screen.save_path.not_saved is not None:
            return
        await pilot.pause(0.02)
    raise AssertionError("the choice never failed to save")


SUBMISSIONS = step("enter", SubmissionsScreen)
GRADING = step("n", GradingScreen)
ROUTES = (
    Route("course", (step("", CourseScreen),)),
    Route("course_help", (step("question_mark", HelpScreen),)),
    Route("students", (step("s", StudentsScreen),)),
    Route("student", (step("s", StudentsScreen), step("enter", StudentScreen))),
    Route("badges", (step("b", BadgesScreen),)),
    Route("export", (step("e", ExportModal),)),
    Route("submissions", (SUBMISSIONS,)),
    Route("grouped", (SUBMISSIONS, step("g", SubmissionsScreen))),
    Route("filter", (SUBMISSIONS, step("slash", FilterModal))),
    Route("autograde_scope", (SUBMISSIONS, step("A", AutogradeScopeModal))),
    Route("batch_criterion", (SUBMISSIONS, step("space B", CriterionModal))),
    Route("pull", (SUBMISSIONS, step("space P", PullScreen))),
    Route("by_criterion", (SUBMISSIONS, step("c", CriterionModal), step("enter", GradingScreen))),
    Route("grading", (SUBMISSIONS, GRADING)),
    Route("grading_chosen", (SUBMISSIONS, GRADING, step("k", GradingScreen))),
    Route("grading_help", (SUBMISSIONS, GRADING, step("question_mark", HelpScreen))),
    Route("history", (SUBMISSIONS, GRADING, step("h", HistoryModal))),
    Route("comment", (SUBMISSIONS, GRADING, step("m", NoteModal))),
    Route("adjust", (SUBMISSIONS, GRADING, step("a", AdjustModal))),
    Route("conflict", (SUBMISSIONS, GRADING, step("3", ConflictModal, changed_by_other))),
    Route(
        "unsaved",
        (
            SUBMISSIONS,
            GRADING,
            step("3", GradingScreen, saves_failing),
            step("escape", LeaveUnsavedModal, not_saved),
        ),
    ),
    Route("similarity", (SUBMISSIONS, step("S", SimilarityScreen)), prepare=compared),
    Route(
        "similarity_pair",
        (SUBMISSIONS, step("S", SimilarityScreen), step("enter", PairScreen)),
        prepare=compared,
    ),
    Route("moderation", (step("m", ModerationQueueScreen),), prepare=queued),
    Route(
        "second_marking",
        (step("m", ModerationQueueScreen), step("enter", SecondMarkingScreen)),
        prepare=queued,
    ),
)
CLAIMED = Route("claimed", (SUBMISSIONS, step("enter", ClaimedModal)), prepare=claimed_by_other)
"""Not a snapshot: the screen under it is drawn dimmed once or twice from run to run."""
BY_NAME = {route.name: route for route in (*ROUTES, CLAIMED)}
LEAVES_A_CRASH_LOG = {"unsaved"}
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
"""The clock of every route: times on screen (events, claims) are the same on every run."""


def freeze_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every module of grader that reads the clock reads :data:`NOW`."""
    for info in pkgutil.walk_packages(grader.gradebook.__path__, "grader.gradebook."):
        importlib.import_module(info.name)
    importlib.import_module("grader.tui.export_jobs")
    for module in list(sys.modules.values()):
        if (
            getattr(module, "__name__", "").startswith("grader.")
            and getattr(module, "utc_now", None) is utc_now
        ):
            monkeypatch.setattr(module, "utc_now", lambda: NOW)


async def walk(pilot: Pilot[Any], ctx: CourseContext, route: Route) -> None:
    """Follow ``route`` from the Course screen, then hide the toasts (they differ run to run)."""
    await arrive(pilot, CourseScreen)
    for each in route.steps:
        if each.before is not None:
            await each.before(pilot, ctx)
        pilot.app.clear_notifications()  # else a toast stays drawn on the screen under a dialog
        if each.keys:
            await pilot.press(*each.keys)
        await arrive(pilot, each.arrive)
    pilot.app.clear_notifications()
    assert_help_key_shown(pilot.app.screen)
    for screen in pilot.app.screen_stack[:-1]:  # under a dialog: drawn as it is now
        screen.refresh(layout=True)
    for field in pilot.app.screen.query(Input):  # its cursor shown, not caught mid-blink
        field.cursor_blink = False
    await pilot.pause(0.05)


HELP_ON_BAR = re.compile(r" (\?|f1) (Keys|more)\b")


def assert_help_key_shown(screen: Screen[Any]) -> None:
    """Every screen and dialog has the key bar, with the help key on it."""
    line = screen.query_one(KeyBar).render().plain
    assert HELP_ON_BAR.search(line), f"no help key on the key bar of {type(screen).__name__}: {line!r}"


def walk_of(ctx: CourseContext, route: Route) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """The walk along ``route`` on a course ``graded`` and given the route's ``prepare`` already."""
    return partial(walk, ctx=ctx, route=route)
