"""`grader rubric diff` says what the edit changed, who it moves (final totals, late penalty
included, with the level or item why) and, plainly, that totals already follow the file."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from cli_helpers import run, status_row

from grader.git.fabricate import CommitSpec, Person, Push, fabricate
from grader.gradebook.context import open_course
from grader.gradebook.pull import Known, pull_one

A1 = "a1-calculator"
RUBRIC = "rubrics/calculator.yaml"
DEADLINE = datetime.fromisoformat("2026-10-01T23:59:00-04:00")
LATE = "00124"
ANN = Person("Ann", "ann@example.edu")


@pytest.fixture
def course(course_dir: Path) -> Path:
    """The test course with 00124's work a day and a half late, pulled (10 % per started day)."""
    yaml = course_dir / "course.yaml"
    text = yaml.read_text().replace(
        "https://github.com/cs101-fall26/a1-calculator-{github}", "remotes/{github}.git"
    )
    yaml.write_text(text.replace("allow_local: false", "allow_local: true"))
    spec = CommitSpec("late", ANN, DEADLINE + timedelta(hours=30), {"a.py": "1"})
    fabricate(course_dir / "remotes" / "giorgosp.git", [Push((spec,))])
    with open_course(course_dir, actor="Ada") as ctx:
        assignment = ctx.files.course.assignments[0]
        known = Known([], None, None)
        observed, state, _ = pull_one(
            ctx, assignment, ctx.files.student(LATE), known, DEADLINE + timedelta(days=2)
        )
        ctx.store.record_pull(observed, state)
    return course_dir


def grade(capsys, course: Path, student: str, criterion: str, *choice: str) -> None:
    code, _, err = run(capsys, course, "grade", A1, "--student", student, "--criterion", criterion, *choice)
    assert code == 0, err


def edit(course: Path, old: str, new: str) -> None:
    path = course / RUBRIC
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_a_level_worth_more_shows_final_totals_with_the_late_penalty_and_why(course: Path, capsys) -> None:
    grade(capsys, course, "00123", "correctness", "--level", "Proficient")
    grade(capsys, course, LATE, "correctness", "--level", "Proficient")
    grade(capsys, course, "00125", "correctness", "--level", "Exemplary")
    assert status_row(capsys, course, LATE)["score"] == 24  # 30 less two started days at 10 %
    edit(course, "{label: Proficient, points: 30}", "{label: Proficient, points: 35}")
    code, out, err = run(capsys, course, "rubric", "diff", A1)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[:2] == [
        f"{A1}: the rubric file changed since it was accepted ({lines[0].split('(')[1][:12]} → "
        + lines[0].split("→ ")[1],
        "  correctness: level 'Proficient' 30 → 35",
    ]
    assert lines[2].startswith("Totals already follow the edited file: grader status")
    assert (
        lines[3]
        == "2 student(s) whose final total (after any late penalty) differs from the accepted rubric's:"
    )
    assert lines[4] == "  00123 Zoë Ångström: 30 → 35 (+5) — correctness: level 'Proficient' 30 → 35"
    assert lines[5] == (
        "  00124 Γιώργος Παπαδόπουλος: 24 → 28 (+4, late penalty −6 → −7) — correctness: level 'Proficient' 30 → 35"
    )
    assert (
        lines[6]
        == f"grader rubric apply {A1} accepts the file: later diffs compare with it (the totals shown now do not change)"
    )
    code, out, _ = run(capsys, course, "rubric", "diff", A1, "--json")
    change = json.loads(out)["changes"][1]
    assert change["student"] == "00124 Γιώργος Παπαδόπουλος"
    assert (change["before"], change["after"], change["late_penalty_after"]) == (24, 28, 7)
    assert change["causes"] == ["correctness: level 'Proficient' 30 → 35"]


def test_status_follows_the_file_before_apply_as_diff_says_and_apply_keeps_it(course: Path, capsys) -> None:
    grade(capsys, course, "00123", "correctness", "--level", "Proficient")
    edit(course, "{label: Proficient, points: 30}", "{label: Proficient, points: 35}")
    assert status_row(capsys, course, "00123")["score"] == 35, "status shows the edited file's total already"
    assert json.loads(run(capsys, course, "rubric", "diff", A1, "--json")[1])["totals_follow_file"] is True
    code, out, err = run(capsys, course, "rubric", "apply", A1)
    assert code == 0, err
    assert "1 total(s) changed" in out
    assert status_row(capsys, course, "00123")["score"] == 35
    assert (
        run(capsys, course, "rubric", "diff", A1)[1].strip()
        == f"{A1}: the rubric is unchanged since it was accepted"
    )


def test_an_item_added_is_listed_and_moves_nobody_until_ticked(course: Path, capsys) -> None:
    grade(capsys, course, "00123", "style", "--item", "Dead code")
    edit(
        course,
        "      - {label: Dead code,     points: -3}",
        "      - {label: Dead code,     points: -4}\n      - {label: Typo, points: -1}",
    )
    code, out, err = run(capsys, course, "rubric", "diff", A1)
    assert code == 0, err
    assert "  style: item 'Dead code' -3 → -4" in out.splitlines()
    assert "  style: item 'Typo' (-1) added" in out.splitlines()
    assert "  00123 Zoë Ångström: 17 → 16 (-1) — style: item 'Dead code' 17 → 16" in out.splitlines()


def test_nothing_graded_yet_says_so(course: Path, capsys) -> None:
    edit(course, "{label: Proficient, points: 30}", "{label: Proficient, points: 35}")
    code, out, _ = run(capsys, course, "rubric", "diff", A1)
    assert (code, out.strip()) == (
        0,
        f"{A1}: nothing graded yet; the first grade accepts the rubric file as it is then",
    )


def test_an_anonymous_assignment_lists_pseudonyms_only(course: Path, capsys) -> None:
    yaml = course / "course.yaml"
    yaml.write_text(
        yaml.read_text().replace(
            "    deadline: 2026-10-01T23:59:00-04:00",
            "    deadline: 2026-10-01T23:59:00-04:00\n    anonymous: true",
            1,
        )
    )
    code, out, err = run(capsys, course, "status", A1, "--json")
    assert code == 0, err
    pseudonym = next(row["student_id"] for row in json.loads(out))
    grade(capsys, course, pseudonym, "correctness", "--level", "Proficient")
    edit(course, "{label: Proficient, points: 30}", "{label: Proficient, points: 35}")
    out = run(capsys, course, "rubric", "diff", A1)[1]
    (line,) = [ln for ln in out.splitlines() if ln.startswith(f"  {pseudonym}")]
    assert line.endswith("— correctness: level 'Proficient' 30 → 35")
    assert "Zoë" not in out and "00123" not in out
