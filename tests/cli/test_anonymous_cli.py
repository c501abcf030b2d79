"""Anonymous grading from the command line, on both backends: status, log, grade, moderation
and autograde name students by pseudonym; a real id is refused where graders would use it;
`grader reveal` (all, or one pseudonym) is audited; LMS exports keep the real ids."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from cli_helpers import run
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from grader.domain.anonymity import IDENTITIES_REVEALED, IDENTITY_LOOKED_UP, is_pseudonym
from grader.gradebook.anonymity import identities
from grader.gradebook.context import open_course
from grader.gradebook.grading import ChoiceRequest, record_choice

A1 = "a1-calculator"
REAL = {
    "00123": ("Zoë Ångström", "zoe@example.edu", "zoe-a"),
    "00124": ("Γιώργος Παπαδόπουλος", "giorgos@example.edu", "giorgosp"),
    "00125": ("Анна Иванова", "anna@example.edu", "anna-iv"),
    "00126": ("محمد علي", "mohammed@example.edu", "m-ali"),
    "00127": ("张伟", "zhang@example.edu", "zhangwei"),
}


def shows_no_identity(text: str) -> None:
    for sid, (name, email, github) in REAL.items():
        for term in (sid, name, email, github):
            assert term not in text, f"{term} shown"


@pytest.fixture
def anonymous(course_dir: Path) -> Path:
    path = course_dir / "course.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(f"  - id: {A1}\n", f"  - id: {A1}\n    anonymous: true\n"), encoding="utf-8")
    return course_dir


def pseudonyms(course: Path, db_args: list[str]) -> dict[str, str]:
    with open_course(course, database_url=db_args[1] if db_args else None) as ctx:
        return dict(identities(ctx, A1).pseudonyms)


def test_graders_see_and_type_pseudonyms_and_the_log_keeps_them(
    capsys: pytest.CaptureFixture[str], anonymous: Path, db_args: list[str]
) -> None:
    names = pseudonyms(anonymous, db_args)
    assert sorted(names) == sorted(REAL) and all(is_pseudonym(p) for p in names.values())
    code, out, err = run(capsys, anonymous, *db_args, "status", A1)
    assert code == 0, err
    shows_no_identity(out)
    assert all(p in out for p in names.values())
    code, out, err = run(capsys, anonymous, *db_args, "status", A1, "--json")
    rows = json.loads(out)
    assert [r["student_id"] for r in rows] == sorted(names.values()), "pseudonym order, not roster order"
    assert {r["name"] for r in rows} == {"anonymous"}
    code, out, err = run(
        capsys, anonymous, *db_args, "grade", A1, "--student", "00123", "--criterion", "correctness",
        "--level", "Proficient",
    )  # fmt: skip
    assert code == 1 and "graded anonymously: name the student by pseudonym" in err
    typed = names["00123"].lower()  # any case
    code, out, err = run(
        capsys, anonymous, *db_args, "grade", A1, "--student", typed, "--criterion", "correctness",
        "--level", "Proficient", "--comment", "clear structure",
    )  # fmt: skip
    assert code == 0, err
    assert out.startswith(f"{A1} {names['00123']} correctness: 30 / 40 points")
    code, out, err = run(
        capsys, anonymous, *db_args, "flag", A1, "--student", names["00124"], "--note", "ask"
    )
    assert code == 0, err
    code, out, err = run(capsys, anonymous, *db_args, "log", "--assignment", A1)
    assert code == 0, err
    shows_no_identity(out)
    assert f"{A1}/{names['00123']}" in out
    code, out, err = run(capsys, anonymous, *db_args, "log", "--student", names["00123"], "--json")
    assert code == 0, err
    assert [json.loads(line)["student_id"] for line in out.splitlines()] == [names["00123"]]
    code, out, err = run(capsys, anonymous, *db_args, "log", "--student", "00123")
    assert out == "" and "nothing recorded" in err, "a real id never ties to a pseudonym"


def test_reveal_is_confirmed_audited_and_shows_names_to_everyone_after(
    capsys: pytest.CaptureFixture[str], anonymous: Path, db_args: list[str]
) -> None:
    names = pseudonyms(anonymous, db_args)
    code, out, err = run(capsys, anonymous, *db_args, "reveal", A1, names["00125"])
    assert code == 0, err
    assert out.splitlines()[0] == f"{names['00125']} in {A1} is Анна Иванова (00125)"
    code, out, err = run(capsys, anonymous, *db_args, "status", A1)
    shows_no_identity(out)  # one look-up reveals nobody to the others
    code, out, err = run(capsys, anonymous, *db_args, "reveal", "a1-calc")
    assert code == 1 and "a1-calc" in err and A1 in err
    code, out, err = run(capsys, anonymous, *db_args, "reveal", A1, "--yes")
    assert code == 0, err
    assert f"{A1}: identities revealed to every grader" in out
    code, out, err = run(capsys, anonymous, *db_args, "reveal", A1, "--yes", "--json", actor="Ben")
    assert json.loads(out)["already"] is True and json.loads(out)["revealed_by"] == "Ada"
    code, out, err = run(capsys, anonymous, *db_args, "status", A1)
    assert "Zoë Ångström" in out and "00123" in out
    with open_course(anonymous, database_url=db_args[1] if db_args else None) as ctx:
        looked = ctx.store.audit_entries(IDENTITY_LOOKED_UP)
        revealed = ctx.store.audit_entries(IDENTITIES_REVEALED)
    assert [(e.actor, e.details["student"]) for e in looked] == [("Ada", "00125")]
    assert [(e.actor, e.details["assignment"]) for e in revealed] == [("Ada", A1)]
    assert identities_after(anonymous, db_args) == names, "revealing keeps the pseudonyms"


def identities_after(course: Path, db_args: list[str]) -> dict[str, str]:
    return pseudonyms(course, db_args)


def test_spreadsheets_name_students_by_pseudonym_and_lms_files_keep_real_ids(
    capsys: pytest.CaptureFixture[str], anonymous: Path, db_args: list[str], tmp_path: Path
) -> None:
    names = pseudonyms(anonymous, db_args)
    with open_course(anonymous, database_url=db_args[1] if db_args else None, actor="Ada") as ctx:
        record_choice(ctx, A1, "00123", "correctness", ChoiceRequest(level="Proficient"))
        record_choice(ctx, A1, "00123", "style", ChoiceRequest(items=()))
    code, out, err = run(
        capsys, anonymous, *db_args, "export", "grades", "--format", "wide", "--assignment", A1
    )
    assert code == 0, err
    shows_no_identity(out)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["student_id"] for r in rows] == sorted(names.values())
    code, out, err = run(capsys, anonymous, *db_args, "export", "grades", "--format", "long")
    assert code == 0, err
    shows_no_identity(out)
    assert names["00123"] in out
    moodle = tmp_path / "moodle.csv"
    code, out, err = run(
        capsys, anonymous, *db_args, "export", "grades", "--format", "moodle", "--moodle-key", "email",
        "-o", str(moodle),
    )  # fmt: skip
    # Nothing is final here (a1 is not pulled): the LMS export says so by real id and name.
    assert code == 1 and "left out 00123 Zoë Ångström, a1-calculator: autograde pending" in err


def test_a_reveal_of_an_assignment_that_is_not_anonymous_is_refused(
    capsys: pytest.CaptureFixture[str], course_dir: Path
) -> None:
    code, _out, err = run(capsys, course_dir, "reveal", A1, "--yes")
    assert code == 1 and "is not graded anonymously (course.yaml: anonymous: true)" in err


@pytest.mark.parametrize(
    ("statement", "refusal"),
    [
        ("UPDATE pseudonym SET pseudonym = 'anon-22222'", "pseudonyms never change"),
        ("DELETE FROM pseudonym", "pseudonyms never change"),
        ("DELETE FROM identity_reveal", "a reveal cannot be undone"),
    ],
)
def test_the_database_refuses_to_change_a_pseudonym_or_undo_a_reveal(
    capsys: pytest.CaptureFixture[str], anonymous: Path, db_args: list[str], statement: str, refusal: str
) -> None:
    pseudonyms(anonymous, db_args)
    code, _out, err = run(capsys, anonymous, *db_args, "reveal", A1, "--yes")
    assert code == 0, err
    with open_course(anonymous, database_url=db_args[1] if db_args else None) as ctx:
        with pytest.raises(DBAPIError, match=refusal), ctx.store._writing() as session:
            session.execute(text(statement))
        assert len(identities(ctx, A1).pseudonyms) == len(REAL)


def test_no_command_ties_a_typed_name_or_id_to_a_pseudonym(
    capsys: pytest.CaptureFixture[str], anonymous: Path, db_args: list[str]
) -> None:
    """While hidden, flag, excuse and extend look up no name, handle or e-mail (no candidates, no
    near names) and echo what was typed: a roster id is never answered with its pseudonym."""
    names = pseudonyms(anonymous, db_args)
    for typed in ("zoe-a", "zoe@example.edu", "Zoë Ångström", "an", "Zoe Angstrom"):
        code, out, err = run(capsys, anonymous, *db_args, "flag", A1, "--student", typed, "--note", "x")
        assert code == 1 and "neither a pseudonym" in err, (typed, err)
        assert not any(p in out + err for p in names.values()) and "00123" not in err
    code, out, err = run(capsys, anonymous, *db_args, "flag", A1, "--student", "00123", "--note", "x")
    assert code == 0 and "00123: flagged" in out and names["00123"] not in out + err
    code, out, err = run(capsys, anonymous, *db_args, "excuse", A1, "--student", names["00124"])
    assert code == 0 and f"{names['00124']}: excused" in out and "00124" not in out + err
    until = ["--until", "2026-10-05"]
    code, out, err = run(capsys, anonymous, *db_args, "extend", A1, "--student", "00125", *until)
    assert code == 0 and names["00125"] not in out + err, out
