"""Grading one submission: its files (left), a viewer (centre), the rubric (right); every key saves.

With ``by_criterion`` the screen grades one criterion across every submission: it shows only
that criterion and the files its globs name, and after each choice the next submission without a
choice for it opens in place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from grader.domain.anonymity import Identities, shown_students
from grader.gradebook.context import CourseContext
from grader.gradebook.grading import ChoiceRequest
from grader.tui.data.loaded_submission import Loaded, status_line
from grader.tui.grading.keys import GRADING_BINDINGS, PANEL_ACTIONS
from grader.tui.grading.reads import FilesListed, LoadRefused, SubmissionLoaded, read_submission
from grader.tui.grading.saves import FindNext, Flag, SaveChoice, UndoLast
from grader.tui.navigation import GradingLeft, navigator
from grader.tui.screens.grading_autograde import TYPED, AutogradeReview
from grader.tui.screens.grading_claims import GradingClaims
from grader.tui.screens.grading_conflicts import ConflictReview
from grader.tui.screens.grading_live import GradingLive
from grader.tui.screens.grading_results import SaveResults
from grader.tui.screens.notes import Adjustment, AdjustModal, NoteModal
from grader.tui.screens.viewer_panes import VIEWER_ACTIONS, ViewerPanes
from grader.tui.widgets.key_bar import KeyBar
from grader.tui.widgets.rubric_panel import Chosen, RubricPanel, RubricState
from grader.tui.widgets.save_path import SavePath
from grader.tui.widgets.submission_files import SubmissionFiles

LOAD = "grading-load"
"""The worker group reading the submission (a failure there: the screen says it cannot grade)."""


class GradingScreen(ViewerPanes, SaveResults, GradingLive, GradingClaims, ConflictReview, AutogradeReview):
    """One submission (or, by criterion, one criterion across submissions) graded key by key."""

    # The panes' widths follow the terminal's (grader/tui/screens/viewer_panes.py).
    DEFAULT_CSS = """
    GradingScreen #grading-header { height: 1; padding: 0 1; background: $boost; }
    GradingScreen #grading-body { height: 1fr; }
    GradingScreen #rubric:focus { background: $boost; }
    """
    BINDINGS: ClassVar[list[BindingType]] = GRADING_BINDINGS

    def __init__(
        self,
        ctx: CourseContext,
        assignment_id: str,
        student_id: str,
        *,
        criterion_id: str | None = None,
        by_criterion: bool = False,
    ) -> None:
        super().__init__()
        self.ctx = ctx
        self.assignment_id = assignment_id
        self.student_id = student_id
        self.criterion_id = criterion_id
        self.by_criterion = by_criterion and criterion_id is not None
        self.loaded: Loaded | None = None
        self.state: RubricState | None = None
        self.save_path = SavePath(ctx, assignment_id, id="save-error")
        self.saves = self.save_path.queue
        self._loading = student_id
        """The student the latest load asked for (an older load's result is dropped)."""

    def loaded_assignment_anonymous(self) -> bool:
        assignment = self.ctx.files.course.assignment(self.assignment_id)
        return assignment is not None and assignment.anonymous

    def compose(self) -> ComposeResult:
        yield Static(Text("loading…", style="dim"), id="grading-header")
        yield self.save_path
        with Horizontal(id="grading-body"):
            yield SubmissionFiles(self.ctx, self.assignment_id, id="submission-files")
            with VerticalScroll(id="rubric-scroll", can_focus=False):
                yield RubricPanel(id="rubric")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(RubricPanel).focus()
        self.load(self.student_id)

    # --- loading ----------------------------------------------------------------------------------

    def load(self, student_id: str, *, keep_view: bool = False) -> None:
        """Read a submission in a worker; ``keep_view``: the one shown, again (its grade only)."""
        self._loading = student_id
        keep_view = keep_view and self.state is not None and student_id == self.student_id
        work = partial(
            read_submission, self, self.ctx, self.assignment_id, student_id, with_files=not keep_view
        )
        self.run_worker(work, thread=True, exclusive=True, group=LOAD, exit_on_error=False)

    @on(LoadRefused)
    def load_refused(self, event: LoadRefused) -> None:
        if event.student_id == self._loading:
            self._refused(event.student_id, event.message)

    def _refused(self, student_id: str, message: str) -> None:
        self.student_id, self.loaded, self.state = student_id, None, None
        self.refresh_bindings()
        anonymous = self.loaded_assignment_anonymous()
        who = "this submission" if anonymous else student_id
        self.query_one("#grading-header", Static).update(Text(f"cannot grade {who}", style="bold red"))
        self.query_one(SubmissionFiles).show_note("cannot grade", message)
        self.query_one(RubricPanel).show(None)
        self.notify(message, severity="error", markup=False)

    @on(SubmissionLoaded)
    def submission_loaded(self, event: SubmissionLoaded) -> None:
        loaded = event.loaded
        if loaded.student.student_id != self._loading:
            return  # a later load asked for someone else
        again = self.state is not None and self.student_id == loaded.student.student_id
        focus = self.state.focus if again and self.state else None  # the same one again: stay put
        self.student_id = loaded.student.student_id
        self.loaded = loaded
        self.save_path.who = loaded.shown.shown_id
        self.saves.rubric = loaded.rubric
        state = RubricState(
            loaded.rubric,
            dict(loaded.grade.choices),
            loaded.late_minutes,
            loaded.assignment.late,
            only=self.criterion_id if self.by_criterion else None,
            autograde=loaded.grade.autograde,
            runs={criterion_id: run.result for criterion_id, run in loaded.runs.items()},
        )
        state.first_unscored()
        if focus is not None:
            state.focus = focus
        self.state = state
        if focus is None:
            self.query_one(SubmissionFiles).reset(self.student_id, loaded.commit)
        self._refresh_panel()
        self.refresh_bindings()  # the keys that need a submission are enabled now (the footer shows them)

    @on(FilesListed)
    def files_listed(self, event: FilesListed) -> None:
        if event.student_id == self.student_id and self.state is not None:
            files = self.query_one(SubmissionFiles)
            files.show_listing(event.listing, self.state.focused, only_relevant=self.by_criterion)

    def _open_relevant(self) -> None:
        self.query_one(SubmissionFiles).open_relevant(self.state.focused if self.state else None)

    def _refresh_panel(self) -> None:
        panel = self.query_one(RubricPanel)
        if self.state is not None:
            not_saved = self.save_path.not_saved
            self.state.unsaved = not_saved.criteria_of(self.student_id) if not_saved else {}
        panel.taking_choices = not self.save_path.blocked
        panel.show(self.state)
        if self.loaded is not None:
            grade = replace(self.loaded.grade, choices=dict(self.state.choices) if self.state else {})
            header = status_line(self.ctx, self.loaded, grade, by_criterion=self.by_criterion)
            self.query_one("#grading-header", Static).update(header)
        scroll = self.query_one("#rubric-scroll", VerticalScroll)
        scroll.scroll_to(y=max(panel.focus_line() - 1, 0), animate=False)

    # --- choosing ---------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "retry_saves":
            return self.save_path.not_saved is not None
        if action in VIEWER_ACTIONS:
            return self.viewer_allows(action)
        needs_submission = {"adjust", "comment", "flag", "diff", "autograde", *PANEL_ACTIONS}
        return not (action in needs_submission and self.state is None)

    def _save(self, request: ChoiceRequest, criterion_id: str) -> bool:
        """Queue a choice's save; False (and said why) while saving fails."""
        if self.loaded is None:
            return False
        op = SaveChoice(self.student_id, criterion_id, request, self.loaded.grade.version)
        return self.save_path.put(op)

    def _chosen(self, chosen: Chosen | str) -> None:
        """A choice typed in a dialog: through the panel, as a key's."""
        self.query_one(RubricPanel).take(chosen)

    def _moved_on(self, focus_before: int) -> None:
        """After a choice that moves on: by criterion, the next submission; else the files of
        the criterion the panel moved the focus to."""
        if self.by_criterion:
            self.saves.put(FindNext(self.student_id, self.criterion_id))
        elif self.state is not None and self.state.focus != focus_before:
            self._open_relevant()

    @on(RubricPanel.ChoiceMade)
    def choice_made(self, event: RubricPanel.ChoiceMade) -> None:
        """Queue the choice's save; refused (and said why) while saving fails or read-only."""
        chosen, state = event.chosen, self.state
        if state is None:
            return
        if not self._save(chosen.request, chosen.criterion_id):
            if event.shown:  # saving failed since the key: show what is saved, no more
                state.focus = event.focus_before
                self.load(self.student_id, keep_view=True)
            return
        if not event.shown:  # the panel took it for refused: it is not any more
            self.query_one(RubricPanel).apply(chosen)
        if chosen.moves_on:
            self._moved_on(event.focus_before)
        self._refresh_panel()

    @on(RubricPanel.Confirmed)
    def confirmed(self, event: RubricPanel.Confirmed) -> None:
        """Enter: ticks or a run's score stand (the panel moved on); points are typed (on an
        autograded criterion with no score yet too)."""
        if self.state is None:
            return
        if self.save_path.refused():
            self.state.focus = event.focus_before
            self._refresh_panel()
        elif event.moved_on:
            self._moved_on(event.focus_before)
            self._refresh_panel()
        elif event.criterion.kind in TYPED:
            self.ask_points(event.criterion)

    @on(RubricPanel.CriterionFocused)
    def criterion_focused(self, _event: RubricPanel.CriterionFocused) -> None:
        self._refresh_panel()
        if self.query_one(SubmissionFiles).view == "file":
            self._open_relevant()

    def action_adjust(self) -> None:
        criterion = self.state.focused if self.state else None
        if criterion is None or self.state is None or self.save_path.refused():
            return
        old = self.state.choice(criterion.id)
        shown = str(old.adjustment) if old.adjustment else ""
        modal = AdjustModal(criterion.title, points=shown, comment=old.adjustment_comment)
        self.app.push_screen(modal, lambda given: self._adjusted(criterion.id, given))

    def _adjusted(self, criterion_id: str, given: Adjustment | None) -> None:
        if given is None or self.state is None:
            return
        comment = given.comment if given.points else None
        self._save(ChoiceRequest(adjustment=given.points, comment=comment), criterion_id)

    def action_comment(self) -> None:
        criterion = self.state.focused if self.state else None
        if criterion is None or self.state is None or self.save_path.refused():
            return
        modal = NoteModal(f"Comment on {criterion.title}", value=self.state.choice(criterion.id).comment)
        self.app.push_screen(modal, lambda text: self._commented(criterion.id, text))

    def _commented(self, criterion_id: str, text: str | None) -> None:
        if text is not None:
            self._save(ChoiceRequest(comment=text.strip()), criterion_id)

    def action_flag(self) -> None:
        if not self.save_path.refused():
            note = self.loaded.grade.flag_note if self.loaded else ""
            modal = NoteModal("Flag for a second look", value=note, hint="an empty note clears the flag")
            self.app.push_screen(modal, partial(self._flagged, self.student_id))

    def _flagged(self, student_id: str, text: str | None) -> None:
        if text is not None:
            self.save_path.put(Flag(student_id, text))

    def action_undo(self) -> None:
        self.save_path.put(UndoLast())

    # --- moving between submissions -----------------------------------------------------------------

    def action_next_ungraded(self) -> None:
        find_next = FindNext(self.student_id, self.criterion_id if self.by_criterion else None)
        self._leave("open the next ungraded submission", partial(self.saves.put, find_next))

    def action_step(self, step: int) -> None:
        shown = self.loaded.shown if self.loaded is not None else Identities(self.assignment_id)
        roster = [s.student_id for s in shown_students(shown, self.ctx.files.students)]
        if self.student_id in roster:
            wanted = roster[(roster.index(self.student_id) + step) % len(roster)]
            which = "next" if step > 0 else "previous"
            self._leave(f"open the {which} submission", partial(self.load, wanted))

    def action_cycle_panes(self) -> None:
        self.focus_next()

    def action_back(self) -> None:
        if not self.cancel_autograde():
            self._leave("go back", self._back, staying=False)

    def _back(self) -> None:
        """Back; the screen below learns which submission was shown last (its cursor goes there)."""
        self.app.pop_screen()
        self.app.screen.post_message(GradingLeft(self.assignment_id, self.student_id))

    def confirm_quit(self, quit_app: Callable[[], object]) -> bool:
        """Before the app quits: the choices queued are saved first, and while saving fails the
        grader is asked. True: this screen calls ``quit_app`` when it may."""
        self._leave("quit grader", quit_app, staying=False)
        return True

    def _leave(self, leaving: str, then: Callable[[], object], *, staying: bool = True) -> None:
        """Leave now, or (while saving fails) once the grader agreed to lose what is not saved."""
        titles = {c.id: c.title for c in self.loaded.rubric.criteria} if self.loaded else {}
        self.save_path.leave(leaving, titles, then, staying=staying)

    def action_retry_saves(self) -> None:
        self.save_path.retry()

    def action_diff(self) -> None:
        criterion = self.state.focused if self.by_criterion and self.state else None
        self.query_one(SubmissionFiles).cycle_view(criterion)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A read that failed: this screen put right first, then the one report (and crash log)."""
        error = event.worker.error
        if event.state is WorkerState.ERROR and error is not None:
            if event.worker.group == LOAD:
                self._refused(self._loading, f"could not read {self._loading}'s submission: {error}")
            navigator(self.app).report_error(error)
