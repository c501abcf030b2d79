"""Grade by criterion: one criterion, every submission, the next one opening in place."""

from __future__ import annotations

from typing import Any

from grading_harness import A1, SIZE, Harness, pulled_students, settle, viewer_text
from textual.pilot import Pilot

from grader.gradebook.context import CourseContext
from grader.gradebook.grading import ChoiceRequest, record_choice
from grader.tui.screens.grading import GradingScreen
from grader.tui.widgets.file_tree import FileTree


def tree_paths(screen: GradingScreen) -> set[str]:
    found, stack = set(), list(screen.query_one(FileTree).root.children)
    while stack:
        node = stack.pop()
        if node.data is not None and node.data.kind != "dir":
            found.add(node.data.path)
        stack.extend(node.children)
    return found


async def test_a_choice_opens_the_next_submission_without_one_on_the_same_criterion(
    ctx: CourseContext,
) -> None:
    roster = [s.student_id for s in ctx.files.students]
    first, second, third = roster[:3]
    record_choice(ctx, A1, second, "readme", ChoiceRequest(level="Partial"))
    screen = GradingScreen(ctx, A1, first, criterion_id="readme", by_criterion=True)
    app = Harness(screen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, screen, first)
        assert screen.state is not None
        assert [c.id for c in screen.state.shown] == ["readme"], "only that criterion"
        assert "README.md" in viewer_text(screen)
        assert tree_paths(screen) == {"README.md"}, "only the files its globs name"
        await pilot.press("1")
        await settle(pilot, screen, third)
        assert len(app.screen_stack) == 2, "in place: the stack does not grow"
        assert ctx.store.grade(A1, first).choices["readme"].level == "Complete"
        assert ctx.store.grade(A1, second).choices["readme"].level == "Partial", "untouched"
        assert ctx.store.grade(A1, third).choices == {}
        await pilot.press("3")
        await settle(pilot, screen, roster[3])
        assert ctx.store.grade(A1, third).choices["readme"].level == "Minimal"
        assert set(ctx.store.grade(A1, third).choices) == {"readme"}


async def test_a_checklist_by_criterion_moves_on_after_zero_or_enter(ctx: CourseContext) -> None:
    pulled = pulled_students(ctx)
    roster = [s.student_id for s in ctx.files.students]
    start = pulled[0]
    after = roster[roster.index(start) + 1]
    screen = GradingScreen(ctx, A1, start, criterion_id="code-quality", by_criterion=True)
    app = Harness(screen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, screen, start)
        assert all(path.endswith(".py") for path in tree_paths(screen))
        await pilot.press("2", "5")
        await settle(pilot, screen, start)
        await pilot.press("enter")
        await settle(pilot, screen, after)
        assert ctx.store.grade(A1, start).choices["code-quality"].items == (
            "Missing docstrings",
            "Bare except",
        )
        await pilot.press("0")
        await settle(pilot, screen, roster[roster.index(after) + 1])
        assert ctx.store.grade(A1, after).choices["code-quality"].items == ()


def test_snapshot_by_criterion(ctx: CourseContext, snap_compare: Any) -> None:
    student = pulled_students(ctx)[0]
    screen = GradingScreen(ctx, A1, student, criterion_id="correctness", by_criterion=True)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot, screen, student)

    assert snap_compare(Harness(screen), terminal_size=SIZE, run_before=run_before)
