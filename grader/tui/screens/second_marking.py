"""Blind second marking of one queued submission: its files (left), a viewer (centre) and the
rubric with only the moderator's own second marks (right). Each choice is saved as a second mark
(never a grade event); nothing of the first mark is read or shown.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from grader.domain.anonymity import ANONYMOUS_NAME
from grader.domain.choices import CriterionChoice
from grader.domain.roster import Student
from grader.domain.rubric import Criterion, CriterionKind
from grader.gradebook.context import CourseContext
from grader.gradebook.second_marking import SecondMarking
from grader.tui.grading.keys import PANEL_ACTIONS, SECOND_MARKING_BINDINGS
from grader.tui.grading.marks import (
    FindNextToMark,
    MarkQueue,
    MarkRefused,
    MarkSaved,
    NextToMarkFound,
    SaveMark,
)
from grader.tui.grading.ordered import AfterSaves, SavesDone
from grader.tui.grading.reads import FilesListed, LoadRefused, MarkingLoaded, read_marking
from grader.tui.navigation import navigator
from grader.tui.points import number
from grader.tui.safe import safe_plain, safe_text
from grader.tui.screens.notes import NoteModal, typed_points
from grader.tui.screens.viewer_panes import VIEWER_ACTIONS, ViewerPanes
from grader.tui.widgets.key_bar import KeyBar
from grader.tui.widgets.rubric_panel import RubricPanel
from grader.tui.widgets.second_mark_state import SecondMarkPanel, SecondMarkState
from grader.tui.widgets.submission_files import SubmissionFiles

LOAD, SAVES = "second-marking-load", "second-marking-saves"  # worker groups


def who(student: Student, anonymous: bool = False) -> Text:
    """Who the student is, wherever moderation shows it: name and id, or (``anonymous``: a
    masked student) the pseudonym alone."""
    text = safe_text(student.name, style="bold", limit=60)
    text.append("  ")
    text.append_text(safe_text(ANONYMOUS_NAME if anonymous else student.student_id, style="dim", limit=40))
    return text


class SecondMarkingScreen(ViewerPanes):
    """One submission of the moderator's queue, marked blind; ``n`` the next, escape the queue."""

    DEFAULT_CSS = """
    SecondMarkingScreen #second-header { height: auto; max-height: 2; padding: 0 1; background: $boost; }
    SecondMarkingScreen #second-body { height: 1fr; }
    SecondMarkingScreen #rubric:focus { background: $boost; }
    """
    BINDINGS: ClassVar[list[BindingType]] = SECOND_MARKING_BINDINGS

    def __init__(self, ctx: CourseContext, assignment_id: str, student_id: str) -> None:
        super().__init__()
        self.ctx = ctx
        self.assignment_id = assignment_id
        self.student_id = student_id
        self.marking: SecondMarking | None = None
        self.state: SecondMarkState | None = None
        self.saved: dict[str, CriterionChoice] = {}
        """The second marks the gradebook holds (the panel may show one still being saved)."""
        self.saving: dict[str, int] = {}
        """Saves sent and not answered yet, per criterion."""
        self.note = Text("")
        self.saves = MarkQueue(ctx, assignment_id, self)

    def compose(self) -> ComposeResult:
        yield Static(Text("loading…", style="dim"), id="second-header")
        with Horizontal(id="second-body"):
            yield SubmissionFiles(self.ctx, self.assignment_id, id="submission-files")
            with VerticalScroll(id="second-rubric-scroll", can_focus=False):
                yield SecondMarkPanel(id="rubric")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(RubricPanel).focus()
        self._start_saving()
        self.load(self.student_id)

    def _start_saving(self) -> None:
        self.run_worker(self.saves.run, thread=True, group=SAVES, name="saves", exit_on_error=False)

    # --- loading ----------------------------------------------------------------------------------

    def load(self, student_id: str) -> None:
        self.student_id = student_id
        work = partial(read_marking, self, self.ctx, self.assignment_id, student_id)
        self.run_worker(work, thread=True, exclusive=True, group=LOAD, exit_on_error=False)

    @on(LoadRefused)
    def marking_refused(self, event: LoadRefused) -> None:
        if event.student_id == self.student_id:
            self._refused(event.message)

    def _named(self) -> str:
        """The student in a message: "this submission" while an anonymous one is not loaded."""
        if self.marking is not None:
            return self.marking.student.name if self.marking.anonymous else self.student_id
        assignment = self.ctx.files.course.assignment(self.assignment_id)
        return "this submission" if assignment is not None and assignment.anonymous else self.student_id

    def _refused(self, message: str) -> None:
        self.marking, self.state, self.saved, self.saving = None, None, {}, {}
        self.refresh_bindings()
        header = Text(f"cannot second-mark {self._named()}", style="bold red")
        self.query_one("#second-header", Static).update(header)
        self.query_one(SubmissionFiles).show_note("cannot second-mark", message)
        panel = self.query_one(RubricPanel)
        panel.show(None)
        panel.display = False
        self.notify(safe_plain(message), severity="error", markup=False)

    @on(MarkingLoaded)
    def marking_loaded(self, event: MarkingLoaded) -> None:
        marking = event.marking
        if marking.student.student_id != self.student_id:
            return  # a later load asked for someone else
        self.marking, self.saved, self.saving = marking, dict(marking.marks), {}
        self.note = Text("")
        self.state = SecondMarkState(marking.rubric, dict(marking.marks))
        self.state.first_unscored()
        panel = self.query_one(RubricPanel)
        if not panel.display:  # hidden while refused: back, with its keys
            panel.display = True
            panel.focus()
        self.query_one(SubmissionFiles).reset(self.student_id, marking.commit)
        self._refresh()
        self.refresh_bindings()

    @on(FilesListed)
    def files_listed(self, event: FilesListed) -> None:
        if event.student_id == self.student_id and self.state is not None:
            files = self.query_one(SubmissionFiles)
            files.show_listing(event.listing, self.state.focused, only_relevant=False)

    def _refresh(self) -> None:
        panel = self.query_one(RubricPanel)
        panel.show(self.state)
        if self.marking is not None:
            self.query_one("#second-header", Static).update(self._header(self.marking))
        scroll = self.query_one("#second-rubric-scroll", VerticalScroll)
        scroll.scroll_to(y=max(panel.focus_line() - 1, 0), animate=False)

    def _header(self, marking: SecondMarking) -> Text:
        """Who, then this screen's own facts only: blind, the commit, the moderator's progress."""
        manual = [c.id for c in marking.rubric.manual_criteria]
        marked = sum(1 for cid in manual if cid in self.saved)
        line = who(marking.student, marking.anonymous)
        line.append("  · second marking (blind)", style="bold cyan")
        line.append(f"  · {marked}/{len(manual)} marked", style="bold")
        line.append_text(self.note)
        commit = f"  · commit {marking.commit[:7]}" if marking.commit else "  · not pulled"
        line.append(commit, style="cyan")
        line.append("  · ")
        line.append_text(safe_text(marking.assignment.id, style="dim"))
        return line

    # --- choosing ---------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in VIEWER_ACTIONS:
            return self.viewer_allows(action)
        return not (action in {"diff", *PANEL_ACTIONS} and self.state is None)

    def _moved_on(self, focus_before: int) -> None:
        """The panel moved the focus on: the files of the criterion focused now."""
        if self.state is not None and self.state.focus != focus_before:
            self.query_one(SubmissionFiles).open_relevant(self.state.focused)

    @on(RubricPanel.ChoiceMade)
    def choice_made(self, event: RubricPanel.ChoiceMade) -> None:
        """The panel shows the choice already: shown as being saved, its save queued."""
        chosen = event.chosen
        if self.state is None:
            return
        if not event.shown:
            self.query_one(RubricPanel).apply(chosen)
        criterion_id = chosen.criterion_id
        self.saves.put(SaveMark(self.student_id, criterion_id, chosen.request))
        self.saving[criterion_id] = self.saving.get(criterion_id, 0) + 1
        self.note = Text("  · saving…", style="yellow")
        if chosen.moves_on:
            self._moved_on(event.focus_before)
        self._refresh()

    @on(RubricPanel.Confirmed)
    def confirmed(self, event: RubricPanel.Confirmed) -> None:
        """Enter: on a checklist, the ticks (each saved already) are the mark; points: type them."""
        if self.state is None:
            return
        if event.moved_on:
            self._moved_on(event.focus_before)
            self._refresh()
        elif event.criterion.kind is CriterionKind.POINTS:
            self._ask_points(event.criterion)

    @on(RubricPanel.PointsAsked)
    def points_asked(self, event: RubricPanel.PointsAsked) -> None:
        if event.criterion.kind is CriterionKind.POINTS:
            self._ask_points(event.criterion)
        else:
            self.notify("p is for a points criterion: focus one with j/k", severity="warning")

    def _ask_points(self, criterion: Criterion) -> None:
        current = self.state.choice(criterion.id).points if self.state else None
        title = f"Second mark: points for {criterion.title} (0–{number(criterion.max_points)})"
        modal = NoteModal(title, value="" if current is None else number(current))
        self.app.push_screen(modal, partial(self._points_given, criterion.id))

    def _points_given(self, criterion_id: str, text: str | None) -> None:
        if self.state is not None and (points := typed_points(self, text)) is not None:
            self.query_one(RubricPanel).take(self.state.points(criterion_id, points))

    @on(RubricPanel.CriterionFocused)
    def criterion_focused(self, event: RubricPanel.CriterionFocused) -> None:
        self._refresh()
        if self.query_one(SubmissionFiles).view == "file":
            self.query_one(SubmissionFiles).open_relevant(event.criterion)

    def action_diff(self) -> None:
        self.query_one(SubmissionFiles).cycle_view(None)

    def action_cycle_panes(self) -> None:
        self.focus_next()

    # --- what the saves said ------------------------------------------------------------------------

    @on(MarkSaved)
    def mark_saved(self, event: MarkSaved) -> None:
        mark = event.mark
        if mark.student_id != self.student_id or self.state is None:
            return
        self._answered(mark.criterion_id)
        self.saved[mark.criterion_id] = mark.choice
        self.state.unsaved.pop(mark.criterion_id, None)
        if not self.saving:
            title = self._title(mark.criterion_id)
            self.note = Text(f"  · saved: {title}", style="green")
        self._refresh()

    @on(MarkRefused)
    def mark_refused(self, event: MarkRefused) -> None:
        self.notify(safe_plain(event.message), severity="error", markup=False)
        if event.student_id != self.student_id or self.state is None:
            return
        self._answered(event.criterion_id)
        if event.criterion_id not in self.saving:  # show what the gradebook holds, no more
            self.state.choices.pop(event.criterion_id, None)
            if event.criterion_id in self.saved:
                self.state.choices[event.criterion_id] = self.saved[event.criterion_id]
        self.state.unsaved[event.criterion_id] = (event.message,)
        self.note = Text("  · NOT SAVED", style="bold white on red")
        self._refresh()

    def _answered(self, criterion_id: str) -> None:
        left = self.saving.get(criterion_id, 0) - 1
        if left > 0:
            self.saving[criterion_id] = left
        else:
            self.saving.pop(criterion_id, None)

    def _title(self, criterion_id: str) -> str:
        criterion = self.marking.rubric.criterion(criterion_id) if self.marking else None
        return criterion.title if criterion is not None else criterion_id

    # --- moving on ------------------------------------------------------------------------------------

    def action_next_to_mark(self) -> None:
        self.saves.put(FindNextToMark(self.student_id))

    @on(NextToMarkFound)
    def next_found(self, event: NextToMarkFound) -> None:
        if event.message:
            self.notify(safe_plain(event.message), severity="error", markup=False)
        elif event.student_id is None:
            self.notify("every other submission in your moderation queue is second-marked")
        else:
            self.load(event.student_id)

    def action_back(self) -> None:
        self._after_saves(partial(self.dismiss, None))

    def confirm_quit(self, quit_app: Callable[[], object]) -> bool:
        """Before the app quits: the second marks chosen are saved first."""
        self._after_saves(quit_app)
        return True

    def _after_saves(self, then: Callable[[], object]) -> None:
        if self.saves.pending:
            self.saves.put(AfterSaves(then))
        else:
            then()

    @on(SavesDone)
    def marks_done(self, event: SavesDone) -> None:
        event.then()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A read or the save thread that failed: this screen put right, then the one report."""
        error = event.worker.error
        if event.state is not WorkerState.ERROR or error is None:
            return
        if event.worker.group == LOAD:
            self._refused(f"could not read {self._named()}'s submission: {error}")
        elif event.worker.group == SAVES:
            self._start_saving()  # what was queued behind it is saved; show what is saved
            self.load(self.student_id)
        navigator(self.app).report_error(error)
