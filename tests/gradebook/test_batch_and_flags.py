"""Batch-applying a choice, flags and excused submissions, seen through status, exports and mastery."""

from __future__ import annotations

from decimal import Decimal

import pytest

from grader.domain.errors import GraderError
from grader.domain.events import EventSource
from grader.domain.progress import Progress
from grader.exports.formats import ExportFormat
from grader.gradebook.batch import BatchApplied, batch_apply
from grader.gradebook.context import CourseContext
from grader.gradebook.export_grades import GradesRequest, build_export
from grader.gradebook.flagging import clear_flag, set_excused, set_flag
from grader.gradebook.grading import ChoiceRequest, record_choice
from grader.gradebook.mastery import mastery_report
from grader.gradebook.status import EXCUSED, IN_PROGRESS, submission_statuses

A1 = "a1-calculator"


def _status(ctx: CourseContext, student_id: str):  # type: ignore[no-untyped-def]
    return next(r for r in submission_statuses(ctx, [A1]) if r.student_id == student_id)


def test_batch_apply_saves_one_event_per_student_and_goes_on_after_a_failure(ada: CourseContext) -> None:
    record_choice(ada, A1, "00124", "style", ChoiceRequest(items=()))
    out = list(
        batch_apply(ada, A1, "correctness", ChoiceRequest(level="Developing"), ["00123", "nobody", "00124"])
    )

    applied = [item for item in out if isinstance(item, BatchApplied)]
    assert [(a.student_id, a.version) for a in applied] == [("00123", 1), ("nobody", None), ("00124", 2)]
    assert applied[1].error is not None and "unknown student 'nobody'" in applied[1].error
    assert [a.warning for a in applied] == ["", "", ""]
    progress = [item for item in out if isinstance(item, Progress)]
    assert (progress[0].done, progress[-1].done, progress[-1].total) == (0, 3, 3)
    for student_id in ("00123", "00124"):
        event = ada.store.events(A1, student_id)[-1]
        assert (event.source, event.new.level, event.actor) == (EventSource.BATCH, "Developing", "Ada")
    assert _status(ada, "00124").criteria[1].choice.items == ()  # the other criterion is kept


def test_a_bad_batch_request_saves_nothing(ada: CourseContext) -> None:
    with pytest.raises(GraderError, match="has no level 'Great'"):
        list(batch_apply(ada, A1, "correctness", ChoiceRequest(level="Great"), ["00123"]))
    with pytest.raises(GraderError, match="has no criterion 'nope'"):
        list(batch_apply(ada, A1, "nope", ChoiceRequest(level="Great"), ["00123"]))

    assert ada.store.grades(A1) == {}


def test_a_flag_is_shown_beside_the_status_until_cleared(ada: CourseContext) -> None:
    record_choice(ada, A1, "00123", "correctness", ChoiceRequest(level="Exemplary"))

    set_flag(ada, A1, "00123", "  same code as 00124  ")

    row = _status(ada, "00123")
    assert (row.status, row.flagged, row.flag_note, row.version, str(row.score)) == (
        IN_PROGRESS,
        True,
        "same code as 00124",
        1,
        "40",
    )
    assert "flagged: same code as 00124" in row.flags
    clear_flag(ada, A1, "00123")
    cleared = _status(ada, "00123")
    assert (cleared.status, cleared.flagged, cleared.flag_note) == (IN_PROGRESS, False, "")
    assert not any(flag.startswith("flagged") for flag in cleared.flags)


def test_flags_and_excuses_check_their_input(ada: CourseContext) -> None:
    with pytest.raises(GraderError, match="a flag needs a note"):
        set_flag(ada, A1, "00123", "   ")
    with pytest.raises(GraderError, match="unknown student"):
        set_excused(ada, A1, "nobody", True, "")
    with pytest.raises(GraderError, match="keep it under"):
        set_flag(ada, A1, "00123", "x" * 5000)
    assert ada.store.audit_entries() == []


def test_an_excused_submission_has_no_score_and_counts_nowhere(ada: CourseContext) -> None:
    record_choice(ada, A1, "00123", "correctness", ChoiceRequest(level="Missing"))
    record_choice(ada, A1, "00123", "style", ChoiceRequest(items=("Unclear names", "Dead code")))
    record_choice(ada, A1, "00123", "tests", ChoiceRequest(points=Decimal(0)))  # final: it counts
    before = mastery_report(ada, "00123").mastery["00123"]
    assert "python-basics" in before.skills

    set_excused(ada, A1, "00123", True, "medical leave")

    row = _status(ada, "00123")
    assert (row.status, row.score, row.excused) == (EXCUSED, None, True)
    after = mastery_report(ada, "00123").mastery["00123"]
    assert after.skills == {}
    assert A1 in after.graded_assignments  # an excused assignment blocks no badge
    wide = _export(ada, ExportFormat.WIDE)
    line = next(line for line in wide.splitlines() if line.startswith("00123,"))
    assert line.endswith(",EX")
    set_excused(ada, A1, "00123", False, "")
    assert (_status(ada, "00123").status, str(_status(ada, "00123").score)) == ("graded", "12")


def _export(ctx: CourseContext, fmt: ExportFormat) -> str:
    items = list(build_export(ctx, GradesRequest(fmt=fmt), now=0))
    text = items[-1].text  # type: ignore[union-attr]
    assert isinstance(text, str)
    return text
