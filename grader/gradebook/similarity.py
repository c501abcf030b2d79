"""Similar submissions: compare every pair of an assignment's graded checkouts (and earlier
submissions with ``against``) by winnowed token fingerprints, starter code and code most of the
class shares left out; results cached in the gradebook by the two commits and the settings.

``run_similarity`` is a generator yielding :class:`Progress` and, last, a
:class:`SimilarityReport`; closing it early stops the run and saves nothing. Reading the stored
results, a pair's fragments and verdicts: ``grader.gradebook.similarity_review``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from grader.domain.errors import GraderError
from grader.domain.progress import Progress
from grader.domain.similarity import Settings, Submission, exclusion_digest, settings_problem, shared_hashes
from grader.domain.similarity_pairs import PairScore, kept_sizes, score_pair, shared_counts, worth_comparing
from grader.domain.similarity_records import PairKey
from grader.gradebook.context import CourseContext, utc_now
from grader.gradebook.pull import checkout_of, mirror_of
from grader.gradebook.similarity_review import PairResult, similarity_pairs
from grader.gradebook.similarity_sources import Read, read_commit, read_folder, starter_commit, submission

__all__ = ["PairResult", "SimilarityReport", "run_similarity"]

PROGRESS_EVERY = 50
"""Pairs scored between two progress reports."""
NewPair = tuple[PairKey, PairScore, str]


@dataclass(frozen=True)
class SimilarityReport:
    """What a run found: the pairs (most similar first) and how much work was reused."""

    assignment_id: str
    pairs: list[PairResult]
    submissions: int
    compared: int
    """Pairs computed by this run."""
    reused: int
    """Pairs whose cached result was still valid (same commits, settings and left-out code)."""
    skipped: list[tuple[str, str, str]]
    """(who, path, reason) of every file not compared."""
    settings: dict[str, object]


@dataclass(frozen=True)
class _Source:
    key: str
    commit: str
    root: Path
    mirror: Path | None
    source: str
    """Where its files are for ``pair_detail``: "", ``assignment:ID:STUDENT`` or ``folder:PATH``."""


def _pulled(ctx: CourseContext, assignment_id: str) -> list[_Source]:
    found = []
    for student_id, state in sorted(ctx.store.pull_states(assignment_id).items()):
        commit = state.checked_out or state.graded_commit
        root = checkout_of(ctx, assignment_id, student_id)
        if commit and root.is_dir():
            found.append(_Source(student_id, commit, root, mirror_of(ctx, assignment_id, student_id), ""))
    return found


def _against(ctx: CourseContext, assignment_id: str, value: str) -> list[_Source]:
    """Earlier submissions: another assignment of the course, or a folder of submission folders."""
    if ctx.files.course.assignment(value) is not None:
        if value == assignment_id:
            raise GraderError(f"--against {value}: that is the assignment being checked; name another one")
        return [
            _Source(f"{value}/{s.key}", s.commit, s.root, s.mirror, f"assignment:{value}:{s.key}")
            for s in _pulled(ctx, value)
        ]
    folder = Path(value).expanduser()
    if not folder.is_dir():
        known = ", ".join(a.id for a in ctx.files.course.assignments)
        raise GraderError(
            f"--against {value}: neither an assignment of this course ({known}) nor a folder "
            "holding one folder per earlier submission"
        )
    subs = sorted(
        p for p in folder.iterdir() if p.is_dir() and not p.is_symlink() and not p.name.startswith(".")
    )
    if not subs:
        raise GraderError(f"--against {value}: the folder holds no submission folders (one folder each)")
    return [_Source(f"{folder.name}/{p.name}", "", p, None, f"folder:{p.resolve()}") for p in subs]


STARTER_QUORUM = 3
"""At least this many submissions (and at least the shared share of the class) must begin from
one first commit's files for it to count as the starter."""


