"""The history of grades: the append-only grade events (and the audit log's other actions) read
back for `grader log` and the Grading screen's History view, in words."""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from grader.domain.choice_words import describe_choice
from grader.domain.errors import GraderError
from grader.domain.events import AuditEntry, EventOutcome, GradeEvent
from grader.gradebook.context import CourseContext

LogEntry = GradeEvent | AuditEntry
SHORT_HASH = 12
"""Characters of a rubric's hash shown (as `grader rubric apply` names it)."""


@dataclass(frozen=True)
class LogQuery:
    """Which entries `grader log` lists; None: any."""

    assignment_id: str | None = None
    student_id: str | None = None
    grader: str | None = None
    since: datetime | None = None
    with_audit: bool = True
    """Also the audit log's actions beside grading (flags, excuses, backups, rubrics accepted…)."""


def parse_since(text: str) -> datetime:
    """A date (from 00:00 UTC that day) or a date and time with a UTC offset."""
    value = text.strip()
    try:
        if len(value) == len("2026-03-02"):
            return datetime.combine(date.fromisoformat(value), time(), tzinfo=UTC)
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise GraderError(
            "expected a date (2026-03-02, from 00:00 UTC) or a date and time with a UTC offset "
            f"(2026-03-02T09:30:00+01:00), got {text!r}"
        )
    return moment


def log_entries(ctx: CourseContext, query: LogQuery) -> Iterator[LogEntry]:
    """Every matching grade event and audit entry, oldest first, streamed (never all in memory)."""
    events: Iterator[LogEntry] = ctx.store.event_log(
        assignment_id=query.assignment_id,
        student_id=query.student_id,
        actor=query.grader,
        since=query.since,
    )
    if not query.with_audit:
        yield from events
        return
    audits: Iterator[LogEntry] = (
        entry
        for entry in ctx.store.audit_log(actor=query.grader, since=query.since)
        if _audit_matches(entry, query)
    )
    yield from heapq.merge(events, audits, key=lambda entry: entry.at)


def _audit_matches(entry: AuditEntry, query: LogQuery) -> bool:
    """An audit entry names its submission in its details, when it is about one."""
    details = entry.details
    if query.assignment_id is not None and details.get("assignment") != query.assignment_id:
        return False
    return query.student_id is None or details.get("student_id") == query.student_id


def submission_history(ctx: CourseContext, assignment_id: str, student_id: str) -> list[GradeEvent]:
    """One submission's grade events, applied and refused, newest first."""
    return list(reversed(ctx.store.events(assignment_id, student_id)))


def change_words(event: GradeEvent) -> str:
    """ "Proficient → Exemplary; comment: tidy"; "–" stands for nothing chosen."""
    return f"{describe_choice(event.old)} → {describe_choice(event.new)}"


def outcome_words(event: GradeEvent) -> str:
    """Empty for an applied change; for a refused one, why it changed nothing."""
    if event.outcome is EventOutcome.CONFLICT:
        return f"REFUSED: the criterion had changed since version {event.version}"
    return ""


def when_words(moment: datetime) -> str:
    """A stored time as the log shows it, in UTC: 2026-03-02 09:30:00Z."""
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M:%S}Z"


def short_hash(rubric_hash: str) -> str:
    return rubric_hash[:SHORT_HASH]
