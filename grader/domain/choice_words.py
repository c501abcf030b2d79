"""A criterion choice in words, as the log, the CLI's errors and the conflict dialog say it."""

from __future__ import annotations

from decimal import Decimal

from grader.domain.choices import CriterionChoice

NOTHING = "–"
"""An empty choice: nothing chosen, no adjustment, no comment."""


def points_text(value: Decimal) -> str:
    """Points without trailing zeros: 35, 2.5, -3."""
    text = format(value.normalize(), "f")
    return text if text != "-0" else "0"


def scored_words(choice: CriterionChoice) -> str:
    """What was chosen, without adjustment or comment: "Proficient", "Dead code, Bare except",
    "no item applies", "12 points"; empty when nothing is scored."""
    if choice.level is not None:
        return choice.level
    if choice.items is not None:
        return ", ".join(choice.items) or "no item applies"
    if choice.points is not None:
        return f"{points_text(choice.points)} points"
    return ""


def describe_choice(choice: CriterionChoice) -> str:
    """The whole choice on one line: "Proficient; adjusted -2: divide by zero; comment: tidy"."""
    parts = [scored_words(choice)] if choice.is_scored else []
    if choice.adjustment:
        parts.append(f"adjusted {points_text(choice.adjustment)}: {choice.adjustment_comment}")
    if choice.comment:
        parts.append(f"comment: {choice.comment}")
    return "; ".join(parts) or NOTHING
