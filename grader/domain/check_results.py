"""What a check's run produced and what it earned: the values the sandbox and the scorer share."""

from __future__ import annotations

import json
import signal
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum

from grader.domain.junit import TestOutcome

OUTPUT_LIMIT = 256 * 1024
"""The most characters of output a result keeps (the sandbox caps each run's bytes before)."""
POINT_STEP = Decimal("0.01")
"""Partial credit is rounded down to hundredths: what a gradebook shows (8.88 of 20, not 8.8888)."""
NAMES_SHOWN = 3


class RunStatus(StrEnum):
    PASSED = "passed"
    PARTIAL = "partial"
    FAILED = "failed"
    TIMEOUT = "timeout"
    ERROR = "error"  # the run could not happen (an infrastructure failure): no score
    REFUSED = "refused"  # no sandbox, and the course does not trust its code: no score


@dataclass(frozen=True)
class RawRun:
    """What the sandbox hands back for one run of a command."""

    exit_code: int | None  # negative: ended by that signal; None: no exit status
    timed_out: bool
    duration_s: float
    stdout: bytes
    stderr: bytes
    truncated: bool  # the output was cut at the sandbox's byte cap
    limit_hit: str = ""  # "memory" | "cpu" | "file size" | "processes" | "" (when known)
    files: Mapping[str, bytes | None] = field(default_factory=dict)
    """Collected result files by relative path (None: absent, or over the collection cap)."""
    sandbox: str = ""  # "bwrap" | "unshare" | "trusted"


@dataclass(frozen=True)
class CheckResult:
    status: RunStatus
    points: Decimal | None  # None exactly for ERROR and REFUSED (no score, never a silent 0)
    max_points: Decimal
    exit_code: int | None
    duration_s: float
    reason: str  # why, in words ("2 of 7 tests failed: test_divide, …", "timed out after 60 s")
    tests: tuple[TestOutcome, ...] = ()
    output: str = ""  # stdout and stderr, decoded, capped; shown to graders, never parsed for a score
    output_truncated: bool = False
    sandbox: str = ""


def sandbox_words(sandbox: str) -> str:
    """How a result says where it ran: "sandboxed (bwrap, no network)", or that it was not."""
    if sandbox in ("bwrap", "unshare"):
        return f"sandboxed ({sandbox}, no network)"
    if sandbox == "trusted":
        return "not sandboxed: the course trusts its code"
    return sandbox or "not run"


def share(max_points: Decimal, part: Decimal, whole: Decimal) -> Decimal:
    """``max_points × part / whole``: exact when part is the whole, else rounded down."""
    if whole <= 0 or part <= 0:
        return Decimal(0)
    if part >= whole:
        return max_points
    return (max_points * part / whole).quantize(POINT_STEP, rounding=ROUND_DOWN)


def ending(run: RawRun, timeout: int) -> str:
    """How a run ended, in words: "exit status 1", "timed out after 60 s", "hit the memory limit"."""
    if run.timed_out:
        return f"timed out after {timeout} s"
    if run.limit_hit:
        return f"hit the {run.limit_hit} limit"
    if run.exit_code is None:
        return "ended without an exit status"
    if run.exit_code < 0:
        try:
            return f"killed by signal {signal.Signals(-run.exit_code).name}"
        except ValueError:
            return f"killed by signal {-run.exit_code}"
    return f"exit status {run.exit_code}"


def ended_cleanly(run: RawRun) -> bool:
    return run.exit_code == 0 and not run.timed_out and not run.limit_hit


def decoded(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def capped(text: str, truncated: bool) -> tuple[str, bool]:
    """At most OUTPUT_LIMIT characters, and whether anything was cut (here or before)."""
    if len(text) <= OUTPUT_LIMIT:
        return text, truncated
    return text[:OUTPUT_LIMIT], True


def run_output(run: RawRun) -> str:
    """stdout, then stderr, decoded."""
    out, err = decoded(run.stdout), decoded(run.stderr)
    return out + ("\n" if out and err and not out.endswith("\n") else "") + err


def quoted(text: str, limit: int = 40) -> str:
    """A snippet of output for a reason: quoted, control characters escaped, at most ``limit``."""
    short = text if len(text) <= limit else text[: limit - 1] + "…"
    return json.dumps(short, ensure_ascii=False)


def listed(names: list[str]) -> str:
    """The first few names, then an ellipsis when there are more."""
    shown = ", ".join(names[:NAMES_SHOWN])
    return shown + (", …" if len(names) > NAMES_SHOWN else "")
