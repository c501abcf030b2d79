"""Mastery of each skill from graded criteria, badges decided from it, and credentials to issue.

Mastery of a skill = points earned / points possible over every graded criterion tagged with
that skill, across the course's assignments, weighted by points (a 40-point criterion counts
four times a 10-point one). A criterion tagged with two skills counts in full for each.

- A criterion counts once it is scored (a level, checklist items or points are chosen); an
  autograded criterion that has not run yet does not count, as nothing rather than as zero.
- Earned is the criterion's score exactly as grading computes it (``score_criterion``): the
  chosen level or the checklist's start plus its items, plus the grader's adjustment, clamped
  to [0, maximum]. Possible is the criterion's maximum, so an additions (bonus) checklist with
  nothing ticked counts 0 of its points, as it does in the total.
- The late penalty is not applied: it is a deduction from the submission's total for when the
  work arrived, not evidence about the skill. Work past the late limit (total 0) still counts.
- A skill with no graded criterion, or whose graded criteria are worth 0 points, has no figure
  at all (never 0%).

Everything is exact: sums of Decimals, thresholds compared as fractions.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from grader.domain.choices import CriterionChoice
from grader.domain.course import Badge
from grader.domain.rubric import Criterion, Rubric
from grader.domain.scoring import score_criterion

ZERO = Decimal(0)

Choices = Mapping[str, CriterionChoice]
"""One submission's choices, by criterion id."""


def floor_percent(part: Decimal, whole: Decimal) -> Decimal:
    """100 × part / whole, rounded down to 0.1, so a shown figure never reaches a threshold it misses."""
    tenths = math.floor(Fraction(part) * 1000 / Fraction(whole))
    return Decimal(tenths).scaleb(-1)


def percent_text(value: Decimal) -> str:
    """82.5 → "82.5%", 80.0 → "80%"."""
    return f"{format(value.normalize(), 'f')}%"


@dataclass(frozen=True, slots=True)
class CriterionEvidence:
    """One graded criterion behind a mastery figure."""

    assignment_id: str
    criterion_id: str
    earned: Decimal
    possible: Decimal


@dataclass(frozen=True, slots=True)
class SkillMastery:
    """earned / possible over ``criteria``; possible is always > 0."""

    skill: str
    earned: Decimal
    possible: Decimal
    criteria: tuple[CriterionEvidence, ...]

    @property
    def fraction(self) -> Fraction:
        return Fraction(self.earned) / Fraction(self.possible)

    @property
    def percent(self) -> Decimal:
        return floor_percent(self.earned, self.possible)

    def meets(self, threshold: Decimal) -> bool:
        return self.fraction >= Fraction(threshold)


@dataclass(frozen=True, slots=True)
class StudentMastery:
    """A student's figures, by skill (only skills with one), and the assignments fully graded."""

    skills: dict[str, SkillMastery] = field(default_factory=dict)
    graded_assignments: frozenset[str] = frozenset()


def _evidence(assignment_id: str, criterion: Criterion, choice: CriterionChoice) -> CriterionEvidence:
    earned = score_criterion(criterion, choice)
    assert earned is not None  # only scored choices get here
    return CriterionEvidence(assignment_id, criterion.id, earned, criterion.max_points)


def _figure(skill: str, evidence: list[CriterionEvidence]) -> SkillMastery | None:
    earned = possible = ZERO
    for item in evidence:  # one loop, not two sums: this runs for every student and skill
        earned += item.earned
        possible += item.possible
    if possible <= 0:
        return None
    return SkillMastery(skill, earned, possible, tuple(evidence))


def course_mastery(
    rubrics: Mapping[str, Rubric], grades: Mapping[str, Mapping[str, Choices]]
) -> dict[str, StudentMastery]:
    """Every student's mastery in one pass: ``grades`` maps assignment → student → choices.

    ``rubrics`` (by assignment id, in course order) must hold every choice given (see
    ``grader.gradebook.rubrics.effective_rubric``); a stale one raises ``IncompatibleChoice``.
    Students without any grade are absent from the result. Criteria are listed in course order.
    """
    evidence: dict[str, dict[str, list[CriterionEvidence]]] = {}
    graded: dict[str, set[str]] = {}
    for assignment_id, rubric in rubrics.items():
        # Many students share each choice: score it once, and share the evidence object too.
        memo: dict[tuple[str, CriterionChoice], CriterionEvidence] = {}
        for student_id, choices in grades.get(assignment_id, {}).items():
            by_skill = evidence.setdefault(student_id, {})
            complete = True
            for criterion in rubric.criteria:
                choice = choices.get(criterion.id)
                if choice is None or not choice.is_scored:
                    complete = complete and not criterion.is_manual
                    continue
                key = (criterion.id, choice)
                found = memo.get(key)
                if found is None:
                    found = memo[key] = _evidence(assignment_id, criterion, choice)
                for skill in criterion.skills:
                    by_skill.setdefault(skill, []).append(found)
            if complete:
                graded.setdefault(student_id, set()).add(assignment_id)
    out: dict[str, StudentMastery] = {}
    for student_id, by_skill in evidence.items():
        figures = {skill: _figure(skill, items) for skill, items in by_skill.items()}
        out[student_id] = StudentMastery(
            {skill: figure for skill, figure in figures.items() if figure is not None},
            frozenset(graded.get(student_id, ())),
        )
    return out


