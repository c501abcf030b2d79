"""Schema revisions: new at head, older backed up then upgraded, newer or foreign refused."""

from __future__ import annotations

import re
import shutil
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine
from store_helpers import NOW, save

from grader.domain.choices import CriterionChoice
from grader.domain.errors import GraderError
from grader.domain.events import ChoiceChange
from grader.store import open_store
from grader.store.migrate import MIGRATIONS, current_revision, head_revision, upgrade
from grader.store.revision import HEAD
from grader.store.tables import METADATA

SECOND_REVISION = '''
"""Test only: a later schema, to open an older gradebook with."""

import sqlalchemy as sa
from alembic import op

revision = "9999"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("submission", sa.Column("note", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("submission", "note")
'''


@pytest.fixture
def newer_migrations(tmp_path: Path) -> Path:
    """The real migrations plus a second revision, as a later grader would ship them."""
    scripts = tmp_path / "newer-migrations"
    shutil.copytree(MIGRATIONS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "9999_test_only.py").write_text(
        SECOND_REVISION.replace("{head}", head_revision())
    )
    return scripts


def _columns(path: Path, table: str) -> set[str]:
    with sqlite3.connect(path) as connection:
        return {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}


def test_a_new_database_is_created_at_the_head_revision(store_url: str) -> None:
    with open_store(store_url) as store:
        assert store.revision() == head_revision() == HEAD
    assert current_revision(store_url) == HEAD


def test_the_migration_builds_exactly_the_declared_tables(store_url: str) -> None:
    open_store(store_url).close()

    engine = create_engine(store_url)
    try:
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), METADATA)
    finally:
        engine.dispose()

    assert differences == []


def test_an_older_database_is_backed_up_then_upgraded(sqlite_file: Path, newer_migrations: Path) -> None:
    url = f"sqlite:///{sqlite_file}"
    with open_store(url) as store:
        save(store, [ChoiceChange("hw1", "s1", "c1", CriterionChoice(level="Good"))])

    with open_store(url, script_location=newer_migrations) as store:
        assert store.revision() == "9999"
        assert store.grade("hw1", "s1").choices == {"c1": CriterionChoice(level="Good")}
    assert "note" in _columns(sqlite_file, "submission")

    (backup,) = sqlite_file.parent.glob("grades.db.bak-*")
    assert re.fullmatch(rf"grades\.db\.bak-{HEAD}-\d{{8}}T\d{{6}}Z", backup.name)
    with sqlite3.connect(backup) as copy:
        assert copy.execute("SELECT version_num FROM alembic_version").fetchall() == [(HEAD,)]
        assert copy.execute("SELECT level FROM criterion_choice").fetchall() == [("Good",)]
        assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert "note" not in _columns(backup, "submission")


def test_a_database_at_head_is_opened_without_a_backup(sqlite_file: Path) -> None:
    open_store(f"sqlite:///{sqlite_file}").close()
    open_store(f"sqlite:///{sqlite_file}").close()

    assert list(sqlite_file.parent.glob("*.bak-*")) == []


def test_a_database_from_a_newer_grader_is_refused(sqlite_file: Path, newer_migrations: Path) -> None:
    url = f"sqlite:///{sqlite_file}"
    open_store(url, script_location=newer_migrations).close()

    with pytest.raises(GraderError, match=rf"newer version of grader .*9999.*{HEAD}"):
        open_store(url)
    assert current_revision(url) == "9999"


def test_an_unknown_revision_is_refused_on_every_backend(store_url: str) -> None:
    open_store(store_url).close()
    engine = create_engine(store_url)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = 'f00dcafe'")
    engine.dispose()

    with pytest.raises(GraderError, match="newer version of grader"):
        open_store(store_url)


def test_an_older_postgresql_database_is_not_upgraded_without_a_dump(
    postgres_url: str, newer_migrations: Path
) -> None:
    open_store(postgres_url).close()

    with pytest.raises(GraderError, match="pg_dump"):
        open_store(postgres_url, script_location=newer_migrations)
    assert current_revision(postgres_url) == HEAD
    upgrade(postgres_url, script_location=newer_migrations)  # what `grader db upgrade` runs
    assert current_revision(postgres_url) == "9999"


