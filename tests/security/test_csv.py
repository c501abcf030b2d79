"""CSV-1 … CSV-6: grade exports that no spreadsheet runs and every importer reads back (security.md)."""

from __future__ import annotations

import csv
import errno
import io
import os
from decimal import Decimal
from pathlib import Path

import pytest

from grader.cli.main import main
from grader.domain.errors import GraderError
from grader.durable import files as atomic
from grader.durable import write_shared
from grader.exports.csv_safety import cell_text, encode, render, row_texts
from grader.exports.lms_checks import check_canvas

HOSTILE_NAMES = ['=HYPERLINK("http://evil.example","click")', "+1+2", "-3+cmd|' /C calc'!A0", "@SUM(A1:A9)"]
HOSTILE_COMMENTS = ["=cmd()", "\tTabbed", "\rCarriage", "-minus", "+plus", "@at"]
ROUND_TRIP = ['Doe, "Jane"', "Zoë Ångström", "张伟", "محمد علي", "Ana 🎓✨", "two\r\nlines"]


def run(capsys: pytest.CaptureFixture[str], course: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--course", str(course), "--as", "Ada", *args])
    out, err = capsys.readouterr()
    return code, out, err


def write_roster(course: Path, names: list[str]) -> list[str]:
    """A roster with these names (and Canvas/Moodle ids); returns the student ids."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student_id", "name", "email", "github", "section", "canvas_id", "moodle_idnumber"])
    ids = []
    for n, name in enumerate(names):
        sid = f"{n + 1:05d}"
        ids.append(sid)
        writer.writerow([sid, name, f"s{n}@example.edu", f"student-{n}", "A", str(5000 + n), sid])
    (course / "roster.csv").write_text(buffer.getvalue(), encoding="utf-8")
    text = (course / "course.yaml").read_text(encoding="utf-8")
    (course / "course.yaml").write_text(
        text.replace("    title: Calculator\n", "    title: Calculator\n    canvas_id: 4242\n")
    )
    return ids


def grade_fully(capsys: pytest.CaptureFixture[str], course: Path, sid: str, comment: str = "ok") -> None:
    for args in (
        ("--criterion", "correctness", "--level", "Proficient", "--comment", comment),
        ("--criterion", "style", "--item", "Dead code"),
        ("--criterion", "tests", "--points", "20"),
    ):
        code, _, err = run(capsys, course, "grade", "a1-calculator", "--student", sid, *args)
        assert code == 0, err


def export(capsys: pytest.CaptureFixture[str], course: Path, fmt: str, *extra: str) -> str:
    code, out, err = run(capsys, course, "export", "grades", "--format", fmt, *extra)
    assert code == 0, err
    return out


def cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_csv_1_formula_text_is_neutralised_in_every_format(course_dir: Path, capsys) -> None:
    ids = write_roster(course_dir, HOSTILE_NAMES + ["Plain Name"] * 2)
    for sid, comment in zip(ids, HOSTILE_COMMENTS, strict=True):
        grade_fully(capsys, course_dir, sid, comment)
    for fmt in ("wide", "long", "canvas", "moodle"):
        text = export(capsys, course_dir, fmt)
        written = {cell for row in cells(text) for cell in row}
        for name in HOSTILE_NAMES:
            assert name not in written, (fmt, name)
            if fmt != "moodle":
                assert "'" + name in written, (fmt, name)
        assert not any(cell[:1] in ("=", "+", "@", "\t", "\r") for cell in written), fmt
        assert not any(
            cell.startswith("-") and not cell.lstrip("-").replace(".", "").isdigit() for cell in written
        )
    long_cells = {cell for row in cells(export(capsys, course_dir, "long")) for cell in row}
    assert {"'" + comment for comment in HOSTILE_COMMENTS} <= long_cells


def test_csv_2_scores_stay_numbers_negative_ones_included() -> None:
    assert [cell_text(Decimal(v)) for v in ("-5", "0", "12.5", "12.50", "-0", "1E+2")] == [
        "-5",
        "0",
        "12.5",
        "12.5",
        "0",
        "100",
    ]
    text = render([row_texts(["-5", Decimal("-5"), Decimal(0), Decimal("12.5"), None])])
    assert text == "'-5,-5,0,12.5,\r\n"


def test_csv_2_an_adjustment_of_minus_five_is_written_as_a_number(course_dir: Path, capsys) -> None:
    base = ("grade", "a1-calculator", "--student", "00123", "--criterion", "correctness")
    assert run(capsys, course_dir, *base, "--level", "Proficient")[0] == 0
    assert run(capsys, course_dir, *base, "--adjust", "-5", "--comment", "late fix")[0] == 0
    rows = cells(export(capsys, course_dir, "long"))
    row = dict(
        zip(rows[0], next(r for r in rows[1:] if r[0] == "00123" and r[5] == "correctness"), strict=True)
    )
    assert (row["adjustment"], row["points"]) == ("-5", "25")


def test_csv_3_quotes_commas_newlines_and_every_script_round_trip_exactly(course_dir: Path, capsys) -> None:
    ids = write_roster(course_dir, ROUND_TRIP)
    grade_fully(capsys, course_dir, ids[0], comment='said "hi", then\nleft')
    raw = run_bytes(course_dir, "export", "grades", "--format", "long")
    text = raw.decode("utf-8")
    assert '"Doe, ""Jane"""' in text, "RFC 4180: quoted, inner quotes doubled"
    assert '"two\r\nlines"' in text
    rows = cells(text)
    assert [r[1] for r in rows[1::3]] == ROUND_TRIP
    assert 'said "hi", then\nleft' in rows[1]
    assert all(line.endswith("\r") or not line for line in text.split("\n")[:1])


def test_csv_3_undecodable_bytes_never_crash_the_export() -> None:
    smuggled = b"caf\xe9 \xff".decode("utf-8", "surrogateescape")
    data = encode(render([row_texts([smuggled, "ok"])]))
    assert data.decode("utf-8") == "caf\ufffd \ufffd,ok\r\n"


def test_csv_3_an_undecodable_previous_export_is_refused_with_its_position(course_dir: Path, capsys) -> None:
    previous = course_dir / "old.csv"
    previous.write_bytes(b"student_id,name\n00123,Zo\xeb\n")
    code, out, err = run(capsys, course_dir, "export", "grades", "--against", str(previous))
    assert code == 1
    assert f"{previous}:2 is not valid UTF-8 (byte 0xEB at column 9)" in err
    assert "Traceback" not in err and out == ""


def run_bytes(course: Path, *args: str) -> bytes:
    """The exact bytes the command writes to stdout."""
    import contextlib
    import sys

    buffer = io.BytesIO()
    wrapper = io.TextIOWrapper(buffer, encoding="utf-8", newline="")
    with contextlib.redirect_stdout(wrapper), contextlib.redirect_stderr(io.StringIO()):
        assert main(["--course", str(course), *args]) == 0
        sys.stdout.flush()
    return buffer.getvalue()


def test_csv_4_lms_presets_have_no_bom_and_keep_leading_zeros(course_dir: Path, capsys) -> None:
    write_roster(course_dir, ["Ana", "Ben"])
    grade_fully(capsys, course_dir, "00001")
    canvas = run_bytes(course_dir, "export", "grades", "--format", "canvas")
    assert canvas.startswith(b"Student,ID,")
    moodle = run_bytes(course_dir, "export", "grades", "--format", "moodle")
    assert moodle.startswith(b"ID number,")
    rows = list(csv.reader(io.StringIO(moodle.decode("utf-8"), newline="")))
    assert [r[0] for r in rows[1:]] == ["00001"], "00002 has no final grade: left out, not blank"
    excel = run_bytes(course_dir, "export", "grades", "--format", "canvas", "--excel")
    assert excel == b"\xef\xbb\xbf" + canvas


def test_csv_5_the_canvas_preset_has_the_importers_shape(course_dir: Path, capsys) -> None:
    write_roster(course_dir, ["Doe, Jane", "Rick Roe"])
    grade_fully(capsys, course_dir, "00001")
    text = export(capsys, course_dir, "canvas")
    rows = cells(text)
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Calculator (4242)"]
    assert rows[1] == ["Points Possible", "", "", "", "", "80"]
    assert rows[2] == ["Doe, Jane", "5000", "", "", "A", "67"]
    assert len(rows) == 3, "Rick Roe has no final grade: left out, since a blank clears Canvas's grade"
    assert check_canvas(text, "canvas.csv") == []


def _chunks_failing_after(count: int, error: BaseException):  # type: ignore[no-untyped-def]
    for _ in range(count):
        yield b"x" * 1000
    raise error


@pytest.mark.parametrize(
    "error",
    [OSError(errno.ENOSPC, "No space left on device"), KeyboardInterrupt()],
    ids=["disk-full", "interrupted"],
)
def test_csv_6_a_failure_midway_leaves_no_half_file(tmp_path: Path, error: BaseException) -> None:
    target = tmp_path / "grades.csv"
    target.write_bytes(b"the previous export\n")
    raised = GraderError if isinstance(error, OSError) else KeyboardInterrupt
    with pytest.raises(raised) as info:
        write_shared(target, _chunks_failing_after(50, error))
    assert target.read_bytes() == b"the previous export\n"
    assert os.listdir(tmp_path) == ["grades.csv"], "the temporary file is removed"
    if isinstance(error, OSError):
        assert "No space left on device; nothing was written under that name" in str(info.value)
    fresh = tmp_path / "new.csv"
    with pytest.raises(raised):
        write_shared(fresh, _chunks_failing_after(3, error))
    assert not fresh.exists()


def test_csv_6_a_full_disk_at_fsync_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(_: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", full)
    with pytest.raises(GraderError, match="No space left on device"):
        write_shared(tmp_path / "grades.csv", [b"a,b\r\n"])
    assert os.listdir(tmp_path) == []


def test_csv_6_the_cli_writes_the_whole_file_or_nothing(course_dir: Path, capsys, monkeypatch) -> None:
    target = course_dir / "out" / "grades.csv"
    code, _, err = run(capsys, course_dir, "export", "grades", "-o", str(target))
    assert code == 1 and f"the folder {target.parent} does not exist" in err
    target.parent.mkdir()
    code, _, err = run(capsys, course_dir, "export", "grades", "-o", str(target))
    assert code == 0, err
    whole = target.read_bytes()
    assert whole.startswith(b"student_id,name,") and whole.count(b"\r\n") == 6
    plain = course_dir / "out" / "plain.txt"
    plain.write_bytes(b"")  # the mode the user's umask gives a new file: an export is shared like one
    assert oct(target.stat().st_mode & 0o777) == oct(plain.stat().st_mode & 0o777)
    plain.unlink()

    def full(_: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", full)
    code, _, err = run(capsys, course_dir, "export", "grades", "--format", "long", "-o", str(target))
    assert code == 1
    assert "No space left on device; nothing was written under that name" in err
    assert target.read_bytes() == whole
    assert sorted(os.listdir(target.parent)) == ["grades.csv"]
