"""Rubric files (rubrics/*.yaml) into domain rubrics."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from grader.domain.errors import Problem, ValidationFailed
from grader.domain.rubric import (
    Check,
    CheckKind,
    ChecklistItem,
    Criterion,
    CriterionKind,
    IoCase,
    Level,
    Rubric,
)
from grader.files.check_rules import check_problems
from grader.files.check_spec import CheckSpec
from grader.files.schema import CriterionSpec, RubricSpec
from grader.files.strict_yaml import YamlDocument, field_path, load_yaml, parse_yaml
from grader.files.validate import validate


def _criterion_problems(doc: YamlDocument) -> list[Problem]:
    """Checks across fields, made on the raw data so they are reported with the schema's."""
    data: dict[str, Any] = doc.data if isinstance(doc.data, dict) else {}
    skills: dict[str, Any] = data["skills"] if isinstance(data.get("skills"), dict) else {}
    criteria: list[Any] = data["criteria"] if isinstance(data.get("criteria"), list) else []
    problems: list[Problem] = []
    first_line: dict[str, int] = {}
    for index, raw in enumerate(criteria):
        if not isinstance(raw, dict):
            continue
        path = ("criteria", index)
        criterion_id = raw.get("id")
        if isinstance(criterion_id, str):
            line = doc.line((*path, "id"))
            if criterion_id in first_line:
                problems.append(
                    Problem(
                        doc.file,
                        line,
                        field_path((*path, "id")),
                        f"criterion id '{criterion_id}' is used twice (lines "
                        f"{first_line[criterion_id]} and {line})",
                    )
                )
            first_line.setdefault(criterion_id, line)
        for s_index, skill in enumerate(raw.get("skills") or []):
            if isinstance(skill, str) and isinstance(skills, dict) and skill not in skills:
                spath = (*path, "skills", s_index)
                declared = ", ".join(sorted(map(str, skills))) or "none"
                problems.append(
                    Problem(
                        doc.file,
                        doc.line(spath),
                        field_path(spath),
                        f"unknown skill '{skill}' (declared under skills: {declared})",
                    )
                )
        problems.extend(_shape_problems(raw, path, doc))
        problems.extend(check_problems(raw, path, doc))
    return problems


def _shape_problems(raw: dict[str, object], path: tuple[str | int, ...], doc: YamlDocument) -> list[Problem]:
    shapes = [name for name in ("levels", "items", "check") if raw.get(name) is not None]
    where, line = field_path(path), doc.line(path)
    if len(shapes) > 1:
        return [
            Problem(
                doc.file, line, where, f"expected one of levels, items or check, got {' and '.join(shapes)}"
            )
        ]
    if shapes == ["levels"] and "points" in raw:
        ppath = (*path, "points")
        return [
            Problem(
                doc.file,
                doc.line(ppath),
                field_path(ppath),
                "a levels criterion takes its maximum from its highest level; remove points",
            )
        ]
    if shapes and shapes != ["levels"] and "points" not in raw:
        return [Problem(doc.file, line, where, f"a criterion with {shapes[0]} needs points (its maximum)")]
    if not shapes and "points" not in raw:
        return [
            Problem(doc.file, line, where, "expected levels, or points with items or a check, got neither")
        ]
    return []


def _kind(spec: CriterionSpec) -> CriterionKind:
    if spec.levels is not None:
        return CriterionKind.LEVELS
    if spec.items is not None:
        return CriterionKind.CHECKLIST
    if spec.check is not None:
        return CriterionKind.AUTOGRADED
    return CriterionKind.POINTS


def _check(spec: CheckSpec) -> Check:
    """The domain check of a spec that passed validation (so exactly one kind is set)."""
    kind = next(k for k in CheckKind if getattr(spec, k.value) is not None)
    command = getattr(spec, kind.value)
    cases = tuple(
        IoCase(
            name=case.name,
            input=case.input,
            expected=case.expected,
            comparison=case.comparison,
            points=case.points if case.points is not None else Decimal(1),
            timeout=case.timeout if case.timeout is not None else spec.timeout,
        )
        for case in spec.cases or ()
    )
    return Check(
        run=command,
        timeout=spec.timeout,
        kind=kind,
        report=spec.report or "",
        weights=tuple((spec.weights or {}).items()),
        cases=cases,
    )


def rubric_from_document(doc: YamlDocument) -> Rubric:
    """Validate a parsed rubric; raises ValidationFailed with every problem."""
    problems: list[Problem] = []
    spec = validate(RubricSpec, doc, problems)
    problems.extend(_criterion_problems(doc))
    if spec is None or problems:
        raise ValidationFailed(problems)
    criteria = tuple(
        Criterion(
            id=cs.id,
            title=cs.title,
            kind=_kind(cs),
            skills=tuple(cs.skills),
            levels=tuple(Level(lv.label, lv.points, lv.description) for lv in cs.levels or ()),
            items=tuple(ChecklistItem(it.label, it.points, it.description) for it in cs.items or ()),
            points=cs.points if cs.points is not None else Decimal(0),
            check=_check(cs.check) if cs.check else None,
            files=tuple(cs.files),
            description=cs.description,
        )
        for cs in spec.criteria
    )
    return Rubric(id=spec.id, title=spec.title, skills=dict(spec.skills), criteria=criteria)


def load_rubric(path: Path, display: str) -> Rubric:
    return rubric_from_document(load_yaml(path, display))


def parse_rubric(text: str, display: str = "rubric.yaml") -> Rubric:
    return rubric_from_document(parse_yaml(text, display))
