"""The TUI's moderation loaders on both backends: a grader's queue with each moderator's own
counts, and one submission opened for blind second marking (refused when not theirs to mark)."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.domain.errors import GraderError
from grader.domain.moderation import SampleSize
from grader.gradebook.context import open_course
from grader.gradebook.grading import ChoiceRequest, record_choice
from grader.gradebook.moderation import record_second_mark, sample_for_moderation
from grader.gradebook.second_marking import open_second_marking, read_moderation_queue

A1 = "a1-calculator"


@pytest.fixture
def queued(course_dir: Path, database_url: str | None) -> dict[str, str]:
    """Ann first-marked 00123 and 00124 (with a comment); both queued: student id → moderator."""
    with open_course(course_dir, database_url=database_url, actor="ann") as ann:
        for sid in ("00123", "00124"):
            record_choice(ann, A1, sid, "correctness", ChoiceRequest(level="Proficient", comment="first!"))
            record_choice(ann, A1, sid, "style", ChoiceRequest(items=("Dead code",)))
        run = sample_for_moderation(
            ann, A1, SampleSize(count=2), seed=0, per_grader=False, moderators=["ben", "cy"]
        )
    return {q.student_id: q.moderator for q in run.added}


def test_the_queue_counts_each_moderators_own_second_marks(
    course_dir: Path, database_url: str | None, queued: dict[str, str]
) -> None:
    bens = next(sid for sid, moderator in queued.items() if moderator == "ben")
    cys = next(sid for sid, moderator in queued.items() if moderator == "cy")
    with open_course(course_dir, database_url=database_url, actor="ben") as ben:
        record_second_mark(ben, A1, bens, "correctness", ChoiceRequest(level="Exemplary"))
        record_second_mark(ben, A1, cys, "correctness", ChoiceRequest(level="Exemplary"))  # not his
        queue = read_moderation_queue(ben, A1)
        manual = len(ben.files.rubric(A1).manual_criteria)
    assert [(r.student.student_id, r.moderator, r.marked, r.manual) for r in queue.mine] == [
        (bens, "ben", 1, manual)
    ]
    assert [(r.student.student_id, r.moderator, r.marked) for r in queue.others] == [(cys, "cy", 0)]
    assert not queue.mine[0].done and not queue.mine[0].first_marked_by_actor
    assert queue.to_mark_after(bens) is None  # his only one is open
    with open_course(course_dir, database_url=database_url, actor="ann") as ann:
        as_ann = read_moderation_queue(ann, A1)
    assert not as_ann.mine and all(r.first_marked_by_actor for r in as_ann.others)


def test_a_submission_opens_with_only_the_moderators_marks_and_is_refused_to_others(
    course_dir: Path, database_url: str | None, queued: dict[str, str]
) -> None:
    bens = next(sid for sid, moderator in queued.items() if moderator == "ben")
    with open_course(course_dir, database_url=database_url, actor="ben") as ben:
        assert open_second_marking(ben, A1, bens).marks == {}  # not ann's Proficient, nor her comment
        record_second_mark(ben, A1, bens, "style", ChoiceRequest(items=()))
        opened = open_second_marking(ben, A1, bens)
        assert {cid: c.to_dict() for cid, c in opened.marks.items()} == {"style": {"items": []}}
        with pytest.raises(GraderError, match="00125's a1-calculator submission is not queued"):
            open_second_marking(ben, A1, "00125")
    for actor, refusal in (
        ("cy", "queued for ben to second-mark, not for cy"),
        ("ann", f"ann first-marked {bens}'s a1-calculator submission and cannot second-mark it"),
    ):
        with (
            open_course(course_dir, database_url=database_url, actor=actor) as other,
            pytest.raises(GraderError, match=refusal),
        ):
            open_second_marking(other, A1, bens)
