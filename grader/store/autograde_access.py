"""The store's autograde layer: runs recorded with their grade events and summaries, read back.

Apart from the graders' choices: recording a run never changes a choice nor a grade's version
(a grader's points on an autograded criterion override every run, DB-7), and the submission's
summary is recomputed in the recording transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import insert

from grader.domain.choices import CriterionChoice
from grader.domain.events import AutogradeRun, EventOutcome, EventSource, StoredRun
from grader.store import autograde_runs as runs
from grader.store import summaries
from grader.store.autograde_tables import AUTOGRADE_RUN
from grader.store.base import StoreBase
from grader.store.codec import dump_json, timestamp
from grader.store.saving import create_submissions, lock_submissions
from grader.store.summary_values import Summarize
from grader.store.tables import GRADE_EVENT

CacheKey = runs.CacheKey


class AutogradeAccess(StoreBase):
    """Autograde runs and the current result per criterion; one unit of work per method."""

    def record_autograde(
        self,
        results: Sequence[AutogradeRun],
        *,
        actor: str,
        now: datetime,
        summarize: Summarize | None = None,
    ) -> list[int]:
        """Record a batch of results in one transaction (all or nothing): each new run appended,
        each current result moved, one grade event per result (source ``autograder``), and the
        submissions' summaries recomputed. Returns the run id each result stands on, in order.

        A run without a score (error, refused) is recorded with its reason, but the current
        points stay those of the last run that had some: never a score replaced by nothing.
        """
        if not results:
            return []
        at = timestamp(now)
        keys = sorted({(r.assignment_id, r.student_id) for r in results})
        with self._writing() as session:
            summaries.lock(session, keys)
            create_submissions(session, keys)  # a result needs its submission row, as a choice does
            stored = lock_submissions(session, keys)
            fresh = [r for r in results if r.reused_run_id is None]
            new_ids = iter(runs.insert_runs(session, [runs.run_row(r, actor=actor, at=at) for r in fresh]))
            run_ids = [r.reused_run_id if r.reused_run_id is not None else next(new_ids) for r in results]
            current = runs.current_results(session, (s.id for s in stored.values()))
            rows: dict[tuple[int, str], dict[str, object]] = {}
            events = []
            for result, run_id in zip(results, run_ids, strict=True):
                submission = stored[(result.assignment_id, result.student_id)]
                slot = (submission.id, result.criterion_id)
                before = current.get(slot)
                rows[slot], current[slot] = runs.result_row(submission.id, result, run_id, before)
                events.append(
                    _event_row(
                        result, run_id, before, current[slot], submission.id, submission.version, at, actor
                    )
                )
            runs.write_results(session, runs.merge(rows))
            session.execute(insert(GRADE_EVENT), events)
            summaries.refresh(session, keys, summarize)
        return run_ids

    def latest_runs(
        self, assignment_id: str, student_ids: Sequence[str] | None = None, *, with_output: bool = False
    ) -> dict[str, dict[str, StoredRun]]:
        """Each student's latest run per criterion (student id → criterion id → run), of the
        whole assignment or of some students; the output only when asked for."""
        with self._reading() as session:
            return runs.latest_runs(session, assignment_id, student_ids, with_output=with_output)

    def runs(self, assignment_id: str, student_id: str, criterion_id: str | None = None) -> list[StoredRun]:
        """Every run of one submission (of one criterion, if given), oldest first, with output."""
        c = AUTOGRADE_RUN.c
        where = (c.assignment_id == assignment_id) & (c.student_id == student_id)
        if criterion_id is not None:
            where &= c.criterion_id == criterion_id
        with self._reading() as session:
            return [run for _, run in runs.read_runs(session, where, with_output=True)]

    def reusable_runs(self, assignment_id: str, wanted: Sequence[CacheKey]) -> dict[CacheKey, StoredRun]:
        """The newest stored run with a score for each (student, criterion, commit, check digest,
        sandbox kind) asked for: the cache (runs that could not happen are never reused)."""
        with self._reading() as session:
            found = runs.reusable_runs(session, assignment_id, wanted)
            stored = runs.runs_by_id(session, found.values())
        return {key: stored[run_id] for key, run_id in found.items()}


def _event_row(
    result: AutogradeRun,
    run_id: int,
    before: runs.Current | None,
    after: runs.Current,
    submission_id: int,
    version: int,
    at: str,
    actor: str,
) -> dict[str, object]:
    """The grade event of one recorded result: old and new are the autograde layer's points,
    and ``new`` also names the run and its status (readers of choices ignore the extra key)."""
    old = CriterionChoice(points=before.points if before else None)
    new = CriterionChoice(points=after.points)
    marked = {**new.to_dict(), "autograde": {"run": run_id, "status": result.result.status.value}}
    return {
        "at": at,
        "actor": actor,
        "submission_id": submission_id,
        "assignment_id": result.assignment_id,
        "student_id": result.student_id,
        "criterion_id": result.criterion_id,
        "old": dump_json(old.to_dict()),
        "new": dump_json(marked),
        "rubric_hash": result.rubric_hash,
        "source": EventSource.AUTOGRADER.value,
        "outcome": EventOutcome.APPLIED.value,
        "version": version,
    }
