"""`grader excuse`, `grader flag` and `grader undo` as a script would use them, seen in status."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import run, status_row

A1 = "a1-calculator"


def _grade(capsys: pytest.CaptureFixture[str], course: Path, level: str, actor: str = "Ada") -> None:
    args = ("grade", A1, "--student", "00123", "--criterion", "correctness", "--level", level)
    code, _, err = run(capsys, course, *args, actor=actor)
    assert code == 0, err


def test_status_json_keeps_its_fields_and_adds_excused_flag_note_flagged_and_final(
    course_dir: Path, capsys
) -> None:
    row = status_row(capsys, course_dir, "00123")

    assert set(row) >= {
        "assignment", "student_id", "name", "status", "score", "max_score", "late_penalty",
        "late_minutes", "graded_commit", "flags", "graded_by", "pull_result", "version", "criteria",
    }  # fmt: skip
    assert (row["excused"], row["flag_note"], row["flagged"], row["final"]) == (False, "", False, False)


def test_excuse_then_withdraw(course_dir: Path, capsys) -> None:
    _grade(capsys, course_dir, "Proficient")

    code, out, err = run(capsys, course_dir, "excuse", A1, "--student", "00123", "--reason", "medical")
    assert (code, out.strip()) == (0, "a1-calculator 00123 Zoë Ångström: excused"), err
    row = status_row(capsys, course_dir, "00123")
    assert (row["status"], row["score"], row["excused"]) == ("excused", None, True)
    assert row["criteria"]["correctness"]["choice"] == "Proficient"  # the choices stay

    code, out, _ = run(capsys, course_dir, "excuse", A1, "--student", "00123", "--undo")
    assert (code, out.strip()) == (0, "a1-calculator 00123 Zoë Ångström: no longer excused")
    row = status_row(capsys, course_dir, "00123")
    assert (row["status"], row["score"], row["excused"]) == ("in progress", 30, False)


def test_a_flag_is_a_flag_beside_the_status_never_the_status(course_dir: Path, capsys) -> None:
    for criterion, *choice in (("correctness", "--level", "Proficient"), ("style", "--no-items")):
        args = ("grade", A1, "--student", "00124", "--criterion", criterion, *choice)
        assert run(capsys, course_dir, *args)[0] == 0
    code, _, err = run(
        capsys, course_dir, "flag", A1, "--student", "00124", "--note", "[red]odd[/red] history"
    )
    assert code == 0, err
    row = status_row(capsys, course_dir, "00124")
    assert (row["status"], row["flagged"], row["flag_note"]) == ("graded", True, "[red]odd[/red] history")
    assert row["flags"] == ["autograde pending", "flagged: [red]odd[/red] history"]
    assert (row["score"], row["final"]) == (50, False)
    code, out, _ = run(capsys, course_dir, "status", A1)
    assert code == 0 and "[red]odd[/red]" in out  # shown literally, never as markup
    line = next(line for line in out.splitlines() if "00124" in line)
    assert "graded" in line and "50 / 80" in line and "autograde" in line

    args = ("grade", A1, "--student", "00124", "--criterion", "tests", "--points", "0")
    assert run(capsys, course_dir, *args)[0] == 0
    row = status_row(capsys, course_dir, "00124")
    assert (row["status"], row["flagged"], row["final"]) == ("graded", True, True)
    assert run(capsys, course_dir, "flag", A1, "--student", "00124", "--clear")[0] == 0
    row = status_row(capsys, course_dir, "00124")
    assert (row["status"], row["flagged"], row["flag_note"], row["flags"]) == ("graded", False, "", [])
    code, _, _ = run(capsys, course_dir, "flag", A1, "--student", "00125", "--note", "where is it?")
    row = status_row(capsys, course_dir, "00125")
    assert (code, row["status"], row["flagged"]) == (0, "not pulled", True)


def test_flag_and_excuse_report_bad_input_without_a_traceback(course_dir: Path, capsys) -> None:
    code, _, err = run(capsys, course_dir, "flag", A1, "--student", "00124")
    assert code == 2 and "give either --note TEXT or --clear" in err
    code, _, err = run(capsys, course_dir, "flag", A1, "--student", "00124", "--note", "x", "--clear")
    assert code == 2
    code, _, err = run(capsys, course_dir, "excuse", A1, "--student", "99999")
    assert code == 1 and "unknown student '99999'" in err
    code, _, err = run(capsys, course_dir, "flag", "nope", "--student", "00124", "--note", "x")
    assert code == 1 and "Traceback" not in err


def test_undo_restores_each_earlier_choice_then_says_nothing_is_left(course_dir: Path, capsys) -> None:
    _grade(capsys, course_dir, "Proficient")
    _grade(capsys, course_dir, "Exemplary")

    code, out, err = run(capsys, course_dir, "undo")
    assert code == 0, err
    assert out.startswith(
        "undone your change to correctness for 00123 (Zoë Ångström) in a1-calculator: "
        "Exemplary (40) → Proficient (30) again (version 3)"
    )
    correctness = status_row(capsys, course_dir, "00123")["criteria"]["correctness"]
    assert (correctness["choice"], correctness["words"]) == ("Proficient", "Proficient (30)")
    code, out, _ = run(capsys, course_dir, "undo", "--json")
    assert code == 0
    undone = json.loads(out)
    assert (undone["restored"], undone["replaced"], undone["version"]) == ({}, {"level": "Proficient"}, 4)
    code, out, _ = run(capsys, course_dir, "undo")
    assert (code, out.strip()) == (0, "nothing of Ada's left to undo")


def test_undo_refuses_when_another_grader_changed_it_since(course_dir: Path, capsys) -> None:
    _grade(capsys, course_dir, "Proficient", actor="Ada")
    _grade(capsys, course_dir, "Missing", actor="Bob")

    code, _, err = run(capsys, course_dir, "undo", "--student", "00123")

    assert code == 1
    assert "cannot undo: 00123's correctness in a1-calculator was changed by Bob" in err
    assert status_row(capsys, course_dir, "00123")["criteria"]["correctness"]["choice"] == "Missing"
    code, _, err = run(capsys, course_dir, "undo", "--assignment", "nope")
    assert code == 1 and "nope" in err


def test_undo_json_still_warns_when_badges_cannot_be_updated(
    course_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from grader.domain.errors import GraderError
    from grader.gradebook import certify

    _grade(capsys, course_dir, "Proficient")

    def broken(*_args: object, **_kwargs: object) -> list[object]:
        raise GraderError("the signing key is unreadable")

    monkeypatch.setattr(certify, "after_grading", broken)
    code, out, err = run(capsys, course_dir, "undo", "--json")

    assert code == 0
    assert json.loads(out)["restored"] == {}
    assert "the undo is saved, but its badges could not be updated: the signing key is unreadable" in err


def test_grade_warns_when_another_grader_holds_the_claim_and_saves_anyway(
    course_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from grader.gradebook.claims import claim
    from grader.gradebook.context import open_course

    with open_course(course_dir, actor="ta-ben") as ctx:
        claim(ctx, A1, "00123")
    args = ("grade", A1, "--student", "00123", "--criterion", "correctness", "--level", "Proficient")
    code, _, err = run(capsys, course_dir, *args, actor="ta-anna")
    assert code == 0, err
    assert "warning: 00123 in a1-calculator is being graded by ta-ben (claimed at " in err
    assert "saving anyway" in err
    assert status_row(capsys, course_dir, "00123")["criteria"]["correctness"]["choice"] == "Proficient"
    code, _, err = run(capsys, course_dir, *args, actor="ta-ben")  # one's own claim: no warning
    assert code == 0 and "warning" not in err, err
