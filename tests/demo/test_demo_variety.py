"""The demo's students write genuinely different calculators, and the planted copies are where
the manifest says, each copied the way it says (real git, real pytest runs of the copies)."""

from __future__ import annotations

import ast
import itertools
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from demo_helpers import git
from test_demo_checks import run_check

from grader.demo.copies import KINDS
from grader.demo.outcomes import Work

A1 = "a1-calculator"


def graded_files(course: Path, entry: dict[str, Any]) -> dict[str, str]:
    """The Python files of a submission's graded commit, by path."""
    repo, commit = course / entry["repo"], entry["graded_commit"]
    paths = git(repo, "ls-tree", "-r", "--name-only", commit).split("\n")
    return {p: git(repo, "show", f"{commit}:{p}") for p in paths if p.endswith(".py")}


@pytest.fixture(scope="module")
def a1_files(demo_course: Path, manifest: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Every graded a1 submission's Python files, by student id."""
    return {
        e["student_id"]: graded_files(demo_course, e)
        for e in manifest["submissions"]
        if e["assignment"] == A1 and e["graded_commit"] is not None
    }


def shape(source: str) -> str:
    """The structure of a module with every name, string and number left out."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        for field in ("id", "arg", "name", "attr", "value", "module"):
            if isinstance(getattr(node, field, None), str | int | float):
                setattr(node, field, "_")
    return ast.dump(tree)


def test_three_copies_of_each_kind_are_planted(manifest: dict[str, Any]) -> None:
    copies = manifest["copies"]
    assert sorted(c["kind"] for c in copies) == sorted(KINDS)
    people = [c["copier"] for c in copies] + [c["original"] for c in copies]
    assert len(set(people)) == 6, "each copier copies a different student, nobody is copied twice"
    by_id = {e["student_id"]: e for e in manifest["submissions"] if e["assignment"] == A1}
    for copy in copies:
        assert copy["assignment"] == A1
        for student in (copy["copier"], copy["original"]):
            entry = by_id[student]
            assert entry["case"] == "on-time" and entry["work"] == Work.SOLID, "only ordinary students"
        assert by_id[copy["copier"]]["copy_of"] == copy["original"]
        assert "calculator.py" in copy["files"]


def test_no_two_submissions_share_a_file_but_the_verbatim_copy(
    a1_files: dict[str, dict[str, str]], manifest: dict[str, Any]
) -> None:
    (verbatim,) = [c for c in manifest["copies"] if c["kind"] == "verbatim"]
    expected = {frozenset((verbatim["copier"], verbatim["original"]))}
    shared = set()
    for (one, one_files), (other, other_files) in itertools.combinations(a1_files.items(), 2):
        if any(one_files.get(path) == text for path, text in other_files.items()):
            shared.add(frozenset((one, other)))
    assert shared == expected


def test_independent_solutions_differ_in_structure(
    a1_files: dict[str, dict[str, str]], manifest: dict[str, Any]
) -> None:
    copiers = {c["copier"] for c in manifest["copies"]}
    shapes = Counter(shape(files["calculator.py"]) for sid, files in a1_files.items() if sid not in copiers)
    assert len(shapes) >= len(a1_files) - len(copiers) - 2, "names aside, nearly every solution is its own"
    styles = {
        "dict of functions": "OPERATIONS = {",
        "if/elif chain": "elif",
        "class": "class Calculator",
        "operator module": "import operator",
        "match statement": "match ",
        "regular expression": "re.compile",
        "str.partition": ".partition(",
        "argparse": "argparse.ArgumentParser",
        "sys.argv": "sys.argv[1:]",
    }
    sources = [files["calculator.py"] for files in a1_files.values()]
    for style, marker in styles.items():
        assert any(marker in source for source in sources), style
    tests = [text for files in a1_files.values() for path, text in files.items() if path.startswith("tests/")]
    assert any("unittest.TestCase" in t for t in tests) and any("parametrize" in t for t in tests)


def test_each_copy_is_copied_as_the_manifest_says(
    a1_files: dict[str, dict[str, str]], manifest: dict[str, Any]
) -> None:
    for copy in manifest["copies"]:
        mine, theirs = a1_files[copy["copier"]], a1_files[copy["original"]]
        assert sorted(mine) == sorted(theirs) == copy["files"]
        for path in copy["files"]:
            if copy["kind"] == "verbatim":
                assert mine[path] == theirs[path]
                continue
            assert mine[path] != theirs[path]
            if copy["kind"] == "renamed":
                assert shape(mine[path]) != shape(theirs[path]), "docstrings dropped"
                original_names = {
                    n.name for n in ast.walk(ast.parse(theirs[path])) if isinstance(n, ast.FunctionDef)
                }
                copied_names = {
                    n.name for n in ast.walk(ast.parse(mine[path])) if isinstance(n, ast.FunctionDef)
                }
                if path == "calculator.py":
                    assert len(copied_names & original_names) < len(original_names) / 2, "identifiers renamed"
                assert re.search(r"^(def|class) .*:\n  \S", mine[path], re.MULTILINE), "two-space indents"
            elif path == "calculator.py":
                top = [n for n in ast.parse(mine[path]).body if isinstance(n, ast.FunctionDef)]
                original = [n for n in ast.parse(theirs[path]).body if isinstance(n, ast.FunctionDef)]
                assert {ast.dump(n) for n in original} <= {ast.dump(n) for n in top}, "every function kept"
                assert len(top) > len(original), "dead code inserted"
        if copy["kind"] == "reordered":
            order = [n.name for n in ast.parse(mine["calculator.py"]).body if isinstance(n, ast.FunctionDef)]
            original_order = [
                n.name for n in ast.parse(theirs["calculator.py"]).body if isinstance(n, ast.FunctionDef)
            ]
            assert [name for name in order if name in original_order] != original_order


def test_copies_pass_their_tests_like_the_work_they_copied(
    demo_course: Path, manifest: dict[str, Any], tmp_path: Path
) -> None:
    by_id = {e["student_id"]: e for e in manifest["submissions"] if e["assignment"] == A1}
    for copy in manifest["copies"]:
        entry = by_id[copy["copier"]]
        result = run_check(demo_course, entry, tmp_path / copy["copier"])
        assert not result.timed_out and result.exit_code == 0, result
        assert result.tests >= 4 and result.failed == 0, result
