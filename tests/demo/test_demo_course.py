"""The demo course folder: its files, its course.yaml, determinism and refusals."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from demo_helpers import PROJECT, build, files_of, refs_of

from grader.demo import build_demo_course
from grader.demo.course_def import COURSE
from grader.demo.course_yaml import render_course_yaml
from grader.domain.course import ChecksConfig
from grader.domain.errors import GraderError
from grader.files.course import load_course


def test_course_folder_has_every_part(demo_course: Path) -> None:
    for name in ("course.yaml", "roster.csv", ".gitignore", ".grader/demo-manifest.json"):
        assert (demo_course / name).is_file(), name
    ignored = (demo_course / ".gitignore").read_text().splitlines()
    assert ".grader/" in ignored
    assert "exports/" in ignored  # grade files the export dialog writes never land in git
    assert sorted(p.name for p in (demo_course / "remotes").iterdir()) == [
        "a1-calculator",
        "a2-webpage",
        "a3-dataanalysis",
    ]


def test_rubrics_are_copies_of_the_projects_rubrics(demo_course: Path) -> None:
    bundled = sorted((PROJECT / "rubrics").glob("*.yaml"))
    assert [p.name for p in bundled] == ["calculator.yaml", "dataanalysis.yaml", "webpage.yaml"]
    for source in bundled:
        assert (demo_course / "rubrics" / source.name).read_bytes() == source.read_bytes()
    assert not (PROJECT / "grader" / "demo" / "rubrics").exists()


def test_course_yaml_describes_the_demo(demo_course: Path) -> None:
    data = yaml.safe_load((demo_course / "course.yaml").read_text(encoding="utf-8"))
    assert data["course"]["id"] == "cs101-fall26-demo"
    assert data["sources"] == {"allow_local": True}
    assert data["checks"] == {"python": "grader"}, "the checks run with grader's own Python (pytest)"
    assert data["issuer"]["name"]
    assert len(data["assignments"]) == 3
    for assignment in data["assignments"]:
        assert assignment["repo"].startswith("file://{course}/remotes/")
        assert assignment["repo"].endswith("/{github}.git")
        assert (demo_course / assignment["rubric"]).is_file()
        deadline = assignment["deadline"]
        assert deadline.tzinfo is not None and (2026, 9) <= (deadline.year, deadline.month) <= (2026, 11)
        assert assignment["late"]["grace_minutes"] == 15
        assert assignment["late"]["penalty_per_day"].endswith("%")
    badge = next(b for b in data["badges"] if b["id"] == "python-foundations")
    assert badge["requires"]["skills"] == {"python-basics": "80%", "testing": "70%"}
    assert len(data["badges"]) == 2


def test_repo_templates_resolve_to_the_built_repositories(
    demo_course: Path, manifest: dict[str, Any]
) -> None:
    data = yaml.safe_load((demo_course / "course.yaml").read_text(encoding="utf-8"))
    templates = {a["id"]: a["repo"] for a in data["assignments"]}
    assert {entry["repo"] is None for entry in manifest["submissions"]} == {True, False}, "both kinds"
    for entry in manifest["submissions"]:
        url = templates[entry["assignment"]].format(course=demo_course, github=entry["github"])
        path = Path(url.removeprefix("file://"))
        assert path.exists() == (entry["repo"] is not None)
        if entry["repo"] is not None:
            assert path == demo_course / entry["repo"]


def test_the_course_loads_with_the_projects_own_reader(demo_course: Path) -> None:
    course = load_course(demo_course)
    assert len(course.students) == 36
    assert [a.id for a in course.course.assignments] == [
        "a1-calculator",
        "a2-webpage",
        "a3-dataanalysis",
    ]
    assert course.rubric("a1-calculator").max_points == 100
    assert course.course.checks == ChecksConfig(python="grader")


def test_checks_settings_other_than_the_default_are_written() -> None:
    checks = ChecksConfig(trust=True, paths=("/opt/checks venv", "data, shared"), jobs=2, memory_mb=512)
    text = render_course_yaml(replace(COURSE, checks=checks))
    assert yaml.safe_load(text)["checks"] == {
        "python": "grader",
        "trust": True,
        "paths": ["/opt/checks venv", "data, shared"],
        "jobs": 2,
        "limits": {"memory_mb": 512},
    }


def test_same_seed_builds_the_same_course(tmp_path: Path, demo_course: Path) -> None:
    again = build(tmp_path / "again")
    assert files_of(again) == files_of(demo_course)
    assert refs_of(again) == refs_of(demo_course)


def test_different_seeds_build_different_courses(tmp_path: Path) -> None:
    seven = build(tmp_path / "seven", students=12, seed=7)
    eight = build(tmp_path / "eight", students=12, seed=8)
    assert (seven / "roster.csv").read_bytes() != (eight / "roster.csv").read_bytes()
    heads = [
        {s["head"] for s in json.loads((c / ".grader/demo-manifest.json").read_text())["submissions"]}
        for c in (seven, eight)
    ]
    assert heads[0] - {None} and not (heads[0] & heads[1]) - {None}


def test_without_repos_only_the_files_are_written(tmp_path: Path) -> None:
    course = build(tmp_path / "course", students=40, repos=False)
    assert not (course / "remotes").exists()
    assert len((course / "roster.csv").read_text(encoding="utf-8").splitlines()) == 41
    manifest = json.loads((course / ".grader/demo-manifest.json").read_text())
    assert manifest["repos"] is False and manifest["submissions"] == []


def test_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(GraderError, match="not empty"):
        next(build_demo_course(tmp_path))
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_refuses_a_file_as_destination(tmp_path: Path) -> None:
    target = tmp_path / "course"
    target.write_text("")
    with pytest.raises(GraderError, match="is a file"):
        next(build_demo_course(target))


def test_refuses_an_impossible_student_count(tmp_path: Path) -> None:
    with pytest.raises(GraderError, match="students"):
        next(build_demo_course(tmp_path / "course", students=0))
    assert not (tmp_path / "course").exists()


def test_an_empty_folder_is_accepted(tmp_path: Path) -> None:
    build(tmp_path, students=3, repos=False)
    assert (tmp_path / "course.yaml").is_file()
