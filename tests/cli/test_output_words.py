"""CLI output meant for people and for pipes: status piped and in a narrow terminal, pull's and
certify's words, and every hint `grader demo` and `make demo` print working on a fresh demo."""

from __future__ import annotations

import dataclasses
import re
import shlex
from pathlib import Path

import click
import pytest
from cli_helpers import run
from rich.console import Console

from grader.cli.main import cli, main
from grader.cli.status_output import _table, flags_cell, status_summary
from grader.demo import build_demo_course
from grader.files.course import load_course
from grader.files.loaded import CourseFiles
from grader.gradebook.context import open_course
from grader.gradebook.status import submission_statuses

REPO = Path(__file__).resolve().parents[2]
SUMMARY = re.compile(r"^\d+ submissions: \d+ graded, \d+ to grade.*; \d+ late")
LATE = re.compile(r"^(on time|–|(\d+d )?(\d+h )?(\d+m )?late)$")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("words") / "course"
    for _ in build_demo_course(root, students=10, seed=7):
        pass
    assert main(["--course", str(root), "pull"]) == 0
    return root


def test_status_piped_prints_full_values_and_the_summary(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, demo, "status", "a1-calculator")
    assert code == 0, err
    header, *lines = out.splitlines()
    assert header.split("\t") == ["student", "name", "status", "score", "late", "commit", "dated by", "flags"]
    with open_course(demo) as ctx:
        rows = {r.student_id: r for r in submission_statuses(ctx, ["a1-calculator"])}
    assert len(lines) == len(rows)
    for line in lines:
        cells = line.split("\t")
        row = rows[cells[0]]  # the whole id
        assert cells[1] == row.name and "…" not in line
        assert cells[5] == (row.graded_commit or "–")  # all 40 characters
        assert LATE.match(cells[4]), cells[4]
        assert "dated by" not in cells[7]
    assert SUMMARY.match(err.strip().splitlines()[-1]), err


def test_status_in_a_narrow_terminal_cuts_a_long_flag_list(demo: Path) -> None:
    with open_course(demo) as ctx:
        rows = submission_statuses(ctx, ["a1-calculator"])
    many = tuple(f"flag number {n} with a long explanation of what went wrong" for n in range(9))
    rows[0] = dataclasses.replace(rows[0], flags=many)
    console = Console(width=80, record=True, color_system=None)
    console.print(_table(rows, with_assignment=False, width=80))
    text = console.export_text()
    assert "+7 more" in text and "flag number 2" not in text
    lines = text.splitlines()
    assert all(len(line) <= 80 for line in lines)
    first = next(i for i, line in enumerate(lines) if rows[0].student_id in line)
    assert rows[1].student_id in lines[first + 3]  # three lines for the row, never nine
    assert str(flags_cell(("a", "b"))) == "a\nb"
    assert SUMMARY.match(status_summary(rows))


def test_status_in_a_terminal_ends_with_the_summary(
    demo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "80")
    code, out, err = run(capsys, demo, "status")
    assert code == 0, err
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out)
    assert SUMMARY.match(plain.strip().splitlines()[-1])
    assert all(len(line) <= 80 for line in plain.splitlines())


def test_pull_says_graded_commit_and_its_basis(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, demo, "pull", "a1-calculator")
    assert code == 0, err
    out += err  # the lines are printed above the progress bar, on stderr
    pulled = [line for line in out.splitlines() if "(graded" in line]
    assert pulled and all(re.search(r"\(graded commit [0-9a-f]{10}[,)]", line) for line in pulled)
    assert not any("[dated by" in line or " min late" in line for line in out.splitlines())
    assert any(", dated by commit time)" in line for line in pulled)


def test_certify_with_nothing_to_issue_says_why(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, demo, "certify", "--dry-run")
    assert code == 0
    assert "credentials: none issued: no student has every required assignment fully graded yet: " in err
    assert "a1-calculator" in err


def test_every_hint_grader_demo_prints_works_on_a_fresh_demo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["demo", str(tmp_path / "fresh"), "--no-tui", "--students", "6"]) == 0
    out = capsys.readouterr().out
    assert "next:\n" in out, out
    hints = [line.strip() for line in out.split("next:\n")[1].splitlines() if line.strip()]
    assert hints[0] == f"cd {tmp_path / 'fresh'}"
    monkeypatch.chdir(tmp_path / "fresh")
    for hint in hints[1:]:
        args = shlex.split(hint.split("#")[0])
        assert args[0] == "grader"
        if args[1:] == ["pull", "--autograde"]:
            args = ["grader", "pull"]  # the sandboxed checks are tested on their own (tens of seconds)
        code = main(args[1:])
        assert code == 0, (hint, capsys.readouterr())


def _makefile_hints() -> list[list[str]]:
    text = (REPO / "Makefile").read_text()
    commands = []
    for echoed in re.findall(r'@echo "  (grader [^"]*)"', text):
        for command in echoed.split("#")[0].split(";"):
            commands.append(shlex.split(command))
    return commands


def test_every_command_of_the_makefile_hints_exists_with_its_options(tmp_path: Path) -> None:
    hints = _makefile_hints()
    assert len(hints) >= 7 and not any("verify" in args or "<" in " ".join(args) for args in hints)
    files = load_course_of_make_demo(tmp_path)
    students = {s.student_id for s in files.students}
    for args in hints:
        command: click.Command = cli
        words = args[1:]
        while isinstance(command, click.Group) and words and not words[0].startswith("-"):
            found = command.get_command(click.Context(command), words[0])
            if found is None:  # a group's own argument (grader autograde ASSIGNMENT)
                break
            command, words = found, words[1:]
        command.make_context(command.name or "", list(words))  # a usage error fails the test
        for option in ("--student",):
            if option in words:
                assert words[words.index(option) + 1] in students, args
        if command.name == "mastery":
            assert words[0] in students


def load_course_of_make_demo(tmp: Path) -> CourseFiles:
    """The course `make demo` builds (default students and seed), without its repositories."""
    root = tmp / "course"
    for _ in build_demo_course(root, repos=False):
        pass
    return load_course(root)
