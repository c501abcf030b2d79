from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grader.domain.choices import CriterionChoice
from grader.domain.course import Badge, LatePolicy
from grader.domain.credential_plan import plan_credentials
from grader.domain.mastery import (
    BadgeEvaluation,
    BadgeStatus,
    CriterionEvidence,
    SkillMastery,
    StudentMastery,
    Withheld,
    course_mastery,
    evaluate_badge,
    floor_percent,
    student_mastery,
    submission_skills,
)
from grader.domain.rubric import ChecklistItem, Criterion, CriterionKind, Level, Rubric
from grader.domain.scoring import IncompatibleChoice, score_submission

D = Decimal
CORRECT = Criterion(
    "correctness",
    "Correct",
    CriterionKind.LEVELS,
    skills=("python",),
    levels=(Level("Exemplary", D(40)), Level("Proficient", D(30)), Level("Missing", D(0))),
)
STYLE = Criterion(
    "style",
    "Style",
    CriterionKind.CHECKLIST,
    skills=("python", "docs"),
    points=D(20),
    items=(ChecklistItem("Names", D(-5)), ChecklistItem("Docs", D("-7.5"))),
)
BONUS = Criterion(
    "extras",
    "Extras",
    CriterionKind.CHECKLIST,
    skills=("docs",),
    points=D(10),
    items=(ChecklistItem("README", D(4)), ChecklistItem("CI", D(8))),
)
TESTS = Criterion("tests", "Tests", CriterionKind.AUTOGRADED, skills=("testing",), points=D(20))
A1 = Rubric("calc", "Calc", {"python": "", "docs": "", "testing": ""}, (CORRECT, STYLE, BONUS, TESTS))
ANALYSIS = Criterion(
    "analysis",
    "Analysis",
    CriterionKind.LEVELS,
    skills=("python",),
    levels=(Level("Good", D(10)), Level("Poor", D(2))),
)
FREE = Criterion("free", "Free", CriterionKind.POINTS, skills=("testing",), points=D(0))
A2 = Rubric("data", "Data", {"python": "", "testing": ""}, (ANALYSIS, FREE))
RUBRICS = {"a1": A1, "a2": A2}
BADGE = Badge(
    "py",
    "Python",
    "Writes Python.",
    "80% python, 50% testing, a1 graded.",
    skill_thresholds={"python": D("0.8"), "testing": D("0.5")},
    assignments=("a1",),
)


def level(label: str, adjustment: str = "0") -> CriterionChoice:
    return CriterionChoice(level=label, adjustment=D(adjustment))


def a1(**chosen: CriterionChoice) -> dict[str, CriterionChoice]:
    """A final a1 grade: every criterion scored (these choices, the others at their plainest)."""
    plain = {
        "correctness": level("Missing"),
        "style": CriterionChoice(items=()),
        "extras": CriterionChoice(items=()),
        "tests": CriterionChoice(points=D(0)),
    }
    return {**plain, **chosen}


def a2(**chosen: CriterionChoice) -> dict[str, CriterionChoice]:
    """A final a2 grade."""
    return {"analysis": level("Poor"), "free": CriterionChoice(points=D(0)), **chosen}


def test_points_weighted_across_assignments_with_the_criteria_behind_them() -> None:
    result = student_mastery(
        RUBRICS,
        {
            "a1": a1(
                correctness=level("Proficient"),
                style=CriterionChoice(items=("Names",)),
                tests=CriterionChoice(points=D(20)),
            ),
            "a2": a2(analysis=level("Good")),
        },
    )
    python = result.skills["python"]
    assert (python.earned, python.possible) == (D(55), D(70))
    assert python.fraction == Fraction(55, 70)
    assert python.percent == D("78.5")
    assert python.criteria == (
        CriterionEvidence("a1", "correctness", D(30), D(40)),
        CriterionEvidence("a1", "style", D(15), D(20)),
        CriterionEvidence("a2", "analysis", D(10), D(10)),
    )
    docs = result.skills["docs"]
    assert (docs.earned, docs.possible) == (D(15), D(30))
    assert docs.criteria == (
        CriterionEvidence("a1", "style", D(15), D(20)),
        CriterionEvidence("a1", "extras", D(0), D(10)),
    )
    assert (result.skills["testing"].earned, result.skills["testing"].possible) == (D(20), D(20))


