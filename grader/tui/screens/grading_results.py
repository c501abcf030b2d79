"""What the Grading screen does with the save queue's answers: a choice saved (badges evaluated
again), refused, undone; a flag changed; the next submission found; saving failing or working.

:class:`SaveResults` is a base of the Grading screen, which provides the state and loading.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from textual import on

from grader.tui.data.loaded_submission import saved_words, shown_id
from grader.tui.grading.reads import BadgesChanged, evaluate_badges
from grader.tui.grading.saves import ChoiceSaved, FlagChanged, NextFound, SaveRefused, UndoFinished
from grader.tui.safe import safe_plain
from grader.tui.screens.grading_parts import GradingParts
from grader.tui.widgets.save_path import SavePath

BADGES = "grading-badges"
"""The worker group evaluating badges after a grade."""


class SaveResults(GradingParts):
    """The save queue's messages on the Grading screen (see the module docstring)."""

    def _evaluate_badges(self, student_id: str) -> None:
        work = partial(evaluate_badges, self, self.ctx, student_id)
        self.run_worker(work, thread=True, group=BADGES, exit_on_error=False)

    @on(ChoiceSaved)
    def choice_saved(self, event: ChoiceSaved) -> None:
        self._evaluate_badges(event.student_id)
        if self.by_criterion and self.loaded is not None:  # the next one opens in place: say so
            choice = event.recorded.choice
            self.notify(saved_words(self.loaded, event.student_id, event.criterion_id, choice), markup=False)
        if self.loaded is None or event.student_id != self.student_id or self.state is None:
            return
        # The version stays the one read: the save queue knows what its own saves made.
        self.state.choices[event.criterion_id] = event.recorded.choice
        self._refresh_panel()

    @on(SaveRefused)
    def save_refused(self, event: SaveRefused) -> None:
        self.notify(safe_plain(event.message), severity="error", markup=False)
        if event.student_id == self.student_id:
            self.load(self.student_id, keep_view=True)

    @on(UndoFinished)
    def undo_finished(self, event: UndoFinished) -> None:
        undone = event.undone
        if undone is None:
            self.notify("nothing to undo", severity="warning")
            return
        self._evaluate_badges(undone.student_id)
        self.notify(
            f"undone: {undone.criterion_id} of {shown_id(self.loaded, undone.student_id)}", markup=False
        )
        if undone.student_id != self.student_id or self.loaded is None or self.state is None:
            self.load(undone.student_id)
            return
        self.state.choices[undone.criterion_id] = undone.restored
        self.state.focus_on(undone.criterion_id)
        self._refresh_panel()

    @on(FlagChanged)
    def flag_changed(self, event: FlagChanged) -> None:
        if self.loaded is not None and event.student_id == self.student_id:
            self.loaded = replace(self.loaded, grade=replace(self.loaded.grade, flag_note=event.note))
            self._refresh_panel()
        self.notify("flagged" if event.note else "flag cleared")

    @on(NextFound)
    def next_found(self, event: NextFound) -> None:
        if event.student_id is None:
            what = f"a choice for {event.criterion_id}" if event.criterion_id else "a grade"
            self.notify(f"every submission has {what}", severity="information", markup=False)
            return
        self.load(event.student_id)

    @on(BadgesChanged)
    def badges_changed(self, event: BadgesChanged) -> None:
        self.notify(f"badges: {event.names(partial(shown_id, self.loaded))}", markup=False)

    @on(SavePath.Changed)
    def saving_changed(self, event: SavePath.Changed) -> None:
        self.refresh_bindings()
        self._refresh_panel()
        if event.not_saved is not None:  # show what is saved, no more, beside what is not
            shown = event.not_saved.ops[0].student_id
            self.load(shown, keep_view=True)