def test_a_database_of_another_program_is_refused_untouched(sqlite_file: Path) -> None:
    with sqlite3.connect(sqlite_file) as other:
        other.execute("CREATE TABLE notes (body TEXT)")
        other.execute("INSERT INTO notes VALUES ('mine')")
    other.close()

    with pytest.raises(GraderError, match="not a grader gradebook"):
        open_store(f"sqlite:///{sqlite_file}")

    with sqlite3.connect(sqlite_file) as other:
        tables = {row[0] for row in other.execute("SELECT name FROM sqlite_master")}
    assert tables == {"notes"}


def test_a_file_that_is_not_a_database_is_refused_clearly(sqlite_file: Path) -> None:
    sqlite_file.write_text("name,score\nann,3\n" * 100)

    with pytest.raises(GraderError, match="cannot open the gradebook"):
        open_store(f"sqlite:///{sqlite_file}")


def test_a_database_in_a_missing_folder_is_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(GraderError, match="cannot open the gradebook"):
        open_store(f"sqlite:///{tmp_path / 'no-such-folder' / 'grades.db'}")


def test_upgrade_brings_a_new_database_to_head(sqlite_file: Path) -> None:
    url = f"sqlite:///{sqlite_file}"
    assert current_revision(url) is None

    upgrade(url)

    assert current_revision(url) == head_revision()


def test_the_upgrade_command_also_backs_up_an_older_file(sqlite_file: Path, newer_migrations: Path) -> None:
    url = f"sqlite:///{sqlite_file}"
    open_store(url).close()

    upgrade(url, script_location=newer_migrations)

    assert current_revision(url) == "9999"
    (backup,) = sqlite_file.parent.glob(f"grades.db.bak-{HEAD}-*")
    assert current_revision(f"sqlite:///{backup}") == HEAD


def test_a_gradebook_made_before_pulls_existed_is_backed_up_and_upgraded(sqlite_file: Path) -> None:
    url = f"sqlite:///{sqlite_file}"
    upgrade_to(url, "0001")
    with sqlite3.connect(sqlite_file) as old:
        assert "observation" not in {row[0] for row in old.execute("SELECT name FROM sqlite_master")}
    open_store(url).close()
    assert current_revision(url) == HEAD
    assert "sha" in _columns(sqlite_file, "observation")
    (backup,) = sqlite_file.parent.glob("grades.db.bak-0001-*")
    assert current_revision(f"sqlite:///{backup}") == "0001"


def test_a_gradebook_made_before_rubric_checks_keeps_its_grades_and_gains_the_table(
    sqlite_file: Path,
) -> None:
    url = f"sqlite:///{sqlite_file}"
    upgrade_to(url, "0003")
    with open_store(url) as store:
        assert store.revision() == HEAD
        assert store.rubric_check("hw1") is None
        save(store, [ChoiceChange("hw1", "s1", "c1", CriterionChoice(level="Good"))])
        store.record_rubric_check("hw1", "hash", store.last_event_id(), checked_at=NOW)
        assert store.rubric_check("hw1") == ("hash", 1, NOW)
    (backup,) = sqlite_file.parent.glob("grades.db.bak-0003-*")
    assert current_revision(f"sqlite:///{backup}") == "0003"


