"""Fixtures of the credential rendering tests: one font library per session, the example credential."""

from __future__ import annotations

import json
from typing import Any

import pytest
from render_helpers import DATA, FONT_CACHE

from grader.credentials.fonts import FontLibrary, shared_library


@pytest.fixture(scope="session")
def fonts() -> FontLibrary:
    return shared_library(FONT_CACHE)


@pytest.fixture
def ob3_credential() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((DATA / "ob3-example-signed.json").read_text(encoding="utf-8"))
    return loaded
