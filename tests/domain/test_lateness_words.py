"""Lateness and its penalty worded once: "20h 19m late", "late penalty −6", the max_days marker."""

from __future__ import annotations

from decimal import Decimal

from grader.domain.course import LatePolicy
from grader.domain.lateness import beyond_max_days, beyond_max_days_text, late_text, penalty_text
from grader.domain.submission import DATED_BY_COMMIT_TIME, attention_flags, dated_by, graded_commit_words


def test_lateness_is_in_days_hours_and_minutes() -> None:
    shown = [late_text(m) for m in (None, 0, 9, 60, 1219, 1440, 3065)]
    assert shown == ["–", "on time", "9m late", "1h late", "20h 19m late", "1d late", "2d 3h 5m late"]


def test_the_penalty_has_one_wording() -> None:
    assert [penalty_text(Decimal(v)) for v in ("6", "2.5", "5.850")] == [
        "late penalty −6",
        "late penalty −2.5",
        "late penalty −5.85",
    ]


def test_past_max_days_is_marked() -> None:
    policy = LatePolicy(grace_minutes=15, penalty_per_day=Decimal("0.1"), max_days=3)
    assert not beyond_max_days(3 * 1440, policy) and beyond_max_days(3 * 1440 + 1, policy)
    assert not beyond_max_days(None, policy) and not beyond_max_days(10**6, LatePolicy())
    assert beyond_max_days_text(policy) == "scores 0: more than 3 days late"
    assert beyond_max_days_text(LatePolicy(max_days=1)) == "scores 0: more than 1 day late"


def test_the_basis_of_the_date_is_no_flag() -> None:
    flags = ("history rewritten", DATED_BY_COMMIT_TIME)
    assert attention_flags(flags) == ("history rewritten",)
    assert dated_by(flags, "c" * 40) == "dated by commit time"
    assert dated_by((), "c" * 40) == "dated by pull time"
    assert dated_by(flags, None) == ""
    words = graded_commit_words("c7ca76c12d" + "0" * 30, 1219, flags)
    assert words == "graded commit c7ca76c12d, 20h 19m late, dated by commit time"