def run_similarity(
    ctx: CourseContext, assignment_id: str, settings: Settings, against: Sequence[str] = ()
) -> Iterator[Progress | SimilarityReport]:
    """Compare the assignment's graded checkouts pairwise (and with ``against``), yielding
    progress, then the report; the results are kept in the gradebook."""
    ctx.files.rubric(assignment_id)  # names the known assignments when it is not one
    problem = settings_problem(settings)
    if problem is not None:
        raise GraderError(problem)
    pulled = _pulled(ctx, assignment_id)
    if not pulled:
        raise GraderError(f"nothing pulled yet for {assignment_id}: run grader pull {assignment_id} first")
    earlier = [s for value in against for s in _against(ctx, assignment_id, value)]
    sources = pulled + earlier
    submissions: list[Submission] = []
    skipped: list[tuple[str, str, str]] = []
    starters: dict[str, frozenset[int]] = {}
    total = 2 * len(sources) + 1
    firsts: dict[str, tuple[str, str] | None] = {}
    for done, source in enumerate(sources):
        yield Progress(done, total, f"finding the starter {done + 1} of {len(sources)}")
        firsts[source.key] = _first_commit(source)
    trees = Counter(found[1] for s in pulled if (found := firsts[s.key]) is not None)
    # a template's first commit is shared by most of the class; two or three students sharing one
    # cloned a repository: that is what a comparison must see, never left out as a starter
    starter_quorum = max(STARTER_QUORUM, math.ceil(settings.shared_share * len(pulled)))
    template = _template(ctx, assignment_id, settings)
    for done, source in enumerate(sources):
        yield Progress(len(sources) + done, total, f"reading {done + 1} of {len(sources)}")
        read = read_folder(source.root)
        first = firsts[source.key]
        shared = first is not None and trees[first[1]] >= starter_quorum
        starter = _starter(source, first[0], settings, starters) if shared and first else frozenset()
        starter = template if template is not None else starter
        commit = source.commit or f"dir:{read.digest}"
        in_class = not source.source
        submissions.append(submission(source.key, commit, read, settings, starter=starter, in_class=in_class))
        skipped.extend((source.key, path, reason) for path, reason in read.skipped)
    yield Progress(2 * len(sources), total, "comparing")
    report = yield from _compare(
        ctx, assignment_id, settings, submissions, {s.key: s.source for s in sources}
    )
    yield SimilarityReport(
        assignment_id,
        similarity_pairs(ctx, assignment_id),
        len(pulled),
        report[0],
        report[1],
        skipped,
        settings.as_dict(),
    )


def _template(ctx: CourseContext, assignment_id: str, settings: Settings) -> frozenset[int] | None:
    """Hashes of the code in the assignment's configured starter folder (course.yaml
    ``starter:``), None when none is configured (a first commit the class shares stands in)."""
    assignment = ctx.files.course.assignment(assignment_id)
    if assignment is None or not assignment.starter:
        return None
    folder = ctx.root / assignment.starter
    if not folder.is_dir() or folder.is_symlink():
        raise GraderError(
            f"course.yaml: assignment {assignment_id}: starter: {assignment.starter} is not a folder "
            f"(expected a folder, relative to {ctx.root}, holding the code students began from)"
        )
    found = submission("", "starter", read_folder(folder), settings)
    return frozenset(p.hash for p in found.prints)


def _first_commit(source: _Source) -> tuple[str, str] | None:
    """The first commit of the submission's history and its tree, None for a history of one
    commit (all of it the student's) or when the mirror cannot tell."""
    if source.mirror is None or not source.commit:
        return None
    found = starter_commit(source.mirror, source.commit)
    return None if found is None or found[0] == source.commit else found


def _starter(
    source: _Source, root: str, settings: Settings, cache: dict[str, frozenset[int]]
) -> frozenset[int]:
    """Hashes of the code in the submission's first commit (cached per commit). Only a first
    commit whose files the class shares is a starter: one that only this student has is their
    own work (or what they copied), never left out."""
    if root not in cache and source.mirror is not None:
        files = read_commit(source.mirror, root)
        empty = submission("", root, Read(files, [], ""), settings)
        cache[root] = frozenset(p.hash for p in empty.prints)
    return cache.get(root, frozenset())


def _compare(
    ctx: CourseContext,
    assignment_id: str,
    settings: Settings,
    submissions: list[Submission],
    sources: dict[str, str],
) -> Generator[Progress, None, tuple[int, int]]:
    """Score every pair worth it (reusing cached results, yielding progress), then save the
    run; (computed, reused)."""
    left_out = shared_hashes(submissions, settings.shared_share)
    # what was left out of each side: the code most of the class shares, and its starter
    digests = [exclusion_digest(s.hashes & left_out) + exclusion_digest(s.starter)[:8] for s in submissions]
    base = settings.digest()
    keys: dict[tuple[int, int], PairKey] = {}
    sizes = kept_sizes(submissions, left_out)
    for (i, j), shared in shared_counts(submissions, left_out).items():
        a, b = submissions[i], submissions[j]
        if worth_comparing(sizes[i], sizes[j], shared, settings):
            cache_key = f"{base}:{digests[i]}:{digests[j]}"
            keys[(i, j)] = PairKey(assignment_id, a.key, b.key, a.commit, b.commit, cache_key)
    cached = ctx.store.cached_pairs(assignment_id, [k.cache_key for k in keys.values()])
    reused = [cached[key].id for key in keys.values() if key in cached]
    todo = [(pair, key) for pair, key in sorted(keys.items()) if key not in cached]
    new: list[NewPair] = []
    for done, ((i, j), key) in enumerate(todo):
        if done % PROGRESS_EVERY == 0:
            yield Progress(done, len(todo), f"comparing {len(todo):,} pairs ({len(reused):,} reused)")
        score = score_pair(submissions[i], submissions[j], left_out, settings)
        new.append((key, score, sources[submissions[j].key]))
    yield Progress(len(todo), len(todo), "saving")
    ctx.store.save_similarity_run(
        assignment_id, new, reused, settings.as_dict(), actor=ctx.actor, now=utc_now()
    )
    return len(new), len(reused)
