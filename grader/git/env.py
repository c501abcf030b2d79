"""How every git process is started: an isolated environment, safe config, a hard timeout.

Nothing else in grader starts git. The environment is built from scratch (no inherited
``GIT_*`` variable, no user or system config, an empty ``HOME``), every call gets the
``SAFE_CONFIG`` options, and a call that outlives its timeout is killed with its whole
process group.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO

from grader.domain.errors import GraderError

SAFE_CONFIG: tuple[str, ...] = (
    "-c", "core.hooksPath=/dev/null",
    "-c", "core.fsmonitor=false",
    "-c", "core.symlinks=false",
    "-c", "transfer.fsckObjects=true",
    "-c", "submodule.recurse=false",
    "-c", "protocol.allow=never",
    "-c", "protocol.https.allow=always",
    "-c", "protocol.ssh.allow=always",
    # Automatic gc/maintenance would detach a child that outlives our process group.
    "-c", "gc.auto=0",
    "-c", "maintenance.auto=false",
)  # fmt: skip
"""``-c`` options given to every git call, ready to splice into argv before the subcommand."""

FILE_PROTOCOL: tuple[str, ...] = ("-c", "protocol.file.allow=always")

PASSED_THROUGH = (
    "PATH",
    "TMPDIR",
    "SSH_AUTH_SOCK",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    # A self-hosted server's own CA (global config, where http.sslCAInfo would live, is ignored).
    "GIT_SSL_CAINFO",
    "GIT_SSL_CAPATH",
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "NO_PROXY",
    "no_proxy",
)
"""The only variables taken from the caller's environment; everything else is dropped."""

DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin"
_STDERR_TAIL = 400
_CREDENTIALS_IN_URL = re.compile(r"(?<=://)[^/@\s]+@")


class GitTimeout(GraderError):
    """A git call ran past its timeout; it and every process it started were killed."""


class GitFailed(GraderError):
    """A git call exited with a non-zero status."""

    def __init__(self, message: str, *, returncode: int, stderr: str) -> None:
        super().__init__(message)
        self.returncode = returncode
        self.stderr = stderr


class GitMissing(GraderError):
    """git itself could not be started."""


class GitStopped(GraderError):
    """A ``watch`` callback stopped a git call (for example a download past a size limit)."""


WATCH_INTERVAL = 0.5
"""Seconds between two ``watch`` calls while a git call runs."""


_binary_lock = threading.Lock()
_binary: list[str] = []


def git_binary() -> str:
    """git's absolute path on the isolated PATH, looked up once per run (not once per process started)."""
    with _binary_lock:
        if not _binary:
            found = shutil.which("git", path=git_env().get("PATH"))
            if found is None:
                raise GitMissing("cannot run git: it is not on PATH (is git installed?)")
            _binary.append(found)
        return _binary[0]


def safe_config(*, allow_file: bool = False) -> tuple[str, ...]:
    """``SAFE_CONFIG``, plus the ``file`` protocol when the course allows local sources."""
    return SAFE_CONFIG + FILE_PROTOCOL if allow_file else SAFE_CONFIG


_home_lock = threading.Lock()
_home: list[str] = []


def _remove_home() -> None:
    for path in _home:
        shutil.rmtree(path, ignore_errors=True)


def empty_home() -> str:
    """A private, empty directory used as ``HOME`` by every git process of this run."""
    with _home_lock:
        if _home and Path(_home[-1]).is_dir():
            return _home[-1]
        if not _home:
            atexit.register(_remove_home)
        _home.append(tempfile.mkdtemp(prefix="grader-git-home-"))
        return _home[-1]


def git_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """An isolated environment for git, keeping only ``PASSED_THROUGH`` from ``base``."""
    source = os.environ if base is None else base
    home = empty_home()
    env = {name: source[name] for name in PASSED_THROUGH if source.get(name)}
    env.setdefault("PATH", DEFAULT_PATH)
    env.update(
        {
            "HOME": home,
            "XDG_CONFIG_HOME": home,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_ATTR_NOSYSTEM": "1",
            "GIT_NO_REPLACE_OBJECTS": "1",
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_ASKPASS": "/bin/false",
            "SSH_ASKPASS": "/bin/false",
            "GIT_SSH_COMMAND": "ssh -o BatchMode=yes",
            "GIT_LFS_SKIP_SMUDGE": "1",
            "LC_ALL": "C",
        }
    )
    return env


