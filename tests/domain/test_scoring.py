from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grader.domain.choices import CriterionChoice
from grader.domain.course import LatePolicy
from grader.domain.events import AutogradeScore, SubmissionGrade
from grader.domain.rubric import ChecklistItem, Criterion, CriterionKind, Level, Rubric
from grader.domain.scoring import (
    IncompatibleChoice,
    Merged,
    Scorer,
    effective_choices,
    is_final,
    is_override,
    late_days,
    minutes_late,
    penalty_fraction,
    score_criterion,
    score_submission,
)

D = Decimal
LEVELS = Criterion(
    "correctness",
    "Correct",
    CriterionKind.LEVELS,
    levels=(Level("Exemplary", D(40)), Level("Proficient", D(30)), Level("Missing", D(0))),
)
DEDUCT = Criterion(
    "style",
    "Style",
    CriterionKind.CHECKLIST,
    points=D(20),
    items=(ChecklistItem("Names", D(-5)), ChecklistItem("Docs", D("-7.5")), ChecklistItem("Dead", D(-13))),
)
ADD = Criterion(
    "extras",
    "Extras",
    CriterionKind.CHECKLIST,
    points=D(10),
    items=(ChecklistItem("README", D(4)), ChecklistItem("CI", D(8))),
)
AUTO = Criterion("tests", "Tests", CriterionKind.AUTOGRADED, points=D(20))
RUBRIC = Rubric("calc", "Calc", {}, (LEVELS, DEDUCT, ADD, AUTO))
POLICY = LatePolicy(grace_minutes=15, penalty_per_day=D("0.1"), max_days=3)


def test_levels_score_the_chosen_level() -> None:
    assert score_criterion(LEVELS, CriterionChoice(level="Proficient")) == 30
    assert score_criterion(LEVELS, CriterionChoice()) is None


def test_deductions_start_at_the_maximum_and_clamp_at_zero() -> None:
    assert score_criterion(DEDUCT, CriterionChoice(items=())) == 20
    assert score_criterion(DEDUCT, CriterionChoice(items=("Names", "Docs"))) == D("7.5")
    assert score_criterion(DEDUCT, CriterionChoice(items=("Names", "Docs", "Dead"))) == 0


def test_additions_start_at_zero_and_clamp_at_the_maximum() -> None:
    assert score_criterion(ADD, CriterionChoice(items=())) == 0
    assert score_criterion(ADD, CriterionChoice(items=("README",))) == 4
    assert score_criterion(ADD, CriterionChoice(items=("README", "CI"))) == 10


def test_adjustments_apply_before_clamping() -> None:
    assert score_criterion(LEVELS, CriterionChoice(level="Proficient", adjustment=D("2.5"))) == D("32.5")
    assert score_criterion(LEVELS, CriterionChoice(level="Exemplary", adjustment=D(5))) == 40
    assert score_criterion(LEVELS, CriterionChoice(level="Missing", adjustment=D(-5))) == 0


def test_decimal_arithmetic_is_exact() -> None:
    thirds = Criterion(
        "t",
        "T",
        CriterionKind.CHECKLIST,
        points=D("0.3"),
        items=(ChecklistItem("a", D("0.1")), ChecklistItem("b", D("0.2"))),
    )
    rubric = Rubric("r", "R", {}, (thirds,))
    assert score_submission(rubric, {"t": CriterionChoice(items=("a", "b"))}).total == D("0.3")


def test_minutes_late_rounds_up_and_respects_extensions() -> None:
    deadline = datetime(2026, 10, 1, 23, 59, tzinfo=UTC)
    assert minutes_late(deadline, deadline) == 0
    assert minutes_late(deadline + timedelta(seconds=1), deadline) == 1
    assert minutes_late(deadline + timedelta(hours=2), deadline, deadline + timedelta(days=1)) == 0
    assert minutes_late(deadline + timedelta(days=2), deadline, deadline + timedelta(days=1)) == 1440


def test_late_policy_grace_per_day_and_max_days() -> None:
    assert penalty_fraction(15, POLICY) == 0
    assert late_days(16, POLICY) == 1
    assert penalty_fraction(16, POLICY) == D("0.1")
    assert penalty_fraction(1440, POLICY) == D("0.1")
    assert penalty_fraction(1441, POLICY) == D("0.2")
    assert penalty_fraction(3 * 1440, POLICY) == D("0.3")
    assert penalty_fraction(3 * 1440 + 1, POLICY) == 1
    assert penalty_fraction(None, POLICY) == 0


def test_a_late_submission_loses_its_fraction_and_stays_gradable() -> None:
    choices = {"correctness": CriterionChoice(level="Exemplary"), "style": CriterionChoice(items=())}
    on_time = score_submission(RUBRIC, choices, 0, POLICY)
    late = score_submission(RUBRIC, choices, 2000, POLICY)
    too_late = score_submission(RUBRIC, choices, 10_000, POLICY)
    assert (on_time.total, late.total, late.penalty, too_late.total) == (60, 48, 12, 0)
    assert too_late.subtotal == 60


