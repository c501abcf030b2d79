"""The wrapper's rlimits, exit statuses seen through a shell, and which limit a run hit."""

from __future__ import annotations

import signal

from grader.sandbox.diagnosis import limit_hit
from grader.sandbox.policy import Limits
from grader.sandbox.wrapper import exit_code, limit_args

MB = 1024 * 1024


def test_limits_become_prlimit_options() -> None:
    limits = Limits(memory_mb=512, processes=64, file_size_mb=8, output_kb=1, cpu_seconds=0)

    assert limit_args(limits, timeout=60, hard={}) == [
        f"--data={512 * MB}",
        "--nproc=64",
        f"--fsize={8 * MB}",
        "--cpu=60:61",
        "--core=0",
    ]
    assert "--cpu=5:6" in limit_args(Limits(cpu_seconds=5), timeout=60, hard={})
    assert "--cpu=1:2" in limit_args(Limits(), timeout=0.2, hard={})


def test_limits_never_exceed_the_hard_ones_grader_was_given() -> None:
    args = limit_args(Limits(processes=128), timeout=60, hard={"nproc": 50, "cpu": 30})

    assert "--nproc=50" in args and "--cpu=30:30" in args


def test_shell_statuses_of_signals_become_negative() -> None:
    assert [exit_code(s) for s in (0, 1, 127, 128, 137, 139, 152, 160, 255)] == [
        0, 1, 127, 128, -9, -11, -24, 160, 255,
    ]  # fmt: skip


def test_which_limit_was_hit() -> None:
    limits = Limits(file_size_mb=1)

    def hit(code: int | None, stderr: bytes = b"", cpu: float = 0.0, largest: int = 0) -> str:
        return limit_hit(code, cpu, 10, stderr, largest, limits)

    assert hit(0, b"MemoryError") == "" and hit(None, b"MemoryError") == ""
    assert hit(-signal.SIGXCPU) == "cpu" and hit(-signal.SIGKILL, cpu=10.2) == "cpu"
    assert hit(-signal.SIGKILL, cpu=1.0) == ""
    assert hit(-signal.SIGXFSZ) == "file size" and hit(1, largest=MB) == "file size"
    assert hit(1, b"Traceback ...\nMemoryError\n") == "memory"
    assert hit(2, b"sh: 0: Cannot fork\n") == "processes"
    assert hit(1, b"OSError: [Errno 27] File too large\n") == "file size"
    assert hit(1, b"AssertionError\n") == ""
