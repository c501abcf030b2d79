"""Anonymous grading as graders meet it: who each student of an assignment is shown as, the
folder their work is kept in, and the audited reveals (``grader reveal``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from functools import partial
from typing import Any, Protocol, TypeVar, cast

from grader.domain.anonymity import (
    ANONYMOUS_NAME,
    IDENTITY_LOOKED_UP,
    Identities,
    Reveal,
    draw_pseudonyms,
    normal_pseudonym,
)
from grader.domain.check_results import CheckResult
from grader.domain.errors import GraderError
from grader.domain.events import GradeEvent, StoredRun
from grader.domain.roster import Student
from grader.gradebook.context import CourseContext, utc_now
from grader.gradebook.history import LogEntry
from grader.gradebook.status import SubmissionStatus
from grader.gradebook.student_lookup import UnknownStudent, lookup_student, student_label


def is_anonymous(ctx: CourseContext, assignment_id: str) -> bool:
    assignment = ctx.files.course.assignment(assignment_id)
    return assignment is not None and assignment.anonymous


def pseudonyms(ctx: CourseContext, assignment_id: str) -> dict[str, str]:
    """Student id → pseudonym for the whole roster (drawn for those who have none yet)."""
    found = ctx.pseudonyms.get(assignment_id)
    roster = ctx.files.students
    if found is None or any(s.student_id not in found for s in roster):
        ids = [s.student_id for s in roster]
        found = ctx.store.pseudonyms(assignment_id, ids, draw_pseudonyms, now=utc_now())
        ctx.pseudonyms[assignment_id] = found
    return found


def identities(ctx: CourseContext, assignment_id: str) -> Identities:
    """How the assignment's students are shown to graders now (the store is read only for an
    anonymous assignment)."""
    if not is_anonymous(ctx, assignment_id):
        return Identities(assignment_id)
    found = pseudonyms(ctx, assignment_id)
    hidden = ctx.store.reveal_of(assignment_id) is None
    return Identities(assignment_id, hidden, found, ctx.files.students_by_id)


def scrubbed_run(shown: Identities, run: StoredRun) -> StoredRun:
    """A check's recorded run as graders read it: its reason and output scrubbed of who the
    student is while identities are hidden (a program may print its author's name)."""
    if not shown.hidden:
        return run
    result = run.result
    scrubbed = replace(
        result,
        reason=shown.scrub(result.reason, run.student_id),
        output=shown.scrub(result.output, run.student_id),
    )
    return replace(run, result=scrubbed)


def student_folder(ctx: CourseContext, assignment_id: str, student_id: str) -> str:
    """The name of the student's folders (mirror, checkout) for the assignment: the pseudonym
    for an anonymous assignment (revealed or not: folders are never renamed back)."""
    if not is_anonymous(ctx, assignment_id):
        return student_id
    return pseudonyms(ctx, assignment_id).get(student_id) or student_id


def find_student(ctx: CourseContext, assignment_id: str, typed: str) -> Student:
    """The student a grader typed: a roster id, or a pseudonym of an anonymous assignment
    (a real id is refused there while identities are hidden: graders do not know it)."""
    shown = identities(ctx, assignment_id)
    if shown.hidden:
        found = shown.real_id(typed)
        if found is None:
            raise GraderError(
                f"{assignment_id} is graded anonymously: name the student by pseudonym "
                f"(e.g. {next(iter(shown.pseudonyms.values()), 'anon-XXXXX')}), not '{typed}'; "
                f"grader status {assignment_id} lists them"
            )
        return ctx.files.student(found)
    if is_anonymous(ctx, assignment_id):
        found = shown.real_id(typed)
        if found is not None:
            return ctx.files.student(found)
    return roster_student(ctx, typed)


def roster_student(ctx: CourseContext, typed: str) -> Student:
    """The roster's student named by an id, a GitHub handle, an e-mail or an unambiguous name."""
    files = ctx.files
    return lookup_student(files.students, files.students_by_id, typed, files.course.roster_path)


def typed_students(
    ctx: CourseContext, typed: Sequence[str] | None, assignment_ids: Sequence[str] | None
) -> list[str] | None:
    """Student ids from what a grader typed after --student: pseudonyms of the (anonymous)
    assignments named (all when none is), or what :func:`roster_student` finds; a text that
    names nobody is kept as typed (whoever uses it says it is unknown)."""
    if not typed:
        return None
    return [_typed_id(ctx, text, assignment_ids, strict=False) for text in typed]


def typed_student(ctx: CourseContext, typed: str, assignment_id: str | None) -> str:
    """One student id from a pseudonym, an id, a handle, an e-mail or an unambiguous name;
    GraderError when it names nobody (with the nearest names) or several (listed)."""
    return _typed_id(ctx, typed, [assignment_id] if assignment_id else None, strict=True)


def _typed_id(ctx: CourseContext, typed: str, assignment_ids: Sequence[str] | None, *, strict: bool) -> str:
    wanted = assignment_ids or [a.id for a in ctx.files.course.assignments]
    views = [identities(ctx, a) for a in wanted if is_anonymous(ctx, a)]
    real = next((sid for v in views if (sid := v.real_id(typed)) is not None), None)
    if real is not None:
        return real
    hidden = [v.assignment_id for v in views if v.hidden]
    if assignment_ids and hidden:
        # names, handles and e-mails are not looked up (nor candidates or near names listed):
        # that would tell who a pseudonym is; a roster id, typed whole, is taken as it is
        if typed.strip() in ctx.files.students_by_id or not strict:
            return typed.strip() if typed.strip() in ctx.files.students_by_id else typed
        raise UnknownStudent(
            f"'{typed}' is neither a pseudonym of {', '.join(hidden)} nor a roster id (while its "
            "students are hidden, names, handles and e-mails are not looked up)"
        )
    try:
        return roster_student(ctx, typed).student_id
    except UnknownStudent:
        if strict:
            raise
        return typed


def echoed(ctx: CourseContext, assignment_id: str, typed: str, student_id: str) -> str:
    """The student in a command's answer: their id and name; while the assignment's students
    are hidden, exactly what the grader typed (the pseudonym, or the roster id), never the one
    beside the other (that would tie them)."""
    shown = identities(ctx, assignment_id)
    if shown.hidden:
        return typed.strip()
    return student_label(shown, ctx.files.student(student_id))


def reveal(ctx: CourseContext, assignment_id: str) -> tuple[Reveal, bool]:
    """Show the assignment's students as themselves to every grader from now on, audited;
    (the reveal, whether this call made it)."""
    if not is_anonymous(ctx, assignment_id):
        ctx.files.rubric(assignment_id)  # raises the "unknown assignment" error
        raise GraderError(f"{assignment_id} is not graded anonymously (course.yaml: anonymous: true)")
    details: dict[str, object] = {"assignment": assignment_id, "students": len(ctx.files.students)}
    done, entry = ctx.store.reveal(assignment_id, details, actor=ctx.actor, now=utc_now())
    return done, entry is not None


def look_up(ctx: CourseContext, assignment_id: str, pseudonym: str) -> Student:
    """Who one pseudonym stands for (an integrity case), audited; the others stay hidden."""
    if not is_anonymous(ctx, assignment_id):
        ctx.files.rubric(assignment_id)
        raise GraderError(f"{assignment_id} is not graded anonymously (course.yaml: anonymous: true)")
    wanted = normal_pseudonym(pseudonym)
    found = next((sid for sid, p in pseudonyms(ctx, assignment_id).items() if p == wanted), None)
    if found is None:
        raise GraderError(f"no student of {assignment_id} has the pseudonym '{pseudonym}'")
    details: dict[str, object] = {"assignment": assignment_id, "pseudonym": wanted, "student": found}
    ctx.store.audit(IDENTITY_LOOKED_UP, details, actor=ctx.actor, now=utc_now())
    return ctx.files.student(found)


class _Submission(Protocol):
    @property
    def assignment_id(self) -> str: ...
    @property
    def student_id(self) -> str: ...


OfStudent = TypeVar("OfStudent", bound=_Submission)


class IdentityViews:
    """The identities of each assignment a listing touches, read once each."""

    def __init__(self, ctx: CourseContext) -> None:
        self.ctx = ctx
        self._found: dict[str, Identities] = {}

    def of(self, assignment_id: str) -> Identities:
        found = self._found.get(assignment_id)
        if found is None:
            found = self._found[assignment_id] = identities(self.ctx, assignment_id)
        return found

    def log_entry(self, entry: LogEntry) -> LogEntry:
        """A log entry as graders see it: pseudonyms for the students of a hidden assignment."""
        if isinstance(entry, GradeEvent):
            shown = self.of(entry.assignment_id)
            return replace(entry, student_id=shown.shown_id(entry.student_id)) if shown.hidden else entry
        assignment_id = entry.details.get("assignment")
        if not isinstance(assignment_id, str) or not self.of(assignment_id).hidden:
            return entry
        return replace(entry, details=_masked_details(self.of(assignment_id), entry.details))

    def item(self, item: OfStudent) -> OfStudent:
        """A per-submission item (a pull or autograde result, a skip) as graders see it: the
        pseudonym for its student, its reason and check result scrubbed, while hidden."""
        shown = self.of(item.assignment_id)
        if not shown.hidden:
            return item
        changes: dict[str, object] = {"student_id": shown.shown_id(item.student_id)}
        reason = getattr(item, "reason", None)
        if isinstance(reason, str):
            changes["reason"] = shown.scrub(reason, item.student_id)
        result = getattr(item, "result", None)
        if isinstance(result, CheckResult):
            scrub = partial(shown.scrub, student_id=item.student_id)
            changes["result"] = replace(result, reason=scrub(result.reason), output=scrub(result.output))
        return cast(OfStudent, replace(cast(Any, item), **changes))

    def is_hidden(self, entry: LogEntry) -> bool:
        if isinstance(entry, GradeEvent):
            return self.of(entry.assignment_id).hidden
        assignment_id = entry.details.get("assignment")
        return isinstance(assignment_id, str) and self.of(assignment_id).hidden


def _masked_details(shown: Identities, details: dict[str, object]) -> dict[str, object]:
    """Audit details with every student id (as a value or a key, at any depth) a pseudonym."""

    def mask(value: object) -> object:
        if isinstance(value, str):
            return shown.shown_id(value) if value in shown.pseudonyms else value
        if isinstance(value, list):
            return [mask(v) for v in value]
        if isinstance(value, dict):
            return {str(mask(k)): mask(v) for k, v in value.items()}
        return value

    masked = mask(details)
    assert isinstance(masked, dict)
    return masked


def shown_log(ctx: CourseContext, entries: Iterable[LogEntry], *, by_real_id: bool) -> Iterator[LogEntry]:
    """The log as graders see it; ``by_real_id``: the listing asked for one student by roster
    id, so hidden assignments' entries are left out (they would tie the id to a pseudonym)."""
    views = IdentityViews(ctx)
    for entry in entries:
        if by_real_id and views.is_hidden(entry):
            continue
        yield views.log_entry(entry)


def shown_statuses(ctx: CourseContext, rows: Iterable[SubmissionStatus]) -> list[SubmissionStatus]:
    """Status rows as graders see them: for a hidden assignment, the pseudonym for id and name,
    reasons scrubbed, in pseudonym order (roster order would tell who is who)."""
    views = IdentityViews(ctx)
    shown: list[SubmissionStatus] = []
    hidden: dict[str, list[SubmissionStatus]] = {}
    for row in rows:
        found = views.of(row.assignment_id)
        if not found.hidden:
            shown.append(row)
            continue
        pseudonym = found.shown_id(row.student_id)
        flags = tuple(found.scrub(flag, row.student_id) for flag in row.flags)
        masked = replace(
            row,
            student_id=pseudonym,
            name=ANONYMOUS_NAME,
            flags=flags,
            flag_note=found.scrub(row.flag_note, row.student_id),
        )
        hidden.setdefault(row.assignment_id, []).append(masked)
    for assignment_rows in hidden.values():
        shown += sorted(assignment_rows, key=lambda r: r.student_id)
    return shown
