"""Data safety (security.md, DB-1 … DB-8): concurrent graders, crashes, backups, tampering.

Every case runs on real SQLite files (and PostgreSQL when GRADER_TEST_POSTGRES_URL is set);
the multi-process cases start real processes with the 'spawn' method.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from multiprocessing.process import BaseProcess
from multiprocessing.synchronize import Barrier, Event
from pathlib import Path
from typing import Any

import pytest
from postgres import postgres_test_url, scratch_postgres_url
from required_tools import require_tool
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import Pool

from grader.domain.choices import CriterionChoice
from grader.domain.errors import ConflictError, GraderError
from grader.domain.events import ChoiceChange, EventOutcome, EventSource
from grader.store import Store, open_store

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
SPAWN = multiprocessing.get_context("spawn")


@contextmanager
def _started(*processes: BaseProcess) -> Iterator[None]:
    """Start child processes; whatever happens, none outlives the test."""
    for process in processes:
        process.daemon = True
        process.start()
    try:
        yield
    except BaseException:
        for process in processes:
            process.kill()
        raise
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
                process.join(timeout=10)


def _save(store: Store, changes: list[ChoiceChange], actor: str) -> dict[tuple[str, str], int]:
    return store.save(changes, actor=actor, rubric_hash="rubric-hash", source=EventSource.GRADER, now=NOW)


def _level(student_id: str, level: str, expected: int | None = None) -> ChoiceChange:
    return ChoiceChange("hw1", student_id, "design", CriterionChoice(level=level), expected)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'grades.db'}"
        return
    require_tool("postgresql")
    base = postgres_test_url()
    assert base is not None, "require_tool found the URL"
    with scratch_postgres_url(base) as scratch:
        yield scratch


@pytest.fixture
def database(tmp_path: Path) -> Path:
    """An SQLite gradebook file, created at the current schema."""
    path = tmp_path / "grades.db"
    open_store(f"sqlite:///{path}").close()
    return path


# DB-1 (and DB-6 with the postgres parameter)


def test_db1_stale_save_conflicts_naming_the_other_grader(url: str) -> None:
    with open_store(url) as setup:
        _save(setup, [_level("s1", "Fair")], actor="setup")
    with open_store(url) as grader_a, open_store(url) as grader_b:
        seen_by_a = grader_a.grade("hw1", "s1")
        assert seen_by_a.version == 1

        _save(grader_b, [_level("s1", "Good", grader_b.grade("hw1", "s1").version)], actor="B")
        with pytest.raises(ConflictError) as refused:
            _save(grader_a, [_level("s1", "Poor", seen_by_a.version)], actor="A")

        assert refused.value.changed_by == "B"
        assert "changed by B" in str(refused.value)
        assert refused.value.version == 2
        assert grader_a.grade("hw1", "s1").choices["design"] == CriterionChoice(level="Good")
        log = [(e.actor, e.new.level, e.outcome) for e in grader_a.events("hw1", "s1")]
        assert log[1:] == [("B", "Good", EventOutcome.APPLIED), ("A", "Poor", EventOutcome.CONFLICT)]


# DB-6: simultaneous saves of the same version: one wins, the other is told; none is lost


def test_db6_simultaneous_saves_never_lose_an_update(url: str) -> None:
    rounds = 15
    with open_store(url) as setup:
        _save(setup, [_level("s1", "start")], actor="setup")
    outcomes: dict[str, list[str]] = {"A": [], "B": []}
    barrier = threading.Barrier(2)

    def grade(actor: str) -> None:
        with open_store(url) as store:
            for round_number in range(rounds):
                seen = store.grade("hw1", "s1")
                barrier.wait(timeout=30)
                try:
                    _save(store, [_level("s1", f"{actor}{round_number}", seen.version)], actor)
                    outcomes[actor].append("saved")
                except ConflictError:
                    outcomes[actor].append("conflict")
                barrier.wait(timeout=30)

    threads = [threading.Thread(target=grade, args=(actor,)) for actor in ("A", "B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    saved = outcomes["A"].count("saved") + outcomes["B"].count("saved")
    assert len(outcomes["A"]) == len(outcomes["B"]) == rounds
    assert all(sorted(pair) == ["conflict", "saved"] for pair in zip(*outcomes.values(), strict=True))
    with open_store(url) as store:
        events = store.events("hw1", "s1")
        applied = [e for e in events if e.outcome is EventOutcome.APPLIED]
        assert len(applied) == 1 + saved
        assert len(events) == 1 + 2 * rounds
        assert store.grade("hw1", "s1").version == 1 + saved
        assert store.grade("hw1", "s1").choices["design"] == applied[-1].new


# DB-2: 8 processes × 200 grade writes on one SQLite file

WORKERS = 8
WRITES = 200


def _grade_in_a_process(db_url: str, worker: int, start: Barrier, results: Any) -> None:
    try:
        with open_store(db_url) as store:
            start.wait(timeout=120)
            for n in range(WRITES):
                change = ChoiceChange("hw1", f"s{n % 10}", f"c{worker}", CriterionChoice(points=Decimal(n)))
                _save(store, [change], actor=f"grader{worker}")
        results.put((worker, "ok"))
    except BaseException as error:
        results.put((worker, repr(error)))
        raise


@pytest.mark.slow
def test_db2_eight_processes_writing_at_once_all_commit(database: Path) -> None:
    db_url = f"sqlite:///{database}"
    start = SPAWN.Barrier(WORKERS)
    results = SPAWN.Queue()
    workers = [
        SPAWN.Process(target=_grade_in_a_process, args=(db_url, worker, start, results))
        for worker in range(WORKERS)
    ]
    with _started(*workers):
        outcomes = dict(results.get(timeout=120) for _ in workers)

    assert outcomes == dict.fromkeys(range(WORKERS), "ok")
    with open_store(db_url) as store:
        grades = store.grades("hw1")
        applied = [e for e in store.events("hw1") if e.outcome is EventOutcome.APPLIED]
    assert len(applied) == WORKERS * WRITES
    assert {s: g.version for s, g in grades.items()} == {f"s{k}": 160 for k in range(10)}
    for k in range(10):  # each process's last write per student stands
        assert grades[f"s{k}"].choices == {
            f"c{w}": CriterionChoice(points=Decimal(190 + k)) for w in range(WORKERS)
        }


# DB-3: kill -9 in the middle of a 50-row batch save

BATCH = 50


def _batch(assignment_id: str) -> list[ChoiceChange]:
    return [
        ChoiceChange(assignment_id, f"s{n:02}", "design", CriterionChoice(level="Good", comment="x" * 4000))
        for n in range(BATCH)
    ]


def _save_and_hang_midway(db_url: str, midway: Event) -> None:
    def tiny_cache(dbapi_connection: Any, _record: Any) -> None:
        # A small page cache makes SQLite spill the uncommitted rows into the WAL file.
        dbapi_connection.execute("PRAGMA cache_size = 10")

    def hang_after_the_choice_rows(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("INSERT INTO criterion_choice"):
            midway.set()
            signal.pause()  # until the test's SIGKILL, inside the open transaction

    event.listen(Pool, "connect", tiny_cache)
    event.listen(Engine, "after_cursor_execute", hang_after_the_choice_rows)
    with open_store(db_url) as store:
        _save(store, _batch("hw3"), actor="doomed")


def test_db3_a_batch_killed_midway_leaves_nothing_and_an_intact_file(database: Path) -> None:
    db_url = f"sqlite:///{database}"
    with open_store(db_url) as store:
        _save(store, _batch("hw0"), actor="earlier")
    wal = database.with_name("grades.db-wal")
    midway = SPAWN.Event()
    child = SPAWN.Process(target=_save_and_hang_midway, args=(db_url, midway))
    with _started(child):
        assert midway.wait(timeout=60), "the child never reached the middle of its batch"
        assert wal.stat().st_size > 0  # uncommitted pages of the batch are on disk
        assert child.pid is not None
        os.kill(child.pid, signal.SIGKILL)
    assert child.exitcode == -signal.SIGKILL

    with sqlite3.connect(database) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    raw.close()
    with open_store(db_url) as store:
        assert store.integrity_check() == "ok"
        assert store.grades("hw3") == {}  # nothing of the killed batch
        assert store.events("hw3") == []
        assert len(store.grades("hw0")) == BATCH  # the earlier batch is intact
        _save(store, _batch("hw3"), actor="retry")  # and the file takes writes again
        assert len(store.grades("hw3")) == BATCH
        assert len(store.events("hw3")) == BATCH


# DB-4: a backup taken while another process writes


def _keep_grading(db_url: str, saved: Any, twenty_saved: Event, stop: Event) -> None:
    with open_store(db_url) as store:
        n = 0
        while not stop.is_set():
            change = ChoiceChange("live", f"w{n:05}", "c1", CriterionChoice(points=Decimal(n)))
            _save(store, [change], actor="writer")
            n += 1
            saved.value = n
            if n == 20:
                twenty_saved.set()


def test_db4_a_backup_during_writes_holds_everything_committed_before_it(
    database: Path, tmp_path: Path
) -> None:
    db_url = f"sqlite:///{database}"
    with open_store(db_url) as store:
        store.save_many(
            [
                ChoiceChange("hw1", f"s{n:04}", "c1", CriterionChoice(level="A", comment="y" * 2000))
                for n in range(3000)
            ],
            actor="earlier",
            rubric_hash="h",
            source=EventSource.BATCH,
            now=NOW,
        )
    saved = SPAWN.Value("i", 0)
    twenty_saved = SPAWN.Event()
    stop = SPAWN.Event()
    writer = SPAWN.Process(target=_keep_grading, args=(db_url, saved, twenty_saved, stop))
    with _started(writer):
        assert twenty_saved.wait(timeout=60), "the writer never committed 20 saves"
        with open_store(db_url) as store:
            committed_before = store.events()
            saved_before = saved.value
            copy = store.backup(tmp_path / "backup.db")
            saved_after = saved.value
        stop.set()
    assert writer.exitcode == 0
    assert saved_after > saved_before >= 20  # the writer kept committing around the backup

    with sqlite3.connect(copy) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    raw.close()
    with open_store(f"sqlite:///{copy}") as restored:
        events = restored.events()
        assert events[: len(committed_before)] == committed_before
        live = restored.grades("live")
        assert sorted(live) == [f"w{n:05}" for n in range(len(live))]  # no gaps: a snapshot
        for assignment_id in ("hw1", "live"):
            state = {s: g.choices for s, g in restored.grades(assignment_id).items()}
            assert restored.replay(assignment_id) == state


# DB-5: SQLite on a network file system


def test_db5_sqlite_on_a_network_file_system_is_refused(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    mounts = tmp_path / "mounts"
    mounts.write_text(f"/dev/vda / ext4 rw 0 0\nfiler:/grades {share} nfs4 rw,vers=4.2 0 0\n")

    with pytest.raises(GraderError, match="PostgreSQL") as refused:
        open_store(f"sqlite:///{share / 'grades.db'}", mounts_file=mounts)

    assert "network file system (nfs4)" in str(refused.value)
    assert list(share.iterdir()) == []


# DB-8: grade and audit events cannot be changed or deleted


def test_db8_events_cannot_be_changed_or_deleted(url: str) -> None:
    with open_store(url) as store:
        _save(store, [_level("s1", "Good")], actor="ann")
        store.audit("backup", {"to": "x"}, actor="ann", now=NOW)
        events, entries = store.events(), store.audit_entries()
    assert not [name for name in dir(Store) if name.startswith(("update", "delete", "edit"))]

    tampering = [
        'UPDATE grade_event SET new = \'{"level":"Excellent"}\'',
        "DELETE FROM grade_event",
        "UPDATE audit_event SET actor = 'mallory'",
        "DELETE FROM audit_event",
    ]
    if url.startswith("postgresql"):
        tampering += ["TRUNCATE grade_event CASCADE", "TRUNCATE audit_event"]
    else:
        tampering += [
            "INSERT OR REPLACE INTO grade_event SELECT * FROM grade_event WHERE id = 1",
            "REPLACE INTO audit_event SELECT * FROM audit_event WHERE id = 1",
        ]
    engine = create_engine(url)
    try:
        for statement in tampering:
            with pytest.raises(DBAPIError, match="events are append-only"), engine.begin() as raw:
                raw.exec_driver_sql(statement)
    finally:
        engine.dispose()

    with open_store(url) as store:
        assert store.events() == events
        assert store.audit_entries() == entries
