"""How lateness and its penalty are worded, the same on every screen, command and export.

One unit for a duration ("20h 19m", "2d 3h 5m"); raw minutes only in machine output (JSON).
"""

from __future__ import annotations

from decimal import Decimal

from grader.domain.course import LatePolicy
from grader.domain.scoring import late_days

MINUTES_PER_HOUR = 60
MINUTES_PER_DAY = 24 * MINUTES_PER_HOUR
ON_TIME = "on time"
UNKNOWN = "–"
BEYOND_MAX_DAYS = "scores 0: "
"""How the marker of a submission past max_days begins (``beyond_max_days_text``)."""


def late_duration(minutes: int) -> str:
    """A number of minutes in days, hours and minutes: "45m", "20h 19m", "2d 3h 5m", "0m"."""
    days, rest = divmod(max(minutes, 0), MINUTES_PER_DAY)
    hours, mins = divmod(rest, MINUTES_PER_HOUR)
    parts = [f"{n}{unit}" for n, unit in ((days, "d"), (hours, "h"), (mins, "m")) if n]
    return " ".join(parts) or "0m"


def late_text(minutes: int | None) -> str:
    """How late a graded commit is: "20h 19m late", "on time", or "–" when not known."""
    if minutes is None:
        return UNKNOWN
    return f"{late_duration(minutes)} late" if minutes > 0 else ON_TIME


def penalty_text(penalty: Decimal) -> str:
    """The late penalty as every front end words it: "late penalty −6", "late penalty −2.5"."""
    shown = format(penalty.quantize(Decimal("0.01")).normalize(), "f")
    return f"late penalty −{shown}"


def beyond_max_days(minutes: int | None, policy: LatePolicy) -> bool:
    """Later than the policy's max_days: the submission scores 0 (it stays gradable)."""
    if not minutes or policy.max_days is None:
        return False
    return late_days(minutes, policy) > policy.max_days


def beyond_max_days_text(policy: LatePolicy) -> str:
    """The marker of a submission past max_days: "scores 0: more than 3 days late"."""
    days = policy.max_days
    return f"{BEYOND_MAX_DAYS}more than {days} day{'s' if days != 1 else ''} late"
