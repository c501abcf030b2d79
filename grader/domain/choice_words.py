"""A criterion choice in words, the one wording every front end uses: the log, ``status``, the
undo and moderation lines, feedback pages, the conflict words and the TUI's dialogs.

With the criterion: "Proficient (28)", "2 items: Unclear names, Dead code (−8)", "12 points",
"+2 adjusted: reason"; without it, what the choice alone says ("Proficient", "2 items: Unclear
names, Dead code"). Parts are joined with "; "; an empty choice is "–".
"""

from __future__ import annotations

from decimal import Decimal

from grader.domain.choices import CriterionChoice
from grader.domain.rubric import Criterion, CriterionKind

NOTHING = "–"
"""An empty choice: nothing chosen, no adjustment, no comment."""
MINUS = "−"


def points_text(value: Decimal) -> str:
    """Points without trailing zeros: 35, 2.5, -3."""
    text = format(value.normalize(), "f")
    return text if text != "-0" else "0"


def signed_text(value: Decimal) -> str:
    """Points with their sign, a true minus: +2, −8, 0."""
    if value > 0:
        return f"+{points_text(value)}"
    if value < 0:
        return f"{MINUS}{points_text(-value)}"
    return "0"


def scored_words(choice: CriterionChoice) -> str:
    """What was chosen, bare, as a rubric change's causes quote it: "Proficient", "Dead code,
    Bare except", "no item applies", "12 points"; empty when nothing is scored."""
    if choice.items is not None:
        return ", ".join(choice.items) or "no item applies"
    return chosen_words(choice)


def chosen_words(choice: CriterionChoice, criterion: Criterion | None = None) -> str:
    """What was chosen, without adjustment or comment: "Proficient (28)", "2 items: Dead code,
    Bare except (−8)", "no item applies", "12 points"; empty when nothing is scored."""
    if choice.level is not None:
        level = criterion.level(choice.level) if criterion is not None else None
        return choice.level if level is None else f"{choice.level} ({points_text(level.points)})"
    if choice.items is not None:
        return _items_words(choice.items, criterion)
    if choice.points is not None:
        return f"{points_text(choice.points)} points"
    return ""


def _items_words(labels: tuple[str, ...], criterion: Criterion | None) -> str:
    if not labels:
        return "no item applies"
    words = f"{len(labels)} item{'' if len(labels) == 1 else 's'}: {', '.join(labels)}"
    if criterion is None or criterion.kind is not CriterionKind.CHECKLIST:
        return words
    found = [item.points for label in labels if (item := criterion.item(label)) is not None]
    return f"{words} ({signed_text(sum(found, Decimal(0)))})" if len(found) == len(labels) else words


def adjustment_words(choice: CriterionChoice) -> str:
    """ "+2 adjusted: reason", "−3 adjusted"; empty without an adjustment."""
    if not choice.adjustment:
        return ""
    words = f"{signed_text(choice.adjustment)} adjusted"
    return f"{words}: {choice.adjustment_comment}" if choice.adjustment_comment else words


def describe_choice(choice: CriterionChoice, criterion: Criterion | None = None) -> str:
    """The whole choice on one line: "Proficient (28); −2 adjusted: divide by zero; comment: tidy"."""
    parts = [chosen_words(choice, criterion), adjustment_words(choice)]
    if choice.comment:
        parts.append(f"comment: {choice.comment}")
    return "; ".join(part for part in parts if part) or NOTHING
