"""The Course screen's Moderation panel: the highlighted assignment's queue, agreement overall
and per criterion, the disagreements to resolve; hidden where nothing is queued."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hostile import screen_lines
from textual.pilot import Pilot

from grader.domain.moderation import SampleSize
from grader.gradebook.context import CourseContext, open_course
from grader.gradebook.grading import ChoiceRequest, record_choice
from grader.gradebook.moderation import record_second_mark, sample_for_moderation
from grader.gradebook.status import submission_statuses
from grader.tui.app import make_app
from grader.tui.screens.course import CourseScreen
from grader.tui.widgets.moderation_panel import ModerationPanel

A1 = "a1-calculator"
SIZE = (120, 40)
MARKS = {"correctness": ChoiceRequest(level="Exemplary"), "cli": ChoiceRequest(level="Proficient")}
MANUAL = {
    **MARKS,
    "code-quality": ChoiceRequest(items=()),
    "readme": ChoiceRequest(level="Complete"),
    "git-practice": ChoiceRequest(items=()),
}


async def settle(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_the_course_screen_shows_the_highlighted_assignments_agreement(
    ctx: CourseContext, demo_root: Path
) -> None:
    pulled = [r.student_id for r in submission_statuses(ctx, [A1]) if r.graded_commit][:2]
    for student_id in pulled:
        for criterion_id, request in MANUAL.items():
            record_choice(ctx, A1, student_id, criterion_id, request)
    run = sample_for_moderation(ctx, A1, SampleSize(count=2), seed=0, per_grader=False, moderators=["ta-mod"])
    assert {q.student_id for q in run.added} == set(pulled)
    with open_course(demo_root, actor="ta-mod") as moderator:
        for student_id in pulled:  # correctness agrees; cli: Developing (6) against Proficient (11)
            record_second_mark(moderator, A1, student_id, "correctness", MARKS["correctness"])
            record_second_mark(moderator, A1, student_id, "cli", ChoiceRequest(level="Developing"))
    async with make_app(ctx).run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(pilot.app.screen, CourseScreen)
        panel = pilot.app.screen.query_one(ModerationPanel)
        assert panel.display
        right = [line.split("│")[1].split() for line in screen_lines(pilot.app) if "│" in line]
        assert [*f"Moderation · {A1}".split()] in right
        assert ["2", "queued", "·", "4", "second", "marks"] in right
        figures = [" ".join(words) for words in right]
        for name, line in (
            ("all criteria", "2/4 agree (50%) · mean -2.50"),
            ("correctness", "2/2 agree (100%) · mean +0.00"),
            ("cli", "0/2 agree (0%) · mean -5.00"),
        ):
            assert figures[figures.index(name) + 1] == line
        assert ["2", "disagreement(s)", "to", "resolve"] in right
        await pilot.press("j")  # a2: nothing queued, nothing shown
        await settle(pilot)
        assert not panel.display
