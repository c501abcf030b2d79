"""Run one process tree: feed stdin, read stdout and stderr with a byte cap, end it on time.

Everything is read concurrently in one thread with a selector, so the program never blocks on a
full pipe: past the cap the bytes are read and thrown away, and counted. At the deadline the
sandbox's first process (the pid namespace's init, a child of the launched process) is killed
with the launched process's group, and the run waits until that init is gone: by then the kernel
has ended every process of its pid namespace.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

CHUNK = 65536
REAP_SECONDS = 10.0
"""At most this long to see a killed sandbox's processes gone."""
TRUSTED_DRAIN_SECONDS = 1.0
"""Unsandboxed, a leftover child may hold the pipes open: read what it wrote, not wait for it."""


_live: set[int] = set()
"""The launched process of every run going on in this process (for stop_all_runs)."""
_live_lock = threading.Lock()


def stop_all_runs() -> None:
    """End every run going on now, as at a timeout (a cancelled autograde); each returns as killed."""
    with _live_lock:  # a listed process is not reaped yet, so its pid is not anyone else's
        for pid in _live:
            _kill(pid, _children(pid))


@dataclass
class Stream:
    cap: int
    kept: bytearray = field(default_factory=bytearray)
    cut: int = 0

    def take(self, data: bytes) -> None:
        room = max(0, self.cap - len(self.kept))
        self.kept += data[:room]
        self.cut += max(0, len(data) - room)


@dataclass(frozen=True)
class Finished:
    status: int | None
    """The wait status's exit code (negative: killed by that signal); None when timed out."""
    timed_out: bool
    duration_s: float
    stdout: Stream
    stderr: Stream
    cpu_seconds: float


@dataclass(frozen=True)
class Launch:
    argv: Sequence[str]
    env: Mapping[str, str]
    stdin: bytes
    timeout: float
    cap: int
    pass_fds: Sequence[int] = ()
    user: int | None = None
    cwd: Path | None = None
    sandboxed: bool = True
    stderr_lead: int = 0
    """Bytes at the start of stderr that are the wrapper's own, not counted against the cap."""


def run_captured(launch: Launch) -> Finished:
    started = time.monotonic()
    proc = subprocess.Popen(
        list(launch.argv),
        stdin=subprocess.PIPE if launch.stdin else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(launch.env),
        cwd=launch.cwd,
        start_new_session=True,
        pass_fds=tuple(launch.pass_fds),
        user=launch.user,
        group=launch.user,
        extra_groups=[] if launch.user is not None else None,
    )
    out, err = Stream(launch.cap), Stream(launch.cap + launch.stderr_lead)
    with _live_lock:
        _live.add(proc.pid)
    try:
        status, cpu, timed_out = _pump(proc, launch, out, err, started + launch.timeout)
    finally:
        _forget(proc.pid)
        _close(proc)
    return Finished(status, timed_out, time.monotonic() - started, out, err, cpu)


def _pump(
    proc: subprocess.Popen[bytes], launch: Launch, out: Stream, err: Stream, deadline: float
) -> tuple[int | None, float, bool]:
    assert proc.stdout is not None and proc.stderr is not None
    pidfd = os.pidfd_open(proc.pid)
    streams = {proc.stdout.fileno(): out, proc.stderr.fileno(): err}
    with selectors.DefaultSelector() as selector:
        for fd in streams:
            os.set_blocking(fd, False)
            selector.register(fd, selectors.EVENT_READ)
        selector.register(pidfd, selectors.EVENT_READ)
        pending_input = memoryview(launch.stdin)
        if proc.stdin is not None:
            os.set_blocking(proc.stdin.fileno(), False)
            selector.register(proc.stdin.fileno(), selectors.EVENT_WRITE)
        exited = False
        while not exited and time.monotonic() < deadline:
            for key, _ in selector.select(timeout=max(0.0, deadline - time.monotonic())):
                if key.fd == pidfd:
                    exited = True
                elif key.fd in streams:
                    _read(selector, key.fd, streams[key.fd])
                else:
                    pending_input = _write(selector, proc, pending_input)
        timed_out = not exited
        if timed_out:
            kill_sandbox(proc.pid)
        else:  # what is left of its group (unsandboxed: children that did not leave it)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)  # the leader is unreaped: its group id is its own
        _forget(proc.pid)
        wait_status, usage = os.wait4(proc.pid, 0)[1:]
        proc.returncode = os.waitstatus_to_exitcode(wait_status)
        selector.unregister(pidfd)
        _drain(selector, streams, launch.sandboxed)
    os.close(pidfd)
    cpu = usage.ru_utime + usage.ru_stime
    return (None if timed_out else proc.returncode), cpu, timed_out


def _read(selector: selectors.BaseSelector, fd: int, stream: Stream) -> bool:
    """Read what is there; False (and unregistered) at end of file."""
    try:
        data = os.read(fd, CHUNK)
    except BlockingIOError:
        return True
    if not data:
        selector.unregister(fd)
        return False
    stream.take(data)
    return True


def _write(selector: selectors.BaseSelector, proc: subprocess.Popen[bytes], data: memoryview) -> memoryview:
    assert proc.stdin is not None
    fd = proc.stdin.fileno()
    try:
        written = os.write(fd, data[:CHUNK])
    except BlockingIOError:
        return data
    except (BrokenPipeError, OSError):
        written = len(data)
    data = data[written:]
    if not data:
        selector.unregister(fd)
        proc.stdin.close()
    return data


def _drain(selector: selectors.BaseSelector, streams: dict[int, Stream], sandboxed: bool) -> None:
    """Read both pipes to their end (sandboxed: every writer is gone; else, for a short while)."""
    limit = time.monotonic() + (REAP_SECONDS if sandboxed else TRUSTED_DRAIN_SECONDS)
    open_fds = {fd for fd in streams if fd in selector.get_map()}
    while open_fds and time.monotonic() < limit:
        for key, _ in selector.select(timeout=max(0.0, limit - time.monotonic())):
            if key.fd in open_fds and not _read(selector, key.fd, streams[key.fd]):
                open_fds.discard(key.fd)


def _close(proc: subprocess.Popen[bytes]) -> None:
    for pipe in (proc.stdin, proc.stdout, proc.stderr):
        if pipe is not None:
            with contextlib.suppress(OSError):
                pipe.close()
    if proc.returncode is None:
        kill_sandbox(proc.pid)
        proc.wait()


def _forget(pid: int) -> None:
    with _live_lock:
        _live.discard(pid)


def kill_sandbox(pid: int) -> None:
    """Kill ``pid``'s group and its children (a sandbox's init), then wait until they are gone."""
    children = _children(pid)
    pidfds = []
    for child in children:
        with contextlib.suppress(OSError):
            pidfds.append(os.pidfd_open(child))
    _kill(pid, children)
    deadline = time.monotonic() + REAP_SECONDS
    with selectors.DefaultSelector() as selector:
        for fd in pidfds:
            selector.register(fd, selectors.EVENT_READ)
        while selector.get_map() and time.monotonic() < deadline:
            for key, _ in selector.select(timeout=max(0.0, deadline - time.monotonic())):
                selector.unregister(key.fd)
    for fd in pidfds:
        os.close(fd)


def _kill(pid: int, children: list[int]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
    for child in children:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(child, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGKILL)


def _children(pid: int) -> list[int]:
    try:
        listing = Path(f"/proc/{pid}/task/{pid}/children").read_text(encoding="ascii")
        return [int(child) for child in listing.split()]
    except OSError:
        return []
