"""Instant open: the course snapshot in the gradebook, the read-only quick view, and the TUI
opened from it then swapped onto the fully opened course."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from crash_logs import CrashLogs
from hostile import screen_lines
from textual.pilot import Pilot

import grader.git.identity
import grader.gradebook.quick
from grader.cli.main import main
from grader.domain.course_json import STUDENT_FIELDS, course_from_dict, course_to_dict
from grader.domain.errors import GraderError
from grader.gradebook.context import CourseContext, open_course, resolve_actor
from grader.gradebook.flagging import set_excused, set_flag
from grader.gradebook.grading import ChoiceRequest, record_choice
from grader.gradebook.quick import Declined, QuickContext, quick_open
from grader.gradebook.rubrics import rubric_in_force
from grader.gradebook.status import GRADED, STATUSES, submission_statuses
from grader.store.quick import _ROSTER
from grader.store.revision import HEAD
from grader.tui.app import GraderApp, make_app
from grader.tui.screens.course import CourseScreen
from grader.tui.screens.help import HelpScreen
from grader.tui.screens.submissions import SubmissionsScreen
from grader.tui.widgets.assignment_list import AssignmentItem

A1 = "a1-calculator"
ROOT = Path(__file__).resolve().parents[2]


def checked(root: Path) -> None:
    """Open normally (writes the snapshot) and verify the rubric in force (records the check)."""
    with open_course(root, actor="ta-test") as ctx:
        rubric_in_force(ctx, A1)


def quick(root: Path) -> QuickContext | Declined:
    return quick_open(root, database_url=None, actor="ta-test", assignment_id=A1)


def opened(root: Path) -> None:
    found = quick(root)
    assert isinstance(found, QuickContext), found
    found.close()


async def until(pilot: Pilot[Any], condition: Callable[[], object], what: str, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await pilot.pause(0.02)


def declined(found: QuickContext | Declined) -> tuple[str, ...]:
    """Why it declined (failing when it did not)."""
    if isinstance(found, QuickContext):
        found.close()
        raise AssertionError("the quick open did not decline")
    return found.reasons


def test_the_snapshot_is_written_once_and_gives_back_the_validated_course(ctx: CourseContext) -> None:
    rubric_in_force(ctx, A1)
    found = quick(ctx.root)
    assert isinstance(found, QuickContext), found
    try:
        assert found.files.course == ctx.files.course
        assert found.files.rubrics == ctx.files.rubrics
        assert list(found.files.students) == list(ctx.files.students)
        assert len(found.files.students) == len(ctx.files.students)
        assert found.files.students[-1] == ctx.files.students[-1]
        assert dict(found.files.digests) == dict(ctx.files.digests)
    finally:
        found.close()
    again = ctx.store.record_course_snapshot(
        files=dict(ctx.files.digests),
        roster_file=ctx.files.course.roster_path,
        course=course_to_dict(ctx.files.course),
        rubrics={a: r.to_dict() for a, r in ctx.files.rubrics.items()},
        students=ctx.files.students,
        now=__import__("datetime").datetime.now(__import__("datetime").UTC),
    )
    assert again is False  # same bytes: nothing rewritten


def test_the_course_json_round_trips_and_the_roster_query_names_every_field(ctx: CourseContext) -> None:
    assert course_from_dict(course_to_dict(ctx.files.course)) == ctx.files.course
    assert _ROSTER.split("FROM")[0].replace("SELECT", "").replace("\n", "").replace(" ", "").split(
        ","
    ) == list(STUDENT_FIELDS)


@pytest.mark.parametrize("name", ["course.yaml", "roster.csv", "rubric"])
def test_any_changed_byte_declines_and_an_invalid_edit_fails_as_before(
    demo_root: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    checked(demo_root)
    opened(demo_root)
    path = next((demo_root / "rubrics").glob("*.yaml")) if name == "rubric" else demo_root / name
    changed = (f"{path.relative_to(demo_root)} changed since the snapshot",)
    path.write_bytes(path.read_bytes() + b"\n")  # same meaning, other bytes
    assert declined(quick(demo_root)) == changed
    checked(demo_root)  # the normal open records the new bytes
    opened(demo_root)
    path.write_bytes(path.read_bytes() + b"\x00garbage: [\n")
    assert declined(quick(demo_root)) == changed
    code = main(["--course", str(demo_root), "--open", A1, "--exit-after-first-rows", "--headless"])
    assert code == 1
    assert "problem" in capsys.readouterr().err


def test_postgresql_and_a_missing_rubric_check_decline(demo_root: Path) -> None:
    checked(demo_root)
    with sqlite3.connect(demo_root / ".grader" / "grades.db") as db:
        db.execute("DELETE FROM rubric_check")  # no verified rubric in force: decline
    assert declined(quick(demo_root)) == (f"the rubric of {A1}: never checked against the grades",)
    bare = quick_open(demo_root, database_url=None, actor="x", assignment_id=None)
    assert isinstance(bare, QuickContext) and bare.in_force == {}, "the assignments show all the same"
    bare.close()
    checked(demo_root)
    opened(demo_root)
    url = "postgresql+psycopg://grader@127.0.0.1:54330/grader_test"
    assert declined(quick_open(demo_root, database_url=url, actor="x", assignment_id=A1)) == (
        "the gradebook is not a plain SQLite file",
    )
    assert declined(quick_open(demo_root, database_url=None, actor="x", assignment_id="a9-none")) == (
        "no assignment 'a9-none' in the snapshot",
    )
    with sqlite3.connect(demo_root / ".grader" / "grades.db") as db:
        db.execute("UPDATE alembic_version SET version_num = '0001'")
    assert declined(quick(demo_root)) == (
        f"the gradebook is at schema revision 0001, this grader needs {HEAD}",
    )


def test_a_crash_is_not_a_decline_it_is_logged_and_the_course_opens_normally(
    demo_root: Path, monkeypatch: pytest.MonkeyPatch, crash_logs: CrashLogs
) -> None:
    checked(demo_root)

    def broken(_data: object) -> object:
        raise KeyError("a bug in reading the snapshot")

    monkeypatch.setattr(grader.gradebook.quick, "course_from_dict", broken)
    with pytest.raises(KeyError, match="a bug"):
        quick(demo_root)  # propagates: never mistaken for "open the normal way"
    args = ["--course", str(demo_root), "--as", "t", "--open", A1, "--headless"]
    assert main([*args, "--exit-after-first-rows"]) == 0, "the normal open took over"
    ((_log, logged),) = crash_logs.take().items()  # reported by the app: a message and this log
    assert "KeyError: 'a bug in reading the snapshot'" in logged and "course_from_dict" in logged


def test_light_reads_equal_the_store_reads(ctx: CourseContext) -> None:
    ids = [s.student_id for s in ctx.files.students]
    record_choice(ctx, A1, ids[0], "correctness", ChoiceRequest(level="Exemplary", comment="fine"))
    record_choice(ctx, A1, ids[0], "code-quality", ChoiceRequest(items=("Dead code", "Bare except")))
    record_choice(ctx, A1, ids[1], "tests", ChoiceRequest(points=Decimal("12.5")))
    record_choice(
        ctx,
        A1,
        ids[2],
        "readme",
        ChoiceRequest(level="Partial", adjustment=Decimal("-1"), comment="late fix"),
    )
    record_choice(ctx, A1, ids[3], "code-quality", ChoiceRequest(items=()))
    set_flag(ctx, A1, ids[4], "look again <b>")
    set_excused(ctx, A1, ids[5], True, "medical")
    rubric_in_force(ctx, A1)
    found = quick(ctx.root)
    assert isinstance(found, QuickContext), found
    try:
        assert found.view.grades_of(A1, ids) == ctx.store.grades_of(A1, ids)
        assert found.view.pull_states_of(A1, ids) == ctx.store.pull_states_of(A1, ids)
        assert ctx.store.pull_states_of(A1, ids)  # the demo is pulled: states to compare
        assert found.view.rubric_check(A1) == ctx.store.rubric_check(A1)
        assert found.view.choices_since(A1, 0) == ctx.store.choices_since(A1, 0)
    finally:
        found.close()


async def test_the_app_opened_quickly_grades_after_the_full_open(demo_root: Path) -> None:
    checked(demo_root)
    q = quick(demo_root)
    assert isinstance(q, QuickContext), q
    with ExitStack() as stack:
        stack.callback(q.close)
        app = make_app(
            q,
            open_assignment=A1,
            open_full=lambda: stack.enter_context(open_course(demo_root, actor="ta-test")),
        )
        async with app.run_test(size=(150, 40)) as pilot:
            screen = app.screen
            assert isinstance(screen, SubmissionsScreen)
            await until(pilot, lambda: app.is_open, "the full open")
            assert screen.ctx is app.ctx
            first = q.files.students[0].student_id
            await pilot.press("enter")
            await until(pilot, lambda: type(app.screen).__name__ == "GradingScreen", "the grading screen")
            await pilot.press("1")
            await until(pilot, lambda: app.ctx.store.grade(A1, first).choices, "the save")
            rows = submission_statuses(app.ctx, [A1])
            assert next(r for r in rows if r.student_id == first).graded_by == "ta-test"


def test_the_quick_open_loads_no_database_schema_or_yaml_library(demo_root: Path) -> None:
    checked(demo_root)
    argv = [sys.executable, "-X", "importtime", "-m", "grader", "--course", str(demo_root)]
    argv += ["--as", "t", "--open", A1, "--exit-after-first-rows", "--headless"]
    done = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, env={**os.environ}, check=True)
    imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert "textual.app" in imported and "grader.store.quick" in imported
    heavy = {
        m for m in imported if m.split(".")[0] in {"sqlalchemy", "sqlmodel", "pydantic", "yaml", "alembic"}
    }
    assert heavy == set()
    # Deferred past the first frame: the palette's provider, other screens, the keys-file parser
    # (there is no keys file), git (--as names the grader). (Textual's widget modules load through
    # its lazy __getattr__, which -X importtime does not list: see the Submissions screen tests.)
    # Nor what serves the full open only: pseudonyms, claims, live updates (and the autograde
    # reports they read), the keys' help.
    deferred = {
        "grader.tui.commands",
        "grader.tui.screens.batch",
        "grader.tui.screens.filter",
        "grader.tui.screens.course",
        "tomllib",
        "grader.git.identity",
        *FULL_OPEN_ONLY,
    }
    assert deferred & imported == set()


FULL_OPEN_ONLY = {
    "grader.gradebook.anonymity",
    "grader.gradebook.claims",
    "grader.gradebook.live",
    "grader.domain.junit",
    "grader.tui.screens.help",
}
"""Modules neither first screen loads (bare ``grader``'s Course screen, a Submissions screen)."""


def test_the_course_screen_loads_nothing_only_the_full_open_needs() -> None:
    code = (
        "import sys, grader.tui.screens.course, grader.tui.screens.submissions; print(*sorted(sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    loaded = set(done.stdout.split())
    assert "grader.tui.screens.course" in loaded and "grader.gradebook.listing" in loaded
    assert FULL_OPEN_ONLY & loaded == set()


async def test_bare_grader_lists_the_assignments_at_once_and_counts_after_the_full_open(
    demo_root: Path,
) -> None:
    checked(demo_root)
    q = quick_open(demo_root, database_url=None, actor="ta-test", assignment_id=None)
    assert isinstance(q, QuickContext), q
    release = threading.Event()

    def open_full() -> CourseContext:
        release.wait(30)  # the test looks at the screen before the course is fully open
        return stack.enter_context(open_course(demo_root, actor="ta-test"))

    with ExitStack() as stack:
        stack.callback(q.close)
        app = make_app(q, open_full=open_full)
        async with app.run_test(size=(150, 40)) as pilot:
            await until(pilot, lambda: isinstance(app.screen, CourseScreen), "the course")
            screen = app.screen
            assert isinstance(screen, CourseScreen) and not app.is_open
            listed = [item.assignment_id for item in screen.query(AssignmentItem)]
            assert listed == [a.id for a in q.files.course.assignments]
            assert screen.summaries == {} and screen.stale, "nothing is counted before the full open"
            await pilot.press("question_mark")  # help and the palette work at once
            assert isinstance(app.screen, HelpScreen)
            await pilot.press("escape", "ctrl+p")
            await until(pilot, lambda: type(app.screen).__name__ == "CommandPalette", "the palette")
            await pilot.press("escape")
            release.set()
            await until(pilot, lambda: len(screen.summaries) == len(listed), "the counts")
            assert app.is_open and screen.ctx is app.ctx
            graded = sum(r.status == GRADED for r in submission_statuses(app.ctx, [A1]))
            assert screen.summaries[A1].graded == graded
            assert screen.summaries[A1].total == len(app.ctx.files.students)
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, SubmissionsScreen), "a1's submissions")


