"""A similar pair as a grader reads it side by side: the whole files of its fragments, read from
the class's checkouts as they are now, and, in an anonymous assignment, every text scrubbed of
who wrote it (roster identity and the names on their commits → the pseudonym), as the grading
screens do. Raw student text otherwise: the UI sanitises it.

An earlier submission's side (``--against``) is not read here: its fragment's own lines stand for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from grader.git.worktree import ViewRefused, read_checkout_file
from grader.gradebook.anonymity import typed_student
from grader.gradebook.checkout_files import scrubber
from grader.gradebook.context import CourseContext
from grader.gradebook.pull import checkout_of
from grader.gradebook.similarity_review import FragmentText, PairDetail
from grader.similarity.tokens import MAX_FILE_BYTES

Scrub = Callable[[str], str]
Files = dict[str, list[str] | None]
"""Path → its lines, or None when it could not be read (refused, gone)."""


def _read(ctx: CourseContext, assignment_id: str, student_id: str, paths: set[str], scrub: Scrub) -> Files:
    root = checkout_of(ctx, assignment_id, student_id)
    found: Files = {}
    for path in sorted(paths):
        try:
            data = read_checkout_file(root, path, max_bytes=MAX_FILE_BYTES + 1)
        except ViewRefused:
            found[path] = None
            continue
        found[path] = scrub(data.decode("utf-8", "replace")).splitlines()
    return found


def pair_files(ctx: CourseContext, assignment_id: str, detail: PairDetail) -> tuple[PairDetail, Files, Files]:
    """The pair with its fragments' text as graders may read it, and each side's files that
    hold a fragment (b's empty for an earlier submission). Each side is scrubbed of both
    students: a copy carries the name of the student it was copied from."""
    pair = detail.pair
    id_a = typed_student(ctx, pair.a, assignment_id)
    scrub_a = scrubber(ctx, assignment_id, id_a)
    if pair.earlier:
        files_a = _read(ctx, assignment_id, id_a, {f.fragment.path_a for f in detail.fragments}, scrub_a)
        texts = [replace(f, text_a=scrub_a(f.text_a)) for f in detail.fragments]
        return replace(detail, fragments=texts), files_a, {}
    id_b = typed_student(ctx, pair.b, assignment_id)
    scrub_b = scrubber(ctx, assignment_id, id_b)

    def scrub(text: str) -> str:
        return scrub_b(scrub_a(text))

    files_a = _read(ctx, assignment_id, id_a, {f.fragment.path_a for f in detail.fragments}, scrub)
    files_b = _read(ctx, assignment_id, id_b, {f.fragment.path_b for f in detail.fragments}, scrub)
    texts = [FragmentText(f.fragment, scrub(f.text_a), scrub(f.text_b)) for f in detail.fragments]
    return replace(detail, fragments=texts), files_a, files_b
