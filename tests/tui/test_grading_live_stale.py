"""A grade read again for a live update can be older than the grader's own latest save (the read
started before it); merged then, it undid the grader's choice on screen and said they changed it."""

from __future__ import annotations

from grading_harness import A1, Harness, header_text, notifications, pulled_students, settle

from grader.gradebook.context import CourseContext
from grader.gradebook.live import read_grade
from grader.tui.screens.grading import GradingScreen
from grader.tui.screens.grading_live import GradeReread


async def test_a_read_older_than_the_graders_own_save_is_not_merged(ctx: CourseContext) -> None:
    student = pulled_students(ctx)[0]
    screen = GradingScreen(ctx, A1, student)
    app = Harness(screen)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, screen, student)
        before = read_grade(ctx, A1, student)  # what a live read started now would bring back
        await pilot.press("2")  # correctness: Proficient (28), saved
        await settle(pilot, screen, student)
        assert "28 / 100" in header_text(screen)
        said = len(notifications(app))

        screen.post_message(GradeReread(student, before))  # that read arrives after the save
        await settle(pilot, screen, student)

        assert screen.state is not None and screen.state.choices["correctness"].level == "Proficient"
        assert "28 / 100" in header_text(screen), header_text(screen)
        assert not [n for n in notifications(app)[said:] if "changed" in n], notifications(app)[said:]

        fresh = read_grade(ctx, A1, student)  # a read after the save still merges
        screen.post_message(GradeReread(student, fresh))
        await settle(pilot, screen, student)
        assert "28 / 100" in header_text(screen)
