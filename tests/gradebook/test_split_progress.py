"""Each grader's progress on a split, against the gradebook's own statuses, and the "mine"
filter, on both backends."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from postgres import postgres_test_url, scratch_postgres_url
from required_tools import require_tool

from grader.domain.errors import GraderError
from grader.domain.progress import Progress
from grader.domain.split import SplitMode
from grader.gradebook.context import CourseContext, open_course
from grader.gradebook.flagging import set_excused
from grader.gradebook.grading import ChoiceRequest, record_choice
from grader.gradebook.listing import SubmissionFilter, SubmissionList
from grader.gradebook.mine import TeamFilter, mine_toggled, resolve_mine
from grader.gradebook.split import propose_split, save_split
from grader.gradebook.split_progress import GraderProgress, split_progress
from grader.gradebook.split_states import DONE
from grader.gradebook.status import submission_statuses

A1 = "a1-calculator"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def ctx(request: pytest.FixtureRequest, course_dir: Path) -> Iterator[CourseContext]:
    if request.param == "sqlite":
        with open_course(course_dir, actor="ann") as opened:
            yield opened
        return
    require_tool("postgresql")
    base = postgres_test_url()
    assert base is not None
    with scratch_postgres_url(base) as url, open_course(course_dir, database_url=url, actor="ann") as opened:
        yield opened


def split(ctx: CourseContext, team: list[str], mode: SplitMode = SplitMode.SUBMISSIONS) -> dict[str, str]:
    (proposal,) = [s for s in propose_split(ctx, A1, team, mode) if not isinstance(s, Progress)]
    save_split(ctx, proposal)
    return proposal.plan.owners


def grade_fully(ctx: CourseContext, student_id: str) -> None:
    record_choice(ctx, A1, student_id, "correctness", ChoiceRequest(level="Proficient"))
    record_choice(ctx, A1, student_id, "style", ChoiceRequest(items=("Dead code",)))


def test_progress_by_submission_counts_graded_and_excused_as_done(ctx: CourseContext) -> None:
    owners = split(ctx, ["ann", "ben"])
    anns = [s for s, g in owners.items() if g == "ann"]
    bens = [s for s, g in owners.items() if g == "ben"]
    grade_fully(ctx, anns[0])
    record_choice(ctx, A1, anns[1], "correctness", ChoiceRequest(level="Missing"))  # in progress only
    set_excused(ctx, A1, bens[0], True, "ill")

    found = split_progress(ctx, A1)
    assert found is not None and found.mode is SplitMode.SUBMISSIONS
    statuses = {r.student_id: r.status for r in submission_statuses(ctx, [A1])}
    expected = tuple(
        GraderProgress(g, sum(statuses[s] in DONE for s in mine), len(mine))
        for g, mine in (("ann", anns), ("ben", bens))
    )
    assert found.graders == expected
    assert expected == (GraderProgress("ann", 1, 3), GraderProgress("ben", 1, 2))


def test_progress_by_criterion_counts_each_criterion_on_every_submission(ctx: CourseContext) -> None:
    assert split(ctx, ["ann", "ben"], SplitMode.CRITERIA) == {"correctness": "ann", "style": "ben"}
    for student_id in ("00123", "00124"):
        record_choice(ctx, A1, student_id, "correctness", ChoiceRequest(level="Exemplary"))
    record_choice(ctx, A1, "00125", "style", ChoiceRequest(items=()))
    record_choice(ctx, A1, "00126", "style", ChoiceRequest(comment="a comment scores nothing"))
    set_excused(ctx, A1, "00127", True, "ill")

    found = split_progress(ctx, A1)
    assert found is not None
    assert found.graders == (GraderProgress("ann", 3, 5), GraderProgress("ben", 2, 5))


def test_no_split_no_progress(ctx: CourseContext) -> None:
    assert split_progress(ctx, A1) is None


def kept(ctx: CourseContext, wanted: SubmissionFilter) -> list[str]:
    listing = SubmissionList(ctx, A1)
    *_, indexes = listing.matching(resolve_mine(ctx, A1, wanted))
    assert isinstance(indexes, list)
    return [listing.students[i].student_id for i in indexes]


def test_mine_keeps_what_the_split_gives_the_acting_grader(ctx: CourseContext) -> None:
    owners = split(ctx, ["ANN", "ben"])  # the actor "ann" matches in any case
    mine = mine_toggled(SubmissionFilter())
    assert isinstance(mine, TeamFilter) and mine.mine and not mine.is_empty
    assert kept(ctx, mine) == [s for s, g in owners.items() if g == "ANN"] == ["00123", "00125", "00127"]
    grade_fully(ctx, "00125")
    assert kept(ctx, TeamFilter(status="graded", mine=True)) == ["00125"]  # with the other filters
    assert kept(ctx, TeamFilter(text="Zoë", mine=True)) == ["00123"]
    assert mine_toggled(mine).is_empty  # toggled again: everyone


def test_mine_by_criterion_keeps_the_submissions_still_lacking_one_of_my_criteria(ctx: CourseContext) -> None:
    split(ctx, ["ann", "ben"], SplitMode.CRITERIA)  # ann: correctness
    record_choice(ctx, A1, "00123", "correctness", ChoiceRequest(level="Exemplary"))
    record_choice(ctx, A1, "00124", "style", ChoiceRequest(items=()))  # ben's criterion: not mine
    set_excused(ctx, A1, "00127", True, "ill")
    assert kept(ctx, TeamFilter(mine=True)) == ["00124", "00125", "00126"]


def test_mine_says_why_when_nothing_is_mine(ctx: CourseContext) -> None:
    with pytest.raises(GraderError, match=r"a1-calculator has no work split.*grader assign a1-calculator"):
        kept(ctx, TeamFilter(mine=True))
    split(ctx, ["ben", "cat"])
    with pytest.raises(
        GraderError, match=r"nothing of a1-calculator is split to ann \(the split names ben, cat\)"
    ):
        kept(ctx, TeamFilter(mine=True))
