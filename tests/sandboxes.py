"""Shared by the sandbox tests (tests/sandbox/, tests/security/test_run.py): the sandbox kinds to
run every hostile program under, a course folder holding real secrets, and a one-call run."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from required_tools import needs_tool

from grader.domain.check_results import RawRun
from grader.domain.course import ChecksConfig
from grader.sandbox import SandboxPolicy, policy_for, run_in_sandbox
from grader.sandbox.probe import why_not

KINDS = [
    pytest.param("bwrap", marks=needs_tool("bubblewrap"), id="bwrap"),
    pytest.param("unshare", id="unshare"),
]
GRADEBOOK_SECRET = b"SQLite format 3\0 SECRET-GRADEBOOK-ROW"
KEY_SECRET = b"-----BEGIN PRIVATE KEY----- SECRET-SIGNING-KEY"


def working(kind: str) -> str:
    """``kind``, after checking that it really runs commands on this machine."""
    assert why_not(kind) == "", f"the {kind} sandbox does not work here: {why_not(kind)}"
    return kind


def make_course(root: Path) -> Path:
    """A course folder with a gradebook and a signing key in .grader/ (fake, but real files)."""
    grader_dir = root / ".grader"
    (grader_dir / "keys").mkdir(parents=True)
    (grader_dir / "grades.db").write_bytes(GRADEBOOK_SECRET)
    (grader_dir / "keys" / "issuer.key").write_bytes(KEY_SECRET)
    (root / "course.yaml").write_text("course: {id: c}\n", encoding="utf-8")
    return root


def make_checkout(root: Path, files: dict[str, str]) -> Path:
    """A checkout folder holding ``files`` (dedented text)."""
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def grader_policy(course: Path, **limits: Any) -> SandboxPolicy:
    """The policy of a course whose checks use grader's own Python (the demo's setting)."""
    return policy_for(course, ChecksConfig(**limits))


def run(
    checkout: Path,
    argv: Sequence[str],
    kind: str,
    policy: SandboxPolicy,
    *,
    timeout: float = 30,
    stdin: bytes = b"",
    collect: Sequence[str] = (),
) -> RawRun:
    return run_in_sandbox(
        checkout, argv, policy=policy, kind=kind, timeout=timeout, stdin=stdin, collect=collect
    )


def text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")
