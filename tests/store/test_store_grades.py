"""Saving and reading choices: exact round trips, versions, events and their replay."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from store_helpers import NOW, save

from grader.domain.choices import CriterionChoice
from grader.domain.events import ChoiceChange, EventOutcome, EventSource
from grader.store import Store

ROUND_TRIP_CHOICES = [
    CriterionChoice(level="Excellent"),
    CriterionChoice(items=()),
    CriterionChoice(items=("missing tests", "no README", "Zoë's «quotes»")),
    CriterionChoice(points=Decimal("12.50")),
    CriterionChoice(points=Decimal("0.1"), adjustment=Decimal("-0.25"), adjustment_comment="late"),
    CriterionChoice(points=Decimal("-5")),
    CriterionChoice(comment='see line 3,\n"quoted"; 张伟 🙂'),
    CriterionChoice(level="Good", adjustment=Decimal("1"), adjustment_comment="x", comment="y"),
]


@pytest.mark.parametrize("choice", ROUND_TRIP_CHOICES)
def test_a_saved_choice_reads_back_exactly(store: Store, choice: CriterionChoice) -> None:
    save(store, [ChoiceChange("hw1", "s1", "c1", choice)])

    read = store.grade("hw1", "s1").choices["c1"]

    assert read == choice
    assert str(read.points) == str(choice.points)  # Decimal kept exactly, trailing zeros too
    assert read.items == choice.items


def test_an_unsaved_grade_is_version_zero_and_empty(store: Store) -> None:
    grade = store.grade("hw1", "nobody")

    assert (grade.version, grade.choices, grade.updated_by, grade.updated_at) == (0, {}, "", None)
    assert store.grades("hw1") == {}


def test_each_save_bumps_the_version_once_and_records_who_and_when(store: Store) -> None:
    later = NOW + timedelta(minutes=5)
    first = save(
        store,
        [
            ChoiceChange("hw1", "s1", "c1", CriterionChoice(level="Good")),
            ChoiceChange("hw1", "s1", "c2", CriterionChoice(points=Decimal(3))),
            ChoiceChange("hw1", "s2", "c1", CriterionChoice(level="Poor")),
        ],
        actor="ann",
    )
    second = save(
        store, [ChoiceChange("hw1", "s1", "c1", CriterionChoice(level="Fair"))], actor="bob", now=later
    )

    assert first == {("hw1", "s1"): 1, ("hw1", "s2"): 1}
    assert second == {("hw1", "s1"): 2}
    grade = store.grade("hw1", "s1")
    assert grade.version == 2
    assert grade.updated_by == "bob"
    assert grade.updated_at == later
    assert grade.choices == {
        "c1": CriterionChoice(level="Fair"),
        "c2": CriterionChoice(points=Decimal(3)),
    }


def test_times_are_kept_in_utc_whatever_zone_they_come_in(store: Store) -> None:
    in_paris = datetime(2026, 3, 2, 10, 30, tzinfo=timezone(timedelta(hours=1)))
    save(store, [ChoiceChange("hw1", "s1", "c1", CriterionChoice(level="A"))], now=in_paris)

    updated_at = store.grade("hw1", "s1").updated_at
    assert updated_at == in_paris
    assert updated_at is not None and updated_at.utcoffset() == timedelta(0)
    assert store.events()[0].at == in_paris


def test_a_naive_time_is_refused_and_nothing_is_saved(store: Store) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        save(
            store,
            [ChoiceChange("hw1", "s1", "c1", CriterionChoice(level="A"))],
            now=datetime(2026, 3, 2, 9, 30),
        )
    assert store.grade("hw1", "s1").version == 0


def test_saving_the_same_choice_again_writes_nothing(store: Store) -> None:
    save(store, [ChoiceChange("hw1", "s1", "c1", CriterionChoice(points=Decimal("2.0")))])

    versions = save(store, [ChoiceChange("hw1", "s1", "c1", CriterionChoice(points=Decimal("2.00")))])

    assert versions == {("hw1", "s1"): 1}
    assert len(store.events()) == 1


def test_clearing_a_never_saved_choice_writes_nothing(store: Store) -> None:
    versions = save(store, [ChoiceChange("hw1", "s9", "c1", CriterionChoice())])

    assert versions == {("hw1", "s9"): 0}
    assert store.grades("hw1") == {}
    assert store.events() == []


def test_an_empty_choice_removes_the_criterion(store: Store) -> None:
    save(store, [ChoiceChange("hw1", "s1", "c1", CriterionChoice(level="Good"))])
    save(store, [ChoiceChange("hw1", "s1", "c1", CriterionChoice())])

    grade = store.grade("hw1", "s1")
    assert grade.choices == {}
    assert grade.version == 2
    assert store.events()[-1].new == CriterionChoice()


def test_grades_are_keyed_by_student_and_kept_per_assignment(store: Store) -> None:
    save(
        store,
        [
            ChoiceChange("hw1", "s1", "c1", CriterionChoice(level="A")),
            ChoiceChange("hw1", "s2", "c1", CriterionChoice(level="B")),
            ChoiceChange("hw2", "s1", "c1", CriterionChoice(level="C")),
        ],
    )

    grades = store.grades("hw1")

    assert sorted(grades) == ["s1", "s2"]
    assert grades["s1"].choices == {"c1": CriterionChoice(level="A")}
    assert grades["s1"].assignment_id == "hw1"
    assert store.grades("hw2")["s1"].choices == {"c1": CriterionChoice(level="C")}


def test_every_change_is_an_event_with_old_and_new(store: Store) -> None:
    save(store, [ChoiceChange("hw1", "s1", "c1", CriterionChoice(level="A"))], actor="ann")
    save(
        store,
        [ChoiceChange("hw1", "s1", "c1", CriterionChoice(level="B"))],
        actor="bot",
        source=EventSource.AUTOGRADER,
        rubric_hash="h2",
    )

    first, second = store.events("hw1", "s1")

    assert (first.old, first.new, first.actor, first.version) == (
        CriterionChoice(),
        CriterionChoice(level="A"),
        "ann",
        1,
    )
    assert (second.old, second.new, second.actor, second.version) == (
        CriterionChoice(level="A"),
        CriterionChoice(level="B"),
        "bot",
        2,
    )
    assert second.source is EventSource.AUTOGRADER
    assert second.rubric_hash == "h2"
    assert first.outcome is second.outcome is EventOutcome.APPLIED
    assert first.id < second.id
    assert store.events("hw2") == []
    assert store.events(student_id="s2") == []


def test_an_adjustment_comment_without_an_adjustment_is_not_kept(store: Store) -> None:
    """Grade events record CriterionChoice.to_dict(), which drops it; the state agrees."""
    save(store, [ChoiceChange("hw1", "s1", "c1", CriterionChoice(level="A", adjustment_comment="x"))])

    assert store.grade("hw1", "s1").choices["c1"] == CriterionChoice(level="A")
    assert store.replay("hw1") == {"s1": {"c1": CriterionChoice(level="A")}}


def test_a_large_batch_is_read_back_in_full(store: Store) -> None:
    changes = [
        ChoiceChange("hw1", f"s{n:04}", f"c{k}", CriterionChoice(points=Decimal(n) / 4))
        for n in range(1200)
        for k in range(3)
    ]

    versions = store.save_many(
        changes, actor="ann", rubric_hash="h", source=EventSource.BATCH, now=NOW, batch_size=1000
    )

    grades = store.grades("hw1")
    assert len(grades) == 1200 and set(versions.values()) == {1, 2}
    assert grades["s0999"].choices["c2"].points == Decimal("249.75")
    assert len(store.events("hw1")) == 3600
    assert store.replay("hw1") == {s: g.choices for s, g in grades.items()}


_choices = st.builds(
    CriterionChoice,
    level=st.none() | st.sampled_from(["A", "B"]),
    items=st.none() | st.lists(st.sampled_from(["x", "y", "z"]), max_size=2).map(tuple),
    points=st.none() | st.decimals(min_value=-10, max_value=10, places=2),
    adjustment=st.sampled_from([Decimal(0), Decimal("-1.5")]),
    adjustment_comment=st.sampled_from(["", "late"]),
    comment=st.sampled_from(["", "ok", "Zoë"]),
)
_changes = st.lists(
    st.tuples(st.sampled_from(["s1", "s2"]), st.sampled_from(["c1", "c2"]), _choices),
    min_size=1,
    max_size=4,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(batches=st.lists(_changes, min_size=1, max_size=5))
def test_replaying_the_events_rebuilds_the_current_state(
    sqlite_store: Store, batches: list[list[tuple[str, str, CriterionChoice]]]
) -> None:
    assignment_id = f"hw-{uuid.uuid4().hex}"  # one fresh assignment per example
    saves_with_effect: dict[str, int] = {}
    for batch in batches:
        before = {s: g.version for s, g in sqlite_store.grades(assignment_id).items()}
        versions = save(
            sqlite_store,
            [ChoiceChange(assignment_id, s, c, choice) for s, c, choice in batch],
        )
        for (_, student_id), version in versions.items():
            assert version in (before.get(student_id, 0), before.get(student_id, 0) + 1)
            if version != before.get(student_id, 0):
                saves_with_effect[student_id] = saves_with_effect.get(student_id, 0) + 1

    grades = sqlite_store.grades(assignment_id)
    state = {s: g.choices for s, g in grades.items() if g.choices}
    assert sqlite_store.replay(assignment_id) == state
    assert {s: g.version for s, g in grades.items() if g.version} == saves_with_effect
    assert all(not choice.is_empty for choices in state.values() for choice in choices.values())


def test_timestamps_sort_chronologically_as_text(store: Store) -> None:
    early = datetime(2026, 1, 1, 23, 0, tzinfo=timezone(timedelta(hours=-5)))  # 04:00 UTC next day
    late = datetime(2026, 1, 2, 5, 0, tzinfo=UTC)
    save(store, [ChoiceChange("hw1", "s1", "c1", CriterionChoice(level="A"))], now=early)
    save(store, [ChoiceChange("hw1", "s1", "c1", CriterionChoice(level="B"))], now=late)

    assert [event.at for event in store.events()] == [early, late]
