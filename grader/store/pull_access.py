"""The store's pulls and extensions: what each pull observed, the resolved states, extensions."""

from __future__ import annotations

from collections.abc import Sequence

from grader.domain.pulls import Extension, PullState
from grader.domain.submission import Observation
from grader.store import pulls, records, summaries
from grader.store.base import ID_CHUNK, StoreBase
from grader.store.codec import timestamp
from grader.store.summary_values import Summarize


class PullAccess(StoreBase):
    """Pulls and extensions; a write that changes a pull state recomputes its summary."""

    def record_pull(
        self, observation: Observation, state: PullState, *, summarize: Summarize | None = None
    ) -> None:
        """Append what a pull observed and the graded commit resolved from all observations."""
        self.record_pulls([(observation, state)], summarize=summarize)

    def record_pulls(
        self, pulled: Sequence[tuple[Observation, PullState]], *, summarize: Summarize | None = None
    ) -> None:
        """Several pulls' observations and states in one transaction (all or nothing)."""
        if not pulled:
            return
        keys = sorted({(state.assignment_id, state.student_id) for _, state in pulled})
        with self._writing() as session:
            summaries.lock(session, keys)
            pulls.record_pulls(session, pulled)
            summaries.refresh(session, keys, summarize)

    def set_pull_state(self, state: PullState, *, summarize: Summarize | None = None) -> None:
        """Replace a submission's resolved state (e.g. after an extension), observing nothing new."""
        key = [(state.assignment_id, state.student_id)]
        with self._writing() as session:
            summaries.lock(session, key)
            pulls.write_states(session, [state])
            summaries.refresh(session, key, summarize)

    def observations(self, assignment_id: str, student_id: str) -> list[Observation]:
        """Every observation of one repository, oldest first."""
        with self._reading() as session:
            return pulls.read_observations(session, assignment_id, student_id).get(student_id, [])

    def all_observations(self, assignment_id: str) -> dict[str, list[Observation]]:
        """Every observation of an assignment's repositories per student, oldest first (one query)."""
        with self._reading() as session:
            return pulls.read_observations(session, assignment_id)

    def pull_states(self, assignment_id: str, student_id: str | None = None) -> dict[str, PullState]:
        """The resolved pull state of every pulled submission of an assignment (one query),
        or of one student's."""
        with self._reading() as session:
            return pulls.read_states(session, assignment_id, student_id)

    def pull_states_of(self, assignment_id: str, student_ids: Sequence[str]) -> dict[str, PullState]:
        """The resolved pull states of some students of an assignment (never pulled: absent)."""
        found: dict[str, PullState] = {}
        with self._reading() as session:
            for start in range(0, len(student_ids), ID_CHUNK):
                chunk = student_ids[start : start + ID_CHUNK]
                found.update(pulls.read_states(session, assignment_id, student_ids=chunk))
        return found

    def grant_extension(self, extension: Extension) -> None:
        with self._writing() as session:
            pulls.append_extension(session, extension)
            records.append_audit(
                session,
                "extension granted",
                {
                    "assignment": extension.assignment_id,
                    "student_id": extension.student_id,
                    "until": timestamp(extension.until),
                    "reason": extension.reason,
                },
                actor=extension.granted_by,
                at=timestamp(extension.granted_at),
            )

    def extensions(self, assignment_id: str, student_id: str | None = None) -> dict[str, Extension]:
        """The extension in force per student of an assignment (or of one student)."""
        with self._reading() as session:
            return pulls.read_extensions(session, assignment_id, student_id)
