"""What the viewer may show of a checkout: files, links described, binaries, bidi, caps, diffs."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "git"))
from git_helpers import commit

from grader.domain.checkout_entry import Entry
from grader.git.checkout import checkout
from grader.git.fabricate import Push, Symlink, fabricate
from grader.git.limits import Limits
from grader.gradebook.checkout_files import (
    MAX_VIEW_BYTES,
    PREVIOUS,
    STARTER,
    list_files,
    matching,
    read_diff,
    read_file,
)
from grader.gradebook.context import CourseContext, open_course
from grader.gradebook.pull import checkout_path, mirror_path

A1 = "a1-calculator"
STUDENT = "00123"


@pytest.fixture
def pulled(course_dir: Path) -> Iterator[tuple[CourseContext, str]]:
    """A checkout and mirror for one student, as a pull leaves them."""
    mirror = mirror_path(course_dir, A1, STUDENT)
    files1 = {"main.py": "print(1)\n", "README.md": "# starter\n"}
    files2 = {
        "main.py": "print(2)\n",
        "README.md": "# mine\n",
        "leak.txt": Symlink("/etc/passwd"),
        "trojan.py": "x = 'a\u202eb'\n",
        "big.txt": "y" * (MAX_VIEW_BYTES + 10),
        "blob.bin": b"\0\1\2\3",
        "tests/test_main.py": "def test(): pass\n",
        "bad\udcff.py": "1\n",
    }
    made = fabricate(mirror, [Push((commit(1, files1), commit(2, files2)))])
    checkout(mirror, made.head or "", checkout_path(course_dir, A1, STUDENT), Limits(timeout=60))
    with open_course(course_dir, actor="t") as ctx:
        yield ctx, made.head or ""


def test_files_are_listed_with_links_from_the_commit(pulled: tuple[CourseContext, str]) -> None:
    ctx, head = pulled
    listing = list_files(ctx, A1, STUDENT, head)
    kinds = {e.path: e.kind for e in listing.entries}
    assert kinds["leak.txt"] == "link" and kinds["main.py"] == "file" and kinds["tests"] == "dir"
    assert list_files(ctx, A1, "00124", None).note == "no checkout: pull this submission first"


def test_each_kind_of_file_is_shown_safely(pulled: tuple[CourseContext, str]) -> None:
    ctx, head = pulled
    entries = {e.path: e for e in list_files(ctx, A1, STUDENT, head).entries}
    link = read_file(ctx, A1, STUDENT, entries["leak.txt"])
    assert (link.kind, link.text) == ("link", "link → /etc/passwd (not followed)")
    assert read_file(ctx, A1, STUDENT, entries["main.py"]).text == "print(2)\n"
    trojan = read_file(ctx, A1, STUDENT, entries["trojan.py"])
    assert trojan.kind == "text" and trojan.bidi
    big = read_file(ctx, A1, STUDENT, entries["big.txt"])
    assert big.truncated and len(big.text) == MAX_VIEW_BYTES and big.size == MAX_VIEW_BYTES + 10
    blob = read_file(ctx, A1, STUDENT, entries["blob.bin"])
    assert (blob.kind, blob.text) == ("binary", "binary file, 4 bytes")
    assert read_file(ctx, A1, STUDENT, entries["bad\udcff.py"]).text == "1\n"
    outside = read_file(ctx, A1, STUDENT, Entry("../../../../etc/passwd", "file", 0))
    assert outside.kind == "refused" and "root:" not in outside.text
    folder = read_file(ctx, A1, STUDENT, entries["tests"])
    assert folder.kind == "refused"


def test_criterion_globs_pick_files_at_any_depth_or_anchored(pulled: tuple[CourseContext, str]) -> None:
    ctx, head = pulled
    entries = list_files(ctx, A1, STUDENT, head).entries
    paths = lambda globs: [e.path for e in matching(entries, globs)]  # noqa: E731
    assert paths(("*.py",)) == ["bad\udcff.py", "main.py", "tests/test_main.py", "trojan.py"]
    assert paths(("tests/**",)) == ["tests/test_main.py"]
    assert paths(("README.md",)) == ["README.md"]
    assert paths(("/main.py", "leak.txt")) == ["leak.txt", "main.py"]
    assert paths(()) == []


def test_diffs_against_the_starter_and_the_previous_commit(pulled: tuple[CourseContext, str]) -> None:
    ctx, head = pulled
    starter = read_diff(ctx, A1, STUDENT, head, STARTER)
    assert "+print(2)" in starter.text and starter.base and starter.bidi
    previous = read_diff(ctx, A1, STUDENT, head, PREVIOUS)
    assert previous.text == starter.text, "two commits: the parent is the starter"
    only = read_diff(ctx, A1, STUDENT, head, STARTER, ("README.md",))
    assert "+# mine" in only.text and "main.py" not in only.text
    assert read_diff(ctx, A1, "00124", None, STARTER).text == "no graded commit: nothing to compare"
    first = starter.base or ""
    assert "first commit" in read_diff(ctx, A1, STUDENT, first, PREVIOUS).text
