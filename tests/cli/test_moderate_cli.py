"""`grader moderate` on both backends: the sample queued (reproducible, re-runs keep it, audited),
blind second marks and their refusals, and the report's figures computed by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import run
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from grader.gradebook.context import open_course
from grader.gradebook.grading import ChoiceRequest, record_choice
from grader.store.moderation import MODERATION_QUEUED

A1 = "a1-calculator"
ANN = ["00123", "00124", "00125"]  # first-marked by ann: Proficient (30), Dead code (17)
BEN = ["00126", "00127"]  # first-marked by ben: Exemplary (40), no item (20)


@pytest.fixture
def graded(course_dir: Path, db_args: list[str]) -> Path:
    """The five students' a1 graded: ann's three and ben's two."""
    url = db_args[1] if db_args else None
    for actor, students, level, items in (
        ("ann", ANN, "Proficient", ("Dead code",)),
        ("ben", BEN, "Exemplary", ()),
    ):
        with open_course(course_dir, database_url=url, actor=actor) as ctx:
            for sid in students:
                record_choice(ctx, A1, sid, "correctness", ChoiceRequest(level=level))
                record_choice(ctx, A1, sid, "style", ChoiceRequest(items=items))
    return course_dir


def moderate(capsys: pytest.CaptureFixture[str], course: Path, db_args: list[str], *args: str) -> dict:
    code, out, err = run(capsys, course, *db_args, "moderate", *args, "--json")
    assert code == 0, err
    return json.loads(out)


def mark(
    capsys: pytest.CaptureFixture[str], course: Path, db_args: list[str], actor: str, sid: str, *choice: str
) -> tuple[int, str, str]:
    return run(capsys, course, *db_args, "moderate", "mark", A1, "--student", sid, *choice, actor=actor)


def test_a_sample_is_reproducible_balanced_kept_on_rerun_and_audited(
    capsys: pytest.CaptureFixture[str], graded: Path, db_args: list[str]
) -> None:
    first = moderate(capsys, graded, db_args, A1, "--sample", "40%", "--seed", "7")
    queued = {q["student_id"]: (q["first_marker"], q["moderator"]) for q in first["queued"]}
    assert first["graded"] == 5 and len(queued) == 2  # 40% of 5, rounded up
    for first_marker, moderator in queued.values():
        assert {first_marker, moderator} == {"ann", "ben"}  # never the first marker
    code, out, err = run(capsys, graded, *db_args, "moderate", A1, "--sample", "40%", "--seed", "7")
    assert code == 0, err
    assert "2 submission(s) already queued; they stay queued and are not sampled again" in out
    assert "is complete; nothing new queued" in out
    grown = moderate(capsys, graded, db_args, A1, "--sample", "4", "--seed", "7")
    assert {q["student_id"] for q in grown["already_queued"]} == set(queued)
    assert len(grown["queued"]) == 2 and not set(queued) & {q["student_id"] for q in grown["queued"]}
    url = db_args[1] if db_args else None
    with open_course(graded, database_url=url) as ctx:
        entries = ctx.store.audit_entries(MODERATION_QUEUED)
    assert (entries[0].actor, entries[0].details["queued"]) == (
        "Ada",
        {s: m for s, (_, m) in queued.items()},
    )
    assert [e.details["sample"] for e in entries] == ["40%", "40%", "4"]


def test_per_grader_takes_the_share_of_each_first_marker_and_a_bad_size_is_refused(
    capsys: pytest.CaptureFixture[str], graded: Path, db_args: list[str]
) -> None:
    drawn = moderate(capsys, graded, db_args, A1, "--sample", "2", "--per-grader", "--seed", "3")
    by_marker: dict[str, int] = {}
    for q in drawn["queued"]:
        by_marker[q["first_marker"]] = by_marker.get(q["first_marker"], 0) + 1
    assert by_marker == {"ann": 2, "ben": 2}  # --per-grader: two of each first marker's
    code, _, err = run(capsys, graded, *db_args, "moderate", A1, "--sample", "0%")
    assert code == 2 and "expected a percentage such as 10% or a count such as 4" in err


