"""grader.git.tree and grader.git.limits: what a tree holds, and when it is over the limits."""

from __future__ import annotations

from pathlib import Path

import pytest
from git_helpers import commit

from grader.git.env import GitFailed
from grader.git.fabricate import Gitlink, Push, Symlink, fabricate
from grader.git.history import HistoryUnreadable
from grader.git.limits import Limits, human_bytes
from grader.git.tree import LINK_BYTES, TreeReport, inspect_tree, limit_problem

MB = 1024 * 1024
GITMODULES = """\
[submodule "lib"]
\tpath = vendor/lib
\turl = https://github.com/x/lib.git
[submodule "../../escape"]
\tpath = other
\turl = file:///etc
"""


def test_files_bytes_links_and_submodules_are_reported(tmp_path: Path) -> None:
    repo = tmp_path / "r.git"
    files = {
        "src/main.py": "print('hi')\n",
        "data/blob.bin": bytes(range(256)) * 4,
        "leak.txt": Symlink("/etc/passwd"),
        "up \udcff": Symlink("../../x"),
        "vendor/lib": Gitlink("1" * 40),
        "other": Gitlink("2" * 40),
        "lonely": Gitlink("3" * 40),
        ".gitmodules": GITMODULES,
        "naïve \udcff.txt": "latin-1 byte in the name",
    }
    made = fabricate(repo, [Push((commit(1, files),))])
    report = inspect_tree(repo, made.head or "")
    assert report.files == 6
    sizes = [12, 1024, len("/etc/passwd"), len("../../x"), len(GITMODULES), len("latin-1 byte in the name")]
    assert report.bytes == sum(sizes)
    assert sorted(report.links) == [("leak.txt", "/etc/passwd"), ("up \udcff", "../../x")]
    assert sorted(report.submodules) == [
        ("lonely", ""),
        ("other", "file:///etc"),
        ("vendor/lib", "https://github.com/x/lib.git"),
    ]
    assert report.complete
    assert list(tmp_path.iterdir()) == [repo], "inspecting writes nothing"


def test_a_long_link_target_is_not_read(tmp_path: Path) -> None:
    repo = tmp_path / "r.git"
    made = fabricate(repo, [Push((commit(1, {"big": Symlink("x" * (LINK_BYTES + 1))}),))])
    assert inspect_tree(repo, made.head or "").links == (("big", f"<{LINK_BYTES + 1:,} bytes, not read>"),)


def test_counting_stops_at_max_entries(tmp_path: Path) -> None:
    repo = tmp_path / "r.git"
    made = fabricate(repo, [Push((commit(1, {f"f{n}": "" for n in range(50)}),))])
    report = inspect_tree(repo, made.head or "", max_entries=10)
    assert not report.complete and 10 < report.files <= 50
    problem = limit_problem(report, Limits(max_files=100))
    assert problem == f"too many files: over {report.files:,} > 100 limit"


def test_an_unknown_commit_fails_clearly(tmp_path: Path) -> None:
    repo = tmp_path / "r.git"
    fabricate(repo, [Push((commit(1),))])
    with pytest.raises(GitFailed, match="tree of ffffffffffff"):
        inspect_tree(repo, "f" * 40)
    with pytest.raises(HistoryUnreadable):
        inspect_tree(repo, "--output=x")


@pytest.mark.parametrize(
    ("files", "size", "expected"),
    [
        (10, 300 * MB, "too large: 300 MB > 200 MB limit"),
        (200_000, 0, "too many files: 200,000 > 20,000 limit"),
        (30_000, 312 * MB, "too large: 312 MB > 200 MB limit; too many files: 30,000 > 20,000 limit"),
        (20_000, 200 * MB, None),
        (1, 200 * MB + 1, "too large: 209,715,201 bytes > 209,715,200 bytes limit"),
    ],
)
def test_limit_messages_name_the_size_or_count_and_the_limit(
    files: int, size: int, expected: str | None
) -> None:
    assert limit_problem(TreeReport(files, size, (), ()), Limits()) == expected


def test_sizes_read_like_du() -> None:
    assert [human_bytes(n) for n in (0, 1, 1023, 1024, 1536, 10 * 1024, 5 * MB // 2, 3 * 1024**3)] == [
        "0 bytes",
        "1 byte",
        "1,023 bytes",
        "1.0 KB",
        "1.5 KB",
        "10 KB",
        "2.5 MB",
        "3.0 GB",
    ]


@pytest.mark.parametrize("bad", [{"max_bytes": 0}, {"max_files": -1}, {"timeout": 0}])
def test_limits_must_be_positive(bad: dict[str, float]) -> None:
    with pytest.raises(Exception, match="must be positive"):
        Limits(**bad)  # type: ignore[arg-type]