def student_mastery(rubrics: Mapping[str, Rubric], choices: Mapping[str, Choices]) -> StudentMastery:
    """One student's mastery from their choices by assignment id (see ``course_mastery``)."""
    found = course_mastery(rubrics, {a: {"": c} for a, c in choices.items()})
    return found.get("", StudentMastery())


class BadgeStatus(StrEnum):
    EARNED = "earned"
    NOT_YET = "not yet"
    UNDETERMINED = "undetermined"
    """Every requirement that can be judged is met, but some wait on a refused rubric change."""


@dataclass(frozen=True)
class Withheld:
    """Grades that cannot count now (a refused rubric edit): those assignments and their skills."""

    assignments: frozenset[str] = frozenset()
    skills: frozenset[str] = frozenset()


@dataclass(frozen=True)
class SkillRequirement:
    skill: str
    threshold: Decimal
    mastery: SkillMastery | None
    withheld: bool = False

    @property
    def met(self) -> bool:
        return not self.withheld and self.mastery is not None and self.mastery.meets(self.threshold)

    def shortfall(self) -> str | None:
        needed = percent_text(self.threshold * 100)
        if self.withheld:
            return f"{self.skill}: waits for a refused rubric change to be mapped (needs {needed})"
        if self.mastery is None:
            return f"{self.skill}: nothing graded yet (needs {needed})"
        if not self.met:
            return f"{self.skill}: {percent_text(self.mastery.percent)}, needs {needed}"
        return None


@dataclass(frozen=True)
class AssignmentRequirement:
    assignment_id: str
    graded: bool
    withheld: bool = False

    @property
    def met(self) -> bool:
        return self.graded and not self.withheld

    def shortfall(self) -> str | None:
        if self.withheld:
            return f"{self.assignment_id}: waits for a refused rubric change to be mapped"
        return None if self.graded else f"{self.assignment_id}: not fully graded yet"


@dataclass(frozen=True)
class BadgeEvaluation:
    """Whether one student meets one badge, requirement by requirement."""

    student_id: str
    badge_id: str
    skills: tuple[SkillRequirement, ...]
    assignments: tuple[AssignmentRequirement, ...]

    @property
    def requirements(self) -> tuple[SkillRequirement | AssignmentRequirement, ...]:
        return (*self.skills, *self.assignments)

    @property
    def status(self) -> BadgeStatus:
        if all(r.met for r in self.requirements):
            return BadgeStatus.EARNED
        if all(r.met or r.withheld for r in self.requirements):
            return BadgeStatus.UNDETERMINED
        return BadgeStatus.NOT_YET

    @property
    def earned(self) -> bool:
        return self.status is BadgeStatus.EARNED

    def shortfalls(self) -> tuple[str, ...]:
        """What is still missing, one line per requirement not met."""
        found = (r.shortfall() for r in self.requirements)
        return tuple(line for line in found if line is not None)


def evaluate_badge(
    badge: Badge, student_id: str, mastery: StudentMastery, withheld: Withheld | None = None
) -> BadgeEvaluation:
    held = withheld or Withheld()
    return BadgeEvaluation(
        student_id,
        badge.id,
        tuple(
            SkillRequirement(skill, threshold, mastery.skills.get(skill), skill in held.skills)
            for skill, threshold in badge.skill_thresholds.items()
        ),
        tuple(
            AssignmentRequirement(a, a in mastery.graded_assignments, a in held.assignments)
            for a in badge.assignments
        ),
    )


@dataclass(frozen=True)
class ReviewDue:
    """An issued credential whose holder no longer meets its badge: for a person to review."""

    student_id: str
    badge_id: str
    reasons: tuple[str, ...]
    evaluation: BadgeEvaluation | None
    """None when the badge or the student is no longer in the course."""


@dataclass(frozen=True)
class CredentialPlan:
    issue: tuple[BadgeEvaluation, ...]
    """Earned and not issued yet."""
    keep: tuple[BadgeEvaluation, ...]
    """Issued and still earned (or undetermined for now)."""
    review: tuple[ReviewDue, ...]
    """Issued but no longer earned: flag for review, never revoke automatically."""


def plan_credentials(
    issued: Iterable[tuple[str, str]], evaluations: Iterable[BadgeEvaluation]
) -> CredentialPlan:
    """Compare issued (student id, badge id) pairs with the current evaluations."""
    already = set(issued)
    issue: list[BadgeEvaluation] = []
    keep: list[BadgeEvaluation] = []
    review: list[ReviewDue] = []
    seen: set[tuple[str, str]] = set()
    for evaluation in evaluations:
        key = (evaluation.student_id, evaluation.badge_id)
        seen.add(key)
        status = evaluation.status
        if key not in already:
            if status is BadgeStatus.EARNED:
                issue.append(evaluation)
        elif status is BadgeStatus.NOT_YET:
            review.append(ReviewDue(*key, evaluation.shortfalls(), evaluation))
        else:
            keep.append(evaluation)
    for student_id, badge_id in sorted(already - seen):
        review.append(
            ReviewDue(student_id, badge_id, ("the badge or the student is no longer in the course",), None)
        )
    return CredentialPlan(tuple(issue), tuple(keep), tuple(review))
