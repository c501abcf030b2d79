"""Progress of long operations: core generators yield these; the CLI and TUI render them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    message: str = ""
