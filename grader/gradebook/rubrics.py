"""Retroactive rubrics: totals from the current file, with refused edits until mapped, and
accepting an edited file (``grader rubric apply``)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import datetime
from weakref import WeakKeyDictionary

from grader.domain.choices import CriterionChoice
from grader.domain.errors import GraderError, RubricChangeRefused
from grader.domain.events import ChoiceChange, EventSource, SubmissionGrade
from grader.domain.remap import mapping_target_problem, remap_choice, stale_parts
from grader.domain.rubric import Rubric
from grader.gradebook.context import RECHECK_AFTER, CourseContext, utc_now


@dataclass(frozen=True)
class UnmappedChoice:
    criterion_id: str
    kind: str
    """"level", "item" or "points"."""
    label: str
    submissions: int


def unmapped_choices(rubric: Rubric, grades: Mapping[str, SubmissionGrade]) -> list[UnmappedChoice]:
    """Each level, item or points value in use that the rubric can no longer hold, with a count."""
    counts: Counter[tuple[str, str, str]] = Counter()
    for grade in grades.values():
        for criterion_id, choice in grade.choices.items():
            criterion = rubric.criterion(criterion_id)
            if criterion is not None:
                counts.update((criterion_id, kind, label) for kind, label in stale_parts(criterion, choice))
    return [UnmappedChoice(c, k, lb, n) for (c, k, lb), n in sorted(counts.items())]


def refusal_message(assignment_id: str, unmapped: list[UnmappedChoice]) -> str:
    lines = [f"the rubric of '{assignment_id}' no longer has choices that grades use:"]
    for u in unmapped:
        lines.append(f"  {u.criterion_id}: {u.kind} '{u.label}' (used by {u.submissions} submission(s))")
    example = unmapped[0]
    lines.append(
        f"map each one, e.g. grader rubric apply {assignment_id} "
        f"--map '{example.criterion_id}:{example.label}=NEW LABEL' (or '=' to clear it)"
    )
    return "\n".join(lines)


def effective_rubric(ctx: CourseContext, assignment_id: str, grades: Mapping[str, SubmissionGrade]) -> Rubric:
    """The current rubric file, unless it breaks choices in use (then refused until mapped)."""
    current = ctx.files.rubric(assignment_id)
    unmapped = unmapped_choices(current, grades)
    if unmapped:
        raise RubricChangeRefused(refusal_message(assignment_id, unmapped))
    return current


PERSIST_EVERY = 1_000
"""Events checked on top of the recorded verification before it is moved forward in the store."""


@dataclass(frozen=True)
class _Checked:
    """With every applied event up to ``event_id`` saved, no choice in use was stale."""

    event_id: int
    checked_at: datetime
    """When the choices in use were last checked in full."""
    recorded_id: int
    """The event id up to which the verification was last recorded in the store (or tried)."""


_checked: WeakKeyDictionary[object, dict[tuple[str, str], _Checked]] = WeakKeyDictionary()
"""Per store: (assignment, rubric hash) → what was checked, so repeated calls read no more."""
_checked_lock = threading.Lock()


def rubric_in_force(ctx: CourseContext, assignment_id: str) -> Rubric:
    """What ``effective_rubric`` says over every grade, without reading a class's grades.

    The distinct choices in use are checked in one grouped query; after that only the grade
    events saved since are (every change of a choice is one). Where events commit in id order
    (SQLite) the verification is recorded in the gradebook, so a new process, too, checks only
    the events since; on PostgreSQL every call checks the choices in use in full. A full check
    is redone once it is RECHECK_AFTER old. Raises RubricChangeRefused naming what to map.
    """
    current = ctx.files.rubric(assignment_id)
    key = (assignment_id, current.content_hash)
    with _checked_lock:
        seen = _checked.setdefault(ctx.store, {}).get(key)
    if seen is None:
        seen = _recorded(ctx, assignment_id, current.content_hash)
    if seen is not None and utc_now() - seen.checked_at < RECHECK_AFTER:
        since = ctx.store.choices_since(assignment_id, seen.event_id)
        if since is not None and not any(_is_stale(current, cid, choice) for cid, choice in since[1]):
            recorded = seen.recorded_id
            if since[0] - recorded >= PERSIST_EVERY:
                recorded = _record(ctx, assignment_id, current.content_hash, since[0], seen.checked_at)
            with _checked_lock:
                _checked.setdefault(ctx.store, {})[key] = _Checked(since[0], seen.checked_at, recorded)
            return current
    checked_at = utc_now()
    newest = ctx.store.last_event_id()  # read first: events saved during the check are checked again
    counts: Counter[tuple[str, str, str]] = Counter()
    for criterion_id, choice, submissions in ctx.store.choices_in_use(assignment_id):
        criterion = current.criterion(criterion_id)
        if criterion is not None:
            for kind, label in stale_parts(criterion, choice):
                counts[(criterion_id, kind, label)] += submissions
    if counts:
        with _checked_lock:
            _checked.setdefault(ctx.store, {}).pop(key, None)
        unmapped = [UnmappedChoice(c, k, lb, n) for (c, k, lb), n in sorted(counts.items())]
        raise RubricChangeRefused(refusal_message(assignment_id, unmapped))
    recorded = _record(ctx, assignment_id, current.content_hash, newest, checked_at)
    with _checked_lock:
        _checked.setdefault(ctx.store, {})[key] = _Checked(newest, checked_at, recorded)
    return current


def _recorded(ctx: CourseContext, assignment_id: str, rubric_hash: str) -> _Checked | None:
    """The verification another process recorded for this rubric, where it can be extended."""
    if not ctx.store.events_in_commit_order:
        return None
    found = ctx.store.rubric_check(assignment_id)
    if found is None or found[0] != rubric_hash:
        return None
    return _Checked(found[1], found[2], found[1])


def _record(
    ctx: CourseContext, assignment_id: str, rubric_hash: str, event_id: int, checked_at: datetime
) -> int:
    """Record the verification for later processes; the event id to record again after.

    Best effort: a gradebook this user may only read, or one busy past the timeout, is still
    checked correctly, just in full again by the next process (and not retried on every call).
    """
    if ctx.store.events_in_commit_order:
        with suppress(GraderError):
            ctx.store.record_rubric_check(assignment_id, rubric_hash, event_id, checked_at=checked_at)
    return event_id


def _is_stale(rubric: Rubric, criterion_id: str, choice: CriterionChoice) -> bool:
    criterion = rubric.criterion(criterion_id)
    return criterion is not None and bool(stale_parts(criterion, choice))


def ensure_accepted(ctx: CourseContext, assignment_id: str, rubric: Rubric) -> None:
    """The first rubric used for grading becomes the accepted baseline for later diffs."""
    if ctx.store.accepted_rubric(assignment_id) is None:
        ctx.store.accept_rubric(
            assignment_id, rubric.content_hash, rubric.to_dict(), actor=ctx.actor, now=utc_now()
        )


def parse_mapping(text: str) -> tuple[str, str, str | None]:
    """'criterion:Old label=New label' (an empty new label clears the choice)."""
    head, sep, new = text.partition("=")
    criterion_id, colon, old = head.partition(":")
    if not sep or not colon or not criterion_id.strip() or not old.strip():
        raise GraderError(f"--map expects 'CRITERION:OLD=NEW' (or 'CRITERION:OLD=' to clear), got '{text}'")
    return criterion_id.strip(), old.strip(), new.strip() or None


def _mapping_table(current: Rubric, mappings: list[str]) -> dict[str, dict[str, str | None]]:
    """--map arguments as {criterion: {old label: new label or None}}, each target checked."""
    table: dict[str, dict[str, str | None]] = {}
    for text in mappings:
        criterion_id, old, new = parse_mapping(text)
        criterion = current.criterion(criterion_id)
        if criterion is None:
            raise GraderError(f"--map names criterion '{criterion_id}', which the current rubric lacks")
        problem = mapping_target_problem(criterion, new)
        if problem:
            raise GraderError(f"--map {text}: {problem}")
        table.setdefault(criterion_id, {})[old] = new
    return table


def apply_rubric(ctx: CourseContext, assignment_id: str, mappings: list[str]) -> int:
    """Accept the current rubric, rewriting mapped choices as grade events (how many); refuse if
    any stay unmapped."""
    accepted = ctx.store.accepted_rubric(assignment_id)
    current = ctx.files.rubric(assignment_id)
    table = _mapping_table(current, mappings)
    changes: list[ChoiceChange] = []
    remapped: dict[str, SubmissionGrade] = {}
    for student_id, grade in ctx.store.grades(assignment_id).items():
        choices = dict(grade.choices)
        for criterion_id, choice in grade.choices.items():
            criterion = current.criterion(criterion_id)
            if criterion is None or criterion_id not in table:
                continue
            updated = remap_choice(criterion, choice, table[criterion_id])
            if updated != choice:
                choices[criterion_id] = updated
                changes.append(ChoiceChange(assignment_id, student_id, criterion_id, updated, grade.version))
        remapped[student_id] = replace(grade, choices=choices)
    still = unmapped_choices(current, remapped)
    if still:
        raise RubricChangeRefused(refusal_message(assignment_id, still))
    now = utc_now()
    if changes:
        from grader.gradebook.summary import summarizer  # it scores with rubric_in_force, from here

        ctx.store.save(
            changes,
            actor=ctx.actor,
            rubric_hash=current.content_hash,
            source=EventSource.RUBRIC_APPLY,
            now=now,
            summarize=summarizer(ctx, assignment_id, current),
        )
    ctx.store.accept_rubric(assignment_id, current.content_hash, current.to_dict(), actor=ctx.actor, now=now)
    ctx.store.audit(
        "rubric accepted",
        {
            "assignment": assignment_id,
            "rubric_hash": current.content_hash,
            "previous_hash": accepted[0] if accepted else None,
            "mappings": mappings,
            "choices_rewritten": len(changes),
        },
        actor=ctx.actor,
        now=now,
    )
    return len(changes)
