"""Mastery of each skill from graded criteria, badges decided from it, and credentials to issue.

Mastery of a skill = points earned / points possible over every criterion tagged with that
skill in the final submissions, across the course's assignments, weighted by points (a 40-point
criterion counts four times a 10-point one). A criterion tagged with two skills counts in full
for each.

- A submission counts once its grade is final (``grader.domain.scoring.is_final``: every
  criterion scored, an autograded one by a run or a grader's points); until then it counts
  nothing at all, so a figure never rests on a grade that may still change. Excused
  submissions count nowhere (the gradebook leaves them out).
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
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from grader.domain.choices import CriterionChoice
from grader.domain.course import Badge
from grader.domain.rubric import Rubric
from grader.domain.scoring import Scorer

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
    """A student's figures, by skill (only skills with one), and the assignments whose grade is final."""

    skills: dict[str, SkillMastery] = field(default_factory=dict)
    graded_assignments: frozenset[str] = frozenset()
    """Assignments with a final grade (or excused, added by the gradebook)."""
    unscored: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Assignments with scores that are not final yet: the ids of the criteria still unscored."""


Memo = dict[tuple[int, Decimal], CriterionEvidence]
"""Evidence by (criterion position, score) within one assignment: many students share each."""


def submission_evidence(
    assignment_id: str, scorer: Scorer, choices: Choices, memo: Memo | None = None
) -> tuple[list[CriterionEvidence | None], bool]:
    """One submission's evidence per criterion (rubric order; None: not scored), scored by the
    one scorer (``Scorer``, each distinct choice once), and whether the grade is final
    (``is_final``): only a final submission's evidence counts toward mastery."""
    points = scorer.point_row(choices)
    cache: Memo = {} if memo is None else memo
    found: list[CriterionEvidence | None] = []
    for index, (criterion, earned) in enumerate(zip(scorer.rubric.criteria, points, strict=True)):
        if earned is None:
            found.append(None)
            continue
        item = cache.get((index, earned))
        if item is None:
            item = cache[(index, earned)] = CriterionEvidence(
                assignment_id, criterion.id, earned, criterion.max_points
            )
        found.append(item)
    return found, scorer.decide(points).final


def submission_skills(rubric: Rubric, choices: Choices) -> dict[str, tuple[Decimal, Decimal]] | None:
    """(earned, possible) per skill that one submission adds to mastery, or None when its grade
    is not final (it adds nothing yet). Skills whose criteria are worth 0 points are kept here
    (with possible 0): a student's figure is the sum over submissions, then judged."""
    evidence, final = submission_evidence("", Scorer(rubric), choices)
    if not final:
        return None
    sums: dict[str, tuple[Decimal, Decimal]] = {}
    for criterion, item in zip(rubric.criteria, evidence, strict=True):
        assert item is not None  # a final grade has every criterion scored
        for skill in criterion.skills:
            earned, possible = sums.get(skill, (ZERO, ZERO))
            sums[skill] = (earned + item.earned, possible + item.possible)
    return sums


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

    Only final submissions count (see the module docstring); one with scores that is not final
    yet is named in ``StudentMastery.unscored``. ``rubrics`` (by assignment id, in course order)
    must hold every choice given (see ``grader.gradebook.rubrics.effective_rubric``); a stale one
    raises ``IncompatibleChoice``. Students without any grade are absent from the result.
    Criteria are listed in course order.
    """
    evidence: dict[str, dict[str, list[CriterionEvidence]]] = {}
    graded: dict[str, set[str]] = {}
    unscored: dict[str, dict[str, tuple[str, ...]]] = {}
    for assignment_id, rubric in rubrics.items():
        scorer, memo = Scorer(rubric), Memo()  # score each distinct choice once, share the evidence
        for student_id, choices in grades.get(assignment_id, {}).items():
            by_skill = evidence.setdefault(student_id, {})
            found, final = submission_evidence(assignment_id, scorer, choices, memo)
            if not final:
                if any(item is not None for item in found):
                    missing = (c.id for c, item in zip(rubric.criteria, found, strict=True) if item is None)
                    unscored.setdefault(student_id, {})[assignment_id] = tuple(missing)
                continue
            graded.setdefault(student_id, set()).add(assignment_id)
            for criterion, item in zip(rubric.criteria, found, strict=True):
                assert item is not None  # a final grade has every criterion scored
                for skill in criterion.skills:
                    by_skill.setdefault(skill, []).append(item)
    out: dict[str, StudentMastery] = {}
    for student_id, by_skill in evidence.items():
        figures = {skill: _figure(skill, items) for skill, items in by_skill.items()}
        out[student_id] = StudentMastery(
            {skill: figure for skill, figure in figures.items() if figure is not None},
            frozenset(graded.get(student_id, ())),
            unscored.get(student_id, {}),
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
            return f"{self.skill}: no final grade yet (needs {needed})"
        if not self.met:
            return f"{self.skill}: {percent_text(self.mastery.percent)}, needs {needed}"
        return None


@dataclass(frozen=True)
class AssignmentRequirement:
    assignment_id: str
    graded: bool
    """The grade is final (or excused)."""
    withheld: bool = False
    unscored: tuple[str, ...] = ()
    """The criteria still unscored of a grade that has scores but is not final."""

    @property
    def met(self) -> bool:
        return self.graded and not self.withheld

    def shortfall(self) -> str | None:
        if self.withheld:
            return f"{self.assignment_id}: waits for a refused rubric change to be mapped"
        if self.graded:
            return None
        if self.unscored:
            return f"{self.assignment_id}: not final yet ({', '.join(self.unscored)} not scored)"
        return f"{self.assignment_id}: not graded yet"


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
            AssignmentRequirement(
                a, a in mastery.graded_assignments, a in held.assignments, mastery.unscored.get(a, ())
            )
            for a in badge.assignments
        ),
    )
