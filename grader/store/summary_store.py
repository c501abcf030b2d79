"""The counting side of submission summaries: grouped counts, stale ones rebuilt, checks."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Container, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from decimal import Decimal

from sqlalchemy.orm import Session

from grader.store import summaries
from grader.store.summary_values import (
    StudentSums,
    SubmissionSummary,
    Summarize,
    SummaryGroup,
    SummaryInput,
)

Transaction = Callable[[], AbstractContextManager[Session]]


class SummaryStore:
    """Summaries of a gradebook (``Store.summaries``); each method is one unit of work."""

    def __init__(self, reading: Transaction, writing: Transaction) -> None:
        self._reading = reading
        self._writing = writing

    def groups(self, assignment_id: str, student_ids: Sequence[str] | None = None) -> list[SummaryGroup]:
        """How many of the assignment's summaries (of some students, if given) share each stamp,
        status, pulled mark and score: a count per group, in one grouped query."""
        with self._reading() as session:
            return summaries.groups(session, assignment_id, student_ids)

    def census(self, assignment_id: str, on_roster: Container[str]) -> tuple[list[SummaryGroup], int]:
        """The summary groups of the assignment's roster students, and how many of them have a
        summary, read together (one snapshot: PostgreSQL reads it at REPEATABLE READ)."""
        with self._reading() as session:
            if session.get_bind().dialect.name == "postgresql":
                session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            found = summaries.groups(session, assignment_id)
            present = summaries.student_ids(session, assignment_id)
            elsewhere = [student_id for student_id in present if student_id not in on_roster]
            if elsewhere:
                counted = Counter({_values(g): g.count for g in found})
                counted.subtract(
                    {_values(g): g.count for g in summaries.groups(session, assignment_id, elsewhere)}
                )
                found = [SummaryGroup(*values, count) for values, count in counted.items() if count > 0]
        return found, len(present) - len(elsewhere)

    def student_ids(self, assignment_id: str, *, not_at: str | None = None) -> list[str]:
        """The students with a summary of the assignment; with ``not_at``, only those whose
        summary is not at that stamp (stale, or computed from other course files)."""
        with self._reading() as session:
            return summaries.student_ids(session, assignment_id, not_at=not_at)

    def rebuild(
        self, assignment_id: str, student_ids: Sequence[str], stamp: str | None, summarize: Summarize
    ) -> int:
        """Recompute, in one write transaction, those of the students' summaries not at ``stamp``
        (another process may have done some meanwhile; None: all of them); how many were."""
        with self._writing() as session:
            return summaries.rebuild(session, assignment_id, student_ids, stamp, summarize)

    def compare(
        self, assignment_id: str, student_ids: Sequence[str], summarize: Summarize
    ) -> list[tuple[str, SubmissionSummary | None, SubmissionSummary | None]]:
        """(student, stored, recomputed) of each of the students whose stored summary differs
        from a recomputation, both read under the writers' locks so no save falls in between.
        A student without a stored summary is counted as one with nothing saved and never
        pulled, so it differs only when that is not so. A stale stored summary differs; a
        student ``summarize`` cannot compute has None as its recomputation."""
        keys = [(assignment_id, s) for s in student_ids]
        with self._writing() as session:
            summaries.lock(session, keys)
            stored = summaries.summaries_of(session, assignment_id, student_ids)
            computed = summarize(summaries.read_inputs(session, keys))
        differing = []
        for student_id in sorted(student_ids):
            expected = computed.get((assignment_id, student_id))
            found = stored.get(student_id)
            if found is None:  # counted as a submission with nothing saved and never pulled
                nothing = SummaryInput(assignment_id, student_id, None, None)
                found = summarize([nothing]).get((assignment_id, student_id))
            if found != expected:
                differing.append((student_id, stored.get(student_id), expected))
        return differing

    def with_inputs(self, assignment_id: str) -> list[str]:
        """Every student with a submission row, a pull state or a summary of the assignment."""
        with self._reading() as session:
            return summaries.with_inputs(session, assignment_id)

    def mastery_by_student(
        self, stamps: Mapping[str, str], on_roster: Container[str]
    ) -> Iterator[StudentSums]:
        """Each roster student's mastery evidence summed over their summaries of these
        assignments (id → stamp expected; a summary not at it is named, not summed), in
        student id order, streamed in one read."""
        with self._reading() as session:
            yield from summaries.mastery_by_student(session, stamps, on_roster)


def _values(group: SummaryGroup) -> tuple[str, str, bool, Decimal | None, Decimal]:
    return (group.stamp, group.status, group.pulled, group.score, group.max_score)
