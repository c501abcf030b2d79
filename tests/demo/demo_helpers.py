"""Helpers shared by the demo tests: build a course, read a bare repository with real git."""

from __future__ import annotations

from pathlib import Path

from grader.demo import build_demo_course
from grader.git.env import run_git

PROJECT = Path(__file__).resolve().parents[2]


def build(dest: Path, *, students: int = 36, seed: int = 7, repos: bool = True) -> Path:
    progress = list(build_demo_course(dest, students=students, seed=seed, repos=repos))
    assert progress[-1].done == progress[-1].total
    return dest


def git(repo: Path, *args: str, check: bool = True) -> str:
    done = run_git([f"--git-dir={repo}", *args], timeout=30, check=check)
    return done.stdout.decode("utf-8")


def files_of(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` except the repositories, by relative path."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "remotes" not in path.relative_to(root).parts
    }


def refs_of(root: Path) -> dict[str, str]:
    """Each demo repository's refs (``for-each-ref`` output), by relative path."""
    return {
        repo.relative_to(root).as_posix(): git(repo, "for-each-ref")
        for repo in sorted((root / "remotes").glob("*/*.git"))
    }
