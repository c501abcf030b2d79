"""A submission with k manual criteria is graded in k + 1 keys, moving on to the next ungraded included."""

from __future__ import annotations

from grading_harness import A1, SIZE, Harness, settle

from grader.domain.rubric import CriterionKind
from grader.gradebook.context import CourseContext
from grader.gradebook.status import GRADED, submission_statuses
from grader.tui.screens.grading import GradingScreen

LEVEL_KEYS = {"correctness": "2", "cli": "1", "readme": "3"}


def keys_for(ctx: CourseContext, student_index: int) -> tuple[list[str], dict[str, object]]:
    """One key per manual criterion (a level digit, or 0 on a checklist), then n; and what each saves."""
    rubric = ctx.files.rubric(A1)
    keys: list[str] = []
    expected: dict[str, object] = {}
    for criterion in rubric.manual_criteria:
        if criterion.kind is CriterionKind.LEVELS:
            digit = str((int(LEVEL_KEYS[criterion.id]) + student_index) % len(criterion.levels) or 1)
            keys.append(digit)
            expected[criterion.id] = criterion.levels[int(digit) - 1].label
        else:
            keys.append("0")
            expected[criterion.id] = ()
    return [*keys, "n"], expected


async def test_five_submissions_in_exactly_k_plus_one_keys_each(ctx: CourseContext) -> None:
    rubric = ctx.files.rubric(A1)
    k = len(rubric.manual_criteria)
    assert k == 5
    roster = [s.student_id for s in ctx.files.students]
    screen = GradingScreen(ctx, A1, roster[0])
    app = Harness(screen)
    graded: dict[str, dict[str, object]] = {}
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, screen, roster[0])
        for index in range(5):
            student = screen.student_id
            keys, expected = keys_for(ctx, index)
            assert len(keys) == k + 1
            await pilot.press(*keys)
            await settle(pilot, screen, roster[index + 1])
            graded[student] = expected
    assert list(graded) == roster[:5]
    statuses = {s.student_id: s for s in submission_statuses(ctx, [A1])}
    for student, expected in graded.items():
        saved = ctx.store.grade(A1, student).choices
        assert {
            cid: saved[cid].level if saved[cid].level is not None else saved[cid].items for cid in expected
        } == expected
        assert statuses[student].status == GRADED
        assert statuses[student].graded_by == "ta-test"
    assert statuses[roster[5]].status != GRADED
