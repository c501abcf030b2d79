"""Unexpected failures: the traceback to a file a user can send, a one-line message on screen."""

from __future__ import annotations

import io
import os
import tempfile
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO


def crash_folder() -> Path:
    return Path(os.environ.get("XDG_STATE_HOME", Path.home() / ".local" / "state")) / "grader"


def new_crash_log() -> tuple[Path, TextIO]:
    """A new, empty crash log open for writing (in the temporary folder when the state folder
    cannot be written)."""
    folder = crash_folder()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"crash-{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}.log"
        # private: a traceback quotes student names, paths and SQL parameters
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
        return path, os.fdopen(handle, "w", encoding="utf-8")
    except OSError:
        handle, name = tempfile.mkstemp(prefix="grader-crash-", suffix=".log")
        return Path(name), os.fdopen(handle, "w", encoding="utf-8")


def crash_log(error: BaseException) -> Path:
    """Write the traceback where a user can send it (never on screen); where it went."""
    path, out = new_crash_log()
    with out:
        out.write("".join(traceback.format_exception(error)))
    return path


SHOWN_CHARACTERS = 200
"""Of an unexpected error's text, what the one-line message shows (the whole text is in the log)."""


def internal_message(error: BaseException, log: Path) -> str:
    """One line of what failed (a database error's SQL and parameters stay in the log)."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    if len(text) > SHOWN_CHARACTERS:
        text = text[: SHOWN_CHARACTERS - 1] + "…"
    return f"internal error: {type(error).__name__}: {text}\ndetails are in {log}; please report it"


class CrashLogWriter(io.StringIO):
    """A text file that becomes a crash log on its first write: the app's ``error_console``
    writes here the traceback Textual would print to the terminal when the UI itself fails."""

    def __init__(self) -> None:
        super().__init__()
        self.path: Path | None = None
        """The crash log, once something was written."""

    def write(self, text: str, /) -> int:
        if not text:
            return 0
        if self.path is None:
            self.path, out = new_crash_log()
            out.close()
        with self.path.open("a", encoding="utf-8") as out:
            out.write(text)
        return len(text)

    def isatty(self) -> bool:
        return False
