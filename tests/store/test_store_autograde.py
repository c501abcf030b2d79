"""The autograde layer in the store: runs appended, current results beside the graders' choices,
one grade event per result, summaries kept in the same transaction, the cache, capped output."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError
from store_helpers import NOW, save

from grader.domain.autograde import CheckResult, RunStatus, TestOutcome
from grader.domain.choices import CriterionChoice
from grader.domain.events import AutogradeRun, ChoiceChange, EventSource
from grader.store import Store
from grader.store.autograde_runs import STORED_OUTPUT
from grader.store.quick import QuickReader
from grader.store.summary_values import Key, SubmissionSummary, SummaryInput

TESTS = (TestOutcome("test_add", "passed", Decimal(10)), TestOutcome("test_div", "failed", Decimal(0)))


def result(status: RunStatus, points: str | None, **extra: object) -> CheckResult:
    values: dict[str, object] = {
        "status": status,
        "points": None if points is None else Decimal(points),
        "max_points": Decimal(20),
        "exit_code": 0 if status is RunStatus.PASSED else 1,
        "duration_s": 0.25,
        "reason": f"{status.value} for a reason",
        "output": "ran\n",
        "sandbox": "bwrap",
    }
    values.update(extra)
    return CheckResult(**values)  # type: ignore[arg-type]


def run(
    student: str,
    found: CheckResult,
    *,
    commit: str = "c1",
    criterion: str = "tests",
    reused: int | None = None,
) -> AutogradeRun:
    return AutogradeRun("hw1", student, criterion, commit, "digest-1", found, "rubric-hash", reused)


def record(store: Store, *runs: AutogradeRun, minutes: int = 0) -> list[int]:
    return store.record_autograde(runs, actor="autograder-test", now=NOW + timedelta(minutes=minutes))


def test_a_recorded_run_is_the_autograde_layer_of_the_grade(store: Store) -> None:
    (run_id,) = record(store, run("s1", result(RunStatus.PARTIAL, "10", tests=TESTS)))

    grade = store.grade("hw1", "s1")
    score = grade.autograde["tests"]
    assert (score.status, score.points, score.tests_passed, score.tests_total) == (
        "partial",
        Decimal(10),
        1,
        2,
    )
    assert (score.reason, score.sandbox) == ("partial for a reason", "bwrap")
    assert grade.choices == {} and grade.version == 0  # the graders' layer is untouched
    assert store.grades("hw1")["s1"].autograde == grade.autograde
    assert store.grades_of("hw1", ["s1", "s2"])["s1"].autograde == grade.autograde
    latest = store.latest_runs("hw1", with_output=True)["s1"]["tests"]
    assert (latest.run_id, latest.commit, latest.actor, latest.ran_at) == (
        run_id,
        "c1",
        "autograder-test",
        NOW,
    )
    assert latest.result == result(RunStatus.PARTIAL, "10", tests=TESTS)
    assert store.latest_runs("hw1")["s1"]["tests"].result.output == ""  # lists read no output


def test_every_recorded_result_is_a_grade_event_from_the_autograder(store: Store) -> None:
    record(store, run("s1", result(RunStatus.PASSED, "20")))
    record(store, run("s1", result(RunStatus.ERROR, None)), minutes=1)

    events = store.events("hw1", "s1")
    assert [(e.source, e.actor, e.criterion_id) for e in events] == [
        (EventSource.AUTOGRADER, "autograder-test", "tests")
    ] * 2
    assert [(e.old.points, e.new.points) for e in events] == [(None, Decimal(20)), (Decimal(20), Decimal(20))]
    assert store.replay("hw1") == {}  # the graders' choices are rebuilt without them


def test_a_run_without_a_score_never_takes_a_score_away(store: Store) -> None:
    record(store, run("s1", result(RunStatus.PASSED, "20")))
    record(store, run("s1", result(RunStatus.ERROR, None, reason="the sandbox failed")), minutes=1)

    score = store.grade("hw1", "s1").autograde["tests"]
    assert (score.status, score.points, score.reason) == ("error", Decimal(20), "the sandbox failed")
    assert [r.result.status for r in store.runs("hw1", "s1")] == [RunStatus.PASSED, RunStatus.ERROR]


def test_a_timeout_after_a_pass_scores_what_its_tests_earned(store: Store) -> None:
    record(store, run("s1", result(RunStatus.PASSED, "20")))
    record(store, run("s1", result(RunStatus.TIMEOUT, "0")), minutes=1)

    score = store.grade("hw1", "s1").autograde["tests"]
    assert (score.status, score.points) == ("timeout", Decimal(0))


def test_no_run_yet_with_an_error_leaves_the_criterion_unscored(store: Store) -> None:
    record(store, run("s1", result(RunStatus.REFUSED, None)))

    score = store.grade("hw1", "s1").autograde["tests"]
    assert (score.status, score.points) == ("refused", None)


def test_a_grader_choice_and_its_version_are_untouched_by_runs(store: Store) -> None:
    save(store, [ChoiceChange("hw1", "s1", "tests", CriterionChoice(points=Decimal(15), comment="by hand"))])
    record(store, run("s1", result(RunStatus.TIMEOUT, "0")))

    grade = store.grade("hw1", "s1")
    assert grade.choices["tests"] == CriterionChoice(points=Decimal(15), comment="by hand")
    assert grade.version == 1
    assert grade.autograde["tests"].status == "timeout"


def test_the_summary_is_recomputed_from_the_results_in_the_same_transaction(store: Store) -> None:
    seen: list[SummaryInput] = []

    def summarize(inputs: Sequence[SummaryInput]) -> dict[Key, SubmissionSummary]:
        seen.extend(inputs)
        return {
            (i.assignment_id, i.student_id): SubmissionSummary(
                "stamp",
                "pulled",
                Decimal(i.grade.autograde["tests"].points or 0) if i.grade else None,
                Decimal(20),
                False,
                True,
                False,
                False,
                False,
                (),
            )
            for i in inputs
        }

    store.record_autograde(
        [run("s1", result(RunStatus.PASSED, "20"))], actor="a", now=NOW, summarize=summarize
    )

    assert [(i.student_id, i.grade.autograde["tests"].points if i.grade else None) for i in seen] == [
        ("s1", Decimal(20))
    ]
    (group,) = store.summaries.groups("hw1")
    assert (group.stamp, group.score) == ("stamp", Decimal(20))


def test_a_batch_is_recorded_all_or_nothing(store: Store) -> None:
    def failing(inputs: Sequence[SummaryInput]) -> dict[Key, SubmissionSummary]:
        raise RuntimeError("summary failed")

    with pytest.raises(RuntimeError):
        store.record_autograde(
            [run("s1", result(RunStatus.PASSED, "20")), run("s2", result(RunStatus.FAILED, "0"))],
            actor="a",
            now=NOW,
            summarize=failing,
        )

    assert store.grades("hw1") == {} and store.events("hw1") == [] and store.latest_runs("hw1") == {}


def test_a_recorded_result_marks_the_summary_stale_without_a_summarizer(store: Store) -> None:
    record(store, run("s1", result(RunStatus.PASSED, "20")))

    assert store.summaries.student_ids("hw1", not_at="anything") == ["s1"]
    (group,) = store.summaries.groups("hw1")
    assert group.stamp == ""


def test_output_is_capped_with_the_cut_said_and_nul_replaced(store: Store) -> None:
    huge = "start\x00\n" + "é" * 400_000 + "\nsummary: 3 failed\n"
    record(store, run("s1", result(RunStatus.FAILED, "0", output=huge, reason="bad\x00reason")))

    stored = store.latest_runs("hw1", with_output=True)["s1"]["tests"].result
    assert len(stored.output.encode()) <= STORED_OUTPUT and stored.output_truncated
    assert stored.output.startswith("start\ufffd\n") and stored.output.endswith("summary: 3 failed\n")
    assert "bytes of output cut here by the gradebook" in stored.output
    assert stored.reason == "bad\ufffdreason"


def test_the_cache_finds_the_newest_scored_run_of_the_same_commit_check_and_sandbox(store: Store) -> None:
    first, _ = record(
        store, run("s1", result(RunStatus.PASSED, "20")), run("s2", result(RunStatus.FAILED, "0"))
    )
    (second,) = record(store, run("s1", result(RunStatus.PARTIAL, "10")), minutes=1)
    record(store, run("s1", result(RunStatus.ERROR, None)), minutes=2)
    record(store, run("s1", result(RunStatus.PASSED, "20"), commit="c2"), minutes=3)

    wanted = [
        ("s1", "tests", "c1", "digest-1", "bwrap"),
        ("s1", "tests", "c1", "digest-1", "unshare"),
        ("s1", "tests", "c1", "digest-2", "bwrap"),
        ("s3", "tests", "c1", "digest-1", "bwrap"),
    ]
    found = store.reusable_runs("hw1", wanted)
    assert list(found) == [wanted[0]]
    assert found[wanted[0]].run_id == second and found[wanted[0]].result.points == Decimal(10)
    assert first != second


def test_a_reused_run_becomes_current_again_without_being_stored_twice(store: Store) -> None:
    (old,) = record(store, run("s1", result(RunStatus.PASSED, "20")))
    record(store, run("s1", result(RunStatus.FAILED, "0"), commit="c2"), minutes=1)
    stored = store.reusable_runs("hw1", [("s1", "tests", "c1", "digest-1", "bwrap")])

    (again,) = record(
        store, run("s1", stored[("s1", "tests", "c1", "digest-1", "bwrap")].result, reused=old), minutes=2
    )

    assert again == old
    assert len(store.runs("hw1", "s1")) == 2
    assert store.grade("hw1", "s1").autograde["tests"].points == Decimal(20)
    assert len(store.events("hw1", "s1")) == 3


def test_several_criteria_and_students_in_one_batch(store: Store) -> None:
    record(
        store,
        run("s1", result(RunStatus.PASSED, "20")),
        run("s1", result(RunStatus.FAILED, "0"), criterion="lint"),
        run("s2", result(RunStatus.TIMEOUT, "0")),
        run("s2", replace(result(RunStatus.PASSED, "20"), sandbox="trusted")),  # later in the batch: current
    )

    grades = store.grades("hw1")
    assert {c: s.status for c, s in grades["s1"].autograde.items()} == {"tests": "passed", "lint": "failed"}
    assert (grades["s2"].autograde["tests"].status, grades["s2"].autograde["tests"].sandbox) == (
        "passed",
        "trusted",
    )
    assert len(store.runs("hw1", "s2")) == 2


def test_the_database_refuses_to_change_or_delete_a_run(store: Store, store_url: str) -> None:
    record(store, run("s1", result(RunStatus.FAILED, "0")))
    engine = create_engine(store_url)
    try:
        for statement in ("UPDATE autograde_run SET points = '20'", "DELETE FROM autograde_run"):
            with (
                pytest.raises(DBAPIError, match="autograde runs are append-only"),
                engine.begin() as connection,
            ):
                connection.execute(text(statement))
    finally:
        engine.dispose()
    assert store.runs("hw1", "s1")[0].result.points == Decimal(0)


def test_the_quick_read_only_view_reads_the_autograde_layer_alike(
    sqlite_store: Store, sqlite_file: Path
) -> None:
    save(sqlite_store, [ChoiceChange("hw1", "s1", "style", CriterionChoice(level="Good"))])
    record(
        sqlite_store,
        run("s1", result(RunStatus.PARTIAL, "10", tests=TESTS)),
        run("s2", result(RunStatus.ERROR, None)),
    )

    view = QuickReader(sqlite_file)
    try:
        quick = view.grades_of("hw1", ["s1", "s2", "s3"])
    finally:
        view.close()
    assert quick == sqlite_store.grades_of("hw1", ["s1", "s2", "s3"])
    assert quick["s1"].autograde["tests"].tests_passed == 1 and quick["s2"].autograde["tests"].points is None


def test_the_rubric_check_reads_past_the_autograders_events(sqlite_store: Store, sqlite_file: Path) -> None:
    save(sqlite_store, [ChoiceChange("hw1", "s1", "style", CriterionChoice(level="Good"))])
    record(sqlite_store, run("s1", result(RunStatus.PASSED, "20")))

    newest, choices = sqlite_store.choices_since("hw1", 0) or (0, [])
    assert choices == [("style", CriterionChoice(level="Good"))]  # the autograder's event is no choice
    view = QuickReader(sqlite_file)
    try:
        assert view.choices_since("hw1", 0) == (newest, choices)
    finally:
        view.close()
