"""A demo course built once per session (well under a second), shared read-only by the tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from demo_helpers import build


@pytest.fixture(scope="session")
def demo_course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("demo") / "course")


@pytest.fixture(scope="session")
def manifest(demo_course: Path) -> dict[str, Any]:
    text = (demo_course / ".grader" / "demo-manifest.json").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded
