"""Run a pydantic model over strictly-parsed YAML and word every error as file:line field."""

from __future__ import annotations

import difflib
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from grader.domain.errors import Problem
from grader.files.strict_yaml import PathKey, YamlDocument, field_path, show

M = TypeVar("M", bound=BaseModel)

_EXPECTED = {
    "missing": "is required but missing",
    "dict_type": "expected a mapping",
    "model_type": "expected a mapping",
    "model_attributes_type": "expected a mapping",
    "list_type": "expected a list",
    "string_type": "expected text",
}


def _model_for(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class that owns the last key of ``loc`` (for listing the allowed fields)."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(part)
        if info is None:
            return None
        current = _unwrap(info.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    for arg in getattr(annotation, "__args__", ()) or ():
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
        inner = _unwrap(arg)
        if inner is not None:
            return inner
    return annotation if isinstance(annotation, type) else None


def problem_from_error(model: type[BaseModel], doc: YamlDocument, error: Any) -> Problem:
    loc: PathKey = tuple(error["loc"])
    kind = error["type"]
    line = doc.line(loc)
    if kind == "extra_forbidden":
        owner = _model_for(model, loc)
        allowed = sorted(owner.model_fields) if owner else []
        guess = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"; did you mean {guess[0]!r}?" if guess else ""
        return Problem(
            doc.file, line, field_path(loc), f"unknown field (expected one of: {', '.join(allowed)}){hint}"
        )
    if kind == "missing":
        return Problem(doc.file, line, field_path(loc), "is required but missing")
    if kind in ("greater_than_equal", "greater_than"):
        op = ">=" if kind == "greater_than_equal" else ">"
        bound = error["ctx"].get("ge", error["ctx"].get("gt"))
        return Problem(
            doc.file, line, field_path(loc), f"expected a number {op} {bound}, got {show(error['input'])}"
        )
    if kind == "too_short":
        return Problem(doc.file, line, field_path(loc), "expected at least one entry, got none")
    if kind in _EXPECTED:
        return Problem(doc.file, line, field_path(loc), f"{_EXPECTED[kind]}, got {show(error['input'])}")
    return Problem(doc.file, line, field_path(loc), str(error["msg"]))


def validate(model: type[M], doc: YamlDocument, problems: list[Problem]) -> M | None:
    """The validated model, or None with every problem appended to ``problems``."""
    if not isinstance(doc.data, dict):
        problems.append(Problem(doc.file, 1, "", f"expected a mapping at the top, got {show(doc.data)}"))
        return None
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        problems.extend(problem_from_error(model, doc, err) for err in exc.errors())
        return None
