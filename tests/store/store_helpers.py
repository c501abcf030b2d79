"""Shared values and shortcuts for the store tests."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from grader.domain.events import ChoiceChange, EventSource
from grader.store import Store

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def save(
    store: Store,
    changes: Sequence[ChoiceChange],
    *,
    actor: str = "ann",
    now: datetime = NOW,
    source: EventSource = EventSource.GRADER,
    rubric_hash: str = "rubric-hash",
) -> dict[tuple[str, str], int]:
    return store.save(changes, actor=actor, rubric_hash=rubric_hash, source=source, now=now)
