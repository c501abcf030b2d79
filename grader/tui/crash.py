"""Unexpected failures: the traceback to a file a user can send, a one-line message on screen."""

from __future__ import annotations

import os
import tempfile
import traceback
from datetime import UTC, datetime
from pathlib import Path


def crash_log(error: BaseException) -> Path:
    """Write the traceback where a user can send it (never on screen); where it went."""
    text = "".join(traceback.format_exception(error))
    folder = Path(os.environ.get("XDG_STATE_HOME", Path.home() / ".local" / "state")) / "grader"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"crash-{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}.log"
        path.write_text(text, encoding="utf-8")
        return path
    except OSError:
        handle, name = tempfile.mkstemp(prefix="grader-crash-", suffix=".log")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        return Path(name)


def internal_message(error: BaseException, log: Path) -> str:
    return f"internal error: {type(error).__name__}: {error}\ndetails are in {log}; please report it"
