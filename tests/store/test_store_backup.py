"""Backups: a consistent single-file copy, never half-written, never over a file by accident."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest
from store_helpers import NOW, save

import grader.store.backup as backup_module
from grader.domain.choices import CriterionChoice
from grader.domain.errors import GraderError
from grader.domain.events import ChoiceChange
from grader.store import Store, open_store


def _fill(store: Store, count: int) -> None:
    save(
        store,
        [ChoiceChange("hw1", f"s{n}", "c1", CriterionChoice(level="A")) for n in range(count)],
    )


def test_a_backup_is_a_complete_gradebook(sqlite_store: Store, tmp_path: Path) -> None:
    _fill(sqlite_store, 30)
    sqlite_store.audit("note", {"why": "test"}, actor="ann", now=NOW)

    copy = sqlite_store.backup(tmp_path / "copy.db")

    assert copy == tmp_path / "copy.db"
    with open_store(f"sqlite:///{copy}") as restored:
        assert restored.integrity_check() == "ok"
        assert restored.grades("hw1") == sqlite_store.grades("hw1")
        assert restored.events() == sqlite_store.events()
        assert restored.audit_entries() == sqlite_store.audit_entries()


def test_a_backup_is_one_file_in_rollback_journal_mode(sqlite_store: Store, tmp_path: Path) -> None:
    _fill(sqlite_store, 3)

    copy = sqlite_store.backup(tmp_path / "copy.db")

    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("copy")) == ["copy.db"]
    with sqlite3.connect(copy) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    connection.close()


def test_a_backup_never_replaces_a_file_unless_asked(sqlite_store: Store, tmp_path: Path) -> None:
    _fill(sqlite_store, 3)
    existing = tmp_path / "copy.db"
    existing.write_text("precious")

    with pytest.raises(GraderError, match="already exists"):
        sqlite_store.backup(existing)
    assert existing.read_text() == "precious"
    assert [p.name for p in tmp_path.iterdir() if p.name != "grades.db" and "grades.db" not in p.name] == [
        "copy.db"
    ]

    sqlite_store.backup(existing, overwrite=True)
    with sqlite3.connect(existing) as connection:
        assert connection.execute("SELECT count(*) FROM submission").fetchone() == (3,)
    connection.close()


def test_a_backup_is_private_whatever_the_umask_and_whatever_it_replaces(
    sqlite_store: Store, tmp_path: Path
) -> None:
    _fill(sqlite_store, 3)
    existing = tmp_path / "replaced.db"
    existing.write_text("an older copy")
    existing.chmod(0o644)
    previous = os.umask(0)
    try:
        fresh = sqlite_store.backup(tmp_path / "fresh.db")
        replaced = sqlite_store.backup(existing, overwrite=True)
    finally:
        os.umask(previous)
    assert (stat.S_IMODE(fresh.stat().st_mode), stat.S_IMODE(replaced.stat().st_mode)) == (0o600, 0o600)
    with open_store(f"sqlite:///{replaced}") as restored:
        assert restored.grades("hw1") == sqlite_store.grades("hw1")


def test_a_backup_that_fails_midway_keeps_the_old_copy_and_leaves_nothing_else(
    sqlite_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(sqlite_store, 3)
    existing = tmp_path / "copy.db"
    existing.write_text("the last good copy")
    before = sorted(p.name for p in tmp_path.iterdir())

    def interrupted(engine: object, target: Path) -> None:
        target.write_bytes(b"SQLite format 3\x00 and then")
        raise KeyboardInterrupt

    monkeypatch.setattr(backup_module, "_snapshot", interrupted)
    with pytest.raises(KeyboardInterrupt):
        sqlite_store.backup(existing, overwrite=True)
    assert existing.read_text() == "the last good copy"
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_a_backup_into_a_missing_folder_is_refused(sqlite_store: Store, tmp_path: Path) -> None:
    with pytest.raises(GraderError, match="not a folder"):
        sqlite_store.backup(tmp_path / "missing" / "copy.db")


def test_the_integrity_check_reports_ok(sqlite_store: Store) -> None:
    _fill(sqlite_store, 3)
    assert sqlite_store.integrity_check() == "ok"


def test_postgresql_backups_point_to_pg_dump(postgres_url: str, tmp_path: Path) -> None:
    with open_store(postgres_url) as store, pytest.raises(GraderError, match="pg_dump"):
        store.backup(tmp_path / "copy.db")
    assert not (tmp_path / "copy.db").exists()