def test_a_grade_that_is_not_final_counts_nothing_until_it_is() -> None:
    pending = a1(correctness=level("Exemplary"))
    del pending["tests"]  # the autograded criterion has not run and no grader gave it points
    result = student_mastery(RUBRICS, {"a1": pending})
    assert (result.skills, result.graded_assignments) == ({}, frozenset())
    assert result.unscored == {"a1": ("tests",)}
    with_a2 = student_mastery(RUBRICS, {"a1": pending, "a2": a2()})
    assert {s: (m.earned, m.possible) for s, m in with_a2.skills.items()} == {"python": (D(2), D(10))}
    final = student_mastery(RUBRICS, {"a1": {**pending, "tests": CriterionChoice(points=D(12))}})
    assert (final.skills["python"].earned, final.skills["testing"].earned) == (D(60), D(12))
    assert (final.graded_assignments, final.unscored) == ({"a1"}, {})
    assert student_mastery(RUBRICS, {}) == StudentMastery()


def test_a_criterion_worth_nothing_gives_no_figure() -> None:
    result = student_mastery(RUBRICS, {"a2": a2(analysis=level("Good"))})
    assert set(result.skills) == {"python"}
    assert "testing" not in result.skills


def test_adjustments_count_clamped_as_in_the_total() -> None:
    result = student_mastery(RUBRICS, {"a1": a1(correctness=level("Exemplary", "5"))})
    assert result.skills["python"].criteria[0] == CriterionEvidence("a1", "correctness", D(40), D(40))
    result = student_mastery(RUBRICS, {"a1": a1(correctness=level("Proficient", "-2.5"))})
    assert result.skills["python"].criteria[0].earned == D("27.5")


def test_a_bonus_checklist_with_nothing_ticked_counts_zero_of_its_points() -> None:
    result = student_mastery(RUBRICS, {"a1": a1()})
    docs = result.skills["docs"]
    assert (docs.earned, docs.possible) == (D(20), D(30))
    assert CriterionEvidence("a1", "extras", D(0), D(10)) in docs.criteria


def test_an_assignment_is_graded_once_its_grade_is_final_autograded_criterion_included() -> None:
    manual = {k: v for k, v in a1().items() if k != "tests"}
    partial = student_mastery(RUBRICS, {"a1": manual})
    assert (partial.graded_assignments, partial.unscored) == (frozenset(), {"a1": ("tests",)})
    final = student_mastery(RUBRICS, {"a1": {**manual, "tests": CriterionChoice(points=D(0))}})
    assert (final.graded_assignments, final.unscored) == ({"a1"}, {})
    started = student_mastery(RUBRICS, {"a1": {"correctness": level("Missing")}})
    assert started.unscored == {"a1": ("style", "extras", "tests")}


def test_every_student_in_one_pass_matches_one_at_a_time() -> None:
    grades = {
        "a1": {
            "s1": a1(correctness=level("Proficient")),
            "s2": a1(correctness=level("Proficient")),
            "s4": {"correctness": level("Proficient")},
        },
        "a2": {"s2": a2(analysis=level("Poor")), "s3": a2(analysis=level("Good"))},
    }
    together = course_mastery(RUBRICS, grades)
    assert set(together) == {"s1", "s2", "s3", "s4"}
    for student_id, figures in together.items():
        alone = {a: by_student[student_id] for a, by_student in grades.items() if student_id in by_student}
        assert figures == student_mastery(RUBRICS, alone)
    assert together["s2"].skills["python"].earned == 30 + 20 + 2
    assert (together["s4"].skills, together["s4"].unscored) == ({}, {"a1": ("style", "extras", "tests")})


def test_one_submissions_skill_sums_are_what_course_mastery_adds_up() -> None:
    pending = {"correctness": level("Exemplary")}
    assert submission_skills(A1, pending) is None, "a grade that is not final adds nothing"
    final = a1(correctness=level("Exemplary"), tests=CriterionChoice(points=D(7)))
    assert submission_skills(A1, final) == {
        "python": (D(60), D(60)),
        "docs": (D(20), D(30)),
        "testing": (D(7), D(20)),
    }
    assert submission_skills(A2, a2()) == {"python": (D(2), D(10)), "testing": (D(0), D(0))}
    figures = student_mastery(RUBRICS, {"a1": final, "a2": a2()}).skills
    assert (figures["python"].earned, figures["python"].possible) == (D(62), D(70))


def test_a_choice_the_rubric_no_longer_has_is_refused() -> None:
    with pytest.raises(IncompatibleChoice):
        student_mastery(RUBRICS, {"a1": {"correctness": level("Great")}})


@pytest.mark.parametrize(
    ("part", "whole", "shown"),
    [(55, 70, "78.5"), (7999, 10000, "79.9"), (4, 5, "80"), (1, 3, "33.3"), (2, 3, "66.6"), (0, 9, "0")],
)
def test_percent_is_rounded_down_so_a_missed_threshold_never_shows_as_met(
    part: int, whole: int, shown: str
) -> None:
    assert floor_percent(D(part), D(whole)) == D(shown)


