"""Which sandbox runs the checks: probed once per process, forced by a caller or $GRADER_SANDBOX."""

from __future__ import annotations

from pathlib import Path

import pytest
from required_tools import needs_tool

from grader.domain.errors import GraderError
from grader.sandbox import SandboxPolicy, SandboxUnavailable, probe, sandbox_kind


@pytest.fixture(autouse=True)
def unforced(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(probe.FORCE_VARIABLE, raising=False)


@needs_tool("bubblewrap")
def test_bwrap_first_then_unshare_when_asked() -> None:
    assert sandbox_kind(SandboxPolicy()) == "bwrap"
    assert sandbox_kind(SandboxPolicy(), prefer="unshare") == "unshare"


def test_the_environment_variable_forces_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(probe.FORCE_VARIABLE, "unshare")
    assert sandbox_kind(SandboxPolicy()) == "unshare"
    monkeypatch.setenv(probe.FORCE_VARIABLE, "docker")
    with pytest.raises(GraderError, match="expected bwrap, unshare or none"):
        sandbox_kind(SandboxPolicy())


def test_a_probe_runs_once_per_tool(monkeypatch: pytest.MonkeyPatch) -> None:
    probes: list[str] = []
    real = probe._probe

    def counted(kind: str, paths: dict[str, str | None]) -> str:
        probes.append(kind)
        return real(kind, paths)

    monkeypatch.setattr(probe, "_probed", {})
    monkeypatch.setattr(probe, "_probe", counted)
    for _ in range(3):
        sandbox_kind(SandboxPolicy(), prefer="unshare")
    assert probes == ["unshare"]


def test_a_tool_missing_from_path_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))

    with pytest.raises(SandboxUnavailable) as refused:
        sandbox_kind(SandboxPolicy(), prefer="unshare")

    assert "unshare: unshare" in str(refused.value) and "not found on PATH" in str(refused.value)
    assert sandbox_kind(SandboxPolicy(trust=True), prefer="unshare") == "trusted"
