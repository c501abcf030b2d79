"""Which file the viewer opens first, from a listing (no criterion file: the README, else code)."""

from __future__ import annotations

from grader.domain.checkout_entry import Entry
from grader.tui.widgets.first_file import first_file

LISTING = (
    Entry(".gitignore", "file", 20),
    Entry("data.csv", "file", 90_000),
    Entry("docs", "dir", 0),
    Entry("docs/readme.txt", "file", 50),
    Entry("main.py", "file", 400),
    Entry("src", "dir", 0),
    Entry("src/engine.py", "file", 3_000),
    Entry("src/util.js", "file", 900),
)


def test_the_criterion_file_comes_first() -> None:
    assert first_file(LISTING, (LISTING[4],)) == LISTING[4]


def test_else_the_readme_nearest_the_top() -> None:
    top = Entry("README.md", "file", 10)
    assert first_file((*LISTING, top)) == top
    assert first_file(LISTING) == Entry("docs/readme.txt", "file", 50)


def test_else_the_largest_source_file_not_the_largest_file() -> None:
    without_readme = tuple(e for e in LISTING if "readme" not in e.path)
    assert first_file(without_readme) == Entry("src/engine.py", "file", 3_000)


def test_else_the_first_file_and_none_without_files() -> None:
    assert first_file((Entry("notes", "file", 5), Entry("a.csv", "file", 9))) == Entry("notes", "file", 5)
    assert first_file((Entry("docs", "dir", 0), Entry("link", "link", 4, "x"))) is None