def upgrade_to(url: str, revision: str) -> None:
    """An older grader's gradebook: the migrations only up to ``revision``."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        engine.dispose()


def test_the_known_head_matches_the_migration_scripts() -> None:
    from grader.store.migrate import HEAD

    assert head_revision() == HEAD


def test_opening_an_up_to_date_gradebook_does_not_load_alembic(sqlite_file: Path) -> None:
    import subprocess
    import sys

    open_store(f"sqlite:///{sqlite_file}").close()
    code = (
        "import sys\nfrom grader.store import open_store\n"
        f"open_store({f'sqlite:///{sqlite_file}'!r}).close()\n"
        "print('alembic' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_a_gradebook_made_before_summaries_gets_one_marked_stale_per_submission(sqlite_file: Path) -> None:
    url = f"sqlite:///{sqlite_file}"
    upgrade_to(url, "0005")
    with sqlite3.connect(sqlite_file) as old:
        old.execute("INSERT INTO submission (id, assignment_id, student_id) VALUES (1, 'hw1', 's1')")
        old.execute(
            "INSERT INTO criterion_choice (submission_id, criterion_id, level, updated_by, updated_at) "
            "VALUES (1, 'c1', 'Good', 'ann', '2026-01-01T00:00:00+00:00')"
        )
        old.execute(
            "INSERT INTO pull_state (assignment_id, student_id, result, pulled_at) "
            "VALUES ('hw1', 's1', 'cloned', 'x'), ('hw1', 's2', 'missing', 'x'), ('hw2', 's1', 'cloned', 'x')"
        )
    old.close()

    with open_store(url) as store:
        assert store.revision() == HEAD
        assert store.grade("hw1", "s1").choices == {"c1": CriterionChoice(level="Good")}
        assert store.summaries.student_ids("hw1", not_at="any stamp") == ["s1", "s2"]
        assert store.summaries.student_ids("hw2", not_at="any stamp") == ["s1"]
        assert {g.stamp for g in store.summaries.groups("hw1")} == {""}
    (backup,) = sqlite_file.parent.glob("grades.db.bak-0005-*")
    assert current_revision(f"sqlite:///{backup}") == "0005"


def test_the_summary_migration_upgrades_an_older_postgresql_gradebook(postgres_url: str) -> None:
    upgrade_to(postgres_url, "0005")
    engine = create_engine(postgres_url)
    with engine.begin() as old:
        old.exec_driver_sql("INSERT INTO submission (assignment_id, student_id) VALUES ('hw1', 's1')")
    engine.dispose()

    with pytest.raises(GraderError, match="pg_dump"):
        open_store(postgres_url)
    upgrade(postgres_url)

    with open_store(postgres_url) as store:
        assert store.summaries.student_ids("hw1", not_at="any stamp") == ["s1"]
        save(store, [ChoiceChange("hw1", "s1", "c1", CriterionChoice(level="Good"))])
        assert store.summaries.student_ids("hw1", not_at="") == []  # the trigger kept it stale


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_gradebook_made_before_autograde_gains_its_tables_and_keeps_its_grades(
    backend: str, sqlite_file: Path, request: pytest.FixtureRequest
) -> None:
    from grader.domain.autograde import CheckResult, RunStatus
    from grader.domain.events import AutogradeRun

    url = f"sqlite:///{sqlite_file}" if backend == "sqlite" else request.getfixturevalue("postgres_url")
    upgrade_to(url, "0006")
    engine = create_engine(url)
    with engine.begin() as old:
        old.exec_driver_sql("INSERT INTO submission (id, assignment_id, student_id) VALUES (1, 'hw1', 's1')")
        old.exec_driver_sql(
            "INSERT INTO criterion_choice (submission_id, criterion_id, level, updated_by, updated_at) "
            "VALUES (1, 'c1', 'Good', 'ann', '2026-01-01T00:00:00+00:00')"
        )
    engine.dispose()
    if backend == "postgres":
        upgrade(url)
    with open_store(url) as store:
        assert store.revision() == HEAD
        assert store.grade("hw1", "s1").choices == {"c1": CriterionChoice(level="Good")}
        ran = CheckResult(RunStatus.PASSED, Decimal(5), Decimal(5), 0, 0.1, "passed")
        store.record_autograde([AutogradeRun("hw1", "s1", "t", "c", "d", ran, "h")], actor="a", now=NOW)
        assert store.grade("hw1", "s1").autograde["t"].points == Decimal(5)
        assert store.summaries.student_ids("hw1", not_at="") == []  # the new trigger marked it stale


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_gradebook_made_before_claims_gains_them_and_stamps_each_change(
    backend: str, sqlite_file: Path, request: pytest.FixtureRequest
) -> None:
    from datetime import timedelta

    from grader.domain.claims import Claimant

    url = f"sqlite:///{sqlite_file}" if backend == "sqlite" else request.getfixturevalue("postgres_url")
    upgrade_to(url, "0007")
    engine = create_engine(url)
    with engine.begin() as old:
        old.exec_driver_sql("INSERT INTO submission (assignment_id, student_id) VALUES ('hw1', 's1')")
        old.exec_driver_sql(
            "INSERT INTO criterion_choice (submission_id, criterion_id, level, updated_by, updated_at) "
            "SELECT id, 'c1', 'Good', 'ann', '2026-01-01T00:00:00+00:00' FROM submission"
        )
    engine.dispose()
    if backend == "postgres":
        upgrade(url)
    with open_store(url) as store:
        assert store.grade("hw1", "s1").choices == {"c1": CriterionChoice(level="Good")}
        since = store.changed_since(None).clock
        save(store, [ChoiceChange("hw1", "s2", "c1", CriterionChoice(level="Good"))])
        assert set(store.changed_since(since).keys) == {("hw1", "s2")}  # the new triggers stamp it
        held = store.claim("hw1", "s1", Claimant("ann", "p1"), now=NOW, lease=timedelta(seconds=90))
        assert held.actor == "ann"