def figures(
    *, graded: bool = True, unscored: tuple[str, ...] = (), **skills: tuple[int, int]
) -> StudentMastery:
    """A student's mastery given directly: skill=(earned, possible)."""
    return StudentMastery(
        {skill: SkillMastery(skill, D(e), D(p), ()) for skill, (e, p) in skills.items()},
        frozenset({"a1"}) if graded else frozenset(),
        {"a1": unscored} if unscored else {},
    )


def test_a_badge_is_earned_when_every_threshold_is_reached_and_assignments_graded() -> None:
    evaluation = evaluate_badge(BADGE, "s1", figures(python=(80, 100), testing=(10, 20)))
    assert evaluation.status is BadgeStatus.EARNED and evaluation.earned
    assert [(r.skill, r.threshold, r.met) for r in evaluation.skills] == [
        ("python", D("0.8"), True),
        ("testing", D("0.5"), True),
    ]
    assert [(r.assignment_id, r.graded) for r in evaluation.assignments] == [("a1", True)]
    assert evaluation.shortfalls() == ()


def test_a_badge_not_yet_earned_says_what_is_missing() -> None:
    evaluation = evaluate_badge(BADGE, "s1", figures(graded=False, python=(7999, 10000)))
    assert evaluation.status is BadgeStatus.NOT_YET and not evaluation.earned
    assert evaluation.shortfalls() == (
        "python: 79.9%, needs 80%",
        "testing: no final grade yet (needs 50%)",
        "a1: not graded yet",
    )
    waiting = evaluate_badge(BADGE, "s1", figures(graded=False, unscored=("tests",), python=(9, 10)))
    assert waiting.shortfalls()[-1] == "a1: not final yet (tests not scored)"
    assert [(r.graded, r.unscored) for r in waiting.assignments] == [(False, ("tests",))]


def test_requirements_on_a_refused_rubric_are_withheld_not_judged() -> None:
    withheld = Withheld(frozenset({"a2"}), frozenset({"testing"}))
    undetermined = evaluate_badge(BADGE, "s1", figures(python=(9, 10), testing=(1, 2)), withheld)
    assert undetermined.status is BadgeStatus.UNDETERMINED and not undetermined.earned
    assert undetermined.shortfalls() == (
        "testing: waits for a refused rubric change to be mapped (needs 50%)",
    )
    below = evaluate_badge(BADGE, "s1", figures(python=(1, 10), testing=(1, 2)), withheld)
    assert below.status is BadgeStatus.NOT_YET


def test_credentials_to_issue_keep_and_review_never_revoke() -> None:
    held = Withheld(frozenset(), frozenset({"testing"}))
    evaluations = [
        evaluate_badge(BADGE, "kept", figures(python=(9, 10), testing=(1, 2))),
        evaluate_badge(BADGE, "dropped", figures(python=(7, 10), testing=(1, 2))),
        evaluate_badge(BADGE, "unsure", figures(python=(9, 10)), held),
        evaluate_badge(BADGE, "new", figures(python=(8, 10), testing=(1, 2))),
        evaluate_badge(BADGE, "never", figures(python=(1, 10))),
    ]
    issued = [("kept", "py"), ("dropped", "py"), ("unsure", "py"), ("left", "py")]
    plan = plan_credentials(issued, evaluations)
    assert [e.student_id for e in plan.issue] == ["new"]
    assert [e.student_id for e in plan.keep] == ["kept", "unsure"]
    assert [(r.student_id, r.badge_id, r.reasons) for r in plan.review] == [
        ("dropped", "py", ("python: 70%, needs 80%",)),
        ("left", "py", ("the badge or the student is no longer in the course",)),
    ]
    assert plan.review[0].evaluation is evaluations[1]
    assert plan.review[1].evaluation is None


def test_issuing_twice_plans_nothing_new() -> None:
    evaluation = evaluate_badge(BADGE, "s1", figures(python=(9, 10), testing=(1, 2)))
    first = plan_credentials([], [evaluation])
    again = plan_credentials([("s1", "py") for _ in first.issue], [evaluation])
    assert (len(first.issue), again.issue, len(again.keep), again.review) == (1, (), 1, ())


ADJUSTMENTS = st.sampled_from([D(0), D(0), D(-3), D("2.5"), D(-50), D(50)])


