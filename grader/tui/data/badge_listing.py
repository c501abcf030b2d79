"""The Badges screen's figures: counts per badge and status over the whole roster, and the first
students of each (a course may have 100,000), gathered a chunk of evaluations at a time."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from grader.domain.mastery import BadgeEvaluation, BadgeStatus

LISTED = 100
"""Students listed per badge and status (a course may have 100,000): the counts are always whole."""


@dataclass
class BadgeListing:
    """Counts per (badge, status) over the whole roster; the first ``limit`` students of each."""

    limit: int = LISTED
    counts: Counter[tuple[str, BadgeStatus]] = field(default_factory=Counter)
    listed: dict[tuple[str, BadgeStatus], list[BadgeEvaluation]] = field(default_factory=dict)

    def add(self, evaluations: Iterable[BadgeEvaluation]) -> None:
        for evaluation in evaluations:
            key = (evaluation.badge_id, evaluation.status)
            self.counts[key] += 1
            shown = self.listed.setdefault(key, [])
            if len(shown) < self.limit:
                shown.append(evaluation)
