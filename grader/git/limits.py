"""How much a student repository may hold before grader refuses it, and how to say so."""

from __future__ import annotations

from dataclasses import dataclass

from grader.domain.errors import GraderError

_UNITS = ((1024**3, "GB"), (1024**2, "MB"), (1024, "KB"))


@dataclass(frozen=True)
class Limits:
    """Per-repository limits: checked out bytes and files, and seconds for each git call."""

    max_bytes: int = 200 * 1024 * 1024
    max_files: int = 20_000
    timeout: float = 300.0

    def __post_init__(self) -> None:
        if self.max_bytes <= 0 or self.max_files <= 0 or self.timeout <= 0:
            raise GraderError(
                f"repository limits must be positive (max_bytes={self.max_bytes}, "
                f"max_files={self.max_files}, timeout={self.timeout})"
            )


def human_bytes(count: int) -> str:
    """``312 MB``, ``1.5 GB``, ``4 KB``, ``17 bytes``: binary units, as du and git show them."""
    for size, unit in _UNITS:
        if count >= size:
            value = count / size
            return f"{value:.1f} {unit}" if value < 10 else f"{value:,.0f} {unit}"
    return f"{count:,} bytes" if count != 1 else "1 byte"


def over_limit(what: str, count: int, limit: int, *, in_bytes: bool, exact: bool = True) -> str:
    """``too large: 300 MB > 200 MB limit`` (exact byte counts when rounding would hide it)."""
    shown, allowed = (human_bytes(count), human_bytes(limit)) if in_bytes else (f"{count:,}", f"{limit:,}")
    if shown == allowed:
        shown, allowed = f"{count:,} bytes", f"{limit:,} bytes"
    return f"{what}: {'' if exact else 'over '}{shown} > {allowed} limit"
