"""Moments typed by a person: a date or a date and time, with or without a UTC offset."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class TypedMoment:
    moment: datetime
    assumed: str
    """What was assumed to read it ("" when the text said everything): the offset, the time."""


def moment_near(text: str, reference: datetime) -> TypedMoment | None:
    """``text`` as an instant: without an offset it is read in ``reference``'s (a deadline's),
    and a date alone at ``reference``'s time of day; None when it is neither a date nor a date
    and time (ISO 8601)."""
    cleaned = text.strip()
    try:
        moment = datetime.fromisoformat(cleaned)
    except ValueError:
        return None
    if moment.tzinfo is not None:
        return TypedMoment(moment, "")
    offset = reference.strftime("%z")
    shown = f"{offset[:3]}:{offset[3:]}" if offset else "UTC"
    if _is_date_only(cleaned):
        at = reference.timetz()
        assumed = f"at the deadline's time {at.strftime('%H:%M')}, in its UTC offset {shown}"
        return TypedMoment(datetime.combine(moment.date(), at), assumed)
    return TypedMoment(moment.replace(tzinfo=reference.tzinfo), f"in the deadline's UTC offset {shown}")


def _is_date_only(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True
