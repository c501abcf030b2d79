"""The project's own rubrics, wherever this copy of grader keeps them."""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from grader.domain.errors import GraderError

PACKAGE_DIR = "rubrics"
"""Inside an installed wheel: grader/demo/rubrics/ (force-included from the project's rubrics/)."""
SOURCE_DIR = Path(__file__).resolve().parents[2] / "rubrics"
"""In a source checkout: the top-level rubrics/ next to the grader package."""


def rubric_source() -> Traversable:
    """The folder holding the bundled rubrics: package data first, then the source tree."""
    packaged = files("grader.demo").joinpath(PACKAGE_DIR)
    if packaged.is_dir():
        return packaged
    if SOURCE_DIR.is_dir():
        return SOURCE_DIR
    raise GraderError(
        "the demo rubrics are missing from this installation "
        f"(looked in grader/demo/{PACKAGE_DIR} and {SOURCE_DIR}); reinstall grader"
    )


def copy_rubrics(target: Path, names: list[str]) -> list[str]:
    """Copy every bundled ``*.yaml`` rubric into ``target``; ``names`` must be among them."""
    source = rubric_source()
    available = sorted(entry.name for entry in source.iterdir() if entry.name.endswith(".yaml"))
    missing = sorted(set(names) - set(available))
    if missing:
        raise GraderError(f"the bundled rubrics lack {', '.join(missing)}; reinstall grader")
    target.mkdir(parents=True, exist_ok=True)
    for name in available:
        (target / name).write_bytes(source.joinpath(name).read_bytes())
    return available
