"""grader.git.worktree: listing and reading a checkout without ever following a link."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from git_helpers import commit

from grader.domain.checkout_entry import Entry
from grader.git.checkout import checkout
from grader.git.fabricate import Gitlink, Push, Symlink, fabricate
from grader.git.limits import Limits
from grader.git.tree import TreeReport
from grader.git.worktree import ViewRefused, list_checkout, read_checkout_file


@pytest.fixture
def checked_out(tmp_path: Path) -> tuple[Path, TreeReport]:
    repo = tmp_path / "r.git"
    files = {
        "main.py": "print(1)\n",
        "docs/notes.md": "# notes\n",
        "docs/link.md": Symlink("../main.py"),
        "vendor/lib": Gitlink("1" * 40),
        "bad \udcff.txt": "undecodable name",
    }
    made = fabricate(repo, [Push((commit(1, files),))])
    dest = tmp_path / "co"
    return dest, checkout(repo, made.head or "", dest, Limits(timeout=60))


def test_entries_are_listed_with_their_kind(checked_out: tuple[Path, TreeReport]) -> None:
    dest, report = checked_out
    assert list_checkout(dest, report) == [
        Entry("bad \udcff.txt", "file", 16),
        Entry("docs", "dir", 0),
        Entry("docs/link.md", "link", len("../main.py"), "../main.py"),
        Entry("docs/notes.md", "file", 8),
        Entry("main.py", "file", 9),
        Entry("vendor", "dir", 0),
        Entry("vendor/lib", "submodule", 0),
    ]
    kinds = {entry.path: entry.kind for entry in list_checkout(dest)}
    assert kinds["docs/link.md"] == "file" and kinds["vendor/lib"] == "dir", (
        "without a report: what is on disk"
    )


def test_a_real_link_on_disk_is_listed_not_followed(tmp_path: Path) -> None:
    (tmp_path / "co" / "sub").mkdir(parents=True)
    (tmp_path / "co" / "etc").symlink_to("/etc")
    (tmp_path / "co" / "sub" / "pw").symlink_to("/etc/passwd")
    entries = list_checkout(tmp_path / "co")
    assert Entry("etc", "link", 0, "/etc") in entries and Entry("sub/pw", "link", 0, "/etc/passwd") in entries
    assert not any(entry.path.startswith("etc/") for entry in entries)


def test_files_are_read_up_to_the_cap(checked_out: tuple[Path, TreeReport]) -> None:
    dest, _ = checked_out
    assert read_checkout_file(dest, "docs/notes.md") == b"# notes\n"
    assert read_checkout_file(dest, "./docs/notes.md") == b"# notes\n"
    assert read_checkout_file(dest, "main.py", max_bytes=5) == b"print"
    assert read_checkout_file(dest, "bad \udcff.txt") == b"undecodable name"
    assert read_checkout_file(dest, "docs/link.md") == b"../main.py", "a link's text, not the file it names"


@pytest.mark.parametrize(
    ("relpath", "expected"),
    [
        ("../r.git/config", "not a path inside"),
        ("docs/../../r.git/HEAD", "not a path inside"),
        ("/etc/passwd", "not a path inside"),
        ("", "not a path inside"),
        (".", "not a path inside"),
        ("a\0b", "not a path inside"),
        ("nope.txt", "does not exist"),
        ("docs", "not a regular file"),
        ("main.py/x", "not inside a folder"),
    ],
)
def test_paths_outside_or_odd_are_refused(
    checked_out: tuple[Path, TreeReport], relpath: str, expected: str
) -> None:
    dest, _ = checked_out
    with pytest.raises(ViewRefused, match=expected):
        read_checkout_file(dest, relpath)


def test_links_on_disk_are_never_followed(tmp_path: Path) -> None:
    root = tmp_path / "co"
    (root / "real").mkdir(parents=True)
    (root / "real" / "f.txt").write_text("inside")
    (root / "passwd").symlink_to("/etc/passwd")
    (root / "etc").symlink_to("/etc")
    (root / "alias").symlink_to("real")
    os.mkfifo(root / "fifo")
    with pytest.raises(ViewRefused, match=r"'passwd' is a link → '/etc/passwd' \(not followed\)"):
        read_checkout_file(root, "passwd")
    with pytest.raises(ViewRefused, match=r"is a link → '/etc' \(not followed\)"):
        read_checkout_file(root, "etc/passwd")
    with pytest.raises(ViewRefused, match="is a link"):
        read_checkout_file(root, "alias/f.txt")
    with pytest.raises(ViewRefused, match="not a regular file"):
        read_checkout_file(root, "fifo")
    assert read_checkout_file(root, "real/f.txt") == b"inside"


def test_the_checkout_root_itself_may_be_reached_through_a_link(tmp_path: Path) -> None:
    (tmp_path / "co").mkdir()
    (tmp_path / "co" / "f").write_text("x")
    (tmp_path / "alias").symlink_to(tmp_path / "co")
    assert read_checkout_file(tmp_path / "alias", "f") == b"x"
    with pytest.raises(ViewRefused, match="cannot open the checkout"):
        read_checkout_file(tmp_path / "missing", "f")
