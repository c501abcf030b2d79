"""The Similarity screen's table of pairs (most similar first), its cells and the histogram over it."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable

from grader.gradebook.similarity import PairResult
from grader.tui.safe import safe_text
from grader.tui.widgets.histogram import histogram

COLUMNS = ("A", "B", "A %", "B %", "longest", "fragments", "verdict")
VERDICT_STYLES = {"confirmed": "bold red", "to discuss": "bold yellow", "dismissed": "dim"}
OUTLIER = Decimal("0.5")
"""Pairs at or above this similarity are counted as standing out in the title line."""


def percent(value: Decimal) -> str:
    return f"{round(value * 100)}%"


def verdict_cell(verdict: str | None) -> Text:
    if verdict is None:
        return Text("–", style="dim")
    return Text(verdict, style=VERDICT_STYLES.get(verdict, ""))


def pair_cells(pair: PairResult) -> list[Text]:
    """One pair's row: both labels (sanitised), both sides' similarity, its longest fragment."""
    strong = "bold" if pair.similarity >= OUTLIER else ""
    return [
        safe_text(pair.a, limit=30),
        safe_text(pair.b, limit=30),
        Text(percent(pair.similarity_a), style=strong),
        Text(percent(pair.similarity_b), style=strong),
        Text(f"{pair.longest_lines} lines"),
        Text(f"{pair.fragments}"),
        verdict_cell(pair.verdict),
    ]


def histogram_text(pairs: Sequence[PairResult]) -> Text:
    """Every pair's score as a histogram (0 % left, 100 % right), then how many stand out."""
    text = histogram([p.similarity for p in pairs], height=3)
    high = sum(1 for p in pairs if p.similarity >= OUTLIER)
    text.append(f"   {len(pairs):,} pairs · {high:,} at {percent(OUTLIER)} or more", style="bold")
    return text


class PairTable(DataTable[Text], inherit_bindings=False):
    """The pairs; `enter` belongs to the screen (shown on the key bar, remappable by id)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", "Previous", show=False, id="similarity.previous",
                tooltip="The pair above"),
        Binding("down,j", "cursor_down", "Next", show=False, id="similarity.next", tooltip="The pair below"),
        Binding("pageup", "page_up", "Page up", show=False, id="similarity.page_up",
                tooltip="A page of pairs up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="similarity.page_down",
                tooltip="A page of pairs down"),
        Binding("home", "scroll_top", "First", show=False, id="similarity.first",
                tooltip="The most similar pair"),
        Binding("end", "scroll_bottom", "Last", show=False, id="similarity.last",
                tooltip="The least similar pair"),
    ]  # fmt: skip
