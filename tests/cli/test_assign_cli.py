"""`grader assign` on both backends: the split, its table and JSON, re-runs that keep started
work, --by-section, --by-criterion, --clear, the audit entries, and every refusal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import run

from grader.gradebook.context import open_course
from grader.store.split import SPLIT_CLEARED, SPLIT_MADE

A1 = "a1-calculator"
ROSTER = ["00123", "00124", "00125", "00126", "00127"]  # sections A, A, B, B, B


def assign_json(capsys: pytest.CaptureFixture[str], course: Path, db_args: list[str], *args: str) -> dict:
    code, out, err = run(capsys, course, *db_args, "assign", A1, *args, "--json")
    assert code == 0, err
    return json.loads(out)


def holdings(result: dict) -> dict[str, list[str]]:
    return {g["grader"]: g["items"] for g in result["graders"]}


def grade(
    capsys: pytest.CaptureFixture[str], course: Path, db_args: list[str], student: str, actor: str
) -> None:
    args = ["grade", A1, "--student", student, "--criterion", "correctness", "--level", "Proficient"]
    code, _, err = run(capsys, course, *db_args, *args, actor=actor)
    assert code == 0, err


def audit(course: Path, db_args: list[str], action: str) -> list[tuple[str, dict[str, object]]]:
    url = db_args[1] if db_args else None
    with open_course(course, database_url=url) as ctx:
        return [(e.actor, e.details) for e in ctx.store.audit_entries(action)]


def test_a_split_is_dealt_in_roster_order_shown_as_a_table_and_audited(
    capsys: pytest.CaptureFixture[str], course_dir: Path, db_args: list[str]
) -> None:
    code, out, err = run(capsys, course_dir, *db_args, "assign", A1, "--graders", "ben,ann")
    assert code == 0, err
    assert f"{A1}: 5 submissions split across 2 grader(s), by submission (saved)" in out
    rows = [line.split() for line in out.splitlines() if line.strip().startswith(("ann", "ben"))]
    assert rows == [["ann", "3", "0"], ["ben", "2", "0"]]
    assert audit(course_dir, db_args, SPLIT_MADE) == [
        (
            "Ada",
            {
                "assignment": A1,
                "mode": "submissions",
                "graders": ["ann", "ben"],
                "assigned": {"ann": 3, "ben": 2},
                "started": {"ann": 0, "ben": 0},
                "moved": 0,
            },
        )
    ]
    result = assign_json(capsys, course_dir, db_args, "--graders", "ann,ben", "--dry-run")
    assert holdings(result) == {"ann": ["00123", "00125", "00127"], "ben": ["00124", "00126"]}
    assert (result["mode"], result["dry_run"], result["saved"], result["audit_id"]) == (
        "submissions",
        True,
        False,
        None,
    )
    assert result["moved"] == 0 and result["notes"] == []
    assert len(audit(course_dir, db_args, SPLIT_MADE)) == 1  # a dry run saves and audits nothing


def test_a_rerun_after_a_grader_leaves_keeps_their_started_work(
    capsys: pytest.CaptureFixture[str], course_dir: Path, db_args: list[str]
) -> None:
    first = holdings(assign_json(capsys, course_dir, db_args, "--graders", "ann,ben,cat"))
    assert first == {"ann": ["00123", "00126"], "ben": ["00124", "00127"], "cat": ["00125"]}
    grade(capsys, course_dir, db_args, "00124", actor="ben")  # ben's: in progress now
    grade(capsys, course_dir, db_args, "00123", actor="ben")  # ann's, though ben helped

    code, out, err = run(capsys, course_dir, *db_args, "assign", A1, "--graders", "ann,cat,dan", "--json")
    assert code == 0, err
    result = json.loads(out)
    after = holdings(result)
    assert after["ben"] == ["00124"]  # started: stays with ben, who left
    assert "00123" in after["ann"]  # started: stays with the grader the split gave it to
    assert after["cat"] == ["00125"]  # unstarted, kept where the balance allows
    assert sorted(after["ann"] + after["cat"] + after["dan"]) == ["00123", "00125", "00126", "00127"]
    shares = {g["grader"]: (g["assigned"], g["started"], g["in_team"]) for g in result["graders"]}
    assert shares["ben"] == (1, 1, False)
    assert sum(a for a, _, member in shares.values() if member) == 4
    assert max(a for a, _, m in shares.values() if m) - min(a for a, _, m in shares.values() if m) <= 1
    assert "note: ben is not among the graders but keeps 1 started submission" in err
    assert result["moved"] == 1  # ben's unstarted 00127 went to the newcomer
    assert after["dan"] == ["00127"]


def test_by_section_keeps_each_section_with_one_grader(
    capsys: pytest.CaptureFixture[str], course_dir: Path, db_args: list[str]
) -> None:
    code, out, err = run(capsys, course_dir, *db_args, "assign", A1, "--graders", "ann,ben", "--by-section")
    assert code == 0, err
    assert "by section (saved)" in out
    assert [line.split() for line in out.splitlines() if line.strip().startswith(("ann", "ben"))] == [
        ["ann", "3", "0", "B"],
        ["ben", "2", "0", "A"],
    ]
    result = assign_json(capsys, course_dir, db_args, "--graders", "ann,ben", "--by-section", "--dry-run")
    assert holdings(result) == {"ann": ["00125", "00126", "00127"], "ben": ["00123", "00124"]}
    assert [g["sections"] for g in result["graders"]] == [["B"], ["A"]]


def test_by_criterion_splits_the_manual_criteria_and_autograded_ones_go_to_nobody(
    capsys: pytest.CaptureFixture[str], course_dir: Path, db_args: list[str]
) -> None:
    grade(capsys, course_dir, db_args, "00125", actor="zed")  # correctness started, by zed
    code, out, err = run(
        capsys, course_dir, *db_args, "assign", A1, "--graders", "ann,ben,cat", "--by-criterion", "--json"
    )
    assert code == 0, err
    result = json.loads(out)
    assert result["mode"] == "criteria"
    assert holdings(result) == {"ann": ["style"], "ben": [], "cat": [], "zed": ["correctness"]}
    assert "note: ben, cat got nothing to grade: 2 criteria for 3 graders" in err
    assert "note: zed is not among the graders but keeps 1 started criterion" in err
    code, out, err = run(capsys, course_dir, *db_args, "assign", A1, "--graders", "ann", "--by-criterion")
    assert code == 0, err
    assert "2 criteria split across 1 grader(s), by criterion (saved)" in out
    assert any(line.split()[:4] == ["ann", "1", "0", "style"] for line in out.splitlines())


def test_clear_removes_the_split_and_is_audited(
    capsys: pytest.CaptureFixture[str], course_dir: Path, db_args: list[str]
) -> None:
    code, out, _ = run(capsys, course_dir, *db_args, "assign", A1, "--clear")
    assert (code, out.strip()) == (0, f"{A1} had no work split; nothing changed")
    assign_json(capsys, course_dir, db_args, "--graders", "ann,ben")
    code, out, _ = run(capsys, course_dir, *db_args, "assign", A1, "--clear")
    assert (code, out.strip()) == (0, f"{A1}: work split removed (5 submissions of ann, ben)")
    assert audit(course_dir, db_args, SPLIT_CLEARED) == [
        ("Ada", {"assignment": A1, "mode": "submissions", "graders": ["ann", "ben"], "removed": 2 + 3})
    ]
    assert assign_json(capsys, course_dir, db_args, "--clear")["cleared"] is False


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["nope", "--graders", "ann"], 1, "unknown assignment 'nope' (the course has: a1-calculator)"),
        ([A1, "--graders", "ann,,ben"], 2, "name 2 of 3 is empty"),
        ([A1, "--graders", "ann,Ann"], 2, "'ann' and 'Ann' differ only in case"),
        ([A1, "--graders", " "], 2, "no grader is named"),
        ([A1], 2, "give --graders A,B,C (or --clear to remove the split)"),
        ([A1, "--graders", "a", "--by-section", "--by-criterion"], 2, "give one of them"),
        ([A1, "--clear", "--graders", "a"], 2, "--clear removes the split: give it alone"),
    ],
)
def test_bad_requests_are_refused_with_what_to_do(
    capsys: pytest.CaptureFixture[str], course_dir: Path, args: list[str], code: int, message: str
) -> None:
    got, out, err = run(capsys, course_dir, "assign", *args)
    assert (got, out) == (code, "")
    assert message in err
    assert "Traceback" not in err
    assert not (course_dir / ".grader" / "grades.db").exists() or not audit(course_dir, [], SPLIT_MADE)
