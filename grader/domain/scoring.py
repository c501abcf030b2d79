"""Scores from choices and the current rubric, in exact decimal arithmetic."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from itertools import repeat

from grader.domain.choices import CriterionChoice
from grader.domain.course import LatePolicy
from grader.domain.events import SubmissionGrade
from grader.domain.remap import stale_parts
from grader.domain.rubric import Criterion, CriterionKind, Rubric

ZERO = Decimal(0)
MINUTES_PER_DAY = 24 * 60


class IncompatibleChoice(ValueError):
    """A stored choice names a level or item the rubric no longer has."""


def clamp(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    return max(low, min(high, value))


def base_points(criterion: Criterion, choice: CriterionChoice) -> Decimal | None:
    """Points before adjustment and clamping, or None when nothing is chosen yet."""
    stale = stale_parts(criterion, choice)
    if stale:
        kind, label = stale[0]
        raise IncompatibleChoice(f"{criterion.id}: no {kind} '{label}'")
    if criterion.kind is CriterionKind.LEVELS:
        level = criterion.level(choice.level) if choice.level is not None else None
        return level.points if level is not None else None
    if criterion.kind is CriterionKind.CHECKLIST:
        if choice.items is None:
            return None
        start = criterion.points if criterion.deducts else ZERO
        return start + sum((item.points for label in choice.items if (item := criterion.item(label))), ZERO)
    return choice.points


def score_criterion(criterion: Criterion, choice: CriterionChoice) -> Decimal | None:
    """The criterion's score in [0, max], or None when not scored."""
    base = base_points(criterion, choice)
    if base is None:
        return None
    return clamp(base + choice.adjustment, ZERO, criterion.max_points)


Merged = dict[tuple[CriterionChoice | None, Decimal], CriterionChoice]
"""Merged choices by (the grader's choice, the run's points): many submissions share each."""


def effective_choices(
    rubric: Rubric, grade: SubmissionGrade | None, memo: Merged | None = None
) -> dict[str, CriterionChoice]:
    """The choices every scorer scores: the graders' own, with the autograde layer merged in.

    On an autograded criterion a grader's points override the run (an override, kept whatever
    runs later); without them the latest run's score counts (when a run produced one), with the
    grader's adjustment and comments on top. Results of criteria the rubric does not autograde
    are ignored. ``memo`` shares equal merged choices between submissions. The grade's own
    choices are returned as they are when there is nothing to merge (do not change them).
    """
    if grade is None:
        return {}
    if not grade.autograde:
        return grade.choices
    merged = dict(grade.choices)
    cache: Merged = {} if memo is None else memo
    for criterion in rubric.criteria:
        found = grade.autograde.get(criterion.id)
        if found is None or found.points is None or criterion.kind is not CriterionKind.AUTOGRADED:
            continue
        own = grade.choices.get(criterion.id)
        if own is not None and own.points is not None:
            continue  # the grader's override
        key = (own, found.points)
        choice = cache.get(key)
        if choice is None:
            choice = cache[key] = CriterionChoice(
                points=found.points,
                adjustment=own.adjustment if own else ZERO,
                adjustment_comment=own.adjustment_comment if own else "",
                comment=own.comment if own else "",
            )
        merged[criterion.id] = choice
    return merged


def is_override(criterion: Criterion, grade: SubmissionGrade | None) -> bool:
    """A grader's points stand on an autograded criterion (instead of any run's score)."""
    if grade is None or criterion.kind is not CriterionKind.AUTOGRADED:
        return False
    own = grade.choices.get(criterion.id)
    return own is not None and own.points is not None


def minutes_late(submitted_at: datetime, deadline: datetime, extended_until: datetime | None = None) -> int:
    """Whole minutes (rounded up) past the effective deadline; 0 when on time."""
    effective = max(deadline, extended_until) if extended_until else deadline
    seconds = (submitted_at - effective).total_seconds()
    return max(0, math.ceil(seconds / 60))


