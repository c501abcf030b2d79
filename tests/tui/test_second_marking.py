"""Blind second marking in the TUI: the moderation queue (from `m` on the Course screen) and the
second-marking screen, against a real gradebook. Nothing of the first mark reaches the screen;
each choice is a second mark (never a grade event); first markers are refused."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hostile import Harness, screen_lines
from textual.pilot import Pilot
from textual.widgets import DataTable

from grader.domain.errors import GraderError
from grader.domain.moderation import SampleSize
from grader.gradebook.context import CourseContext, open_course
from grader.gradebook.flagging import set_flag
from grader.gradebook.grading import ChoiceRequest, record_choice
from grader.gradebook.moderation import sample_for_moderation
from grader.gradebook.status import submission_statuses
from grader.tui.app import make_app
from grader.tui.grading import marks as mark_saves
from grader.tui.screens.course import CourseScreen
from grader.tui.screens.moderation_queue import ModerationQueueScreen
from grader.tui.screens.second_marking import SecondMarkingScreen
from grader.tui.widgets.rubric_panel import RubricPanel

A1 = "a1-calculator"
SIZE = (150, 45)
FIRST, MODERATOR = "ta-firstmarker", "ta-mod"
SECRETS = ("FIRSTMARKSECRET", "ADJUSTSECRET", "FLAGSECRET", FIRST)
FIRST_MARKS = {  # distinctive: none is the first level, and the total (77 − 2) is nowhere else
    "correctness": ChoiceRequest(level="Beginning", comment="FIRSTMARKSECRET"),
    "cli": ChoiceRequest(level="Developing"),
    "code-quality": ChoiceRequest(items=("Bare except",)),
    "readme": ChoiceRequest(level="Minimal", adjustment=Decimal(-2), comment="ADJUSTSECRET"),
    "git-practice": ChoiceRequest(items=("Clean repository",)),
}


@pytest.fixture
def queued(demo_root: Path, ctx: CourseContext) -> list[str]:
    """Two pulled a1 submissions first-marked by FIRST (one flagged), both queued for MODERATOR."""
    pulled = [r.student_id for r in submission_statuses(ctx, [A1]) if r.graded_commit][:2]
    with open_course(demo_root, actor=FIRST) as first:
        for student_id in pulled:
            for criterion_id, request in FIRST_MARKS.items():
                record_choice(first, A1, student_id, criterion_id, request)
        set_flag(first, A1, pulled[0], "FLAGSECRET")
    run = sample_for_moderation(
        ctx, A1, SampleSize(count=2), seed=0, per_grader=False, moderators=[MODERATOR]
    )
    assert [q.moderator for q in run.added] == [MODERATOR, MODERATOR]
    return sorted(q.student_id for q in run.added)  # the queue's order: queued together, by id


@pytest.fixture
def moderator(demo_root: Path) -> Iterator[CourseContext]:
    with open_course(demo_root, actor=MODERATOR) as opened:
        yield opened


async def until(pilot: Pilot[Any], done: Callable[[], object], what: str) -> None:
    for _ in range(500):
        if done():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"never happened: {what}")


def marking(pilot: Pilot[Any]) -> SecondMarkingScreen:
    screen = pilot.app.screen
    assert isinstance(screen, SecondMarkingScreen)
    return screen


async def loaded(pilot: Pilot[Any], student_id: str) -> SecondMarkingScreen:
    """The second-marking screen showing ``student_id``, its files listed, nothing being saved."""

    def shown() -> bool:
        screen = pilot.app.screen
        return (
            isinstance(screen, SecondMarkingScreen)
            and screen.marking is not None
            and screen.marking.student.student_id == student_id
            and screen.query_one("#submission-files").open_entry is not None  # type: ignore[attr-defined]
            and screen.saves.pending == 0
        )

    await until(pilot, shown, f"{student_id} loaded")
    return marking(pilot)


async def saved(pilot: Pilot[Any]) -> None:
    screen = marking(pilot)
    await until(pilot, lambda: screen.saves.pending == 0 and not screen.saving, "every mark saved")
    await pilot.pause()


def queue_rows(pilot: Pilot[Any], table_id: str) -> list[list[str]]:
    table = pilot.app.screen.query_one(f"#{table_id}", DataTable)
    return [[str(getattr(c, "plain", c)) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_the_blind_screen_shows_nothing_of_the_first_mark(
    moderator: CourseContext, queued: list[str]
) -> None:
    app = Harness(lambda: SecondMarkingScreen(moderator, A1, queued[0]))
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot, queued[0])
        await pilot.pause()
        shown = "\n".join(screen_lines(pilot.app))
        svg = pilot.app.export_screenshot()
        panel = screen.query_one(RubricPanel).render()
        assert "second marking (blind)" in shown and "0/5 marked" in shown
        for secret in SECRETS:
            assert secret not in shown and secret not in svg and secret not in panel.plain
        header = screen_lines(pilot.app)[0]
        assert "Total" not in panel.plain and not re.search(r"\d+ / \d+", header)  # no score
        assert not re.search(r"\bgraded\b", shown)  # nor the status, nor "last graded by"
        assert "[x]" not in panel.plain  # no checklist item of the first mark ticked
        assert not [s for s in panel.spans if "reverse" in str(s.style) and "green" in str(s.style)]
        titles = [
            line for line in panel.plain.splitlines() if line.rstrip().endswith(("/ 35", "/ 15", "/ 10"))
        ]
        assert len(titles) == 4 and all("– /" in line for line in titles)  # no points given yet
        assert "not moderated (autograded): Test suite passes" in panel.plain
        bound = pilot.app.screen.active_bindings
        assert not {"h", "u", "a", "m", "f", "T", "A", "r", "o"} & set(bound)  # no grading key here


async def test_choosing_a_level_saves_a_second_mark_and_no_grade_event(
    moderator: CourseContext, queued: list[str]
) -> None:
    events_before = moderator.store.events(A1, queued[0])
    grade_before = moderator.store.grade(A1, queued[0])
    app = Harness(lambda: SecondMarkingScreen(moderator, A1, queued[0]))
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot, queued[0])
        assert screen.state is not None and screen.state.focused is not None
        assert screen.state.focused.id == "correctness"
        await pilot.press("1")
        await saved(pilot)
        assert "saved: Correct results" in "\n".join(screen_lines(pilot.app))
        assert screen.state.focused.id == "cli"  # moved on to the next manual criterion
    marks = [
        (m.student_id, m.criterion_id, m.choice.level, m.actor) for m in moderator.store.second_marks(A1)
    ]
    assert marks == [(queued[0], "correctness", "Exemplary", MODERATOR)]
    assert moderator.store.events(A1, queued[0]) == events_before
    assert moderator.store.grade(A1, queued[0]) == grade_before


async def test_the_queue_counts_follow_the_marks_and_n_opens_the_next(
    moderator: CourseContext, queued: list[str]
) -> None:
    app = Harness(lambda: ModerationQueueScreen(moderator, A1))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: pilot.app.screen.query_one("#mine", DataTable).row_count == 2, "rows")
        rows = queue_rows(pilot, "mine")
        assert [r[1:] for r in rows] == [["0 / 5", "to do"], ["0 / 5", "to do"]]
        assert queued[0] in rows[0][0] and "Yours: 2 queued · 0 done · 2 to do" in "\n".join(
            screen_lines(app)
        )
        await pilot.press("enter")
        await loaded(pilot, queued[0])
        for key in ("1", "1", "0", "1", "0"):  # every manual criterion, the focus moving on
            await pilot.press(key)
        await saved(pilot)
        assert "5/5 marked" in "\n".join(screen_lines(app))
        await pilot.press("n")
        await loaded(pilot, queued[1])
        await pilot.press("2")
        await saved(pilot)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(pilot.app.screen, ModerationQueueScreen), "back to the queue")
        await until(pilot, lambda: queue_rows(pilot, "mine")[1][1] == "1 / 5", "counts read again")
        assert [r[1:] for r in queue_rows(pilot, "mine")] == [["5 / 5", "done"], ["1 / 5", "to do"]]
    assert len(moderator.store.second_marks(A1)) == 6


async def test_a_first_marker_is_refused_before_they_start(demo_root: Path, queued: list[str]) -> None:
    with open_course(demo_root, actor=FIRST) as first:
        app = Harness(lambda: ModerationQueueScreen(first, A1))
        async with app.run_test(size=SIZE) as pilot:
            await until(
                pilot, lambda: pilot.app.screen.query_one("#others", DataTable).row_count == 2, "rows"
            )
            assert "Nothing is queued for ta-firstmarker to second-mark" in "\n".join(screen_lines(app))
            assert all("you first-marked it" in row[2] for row in queue_rows(pilot, "others"))
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(pilot.app.screen, ModerationQueueScreen)
            refusal = f"{FIRST} first-marked {queued[0]}'s {A1} submission and cannot second-mark it"
            assert ("error", refusal) in app.messages_shown
        app = Harness(lambda: SecondMarkingScreen(first, A1, queued[0]))
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: app.messages_shown, "the refusal")
            screen = marking(pilot)
            assert app.messages_shown == [("error", refusal)]
            assert f"cannot second-mark {queued[0]}" in "\n".join(screen_lines(app))
            assert screen.state is None and not screen.query_one(RubricPanel).display
            await pilot.press("1")
            await pilot.pause()
            assert screen.saves.pending == 0
        assert first.store.second_marks(A1) == []


async def test_m_on_the_course_opens_the_queue_and_an_empty_one_says_how_to_queue(ctx: CourseContext) -> None:
    async with make_app(ctx).run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(pilot.app.screen, CourseScreen)
        await pilot.press("m")
        await until(pilot, lambda: isinstance(pilot.app.screen, ModerationQueueScreen), "the queue")
        screen = pilot.app.screen
        await until(pilot, lambda: getattr(screen, "queue", None) is not None, "the queue read")
        shown = " ".join(" ".join(screen_lines(pilot.app)).split())
        assert f"Nothing of {A1} is queued for second marking" in shown
        assert f"grader moderate {A1} --sample 10%" in shown
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(pilot.app.screen, CourseScreen), "back on the course")


async def test_a_second_mark_not_saved_says_why_and_is_not_shown_as_chosen(
    moderator: CourseContext, queued: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_: object) -> None:
        raise GraderError("the gradebook is locked by another program; try again")

    monkeypatch.setattr(mark_saves, "record_second_mark", refuse)
    app = Harness(lambda: SecondMarkingScreen(moderator, A1, queued[0]))
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot, queued[0])
        await pilot.press("1")
        await saved(pilot)
        shown = "\n".join(screen_lines(pilot.app))
        assert "NOT SAVED" in shown and "saved:" not in shown and "0/5 marked" in shown
        assert ("error", "the gradebook is locked by another program; try again") in app.messages_shown
        assert screen.state is not None and screen.state.choice("correctness").level is None
    assert moderator.store.second_marks(A1) == []
