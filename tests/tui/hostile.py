"""Helpers for TUI tests: a tiny app that mounts one screen and records navigation, a hostile
copy of the demo course (TERM-1…TERM-6 of security.md), and a walk over what is on screen."""

from __future__ import annotations

import csv
import io
import os
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from rich.segment import Segment
from textual.app import App
from textual.notifications import SeverityLevel
from textual.screen import Screen

from grader.domain.errors import GraderError
from grader.tui.crash import crash_log, internal_message

ESC = "\x1b"
BEL = "\x07"
MALLORY = "Mallory\x1b]0;PWNED\x07\x1b[2J"
BOB = "[bold red]Bob[/]"
EVE = "[@click=app.quit]Eve"
ANN = "Ann [/]"
HOSTILE_NAMES = (MALLORY, BOB, EVE, ANN)
"""TERM-1 and TERM-2: roster names, given to the first four students of the demo roster."""
LITERAL_NAMES = (BOB, EVE, ANN)
"""Names that must appear on screen exactly as written."""
BIDI_SOURCE = 'access = "user\u202e \u2066// admin\u2069 \u2066"  # looks harmless\n'
GIT_ERROR = (
    "fatal: unable to access 'https://mallory:s3cr3t-token@git.example/x.git/': \x1b[31mboom\x1b[0m\x07"
)
TOKEN = "s3cr3t-token"


class RecordingApp(App[None]):
    """A test app with GraderApp's public record of what it showed and its error funnel."""

    def __init__(self) -> None:
        super().__init__()
        self.messages_shown: list[tuple[str, str]] = []
        self.internal_errors: list[BaseException] = []

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        self.messages_shown.append((severity, message))
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def report_error(self, error: BaseException) -> None:
        """As GraderApp.report_error: a GraderError is a message, anything else a crash log too."""
        if isinstance(error, GraderError):
            self.notify(str(error), severity="error")
            return
        self.internal_errors.append(error)
        self.notify(internal_message(error, crash_log(error)), severity="error")


class Harness(RecordingApp):
    """Mounts one screen over a blank base screen and records what it asked the app to open."""

    def __init__(self, make_screen: Callable[[], Screen[Any]], *, size: tuple[int, int] = (120, 40)) -> None:
        super().__init__()
        self.make_screen = make_screen
        self.opened: list[tuple[str, tuple[object, ...], dict[str, object]]] = []

    def on_mount(self) -> None:
        self.push_screen(self.make_screen())

    def _record(self, what: str, *args: object, **kwargs: object) -> None:
        self.opened.append((what, args, kwargs))

    def open_submissions(self, assignment_id: str) -> None:
        self._record("submissions", assignment_id)

    def open_grading(
        self,
        assignment_id: str,
        student_id: str,
        *,
        criterion_id: str | None = None,
        by_criterion: bool = False,
    ) -> None:
        self._record(
            "grading", assignment_id, student_id, criterion_id=criterion_id, by_criterion=by_criterion
        )

    def open_student(self, student_id: str) -> None:
        self._record("student", student_id)

    def open_export(self, assignment_id: str | None = None) -> None:
        self._record("export", assignment_id)

    def start_pull(
        self, assignment_ids: Sequence[str] | None = None, student_ids: Sequence[str] | None = None
    ) -> None:
        self._record("pull", assignment_ids, student_ids)

    def when_open(self, what: str, action: Callable[[Any], object]) -> None:
        self._record("when_open", what)


# --- the hostile course ---------------------------------------------------------------------


def make_roster_hostile(root: Path) -> list[str]:
    """Give the first four roster students the hostile names; return their student ids."""
    path = root / "roster.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
        fields = list(rows[0])
    for row, name in zip(rows, HOSTILE_NAMES, strict=False):
        row["name"] = name
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return [row["student_id"] for row in rows[: len(HOSTILE_NAMES)]]


LONG_NAME = b"d" * 60 + b"/" + b"x" * 250
"""A 311-character path (one name may hold at most 255 bytes on Linux: 300 fit only in a path)."""
HOSTILE_FILES: dict[bytes, bytes] = {
    b"esc\x1b[31mred\x1b[0m.py": b"print('escape in my name')\n",
    b"new\nline.py": b"print('newline in my name')\n",
    b"bad-\xff\xfe-utf8.py": b"print('invalid utf-8 in my name')\n",
    LONG_NAME: b"a very long name\n",
    b"trojan.py": BIDI_SOURCE.encode("utf-8"),
    b"term.txt": b"colours \x1b[31mred\x1b[0m, a title \x1b]0;PWNED\x07, a bell \x07\n",
}


def make_checkout_hostile(checkout: Path) -> list[bytes]:
    """Add files with hostile names and contents, and a symlink to /etc/passwd, to a checkout."""
    base = os.fsencode(checkout)
    names = []
    for name, content in HOSTILE_FILES.items():
        path = os.path.join(base, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(content)
        names.append(name)
    link = os.path.join(base, b"passwd-link")
    if not os.path.lexists(link):
        os.symlink("/etc/passwd", link)
    names.append(b"passwd-link")
    return names


def huge_output(megabytes: int = 10) -> str:
    """Autograder-like output: colours, carriage-return progress, an OSC 8 link, ``megabytes`` long."""
    line = "\x1b[32mPASSED\x1b[0m test_x \r 42%\r100% \x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\\n"
    return line * (megabytes * 1_000_000 // len(line) + 1)


# --- what is on screen ----------------------------------------------------------------------


def is_control(char: str) -> bool:
    """C0, DEL, C1, or a Unicode format/bidi control (Cf): nothing a terminal should receive raw."""
    code = ord(char)
    if code < 0x20 or code == 0x7F or 0x80 <= code < 0xA0:
        return True
    return unicodedata.category(char) == "Cf" and char not in "\u200d"  # ZWJ joins emoji


def screen_segments(app: App[Any]) -> Iterator[Segment]:
    """Every segment of every line the current screen renders, as it goes to the terminal."""
    for strip in app.screen._compositor.render_strips():
        yield from strip


def screen_lines(app: App[Any]) -> list[str]:
    """The current screen as plain text, one string per terminal row."""
    return ["".join(segment.text for segment in strip) for strip in app.screen._compositor.render_strips()]


def control_chars(app: App[Any]) -> list[tuple[str, str]]:
    """(segment text, control) for every control character in a rendered segment of the screen."""
    found = []
    for segment in screen_segments(app):
        found += [(segment.text, char) for char in segment.text if is_control(char)]
    return found
