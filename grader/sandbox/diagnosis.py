"""Which limit a failed run most likely hit, from what the kernel and the program left behind.

The signal a program died of (SIGXCPU, SIGXFSZ, or SIGKILL past its CPU time) is certain; a file
at exactly the size limit nearly so; the messages programs print when an allocation, a fork or a
write is refused (MemoryError, "Resource temporarily unavailable", "File too large") are hints.
The result only words the reason; a score never depends on it.
"""

from __future__ import annotations

import signal

from grader.sandbox.policy import Limits

MEMORY_HINTS = (
    b"memoryerror",
    b"cannot allocate memory",
    b"std::bad_alloc",
    b"out of memory",
    b"outofmemoryerror",
    b"heap out of memory",
)
PROCESS_HINTS = (b"resource temporarily unavailable", b"cannot fork", b"blockingioerror")
FILE_SIZE_HINTS = (b"file too large", b"file size limit exceeded")
TAIL = 8192


def limit_hit(
    exit_code: int | None,
    cpu_seconds: float,
    cpu_limit: int,
    stderr: bytes,
    largest_file: int,
    limits: Limits,
) -> str:
    """``memory``, ``cpu``, ``file size``, ``processes`` or "" for a run that did not end cleanly."""
    if exit_code is None or exit_code == 0:
        return ""
    if exit_code == -signal.SIGXCPU or (exit_code == -signal.SIGKILL and cpu_seconds >= cpu_limit):
        return "cpu"
    if exit_code == -signal.SIGXFSZ or largest_file >= limits.file_size_mb * 1024 * 1024:
        return "file size"
    tail = stderr[-TAIL:].lower()
    for hints, limit in ((MEMORY_HINTS, "memory"), (PROCESS_HINTS, "processes")):
        if any(hint in tail for hint in hints):
            return limit
    if any(hint in tail for hint in FILE_SIZE_HINTS):
        return "file size"
    return ""
