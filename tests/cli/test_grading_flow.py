"""The CLI as a script would use it: grade, status --json, rubric diff and apply."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import run, status_row


def status_of(capsys: pytest.CaptureFixture[str], course: Path, student: str) -> dict:
    return status_row(capsys, course, student)


def test_grade_twice_then_status_shows_the_computed_score(course_dir: Path, capsys) -> None:
    code, out, err = run(
        capsys,
        course_dir,
        "grade",
        "a1-calculator",
        "--student",
        "00123",
        "--criterion",
        "correctness",
        "--level",
        "Proficient",
    )
    assert code == 0, err
    assert "correctness: 30 / 40 points; total 30 / 80" in out
    code, out, err = run(
        capsys,
        course_dir,
        "grade",
        "a1-calculator",
        "--student",
        "00123",
        "--criterion",
        "style",
        "--item",
        "Unclear names",
        "--item",
        "Dead code",
    )
    assert code == 0, err
    row = status_of(capsys, course_dir, "00123")
    assert row["score"] == 42
    assert row["max_score"] == 80
    assert row["status"] == "graded"
    assert row["flags"] == ["autograde pending"]
    assert row["graded_by"] == "Ada"
    assert row["criteria"]["correctness"] == {
        "choice": "Proficient",
        "points": 30,
        "words": "Proficient (30)",
    }
    assert row["criteria"]["style"] == {
        "choice": ["Unclear names", "Dead code"],
        "points": 12,
        "words": "2 items: Unclear names, Dead code (−8)",
    }
    assert row["criteria"]["tests"] == {"choice": None, "points": None, "words": "–"}
    assert status_of(capsys, course_dir, "00124")["status"] == "not pulled"
    assert status_of(capsys, course_dir, "00124")["score"] is None


def test_adjustment_needs_a_comment_and_is_clamped(course_dir: Path, capsys) -> None:
    args = ("grade", "a1-calculator", "--student", "00125", "--criterion", "correctness")
    assert run(capsys, course_dir, *args, "--level", "Exemplary")[0] == 0
    code, _, err = run(capsys, course_dir, *args, "--adjust", "5")
    assert code == 1
    assert "an adjustment needs a comment" in err
    code, out, err = run(capsys, course_dir, *args, "--adjust", "-2.5", "--comment", "off-by-one in divide")
    assert code == 0, err
    assert "37.5 / 40" in out
    row = status_of(capsys, course_dir, "00125")
    assert row["criteria"]["correctness"]["adjustment"] == -2.5
    assert row["criteria"]["correctness"]["adjustment_comment"] == "off-by-one in divide"


def test_bad_choices_are_refused_with_what_was_expected(course_dir: Path, capsys) -> None:
    base = ("grade", "a1-calculator", "--student", "00123")
    code, _, err = run(capsys, course_dir, *base, "--criterion", "correctness", "--level", "Great")
    assert (code, err.strip()) == (
        1,
        "error: criterion 'correctness' has no level 'Great' "
        "(expected one of: Exemplary, Proficient, Developing, Missing)",
    )
    code, _, err = run(capsys, course_dir, *base, "--criterion", "nope", "--level", "Great")
    assert code == 1 and "has no criterion 'nope' (expected one of: correctness, style, tests)" in err
    code, _, err = run(
        capsys,
        course_dir,
        "grade",
        "a1-calculator",
        "--student",
        "99999",
        "--criterion",
        "style",
        "--no-items",
    )
    assert code == 1 and "unknown student '99999'" in err
    code, _, err = run(capsys, course_dir, *base, "--criterion", "tests", "--points", "25")
    assert code == 1 and "points must be between 0 and 20, got 25" in err
    code, _, err = run(capsys, course_dir, *base, "--criterion", "style", "--level", "A", "--no-items")
    assert code == 2 and "choose one of" in err


def test_rubric_edit_shows_in_diff_and_status(course_dir: Path, capsys) -> None:
    for student, level in (("00123", "Proficient"), ("00124", "Exemplary"), ("00125", "Proficient")):
        assert (
            run(
                capsys,
                course_dir,
                "grade",
                "a1-calculator",
                "--student",
                student,
                "--criterion",
                "correctness",
                "--level",
                level,
            )[0]
            == 0
        )
    rubric = course_dir / "rubrics" / "calculator.yaml"
    rubric.write_text(
        rubric.read_text().replace("{label: Proficient, points: 30}", "{label: Proficient, points: 32}")
    )
    code, out, err = run(capsys, course_dir, "rubric", "diff", "a1-calculator")
    assert code == 0, err
    cause = "correctness: level 'Proficient' 30 → 32"
    assert out.splitlines()[4:6] == [
        f"  00123 Zoë Ångström: 30 → 32 (+2) — {cause}",
        f"  00125 Анна Иванова: 30 → 32 (+2) — {cause}",
    ]
    assert status_of(capsys, course_dir, "00123")["score"] == 32
    assert status_of(capsys, course_dir, "00124")["score"] == 40
    assert run(capsys, course_dir, "rubric", "apply", "a1-calculator")[0] == 0
    code, out, _ = run(capsys, course_dir, "rubric", "diff", "a1-calculator")
    assert out.strip() == "a1-calculator: the rubric is unchanged since it was accepted"


def test_renaming_a_level_in_use_is_refused_until_mapped(course_dir: Path, capsys) -> None:
    assert (
        run(
            capsys,
            course_dir,
            "grade",
            "a1-calculator",
            "--student",
            "00123",
            "--criterion",
            "correctness",
            "--level",
            "Developing",
        )[0]
        == 0
    )
    rubric = course_dir / "rubrics" / "calculator.yaml"
    rubric.write_text(rubric.read_text().replace("label: Developing", "label: Emerging"))
    code, _, err = run(capsys, course_dir, "status", "a1-calculator", "--json")
    assert code == 1
    assert "correctness: level 'Developing' (used by 1 submission(s))" in err
    code, out, err = run(capsys, course_dir, "status", "--json")
    assert code == 0
    assert err.startswith("warning: the rubric of 'a1-calculator' no longer has choices that grades use")
    row = next(r for r in json.loads(out) if r["student_id"] == "00123")
    assert (row["score"], row["flags"]) == (None, ["rubric change needs mapping"])
    assert row["criteria"]["correctness"] == {"choice": "Developing", "points": None, "words": "Developing"}
    code, _, err = run(
        capsys,
        course_dir,
        "grade",
        "a1-calculator",
        "--student",
        "00124",
        "--criterion",
        "correctness",
        "--level",
        "Emerging",
    )
    assert code == 1 and "no longer has choices that grades use" in err
    code, out, _ = run(capsys, course_dir, "rubric", "diff", "a1-calculator")
    assert "needs a mapping: correctness: level 'Developing' is used by 1 submission(s)" in out
    code, _, err = run(capsys, course_dir, "rubric", "apply", "a1-calculator")
    assert code == 1 and "map each one" in err
    code, out, err = run(
        capsys, course_dir, "rubric", "apply", "a1-calculator", "--map", "correctness:Developing=Emerging"
    )
    assert code == 0, err
    assert "1 choice(s) rewritten" in out
    row = status_of(capsys, course_dir, "00123")
    assert row["criteria"]["correctness"] == {"choice": "Emerging", "points": 15, "words": "Emerging (15)"}


def test_check_reports_every_problem_and_exits_1(course_dir: Path, capsys) -> None:
    (course_dir / "roster.csv").write_text(
        "student_id,name,email,github\n1,Ann,a@x.edu,ann\n1,Bob,b@x.edu,ann\n"
    )
    code, _out, err = run(capsys, course_dir, "check")
    assert code == 1
    assert err.splitlines() == [
        'roster.csv:3 github: "ann" is used twice (lines 2 and 3)',
        'roster.csv:3 student_id: "1" is used twice (lines 2 and 3)',
        "2 problem(s) found; nothing was changed",
    ]


def test_check_passes_on_a_valid_course(course_dir: Path, capsys) -> None:
    code, out, _ = run(capsys, course_dir, "check")
    assert code == 0
    assert out.startswith("ok: cs101-fall26: 1 assignment(s), 1 rubric(s) with 3 criteria, 5 student(s)")


def test_backup_and_db_upgrade(course_dir: Path, capsys, tmp_path: Path) -> None:
    assert (
        run(
            capsys,
            course_dir,
            "grade",
            "a1-calculator",
            "--student",
            "00123",
            "--criterion",
            "correctness",
            "--level",
            "Missing",
        )[0]
        == 0
    )
    code, out, err = run(capsys, course_dir, "db", "upgrade")
    assert code == 0, err
    assert "latest" in out
    target = tmp_path / "copy.db"
    code, out, err = run(capsys, course_dir, "backup", str(target))
    assert code == 0, err
    code, out, err = run(capsys, course_dir, "--db", f"sqlite:///{target}", "status", "--json")
    assert code == 0, err
    assert {r["student_id"]: r["score"] for r in json.loads(out)}["00123"] == 0
    code, _, err = run(capsys, course_dir, "backup", str(target))
    assert code == 1 and "exists" in err