def late_days(late_minutes: int, policy: LatePolicy) -> int:
    """Started days late, counted from the deadline once the grace period is exceeded."""
    if late_minutes <= policy.grace_minutes:
        return 0
    return math.ceil(late_minutes / MINUTES_PER_DAY)


def penalty_fraction(late_minutes: int | None, policy: LatePolicy) -> Decimal:
    """The fraction of the earned total taken off for lateness, in [0, 1]."""
    if not late_minutes:
        return ZERO
    days = late_days(late_minutes, policy)
    if days == 0:
        return ZERO
    if policy.max_days is not None and days > policy.max_days:
        return Decimal(1)
    return clamp(policy.penalty_per_day * days, ZERO, Decimal(1))


def is_final(scores: Iterable[object], *, excused: bool = False) -> bool:
    """The one definition of a final grade: the submission is excused, or every criterion of the
    rubric is scored (manual ones, and autograded ones by a run or a grader's points).

    ``scores`` holds one entry per criterion of the rubric in force: its score (or what stands
    for it), None when not scored. Status, counts, exports, feedback, the report, mastery and
    badges count a grade only once it is final.
    """
    return excused or all(score is not None for score in scores)


@dataclass(frozen=True)
class SubmissionScore:
    criteria: dict[str, Decimal | None]
    subtotal: Decimal
    penalty: Decimal
    total: Decimal
    max_score: Decimal
    complete: bool
    """Every manual criterion is scored."""
    final: bool = False
    """Every criterion is scored, autograded ones included (by a run or a grader's points):
    ``is_final`` of ``criteria``, the one meaning of a final grade."""
    started: bool = False
    """A manual criterion is scored (a run's score alone starts nobody's grading)."""
    pending: bool = False
    """An autograded criterion is not scored yet."""

    @property
    def any_scored(self) -> bool:
        return any(v is not None for v in self.criteria.values())


Points = tuple[Decimal | None, ...]
"""One submission's score per criterion, in rubric order; None: not scored."""


@dataclass(frozen=True, slots=True)
class Decided:
    """What a pattern of unscored criteria decides: the grade is final (``is_final``), every
    manual criterion is scored, one is, an autograded one is still unscored, any one is scored."""

    final: bool
    complete: bool
    started: bool
    pending: bool
    any_scored: bool


