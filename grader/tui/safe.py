"""The one way strings from students or repositories reach the screen: literal, controls visible.

Textual's Static, Label, notify, DataTable cells and Tree labels parse plain strings as markup
(which can carry ``[@click=app.quit]``) and keep ESC characters. Everything a student or a
repository wrote goes through :func:`safe_text` (one line) or :func:`safe_block` (several lines),
which return :class:`rich.text.Text`, never markup, with every C0/C1 control and bidi override
shown as a visible mark (the domain's ``printable``).
"""

from __future__ import annotations

from rich.text import Text

from grader.domain.text import printable

MAX_CHARS = 200_000
"""A block is cut here with a visible note (autograder output can be megabytes)."""
TRUNCATED = "\n[truncated: {shown:,} of {total:,} characters shown]"


def safe_plain(value: str, *, limit: int | None = None) -> str:
    """One line of plain text with controls (newlines included) made visible, optionally cut."""
    shown = printable(value)
    if limit is not None and len(shown) > limit:
        shown = shown[: max(limit - 1, 0)] + "…"
    return shown


def safe_text(value: str, *, style: str = "", limit: int | None = None) -> Text:
    """One line for a label, cell or tree node: literal text, never markup."""
    return Text(safe_plain(value, limit=limit), style=style, no_wrap=True, end="")


def safe_block(value: str, *, style: str = "", limit: int = MAX_CHARS) -> Text:
    """Several lines (file contents, autograder output): newlines kept, everything else visible.

    Carriage-return progress lines keep only what the terminal would have shown last.
    """
    total = len(value)
    cut = value[:limit]
    lines = [line.rsplit("\r", 1)[-1] if "\r" in line else line for line in cut.split("\n")]
    text = Text(printable("\n".join(lines), keep_newlines=True), style=style, end="")
    if total > limit:
        text.append(TRUNCATED.format(shown=limit, total=total), style="italic")
    return text


def has_bidi_controls(value: str) -> bool:
    """True when the text holds Unicode bidi overrides or isolates (Trojan Source)."""
    return any(ch in value for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