def test_complete_means_every_manual_criterion_is_scored() -> None:
    partial = {"correctness": CriterionChoice(level="Exemplary"), "style": CriterionChoice(items=())}
    assert not score_submission(RUBRIC, partial).complete
    partial["extras"] = CriterionChoice(items=())
    assert score_submission(RUBRIC, partial).complete
    assert score_submission(RUBRIC, partial).max_score == 90


def test_final_means_every_criterion_scored_the_autograded_one_included() -> None:
    manual = {
        "correctness": CriterionChoice(level="Exemplary"),
        "style": CriterionChoice(items=()),
        "extras": CriterionChoice(items=()),
    }
    pending = score_submission(RUBRIC, manual)
    assert (pending.complete, pending.final) == (True, False)
    overridden = score_submission(RUBRIC, {**manual, "tests": CriterionChoice(points=D(0))})
    assert (overridden.complete, overridden.final, overridden.total) == (True, True, 60)
    assert not score_submission(RUBRIC, {"tests": CriterionChoice(points=D(20))}).final
    assert is_final([D(1), D(0)]) and not is_final([D(1), None])
    assert is_final([None], excused=True), "an excused submission is final without scores"


decimals = st.decimals(min_value=-50, max_value=50, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def criteria(draw: st.DrawFn) -> Criterion:
    kind = draw(st.sampled_from([CriterionKind.LEVELS, CriterionKind.CHECKLIST]))
    if kind is CriterionKind.LEVELS:
        points = sorted(
            set(draw(st.lists(st.decimals(0, 100, places=1), min_size=1, max_size=5))), reverse=True
        )
        levels = tuple(Level(f"L{i}", p) for i, p in enumerate(points))
        return Criterion(draw(st.uuids()).hex[:8], "C", kind, levels=levels)
    sign = draw(st.sampled_from([1, -1]))
    values = draw(st.lists(st.decimals(0, 30, places=1), min_size=1, max_size=5))
    items = tuple(ChecklistItem(f"I{i}", sign * v) for i, v in enumerate(values))
    return Criterion(
        draw(st.uuids()).hex[:8], "C", kind, points=draw(st.decimals(0, 50, places=1)), items=items
    )


def choose(draw: st.DrawFn, criterion: Criterion) -> CriterionChoice:
    adjustment = draw(st.one_of(st.just(D(0)), decimals))
    if criterion.kind is CriterionKind.LEVELS:
        level = draw(st.one_of(st.none(), st.sampled_from([lv.label for lv in criterion.levels])))
        return CriterionChoice(level=level, adjustment=adjustment if level else D(0))
    labels = [it.label for it in criterion.items]
    items = draw(st.one_of(st.none(), st.lists(st.sampled_from(labels), unique=True).map(tuple)))
    return CriterionChoice(items=items, adjustment=adjustment if items is not None else D(0))


@st.composite
def graded(draw: st.DrawFn) -> tuple[Rubric, dict[str, CriterionChoice], int | None, LatePolicy]:
    crits = draw(st.lists(criteria(), min_size=1, max_size=6, unique_by=lambda c: c.id))
    rubric = Rubric("r", "R", {}, tuple(crits))
    choices = {c.id: choose(draw, c) for c in crits}
    late = draw(st.one_of(st.none(), st.integers(0, 10 * 1440)))
    policy = LatePolicy(
        draw(st.integers(0, 60)),
        draw(st.decimals(0, 1, places=2)),
        draw(st.one_of(st.none(), st.integers(0, 7))),
    )
    return rubric, choices, late, policy


@given(graded())
def test_each_criterion_is_within_zero_and_its_maximum(case: tuple) -> None:
    rubric, choices, late, policy = case
    result = score_submission(rubric, choices, late, policy)
    for criterion in rubric.criteria:
        value = result.criteria[criterion.id]
        assert value is None or D(0) <= value <= criterion.max_points


@given(graded())
def test_total_is_sum_minus_penalty_and_never_negative(case: tuple) -> None:
    rubric, choices, late, policy = case
    result = score_submission(rubric, choices, late, policy)
    subtotal = sum((v for v in result.criteria.values() if v is not None), D(0))
    assert result.subtotal == subtotal
    assert result.total == subtotal - result.penalty
    assert D(0) <= result.penalty <= subtotal
    assert D(0) <= result.total <= result.max_score


@given(graded(), st.data())
def test_recomputing_after_a_rubric_edit_equals_computing_fresh(case: tuple, data: st.DataObject) -> None:
    rubric, choices, late, policy = case
    score_submission(rubric, choices, late, policy)
    edited_criteria = []
    for criterion in rubric.criteria:
        bump = data.draw(st.decimals(0, 5, places=1))
        if criterion.kind is CriterionKind.LEVELS:
            edited_criteria.append(
                Criterion(
                    criterion.id,
                    "C",
                    criterion.kind,
                    levels=tuple(Level(lv.label, lv.points + bump) for lv in criterion.levels),
                )
            )
        else:
            edited_criteria.append(
                Criterion(
                    criterion.id, "C", criterion.kind, items=criterion.items, points=criterion.points + bump
                )
            )
    edited = Rubric("r", "R", {}, tuple(edited_criteria))
    stored = {cid: CriterionChoice.from_dict(choice.to_dict()) for cid, choice in choices.items()}
    assert score_submission(edited, stored, late, policy) == score_submission(edited, choices, late, policy)
    assert Rubric.from_dict(edited.to_dict()) == edited
    assert Rubric.from_dict(edited.to_dict()).content_hash == edited.content_hash


def _graded(choices: dict[str, CriterionChoice], autograde: dict[str, AutogradeScore]) -> SubmissionGrade:
    return SubmissionGrade("a1", "s1", 1, choices, "ann", None, autograde=autograde)


AUTOGRADED = Rubric("r", "R", {}, (LEVELS, AUTO))


def test_a_runs_points_score_an_autograded_criterion_no_grader_scored() -> None:
    grade = _graded(
        {"correctness": CriterionChoice(level="Proficient")}, {"tests": AutogradeScore("partial", D(12))}
    )
    effective = effective_choices(AUTOGRADED, grade)
    assert effective["tests"] == CriterionChoice(points=D(12))
    assert effective["correctness"] is grade.choices["correctness"]
    assert score_submission(AUTOGRADED, effective).total == D(42)
    assert grade.choices == {
        "correctness": CriterionChoice(level="Proficient")
    }  # the grader's layer as it was


def test_a_graders_points_override_the_run_and_an_adjustment_applies_on_top_of_it() -> None:
    override = _graded({"tests": CriterionChoice(points=D(5))}, {"tests": AutogradeScore("passed", D(20))})
    assert effective_choices(AUTOGRADED, override)["tests"].points == D(5)
    assert is_override(AUTO, override)
    adjusted = CriterionChoice(adjustment=D(-3), adjustment_comment="copied", comment="see me")
    on_top = _graded({"tests": adjusted}, {"tests": AutogradeScore("passed", D(20))})
    merged = effective_choices(AUTOGRADED, on_top)["tests"]
    assert (merged.points, merged.adjustment, merged.comment) == (D(20), D(-3), "see me")
    assert score_criterion(AUTO, merged) == D(17) and not is_override(AUTO, on_top)


def test_a_run_without_points_or_on_a_manual_criterion_changes_nothing() -> None:
    grade = _graded(
        {"tests": CriterionChoice(comment="pending")},
        {
            "tests": AutogradeScore("error", None, "sandbox failed"),
            "correctness": AutogradeScore("passed", D(40)),
        },
    )
    effective = effective_choices(AUTOGRADED, grade)
    assert effective == grade.choices
    assert effective_choices(AUTOGRADED, None) == {}
    bare = _graded({}, {})
    assert effective_choices(AUTOGRADED, bare) is bare.choices  # nothing to merge: no copy


def test_equal_merged_choices_are_shared_through_the_memo() -> None:
    memo: Merged = {}
    first = effective_choices(AUTOGRADED, _graded({}, {"tests": AutogradeScore("passed", D(20))}), memo)
    second = effective_choices(AUTOGRADED, _graded({}, {"tests": AutogradeScore("passed", D(20))}), memo)
    assert first["tests"] is second["tests"]


@given(graded(), st.data())
def test_one_scorer_scores_a_class_as_it_scores_each_submission_alone(
    case: tuple, data: st.DataObject
) -> None:
    """The batch path (exports) and the one-at-a-time path (status rows) are the same scorer."""
    rubric, first, late, policy = case
    others = [
        {c.id: choose(data.draw, c) for c in rubric.criteria} for _ in range(data.draw(st.integers(0, 3)))
    ]
    choices = [first, *others]
    scorer = Scorer(rubric, policy)
    for points, chosen in zip(scorer.points(choices), choices, strict=True):
        alone = score_submission(rubric, chosen, late, policy)
        assert dict(zip((c.id for c in rubric.criteria), points, strict=True)) == alone.criteria
        assert scorer.score(chosen, late) == alone
        assert scorer.decide(points).final == alone.final == is_final(points)


def test_the_scorer_scores_each_distinct_choice_once_and_says_what_is_decided() -> None:
    proficient, names = CriterionChoice(level="Proficient"), CriterionChoice(items=("Names",))
    scorer = Scorer(RUBRIC, POLICY)
    class_choices = [{"correctness": proficient, "style": names} for _ in range(50)]
    points = scorer.points(class_choices)
    assert len(scorer.known) == 2, "one score per distinct choice, whatever the class size"
    assert set(points) == {(D(30), D(15), None, None)}
    decided = scorer.decide(points[0])
    assert (decided.final, decided.complete, decided.started, decided.pending) == (False, False, True, True)
    assert scorer.penalised(D(45), 2 * 1440) == (D("9.0"), D("36.0"))


def test_a_choice_the_rubric_cannot_hold_scores_none_in_a_class_and_raises_alone() -> None:
    gone = {"correctness": CriterionChoice(level="Outstanding")}
    scorer = Scorer(RUBRIC)
    assert scorer.points([gone])[0][0] is None and scorer.stale
    with pytest.raises(IncompatibleChoice, match="no level 'Outstanding'"):
        Scorer(RUBRIC).score(gone)
