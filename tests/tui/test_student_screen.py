"""The Student screen: grades across assignments, mastery bars with the formula, badges, credentials."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from hostile import Harness, screen_lines
from textual.pilot import Pilot
from textual.widgets import DataTable

from grader.domain.issued import IssuedCredential, Revocation
from grader.gradebook.context import CourseContext
from grader.gradebook.grading import ChoiceRequest, record_choice
from grader.tui.screens.student import StudentScreen

STUDENT = "00178825"  # Emma Okafor, first on the demo roster
SIZE = (120, 60)


def grade_some(ctx: CourseContext) -> None:
    """The calculator graded in full (mastery counts final grades only): correctness 35/35, cli
    11/15, tests 14/20 (overriding the autograder), code-quality 13/15, readme 6/10, git 2/5."""
    a1 = "a1-calculator"
    record_choice(ctx, a1, STUDENT, "correctness", ChoiceRequest(level="Exemplary"))
    record_choice(ctx, a1, STUDENT, "cli", ChoiceRequest(level="Proficient"))
    record_choice(ctx, a1, STUDENT, "tests", ChoiceRequest(points=Decimal(14)))
    record_choice(ctx, a1, STUDENT, "code-quality", ChoiceRequest(items=("Dead code",)))
    record_choice(ctx, a1, STUDENT, "readme", ChoiceRequest(level="Partial"))
    record_choice(ctx, a1, STUDENT, "git-practice", ChoiceRequest(items=("Small focused commits",)))


async def loaded(pilot: Pilot[Any]) -> StudentScreen:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, StudentScreen)
    return screen


def text(pilot: Pilot[Any]) -> str:
    return "\n".join(screen_lines(pilot.app))


async def test_shows_grades_mastery_formula_and_badges(ctx: CourseContext) -> None:
    grade_some(ctx)
    app = Harness(lambda: StudentScreen(ctx, STUDENT))
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        table = screen.query_one("#grades", DataTable)
        assert [str(key.value) for key in table.rows] == ["a1-calculator", "a2-webpage", "a3-dataanalysis"]
        first = [cell.plain for cell in table.get_row_at(0)]
        assert first[1].startswith("graded")
        assert first[2] == "81 / 100"
        assert first[5] == "ta-test"
        shown = text(pilot)
        assert "Emma Okafor" in shown
        # python-basics: correctness 35/35 + cli 11/15 + code-quality 13/15 = 59/65
        assert "90.7% = 59 / 65 points" in shown
        assert "a1-calculator correctness: 35 / 35" in shown
        assert "a1-calculator cli: 11 / 15" in shown
        assert "a1-calculator code-quality: 13 / 15" in shown
        assert "68% = 17 / 25 points" in shown  # documentation: cli 11/15 + readme 6/10
        assert "70% = 14 / 20 points" in shown  # testing
        assert "web-structure" in shown and "no final grade yet" in shown
        assert "Python Foundations (python-foundations): not yet" in shown
        assert "missing: a3-dataanalysis: not graded yet" in shown
        assert "no credential issued yet" in shown


async def test_enter_opens_grading_of_the_selected_assignment_and_escape_goes_back(
    ctx: CourseContext,
) -> None:
    app = Harness(lambda: StudentScreen(ctx, STUDENT))
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("enter")
        await pilot.press("down", "down", "enter")
        assert [(what, args) for what, args, _ in app.opened] == [
            ("grading", ("a1-calculator", STUDENT)),
            ("grading", ("a3-dataanalysis", STUDENT)),
        ]
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, StudentScreen)


async def test_shows_credentials_with_status_and_reason(ctx: CourseContext) -> None:
    def credential(badge_id: str) -> IssuedCredential:
        return ctx.store.issue_credential(
            IssuedCredential(
                credential_id=str(uuid.uuid4()),
                student_id=STUDENT,
                badge_id=badge_id,
                status_index=len(ctx.store.credentials()) + 7,
                issued_at=datetime(2026, 12, 1, tzinfo=UTC),
                issued_by="prof",
                key_id="did:web:example.edu#key-1",
                document="{}",
            )
        )

    flagged = credential("python-foundations")
    revoked = credential("web-fundamentals")
    when = datetime(2026, 12, 2, tzinfo=UTC)
    ctx.store.review_credential(flagged.credential_id, "testing: 60%, needs 70%", actor="prof", now=when)
    ctx.store.revoke_credential(revoked.credential_id, Revocation(when, "issued by mistake", "prof"))
    app = Harness(lambda: StudentScreen(ctx, STUDENT))
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        shown = text(pilot)
        assert (
            "Python Foundations (python-foundations)  issued 2026-12-01  flagged for review: testing: 60%, needs 70%"
            in shown
        )
        assert (
            "Web Fundamentals (web-fundamentals)  issued 2026-12-01  revoked on 2026-12-02: issued by mistake"
            in shown
        )
        assert f"id {flagged.credential_id}" in shown
        assert "no learner files yet" in shown


async def test_unknown_student_is_a_clear_error(ctx: CourseContext) -> None:
    app = Harness(lambda: StudentScreen(ctx, "nobody"))
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert "unknown student 'nobody'" in text(pilot)
        assert [m for m in app.messages_shown if "nobody" in m[1]] == [
            ("error", "unknown student 'nobody' (not in roster.csv)")
        ]
        await pilot.press("enter")
        assert app.opened == []


def test_snapshot(ctx: CourseContext, snap_compare: Any) -> None:
    grade_some(ctx)

    async def settle(pilot: Pilot[Any]) -> None:
        """Loaded, and the grades table's header drawn at its columns' widths: the table sizes its
        columns when the app is next idle, which a busy machine can put after the first frames."""
        await loaded(pilot)
        for _ in range(100):
            lines = screen_lines(pilot.app)
            header = next((line for line in lines if " assignment " in line), "")
            row = next((line for line in lines if " a1-calculator " in line), "")
            if header and row and header.find(" status") == row.find(" graded"):
                return
            await pilot.pause(0.02)
        raise AssertionError("the grades table's header never lined up with its rows")

    app = Harness(lambda: StudentScreen(ctx, STUDENT))
    assert snap_compare(app, terminal_size=SIZE, run_before=settle)
