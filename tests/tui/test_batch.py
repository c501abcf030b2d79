"""Batch review: mark submissions, apply one rubric choice to all of them, one grade event each."""

from __future__ import annotations

from grader.domain.events import EventSource
from grader.gradebook.context import CourseContext
from grader.tui.screens.batch import BatchModal, ChoiceModal, CriterionModal
from tests.tui.test_submissions_screen import ASSIGNMENT, NavApp, roster_ids, screen_of, settle, table_text


async def test_batch_apply_a_level_to_marked_submissions(ctx: CourseContext) -> None:
    ids = roster_ids(ctx)
    app = NavApp(ctx)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("space", "down", "space", "down", "space")  # rows 0, 2, 4 (space moves down)
        await pilot.press("B")
        await settle(app, pilot)
        assert isinstance(app.screen, CriterionModal)
        await pilot.press("enter")  # the first criterion: correctness
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("down", "enter")  # its second level: Proficient
        await pilot.pause()
        assert isinstance(app.screen, BatchModal)
        question = str(app.screen.query_one("Static").render())
        assert "3 marked submissions" in question
        assert question.startswith("Record Proficient (28) on "), "the one wording of a choice"
        await pilot.press("enter")
        await settle(app, pilot)
        await settle(app, pilot)
        assert isinstance(app.screen, type(screen_of(app)))
        lines = table_text(app).splitlines()
        assert "in progress" in lines[1] and "in progress" not in lines[2]
    events = [e for e in ctx.store.events(ASSIGNMENT) if e.source is EventSource.BATCH]
    assert sorted(e.student_id for e in events) == sorted([ids[0], ids[2], ids[4]])
    assert {(e.criterion_id, e.new.level, e.actor) for e in events} == {
        ("correctness", "Proficient", "ta-test")
    }
    assert len({e.id for e in events}) == 3
    for student_id in (ids[0], ids[2], ids[4]):
        assert ctx.store.grade(ASSIGNMENT, student_id).choices["correctness"].level == "Proficient"
    assert "correctness" not in ctx.store.grade(ASSIGNMENT, ids[1]).choices


async def test_batch_without_marks_is_a_clear_error(ctx: CourseContext) -> None:
    app = NavApp(ctx)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("B")
        await settle(app, pilot)
        assert isinstance(app.screen, type(screen_of(app)))
        assert app.messages_shown == [
            ("error", "mark submissions with space (or * for every shown one) first")
        ]
    assert ctx.store.events(ASSIGNMENT) == []


async def test_batch_cancel_saves_nothing(ctx: CourseContext) -> None:
    app = NavApp(ctx)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("space", "B")
        await settle(app, pilot)
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, BatchModal)
        await pilot.press("escape")
        await settle(app, pilot)
    assert ctx.store.events(ASSIGNMENT) == []
