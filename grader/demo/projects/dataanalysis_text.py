"""The text of the demo weather analyses: analysis.py in its variants, the tests and the report.

Only the standard library (csv, statistics, datetime), so the tests run in any Python that has
pytest. ANALYSIS and REPORT are format strings (their literal braces are doubled); the variants
are keyed by the field values of ``dataanalysis.Analysis``.
"""

from __future__ import annotations

ANALYSIS = '''\
"""Daily weather: clean the data, summarise it per week and chart the temperatures.

Author: {name}
"""

from __future__ import annotations

import csv
import statistics
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

DATA = Path(__file__).parent / "data" / "weather.csv"
CHART = Path(__file__).parent / "figures" / "weekly_temperatures.txt"
LOWEST, HIGHEST = -60.0, 60.0
"""Readings outside this range (°C) are recording errors, not weather."""


@dataclass(frozen=True)
class Reading:
    day: date
    temp_max_c: float | None
    temp_min_c: float | None
    precipitation_mm: float


@dataclass(frozen=True)
class Week:
    start: date
    temp_max_c: float
    temp_min_c: float
    precipitation_mm: float


def number(text):
    """A float, or None for a blank cell."""
    return float(text) if text.strip() else None


def read(lines):
    """Readings from CSV lines with a header row: dates parsed, blank temperatures as None."""
    return [
        Reading(
            day=date.fromisoformat(row["date"]),
            temp_max_c=number(row["temp_max_c"]),
            temp_min_c=number(row["temp_min_c"]),
            precipitation_mm=number(row["precipitation_mm"]) or 0.0,
        )
        for row in csv.DictReader(lines)
    ]


def load(path=DATA):
    with open(path, encoding="utf-8", newline="") as lines:
        return read(lines)


def clean(readings):
    """Drop readings without a temperature, outside the plausible range, or with min above max."""
{clean}

def weekly(readings):
    """Mean temperatures and total precipitation per week."""
    weeks = {{}}
    for reading in readings:
{week_start}        weeks.setdefault(start, []).append(reading)
    return [
        Week(
            start=start,
            temp_max_c=statistics.fmean(r.temp_max_c for r in days),
            temp_min_c=statistics.fmean(r.temp_min_c for r in days),
            precipitation_mm={rain}(r.precipitation_mm for r in days),
        )
        for start, days in sorted(weeks.items())
    ]


def chart(weeks, width=40):
    """A text bar chart of the weekly mean maximum temperature, one bar per week."""
    top = max(week.temp_max_c for week in weeks)
{bottom}    lines = [{heading}]
    for week in weeks:
        length = round(width * (week.temp_max_c - bottom) / ((top - bottom) or 1))
        lines.append(f"{{week.start}}  {{week.temp_max_c:5.1f}}  {{'█' * length}}")
    return lines


if __name__ == "__main__":
    summary = weekly(clean(load()))
    for week in summary:
        print(
            f"{{week.start}}  max {{week.temp_max_c:5.1f}}  min {{week.temp_min_c:5.1f}}"
            f"  rain {{week.precipitation_mm:5.1f}} mm"
        )
    CHART.parent.mkdir(exist_ok=True)
    CHART.write_text("\\n".join(chart(summary)) + "\\n", encoding="utf-8")
    print(f"saved {{CHART.name}}")
'''

CLEAN = {
    "right": """\
    kept = []
    for reading in readings:
        if reading.temp_max_c is None or reading.temp_min_c is None:
            continue
        if LOWEST <= reading.temp_min_c <= reading.temp_max_c <= HIGHEST:
            kept.append(reading)
    return kept
""",
    "freezing": """\
    kept = []
    for reading in readings:
        if reading.temp_max_c is None or reading.temp_min_c is None:
            continue
        if 0 <= reading.temp_min_c <= reading.temp_max_c <= HIGHEST:
            kept.append(reading)
    return kept
""",
    "unordered": """\
    kept = []
    for reading in readings:
        if reading.temp_max_c is None or reading.temp_min_c is None:
            continue
        if LOWEST <= reading.temp_min_c <= HIGHEST and LOWEST <= reading.temp_max_c <= HIGHEST:
            kept.append(reading)
    return kept
""",
    "missing-only": """\
    return [r for r in readings if r.temp_max_c is not None and r.temp_min_c is not None]
""",
}
"""clean(): right; dropping every day below 0 °C; keeping a minimum above the maximum; or
dropping only the blank cells."""

