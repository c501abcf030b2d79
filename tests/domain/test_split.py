"""The work split's rules: deterministic, balanced, started work never moves, sections whole."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.domain.errors import GraderError
from grader.domain.split import SplitMode, WorkItem, parse_team, plan_split
from grader.domain.split_balance import shares

NAMES = st.lists(st.sampled_from(["ann", "ben", "cat", "dan", "eve", "fay"]), min_size=1, unique=True)


def fresh(count: int, sections: str = "") -> list[WorkItem]:
    return [
        WorkItem(f"s{i:03}", section=sections[i % len(sections)] if sections else "") for i in range(count)
    ]


def rerun(items: list[WorkItem], owners: dict[str, str], started: set[str]) -> list[WorkItem]:
    """The items as a second run sees them: each with its previous grader, some started."""
    return [
        WorkItem(i.item_id, i.item_id in started, "", owners.get(i.item_id, ""), i.section) for i in items
    ]


@settings(max_examples=100, deadline=None)
@given(team=NAMES, count=st.integers(1, 60), data=st.data())
def test_a_split_is_balanced_and_the_same_whatever_order_the_team_is_given_in(
    team: list[str], count: int, data: st.DataObject
) -> None:
    items = fresh(count)
    shuffled = data.draw(st.permutations(team))
    first = plan_split("a1", SplitMode.SUBMISSIONS, team, items)
    again = plan_split("a1", SplitMode.SUBMISSIONS, shuffled, items)
    assert first == again
    assert list(first.owners) == [i.item_id for i in items]  # every item once, in roster order
    counts = Counter(first.owners.values())
    held = [counts[g] for g in team]
    assert max(held) - min(held) <= 1
    assert sum(held) == count


@settings(max_examples=100, deadline=None)
@given(
    team=NAMES,
    later=NAMES,
    count=st.integers(1, 60),
    data=st.data(),
)
def test_a_rerun_keeps_started_work_and_balances_only_the_rest(
    team: list[str], later: list[str], count: int, data: st.DataObject
) -> None:
    items = fresh(count)
    first = plan_split("a1", SplitMode.SUBMISSIONS, team, items).owners
    started = set(data.draw(st.lists(st.sampled_from([i.item_id for i in items]), unique=True)))
    second = plan_split("a1", SplitMode.SUBMISSIONS, later, rerun(items, first, started))
    for item_id in started:
        assert second.owners[item_id] == first[item_id]
    assert second.started == frozenset(started)
    loads = Counter(second.owners.values())
    team_loads = [loads[g] for g in later]
    # A member may hold more only because of started work; anyone with unstarted work is within
    # one of the least loaded member.
    unstarted = Counter(g for i, g in second.owners.items() if i not in started)
    for grader in later:
        if unstarted[grader]:
            assert loads[grader] <= min(team_loads) + 1
    # Unstarted work stays with its grader while the balance allows: nothing moves needlessly.
    if set(later) == set(team):
        assert second.moved == 0


@settings(max_examples=100, deadline=None)
@given(team=NAMES, sections=st.text("ABCDE", min_size=1, max_size=40), data=st.data())
def test_by_section_every_section_is_whole_and_the_split_deterministic(
    team: list[str], sections: str, data: st.DataObject
) -> None:
    items = [WorkItem(f"s{i:03}", section=s) for i, s in enumerate(sections)]
    plan = plan_split("a1", SplitMode.SECTIONS, team, items)
    assert plan == plan_split("a1", SplitMode.SECTIONS, data.draw(st.permutations(team)), items)
    holders = {(item.section, plan.owners[item.item_id]) for item in items}
    assert len(holders) == len(set(sections))  # one grader per section
    loads = Counter(plan.owners.values())
    biggest = max(Counter(sections).values())
    assert max(loads.values()) <= -(-len(items) // len(team)) + biggest  # never worse than one section over


def test_a_grader_who_leaves_keeps_finished_work_and_their_other_work_is_shared() -> None:
    items = fresh(9)
    first = plan_split("a1", SplitMode.SUBMISSIONS, ["ann", "ben", "cat"], items).owners
    assert Counter(first.values()) == {"ann": 3, "ben": 3, "cat": 3}
    bens = [i for i, g in first.items() if g == "ben"]
    second = plan_split("a1", SplitMode.SUBMISSIONS, ["ann", "cat"], rerun(items, first, {bens[0]}))
    assert second.owners[bens[0]] == "ben"
    assert {second.owners[i] for i in bens[1:]} <= {"ann", "cat"}
    assert all(second.owners[i] == g for i, g in first.items() if g != "ben")  # nobody else's moved
    assert Counter(second.owners.values()) == {"ann": 4, "cat": 4, "ben": 1}
    assert second.moved == 2
    assert "ben is not among the graders but keeps 1 started submission (started work never moves)" in (
        second.notes
    )


def test_a_grader_who_joins_takes_unstarted_work_from_the_busiest() -> None:
    items = fresh(8)
    first = plan_split("a1", SplitMode.SUBMISSIONS, ["ann", "ben"], items).owners
    started = {i for i, g in first.items() if g == "ann"}  # ann started all of hers
    second = plan_split("a1", SplitMode.SUBMISSIONS, ["ann", "ben", "cat"], rerun(items, first, started))
    assert Counter(second.owners.values()) == {"ann": 4, "ben": 2, "cat": 2}
    assert all(second.owners[i] == "ann" for i in started)


def test_started_work_without_an_earlier_split_stays_with_who_last_changed_it() -> None:
    items = [WorkItem("s1", True, "zed"), WorkItem("s2"), WorkItem("s3", True, ""), WorkItem("s4")]
    plan = plan_split("a1", SplitMode.SUBMISSIONS, ["ann"], items)
    assert plan.owners == {"s1": "zed", "s2": "ann", "s4": "ann"}
    assert "1 excused submissions need no grader and are left out" in plan.notes
    assert [(s.grader, s.assigned, s.started, s.in_team) for s in plan.shares()] == [
        ("ann", 2, 0, True),
        ("zed", 1, 1, False),
    ]


def test_by_section_each_section_goes_whole_to_one_grader_largest_first() -> None:
    items = [WorkItem(f"s{i}", section=s) for i, s in enumerate("AAAAABBBCCD")]
    plan = plan_split("a1", SplitMode.SECTIONS, ["ann", "ben"], items)
    by_section: dict[str, set[str]] = {}
    for item in items:
        by_section.setdefault(item.section, set()).add(plan.owners[item.item_id])
    assert all(len(graders) == 1 for graders in by_section.values())
    # A (5) to ann, B (3) and C (2) to ben, D (1) to the first of two equally loaded: ann.
    assert Counter(plan.owners.values()) == {"ann": 6, "ben": 5}
    assert by_section["A"] == by_section["D"] == {"ann"}


def test_by_section_a_rerun_keeps_each_section_with_its_grader_when_balance_allows() -> None:
    items = [WorkItem(f"s{i}", section=s) for i, s in enumerate("AAABBBCCC")]
    first = plan_split("a1", SplitMode.SECTIONS, ["ann", "ben", "cat"], items).owners
    second = plan_split("a1", SplitMode.SECTIONS, ["ann", "ben", "cat"], rerun(items, first, set()))
    assert second.owners == first
    assert second.moved == 0


def test_by_section_when_a_grader_leaves_only_their_sections_move() -> None:
    items = [WorkItem(f"s{i:02}", section=s) for i, s in enumerate("ABCDEF" * 3)]
    first = plan_split("a1", SplitMode.SECTIONS, ["ann", "ben", "cat"], items).owners
    cats = {i for i, g in first.items() if g == "cat"}
    assert len(cats) == 6
    second = plan_split("a1", SplitMode.SECTIONS, ["ann", "ben"], rerun(items, first, set()))
    assert second.moved == 6
    assert all(second.owners[i] == g for i, g in first.items() if g != "cat")
    assert Counter(second.owners.values()) == {"ann": 9, "ben": 9}


def test_more_graders_than_work_is_a_note_not_an_error() -> None:
    criteria = [WorkItem("correctness"), WorkItem("style")]
    plan = plan_split("a1", SplitMode.CRITERIA, ["ann", "ben", "cat"], criteria)
    assert plan.owners == {"correctness": "ann", "style": "ben"}
    assert plan.notes == ("cat got nothing to grade: 2 criteria for 3 graders",)


def test_more_graders_than_sections_is_a_note_naming_the_sections() -> None:
    items = [WorkItem(f"s{i}", section=s) for i, s in enumerate("AAB")]
    plan = plan_split("a1", SplitMode.SECTIONS, ["ann", "ben", "cat"], items)
    assert plan.notes == ("cat got nothing to grade: 2 sections (each kept whole) for 3 graders",)


def test_nothing_to_split_is_an_error() -> None:
    with pytest.raises(GraderError, match="a1 has no criteria to split"):
        plan_split("a1", SplitMode.CRITERIA, ["ann"], [])


@pytest.mark.parametrize(
    ("given_text", "message"),
    [
        ("", "no grader is named"),
        ("ann,,ben", "name 2 of 3 is empty"),
        ("ann,", "name 2 of 2 is empty"),
        ("ann,ann", "'ann' is named twice"),
        ("ann,Ann", "'ann' and 'Ann' differ only in case"),
        ("ann,b\x1bn", "name 2 of 2 is not usable"),
        ("x" * 101, "name 1 of 1 is not usable"),
    ],
)
def test_bad_team_names_are_refused_with_what_to_do(given_text: str, message: str) -> None:
    with pytest.raises(GraderError, match=message):
        parse_team(given_text)


def test_a_team_is_trimmed_and_sorted() -> None:
    assert parse_team(" ben , ann,cat ") == ("ann", "ben", "cat")


@given(
    held=st.dictionaries(st.sampled_from("abcdef"), st.integers(0, 30), min_size=1), free=st.integers(0, 80)
)
def test_shares_give_each_item_to_the_least_loaded_grader(held: dict[str, int], free: int) -> None:
    load = dict(held)
    for _ in range(free):  # the rule, one item at a time
        least = min(load.values())
        load[next(g for g in held if load[g] == least)] += 1
    given_shares = shares(held, free)
    assert {g: held[g] + given_shares[g] for g in held} == load
