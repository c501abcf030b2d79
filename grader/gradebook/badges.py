"""The one mastery and badge evaluator: the Course counts, ``mastery`` and ``certify`` all judge
badges through it, a chunk of students at a time, on one rubric lookup.

A student's figures come either from their saved grades (``chunk_mastery``: per skill, with the
criteria behind each figure) or from their summaries' sums (``sums_mastery``: the sums alone);
``BadgeJudge`` then decides every badge from them by ``evaluate_badge``, with what a refused
rubric edit withholds (``withheld_of``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from grader.domain.course import Badge
from grader.domain.errors import RubricChangeRefused
from grader.domain.events import SubmissionGrade
from grader.domain.mastery import (
    BadgeEvaluation,
    BadgeStatus,
    Choices,
    SkillMastery,
    StudentMastery,
    Withheld,
    course_mastery,
    evaluate_badge,
)
from grader.domain.roster import Student
from grader.domain.rubric import Rubric
from grader.domain.scoring import Scorer
from grader.files.loaded import CourseFiles
from grader.gradebook.context import CourseContext
from grader.gradebook.rubrics import effective_rubric
from grader.gradebook.summary import counted_rubric
from grader.store.summary_values import StudentSums

CHUNK = 2_000
"""Students whose grades are read and judged per step."""


def chunks(students: Sequence[Student], size: int) -> Iterator[Sequence[Student]]:
    for start in range(0, len(students), size):
        yield students[start : start + size]


def withheld_of(files: CourseFiles, refused: Iterable[str]) -> Withheld:
    """What assignments whose rubric edit is refused withhold: themselves and their skills."""
    held = frozenset(refused)
    return Withheld(
        held, frozenset(skill for a in held for c in files.rubric(a).criteria for skill in c.skills)
    )


@dataclass(frozen=True)
class MasteryBasis:
    """What mastery is judged on: the rubric of each counted assignment, in course order, and
    the assignments left out because their rubric edit is refused (with why)."""

    rubrics: dict[str, Rubric]
    refused: dict[str, str]


def mastery_basis(ctx: CourseContext, student_id: str | None = None) -> MasteryBasis:
    """The one rubric lookup of mastery: ``counted_rubric`` for the class (``rubric_in_force``,
    as the summaries the Course counts read are computed with); for one student, only their own
    choices decide it (``effective_rubric`` of their grades), as ``grader grade`` does."""
    rubrics: dict[str, Rubric] = {}
    refused: dict[str, str] = {}
    for assignment in ctx.files.course.assignments:
        if student_id is None:
            rubric, why = counted_rubric(ctx, assignment.id)
        else:
            saved = ctx.store.grades_of(assignment.id, [student_id])
            rubric, why = _own_rubric(ctx, assignment.id, saved)
        if why:
            refused[assignment.id] = why
        else:
            rubrics[assignment.id] = rubric
    return MasteryBasis(rubrics, refused)


def _own_rubric(
    ctx: CourseContext, assignment_id: str, grades: Mapping[str, SubmissionGrade]
) -> tuple[Rubric, str]:
    try:
        return effective_rubric(ctx, assignment_id, grades), ""
    except RubricChangeRefused as refusal:
        return ctx.files.rubric(assignment_id), str(refusal)


def chunk_mastery(
    ctx: CourseContext, basis: MasteryBasis, students: Sequence[Student]
) -> dict[str, StudentMastery]:
    """The figures of some students from their saved grades (one query per assignment), scored
    as every scorer does (``Scorer``: the autograde layer merged in). Only final grades count
    (``course_mastery``); an excused submission counts nowhere and blocks no badge."""
    student_ids = [s.student_id for s in students]
    grades: dict[str, dict[str, Choices]] = {}
    excused: dict[str, set[str]] = {}
    for assignment_id, rubric in basis.rubrics.items():
        saved: Mapping[str, SubmissionGrade] = ctx.store.grades_of(assignment_id, student_ids)
        scorer = Scorer(rubric)
        grades[assignment_id] = {sid: scorer.effective(g) for sid, g in saved.items() if not g.excused}
        for sid, g in saved.items():
            if g.excused:
                excused.setdefault(sid, set()).add(assignment_id)
    computed = course_mastery(basis.rubrics, grades)
    mastery = {sid: computed.get(sid) or StudentMastery() for sid in student_ids}
    for sid, assignment_ids in excused.items():
        figures = mastery[sid]
        mastery[sid] = replace(figures, graded_assignments=figures.graded_assignments | assignment_ids)
    return mastery


def sums_mastery(sums: StudentSums) -> StudentMastery:
    """A student's figures from their summaries' sums (a skill worth 0 points has none)."""
    return StudentMastery(
        {k: SkillMastery(k, e, p, ()) for k, (e, p) in sums.skills.items() if p > 0},
        frozenset(sums.graded),
        sums.unscored,
    )


@dataclass
class BadgeJudge:
    """Every badge of the course judged by ``evaluate_badge``, with what is withheld."""

    badges: tuple[Badge, ...]
    withheld: Withheld
    decided: dict[tuple[object, ...], BadgeStatus] = field(default_factory=dict)
    met: dict[tuple[str, Decimal, Decimal, Decimal], bool] = field(default_factory=dict)

    def evaluations(self, student_id: str, mastery: StudentMastery) -> tuple[BadgeEvaluation, ...]:
        """One evaluation per badge, in course order, requirement by requirement."""
        return tuple(evaluate_badge(b, student_id, mastery, self.withheld) for b in self.badges)

    def status(self, badge: Badge, sums: StudentSums) -> BadgeStatus:
        """A badge's status from a student's sums, judged once per distinct deciding facts
        (whether each skill's figure meets its threshold, which assignments are graded)."""
        facts: list[object] = [badge.id]
        for skill, threshold in badge.skill_thresholds.items():
            total = sums.skills.get(skill)
            facts.append(None if total is None or total[1] <= 0 else self._meets(skill, threshold, total))
        facts += [a in sums.graded for a in badge.assignments]
        key = tuple(facts)
        found = self.decided.get(key)
        if found is None:
            found = self.decided[key] = evaluate_badge(
                badge, sums.student_id, sums_mastery(sums), self.withheld
            ).status
        return found

    def _meets(self, skill: str, threshold: Decimal, total: list[Decimal]) -> bool:
        key = (skill, total[0], total[1], threshold)
        found = self.met.get(key)
        if found is None:
            found = self.met[key] = SkillMastery(skill, total[0], total[1], ()).meets(threshold)
        return found
