"""The moderation sample and the dealing of second markers: reproducible, sized, balanced, never
the first marker; queued submissions count and are never drawn again."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grader.domain.errors import GraderError
from grader.domain.moderation import Candidate, Queued, SampleSize, deal_moderators, parse_sample, pick_sample

GRADERS = ["ann", "ben", "cat", "dan"]
candidates_st = st.lists(
    st.tuples(st.integers(0, 999), st.sampled_from(GRADERS)),
    min_size=1,
    max_size=60,
    unique_by=lambda t: t[0],
).map(lambda rows: [Candidate(f"s{n:03d}", (g,)) for n, g in rows])


def test_sample_sizes_parse_and_bad_ones_say_what_was_expected() -> None:
    assert parse_sample("10%") == SampleSize(percent=Decimal(10))
    assert parse_sample(" 4 ") == SampleSize(count=4)
    assert SampleSize(percent=Decimal(10)).of(21) == 3  # rounds up
    assert SampleSize(count=9).of(5) == 5
    for bad in ("0", "0%", "150%", "ten", "-3", "nan%"):
        with pytest.raises(GraderError, match="expected a percentage such as 10% or a count such as 4"):
            parse_sample(bad)


@given(candidates_st, st.integers(1, 100), st.integers(0, 5), st.booleans())
def test_a_sample_is_reproducible_sized_and_ignores_roster_order(
    candidates: list[Candidate], percent: int, seed: int, per_grader: bool
) -> None:
    size = SampleSize(percent=Decimal(percent))
    picked = pick_sample("a1", candidates, size, seed=seed, per_grader=per_grader, already={})
    assert picked == pick_sample("a1", candidates[::-1], size, seed=seed, per_grader=per_grader, already={})
    if per_grader:
        for grader in {c.first_marker for c in candidates}:
            group = [c for c in candidates if c.first_marker == grader]
            assert sum(1 for c in picked if c.first_marker == grader) == size.of(len(group))
    else:
        assert len(picked) == size.of(len(candidates))


@given(candidates_st, st.integers(0, 5))
def test_queued_submissions_count_towards_the_size_and_are_never_drawn_again(
    candidates: list[Candidate], seed: int
) -> None:
    half = SampleSize(percent=Decimal(50))
    first = pick_sample("a1", candidates, half, seed=seed, per_grader=False, already={})
    already = {c.student_id: Queued(c.student_id, c.first_marker, "zed") for c in first}
    assert pick_sample("a1", candidates, half, seed=seed, per_grader=False, already=already) == []
    more = pick_sample(
        "a1", candidates, SampleSize(count=len(candidates)), seed=seed, per_grader=False, already=already
    )
    assert {c.student_id for c in more} == {c.student_id for c in candidates} - set(already)


@given(candidates_st)
def test_second_markers_are_balanced_and_never_the_first_marker(candidates: list[Candidate]) -> None:
    team = [*GRADERS, "eve"]  # eve first-marked nothing: she may take any submission
    dealt = deal_moderators(candidates, team, {})
    assert len(dealt) == len(candidates)
    for queued, candidate in zip(dealt, candidates, strict=True):
        assert queued.moderator not in candidate.first_markers
    loads = {g: sum(1 for q in dealt if q.moderator == g) for g in team}
    free = [loads[g] for g in team if all(g not in c.first_markers for c in candidates)]
    assert max(free) - min(free) <= 1  # those who may take anything are dealt evenly
    assert max(loads.values()) <= min(free) + 1  # nobody holds more than one above them
    assert dealt == deal_moderators(candidates, team, {})


def test_a_submission_only_its_first_marker_could_moderate_is_refused_by_name() -> None:
    with pytest.raises(GraderError, match=r"no grader but its first marker \(ann\) could second-mark s1"):
        deal_moderators([Candidate("s1", ("ann",))], ["ann"], {})
