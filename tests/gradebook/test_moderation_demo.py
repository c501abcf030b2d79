"""The must-show on the demo course, both backends: a1 graded for all 36 students by three
graders, a 10% sample second-marked with disagreements seeded on known criteria, and the
agreement figures worked out by hand from the demo rubric's points."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from grader.demo import build_demo_course
from grader.domain.choices import CriterionChoice
from grader.domain.events import ChoiceChange, EventSource
from grader.domain.moderation import SampleSize
from grader.gradebook.context import open_course, utc_now
from grader.gradebook.grading import ChoiceRequest
from grader.gradebook.moderation import moderation_report, record_second_mark, sample_for_moderation
from grader.gradebook.rubrics import rubric_in_force

A1 = "a1-calculator"
TEAM = ("ta-anna", "ta-ben", "ta-cy")
FIRST = {  # every manual criterion of the demo's a1: Proficient 28, Exemplary 15, 15-2, 10, 2
    "correctness": ChoiceRequest(level="Proficient"),
    "cli": ChoiceRequest(level="Exemplary"),
    "code-quality": ChoiceRequest(items=("Dead code",)),
    "readme": ChoiceRequest(level="Complete"),
    "git-practice": ChoiceRequest(items=("Descriptive messages",)),
}


def test_a_tenth_of_the_demo_second_marked_with_seeded_disagreements(
    tmp_path: Path, database_url: str | None
) -> None:
    root = tmp_path / "demo"
    list(build_demo_course(root, repos=False))
    with open_course(root, database_url=database_url, actor="lead") as lead:
        roster = [s.student_id for s in lead.files.students]
    assert len(roster) == 36
    for n, grader in enumerate(TEAM):  # one batch per grader: 12 submissions × 5 criteria
        with open_course(root, database_url=database_url, actor=grader) as ctx:
            ctx.store.save(
                [
                    ChoiceChange(A1, sid, criterion, CriterionChoice(request.level, request.items))
                    for sid in roster[n :: len(TEAM)]
                    for criterion, request in FIRST.items()
                ],
                actor=grader,
                rubric_hash=rubric_in_force(ctx, A1).content_hash,
                source=EventSource.GRADER,
                now=utc_now(),
            )

    with open_course(root, database_url=database_url, actor="lead") as lead:
        run = sample_for_moderation(
            lead, A1, SampleSize(percent=Decimal(10)), seed=0, per_grader=False, moderators=()
        )
    assert (run.graded, len(run.added)) == (36, 4)  # 10% of 36, rounded up
    for queued in run.added:
        assert queued.moderator in TEAM and queued.moderator != queued.first_marker
    for number, queued in enumerate(run.added):
        seeded = {
            **FIRST,
            "correctness": ChoiceRequest(level="Developing"),  # 15 against 28: every sampled one
            **({"cli": ChoiceRequest(level="Proficient")} if number == 0 else {}),  # 11 against 15: one
        }
        with open_course(root, database_url=database_url, actor=queued.moderator) as ctx:
            for criterion, request in seeded.items():
                record_second_mark(ctx, A1, queued.student_id, criterion, request)

    with open_course(root, database_url=database_url, actor="lead") as lead:
        report, queue = moderation_report(lead, A1)
    assert len(queue) == 4
    figures = {a.key: (a.marks, a.agreed, a.mean_difference) for a in report.by_criterion}
    assert figures == {
        "correctness": (4, 0, Decimal(-13)),
        "cli": (4, 3, Decimal(-1)),
        "code-quality": (4, 4, Decimal(0)),
        "readme": (4, 4, Decimal(0)),
        "git-practice": (4, 4, Decimal(0)),
    }
    overall = report.overall
    assert (overall.marks, overall.agreed, overall.share, overall.mean_difference) == (
        20,
        15,
        Decimal("0.75"),
        Decimal("-2.8"),  # (4 × -13 + -4) / 20
    )
    assert sum(a.marks for a in report.by_markers) == 20
    assert {(p.student_id, p.criterion.id) for p in report.disagreements} == {
        *((q.student_id, "correctness") for q in run.added),
        (run.added[0].student_id, "cli"),
    }
