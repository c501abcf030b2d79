"""`grader log`: the gradebook's history, one line (or JSON object) per event, oldest first."""

from __future__ import annotations

import json
from collections.abc import Iterator

import click

from grader.cli.main import Options, cli
from grader.cli.output import fail
from grader.domain.anonymity import is_pseudonym
from grader.domain.errors import GraderError
from grader.domain.events import AuditEntry, GradeEvent
from grader.domain.text import printable
from grader.gradebook.anonymity import identities, is_anonymous, shown_log
from grader.gradebook.context import CourseContext, open_course
from grader.gradebook.history import (
    LogEntry,
    LogQuery,
    change_words,
    log_entries,
    outcome_words,
    parse_since,
    short_hash,
    when_words,
)


@cli.command("log")
@click.option("--assignment", "assignment_id", help="Only this assignment's events.")
@click.option("--student", "student_id", help="Only this student's events.")
@click.option("--grader", help="Only the events of this grader (as named in the log).")
@click.option(
    "--since",
    metavar="DATE",
    help="From this date (00:00 UTC) or date and time with a UTC offset, e.g. 2026-10-03T09:00:00-04:00.",
)
@click.option("--grades-only", is_flag=True, help="Leave out the audit log's other actions.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_obj
def log_command(
    options: Options,
    assignment_id: str | None,
    student_id: str | None,
    grader: str | None,
    since: str | None,
    grades_only: bool,
    as_json: bool,
) -> None:
    """Every grading change, refused attempts included, and the other audited actions, oldest first.

    A line says when (UTC), who, the source (grader, autograder, batch, rubric-apply, undo; audit
    for an action beside grading), the submission, the criterion, old → new, the rubric version
    it was made under, and REFUSED for an attempt that changed nothing.
    """
    try:
        moment = parse_since(since) if since is not None else None
    except GraderError as error:
        raise click.BadParameter(str(error), param_hint="--since") from None
    shown = 0
    with open_course(options.course_root(), database_url=options.database_url, actor=options.actor) as ctx:
        assignment_id, student_id, by_pseudonym = _who(ctx, assignment_id, student_id)
        query = LogQuery(assignment_id, student_id, grader, moment, with_audit=not grades_only)
        by_real_id = student_id is not None and not by_pseudonym
        entries = shown_log(ctx, log_entries(ctx, query), by_real_id=by_real_id)
        for line in _lines(entries, as_json=as_json):
            click.echo(line)
            shown += 1
        if not shown:
            fail(f"log: nothing recorded{_unknown(ctx, query)}")


def _who(
    ctx: CourseContext, assignment_id: str | None, student_id: str | None
) -> tuple[str | None, str | None, bool]:
    """(assignment, student id, named by pseudonym): a pseudonym names a student of one
    anonymous assignment, so the listing keeps to that assignment."""
    if student_id is None or not is_pseudonym(student_id):
        return assignment_id, student_id, False
    wanted = [assignment_id] if assignment_id else [a.id for a in ctx.files.course.assignments]
    for candidate in wanted:
        if candidate is not None and is_anonymous(ctx, candidate):
            found = identities(ctx, candidate).real_id(student_id)
            if found is not None:
                return candidate, found, True
    return assignment_id, student_id, True


def _unknown(ctx: CourseContext, query: LogQuery) -> str:
    """Why a filter may have matched nothing: an id the course does not know (it may still be
    in the log, from before a roster or course change)."""
    if query.assignment_id is not None and ctx.files.course.assignment(query.assignment_id) is None:
        return f" (course.yaml has no assignment '{query.assignment_id}')"
    known = {student.student_id for student in ctx.files.students}
    if query.student_id is not None and query.student_id not in known:
        return f" (the roster has no student '{query.student_id}')"
    return " that matches" if (query.assignment_id or query.student_id or query.grader or query.since) else ""


def _lines(entries: Iterator[LogEntry], *, as_json: bool) -> Iterator[str]:
    for entry in entries:
        if as_json:
            # ASCII escapes: a student's text can never reach the terminal as a control or bidi mark
            data = event_json(entry) if isinstance(entry, GradeEvent) else audit_json(entry)
            yield json.dumps(data, ensure_ascii=True)
        else:
            yield printable(event_line(entry) if isinstance(entry, GradeEvent) else audit_line(entry))


def event_line(event: GradeEvent) -> str:
    parts = [
        when_words(event.at),
        event.actor,
        event.source.value,
        f"{event.assignment_id}/{event.student_id}",
        event.criterion_id,
        change_words(event),
        f"rubric {short_hash(event.rubric_hash)}",
    ]
    refused = outcome_words(event)
    return "  ".join([*parts, refused] if refused else parts)


def audit_line(entry: AuditEntry) -> str:
    details = ", ".join(f"{key}={value}" for key, value in sorted(entry.details.items()))
    return "  ".join([when_words(entry.at), entry.actor, "audit", entry.action, details]).rstrip()


def event_json(event: GradeEvent) -> dict[str, object]:
    """A grade event's stable fields (added to, never renamed)."""
    return {
        "kind": "grade",
        "id": event.id,
        "at": event.at.isoformat(),
        "actor": event.actor,
        "source": event.source.value,
        "assignment": event.assignment_id,
        "student_id": event.student_id,
        "criterion": event.criterion_id,
        "old": event.old.to_dict(),
        "new": event.new.to_dict(),
        "rubric_hash": event.rubric_hash,
        "outcome": event.outcome.value,
        "version": event.version,
    }


def audit_json(entry: AuditEntry) -> dict[str, object]:
    """An audit entry's stable fields."""
    return {
        "kind": "audit",
        "id": entry.id,
        "at": entry.at.isoformat(),
        "actor": entry.actor,
        "action": entry.action,
        "details": entry.details,
    }
