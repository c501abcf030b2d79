"""grader.git.diff: the starter, the previous commit, and a capped diff with no driver ever run."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from git_helpers import commit

from grader.git.diff import diff_commits, parent_commit, root_commit
from grader.git.fabricate import Push, fabricate
from grader.git.history import HistoryUnreadable


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, list[str]]:
    """Three commits: starter, a change to main.py, a README and a test added."""
    files1 = {"main.py": "print(1)\n", "README.md": "# starter\n"}
    files2 = {"main.py": "print(2)\n", "README.md": "# starter\n"}
    files3 = {**files2, "README.md": "# mine\n", "tests/test_main.py": "def test(): pass\n"}
    made = fabricate(tmp_path / "r.git", [Push((commit(1, files1), commit(2, files2), commit(3, files3)))])
    return tmp_path / "r.git", _history(tmp_path / "r.git", made.head or "")


def _history(mirror: Path, head: str) -> list[str]:
    from grader.git.history import commits

    return [c.sha for c in reversed(commits(mirror, head))]


def test_the_starter_and_the_previous_commit(repo: tuple[Path, list[str]]) -> None:
    mirror, (first, second, third) = repo
    assert root_commit(mirror, third) == first
    assert parent_commit(mirror, third) == second
    assert parent_commit(mirror, first) is None


def test_diffs_against_the_starter_and_limited_to_globs(repo: tuple[Path, list[str]]) -> None:
    mirror, (first, _, third) = repo
    found = diff_commits(mirror, first, third)
    assert "-print(1)" in found.text and "+print(2)" in found.text and "+# mine" in found.text
    assert not found.truncated
    only_py = diff_commits(mirror, first, third, paths=("*.py",))
    assert "main.py" in only_py.text and "tests/test_main.py" in only_py.text and "README" not in only_py.text
    only_tests = diff_commits(mirror, first, third, paths=("tests/**",))
    assert "tests/test_main.py" in only_tests.text and "main.py\n" not in only_tests.text.split("tests/")[0]


def test_a_long_diff_is_cut(tmp_path: Path) -> None:
    big = "".join(f"line {n}\n" for n in range(50_000))
    made = fabricate(tmp_path / "r.git", [Push((commit(1, {"a.txt": "x\n"}), commit(2, {"a.txt": big})))])
    mirror = tmp_path / "r.git"
    head = made.head or ""
    found = diff_commits(mirror, root_commit(mirror, head), head, max_bytes=10_000)
    assert found.truncated and len(found.text.encode()) <= 10_000


def test_refused_revisions_and_broken_mirrors(tmp_path: Path, repo: tuple[Path, list[str]]) -> None:
    mirror, (first, _, third) = repo
    with pytest.raises(HistoryUnreadable, match="not a commit id"):
        diff_commits(mirror, "--output=/tmp/x", third)
    with pytest.raises(HistoryUnreadable, match="not a commit id"):
        root_commit(mirror, "-n1")
    with pytest.raises(HistoryUnreadable):
        diff_commits(tmp_path / "nowhere.git", first, third)


def test_diff_and_textconv_drivers_from_attributes_never_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / "marker"
    evil = tmp_path / "evil.sh"
    evil.write_text(f"#!/bin/sh\ntouch '{marker}'\ncat\n")
    evil.chmod(evil.stat().st_mode | stat.S_IXUSR)
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text(f'[diff "evil"]\n\ttextconv = {evil}\n\tcommand = {evil}\n')
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    attributes = {".gitattributes": "* diff=evil\n"}
    made = fabricate(
        tmp_path / "r.git",
        [Push((commit(1, {**attributes, "a.py": "1\n"}), commit(2, {**attributes, "a.py": "2\n"})))],
    )
    mirror = tmp_path / "r.git"
    head = made.head or ""
    found = diff_commits(mirror, root_commit(mirror, head), head)
    assert "+2" in found.text
    assert not marker.exists()
