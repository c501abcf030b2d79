"""Read a mirror's commits, trees and blobs through GitPython, every git it starts isolated.

``reading(mirror, timeout=...)`` opens the mirror as a ``git.Repo`` whose git processes — the
persistent ``cat-file --batch`` readers and ``rev-list`` included — are started by
``env.start_git`` (the isolated environment, ``SAFE_CONFIG``, a session of their own, known to
``stop_all_git``). When the timeout passes they are all killed and the read raises GitTimeout;
when the read ends they are stopped. GitPython's errors come out as GitFailed.
"""

from __future__ import annotations

import configparser
import contextlib
import math
import os
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, cast

import git

from grader.git.env import (
    GitFailed,
    GitTimeout,
    git_binary,
    kill_group,
    run_git,
    safe_config,
    start_git,
    subcommand,
)

_FULL_ID = frozenset({40, 64})


class IsolatedGit(git.Git):
    """GitPython's command runner, starting git the way ``grader.git.env`` does."""

    def __init__(self, working_dir: str | os.PathLike[str] | None = None) -> None:
        super().__init__(working_dir)
        self.git_dir = str(working_dir or "")
        self.deadline = math.inf
        self.expired = threading.Event()
        self.processes: list[subprocess.Popen[bytes]] = []
        self.lock = threading.Lock()

    def execute(  # type: ignore[override]
        self,
        command: Sequence[str],
        *,
        istream: int | IO[bytes] | None = None,
        as_process: bool = False,
        with_extended_output: bool = False,
        with_exceptions: bool = True,
        stdout_as_string: bool = True,
        strip_newline_in_stdout: bool = True,
        env: Mapping[str, str] | None = None,
    ) -> Any:
        """Run ``command`` (``git args...``) with ``GIT_DIR`` set to the mirror, within the deadline."""
        args = [str(arg) for arg in command[1:]]
        remaining = self.deadline - time.monotonic()
        if self.expired.is_set() or remaining <= 0:
            raise GitTimeout(f"git {subcommand(args)} did not start: the read ran out of time")
        extra = {**(env or {}), "GIT_DIR": self.git_dir}
        if as_process:
            return self.AutoInterrupt(self._start(args, extra, stdin=istream is not None), list(command))
        stdin = istream.read() if istream is not None and not isinstance(istream, int) else None
        done = run_git(args, cwd=self.git_dir, env=extra, input=stdin, timeout=remaining, check=False)
        if with_exceptions and done.returncode != 0:
            raise git.GitCommandError(list(command), done.returncode, done.stderr)
        output = done.stdout[:-1] if strip_newline_in_stdout and done.stdout.endswith(b"\n") else done.stdout
        stdout = output.decode("utf-8", "surrogateescape") if stdout_as_string else output
        if with_extended_output:
            return done.returncode, stdout, done.stderr.decode("utf-8", "replace").rstrip("\n")
        return stdout

    def _start(self, args: list[str], env: dict[str, str], *, stdin: bool) -> subprocess.Popen[bytes]:
        argv = [git_binary(), *safe_config(), *args]
        process = start_git(
            argv, subcommand(args), cwd=self.git_dir, env=env, stdin=stdin, stderr=subprocess.PIPE
        )
        with self.lock:
            self.processes.append(process)
        if self.expired.is_set():
            kill_group(process)
        return process

    def expire(self) -> None:
        """The read ran out of time: kill every git it started."""
        self.expired.set()
        self.kill_all()

    def kill_all(self) -> None:
        with self.lock:
            running = [process for process in self.processes if process.poll() is None]
        for process in running:
            kill_group(process)

    def stop(self) -> None:
        """Kill what still runs, collect it and close its pipes."""
        self.kill_all()
        with self.lock:
            processes, self.processes = self.processes, []
        for process in processes:
            process.wait()
            for pipe in (process.stdin, process.stdout, process.stderr):
                if pipe is not None:
                    # stdin may hold a question git was killed before reading: closing flushes it
                    with contextlib.suppress(OSError):
                        pipe.close()


class IsolatedRepo(git.Repo):
    """A ``git.Repo`` whose commands run through ``IsolatedGit``."""

    GitCommandWrapperType = IsolatedGit


@contextmanager
def reading(mirror: Path, *, timeout: float) -> Iterator[IsolatedRepo]:
    """The bare repository ``mirror`` for one read of at most ``timeout`` seconds, then closed."""
    try:
        repo = IsolatedRepo(mirror, expand_vars=False)
    except (git.NoSuchPathError, git.InvalidGitRepositoryError):
        raise GitFailed(
            f"git cannot read {mirror}: not a git repository", returncode=128, stderr="not a git repository"
        ) from None
    object_format = _object_format(repo)
    if object_format != "sha1":
        repo.close()
        named = {"sha256": "SHA-256"}.get(object_format, object_format)
        reason = f"the repository uses {named} object ids, which grader cannot read (SHA-1 only)"
        raise GitFailed(f"git cannot read {mirror}: {reason}", returncode=128, stderr=reason)
    runner = cast(IsolatedGit, repo.git)
    runner.git_dir = str(mirror.absolute())  # git runs inside it: a relative path would not resolve
    runner.deadline = time.monotonic() + timeout
    timer = threading.Timer(timeout, runner.expire)
    timer.daemon = True
    timer.start()
    try:
        yield repo
    except (git.GitError, git.exc.ODBError, ValueError, OSError) as exc:
        if runner.expired.is_set():
            raise GitTimeout(f"git timed out after {timeout:g} s and was stopped") from None
        raise _failed(exc) from None
    except BaseException:
        if runner.expired.is_set():
            raise GitTimeout(f"git timed out after {timeout:g} s and was stopped") from None
        raise
    finally:
        timer.cancel()
        runner.stop()
        repo.close()


def _object_format(repo: git.Repo) -> str:
    """``extensions.objectFormat`` of the repository: GitPython reads SHA-1 ids only (20-byte
    tree entries), so a SHA-256 repository must be refused rather than misread."""
    try:
        with repo.config_reader("repository") as config:
            return str(config.get_value("extensions", "objectformat", "sha1")).strip().lower()
    except (configparser.Error, OSError, ValueError):
        return "sha1"  # git itself then says what is wrong with the repository


def commit_at(repo: git.Repo, revision: str) -> git.Commit:
    """The commit ``revision`` (an object id or a full ref name) names; git resolves what is not
    a full object id."""
    if len(revision) not in _FULL_ID or revision.startswith("refs/"):
        revision = repo.git.rev_parse("--verify", "--end-of-options", f"{revision}^{{commit}}")
    return repo.commit(revision)


def _failed(exc: Exception) -> GitFailed:
    """GitPython's error as a GitFailed with git's own words when there are some."""
    if isinstance(exc, git.GitCommandError):
        status = exc.status if isinstance(exc.status, int) else 1
        stderr = exc.stderr.strip().removeprefix("stderr:").strip().strip("'")
        return GitFailed(f"git failed (exit {status}): {stderr}", returncode=status, stderr=stderr)
    reason = str(exc) or type(exc).__name__
    return GitFailed(f"git failed: {reason}", returncode=128, stderr=reason)
