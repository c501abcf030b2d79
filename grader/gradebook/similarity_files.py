"""The whole files of a similar pair's fragments, for showing each fragment in its file: read from
the class's checkouts as they are now (raw student text: the UI sanitises it). An earlier
submission's side (``--against``) is not read here: its fragment's own lines stand for it."""

from __future__ import annotations

from grader.git.worktree import ViewRefused, read_checkout_file
from grader.gradebook.anonymity import typed_student
from grader.gradebook.context import CourseContext
from grader.gradebook.pull import checkout_of
from grader.gradebook.similarity_review import PairDetail
from grader.similarity.tokens import MAX_FILE_BYTES

Files = dict[str, list[str] | None]
"""Path → its lines, or None when it could not be read (refused, gone)."""


def _read(ctx: CourseContext, assignment_id: str, shown: str, paths: set[str]) -> Files:
    root = checkout_of(ctx, assignment_id, typed_student(ctx, shown, assignment_id))
    found: Files = {}
    for path in sorted(paths):
        try:
            data = read_checkout_file(root, path, max_bytes=MAX_FILE_BYTES + 1)
        except ViewRefused:
            found[path] = None
            continue
        found[path] = data.decode("utf-8", "replace").splitlines()
    return found


def pair_files(ctx: CourseContext, assignment_id: str, detail: PairDetail) -> tuple[Files, Files]:
    """Each side's files that hold a fragment of the pair (b's empty for an earlier submission)."""
    pair = detail.pair
    files_a = _read(ctx, assignment_id, pair.a, {f.fragment.path_a for f in detail.fragments})
    if pair.earlier:
        return files_a, {}
    return files_a, _read(ctx, assignment_id, pair.b, {f.fragment.path_b for f in detail.fragments})