def redact(text: str) -> str:
    """Hide ``user:token@`` credentials embedded in URLs."""
    return _CREDENTIALS_IN_URL.sub("***@", text)


def subcommand(args: Sequence[str]) -> str:
    """The git subcommand in ``args`` (skipping global options), for messages."""
    takes_value = {"-c", "-C", "--git-dir", "--work-tree", "--namespace"}
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in takes_value:
            skip = True
        elif not arg.startswith("-"):
            return arg
    return "git"


_LIVE: weakref.WeakSet[subprocess.Popen[bytes]] = weakref.WeakSet()
_LIVE_LOCK = threading.Lock()


def stop_all_git() -> int:
    """Kill every git process this program started that still runs (e.g. on Ctrl-C); how many."""
    with _LIVE_LOCK:
        running = [process for process in _LIVE if process.poll() is None]
    for process in running:
        kill_group(process)
    return len(running)


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the process and everything it started (its session's process group)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def run_git(
    args: Sequence[str],
    *,
    cwd: str | os.PathLike[str] | None = None,
    timeout: float,
    input: bytes | None = None,
    allow_file: bool = False,
    check: bool = True,
    env: Mapping[str, str] | None = None,
    watch: Callable[[], str | None] | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """Run ``git SAFE_CONFIG... args`` isolated, in its own session, within ``timeout`` seconds.

    ``input`` is fed to stdin (otherwise stdin is ``/dev/null``); ``env`` adds variables on top
    of ``git_env()``; ``watch`` is called every ``WATCH_INTERVAL`` seconds while git runs and
    stops it by returning a reason. Raises GitTimeout (after killing the process group),
    GitStopped, GitFailed when ``check`` and git exits non-zero, GitMissing when git cannot start.
    """
    argv = [git_binary(), *safe_config(allow_file=allow_file), *args]
    name = subcommand(args)
    process = start_git(argv, name, cwd=cwd, env=env, stdin=input is not None, stderr=subprocess.PIPE)
    deadline = time.monotonic() + timeout
    pending = input
    try:
        while True:
            remaining = deadline - time.monotonic()
            wait = min(remaining, WATCH_INTERVAL) if watch is not None else remaining
            try:
                stdout, stderr = process.communicate(pending, timeout=max(wait, 0))
                break
            except subprocess.TimeoutExpired:
                pending = None  # already handed to communicate(), which keeps sending it
                if time.monotonic() >= deadline:
                    raise GitTimeout(f"git {name} timed out after {timeout:g} s and was stopped") from None
                reason = watch() if watch is not None else None
                if reason:
                    raise GitStopped(reason) from None
    except BaseException:
        kill_group(process)
        reap(process)
        raise
    result = subprocess.CompletedProcess(argv, process.returncode, stdout, stderr)
    if check and result.returncode != 0:
        raise failure(name, result.returncode, stderr)
    return result


def start_git(
    argv: list[str],
    name: str,
    *,
    cwd: str | os.PathLike[str] | None,
    env: Mapping[str, str] | None,
    stdin: bool,
    stderr: int | IO[bytes],
) -> subprocess.Popen[bytes]:
    """Start ``argv`` with ``git_env()`` (plus ``env``) in a new session; GitMissing if it cannot."""
    full_env = git_env()
    if env:
        full_env.update(env)
    try:
        process = subprocess.Popen(
            argv,
            cwd=cwd,
            env=full_env,
            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=stderr,
            start_new_session=True,
        )
    except OSError as exc:
        if cwd is not None and not Path(cwd).is_dir():
            raise GitMissing(f"cannot run git {name}: folder {cwd} does not exist") from exc
        raise GitMissing(f"cannot run git: {exc.strerror} (is git installed and on PATH?)") from exc
    with _LIVE_LOCK:
        _LIVE.add(process)
    return process


def failure(name: str, returncode: int, stderr: bytes) -> GitFailed:
    """The GitFailed for a non-zero exit, with the redacted tail of stderr."""
    text = redact(stderr.decode("utf-8", "replace").strip())[-_STDERR_TAIL:]
    return GitFailed(
        f"git {name} failed (exit {returncode}): {text or 'no error output'}",
        returncode=returncode,
        stderr=text,
    )


def reap(process: subprocess.Popen[bytes]) -> None:
    """Collect a killed process; give up on pipes held open by an escaped grandchild."""
    try:
        process.communicate(timeout=2)
    except subprocess.TimeoutExpired:
        for pipe in (process.stdin, process.stdout, process.stderr):
            if pipe is not None:
                pipe.close()
        process.wait()
