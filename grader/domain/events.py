"""The gradebook's append-only record of every grading change."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING

from grader.domain.choices import CriterionChoice

if TYPE_CHECKING:
    from grader.domain.autograde import CheckResult


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


@dataclass(frozen=True, slots=True)
class AutogradeScore:
    """The autograde layer's current result for one criterion of one submission.

    ``status``, ``reason``, the test counts and ``sandbox`` are the latest run's; ``points`` are
    those of the latest run that produced a score (None: no run has scored it yet), so a run that
    could not happen (``error``, ``refused``) never takes a score away.
    """

    status: str
    points: Decimal | None
    reason: str = ""
    tests_passed: int | None = None
    tests_total: int | None = None
    """Tests (or input/output cases) passed and counted by the latest run; None when it had none."""
    sandbox: str = ""
    """"bwrap", "unshare", or "trusted" (run unsandboxed: the course trusts its code)."""


@dataclass(frozen=True)
class AutogradeRun:
    """One check's result to record for one criterion of one submission (``Store.record_autograde``)."""

    assignment_id: str
    student_id: str
    criterion_id: str
    commit: str
    """The graded commit the check ran on."""
    check_digest: str
    result: CheckResult
    rubric_hash: str
    """The rubric in force, named by the grade event the result is recorded with."""
    reused_run_id: int | None = None
    """A stored run of the same commit, check and sandbox that stands for this one (the cache):
    it becomes the current result again, and is not stored twice."""


@dataclass(frozen=True)
class StoredRun:
    """A recorded run of a criterion's check, as the gradebook keeps it (output capped)."""

    criterion_id: str
    result: CheckResult
    commit: str
    ran_at: datetime
    actor: str
    run_id: int = 0
    check_digest: str = ""
    student_id: str = ""


NO_AUTOGRADE: Mapping[str, AutogradeScore] = MappingProxyType({})
"""The autograde layer of a submission no check has run on (one shared, read-only mapping)."""


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
    autograde: Mapping[str, AutogradeScore] = field(default_factory=lambda: NO_AUTOGRADE)
    """The autograde layer, by criterion id: apart from ``choices``, which stay the graders' own
    (``grader.domain.scoring.effective_choices`` merges the two)."""


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
