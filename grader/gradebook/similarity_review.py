"""Reviewing similar submissions: the latest run's pairs with their verdicts, one pair's
matching fragments as text, and the graders' verdicts (audited; confirming flags both
submissions and never changes a score).

Students are shown as graders see them (a pseudonym in a hidden anonymous assignment) and may be
typed either way. Strings returned are raw student text: the UI sanitises them before display.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from grader.domain.anonymity import Identities
from grader.domain.errors import GraderError
from grader.domain.similarity import VERDICTS
from grader.domain.similarity_figures import PairFigures
from grader.domain.similarity_pairs import Fragment
from grader.domain.similarity_records import StoredPair, Verdict, swapped
from grader.git.worktree import ViewRefused, read_checkout_file
from grader.gradebook.anonymity import identities, typed_students
from grader.gradebook.context import CourseContext, utc_now
from grader.gradebook.flagging import MAX_TEXT, set_flag
from grader.gradebook.pull import checkout_of
from grader.similarity.tokens import MAX_FILE_BYTES


@dataclass(frozen=True, kw_only=True)
class PairResult(PairFigures):
    """One pair as graders see it: its figures and verdict, and who is on each side."""

    a: str
    """How the first student is shown (id or pseudonym)."""
    b: str
    """How the second is shown; ``ASSIGNMENT/WHO`` or ``FOLDER/NAME`` for an earlier submission."""
    earlier: bool
    """b is an earlier term's submission or a folder's (``--against``)."""


@dataclass(frozen=True)
class FragmentText:
    fragment: Fragment
    text_a: str
    """Lines first_a..last_a of path_a in a's files (decoded with replacement characters)."""
    text_b: str


@dataclass(frozen=True)
class PairDetail:
    pair: PairResult
    commit_a: str
    commit_b: str
    fragments: list[FragmentText]


def _label(ctx: CourseContext, shown: Identities, key: str, source: str) -> str:
    if source.startswith("assignment:"):
        _, other, student_id = source.split(":", 2)
        return f"{other}/{identities(ctx, other).shown_id(student_id)}"
    if source.startswith("folder:"):
        return key
    return shown.shown_id(key)


def _stored(ctx: CourseContext, assignment_id: str) -> list[StoredPair]:
    ctx.files.rubric(assignment_id)  # names the known assignments when it is not one
    latest = ctx.store.latest_similarity_run(assignment_id)
    return latest[1] if latest else []


def _result(ctx: CourseContext, shown: Identities, pair: StoredPair, verdict: Verdict | None) -> PairResult:
    score = pair.score
    return PairResult(
        score.similarity_a,
        score.similarity_b,
        score.longest,
        len(score.fragments),
        verdict.verdict if verdict else None,
        verdict.note if verdict else "",
        verdict.actor if verdict else "",
        verdict.at if verdict else None,
        a=shown.shown_id(pair.key.a),
        b=_label(ctx, shown, pair.key.b, pair.source_b),
        earlier=bool(pair.source_b),
    )


def similarity_pairs(ctx: CourseContext, assignment_id: str) -> list[PairResult]:
    """The latest run's pairs with the verdict in force on each, most similar first (empty when
    ``grader similarity`` never ran on the assignment)."""
    shown = identities(ctx, assignment_id)
    verdicts = ctx.store.similarity_verdicts(assignment_id)
    found = [
        _result(ctx, shown, pair, verdicts.get((pair.key.a, pair.key.b)))
        for pair in _stored(ctx, assignment_id)
    ]
    return sorted(found, key=lambda p: (-p.similarity, -p.longest_lines, p.a, p.b))


def _find(ctx: CourseContext, assignment_id: str, a: str, b: str) -> tuple[StoredPair, bool]:
    """The stored pair of the typed students (ids or pseudonyms; b may be an earlier
    submission's label), and whether it is kept as (b, a)."""
    # not strict: b may be an earlier submission's label, which no roster names
    real_a, real_b = typed_students(ctx, [a, b], [assignment_id]) or [a, b]
    shown = identities(ctx, assignment_id)
    for pair in _stored(ctx, assignment_id):
        names_b = {pair.key.b, _label(ctx, shown, pair.key.b, pair.source_b)}
        if (pair.key.a == real_a and real_b in names_b) or (pair.key.a == real_b and real_a in names_b):
            return pair, pair.key.a != real_a
    raise GraderError(
        f"{a} and {b} are not a pair in the latest run of grader similarity {assignment_id} "
        f"(run it, or see its list of pairs)"
    )


