"""Pulling from the TUI: progress and results from the real pull, cancel, and no freeze while git waits."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hostile import screen_lines
from processes import processes_with, silent_tcp_server, wait_until_gone
from textual.pilot import Pilot
from textual.widgets import ProgressBar, RichLog

from grader.cli.main import main
from grader.domain.errors import GraderError
from grader.git.env import stop_all_git
from grader.gradebook.context import STATE_DIR, CourseContext, open_course
from grader.gradebook.locks import course_lock
from grader.gradebook.pull import PullResult, pull
from grader.gradebook.status import NOT_PULLED, submission_statuses
from grader.tui.app import make_app
from grader.tui.screens.course import CourseScreen
from grader.tui.screens.help import HelpScreen
from grader.tui.screens.pull import PullScreen

SIZE = (120, 40)


async def until(pilot: Pilot[Any], condition: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await pilot.pause(0.05)


async def released(root: Path) -> None:
    """Wait until the pull has let go of the course's pull lock (its generator has closed)."""
    deadline = time.monotonic() + 15
    while True:
        try:
            with course_lock(root / STATE_DIR, "pull"):
                return
        except GraderError:
            assert time.monotonic() < deadline, "the pull never finished"
            await asyncio.sleep(0.1)


def text(pilot: Pilot[Any]) -> str:
    return "\n".join(screen_lines(pilot.app))


async def test_pull_shows_progress_and_results_and_records_them(tmp_path: Path) -> None:
    root = tmp_path / "course"
    assert main(["demo", str(root), "--students", "4", "--no-tui"]) == 0
    with open_course(root, actor="ta-test") as ctx:
        assert {r.status for r in submission_statuses(ctx)} == {NOT_PULLED}
        app = make_app(ctx)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("P")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, PullScreen)
            await until(pilot, lambda: screen.outcome, 60, "the pull to finish")
            await pilot.pause()
            assert screen.outcome == "done"
            assert sum(screen.counts.values()) == 12
            assert (screen.done, screen.total) == (12, 12)
            bar = screen.query_one(ProgressBar)
            assert (bar.progress, bar.total) == (12, 12)
            shown = text(pilot)
            assert "done: " in shown and "a1-calculator" in shown
            await pilot.press("escape")
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            assert isinstance(app.screen, CourseScreen)
            rows = submission_statuses(ctx)
            assert all(r.pull_result is not None for r in rows)
            pulled = sum(1 for r in rows if r.assignment_id == "a1-calculator" and r.graded_commit)
            assert app.screen.summaries["a1-calculator"].pulled == pulled > 0


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP server on 127.0.0.1 that accepts connections and never says a word."""
    with silent_tcp_server() as port:
        yield port


def point_a3_at(root: Path, port: int, *, timeout_seconds: int = 300) -> None:
    """a3's repositories live on the silent server; git gives up on each after ``timeout_seconds``."""
    course = root / "course.yaml"
    text = course.read_text(encoding="utf-8")
    local = 'repo: "file://{course}/remotes/a3-dataanalysis/{github}.git"'
    assert local in text and "sources:\n  allow_local: true\n" in text
    text = text.replace(local, f'repo: "https://127.0.0.1:{port}/{{github}}.git"')
    text = text.replace(
        "sources:\n  allow_local: true\n",
        f"sources:\n  allow_local: true\n  timeout_seconds: {timeout_seconds}\n",
    )
    course.write_text(text, encoding="utf-8")


async def test_keys_answer_during_a_slow_pull_and_escape_cancels_it(
    demo_root: Path, silent_server: int
) -> None:
    # a1 fetches from disk at once; each a3 repository waits 5 s on a server that never answers,
    # so a key held up by the pull would take longer than the 4 s allowed (a loaded machine)
    point_a3_at(demo_root, silent_server, timeout_seconds=5)
    with open_course(demo_root, actor="ta-test") as ctx:
        students = [s.student_id for s in ctx.files.students[:6]]
        before = {sid: len(obs) for sid, obs in ctx.store.all_observations("a1-calculator").items()}
        app = make_app(ctx)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = PullScreen(ctx, ["a1-calculator", "a3-dataanalysis"], students, jobs=1)
            await app.push_screen(screen)
            seen: list[int] = []
            deadline = time.monotonic() + 60
            while screen.done < 8:  # two a3 repositories have timed out; keys answered all along
                seen.append(screen.done)
                started = time.monotonic()
                await pilot.press("question_mark")
                await until(pilot, lambda: isinstance(app.screen, HelpScreen), 4, "help, at once")
                await pilot.press("escape")
                await until(pilot, lambda: app.screen is screen, 4, "help to close, at once")
                assert time.monotonic() - started < 4
                assert time.monotonic() < deadline, "the pull stopped moving"
            assert len(set(seen)) >= 3, f"the progress moved while keys were pressed: {sorted(set(seen))}"
            assert screen.outcome == ""
            log = "\n".join(line.text for line in screen.query_one(RichLog).lines)
            assert "a3-dataanalysis" in log and "timed out" in log
            started = time.monotonic()
            await pilot.press("escape")  # cancel: the remaining four would take 20 s
            await until(pilot, lambda: screen.outcome, 15, "the cancel")
            assert screen.outcome == "cancelled"
            assert time.monotonic() - started < 4, "git was stopped, not waited for (5 s)"
            assert "cancelled: " in text(pilot)
            await released(ctx.root)
            assert stop_all_git() == 0, "no git process left running"
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, CourseScreen)
        after = ctx.store.all_observations("a1-calculator")
        assert all(len(after[sid]) == before[sid] + 1 for sid in students), "a1 results were recorded"
        assert all(len(after[sid]) == before[sid] for sid in before if sid not in students)
        # the pull lock was released: another pull runs at once
        results = [r for r in pull(ctx, ["a1-calculator"], students[:1]) if isinstance(r, PullResult)]
        assert [r.student_id for r in results] == students[:1]


async def test_quitting_mid_pull_stops_git_at_once(demo_root: Path, silent_server: int) -> None:
    point_a3_at(demo_root, silent_server)  # each git waits 300 s on a server that never answers
    marker = f"127.0.0.1:{silent_server}"
    with open_course(demo_root, actor="ta-test") as ctx:
        app = make_app(ctx)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = PullScreen(ctx, ["a3-dataanalysis"], jobs=2)
            await app.push_screen(screen)
            await until(pilot, lambda: len(processes_with(marker)) >= 2, 30, "two gits to be waiting")
            assert screen.outcome == ""
            started = time.monotonic()
            await pilot.press("ctrl+q")
        # A git that was between two steps may start one more; the pull stops that one too, and
        # only then lets go of its lock: so look for survivors once the lock is free.
        await released(ctx.root)
        assert wait_until_gone(marker, seconds=5) == [], "every git was stopped"
        assert time.monotonic() - started < 6, "git was stopped, not waited for"
        assert stop_all_git() == 0


async def test_a_pull_refused_by_the_lock_is_a_message(ctx: CourseContext) -> None:
    with course_lock(ctx.root / STATE_DIR, "pull"):
        app = make_app(ctx)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("P")
            screen = app.screen
            assert isinstance(screen, PullScreen)
            await until(pilot, lambda: screen.outcome, 10, "the refusal")
            assert screen.outcome == "failed"
            ((severity, note),) = app.messages_shown
            assert severity == "error"
            assert note.startswith("cannot pull: a pull or extension is already running on this course")
            await pilot.press("escape")
            assert isinstance(app.screen, CourseScreen)
            assert app.internal_errors == []