def test_second_marks_are_refused_unless_queued_and_blind_and_never_change_the_grade(
    capsys: pytest.CaptureFixture[str], graded: Path, db_args: list[str]
) -> None:
    code, _, err = mark(
        capsys, graded, db_args, "ben", "00123", "--criterion", "correctness", "--level", "Missing"
    )
    assert code == 1 and "00123's a1-calculator submission is not queued for moderation" in err
    moderate(capsys, graded, db_args, A1, "--sample", "100%")
    code, _, err = mark(
        capsys, graded, db_args, "ann", "00123", "--criterion", "correctness", "--level", "Missing"
    )
    assert code == 1 and "ann first-marked 00123's a1-calculator submission and cannot second-mark it" in err
    code, _, err = mark(capsys, graded, db_args, "ben", "00123", "--criterion", "tests", "--points", "3")
    assert code == 1 and "criterion 'tests' is autograded" in err
    code, _, err = mark(
        capsys, graded, db_args, "ben", "00123", "--criterion", "correctness", "--level", "Great"
    )
    assert code == 1 and "has no level 'Great' (expected one of: Exemplary, Proficient" in err
    url = db_args[1] if db_args else None
    with open_course(graded, database_url=url) as ctx:
        before = ctx.store.grade(A1, "00123")
    code, out, err = mark(
        capsys, graded, db_args, "ben", "00123", "--criterion", "correctness", "--level", "Missing"
    )
    assert code == 0, err
    assert "second mark saved by ben (the grade is unchanged)" in out
    with open_course(graded, database_url=url) as ctx:
        assert ctx.store.grade(A1, "00123") == before
        assert [m.choice.level for m in ctx.store.second_marks(A1)] == ["Missing"]
        with pytest.raises(DBAPIError, match="second marks are append-only"), ctx.store._writing() as session:
            session.execute(text("UPDATE second_mark SET actor = 'ann'"))
        with pytest.raises(DBAPIError, match="second marks are append-only"), ctx.store._writing() as session:
            session.execute(text("DELETE FROM second_mark"))


def test_the_report_figures_match_a_hand_computed_case(
    capsys: pytest.CaptureFixture[str], graded: Path, db_args: list[str]
) -> None:
    moderate(capsys, graded, db_args, A1, "--sample", "100%")  # ann's go to ben, ben's to ann
    for actor, sid, criterion, *choice in (
        ("ben", "00123", "correctness", "--level", "Proficient"),  # agrees
        ("ben", "00123", "style", "--item", "Dead code"),  # agrees
        ("ben", "00124", "correctness", "--level", "Exemplary"),  # replaced by the next
        ("ben", "00124", "correctness", "--level", "Developing"),  # 15 vs 30: -15
        ("ben", "00124", "style", "--item", "Dead code", "--item", "No docstrings"),  # 12 vs 17: -5
        ("ann", "00126", "correctness", "--level", "Exemplary"),  # agrees
        ("ann", "00126", "style", "--no-items"),  # agrees
        ("ann", "00127", "correctness", "--level", "Proficient"),  # 30 vs 40: -10
    ):
        code, _, err = mark(capsys, graded, db_args, actor, sid, "--criterion", criterion, *choice)
        assert code == 0, err
    report = moderate(capsys, graded, db_args, "report", A1)
    assert report["overall"] == {
        "marks": 7,
        "agreed": 4,
        "exact_agreement": 0.5714,
        "mean_point_difference": -30 / 7,
    }
    assert report["criteria"] == [
        {
            "criterion": "correctness",
            "marks": 4,
            "agreed": 2,
            "exact_agreement": 0.5,
            "mean_point_difference": -6.25,
        },
        {
            "criterion": "style",
            "marks": 3,
            "agreed": 2,
            "exact_agreement": 0.6667,
            "mean_point_difference": -5 / 3,
        },
    ]
    pairs = {
        (m["first_marker"], m["second_marker"]): (m["agreed"], m["marks"], m["mean_point_difference"])
        for m in report["markers"]
    }
    assert pairs == {("ann", "ben"): (2, 4, -5), ("ben", "ann"): (2, 3, -10 / 3)}
    assert [
        (d["student_id"], d["criterion"], d["first"], d["second"], d["difference"])
        for d in report["disagreements"]
    ] == [
        ("00124", "correctness", {"level": "Proficient"}, {"level": "Developing"}, -15),
        ("00124", "style", {"items": ["Dead code"]}, {"items": ["Dead code", "No docstrings"]}, -5),
        ("00127", "correctness", {"level": "Exemplary"}, {"level": "Proficient"}, -10),
    ]
    code, out, err = run(capsys, graded, *db_args, "moderate", "report", A1)
    assert code == 0, err
    assert "5 submission(s) queued for moderation, 7 second mark(s); exact agreement 4/7 (57%)" in out
    assert "3 disagreement(s) in 2 submission(s) to resolve" in out
