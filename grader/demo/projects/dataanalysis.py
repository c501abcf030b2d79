"""Assignment 3: a pandas analysis of daily weather, with tests, a chart and a report."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from grader.demo.projects.common import Step

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

ANALYSIS = '''\
"""Daily weather: clean the data, summarise it per week and plot the temperatures.

Author: {name}
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

DATA = Path(__file__).parent / "data" / "weather.csv"
FIGURES = Path(__file__).parent / "figures"


def load(path: Path = DATA) -> pd.DataFrame:
    """Read the CSV with parsed dates."""
    return pd.read_csv(path, parse_dates=["date"])


def clean(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop rows without a temperature and readings outside a plausible range."""
    frame = frame.dropna(subset=["temp_max_c", "temp_min_c"])
    plausible = frame["temp_max_c"].between(-60, 60) & frame["temp_min_c"].between(-60, 60)
    return frame[plausible & (frame["temp_min_c"] <= frame["temp_max_c"])]


def weekly(frame: pd.DataFrame) -> pd.DataFrame:
    """Mean temperatures and total precipitation per week."""
    return frame.resample("W", on="date").agg(
        temp_max_c=("temp_max_c", "mean"),
        temp_min_c=("temp_min_c", "mean"),
        precipitation_mm=("precipitation_mm", "sum"),
    )


def plot(summary: pd.DataFrame) -> Path:
    """Save a line chart of the weekly temperatures."""
    FIGURES.mkdir(exist_ok=True)
    axes = summary[["temp_max_c", "temp_min_c"]].plot(marker="o")
{labels}    target = FIGURES / "weekly_temperatures.png"
    plt.savefig(target, dpi=120, bbox_inches="tight")
    return target


if __name__ == "__main__":
    summary = weekly(clean(load()))
    print(summary.round(1).to_string())
    print(f"saved {{plot(summary)}}")
'''

LABELS = """\
    axes.set_xlabel("Week")
    axes.set_ylabel("Temperature (°C)")
    axes.set_title("Weekly mean temperatures, {city}")
"""

TESTS = '''\
"""Tests for the cleaning and weekly summary."""

import pandas as pd

from analysis import clean, weekly


def frame(rows):
    data = pd.DataFrame(rows, columns=["date", "temp_max_c", "temp_min_c", "precipitation_mm"])
    data["date"] = pd.to_datetime(data["date"])
    return data


def test_clean_drops_missing_and_impossible_rows():
    rows = [("2026-10-05", 20, 10, 0), ("2026-10-06", None, 9, 1), ("2026-10-07", 99, 8, 0)]
    assert len(clean(frame(rows))) == 1


def test_weekly_sums_precipitation():
    rows = [("2026-10-05", 20, 10, 1.5), ("2026-10-06", 22, 12, 2.5)]
    assert weekly(frame(rows))["precipitation_mm"].iloc[0] == 4.0
'''

REPORT = """\
# Weather in {city}, {start} to {end}

By {name}.

## Findings

- The mean daily maximum was **{mean_max} °C**; the warmest day was {warmest} ({warmest_max} °C).
- It rained on {wet_days} of {days} days, {total_rain} mm in total.
- Weekly means are in `figures/weekly_temperatures.png` (run `python analysis.py`).

## Limitations

{removed} readings were missing or implausible and were dropped, so some weeks rest on fewer days.
The data come from a single station.
"""


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


def steps(name: str, rng: random.Random) -> list[Step]:
    """The analysis built in five steps; the report's numbers come from the generated data."""
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
    requirements = "pandas>=2.2\nmatplotlib>=3.9\npytest>=8\n"
    work = [
        Step("Add the weather data", {"data/weather.csv": csv, "requirements.txt": requirements}),
        Step("Load, clean and plot the data", {"analysis.py": ANALYSIS.format(name=name, labels="")}),
        Step("Test cleaning and the weekly summary", {"tests/test_analysis.py": TESTS}),
    ]
    if rng.random() < 0.7:
        labels = LABELS.format(city=city)
        work.append(Step("Label the chart", {"analysis.py": ANALYSIS.format(name=name, labels=labels)}))
    return [*work, Step("Write up the findings", {"REPORT.md": report})]
