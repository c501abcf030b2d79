"""The Grading screen's conflicts and history: the mine/theirs dialog when a save is refused,
and `h`, the submission's history.

:class:`ConflictReview` is a base of the Grading screen, which provides the state and loading.
A refused choice stops the save queue until the grader answers the dialog; keep mine is saved
by the queue in its place in the order; take theirs and cancel show theirs at once and save
nothing (the refused attempt is in the log either way).
"""

from __future__ import annotations

from textual import on

from grader.domain.errors import GraderError
from grader.gradebook.conflicts import ConflictSeen
from grader.tui.data.loaded_submission import shown_id
from grader.tui.grading.saves import ConflictFound, Resolution, SawTheirs
from grader.tui.safe import safe_plain
from grader.tui.screens.conflict import ConflictModal
from grader.tui.screens.grading_parts import GradingParts
from grader.tui.screens.history import HistoryModal


class ConflictReview(GradingParts):
    """Conflicts and the history on the Grading screen (see the module docstring)."""

    def _student_words(self, student_id: str) -> str:
        """ "Zoë Ångström (00123)", or the id alone when the roster no longer has it."""
        if self.loaded is not None and self.loaded.shown.hidden:
            return self.loaded.shown.shown_id(student_id)
        try:
            return f"{self.ctx.files.student(student_id).name} ({student_id})"
        except GraderError:
            return student_id

    def _titles(self) -> dict[str, str]:
        return {c.id: c.title for c in self.loaded.rubric.criteria} if self.loaded else {}

    @on(ConflictFound)
    def conflict_found(self, event: ConflictFound) -> None:
        seen = event.seen
        criterion = self.loaded.rubric.criterion(seen.criterion_id) if self.loaded else None
        modal = ConflictModal(seen, criterion, self._student_words(seen.student_id))
        self.app.push_screen(modal, lambda answer: self._conflict_answered(seen, answer))

    def _conflict_answered(self, seen: ConflictSeen, answer: Resolution | None) -> None:
        answer = answer or Resolution.CANCEL
        self.saves.resolve(answer)
        title = self._titles().get(seen.criterion_id, seen.criterion_id)
        who = f"{title} of {shown_id(self.loaded, seen.student_id)}"
        if answer is Resolution.KEEP_MINE:
            self.notify(safe_plain(f"{who}: saving your choice over {seen.theirs_by}'s"), markup=False)
            return
        # Theirs stands: shown now, and what is chosen from here on is based on it.
        self.saves.put(SawTheirs(seen.student_id, seen.criterion_id, seen.version))
        if self.state is not None and seen.student_id == self.student_id:
            self.state.choices[seen.criterion_id] = seen.theirs
            self._refresh_panel()
        said = "you took theirs" if answer is Resolution.TAKE_THEIRS else "cancelled"
        message = f"{who}: {seen.theirs_by}'s choice stands ({said}); yours was not saved (the log keeps it)"
        self.notify(safe_plain(message), severity="warning", markup=False)

    def action_history(self) -> None:
        """The submission's history, starting at the focused criterion's events."""
        focused = self.state.focused if self.state else None
        modal = HistoryModal(
            self.ctx,
            self.assignment_id,
            self.student_id,
            student=self._student_words(self.student_id),
            titles=self._titles(),
            criterion_id=focused.id if focused else None,
        )
        self.app.push_screen(modal)
