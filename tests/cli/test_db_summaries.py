"""`grader db upgrade` brings an older gradebook's summaries up to date; `grader db check` finds
(and with --repair fixes) a summary that disagrees with its choices."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import run
from sqlalchemy import create_engine

from grader.store.migrate import MIGRATIONS, current_revision
from grader.store.revision import HEAD


def database_url(course: Path, db_args: list[str]) -> str:
    return db_args[1] if db_args else f"sqlite:///{course / '.grader' / 'grades.db'}"


def grade(capsys: pytest.CaptureFixture[str], course: Path, db_args: list[str]) -> None:
    for student, level in (("00123", "Missing"), ("00124", "Exemplary"), ("00125", "Developing")):
        args = [
            "grade",
            "a1-calculator",
            "--student",
            student,
            "--criterion",
            "correctness",
            "--level",
            level,
        ]
        code, _, err = run(capsys, course, *db_args, *args)
        assert code == 0, err
    code, _, err = run(
        capsys, course, *db_args, "flag", "a1-calculator", "--student", "00126", "--note", "why"
    )
    assert code == 0, err


def execute(url: str, statement: str) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(statement)
    finally:
        engine.dispose()


def test_db_check_finds_a_wrong_summary_and_repairs_it(
    capsys: pytest.CaptureFixture[str], course_dir: Path, db_args: list[str]
) -> None:
    grade(capsys, course_dir, db_args)
    code, out, err = run(capsys, course_dir, *db_args, "db", "check")
    assert (code, err.strip()) == (0, "")
    assert out.startswith("submission summaries agree with their choices (0 out of date")

    execute(
        database_url(course_dir, db_args),
        "UPDATE submission_summary SET score = '39' WHERE student_id = '00124'",
    )
    code, out, err = run(capsys, course_dir, *db_args, "db", "check")
    assert code == 1
    assert (
        "a1-calculator 00124: stored in progress, 39 / 80, not final; recomputed in progress, 40 / 80" in err
    )
    assert "1 submission summaries disagree with their choices: run `grader db check --repair`" in err

    code, out, err = run(capsys, course_dir, *db_args, "db", "check", "--repair")
    assert code == 0 and "recomputed 1 submission summaries" in out
    assert run(capsys, course_dir, *db_args, "db", "check")[0] == 0


def test_db_upgrade_brings_a_gradebook_made_before_summaries_up_to_date(
    capsys: pytest.CaptureFixture[str], course_dir: Path, db_args: list[str]
) -> None:
    grade(capsys, course_dir, db_args)
    url = database_url(course_dir, db_args)
    downgrade_to(url, "0005")  # what an older grader left: choices and pulls, no summaries
    assert current_revision(url) == "0005"

    code, out, err = run(capsys, course_dir, *db_args, "db", "upgrade")
    assert code == 0, err
    assert f"gradebook at schema revision {HEAD} (latest)" in out
    assert "submission summaries up to date (4 recomputed)" in out
    code, out, err = run(capsys, course_dir, *db_args, "db", "check")
    assert code == 0 and "(0 out of date" in out, err
    code, out, _ = run(capsys, course_dir, *db_args, "db", "upgrade")
    assert "(0 recomputed)" in out


def downgrade_to(url: str, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, revision)
    finally:
        engine.dispose()
