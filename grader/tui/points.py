"""Points as the screens show them: exact, without trailing zeros (35, 2.5, -3)."""

from __future__ import annotations

from decimal import Decimal


def number(value: Decimal) -> str:
    """Points without trailing zeros: 35, 2.5, -3."""
    text = format(value.normalize(), "f")
    return text if text != "-0" else "0"
