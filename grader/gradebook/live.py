"""Live updates: what other graders (or processes) changed, found cheaply and told once.

:class:`LiveFeed` waits on the store's change signal (SQLite ``PRAGMA data_version``, PostgreSQL
``LISTEN``), then reads only which submissions changed since the last look (an indexed read of
summary stamps, looking back ``MARGIN_SECONDS`` so a transaction that committed late is still
seen) and the active claims of others (a handful of rows). Each change is reported once.
:func:`merge_grade` folds a fresh grade into an open grading screen without losing a choice
the grader made that is not saved yet.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from grader.domain.choices import CriterionChoice
from grader.domain.claims import Claim
from grader.domain.events import SubmissionGrade
from grader.gradebook.claims import others_claims
from grader.gradebook.context import CourseContext, utc_now

if TYPE_CHECKING:
    from grader.store.changes import ChangeSignal

POLL_SECONDS = 0.5
"""SQLite: how often ``PRAGMA data_version`` is read (a change shows within about this)."""
MARGIN_SECONDS = 30.0
"""How far back each look reaches: a write transaction longer than this could be missed."""
MOST_LISTED = 2_000
"""More changed submissions than this at once (an import): every open screen reloads instead."""
NO_CHOICE = CriterionChoice()

Key = tuple[str, str]


@dataclass(frozen=True)
class GradebookChanges:
    """What changed since the last report."""

    submissions: frozenset[Key] = frozenset()
    """(assignment, student) whose grade, flag, excuse, pull or autograde result changed."""
    everything: bool = False
    """Too many changed to list: reload whatever is shown."""
    claims: Mapping[Key, Claim] | None = None
    """Every active claim of another grader, when they changed (None: unchanged)."""
    claims_changed: frozenset[Key] = frozenset()
    """The submissions whose claim appeared, moved or ended."""

    def students_of(self, assignment_id: str) -> set[str]:
        """The students of an assignment whose row changed (grade or claim)."""
        keys = self.submissions | self.claims_changed
        return {student for assignment, student in keys if assignment == assignment_id}

    def touches(self, assignment_id: str) -> bool:
        return self.everything or bool(self.students_of(assignment_id))

    def assignments(self) -> set[str]:
        return {assignment for assignment, _ in self.submissions}

    def claims_of(self, assignment_id: str) -> dict[str, Claim] | None:
        """Others' claims on this assignment by student (None: unchanged since the last report)."""
        if self.claims is None:
            return None
        return {student: c for (assignment, student), c in self.claims.items() if assignment == assignment_id}


@dataclass
class LiveFeed:
    """The changes others make to one gradebook, one report per change (used by one thread)."""

    ctx: CourseContext
    poll: float = POLL_SECONDS
    margin: float = MARGIN_SECONDS
    clock: Callable[[], datetime] = utc_now
    """The claimant's clock, to notice a claim running out when nothing was written."""
    _since: str | None = None
    _seen: dict[Key, str] = field(default_factory=dict)
    _claims: dict[Key, Claim] = field(default_factory=dict)
    _signal: ChangeSignal | None = None

    def start(self) -> None:
        """Take the current state as the baseline (nothing before it is reported)."""
        self._signal = self.ctx.store.change_signal(poll=self.poll)
        self._since = self.ctx.store.changed_since(None).clock
        self._claims = others_claims(self.ctx)

    def next(self, timeout: float) -> GradebookChanges | None:
        """Wait up to ``timeout`` seconds for a change; what changed, or None."""
        if self._signal is None:
            self.start()
        assert self._signal is not None
        woke = self._signal.wait(timeout)
        if not woke and not self._a_claim_ran_out():
            return None
        return self.look()

    def look(self) -> GradebookChanges | None:
        """Read what changed since the last look (without waiting)."""
        from grader.store.changes import earlier

        assert self._since is not None, "start() first"
        rows = self.ctx.store.changed_since(earlier(self._since, self.margin), limit=MOST_LISTED)
        fresh = frozenset(key for key, stamp in rows.keys.items() if self._seen.get(key) != stamp)
        self._seen.update(rows.keys)
        oldest = earlier(rows.clock, self.margin)
        self._seen = {key: stamp for key, stamp in self._seen.items() if stamp > oldest}
        self._since = rows.clock
        claims = others_claims(self.ctx, now=self.clock())
        moved = frozenset(
            key
            for key in claims.keys() | self._claims.keys()
            if _holder(claims.get(key)) != _holder(self._claims.get(key))
        )
        self._claims = claims
        if not fresh and not rows.overflow and not moved:
            return None
        return GradebookChanges(fresh, rows.overflow, claims if moved else None, moved)

    def _a_claim_ran_out(self) -> bool:
        now = self.clock()
        return any(not claim.is_active(now) for claim in self._claims.values())

    def close(self) -> None:
        signal, self._signal = self._signal, None
        if signal is not None:
            signal.close()


def _holder(claim: Claim | None) -> tuple[str, str, datetime] | None:
    """Who holds a claim since when: a renewal (a later expiry alone) is no news."""
    return None if claim is None else (claim.actor, claim.token, claim.claimed_at)


@dataclass(frozen=True)
class MergedGrade:
    grade: SubmissionGrade
    """What the screen now knows the gradebook holds (the fresh grade)."""
    shown: dict[str, CriterionChoice]
    """The choices to show: fresh ones, except where the grader's own choice is not saved yet."""
    updated: tuple[str, ...]
    """Criteria another save changed, now shown as saved."""
    kept: tuple[str, ...]
    """Criteria changed by someone else while the grader's own choice on them is not saved yet:
    the grader's stays shown (its save is checked against theirs)."""


def merge_grade(
    known: SubmissionGrade, shown: Mapping[str, CriterionChoice], fresh: SubmissionGrade
) -> MergedGrade:
    """Fold ``fresh`` (just read) into a screen that knew ``known`` and shows ``shown``."""
    merged = dict(shown)
    updated: list[str] = []
    kept: list[str] = []
    for criterion_id in _ids(known.choices, fresh.choices, shown):
        before = known.choices.get(criterion_id, NO_CHOICE)
        now = fresh.choices.get(criterion_id, NO_CHOICE)
        mine = shown.get(criterion_id, NO_CHOICE)
        if now == before or mine == now:
            continue
        if mine == before:
            merged[criterion_id] = now
            updated.append(criterion_id)
        else:
            kept.append(criterion_id)
    return MergedGrade(fresh, merged, tuple(updated), tuple(kept))


def _ids(*choices: Iterable[str]) -> list[str]:
    return sorted(set().union(*choices))


def read_grade(ctx: CourseContext, assignment_id: str, student_id: str) -> SubmissionGrade:
    """One submission's grade as saved now (for :func:`merge_grade`)."""
    return ctx.store.grade(assignment_id, student_id)
