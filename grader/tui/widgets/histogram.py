"""Text-drawn charts with block characters: a progress bar and a score histogram."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from rich.text import Text

EIGHTHS = " ▁▂▃▄▅▆▇█"
BINS = 10


def progress_line(done: int, total: int, *, width: int = 30) -> Text:
    """``█████░░░░░  12 / 36`` : how much of ``total`` is done."""
    filled = 0 if total <= 0 else round(width * min(done, total) / total)
    line = Text()
    line.append("█" * filled, style="green")
    line.append("░" * (width - filled), style="dim")
    percent = 0 if total <= 0 else round(100 * done / total)
    line.append(f" {percent:>3}%")
    return line


def score_bins(fractions: Iterable[Decimal | float], bins: int = BINS) -> list[int]:
    """How many scores fall in each tenth of the maximum (a perfect score counts in the top bin)."""
    counts = [0] * bins
    for fraction in fractions:
        clamped = min(max(float(fraction), 0.0), 1.0)
        counts[min(int(clamped * bins), bins - 1)] += 1
    return counts


def histogram_lines(counts: Sequence[int], *, height: int = 3, bar_width: int = 2) -> list[str]:
    """Vertical bars, ``height`` rows tall, in eighths of a cell; the tallest bar fills them all."""
    peak = max(counts, default=0)
    rows: list[str] = []
    for row in range(height - 1, -1, -1):
        cells = []
        for count in counts:
            eighths = 0 if peak == 0 else round(count * height * 8 / peak)
            if count and not eighths:
                eighths = 1  # a bar that exists is never drawn as nothing
            level = min(max(eighths - row * 8, 0), 8)
            cells.append(EIGHTHS[level] * bar_width)
        rows.append(" ".join(cells))
    return rows


def histogram(fractions: Iterable[Decimal | float], *, height: int = 3) -> Text:
    """The score histogram of one assignment, with its axis: 0 % on the left, 100 % on the right."""
    return bins_histogram(score_bins(fractions), height=height)


def bins_histogram(bins: Sequence[int], *, height: int = 3) -> Text:
    """The score histogram from its bin counts, with its axis (0 % to 100 %)."""
    text = Text(no_wrap=True)
    for line in histogram_lines(bins, height=height):
        text.append(line + "\n", style="cyan")
    axis_width = len(bins) * 3 - 1
    text.append("0%".ljust(axis_width - 4) + "100%", style="dim")
    return text