def choice_for(criterion: Criterion) -> st.SearchStrategy[CriterionChoice | None]:
    if criterion.kind is CriterionKind.LEVELS:
        base = st.sampled_from([lv.label for lv in criterion.levels]).map(lambda lb: {"level": lb})
    elif criterion.kind is CriterionKind.CHECKLIST:
        labels = [it.label for it in criterion.items]
        base = st.lists(st.sampled_from(labels), unique=True).map(lambda it: {"items": tuple(it)})
    else:
        points = st.decimals(min_value=0, max_value=criterion.max_points, places=2)
        base = points.map(lambda p: {"points": p})
    chosen = st.builds(lambda kw, adj: CriterionChoice(**kw, adjustment=adj), base, ADJUSTMENTS)
    return st.none() | chosen


def choices_for(rubric: Rubric) -> st.SearchStrategy[dict[str, CriterionChoice]]:
    drawn = st.fixed_dictionaries({c.id: choice_for(c) for c in rubric.criteria})
    return drawn.map(lambda d: {k: v for k, v in d.items() if v is not None})


@given(choices_for(A1), choices_for(A2), st.integers(min_value=0, max_value=20_000))
def test_mastery_is_a_fraction_of_the_criterion_scores_before_any_late_penalty(
    a1: dict[str, CriterionChoice], a2: dict[str, CriterionChoice], late_minutes: int
) -> None:
    result = student_mastery(RUBRICS, {"a1": a1, "a2": a2})
    policy = LatePolicy(grace_minutes=0, penalty_per_day=D("0.25"), max_days=2)
    expected: dict[str, tuple[Decimal, Decimal]] = {}
    for assignment_id, choices in (("a1", a1), ("a2", a2)):
        rubric = RUBRICS[assignment_id]
        score = score_submission(rubric, choices, late_minutes, policy)
        assert (assignment_id in result.graded_assignments) is score.final
        assert (assignment_id in result.unscored) is (score.any_scored and not score.final)
        if not score.final:  # only final grades count
            continue
        scored = score.criteria
        for criterion in rubric.criteria:
            points = scored[criterion.id]
            for skill in criterion.skills if points is not None else ():
                earned, possible = expected.get(skill, (D(0), D(0)))
                expected[skill] = (earned + points, possible + criterion.max_points)
    assert {s: (m.earned, m.possible) for s, m in result.skills.items()} == {
        s: pair for s, pair in expected.items() if pair[1] > 0
    }
    for figure in result.skills.values():
        assert 0 <= figure.fraction <= 1
        assert 0 <= figure.percent <= 100
        assert figure.fraction - Fraction(1, 1000) < Fraction(figure.percent) / 100 <= figure.fraction
        assert figure.criteria


@given(choices_for(A1), choices_for(A2))
def test_skills_without_a_final_grade_never_appear(
    a1: dict[str, CriterionChoice], a2: dict[str, CriterionChoice]
) -> None:
    result = student_mastery(RUBRICS, {"a1": a1, "a2": a2})
    graded_skills = {
        skill
        for rubric, choices in ((A1, a1), (A2, a2))
        if score_submission(rubric, choices).final
        for c in rubric.criteria
        if c.max_points > 0
        for skill in c.skills
    }
    assert set(result.skills) == graded_skills


@given(
    st.lists(st.sampled_from(CORRECT.levels), min_size=2, max_size=2, unique_by=lambda lv: lv.points),
    st.decimals(min_value=D("0.01"), max_value=D("0.99"), places=2),
)
def test_a_regrade_below_a_threshold_flags_the_credential_for_review(
    levels: list[Level], between: Decimal
) -> None:
    after, before = sorted(levels, key=lambda lv: lv.points)
    possible = CORRECT.max_points
    threshold = (after.points + (before.points - after.points) * between) / possible
    badge = Badge("py", "Python", "-", "-", skill_thresholds={"python": threshold})
    assert before.points >= threshold * possible > after.points

    only_correctness = Rubric("c", "C", {"python": ""}, (CORRECT,))

    def evaluation(chosen: Level) -> BadgeEvaluation:
        mastery = student_mastery({"a1": only_correctness}, {"a1": {"correctness": level(chosen.label)}})
        return evaluate_badge(badge, "s1", mastery)

    first = plan_credentials([], [evaluation(before)])
    assert [e.student_id for e in first.issue] == ["s1"]
    regraded = plan_credentials([("s1", "py")], [evaluation(after)])
    assert (regraded.issue, regraded.keep) == ((), ())
    assert [(r.student_id, r.badge_id) for r in regraded.review] == [("s1", "py")]
    assert regraded.review[0].reasons[0].startswith("python: ")
