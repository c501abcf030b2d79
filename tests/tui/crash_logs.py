"""The crash logs grader wrote during one test: every unexpected failure writes one (a worker's,
through the app's report_error; the UI's own, through the app's error_console)."""

from __future__ import annotations

from pathlib import Path


class CrashLogs:
    """The crash logs written during one test (grader writes one for every unexpected failure:
    a worker's, through report_error, or the UI's own, through the app's error_console)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def written(self) -> list[Path]:
        return sorted(self.folder.glob("crash-*.log"))

    def take(self) -> dict[Path, str]:
        """The crash logs a test expected (path: text), removed so the teardown check passes."""
        found = {path: path.read_text(encoding="utf-8") for path in self.written()}
        for path in found:
            path.unlink()
        return found
