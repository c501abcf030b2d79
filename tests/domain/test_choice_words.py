"""The one wording of a choice, with and without its criterion."""

from __future__ import annotations

from decimal import Decimal

from grader.domain.choice_words import NOTHING, describe_choice, scored_words
from grader.domain.choices import CriterionChoice
from grader.domain.rubric import ChecklistItem, Criterion, CriterionKind, Level

D = Decimal
LEVELS = Criterion(
    "correctness",
    "Correct",
    CriterionKind.LEVELS,
    levels=(Level("Proficient", D(28)), Level("Missing", D(0))),
)
QUALITY = Criterion(
    "quality",
    "Quality",
    CriterionKind.CHECKLIST,
    points=D(20),
    items=(ChecklistItem("Unclear names", D(-3)), ChecklistItem("Dead code", D(-5))),
)
POINTS = Criterion("report", "Report", CriterionKind.POINTS, points=D(20))


def test_with_the_criterion_a_choice_says_its_points() -> None:
    assert describe_choice(CriterionChoice(level="Proficient"), LEVELS) == "Proficient (28)"
    both = CriterionChoice(items=("Unclear names", "Dead code"))
    assert describe_choice(both, QUALITY) == "2 items: Unclear names, Dead code (−8)"
    assert describe_choice(CriterionChoice(items=("Dead code",)), QUALITY) == "1 item: Dead code (−5)"
    assert describe_choice(CriterionChoice(points=D("12.0")), POINTS) == "12 points"
    adjusted = CriterionChoice(level="Missing", adjustment=D(2), adjustment_comment="reason")
    assert describe_choice(adjusted, LEVELS) == "Missing (0); +2 adjusted: reason"


def test_without_the_criterion_it_says_what_the_choice_alone_says() -> None:
    assert describe_choice(CriterionChoice(level="Proficient")) == "Proficient"
    assert describe_choice(CriterionChoice(items=("A", "B"))) == "2 items: A, B"
    assert describe_choice(CriterionChoice(items=())) == "no item applies"
    lowered = CriterionChoice(adjustment=D("-2.50"), adjustment_comment="late fix", comment="tidy")
    assert describe_choice(lowered) == "−2.5 adjusted: late fix; comment: tidy"
    assert describe_choice(CriterionChoice(adjustment=D(1))) == "+1 adjusted"
    assert describe_choice(CriterionChoice()) == NOTHING


def test_a_label_the_criterion_no_longer_has_is_named_without_points() -> None:
    assert describe_choice(CriterionChoice(level="Outstanding"), LEVELS) == "Outstanding"
    assert describe_choice(CriterionChoice(items=("Gone",)), QUALITY) == "1 item: Gone"
    assert scored_words(CriterionChoice(items=("A", "B"))) == "A, B", (
        "a rubric change's causes quote labels bare"
    )
