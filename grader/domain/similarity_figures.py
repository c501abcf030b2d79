"""One similar pair's figures and the verdict in force on it, as plain values: the review (CLI
and TUI) and the similarity page both show these."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class PairFigures:
    similarity_a: Decimal
    """Share of a's fingerprints found in b (0 to 1)."""
    similarity_b: Decimal
    longest_lines: int
    fragments: int
    verdict: str | None
    note: str
    recorded_by: str = ""
    """Who recorded the verdict in force ("" without one)."""
    recorded_at: datetime | None = None

    @property
    def similarity(self) -> Decimal:
        return max(self.similarity_a, self.similarity_b)
