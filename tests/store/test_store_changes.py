"""Change detection: a signal that wakes when another connection commits (SQLite data_version,
PostgreSQL LISTEN/NOTIFY, polling while the listener is down), and which submissions changed."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import create_engine
from store_helpers import NOW, save

from grader.domain.choices import CriterionChoice
from grader.domain.claims import Claimant
from grader.domain.events import ChoiceChange
from grader.store import Store, open_store
from grader.store.changes import CHANNEL, NotifySignal, earlier

GOOD = CriterionChoice(level="Good")
WAKE_SECONDS = 3.0


def _woke(store: Store, write: object) -> float:
    """Seconds the signal took to wake after ``write()`` (another connection's commit)."""
    signal = store.change_signal(poll=0.05)
    try:
        assert signal.wait(0.2) is False, "nothing was written yet"
        started = time.monotonic()
        write()  # type: ignore[operator]
        assert signal.wait(WAKE_SECONDS) is True, "the signal never woke"
        return time.monotonic() - started
    finally:
        signal.close()


def test_a_save_by_another_connection_wakes_the_signal(store: Store, store_url: str) -> None:
    with open_store(store_url) as other:
        took = _woke(store, lambda: save(other, [ChoiceChange("hw1", "s1", "c1", GOOD)]))
    assert took < 1.0


def test_a_claim_by_another_connection_wakes_the_signal(store: Store, store_url: str) -> None:
    with open_store(store_url) as other:
        claimant = Claimant("ta-ben", "p1")
        took = _woke(store, lambda: other.claim("hw1", "s1", claimant, now=NOW, lease=timedelta(seconds=90)))
    assert took < 1.0


def test_the_changed_submissions_since_a_moment_are_listed(store: Store) -> None:
    save(store, [ChoiceChange("hw1", "s1", "c1", GOOD)])
    before = store.changed_since(None)
    assert before.keys == {}

    save(store, [ChoiceChange("hw1", "s2", "c1", GOOD), ChoiceChange("hw2", "s3", "c1", GOOD)])
    changed = store.changed_since(before.clock)

    assert set(changed.keys) == {("hw1", "s2"), ("hw2", "s3")}
    assert not changed.overflow
    assert store.changed_since(changed.clock).keys == {}
    assert set(store.changed_since(earlier(changed.clock, 60)).keys) == {("hw1", k) for k in ("s1", "s2")} | {
        ("hw2", "s3")
    }


def test_too_many_changes_at_once_say_so(store: Store) -> None:
    since = store.changed_since(None).clock
    save(store, [ChoiceChange("hw1", f"s{n}", "c1", GOOD) for n in range(5)])

    changed = store.changed_since(since, limit=3)

    assert changed.overflow and len(changed.keys) == 3


def test_a_clock_moved_back_keeps_its_format() -> None:
    assert earlier("2026-03-02T09:30:00.250Z", 0.5) == "2026-03-02T09:29:59.750Z"
    assert earlier("2026-03-02T09:30:00.250000Z", 30) == "2026-03-02T09:29:30.250000Z"


@pytest.mark.postgres
def test_a_dropped_listener_falls_back_to_polling_then_listens_again(postgres_url: str) -> None:
    with open_store(postgres_url) as store, open_store(postgres_url) as other:
        signal = store.change_signal()
        assert isinstance(signal, NotifySignal)
        signal.fallback = 0.1
        try:
            assert signal.wait(0.1) is False  # connected, and nothing changed
            pid = signal._connection.info.backend_pid if signal._connection else None
            admin = create_engine(postgres_url)
            with admin.begin() as connection:
                connection.exec_driver_sql(f"SELECT pg_terminate_backend({pid})")
            admin.dispose()
            assert signal.wait(1.0) is True, "a dropped listener wakes the screens to look anyway"
            assert signal.wait(1.0) is True, "then listens again (and looks once more)"
            assert signal.wait(0.2) is False
            save(other, [ChoiceChange("hw1", "s1", "c1", GOOD)])
            assert signal.wait(WAKE_SECONDS) is True
        finally:
            signal.close()


@pytest.mark.postgres
def test_a_gradebook_in_another_schema_does_not_wake_the_signal(postgres_url: str) -> None:
    with open_store(postgres_url) as store:
        signal = store.change_signal()
        admin = create_engine(postgres_url)
        try:
            with admin.begin() as connection:  # what a write to a gradebook in another schema sends
                connection.exec_driver_sql(f"SELECT pg_notify('{CHANNEL}', 'another_schema')")
            assert signal.wait(0.5) is False
            with admin.begin() as connection:
                connection.exec_driver_sql(f"SELECT pg_notify('{CHANNEL}', current_schema())")
            assert signal.wait(WAKE_SECONDS) is True
        finally:
            admin.dispose()
            signal.close()