class Scorer:
    """The one scorer: one rubric's submissions under one late policy, each distinct choice once.

    Status rows, lists, counts, summaries, exports, feedback and the report all score through
    it (``score_submission`` for a single submission). Choices are remembered by identity (the
    store hands out one shared object per distinct choice) and kept alive while the scorer is,
    so a scorer lives for one read of a class; the final/complete decision is made once per
    pattern of unscored criteria, the late penalty once per distinct subtotal and lateness.
    """

    def __init__(self, rubric: Rubric, policy: LatePolicy | None = None) -> None:
        self.rubric = rubric
        self.policy = policy or LatePolicy()
        self.merged: Merged = {}
        """Effective choices shared between submissions (``effective_choices``)."""
        self.ids = tuple(c.id for c in rubric.criteria)
        self.manual = frozenset(i for i, c in enumerate(rubric.criteria) if c.is_manual)
        self.autograded = frozenset(
            i for i, c in enumerate(rubric.criteria) if c.kind is CriterionKind.AUTOGRADED
        )
        self.known: dict[tuple[int, int], tuple[CriterionChoice, Decimal | None]] = {}
        self.decided: dict[tuple[int, ...], Decided] = {}
        self.totals: dict[tuple[str, int | None], tuple[Decimal, Decimal]] = {}
        self.stale = False
        """A choice the rubric cannot hold was met by ``points`` (and scored None)."""

    def effective(self, grade: SubmissionGrade | None) -> dict[str, CriterionChoice]:
        """``effective_choices`` of one grade, merged choices shared between submissions."""
        return effective_choices(self.rubric, grade, self.merged)

    def _point(self, index: int, choice: CriterionChoice) -> Decimal | None:
        """One criterion's score of one choice (raises IncompatibleChoice)."""
        key = (index, id(choice))
        found = self.known.get(key)
        if found is None:
            found = self.known[key] = (choice, score_criterion(self.rubric.criteria[index], choice))
        return found[1]

    def _lenient(self, index: int, choice: CriterionChoice | None) -> Decimal | None:
        if choice is None:
            return None
        try:
            return self._point(index, choice)
        except IncompatibleChoice:
            self.stale = True
            return None

    def points(self, choices: list[dict[str, CriterionChoice]]) -> list[Points]:
        """Many submissions' points, a criterion at a time; a choice the rubric cannot hold
        scores None and sets ``stale`` (the caller refuses the rubric, naming what to map)."""
        columns: list[list[Decimal | None]] = []
        for index, criterion_id in enumerate(self.ids):
            chosen = list(map(dict.get, choices, repeat(criterion_id)))
            # Keyed by identity: equal choices share one object, and all stay alive in ``choices``.
            distinct = dict(zip(map(id, chosen), chosen, strict=True))
            scores = {key: self._lenient(index, choice) for key, choice in distinct.items()}
            columns.append(list(map(scores.__getitem__, map(id, chosen))))
        return list(zip(*columns, strict=True)) if columns else [() for _ in choices]

    def point_row(self, choices: Mapping[str, CriterionChoice]) -> Points:
        """One submission's points (raises IncompatibleChoice for a choice the rubric cannot hold)."""
        return tuple(
            None if (choice := choices.get(cid)) is None else self._point(index, choice)
            for index, cid in enumerate(self.ids)
        )

    def decide(self, points: Points) -> Decided:
        """Final, complete, started and pending, decided once per pattern of unscored criteria
        (a class has a handful). Positions by identity: ``None in points`` would ask each
        Decimal to compare itself with None (slow)."""
        pattern = tuple(i for i, p in enumerate(points) if p is None)
        found = self.decided.get(pattern)
        if found is None:
            found = self.decided[pattern] = Decided(
                is_final(points),
                self.manual.isdisjoint(pattern),
                not self.manual.issubset(pattern),
                not self.autograded.isdisjoint(pattern),
                len(pattern) < len(points),
            )
        return found

    def penalised(self, subtotal: Decimal, late_minutes: int | None) -> tuple[Decimal, Decimal]:
        """The late penalty on ``subtotal`` and what is left, computed once per distinct pair.

        A class has a few hundred distinct subtotals: its grades share these Decimals rather
        than holding two new ones each. Keyed by the text, which tells 5 from 5.0 apart.
        """
        key = (str(subtotal), late_minutes)
        found = self.totals.get(key)
        if found is None:
            penalty = subtotal * penalty_fraction(late_minutes, self.policy)
            found = self.totals[key] = (penalty, subtotal - penalty)
        return found

    def score(
        self, choices: Mapping[str, CriterionChoice], late_minutes: int | None = None
    ) -> SubmissionScore:
        """One submission scored: total = sum of scores − late penalty."""
        points = self.point_row(choices)
        subtotal = sum(filter(None, points), ZERO)  # None and zeros add nothing
        penalty, total = self.penalised(subtotal, late_minutes)
        decided = self.decide(points)
        return SubmissionScore(
            criteria=dict(zip(self.ids, points, strict=True)),
            subtotal=subtotal,
            penalty=penalty,
            total=total,
            max_score=self.rubric.max_points,
            complete=decided.complete,
            final=decided.final,
            started=decided.started,
            pending=decided.pending,
        )


def score_submission(
    rubric: Rubric,
    choices: Mapping[str, CriterionChoice],
    late_minutes: int | None = None,
    policy: LatePolicy | None = None,
) -> SubmissionScore:
    """Score every criterion from its choice; total = sum of scores − late penalty (``Scorer``)."""
    return Scorer(rubric, policy).score(choices, late_minutes)
