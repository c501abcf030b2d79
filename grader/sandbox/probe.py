"""Which sandbox works on this machine: probed once per process, by running ``true`` in it."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from pathlib import Path

from grader.domain.errors import GraderError
from grader.sandbox.errors import INSTALL_HINT, SandboxUnavailable
from grader.sandbox.policy import SandboxPolicy
from grader.sandbox.run import run_in_sandbox

KINDS = ("bwrap", "unshare")
FORCE_VARIABLE = "GRADER_SANDBOX"
"""bwrap or unshare: use only that one; none: act as if neither worked (for tests and CI)."""
TOOLS = {"bwrap": ("bwrap",), "unshare": ("unshare", "setpriv", "prlimit")}

_lock = threading.Lock()
_probed: dict[tuple[str, tuple[str | None, ...]], str] = {}
"""(kind, the tools' paths) → "" when it works, else why not."""


def tool_paths(kind: str) -> dict[str, str | None]:
    return {name: shutil.which(name) for name in TOOLS[kind]}


def sandbox_kind(policy: SandboxPolicy, *, prefer: str | None = None) -> str:
    """``bwrap``, else ``unshare``, else ``trusted`` when the policy trusts the code; else refuse."""
    wanted = prefer or os.environ.get(FORCE_VARIABLE, "").strip() or None
    if wanted not in (None, "none", *KINDS):
        raise GraderError(f"{FORCE_VARIABLE}={wanted!r}: expected bwrap, unshare or none")
    order = () if wanted == "none" else (wanted,) if wanted else KINDS
    reasons = []
    for kind in order:
        why = why_not(kind)
        if not why:
            return kind
        reasons.append(f"{kind}: {why}")
    if wanted == "none":
        reasons.append(f"{FORCE_VARIABLE}=none")
    if policy.trust:
        return "trusted"
    raise SandboxUnavailable(
        f"refused to run the checks: no sandbox works here ({'; '.join(reasons)}); {INSTALL_HINT}"
    )


def why_not(kind: str) -> str:
    """ "" when ``kind`` runs a command here, else why not (cached per tool paths)."""
    paths = tool_paths(kind)
    key = (kind, tuple(paths.values()))
    with _lock:
        if key not in _probed:
            _probed[key] = _probe(kind, paths)
        return _probed[key]


def _probe(kind: str, paths: dict[str, str | None]) -> str:
    missing = [
        name for name, path in paths.items() if path is None and (name != "setpriv" or os.geteuid() == 0)
    ]
    if missing:
        return f"{', '.join(missing)} not found on PATH"
    with tempfile.TemporaryDirectory(prefix="grader-probe-") as empty:
        try:
            run = run_in_sandbox(Path(empty), ["true"], policy=SandboxPolicy(), kind=kind, timeout=30)
        except GraderError as exc:
            return str(exc)
    if run.exit_code != 0:
        return f"`true` ended with exit status {run.exit_code}: {run.stderr[-300:].decode(errors='replace')}"
    return ""