WEEK_START = {
    "monday": "        start = reading.day - timedelta(days=reading.day.weekday())\n",
    "sunday": "        start = reading.day - timedelta(days=(reading.day.weekday() + 1) % 7)\n",
}

RAIN = {"sum": "sum", "mean": "statistics.fmean"}

BOTTOM = {
    "zero": "    bottom = min(0.0, min(week.temp_max_c for week in weeks))\n",
    "truncated": "    bottom = min(week.temp_max_c for week in weeks) - 1\n",
}
"""Where the bars start: at 0 °C (or below), or just under the coldest week (a misleading scale)."""

HEADING = (
    '\n        "Weekly mean maximum temperature, {city} (°C)",\n'
    '        f"week of     °C    bars from {{bottom:.0f}} °C to {{top:.0f}} °C",\n    '
)

TESTS = '''\
"""Tests for reading, cleaning, the weekly summary and the chart."""

import io
from datetime import date

from analysis import Reading, chart, clean, read, weekly

CSV = "date,temp_max_c,temp_min_c,precipitation_mm\\n2026-10-05,20.5,10.0,0.0\\n2026-10-06,,9.0,1.2\\n"


def reading(day, high, low, rain=0.0):
    return Reading(date.fromisoformat(day), high, low, rain)


def test_read_parses_dates_and_blank_cells():
    rows = read(io.StringIO(CSV))
    assert rows[0].day == date(2026, 10, 5) and rows[0].temp_max_c == 20.5
    assert rows[1].temp_max_c is None and rows[1].precipitation_mm == 1.2


def test_clean_drops_missing_and_impossible_rows():
    rows = [reading("2026-10-05", 20, 10), reading("2026-10-06", None, 9), reading("2026-10-07", 99, 8)]
    assert len(clean(rows)) == 1


def test_clean_keeps_freezing_days():
    assert len(clean([reading("2026-10-05", 2.5, -3.0)])) == 1


def test_clean_drops_a_minimum_above_the_maximum():
    assert clean([reading("2026-10-05", 10, 12)]) == []


def test_weekly_sums_precipitation():
    rows = [reading("2026-10-05", 20, 10, 1.5), reading("2026-10-06", 22, 12, 2.5)]
    assert weekly(rows)[0].precipitation_mm == 4.0


def test_weekly_means_temperatures():
    week = weekly([reading("2026-10-05", 20, 10), reading("2026-10-06", 22, 12)])[0]
    assert (week.temp_max_c, week.temp_min_c) == (21, 11)


def test_weeks_start_on_monday():
    rows = [reading("2026-10-04", 20, 10), reading("2026-10-05", 22, 12)]  # a Sunday, then a Monday
    assert [week.start for week in weekly(rows)] == [date(2026, 9, 28), date(2026, 10, 5)]


def test_chart_has_a_bar_per_week():
    rows = [reading("2026-10-05", 20, 10), reading("2026-10-12", 15, 5)]
    assert sum("█" in line for line in chart(weekly(rows))) == 2
'''

REPORT = """\
# Weather in {city}, {start} to {end}

By {name}.

## Findings

- The mean daily maximum was **{mean_max} °C**; the warmest day was {warmest} ({warmest_max} °C).
- It rained on {wet_days} of {days} days, {total_rain} mm in total.
- Weekly means are charted in `figures/weekly_temperatures.txt` (run `python analysis.py`).

## Limitations

{removed} readings were missing or implausible and were dropped, so some weeks rest on fewer days.
The data come from a single station.
"""
