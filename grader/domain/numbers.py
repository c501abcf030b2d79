"""Bounds on the numbers people type into rubrics and commands, so arithmetic stays sane."""

from __future__ import annotations

from decimal import Decimal

LIMIT = Decimal(1_000_000)
PLACES = 4


def number_problem(value: Decimal) -> str | None:
    """Why ``value`` is not a usable number of points, or None."""
    exponent = value.as_tuple().exponent
    if not value.is_finite() or not isinstance(exponent, int):
        return "expected a finite number"
    if value.copy_abs() > LIMIT:
        return f"expected a number from -{LIMIT:,} to {LIMIT:,}"
    if exponent < -PLACES and value != value.quantize(Decimal(1).scaleb(-PLACES)):
        return f"expected at most {PLACES} decimal places"
    return None
