"""`grader similarity` as a script would use it, on both backends: the pairs as a table and as
JSON, a second run reusing the first, verdicts audited (confirming flags both submissions and
changes no score), and actionable errors without a traceback."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from cli_helpers import run, status_row

sys.path.insert(0, str(Path(__file__).parents[1] / "similarity"))
from similarity_corpus import A1, INDEPENDENT, ORIGINAL, obfuscated, push

from grader.domain.similarity import VERDICT_RECORDED
from grader.gradebook.context import open_course


def pulled(course: Path, db_args: list[str]) -> None:
    with open_course(course, database_url=db_args[1] if db_args else None, actor="Ada") as ctx:
        push(ctx, "00123", {"calc.py": ORIGINAL})
        push(ctx, "00124", {"src/calc.py": obfuscated(ORIGINAL)})
        push(ctx, "00125", {"calc.py": INDEPENDENT[0]})
        push(ctx, "00126", {"calc.py": INDEPENDENT[1]})


def test_pairs_are_listed_cached_and_judged(
    capsys: pytest.CaptureFixture[str], course_dir: Path, db_args: list[str]
) -> None:
    pulled(course_dir, db_args)
    code, out, err = run(capsys, course_dir, *db_args, "similarity", A1)
    assert code == 0, err
    assert "00123" in out and "00124" in out and "pairs computed, 0 reused" in out
    code, out, err = run(capsys, course_dir, *db_args, "similarity", A1, "--json", "--min-lines", "3")
    assert code == 0, err
    data = json.loads(out)
    assert (data["computed"], data["reused"], data["submissions"]) == (0, len(data["pairs"]), 4)
    assert [(p["a"], p["b"], p["verdict"]) for p in data["pairs"][:1]] == [("00123", "00124", None)]
    assert all(p["similarity_a"] < 0.15 for p in data["pairs"][1:])
    assert data["pairs"][0]["similarity_a"] > 0.8 and data["pairs"][0]["longest_lines"] >= 10
    assert data["settings"]["min_lines"] == 3

    grade = ("grade", A1, "--student", "00123", "--criterion", "correctness", "--level", "Proficient")
    assert run(capsys, course_dir, *db_args, *grade)[0] == 0
    score = status_row(capsys, course_dir, "00123")["score"] if not db_args else None
    verdict = ("similarity", "verdict", A1, "00124", "00123", "--verdict", "confirmed", "--note", "same code")
    code, out, err = run(capsys, course_dir, *db_args, *verdict)
    assert code == 0, err
    assert "both submissions flagged" in out
    with open_course(course_dir, database_url=db_args[1] if db_args else None) as ctx:
        grades = ctx.store.grades(A1)
        assert "confirmed copy" in grades["00123"].flag_note and "confirmed copy" in grades["00124"].flag_note
        assert [e.details["verdict"] for e in ctx.store.audit_entries(VERDICT_RECORDED)] == ["confirmed"]
        assert len(ctx.store.events(A1)) == 1  # the grade only
    if score is not None:
        assert status_row(capsys, course_dir, "00123")["score"] == score
    code, out, err = run(capsys, course_dir, *db_args, "similarity", A1, "--json")
    pairs = json.loads(out)["pairs"]
    assert pairs[0]["verdict"] == "confirmed"
    code, out, err = run(capsys, course_dir, *db_args, "similarity", A1, "--limit", "1")
    assert "confirmed" in out and (len(pairs) == 1 or f"and {len(pairs) - 1} less similar pairs" in out)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("similarity", "a9-nope"), "a9-nope"),
        (("similarity", A1), "nothing pulled yet for a1-calculator: run grader pull a1-calculator"),
        (("similarity", A1, "--shared-share", "lots"), "is not a number"),
        (("similarity", "verdict", A1, "00123", "00124", "--verdict", "guilty"), "guilty"),
    ],
)
def test_errors_are_actionable_and_never_a_traceback(
    capsys: pytest.CaptureFixture[str], course_dir: Path, args: tuple[str, ...], message: str
) -> None:
    code, out, err = run(capsys, course_dir, *args)
    assert code != 0 and message in err and "Traceback" not in err + out


def test_a_bad_against_path_is_named(
    capsys: pytest.CaptureFixture[str], course_dir: Path, tmp_path: Path
) -> None:
    pulled(course_dir, [])
    code, _, err = run(capsys, course_dir, "similarity", A1, "--against", str(tmp_path / "nowhere"))
    assert code != 0 and "neither an assignment of this course" in err and "nowhere" in err
