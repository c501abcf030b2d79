"""SQLite settings, write transactions that lock at BEGIN, and refusing network file systems."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from store_helpers import save

from grader.domain.choices import CriterionChoice
from grader.domain.errors import GraderError
from grader.domain.events import ChoiceChange
from grader.store import Store, open_store
from grader.store.engine import make_engine, writer
from grader.store.mounts import file_system_type


def test_sqlite_connections_use_wal_full_sync_foreign_keys_and_a_busy_timeout(
    sqlite_file: Path,
) -> None:
    engine = make_engine(f"sqlite:///{sqlite_file}")
    try:
        with engine.connect() as connection:
            settings = {
                name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
            }
    finally:
        engine.dispose()

    assert settings == {
        "journal_mode": "wal",
        "synchronous": 2,  # FULL
        "foreign_keys": 1,
        "busy_timeout": 30_000,
    }


def _try_to_take_the_write_lock(path: Path) -> str:
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return "free"
    except sqlite3.OperationalError as error:
        return str(error)
    finally:
        other.close()


def test_a_write_transaction_holds_the_write_lock_from_its_begin(sqlite_file: Path) -> None:
    open_store(f"sqlite:///{sqlite_file}").close()
    engine = make_engine(f"sqlite:///{sqlite_file}")
    try:
        with writer(engine).begin() as connection:
            connection.execute(text("SELECT 1"))  # nothing written yet
            during_write = _try_to_take_the_write_lock(sqlite_file)
        with engine.begin() as connection:
            connection.execute(text("SELECT count(*) FROM submission"))
            during_read = _try_to_take_the_write_lock(sqlite_file)
    finally:
        engine.dispose()

    assert during_write == "database is locked"
    assert during_read == "free"


def test_a_save_waits_for_another_writer_instead_of_failing(sqlite_store: Store, sqlite_file: Path) -> None:
    holder = sqlite3.connect(sqlite_file, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.5, lambda: holder.execute("COMMIT"))
    release.start()
    started = time.monotonic()
    try:
        versions = save(sqlite_store, [ChoiceChange("hw1", "s1", "c1", CriterionChoice(level="A"))])
    finally:
        release.join()
        holder.close()

    assert versions == {("hw1", "s1"): 1}
    assert time.monotonic() - started >= 0.4


def test_foreign_keys_are_enforced(sqlite_store: Store, sqlite_file: Path) -> None:
    engine = make_engine(f"sqlite:///{sqlite_file}")
    try:
        with pytest.raises(Exception, match="FOREIGN KEY"), writer(engine).begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO criterion_choice (submission_id, criterion_id, updated_by, updated_at)"
                " VALUES (999, 'c1', 'x', 'y')"
            )
    finally:
        engine.dispose()


@pytest.mark.parametrize("kind", ["nfs", "nfs4", "cifs", "smb3", "smbfs"])
def test_a_database_on_a_network_file_system_is_refused(tmp_path: Path, kind: str) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    mounts = tmp_path / "mounts"
    mounts.write_text(
        f"/dev/vda / ext4 rw,relatime 0 0\nserver:/export {shared} {kind} rw,relatime,vers=4.2 0 0\n"
    )
    database = shared / "grades.db"

    with pytest.raises(GraderError, match=r"network file system.*PostgreSQL") as refused:
        open_store(f"sqlite:///{database}", mounts_file=mounts)

    assert kind in str(refused.value)
    assert not database.exists()


def test_the_deepest_mount_decides(tmp_path: Path) -> None:
    local = tmp_path / "net" / "local disk"
    local.mkdir(parents=True)
    mounts = tmp_path / "mounts"
    escaped = str(local).replace(" ", "\\040")
    mounts.write_text(
        "/dev/vda / ext4 rw 0 0\n"
        f"server:/export {tmp_path / 'net'} nfs4 rw 0 0\n"
        f"/dev/vdb {escaped} ext4 rw 0 0\n"
    )

    assert file_system_type(local / "grades.db", mounts) == "ext4"
    assert file_system_type(tmp_path / "net" / "grades.db", mounts) == "nfs4"
    assert file_system_type(tmp_path / "network-ish" / "grades.db", mounts) == "ext4"
    with open_store(f"sqlite:///{local / 'grades.db'}", mounts_file=mounts) as store:
        assert store.grades("hw1") == {}


def test_without_a_mounts_file_local_use_still_works(tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path / 'grades.db'}", mounts_file=tmp_path / "no-such-file") as store:
        assert store.grade("hw1", "s1").version == 0


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("mysql://root@localhost/grades", "unsupported database"),
        ("not a url", "not a database URL"),
        ("oracle+nodriver://x/y", "no database driver|unsupported database"),
        ("sqlite://", "must be a file"),
        ("sqlite:///:memory:", "must be a file"),
    ],
)
def test_unsupported_database_urls_are_refused_clearly(url: str, reason: str) -> None:
    with pytest.raises(GraderError, match=reason):
        open_store(url)


def test_a_database_locked_past_the_timeout_is_a_clear_error(
    sqlite_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("grader.store.engine.BUSY_TIMEOUT_SECONDS", 0.2)
    holder = sqlite3.connect(sqlite_file, isolation_level=None)
    with open_store(f"sqlite:///{sqlite_file}") as store:
        holder.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(GraderError, match=r"could not write the gradebook .*locked"):
                save(store, [ChoiceChange("hw1", "s1", "c1", CriterionChoice(level="A"))])
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert store.grade("hw1", "s1").version == 0
