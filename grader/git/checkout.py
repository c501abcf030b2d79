"""Write one commit's files into a plain folder, after its tree passed the limits.

The folder gets no ``.git``: git writes with ``--git-dir`` pointing at the mirror, a temporary
index, links as small text files (``core.symlinks=false``), no hooks, no filters from any
config of ours, and submodules left as empty folders. The files are written into a staging
folder that is then swapped in, so ``dest`` is always a complete old or new checkout.
"""

from __future__ import annotations

from pathlib import Path

from grader.domain.errors import GraderError
from grader.git.env import GitFailed, run_git
from grader.git.failures import clean
from grader.git.history import check_revision
from grader.git.limits import Limits
from grader.git.staging import clean_leftovers, remove, staging_path, swap_into_place
from grader.git.tree import TreeReport, UnsafePath, inspect_tree, limit_problem


class CheckoutRefused(GraderError):
    """A commit's tree is over the limits; nothing was written."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class CheckoutFailed(GraderError):
    """git could not write a commit's files (for example a path it refuses); dest is unchanged."""


def checkout(mirror: Path, sha: str, dest: Path, limits: Limits) -> TreeReport:
    """Make ``dest`` hold exactly the files of commit ``sha``; returns what the tree holds."""
    check_revision(sha)
    try:
        report = inspect_tree(mirror, sha, timeout=limits.timeout)
    except UnsafePath as exc:
        raise CheckoutFailed(f"refused to check out {sha[:12]}: {exc}") from None
    problem = limit_problem(report, limits)
    if problem is not None:
        raise CheckoutRefused(f"refused to check out {sha[:12]}: {problem}", reason=problem)
    dest.parent.mkdir(parents=True, exist_ok=True)
    clean_leftovers(dest)
    staged = staging_path(dest, "checkout")
    index = staged.with_name(staged.name + ".index")
    try:
        staged.mkdir()
        if report.files or report.submodules:
            _write_files(mirror, sha, staged, index, limits.timeout)
        if (staged / ".git").exists():
            raise CheckoutFailed(f"refused to check out {sha[:12]}: it would create a .git folder")
        swap_into_place(staged, dest)
    finally:
        remove(staged)
        remove(index)
    return report


def _write_files(mirror: Path, sha: str, work_tree: Path, index: Path, timeout: float) -> None:
    """git checkout into ``work_tree``; a path git skips (it says "error:" yet exits 0) fails it."""
    try:
        done = run_git(
            [
                f"--git-dir={mirror}",
                f"--work-tree={work_tree}",
                "-c",
                "core.bare=false",
                "checkout",
                "--quiet",
                "--force",
                sha,
                "--",
                ".",
            ],
            cwd=work_tree,
            env={"GIT_INDEX_FILE": str(index)},
            timeout=timeout,
        )
    except GitFailed as exc:
        raise CheckoutFailed(f"git refused to check out {sha[:12]}: {clean(exc.stderr)}") from None
    errors = [
        line for line in done.stderr.decode("utf-8", "replace").splitlines() if line.startswith("error:")
    ]
    if errors:
        raise CheckoutFailed(
            f"git refused to check out {sha[:12]}: {clean(errors[0].removeprefix('error:'))}"
        )
