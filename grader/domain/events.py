"""The gradebook's append-only record of every grading change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from grader.domain.choices import CriterionChoice


class EventSource(StrEnum):
    GRADER = "grader"
    AUTOGRADER = "autograder"
    BATCH = "batch"
    RUBRIC_APPLY = "rubric-apply"
    UNDO = "undo"
    """Restores the choice an earlier event replaced; the audit log names the event it undid."""


class EventOutcome(StrEnum):
    APPLIED = "applied"
    CONFLICT = "conflict"
    """A stale save, refused and kept for the record; it changed nothing."""


@dataclass(frozen=True)
class GradeEvent:
    id: int
    at: datetime
    actor: str
    assignment_id: str
    student_id: str
    criterion_id: str
    old: CriterionChoice
    new: CriterionChoice
    rubric_hash: str
    source: EventSource
    outcome: EventOutcome
    version: int
    """The submission grade's version after this event (the version it was based on, if refused)."""


@dataclass(frozen=True)
class SubmissionGrade:
    """The current choices of one submission and the version that a save must name."""

    assignment_id: str
    student_id: str
    version: int
    choices: dict[str, CriterionChoice]
    updated_by: str
    updated_at: datetime | None
    excused: bool = False
    """Excused from this assignment: no score, counted nowhere."""
    flag_note: str = ""
    """A grader's flag asking for a second look; empty when not flagged."""


@dataclass(frozen=True)
class ChoiceChange:
    """One choice to save, alone or in an all-or-nothing batch."""

    assignment_id: str
    student_id: str
    criterion_id: str
    choice: CriterionChoice
    expected_version: int | None = None
    """None: save over whatever is there (a CLI one-shot); an int: refuse if the grade moved on."""


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    action: str
    details: dict[str, object]
