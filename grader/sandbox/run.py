"""Run one command from a rubric in a fresh copy of a checkout, sandboxed, and say what happened.

Never raises for anything the program does: its failures, crashes, limits and timeouts are in
the RawRun. Raises SandboxFailed only when the run could not happen (the sandbox did not start,
the command does not exist inside it, the checkout is too large to copy).
"""

from __future__ import annotations

import contextlib
import resource
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path

from grader.domain.check_results import RawRun
from grader.domain.text import printable
from grader.sandbox.bwrap import bwrap_argv
from grader.sandbox.capture import Finished, Launch, Stream, run_captured
from grader.sandbox.copying import collect, largest_file
from grader.sandbox.diagnosis import limit_hit
from grader.sandbox.errors import SandboxFailed
from grader.sandbox.layout import ALIAS_BIN_INSIDE, RunFolder, run_folder, sandbox_owner
from grader.sandbox.policy import SandboxPolicy
from grader.sandbox.unshare import unshare_argv
from grader.sandbox.views import through_views, views_for
from grader.sandbox.wrapper import MISSING, STARTED, exit_code, wrapped

SYSTEM_PATH = ("/usr/local/bin", "/usr/bin", "/bin")
_HARD_LIMITS = {
    "data": resource.RLIMIT_DATA,
    "nproc": resource.RLIMIT_NPROC,
    "fsize": resource.RLIMIT_FSIZE,
    "cpu": resource.RLIMIT_CPU,
}


def inside_env(policy: SandboxPolicy, alias_bin: str | None) -> dict[str, str]:
    """The whole environment of a run: nothing is inherited from grader's."""
    path = [str(p) for p in policy.path_prefix]
    if alias_bin is not None:
        path.append(alias_bin)
    return {
        "PATH": ":".join([*path, *SYSTEM_PATH]),
        "HOME": "/tmp",  # noqa: S108 - the sandbox's own private tmpfs
        "TMPDIR": "/tmp",  # noqa: S108
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
    }


def run_in_sandbox(
    checkout: Path,
    argv: Sequence[str],
    *,
    policy: SandboxPolicy,
    kind: str,
    timeout: float,
    stdin: bytes = b"",
    collect: Sequence[str] = (),
) -> RawRun:
    """Copy ``checkout``, run ``argv`` in the copy inside sandbox ``kind``, collect files, clean up."""
    if not argv:
        raise SandboxFailed("the check has no command to run")
    owner = sandbox_owner(kind)
    with run_folder(checkout, python_alias=policy.python_alias, owner=owner) as folder:
        finished = _launch(folder, argv, policy, kind, timeout, stdin)
        files = _collected(folder.checkout, collect)
        biggest = largest_file(folder.checkout) if finished.status not in (0, None) else 0
    return _raw_run(finished, policy, kind, timeout, files, biggest, argv[0])


def _collected(root: Path, names: Sequence[str]) -> Mapping[str, bytes | None]:
    return collect(root, names) if names else {}


def _launch(
    folder: RunFolder, argv: Sequence[str], policy: SandboxPolicy, kind: str, timeout: float, stdin: bytes
) -> Finished:
    limits = policy.limits
    command = wrapped(argv, limits, timeout, _hard_limits())
    env = inside_env(policy, ALIAS_BIN_INSIDE if folder.alias_bin is not None else None)
    tmp_bytes = max(limits.file_size_mb, 64) * 4 * 1024 * 1024
    cap = limits.output_kb * 1024
    if kind == "bwrap":
        launch = _bwrap_launch(folder, policy, env, command, tmp_bytes, stdin, timeout, cap)
    elif kind == "unshare":
        tools = {name: _tool(name) for name in ("unshare", "setpriv")}
        full = unshare_argv(tools, folder, policy, command, tmp_bytes)
        launch = Launch(full, env, stdin, timeout, cap, stderr_lead=len(STARTED))
    elif kind == "trusted":
        alias = str(folder.alias_bin) if folder.alias_bin is not None else None
        trusted_env = inside_env(policy, alias)
        launch = Launch(
            command,
            trusted_env,
            stdin,
            timeout,
            cap,
            cwd=folder.checkout,
            sandboxed=False,
            stderr_lead=len(STARTED),
        )
    else:
        raise SandboxFailed(f"unknown sandbox kind {kind!r}")
    return run_captured(launch)


def _bwrap_launch(
    folder: RunFolder,
    policy: SandboxPolicy,
    env: dict[str, str],
    command: list[str],
    tmp_bytes: int,
    stdin: bytes,
    timeout: float,
    cap: int,
) -> Launch:
    views = views_for(folder, policy.readonly_paths)
    full = bwrap_argv(_tool("bwrap"), folder, policy, env, command, tmp_bytes, views)
    if views and folder.owner is not None:
        tools = {name: _tool(name) for name in ("unshare", "setpriv")}
        full = through_views(tools, views, folder.owner, full)
        return Launch(full, {}, stdin, timeout, cap, stderr_lead=len(STARTED))
    return Launch(full, {}, stdin, timeout, cap, user=folder.owner, stderr_lead=len(STARTED))


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise SandboxFailed(
            f"{name} is no longer on PATH; install it again (Debian package util-linux or bubblewrap)"
        )
    return found


def _hard_limits() -> dict[str, int]:
    hard = {}
    for name, which in _HARD_LIMITS.items():
        with contextlib.suppress(OSError, ValueError):
            value = resource.getrlimit(which)[1]
            if value != resource.RLIM_INFINITY:
                hard[name] = value
    return hard


def _raw_run(
    finished: Finished,
    policy: SandboxPolicy,
    kind: str,
    timeout: float,
    files: Mapping[str, bytes | None],
    biggest: int,
    program: str,
) -> RawRun:
    stderr = bytes(finished.stderr.kept)
    if stderr.startswith(MISSING):
        raise SandboxFailed(
            f"the check's command {printable(program)!r} was not found inside the sandbox (PATH there: "
            f"{inside_env(policy, ALIAS_BIN_INSIDE)['PATH']}); check the rubric's command and "
            "checks.python in course.yaml"
        )
    if not stderr.startswith(STARTED):
        if finished.timed_out:
            raise SandboxFailed(f"the {kind} sandbox did not start within {timeout:g} s")
        shown = printable(stderr.decode("utf-8", errors="replace").strip()[-500:])
        raise SandboxFailed(f"the {kind} sandbox could not start the check: {shown or 'no message'}")
    finished.stderr.kept[: len(STARTED)] = b""
    code = None if finished.status is None else exit_code(finished.status)
    hit = limit_hit(
        code, finished.cpu_seconds, policy.limits.cpu_for(timeout), stderr, biggest, policy.limits
    )
    return RawRun(
        exit_code=code,
        timed_out=finished.timed_out,
        duration_s=finished.duration_s,
        stdout=_with_note(finished.stdout, "stdout"),
        stderr=_with_note(finished.stderr, "stderr"),
        truncated=bool(finished.stdout.cut or finished.stderr.cut),
        limit_hit=hit,
        files=files,
        sandbox=kind,
    )


def _with_note(stream: Stream, name: str) -> bytes:
    if not stream.cut:
        return bytes(stream.kept)
    return bytes(stream.kept) + f"\n[grader: {stream.cut:,} more bytes of {name} were cut]\n".encode()
