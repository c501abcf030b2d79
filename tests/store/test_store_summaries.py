"""Submission summaries in the store: written in the saving transaction, marked stale by the
database itself whenever their inputs change otherwise, counted in grouped queries."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from decimal import Decimal

import pytest
from sqlalchemy import create_engine
from store_helpers import NOW, save

from grader.domain.choices import CriterionChoice
from grader.domain.errors import ConflictError
from grader.domain.events import ChoiceChange, EventSource
from grader.domain.pulls import PullState
from grader.domain.submission import Observation
from grader.store import Store, open_store
from grader.store.summary_values import STALE, Key, SubmissionSummary, SummaryGroup, SummaryInput

STAMP = "stamp-1"
GOOD = CriterionChoice(level="Good")
POOR = CriterionChoice(level="Poor")


def by_choices(inputs: Sequence[SummaryInput]) -> dict[Key, SubmissionSummary]:
    """A summary that shows what it was computed from: the choices, flag, excuse and pull seen."""
    found = {}
    for item in inputs:
        grade, pull = item.grade, item.pull
        levels = sorted(c.level or "" for c in grade.choices.values()) if grade else []
        found[(item.assignment_id, item.student_id)] = SubmissionSummary(
            stamp=STAMP,
            status="+".join(levels) or "nothing",
            score=Decimal(len(levels)) / 4,
            max_score=Decimal("2.50"),
            final=len(levels) == 2,
            pulled=pull is not None and pull.graded_commit is not None,
            excused=bool(grade and grade.excused),
            flagged=bool(grade and grade.flag_note),
            mastery_graded=len(levels) == 2,
            skills=(("python", Decimal(len(levels)), Decimal(2)),),
            unscored=() if len(levels) == 2 else ("c2",),
        )
    return found


def leaves_out_s2(inputs: Sequence[SummaryInput]) -> dict[Key, SubmissionSummary]:
    return {key: value for key, value in by_choices(inputs).items() if key[1] != "s2"}


def pull_state(student: str, commit: str | None) -> tuple[Observation, PullState]:
    observation = Observation(NOW, "cloned", "", "refs/heads/main", commit)
    return observation, PullState("hw1", student, "cloned", "", commit, 0, (), NOW, commit)


def stored(store: Store, student: str) -> SubmissionSummary:
    """The stored summary (compared with a summarizer that computes nothing, it always differs)."""
    found = store.summaries.compare("hw1", [student], lambda inputs: {})
    assert found and found[0][1] is not None, f"no summary of {student}"
    return found[0][1]


def test_a_save_stores_the_summary_of_what_it_saved(store: Store) -> None:
    save(store, [ChoiceChange("hw1", "s1", "c1", GOOD)])
    store.save(
        [ChoiceChange("hw1", "s1", "c2", POOR), ChoiceChange("hw1", "s2", "c1", POOR)],
        actor="ann",
        rubric_hash="h",
        source=EventSource.GRADER,
        now=NOW,
        summarize=by_choices,
    )

    s1 = stored(store, "s1")
    assert (s1.status, s1.score, s1.max_score, s1.final, s1.stamp) == (
        "Good+Poor",
        Decimal("0.5"),
        2.5,
        True,
        STAMP,
    )
    assert s1.skills == (("python", Decimal(2), Decimal(2)),) and s1.unscored == ()
    assert stored(store, "s2").status == "Poor"
    assert store.summaries.compare("hw1", ["s1", "s2"], by_choices) == []


def test_every_kind_of_write_recomputes_its_summary_or_leaves_it_stale(store: Store) -> None:
    writes = {
        "save": lambda summarize: store.save(
            [ChoiceChange("hw1", "s1", "c1", POOR if summarize is None else GOOD)],
            actor="ann",
            rubric_hash="h",
            source=EventSource.GRADER,
            now=NOW,
            summarize=summarize,
        ),
        "flag": lambda summarize: store.set_flag(
            "hw1", "s1", "look", actor="ann", now=NOW, summarize=summarize
        ),
        "excuse": lambda summarize: store.set_excused(
            "hw1", "s1", True, "ill", actor="ann", now=NOW, summarize=summarize
        ),
        "pull": lambda summarize: store.record_pulls([pull_state("s1", "a" * 40)], summarize=summarize),
        "extension": lambda summarize: store.set_pull_state(
            pull_state("s1", "b" * 40)[1], summarize=summarize
        ),
    }
    for name, write in writes.items():
        write(by_choices)
        assert store.summaries.student_ids("hw1", not_at=STAMP) == [], name
        assert store.summaries.compare("hw1", ["s1"], by_choices) == [], name
        write(None)
        assert store.summaries.student_ids("hw1", not_at=STAMP) == ["s1"], name
        store.summaries.rebuild("hw1", ["s1"], STAMP, by_choices)
    summary = stored(store, "s1")
    assert (summary.status, summary.flagged, summary.excused, summary.pulled) == ("Poor", True, True, True)


def test_writes_that_bypass_grader_mark_the_summary_stale(store_url: str) -> None:
    with open_store(store_url) as store:
        save(store, [ChoiceChange("hw1", "s1", "c1", GOOD)])
        store.record_pulls([pull_state("s1", "a" * 40)])
    statements = [
        "UPDATE criterion_choice SET level = 'Poor'",
        "DELETE FROM criterion_choice",
        "INSERT INTO criterion_choice (submission_id, criterion_id, level, updated_by, updated_at) "
        "VALUES (1, 'c3', 'Good', 'x', 'y')",
        "UPDATE submission SET flags = '[\"x\"]'",
        "UPDATE submission SET excused = true",
        "UPDATE pull_state SET late_minutes = 5",
    ]
    engine = create_engine(store_url)
    try:
        for statement in statements:
            with open_store(store_url) as store:
                store.summaries.rebuild("hw1", ["s1"], STAMP, by_choices)
                assert store.summaries.student_ids("hw1", not_at=STAMP) == []
            with engine.begin() as raw:
                raw.exec_driver_sql(statement)
            with open_store(store_url) as store:
                assert store.summaries.student_ids("hw1", not_at=STAMP) == ["s1"], statement
    finally:
        engine.dispose()


def test_a_refused_save_leaves_the_summary_as_it_was(store: Store) -> None:
    store.save(
        [ChoiceChange("hw1", "s1", "c1", GOOD)],
        actor="ann",
        rubric_hash="h",
        source=EventSource.GRADER,
        now=NOW,
        summarize=by_choices,
    )
    with pytest.raises(ConflictError):
        store.save(
            [ChoiceChange("hw1", "s1", "c1", POOR, expected_version=0)],
            actor="bob",
            rubric_hash="h",
            source=EventSource.GRADER,
            now=NOW,
            summarize=by_choices,
        )
    assert stored(store, "s1").status == "Good"
    assert store.summaries.compare("hw1", ["s1"], by_choices) == []


def test_a_submission_the_summarizer_cannot_compute_stays_stale(store: Store) -> None:
    changes = [ChoiceChange("hw1", s, "c1", GOOD) for s in ("s1", "s2")]
    store.save(
        changes, actor="ann", rubric_hash="h", source=EventSource.GRADER, now=NOW, summarize=leaves_out_s2
    )
    assert store.summaries.student_ids("hw1", not_at=STAMP) == ["s2"]
    ((student, summary, expected),) = store.summaries.compare("hw1", ["s1", "s2"], by_choices)
    assert student == "s2" and summary is not None and summary.stamp == STALE
    assert expected is not None and expected.status == "Good"


def test_the_census_counts_groups_of_roster_students_only(store: Store) -> None:
    changes = [ChoiceChange("hw1", f"s{n}", "c1", GOOD if n % 2 else POOR) for n in range(6)]
    store.save(
        changes, actor="ann", rubric_hash="h", source=EventSource.GRADER, now=NOW, summarize=by_choices
    )
    store.record_pulls([pull_state("s1", "a" * 40)], summarize=by_choices)

    groups, present = store.summaries.census("hw1", {"s0", "s1", "s2", "s3", "nobody"})

    assert present == 4
    assert sorted(groups, key=lambda g: (g.status, g.pulled)) == [
        SummaryGroup(STAMP, "Good", False, Decimal("0.25"), Decimal("2.5"), 1),
        SummaryGroup(STAMP, "Good", True, Decimal("0.25"), Decimal("2.5"), 1),
        SummaryGroup(STAMP, "Poor", False, Decimal("0.25"), Decimal("2.5"), 2),
    ]
    assert sum(g.count for g in store.summaries.groups("hw1")) == 6


def test_a_rebuild_recomputes_only_what_is_not_at_the_stamp_unless_told(store: Store) -> None:
    seen: list[str] = []

    def recording(inputs: Sequence[SummaryInput]) -> dict[Key, SubmissionSummary]:
        seen.extend(item.student_id for item in inputs)
        return by_choices(inputs)

    save(store, [ChoiceChange("hw1", s, "c1", GOOD) for s in ("s1", "s2", "s3")])
    store.summaries.rebuild("hw1", ["s1"], STAMP, recording)
    assert store.summaries.rebuild("hw1", ["s1", "s2", "s3"], STAMP, recording) == 2
    assert seen == ["s1", "s2", "s3"]
    assert store.summaries.rebuild("hw1", ["s1", "s9"], None, recording) == 2
    assert seen[-2:] == ["s1", "s9"]
    assert stored(store, "s9").status == "nothing"


def test_mastery_is_summed_per_roster_student_in_student_order_at_the_stamps(store: Store) -> None:
    both = [ChoiceChange(a, "s2", c, GOOD) for a in ("hw1", "hw2") for c in ("c1", "c2")]
    store.save(both, actor="ann", rubric_hash="h", source=EventSource.GRADER, now=NOW, summarize=by_choices)
    save(store, [ChoiceChange("hw1", "s1", "c1", GOOD), ChoiceChange("hw1", "gone", "c1", GOOD)])
    store.summaries.rebuild("hw1", ["s1", "gone"], STAMP, by_choices)
    store.save(
        [ChoiceChange("hw2", "s1", "c1", POOR)],
        actor="ann",
        rubric_hash="h",
        source=EventSource.GRADER,
        now=NOW,
    )

    s1, s2 = store.summaries.mastery_by_student({"hw1": STAMP, "hw2": STAMP}, {"s1", "s2"})

    assert (s1.student_id, s1.skills, s1.graded, s1.unscored) == (
        "s1",
        {"python": [Decimal(1), Decimal(2)]},
        set(),
        {"hw1": ("c2",)},
    )
    assert s1.outdated == ["hw2"]  # saved without a summarizer: stale, left out
    assert (s2.student_id, s2.skills, s2.graded, s2.outdated) == (
        "s2",
        {"python": [Decimal(4), Decimal(4)]},
        {"hw1", "hw2"},
        [],
    )
    assert list(store.summaries.mastery_by_student({"other": STAMP}, {"s1"})) == []


def test_a_write_to_a_submission_being_saved_waits_and_summarizes_both(store: Store) -> None:
    inside, release = threading.Event(), threading.Event()

    def held(inputs: Sequence[SummaryInput]) -> dict[Key, SubmissionSummary]:
        inside.set()  # the save has written and read its inputs; its transaction is open
        assert release.wait(30)
        return by_choices(inputs)

    def grade() -> None:
        store.save(
            [ChoiceChange("hw1", "s1", "c1", GOOD)],
            actor="ann",
            rubric_hash="h",
            source=EventSource.GRADER,
            now=NOW,
            summarize=held,
        )

    pulled = threading.Event()

    def pull() -> None:
        store.record_pulls([pull_state("s1", "a" * 40)], summarize=by_choices)
        pulled.set()

    grading = threading.Thread(target=grade)
    grading.start()
    assert inside.wait(30)
    pulling = threading.Thread(target=pull)
    pulling.start()
    assert not pulled.wait(0.5), "the pull must wait for the open save of the same submission"
    release.set()
    grading.join(30)
    pulling.join(30)
    assert pulled.is_set()

    summary = stored(store, "s1")
    assert (summary.status, summary.pulled) == ("Good", True)
    assert store.summaries.compare("hw1", ["s1"], by_choices) == []