def _lines(root: Path, path: str, first: int, last: int) -> str:
    try:
        data = read_checkout_file(root, path, max_bytes=MAX_FILE_BYTES + 1)
    except ViewRefused as exc:
        return f"[cannot read {path}: {exc}]"
    lines = data.decode("utf-8", "replace").splitlines()
    return "\n".join(lines[first - 1 : last])


def _root(ctx: CourseContext, assignment_id: str, key: str, source: str) -> Path:
    if source.startswith("assignment:"):
        _, other, student_id = source.split(":", 2)
        return checkout_of(ctx, other, student_id)
    if source.startswith("folder:"):
        return Path(source.removeprefix("folder:"))
    return checkout_of(ctx, assignment_id, key)


def pair_detail(ctx: CourseContext, assignment_id: str, a: str, b: str) -> PairDetail:
    """Both sides' text of each matching fragment (longest first), from a's view; the files are
    read from the checkouts as they are now (``commit_a``/``commit_b``: what was compared)."""
    pair, flipped = _find(ctx, assignment_id, a, b)
    shown = identities(ctx, assignment_id)
    verdict = ctx.store.similarity_verdicts(assignment_id).get((pair.key.a, pair.key.b))
    result = _result(ctx, shown, pair, verdict)
    root_a = _root(ctx, assignment_id, pair.key.a, "")
    root_b = _root(ctx, assignment_id, pair.key.b, pair.source_b)
    texts = [
        FragmentText(
            f, _lines(root_a, f.path_a, f.first_a, f.last_a), _lines(root_b, f.path_b, f.first_b, f.last_b)
        )
        for f in pair.score.fragments
    ]
    commits = (pair.key.commit_a, pair.key.commit_b)
    if flipped:
        score = swapped(pair.score)
        result = replace(
            result, a=result.b, b=result.a, similarity_a=score.similarity_a, similarity_b=score.similarity_b
        )
        texts = [FragmentText(g, t.text_b, t.text_a) for g, t in zip(score.fragments, texts, strict=True)]
        commits = commits[::-1]
    return PairDetail(result, commits[0], commits[1], texts)


def record_verdict(
    ctx: CourseContext, assignment_id: str, a: str, b: str, verdict: str, note: str
) -> Verdict:
    """Record a grader's verdict on a pair (``dismissed``, ``to discuss``, ``confirmed``), an
    audited event; the latest is in force. ``confirmed`` flags both submissions of the class
    (the existing flag, audited) and changes no score."""
    if verdict not in VERDICTS:
        raise GraderError(f"unknown verdict '{verdict}': use one of {', '.join(VERDICTS)}")
    text = note.strip()
    if len(text) > MAX_TEXT:
        raise GraderError(f"the note is {len(text)} characters long; keep it under {MAX_TEXT}")
    pair, _ = _find(ctx, assignment_id, a, b)
    details: dict[str, object] = {
        "assignment": assignment_id,
        "students": [pair.key.a, pair.key.b],
        "verdict": verdict,
        "note": text,
        "similarity": [str(pair.score.similarity_a), str(pair.score.similarity_b)],
    }
    made = ctx.store.record_similarity_verdict(
        Verdict(assignment_id, pair.key.a, pair.key.b, verdict, text, ctx.actor, utc_now()), details
    )
    if verdict == "confirmed":
        shown = identities(ctx, assignment_id)
        students = [pair.key.a] if pair.source_b else [pair.key.a, pair.key.b]
        for student_id, other in zip(students, [pair.key.b, pair.key.a], strict=False):
            other_shown = _label(ctx, shown, other, pair.source_b if other == pair.key.b else "")
            set_flag(
                ctx, assignment_id, student_id, f"similar to {other_shown}: confirmed copy. {text}".strip()
            )
    return made
