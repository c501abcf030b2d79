"""`grader mastery` on the demo course, after grading through the CLI as a script would."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from cli_helpers import run

from grader.demo import build_demo_course

A1_FULL = [
    ("correctness", "--level", "Exemplary"),  # python-basics 35/35
    ("cli", "--level", "Exemplary"),  # python-basics, documentation 15/15
    ("tests", "--points", "16"),  # testing 16/20
    ("code-quality", "--item", "Unclear names"),  # python-basics 12/15
    ("readme", "--level", "Complete"),  # documentation 10/10
    ("git-practice", "--no-items"),  # version-control 0/5
]
A3_FULL = [
    ("cleaning", "--level", "Proficient"),  # data-analysis, python-basics 19/25
    ("analysis", "--level", "Exemplary"),  # data-analysis 25/25
    ("charts", "--no-items"),  # data-visualisation 15/15
    ("pipeline-tests", "--points", "9"),  # testing, python-basics 9/15
    ("report", "--level", "Proficient"),  # documentation, data-analysis 15/20
]


@pytest.fixture
def demo(tmp_path: Path) -> tuple[Path, list[str]]:
    root = tmp_path / "demo"
    for _ in build_demo_course(root, students=4, seed=7, repos=False):
        pass
    with (root / "roster.csv").open(encoding="utf-8") as roster:
        return root, [row["student_id"] for row in csv.DictReader(roster)]


def grade(
    capsys: pytest.CaptureFixture[str], course: Path, student: str, assignment: str, marks: list
) -> None:
    for criterion, option, *value in marks:
        args = ("grade", assignment, "--student", student, "--criterion", criterion, option, *value)
        code, _, err = run(capsys, course, *args)
        assert code == 0, err


def mastery_json(capsys: pytest.CaptureFixture[str], course: Path, *args: str) -> dict:
    """Both machine outputs: the skill rows (``--json``) and the badge rows (``--json --badges``)."""
    code, out, err = run(capsys, course, "mastery", *args, "--json")
    assert code == 0, err
    code, badges, err = run(capsys, course, "mastery", *args, "--json", "--badges")
    assert code == 0, err
    return {"mastery": json.loads(out), "badges": json.loads(badges), "warnings": err}


def figures_of(report: dict, student: str) -> dict[str, tuple]:
    return {
        r["skill"]: (r["earned"], r["possible"], r["percent"])
        for r in report["mastery"]
        if r["student_id"] == student
    }


def badge_of(report: dict, student: str, badge: str = "python-foundations") -> dict:
    return next(b for b in report["badges"] if (b["student_id"], b["badge"]) == (student, badge))


def test_mastery_figures_and_badge_status_for_every_student(demo, capsys) -> None:
    course, (meets, partial, untouched, pending) = demo
    grade(capsys, course, meets, "a1-calculator", A1_FULL)
    grade(capsys, course, meets, "a3-dataanalysis", A3_FULL)
    grade(capsys, course, partial, "a1-calculator", A1_FULL)
    no_tests = [mark for mark in A1_FULL if mark[0] != "tests"]
    grade(capsys, course, pending, "a1-calculator", no_tests)
    grade(capsys, course, pending, "a3-dataanalysis", A3_FULL)
    report = mastery_json(capsys, course)
    assert figures_of(report, meets) == {
        "python-basics": (90, 105, 85.7),
        "testing": (25, 35, 71.4),
        "documentation": (40, 45, 88.8),
        "version-control": (0, 5, 0),
        "data-analysis": (59, 70, 84.2),
        "data-visualisation": (15, 15, 100),
    }
    assert figures_of(report, partial)["python-basics"] == (62, 65, 95.3)
    assert figures_of(report, untouched) == {}
    assert all("criteria" not in r for r in report["mastery"])
    earned = badge_of(report, meets)
    assert (earned["status"], earned["earned"], earned["missing"]) == ("earned", True, [])
    assert earned["skills"] == [
        {"skill": "python-basics", "threshold": 80, "percent": 85.7, "met": True, "withheld": False},
        {"skill": "testing", "threshold": 70, "percent": 71.4, "met": True, "withheld": False},
    ]
    not_yet = badge_of(report, partial)
    assert (not_yet["status"], not_yet["earned"]) == ("not yet", False)
    assert not_yet["missing"] == ["a3-dataanalysis: not graded yet"]
    assert [(a["graded"], a["final"]) for a in not_yet["assignments"]] == [(True, True), (False, False)]
    nothing = badge_of(report, untouched)
    assert nothing["missing"] == [
        "python-basics: no final grade yet (needs 80%)",
        "testing: no final grade yet (needs 70%)",
        "a1-calculator: not graded yet",
        "a3-dataanalysis: not graded yet",
    ]
    # Every manual criterion of a1 scored, the autograded one not: a1 is not final and counts nothing.
    assert figures_of(report, pending) == {
        "python-basics": (28, 40, 70),
        "testing": (9, 15, 60),
        "documentation": (15, 20, 75),
        "data-analysis": (59, 70, 84.2),
        "data-visualisation": (15, 15, 100),
    }
    waiting = badge_of(report, pending)
    assert waiting["missing"] == [
        "python-basics: 70%, needs 80%",
        "testing: 60%, needs 70%",
        "a1-calculator: not final yet (tests not scored)",
    ]
    assert waiting["assignments"][0]["unscored"] == ["tests"]
    assert badge_of(report, meets, "web-fundamentals")["status"] == "not yet"
    assert report["warnings"] == ""


def test_a_regrade_below_a_threshold_takes_the_badge_out_of_reach(demo, capsys) -> None:
    course, (student, *_) = demo
    grade(capsys, course, student, "a1-calculator", A1_FULL)
    grade(capsys, course, student, "a3-dataanalysis", A3_FULL)
    assert badge_of(mastery_json(capsys, course), student)["earned"] is True
    grade(capsys, course, student, "a1-calculator", [("tests", "--points", "15")])
    report = mastery_json(capsys, course)
    assert figures_of(report, student)["testing"] == (24, 35, 68.5)
    assert badge_of(report, student)["missing"] == ["testing: 68.5%, needs 70%"]


def test_one_student_shows_the_formula_and_the_criteria_behind_it(demo, capsys) -> None:
    course, (student, other, *_) = demo
    grade(capsys, course, student, "a1-calculator", A1_FULL)
    grade(capsys, course, other, "a1-calculator", A1_FULL[:1])
    report = mastery_json(capsys, course, student)
    assert {r["student_id"] for r in report["mastery"] + report["badges"]} == {student}
    testing = next(r for r in report["mastery"] if r["skill"] == "testing")
    assert testing["criteria"] == [
        {"assignment": "a1-calculator", "criterion": "tests", "earned": 16, "possible": 20}
    ]
    code, out, err = run(capsys, course, "mastery", student)
    assert code == 0, err
    lines = [line.strip() for line in out.splitlines()]
    assert "python-basics       95.3% = 62 / 65 points" in out
    assert lines[lines.index("a1-calculator correctness: 35 / 35") - 1].startswith("python-basics")
    assert "a1-calculator cli: 15 / 15" in lines
    assert "testing             80% = 16 / 20 points" in out
    assert "version-control     0% = 0 / 5 points" in out
    assert "data-analysis       –  no final grade yet" in out
    assert "badge python-foundations (Python Foundations): not yet; missing:" in lines
    assert "a3-dataanalysis: not graded yet" in lines
    code, out, err = run(capsys, course, "mastery", other)
    assert code == 0, err
    lines = [line.strip() for line in out.splitlines()]
    assert (
        "a1-calculator: not final yet (cli, tests, code-quality, readme, git-practice not scored), left out"
        in lines
    )
    assert "python-basics       –  no final grade yet" in out


def test_an_unknown_student_is_an_error(demo, capsys) -> None:
    course, _ = demo
    code, out, err = run(capsys, course, "mastery", "99999999", "--json")
    assert (code, out) == (1, "")
    assert "unknown student '99999999'" in err


def test_a_refused_rubric_edit_withholds_what_depends_on_it(demo, capsys) -> None:
    course, (student, *_) = demo
    grade(capsys, course, student, "a1-calculator", A1_FULL)
    grade(capsys, course, student, "a3-dataanalysis", A3_FULL)
    rubric = course / "rubrics" / "dataanalysis.yaml"
    rubric.write_text(rubric.read_text(encoding="utf-8").replace("label: Proficient", "label: Solid"))
    report = mastery_json(capsys, course)
    assert report["warnings"].startswith(
        "warning: the rubric of 'a3-dataanalysis' no longer has choices that grades use"
    )
    assert figures_of(report, student)["testing"] == (16, 20, 80)
    badge = badge_of(report, student)
    assert (badge["status"], badge["earned"]) == ("undetermined", False)
    assert [s["withheld"] for s in badge["skills"]] == [True, True]
