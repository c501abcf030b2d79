"""`grader export feedback` on the pulled demo course: pages, skips, and hook-free commits."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from cli_helpers import run

from grader.demo import build_demo_course
from grader.git.env import run_git
from grader.git.mirror import branches

A1 = "a1-calculator"
A1_MANUAL = [
    ("correctness", "--level", "Exemplary"),  # 35
    ("cli", "--level", "Exemplary"),  # 15
    ("code-quality", "--item", "Unclear names"),  # 15 - 3
    ("readme", "--level", "Complete"),  # 10
    ("git-practice", "--no-items"),  # 0
]
A1_NOTHING = [
    ("correctness", "--level", "Missing"),
    ("cli", "--level", "Missing"),
    (
        "code-quality",
        *[
            f"--item={i}"
            for i in ("Unclear names", "Missing docstrings", "Long functions", "Dead code", "Bare except")
        ],
    ),
    ("readme", "--level", "Missing"),
    ("git-practice", "--no-items"),
]


@pytest.fixture
def pulled(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, dict[str, dict]]:
    """The demo course (8 students) with a1 pulled; its a1 submissions by case."""
    root = tmp_path / "course"
    for _ in build_demo_course(root, students=8, seed=7):
        pass
    code, _, err = run(capsys, root, "pull", A1, "--jobs", "4")
    assert code == 0, err
    manifest = json.loads((root / ".grader" / "demo-manifest.json").read_text(encoding="utf-8"))
    return root, {e["case"]: e for e in manifest["submissions"] if e["assignment"] == A1}


def grade(capsys: pytest.CaptureFixture[str], course: Path, student: str, marks: list, **extra: str) -> None:
    for criterion, *choice in marks:
        args = ["grade", A1, "--student", student, "--criterion", criterion, *choice]
        if criterion in extra:
            args += ["--comment", extra[criterion]]
        code, _, err = run(capsys, course, *args)
        assert code == 0, err


def page_of(course: Path, student: str) -> str:
    return (course / ".grader" / "feedback" / A1 / f"{student}.md").read_text(encoding="utf-8")


def git(mirror: Path, *args: str) -> str:
    return run_git([f"--git-dir={mirror}", *args], timeout=30).stdout.decode()


def test_graded_submissions_get_a_page_and_the_rest_are_counted(pulled, capsys) -> None:
    course, cases = pulled
    late, partial, missing = cases["late-1-day"], cases["kept-committing"], cases["missing"]
    grade(capsys, course, late["student_id"], A1_MANUAL, correctness="Solid work.\n# really")
    grade(capsys, course, late["student_id"], [("tests", "--points", "20")])  # a grader's points: final
    grade(capsys, course, partial["student_id"], A1_MANUAL[:1])
    grade(capsys, course, missing["student_id"], A1_NOTHING)

    code, out, err = run(capsys, course, "export", "feedback", "--assignment", A1)
    assert code == 0, err
    assert out == ""
    lines = err.splitlines()
    assert f"{A1} {late['student_id']}: wrote .grader/feedback/{A1}/{late['student_id']}.md" in lines
    assert f"{A1} {partial['student_id']}: skipped, not graded yet (in progress)" in lines
    assert lines[-1] == "feedback: 2 written, 1 not final, 6 skipped (1 in progress, 1 missing, 4 pulled)"
    (not_final,) = [line for line in lines if line.startswith(f"{A1} {missing['student_id']}: wrote ")]
    assert not_final.endswith("; not final: Test suite passes (20 points) not scored yet")

    page = page_of(course, late["student_id"])
    assert page.startswith("# Feedback: Command-line calculator\n")
    assert "- **Total:** 82.8 / 100\n" in page and "Not final" not in page
    assert "late: 1 started day(s) × 10% = 10% off, late penalty −9.2\n" in page
    assert f"- **Graded commit:** `{late['graded_commit']}`" in page
    assert " (dated by commit time)\n" in page.split("- **Graded commit:** ")[1]
    assert "- **Flags:**" not in page  # the basis of the date is no flag
    (autograded,) = [
        line for line in page.splitlines() if line.startswith("Autograded with `python -m pytest")
    ]
    assert autograded.endswith("`: 20 / 20 (recorded by a grader)")
    assert "Level reached: **Exemplary** (35 points)" in page
    assert "> Solid work.\\\n> \\# really\n" in page
    nothing = page_of(course, missing["student_id"])
    assert nothing.startswith(
        "# Feedback: Command-line calculator\n\n"
        "**Not final:** Test suite passes (20 points) not scored yet, so this page gives no total yet.\n"
    )
    assert (
        "- **Total:** not final yet\n- **Late:** no submission was found\n- **Graded commit:** none\n"
        in nothing
    )
    assert "0 / 100" not in nothing
    assert not (course / ".grader" / "feedback" / A1 / f"{partial['student_id']}.md").exists()
    umask = os.umask(0o022)
    os.umask(umask)
    mode = os.stat(course / ".grader" / "feedback" / A1 / f"{late['student_id']}.md").st_mode & 0o777
    assert mode == 0o666 & ~umask, "a page to share gets the mode the user's umask gives a new file"

    code, _, err = run(capsys, course, "export", "feedback", "--assignment", A1)
    assert code == 0
    assert (
        err.splitlines()[-1]
        == "feedback: 2 unchanged, 1 not final, 6 skipped (1 in progress, 1 missing, 4 pulled)"
    )
    assert page_of(course, late["student_id"]) == page


def test_a_page_left_from_an_earlier_export_is_named_when_the_grade_reopens(pulled, capsys, tmp_path) -> None:
    course, cases = pulled
    student = cases["late-in-grace"]["student_id"]
    grade(capsys, course, student, A1_MANUAL)
    out_dir = tmp_path / "pages"
    assert run(capsys, course, "export", "feedback", "-o", str(out_dir))[0] == 0
    page = out_dir / A1 / f"{student}.md"
    assert "within the 15-minute grace period: no penalty" in page.read_text(encoding="utf-8")
    rubric = course / "rubrics" / "calculator.yaml"
    rubric.write_text(
        rubric.read_text(encoding="utf-8")
        + "  - id: reflection\n    title: Reflection\n    skills: [documentation]\n"
        "    levels:\n      - {label: Done, points: 5}\n      - {label: Missing, points: 0}\n",
        encoding="utf-8",
    )
    code, _, err = run(capsys, course, "export", "feedback", "-o", str(out_dir), "--assignment", A1)
    assert code == 0, err
    assert (
        f"{A1} {student}: skipped, not graded yet (in progress) (an earlier page is left as it was: {page})"
        in err
    )


def test_an_unknown_assignment_or_a_file_as_folder_is_refused(pulled, capsys, tmp_path) -> None:
    course, _ = pulled
    code, _, err = run(capsys, course, "export", "feedback", "--assignment", "a9")
    assert code == 1 and "unknown assignment 'a9'" in err
    (tmp_path / "file").write_text("x")
    code, _, err = run(capsys, course, "export", "feedback", "-o", str(tmp_path / "file"))
    assert code == 2 and "is a file" in err


def arm(markers: Path, *places: Path) -> None:
    """Hooks and an fsmonitor that would each leave a marker if git ever ran them."""
    for place in places:
        for hook in (
            "pre-commit",
            "prepare-commit-msg",
            "commit-msg",
            "post-commit",
            "reference-transaction",
        ):
            script = place / hook
            script.parent.mkdir(parents=True, exist_ok=True)
            script.write_text(
                f"#!/bin/sh\nmkdir -p '{markers}'\ntouch '{markers}/{place.name}-{hook}'\nexit 0\n"
            )
            script.chmod(script.stat().st_mode | stat.S_IXUSR)


def test_commit_puts_the_page_on_the_feedback_branch_and_runs_no_hook(
    pulled, capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    course, cases = pulled
    late, missing = cases["late-1-day"], cases["missing"]
    student = late["student_id"]
    grade(capsys, course, student, A1_MANUAL)
    grade(capsys, course, missing["student_id"], A1_NOTHING)
    mirror = course / ".grader" / "repos" / A1 / f"{student}.git"
    markers = tmp_path / "markers"
    elsewhere = tmp_path / "their-hooks"
    arm(markers, mirror / "hooks", elsewhere)
    with (mirror / "config").open("a") as config:
        config.write(f"[core]\n\thooksPath = {elsewhere}\n\tfsmonitor = {elsewhere / 'pre-commit'}\n")
    home = tmp_path / "home"
    arm(markers, home / "global-hooks")
    home.joinpath(".gitconfig").write_text(f"[core]\n\thooksPath = {home / 'global-hooks'}\n")
    monkeypatch.setenv("HOME", str(home))
    heads_before = branches(mirror)

    code, _, err = run(capsys, course, "export", "feedback", "--assignment", A1, "--commit")
    assert code == 0, err
    assert not markers.exists(), sorted(p.name for p in markers.iterdir())
    sha = git(mirror, "rev-parse", "refs/grader/feedback").strip()
    assert f"{A1} {student}: wrote .grader/feedback/{A1}/{student}.md; committed {sha[:10]}" in err
    assert (
        f"{A1} {missing['student_id']}: wrote .grader/feedback/{A1}/{missing['student_id']}.md; not committed: no repository was pulled"
        in err
    )
    assert git(mirror, "show", "refs/grader/feedback:FEEDBACK.md") == page_of(course, student)
    assert git(mirror, "rev-parse", f"{sha}^").strip() == late["graded_commit"]
    tree = git(mirror, "ls-tree", "-r", "--name-only", sha).split()
    assert tree == sorted(
        [*git(mirror, "ls-tree", "-r", "--name-only", late["graded_commit"]).split(), "FEEDBACK.md"]
    )
    message = git(mirror, "log", "-1", "--format=%B", sha)
    assert "Score: not final (Test suite passes (20 points) not scored yet)" in message
    assert branches(mirror) == heads_before, "the student's branches are untouched"

    code, _, err = run(capsys, course, "pull", A1, "--student", student)
    assert code == 0 and "unchanged" in err
    assert git(mirror, "rev-parse", "refs/grader/feedback").strip() == sha, "a pull keeps the feedback branch"

    code, _, err = run(capsys, course, "export", "feedback", "--assignment", A1, "--commit")
    assert f"{student}: unchanged .grader/feedback/{A1}/{student}.md; already committed {sha[:10]}" in err
    grade(capsys, course, student, [("tests", "--points", "16")])  # now final: (72 + 16) × 90%
    code, _, err = run(capsys, course, "export", "feedback", "--assignment", A1, "--commit")
    assert code == 0, err
    newer = git(mirror, "rev-parse", "refs/grader/feedback").strip()
    assert git(mirror, "rev-parse", f"{newer}^").strip() == sha
    assert "- **Total:** 79.2 / 100" in git(mirror, "show", f"{newer}:FEEDBACK.md")
    assert "Score: 79.2 / 100" in git(mirror, "log", "-1", "--format=%B", newer)
    assert not markers.exists()


def test_a_commit_that_fails_is_reported_and_exits_1(pulled, capsys) -> None:
    course, cases = pulled
    student = cases["late-minutes"]["student_id"]
    grade(capsys, course, student, A1_MANUAL)
    mirror = course / ".grader" / "repos" / A1 / f"{student}.git"
    (mirror / "refs" / "grader").mkdir(parents=True)
    (mirror / "refs" / "grader" / "feedback").write_text("not a commit id\n")
    code, _, err = run(capsys, course, "export", "feedback", "--commit")
    assert code == 1
    assert f"{A1} {student}: wrote .grader/feedback/{A1}/{student}.md; commit failed: cannot commit" in err
    assert (
        err.splitlines()[-1]
        == "feedback: 1 written, 1 not final, 1 commit failed, 23 skipped (2 missing, 16 not pulled, 5 pulled)"
    )
    assert (course / ".grader" / "feedback" / A1 / f"{student}.md").is_file()
