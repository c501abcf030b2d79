"""Assignment 3: an analysis of daily weather in plain Python, with tests, a text chart and a report."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from grader.demo.outcomes import Work
from grader.demo.projects.common import Step
from grader.demo.projects.dataanalysis_text import (
    ANALYSIS,
    BOTTOM,
    CLEAN,
    HEADING,
    RAIN,
    REPORT,
    TESTS,
    WEEK_START,
)

CITIES = {
    "Boston": 24.0,
    "Montréal": 21.0,
    "Athens": 30.0,
    "Kraków": 20.0,
    "Hà Nội": 31.0,
    "Cairo": 34.0,
    "Shanghai": 29.0,
    "Lisbon": 27.0,
}
"""Cities and their typical daily maximum (°C) in early September."""


def _weather(rng: random.Random, typical: float, start: date, days: int) -> list[tuple[str, str, str, str]]:
    rows: list[tuple[str, str, str, str]] = []
    base = typical + rng.uniform(-2, 2)
    for offset in range(days):
        day = start + timedelta(days=offset)
        high = base - offset * 0.12 + rng.gauss(0, 3)
        low = high - rng.uniform(4, 11)
        rain = max(0.0, rng.gauss(-1, 4))
        row = (day.isoformat(), f"{high:.1f}", f"{low:.1f}", f"{rain:.1f}")
        if rng.random() < 0.05:
            row = (row[0], "", row[2], row[3])
        elif rng.random() < 0.02:
            row = (row[0], "999.0", row[2], row[3])
        rows.append(row)
    return rows


def _one(value: float) -> str:
    return str(Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_EVEN))


@dataclass(frozen=True)
class Analysis:
    """How this student's analysis.py behaves; every field names a variant in dataanalysis_text."""

    clean: str = "right"
    week_start: str = "monday"
    rain: str = "sum"
    bottom: str = "zero"
    tests: bool = True


EDGE_SLIPS = (
    Analysis(clean="freezing"),  # test_clean_keeps_freezing_days fails
    Analysis(clean="unordered"),  # test_clean_drops_a_minimum_above_the_maximum fails
    Analysis(rain="mean"),  # test_weekly_sums_precipitation fails
    Analysis(week_start="sunday"),  # test_weeks_start_on_monday fails
)
"""One student's slip on an edge case, each caught by one of their own tests."""
SHAKY = Analysis(clean="missing-only", week_start="sunday", rain="mean")
"""Four of the eight tests fail."""


def analysis_for(work: Work, rng: random.Random) -> Analysis:
    """The analysis a student with ``work`` writes (a loop is not among its slips: ENDLESS is SOLID)."""
    slip = EDGE_SLIPS[int(rng.random() * len(EDGE_SLIPS))]
    bottom = "truncated" if rng.random() < 0.2 else "zero"
    if work is Work.EDGE_SLIPS:
        return replace(slip, bottom=bottom)
    if work is Work.SHAKY:
        return replace(SHAKY, bottom=bottom)
    return Analysis(bottom=bottom, tests=work is not Work.UNTESTED)


def source(name: str, city: str, analysis: Analysis, *, labelled: bool) -> str:
    """analysis.py; its chart has a title and axis labels when ``labelled``."""
    return ANALYSIS.format(
        name=name,
        clean=CLEAN[analysis.clean],
        week_start=WEEK_START[analysis.week_start],
        rain=RAIN[analysis.rain],
        bottom=BOTTOM[analysis.bottom],
        heading=HEADING.format(city=city) if labelled else "",
    )


def steps(name: str, rng: random.Random, work: Work) -> list[Step]:
    """The analysis built in five steps (four without tests); the report's numbers come from the
    generated data, ``work`` decides what the student's tests find."""
    city = rng.choice(sorted(CITIES))
    start = date(2026, 9, 1)
    rows = _weather(rng, CITIES[city], start, 60)
    csv = "date,temp_max_c,temp_min_c,precipitation_mm\n" + "".join(",".join(r) + "\n" for r in rows)
    valid = [r for r in rows if r[1] and -60 <= float(r[1]) <= 60]
    highs = [float(r[1]) for r in valid]
    warmest = max(valid, key=lambda r: float(r[1]))
    report = REPORT.format(
        city=city,
        start=rows[0][0],
        end=rows[-1][0],
        name=name,
        mean_max=_one(sum(highs) / len(highs)),
        warmest=warmest[0],
        warmest_max=warmest[1],
        wet_days=sum(1 for r in valid if float(r[3]) > 0),
        days=len(valid),
        total_rain=_one(sum(float(r[3]) for r in valid)),
        removed=len(rows) - len(valid),
    )
    analysis = analysis_for(work, rng)
    requirements = "pytest>=8   # for the tests; the analysis itself needs only the standard library\n"
    work_steps = [
        Step("Add the weather data", {"data/weather.csv": csv, "requirements.txt": requirements}),
        Step("Load, clean and chart the data",
             {"analysis.py": source(name, city, analysis, labelled=False)}),
    ]  # fmt: skip
    if analysis.tests:
        work_steps.append(
            Step("Test cleaning, the weekly summary and the chart", {"tests/test_analysis.py": TESTS})
        )
    if rng.random() < 0.7:
        labelled = source(name, city, analysis, labelled=True)
        work_steps.append(Step("Label the chart", {"analysis.py": labelled}))
    return [*work_steps, Step("Write up the findings", {"REPORT.md": report})]
