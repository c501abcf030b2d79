"""The project's rubrics (rubrics/*.yaml): plain YAML, the documented shape, thoughtful content."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from demo_helpers import PROJECT

from grader.files.rubric import load_rubric

RUBRICS = sorted((PROJECT / "rubrics").glob("*.yaml"))


class UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses duplicate keys."""


def _mapping(loader: UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    keys = [loader.construct_object(key) for key, _ in node.value]
    assert len(keys) == len(set(keys)), f"duplicate key at line {node.start_mark.line + 1}"
    return loader.construct_mapping(node)


UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def load(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    for event in yaml.parse(text):
        assert not isinstance(event, yaml.AliasEvent), path
        assert getattr(event, "anchor", None) is None, path
        if isinstance(event, yaml.ScalarEvent | yaml.MappingStartEvent | yaml.SequenceStartEvent):
            assert event.tag is None or not event.tag.startswith("!"), path
    data = yaml.load(text, Loader=UniqueKeyLoader)
    assert isinstance(data, dict)
    return data


def test_three_rubrics_are_bundled() -> None:
    assert [p.stem for p in RUBRICS] == ["calculator", "dataanalysis", "webpage"]


@pytest.mark.parametrize("path", RUBRICS, ids=lambda p: p.stem)
def test_rubric_has_the_documented_shape(path: Path) -> None:
    data = load(path)
    assert set(data) == {"id", "title", "skills", "criteria"}
    assert data["id"] == path.stem
    assert 4 <= len(data["criteria"]) <= 6
    ids = [c["id"] for c in data["criteria"]]
    assert len(ids) == len(set(ids))
    autograded = 0
    for criterion in data["criteria"]:
        assert set(criterion["skills"]) <= set(data["skills"])
        if "levels" in criterion:
            points = [level["points"] for level in criterion["levels"]]
            assert points == sorted(points, reverse=True) and len(set(points)) == len(points)
            assert all(isinstance(p, int) and p >= 0 for p in points)
            assert "points" not in criterion and "items" not in criterion
        elif "items" in criterion:
            signs = {item["points"] > 0 for item in criterion["items"]}
            assert len(signs) == 1, "never mixed"
            assert isinstance(criterion["points"], int)
        else:
            check_has_a_demo_shape(criterion["check"])
            autograded += 1
    assert autograded == 1


def check_has_a_demo_shape(check: dict[str, Any]) -> None:
    """A pytest run of grader's own Python, quick to time out, writing its report where it says."""
    (kind,) = set(check) & {"run", "junit", "io"}
    assert set(check) == {kind, "timeout"} | ({"report"} if kind == "junit" else set())
    words = check[kind].split()
    assert words[:3] == ["python", "-m", "pytest"]
    assert "--disable-plugin-autoload" in words, "grader's own pytest plugins stay out of the students' runs"
    assert 5 <= check["timeout"] <= 30, "a student's endless loop keeps the demo's autograde quick"
    if kind == "junit":
        assert f"--junitxml={check['report']}" in words and "--noconftest" in words


def test_the_demo_shows_partial_credit_and_all_or_nothing() -> None:
    kinds = {
        path.stem: next(
            kind
            for c in load(path)["criteria"]
            for kind in ("run", "junit", "io")
            if kind in c.get("check", {})
        )
        for path in RUBRICS
    }
    assert kinds == {"calculator": "junit", "dataanalysis": "junit", "webpage": "run"}


@pytest.mark.parametrize("path", RUBRICS, ids=lambda p: p.stem)
def test_rubric_loads_with_the_projects_reader(path: Path) -> None:
    rubric = load_rubric(path, path.name)
    assert rubric.max_points == 100


def test_rubrics_share_skills_and_both_kinds_of_checklist() -> None:
    loaded = [load(p) for p in RUBRICS]
    skills = [set(r["skills"]) for r in loaded]
    assert "documentation" in set.intersection(*skills)
    assert {"python-basics", "testing"} <= skills[0] & skills[1]
    items = [c["items"] for r in loaded for c in r["criteria"] if "items" in c]
    assert any(group and all(i["points"] < 0 for i in group) for group in items)
    assert any(group and all(i["points"] > 0 for i in group) for group in items)
