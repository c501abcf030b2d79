"""`grader export similarity`: the latest similarity run's pairs of an assignment as one
self-contained HTML page, for an academic-integrity case.

Pairs are chosen as ``grader similarity`` lists them (most similar first, ``limit``), or only
the confirmed ones, so that no other student is named. Students are shown as graders see them:
a pseudonym, and every fragment, path and note scrubbed by the one scrubber
(``checkout_files.scrubber``), while an anonymous assignment's identities are hidden. The page is
written a pair at a time through the durable writer, yielding progress.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from grader.domain.errors import GraderError
from grader.domain.progress import Progress
from grader.domain.similarity_records import SimilarityRun
from grader.durable import Access, staged_file
from grader.exports.similarity_data import (
    Excerpt,
    PageHead,
    PairFacts,
    PairPage,
    Person,
    RunFacts,
    SideBySide,
)
from grader.exports.similarity_page import page_end, page_start, pair_section
from grader.gradebook.anonymity import identities
from grader.gradebook.checkout_files import scrubber
from grader.gradebook.context import STATE_DIR, CourseContext, utc_now
from grader.gradebook.report import default_folder_ready
from grader.gradebook.similarity_review import PairResult, pair_detail, similarity_pairs

CONFIRMED = "confirmed"
Scrub = Callable[[str], str]


@dataclass(frozen=True)
class PageRequest:
    assignment_id: str
    limit: int | None
    """Most similar pairs included (None: all of them)."""
    confirmed_only: bool = False


def default_page_path(ctx: CourseContext, request: PageRequest) -> Path:
    suffix = "-confirmed" if request.confirmed_only else ""
    return ctx.root / STATE_DIR / f"similarity-{request.assignment_id}{suffix}.html"


class _Sides:
    """Who each side of a pair is on the page, and the scrubber of their text (read once each)."""

    def __init__(self, ctx: CourseContext, assignment_id: str) -> None:
        self.ctx = ctx
        self.assignment_id = assignment_id
        self._scrubbers: dict[tuple[str, str], Scrub] = {}

    def _scrubber(self, assignment_id: str, student_id: str) -> Scrub:
        key = (assignment_id, student_id)
        if key not in self._scrubbers:
            self._scrubbers[key] = scrubber(self.ctx, assignment_id, student_id)
        return self._scrubbers[key]

    def _student(self, assignment_id: str, shown_label: str) -> tuple[Person, Scrub]:
        shown = identities(self.ctx, assignment_id)
        student_id = (shown.real_id(shown_label) if shown.hidden else None) or shown_label
        student = self.ctx.files.students_by_id.get(student_id)
        name = student.name if student is not None and not shown.hidden else ""
        return Person(shown_label, name), self._scrubber(assignment_id, student_id)

    def of(self, label: str, earlier: bool) -> tuple[Person, Scrub]:
        if not earlier:
            return self._student(self.assignment_id, label)
        where, _, who = label.partition("/")
        if self.ctx.files.course.assignment(where) is not None:
            person, scrub = self._student(where, who)
            current = identities(self.ctx, self.assignment_id)
            if current.hidden:  # never a name or real id beside this assignment's pseudonyms
                earlier_view = identities(self.ctx, where)
                student_id = (earlier_view.real_id(who) if earlier_view.hidden else None) or who
                label = f"{where}/{current.shown_id(student_id)}"
                return Person(label, "", f"earlier submission, {where}"), scrub
            return Person(label, person.name, f"earlier submission, {where}"), scrub
        return Person(label, "", "earlier submission, folder"), lambda text: text


def _facts(number: int, pair: PairResult, sides: _Sides) -> tuple[PairFacts, Scrub, Scrub]:
    a, scrub_a = sides.of(pair.a, False)
    b, scrub_b = sides.of(pair.b, pair.earlier)
    facts = PairFacts(
        pair.similarity_a,
        pair.similarity_b,
        pair.longest_lines,
        pair.fragments,
        pair.verdict,
        scrub_b(scrub_a(pair.note)),
        pair.recorded_by,
        pair.recorded_at,
        number=number,
        a=a,
        b=b,
    )
    return facts, scrub_a, scrub_b


def _page(
    ctx: CourseContext, assignment_id: str, facts: PairFacts, pair: PairResult, scrubs: tuple[Scrub, Scrub]
) -> PairPage:
    scrub_a, scrub_b = scrubs

    def scrub(text: str) -> str:  # both students on each side: a copy carries the other's name
        return scrub_b(scrub_a(text))

    detail = pair_detail(ctx, assignment_id, pair.a, pair.b)
    fragments = tuple(
        SideBySide(
            Excerpt(scrub(f.fragment.path_a), f.fragment.first_a, f.fragment.last_a, scrub(f.text_a)),
            Excerpt(scrub(f.fragment.path_b), f.fragment.first_b, f.fragment.last_b, scrub(f.text_b)),
        )
        for f in detail.fragments
    )
    return PairPage(facts, fragments)


def _chosen(request: PageRequest, pairs: list[PairResult]) -> tuple[list[PairResult], str]:
    """The pairs the page holds, and a sentence saying which."""
    assignment_id = request.assignment_id
    if request.confirmed_only:
        confirmed = [p for p in pairs if p.verdict == CONFIRMED]
        if not confirmed:
            raise GraderError(
                f"no pair of {assignment_id} is confirmed (of {len(pairs)} pairs in the latest run), so "
                f"there is nothing to write; record one with grader similarity verdict {assignment_id} "
                "A B --verdict confirmed, or export without --confirmed-only"
            )
        chosen = confirmed[: request.limit] if request.limit else confirmed
        return chosen, (
            f"This page holds the {len(chosen)} pair(s) confirmed as copies, most similar first; "
            f"the other {len(pairs) - len(chosen)} pair(s) of the run are left out."
        )
    if not pairs:
        raise GraderError(
            f"the latest run of grader similarity {assignment_id} found no similar pairs: "
            "there is nothing to write"
        )
    chosen = pairs[: request.limit] if request.limit else pairs
    if len(chosen) == len(pairs):
        return chosen, f"This page holds all {len(pairs)} pair(s) of the run, most similar first."
    return chosen, (
        f"This page holds the {len(chosen)} most similar of the run's {len(pairs)} pairs "
        "(grader export similarity --limit N for more)."
    )


def _head(
    ctx: CourseContext, run: SimilarityRun, selection: str, facts: list[PairFacts], now: datetime
) -> PageHead:
    assignment_id = run.assignment_id
    course = ctx.files.course
    assignment = course.assignment(assignment_id)
    title = assignment.title if assignment is not None else assignment_id
    return PageHead(
        course.id,
        course.title,
        course.term,
        assignment_id,
        title,
        now,
        RunFacts(run.at, run.actor, run.settings, run.compared, run.reused),
        selection,
        identities(ctx, assignment_id).hidden,
        tuple(facts),
        assignment.starter if assignment is not None else "",
    )


def write_similarity_page(
    ctx: CourseContext, request: PageRequest, dest: Path | None = None, now: datetime | None = None
) -> Iterator[Progress | Path]:
    """Choose the pairs, write the page a pair at a time (atomically: a failure or an early
    close leaves no file), yielding progress; the path written last."""
    assignment_id = request.assignment_id
    ctx.files.rubric(assignment_id)  # names the known assignments when it is not one
    latest = ctx.store.latest_similarity_run(assignment_id)
    if latest is None:
        raise GraderError(
            f"grader similarity has not been run on {assignment_id} yet: run grader similarity "
            f"{assignment_id} first, then export its pairs"
        )
    chosen, selection = _chosen(request, similarity_pairs(ctx, assignment_id))
    path = dest or default_page_path(ctx, request)
    if dest is None:
        default_folder_ready(path)
    sides = _Sides(ctx, assignment_id)
    found = [_facts(number, pair, sides) for number, pair in enumerate(chosen, start=1)]
    head = _head(ctx, latest[0], selection, [facts for facts, _, _ in found], now or utc_now())
    total = len(chosen) + 1
    with staged_file(path, Access.SHARED) as staged:
        staged.stream.write(page_start(head).encode("utf-8"))
        for done, (pair, (facts, scrub_a, scrub_b)) in enumerate(zip(chosen, found, strict=True)):
            yield Progress(done, total, f"pair {done + 1} of {len(chosen)}")
            page = _page(ctx, assignment_id, facts, pair, (scrub_a, scrub_b))
            staged.stream.write(pair_section(page).encode("utf-8"))
        yield Progress(len(chosen), total, "writing the page")
        staged.stream.write(page_end(head).encode("utf-8"))
    yield Progress(total, total, "page written")
    yield path
