"""Commands that read alike: `extend ASSIGNMENT --student`, dates in the deadline's offset,
rubric names in any case with a suggestion, and a student by id, handle, e-mail or name."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from cli_helpers import run

from grader.gradebook.context import open_course

A1 = "a1-calculator"


def extensions(course: Path) -> dict[str, datetime]:
    with open_course(course, actor="t") as ctx:
        return {sid: ext.until for sid, ext in ctx.store.extensions(A1).items()}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_extend_takes_the_assignment_first_and_the_student_as_an_option(course_dir: Path, capsys) -> None:
    code, out, err = run(
        capsys, course_dir, "extend", A1, "--student", "00123", "--until", "2026-10-03T23:59:00-04:00"
    )
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == f"{A1} 00123 Zoë Ångström: extended until 2026-10-03T23:59:00-04:00"
    assert extensions(course_dir) == {"00123": at("2026-10-03T23:59:00-04:00")}


def test_the_old_order_still_works_with_a_deprecation_note(course_dir: Path, capsys) -> None:
    code, out, err = run(capsys, course_dir, "extend", "00124", A1, "--until", "2026-10-04T12:00:00+00:00")
    assert code == 0
    assert "deprecated" in err and "grader extend ASSIGNMENT --student STUDENT" in err
    assert out.startswith(f"{A1} 00124 ")
    assert extensions(course_dir) == {"00124": at("2026-10-04T12:00:00+00:00")}
    code, _, err = run(capsys, course_dir, "extend", A1, "--until", "2026-10-04")
    assert code == 2 and "expected: grader extend ASSIGNMENT --student STUDENT --until WHEN" in err


def test_a_date_without_an_offset_is_read_in_the_deadlines_and_echoed(course_dir: Path, capsys) -> None:
    code, out, err = run(
        capsys, course_dir, "extend", A1, "--student", "00123", "--until", "2026-10-03T18:00"
    )
    assert code == 0, err
    assert out.splitlines()[0] == (
        f"{A1} 00123 Zoë Ångström: extended until 2026-10-03T18:00:00-04:00 "
        "(in the deadline's UTC offset -04:00)"
    )
    code, out, err = run(capsys, course_dir, "extend", A1, "--student", "00124", "--until", "2026-10-05")
    assert code == 0, err
    assert "extended until 2026-10-05T23:59:00-04:00 (at the deadline's time 23:59" in out
    assert extensions(course_dir) == {
        "00123": at("2026-10-03T18:00:00-04:00"),
        "00124": at("2026-10-05T23:59:00-04:00"),
    }
    code, _, err = run(capsys, course_dir, "extend", A1, "--student", "00125", "--until", "next friday")
    assert code == 2 and "expected a date and time (or a date)" in err


def grade(capsys, course: Path, student: str, *args: str) -> tuple[int, str, str]:
    return run(capsys, course, "grade", A1, "--student", student, *args)


def test_levels_items_and_criteria_match_in_any_case(course_dir: Path, capsys) -> None:
    code, out, err = grade(capsys, course_dir, "00123", "--criterion", "Correctness", "--level", "proficient")
    assert code == 0, err
    assert out.startswith(f"{A1} 00123 correctness: 30 / 40 points")
    code, out, err = grade(capsys, course_dir, "00123", "--criterion", "style", "--item", "dead CODE")
    assert code == 0, err
    with open_course(course_dir, actor="t") as ctx:
        choices = ctx.store.grade(A1, "00123").choices
    assert (choices["correctness"].level, choices["style"].items) == ("Proficient", ("Dead code",))


def test_a_typo_is_refused_with_the_nearest_names(course_dir: Path, capsys) -> None:
    code, _, err = grade(capsys, course_dir, "00123", "--criterion", "correctness", "--level", "Profficient")
    assert code == 1
    assert (
        "criterion 'correctness' has no level 'Profficient' (did you mean 'Proficient'? expected one of:"
        in err
    )
    code, _, err = grade(capsys, course_dir, "00123", "--criterion", "corectness", "--level", "Proficient")
    assert code == 1 and "has no criterion 'corectness' (did you mean 'correctness'?" in err
    with open_course(course_dir, actor="t") as ctx:
        assert ctx.store.events() == []


def test_a_student_by_handle_email_or_name(course_dir: Path, capsys) -> None:
    for typed, student in (("zoe-a", "00123"), ("@giorgosp", "00124"), ("ANNA@example.edu", "00125")):
        code, out, err = grade(capsys, course_dir, typed, "--criterion", "correctness", "--level", "Missing")
        assert code == 0, err
        assert out.startswith(f"{A1} {student} correctness:")
    code, out, err = run(capsys, course_dir, "flag", A1, "--student", "Анна Иванова", "--note", "ask")
    assert (code, out.strip()) == (0, f"{A1} 00125 Анна Иванова: flagged"), err
    code, out, err = run(capsys, course_dir, "excuse", A1, "--student", "张伟")
    assert (code, out.strip()) == (0, f"{A1} 00127 张伟: excused"), err


def test_an_ambiguous_name_is_refused_with_the_candidates(course_dir: Path, capsys) -> None:
    roster = course_dir / "roster.csv"
    roster.write_text(roster.read_text() + "00128,Zoë Müller,zoe.m@example.edu,zoem,A\n")
    code, _, err = run(capsys, course_dir, "flag", A1, "--student", "zoë", "--note", "ask")
    assert code == 1
    assert "'zoë' matches 2 students; name one by id, handle or e-mail:" in err
    assert "  00123 Zoë Ångström @zoe-a" in err and "  00128 Zoë Müller @zoem" in err
    code, _, err = run(capsys, course_dir, "flag", A1, "--student", "Zoe Angstrom", "--note", "ask")
    assert (
        code == 1
        and "unknown student 'Zoe Angstrom' (not in roster.csv); did you mean 00123 Zoë Ångström" in err
    )
    with open_course(course_dir, actor="t") as ctx:
        assert ctx.store.grade(A1, "00123").flag_note == ""