def test_the_grader_is_named_by_git_only_when_not_given(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[int] = []
    monkeypatch.setattr(grader.git.identity, "git_user_name", lambda: asked.append(1) or "Git Name")
    monkeypatch.delenv("GRADER_USER", raising=False)
    assert resolve_actor("  given ") == "given" and asked == []
    monkeypatch.setenv("GRADER_USER", "from-env")
    assert resolve_actor(None) == "from-env" and asked == []
    monkeypatch.delenv("GRADER_USER")
    assert resolve_actor(None) == "Git Name" and asked == [1]


async def test_the_quick_open_leaves_git_to_the_full_open_whose_grader_signs_the_grades(
    demo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked(demo_root)
    asked: list[int] = []
    monkeypatch.setattr(grader.git.identity, "git_user_name", lambda: asked.append(1) or "Git Grader")
    monkeypatch.delenv("GRADER_USER", raising=False)
    q = quick_open(demo_root, database_url=None, actor=None, assignment_id=A1)
    assert isinstance(q, QuickContext) and q.actor is None and asked == []
    with ExitStack() as stack:
        stack.callback(q.close)
        app = make_app(q, open_assignment=A1, open_full=lambda: stack.enter_context(open_course(demo_root)))
        async with app.run_test(size=(150, 40)) as pilot:
            assert app.sub_title == q.files.course.id  # no name yet, and no git asked for one
            await until(pilot, lambda: app.is_open, "the full open")
            assert app.ctx.actor == "Git Grader" and asked == [1]
            assert app.sub_title.endswith("· Git Grader")
            first = q.files.students[0].student_id
            await pilot.press("enter")
            await until(pilot, lambda: type(app.screen).__name__ == "GradingScreen", "the grading screen")
            await pilot.press("1")
            await until(pilot, lambda: app.ctx.store.grade(A1, first).choices, "the save")
            events = app.ctx.store.events(A1, first)
            assert events and {e.actor for e in events} == {"Git Grader"}


async def test_the_first_rows_are_read_once_on_the_ui_thread_and_drawn_in_the_first_frame(
    demo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A quick open's first screenful comes from the local snapshot in milliseconds: it is read
    before the Submissions screen's first layout, so that layout's frame shows the rows (no
    worker, no blank table, and the screen's first showing does not read them again)."""
    checked(demo_root)
    q = quick(demo_root)
    assert isinstance(q, QuickContext), q
    reads: list[tuple[bool, int]] = []
    grades_of = q.view.grades_of

    def recorded(assignment_id: str, student_ids: Sequence[str]) -> object:
        reads.append((threading.current_thread() is threading.main_thread(), len(student_ids)))
        return grades_of(assignment_id, student_ids)

    monkeypatch.setattr(q.view, "grades_of", recorded)
    at_rows_shown: list[list[str]] = []
    rows_shown = GraderApp.on_submission_table_rows_shown

    def seen(app: GraderApp) -> None:
        at_rows_shown.append(screen_lines(app))
        rows_shown(app)

    monkeypatch.setattr(GraderApp, "on_submission_table_rows_shown", seen)
    with ExitStack() as stack:
        stack.callback(q.close)
        app = make_app(q, open_assignment=A1, exit_after_first_rows=True, open_full=lambda: pytest.fail("no"))
        async with app.run_test(size=(120, 30)) as pilot:
            await until(pilot, lambda: not app.is_running, "the exit after the first rows")
    assert len(at_rows_shown) == 1
    assert reads == [(True, 30)], "one read, of as many rows as the terminal is high, on the UI thread"
    lines = at_rows_shown[0]
    for student in q.files.students[:5]:
        row = next(line for line in lines if student.student_id in line)
        assert any(status in row for status in STATUSES), row


@pytest.mark.parametrize(
    ("failure", "told"),
    [
        (GraderError("could not read the gradebook x.db: disk I/O error"), "disk I/O error"),
        (RuntimeError("a bug in reading"), "internal error"),
    ],
    ids=["said", "a bug"],
)
async def test_a_first_screenful_that_fails_to_read_is_told_and_read_again_by_the_worker(
    demo_root: Path,
    monkeypatch: pytest.MonkeyPatch,
    crash_logs: CrashLogs,
    failure: Exception,
    told: str,
) -> None:
    checked(demo_root)
    q = quick(demo_root)
    assert isinstance(q, QuickContext), q
    grades_of = q.view.grades_of
    threads: list[bool] = []

    def once_failing(assignment_id: str, student_ids: Sequence[str]) -> object:
        threads.append(threading.current_thread() is threading.main_thread())
        if len(threads) == 1:
            raise failure
        return grades_of(assignment_id, student_ids)

    monkeypatch.setattr(q.view, "grades_of", once_failing)
    with ExitStack() as stack:
        stack.callback(q.close)
        app = make_app(q, open_assignment=A1, open_full=lambda: pytest.fail("not in this test"))
        async with app.run_test(size=(120, 30)) as pilot:
            screen = app.screen
            assert isinstance(screen, SubmissionsScreen)
            await until(pilot, lambda: screen.listing.cached(0) is not None, "the rows, read again")
            first = q.files.students[0].student_id
            await until(pilot, lambda: any(first in line for line in screen_lines(app)), "the rows shown")
            assert threads[:2] == [True, False], "the first read on the UI thread, the next in a worker"
            assert any(told in message for _, message in app.messages_shown), app.messages_shown
    assert len(crash_logs.take()) == (1 if isinstance(failure, RuntimeError) else 0)
