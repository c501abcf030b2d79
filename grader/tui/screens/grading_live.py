"""The Grading screen's live updates: a choice another grader saves on the submission shown
appears in place, within about two seconds, focus and the grader's own unsaved choices kept.

:class:`GradingLive` is a base of the Grading screen, which provides the state. On each
``GradebookChanged`` naming the submission shown, its grade is read again in a worker and merged
(grader.gradebook.live.merge_grade): a criterion someone else changed shows their choice unless
the grader's own choice on it is not saved yet (its save then meets theirs: the conflict dialog).
The save queue is told which criteria the grader has now seen (SawTheirs), so a choice made on
one of them from here on is based on theirs, not refused as a conflict.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from textual import on
from textual.message import Message
from textual.message_pump import MessagePump

from grader.domain.events import SubmissionGrade
from grader.gradebook.context import CourseContext
from grader.gradebook.live import merge_grade, read_grade
from grader.tui.data.loaded_submission import shown_id
from grader.tui.grading.saves import ChoiceSaved, SawTheirs
from grader.tui.live import GradebookChanged, LiveUpdatesFailed, follow_gradebook, stop_following
from grader.tui.navigation import navigator
from grader.tui.safe import safe_plain
from grader.tui.screens.grading_parts import GradingParts

LIVE = "grading-live"
"""The worker group reading a grade again after another grader's change."""


class GradeReread(Message):
    def __init__(self, student_id: str, grade: SubmissionGrade) -> None:
        super().__init__()
        self.student_id = student_id
        self.grade = grade


def reread(target: MessagePump, ctx: CourseContext, assignment_id: str, student_id: str) -> None:
    target.post_message(GradeReread(student_id, read_grade(ctx, assignment_id, student_id)))


class GradingLive(GradingParts):
    """Live updates on the Grading screen (see the module docstring)."""

    def on_mount(self) -> None:
        self.own_versions: dict[str, int] = {}
        """Per student, the grade version the grader's own latest save made: a read older than
        that is stale (it was started before the save) and is not merged."""
        follow_gradebook(self, self.ctx)

    def on_unmount(self) -> None:
        stop_following(self)

    @on(GradebookChanged)
    def grade_moved(self, event: GradebookChanged) -> None:
        changes = event.changes
        if self.loaded is None or not (
            changes.everything or self.student_id in changes.students_of(self.assignment_id)
        ):
            return
        work = partial(reread, self, self.ctx, self.assignment_id, self.student_id)
        self.run_worker(work, thread=True, exclusive=True, group=LIVE, exit_on_error=False)

    @on(ChoiceSaved)
    def saved_is_known(self, event: ChoiceSaved) -> None:
        """What the gradebook holds now, for the next merge: the grader's own choice."""
        known = self.own_versions.get(event.student_id, 0)
        self.own_versions[event.student_id] = max(known, event.recorded.version)
        if self.loaded is not None and event.student_id == self.student_id:
            grade = self.loaded.grade
            choices = {**grade.choices, event.criterion_id: event.recorded.choice}
            self.loaded = replace(self.loaded, grade=replace(grade, choices=choices))

    @on(GradeReread)
    def grade_reread(self, event: GradeReread) -> None:
        if self.loaded is None or self.state is None or event.student_id != self.student_id:
            return
        if event.grade.version < self.own_versions.get(event.student_id, 0):
            return  # read before the grader's own save: the change that save made will bring a newer read
        known = self.loaded.grade
        merged = merge_grade(known, self.state.choices, event.grade)
        # The version stays the one read: each criterion seen since is told to the save queue.
        self.loaded = replace(self.loaded, grade=replace(merged.grade, version=known.version))
        self.state.choices.clear()
        self.state.choices.update(merged.shown)
        self.state.autograde = merged.grade.autograde
        for criterion_id in merged.updated:
            self.saves.put(SawTheirs(self.student_id, criterion_id, event.grade.version))
        self._refresh_panel()
        if merged.updated:
            titles = {c.id: c.title for c in self.loaded.rubric.criteria}
            named = ", ".join(titles.get(c, c) for c in merged.updated)
            self.notify(
                safe_plain(
                    f"{event.grade.updated_by} changed {named} of {shown_id(self.loaded, self.student_id)}"
                ),
                markup=False,
            )

    @on(LiveUpdatesFailed)
    def live_failed(self, event: LiveUpdatesFailed) -> None:
        navigator(self.app).report_error(event.error)
