"""Grading one submission: its files (left), a viewer (centre), the rubric (right); every key saves.

With ``by_criterion`` the screen grades one criterion across every submission: it shows only
that criterion and the files its globs name, and after each choice the next submission without a
choice for it opens in place.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static, Tree

from grader.domain.choices import CriterionChoice
from grader.domain.errors import GraderError
from grader.domain.events import SubmissionGrade
from grader.domain.rubric import CriterionKind
from grader.git.worktree import Entry
from grader.gradebook.checkout_files import STARTER, FileView, Listing, list_files, read_diff, read_file
from grader.gradebook.context import CourseContext
from grader.gradebook.grading import ChoiceRequest
from grader.tui.safe import safe_plain
from grader.tui.screens.by_criterion import Loaded, load_submission, relevant, status_line
from grader.tui.screens.grading_saves import (
    BadgesChanged,
    ChoiceSaved,
    FindNext,
    Flag,
    FlagChanged,
    NextFound,
    SaveChoice,
    SaveQueue,
    SaveRefused,
    UndoFinished,
    UndoLast,
    names,
)
from grader.tui.screens.notes import Adjustment, AdjustModal, NoteModal, parse_points
from grader.tui.widgets.file_tree import FileTree
from grader.tui.widgets.file_viewer import FileViewer
from grader.tui.widgets.rubric_panel import RubricPanel, RubricState

VIEWS = ("file", STARTER, "previous")


def _choose_bindings() -> list[BindingType]:
    return [
        Binding(
            str(n),
            f"choose({n})",
            "Choose" if n == 1 else f"Choose {n}",
            show=n == 1,
            key_display="1-9" if n == 1 else None,
            id=f"grading.choose-{n}",
            tooltip=f"Choose level {n} of the focused criterion, or toggle its checklist item {n}",
        )
        for n in range(1, 10)
    ]


class GradingScreen(Screen[None]):
    CSS_PATH = "grading.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        *_choose_bindings(),
        # `0` and `enter` are hinted beside the checklist itself; the footer keeps room for `?`.
        Binding("0", "none_apply", "None applies", show=False, id="grading.none-applies",
                tooltip="On a checklist: no item applies (saves and moves on)"),
        Binding("enter", "confirm", "Confirm", show=False, id="grading.confirm",
                tooltip="On a checklist: confirm the ticks (each saved already), move on; points: type them"),
        Binding("j,down", "move(1)", "Next criterion", show=False, id="grading.next-criterion",
                tooltip="Focus the next criterion"),
        Binding("k,up", "move(-1)", "Previous criterion", show=False, id="grading.previous-criterion",
                tooltip="Focus the previous criterion"),
        Binding("a", "adjust", "Adjust", id="grading.adjust",
                tooltip="Add or take off points on the focused criterion, with a required comment"),
        Binding("m", "comment", "Comment", id="grading.comment", tooltip="Comment on the focused criterion"),
        Binding("f", "flag", "Flag", id="grading.flag",
                tooltip="Flag this submission with a note (an empty note clears it)"),
        Binding("u", "undo", "Undo", id="grading.undo", tooltip="Undo your last choice in this assignment"),
        Binding("n", "next_ungraded", "Next ungraded", id="grading.next-ungraded",
                tooltip="Open the next submission (roster order) that is not graded yet"),
        Binding("right_square_bracket", "step(1)", "Next", key_display="]", id="grading.next-submission",
                tooltip="Open the next submission in roster order"),
        Binding("left_square_bracket", "step(-1)", "Previous", key_display="[",
                id="grading.previous-submission", tooltip="Open the previous submission in roster order"),
        Binding("d", "diff", "Diff", id="grading.diff",
                tooltip="Cycle the viewer: file, diff against the starter, diff against the previous commit"),
        Binding("tab", "cycle_panes", "Panes", show=False, id="grading.cycle-panes",
                tooltip="Move between the file tree, the viewer and the rubric"),
        Binding("escape", "back", "Back", id="grading.back", tooltip="Back to the previous screen"),
    ]  # fmt: skip

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
        self.listing = Listing(())
        self.open_entry: Entry | None = None
        self._file_request = 0
        self.view = "file"
        self.saves = SaveQueue(ctx, assignment_id, self)
        self.certify_lock = threading.Lock()

    def compose(self) -> ComposeResult:
        yield Static(Text("loading…", style="dim"), id="grading-header")
        with Horizontal(id="grading-body"):
            yield FileTree(id="files")
            yield FileViewer(id="viewer")
            with VerticalScroll(id="rubric-scroll", can_focus=False):
                yield RubricPanel(id="rubric")
        yield Footer()

    def on_mount(self) -> None:
        self.run_worker(self.saves.run, thread=True, group="grading-saves", name="saves")
        self.query_one(RubricPanel).focus()
        self.load(self.student_id)

    # --- loading ----------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="grading-load")
    def load(self, student_id: str) -> None:
        try:
            loaded = load_submission(self.ctx, self.assignment_id, student_id)
        except GraderError as error:
            self.app.call_from_thread(self._refused, student_id, str(error))
            return
        self.app.call_from_thread(self._loaded, loaded)
        listing = list_files(self.ctx, self.assignment_id, student_id, loaded.commit)
        self.app.call_from_thread(self._listed, student_id, listing)

    def _refused(self, student_id: str, message: str) -> None:
        self.student_id, self.loaded, self.state = student_id, None, None
        self.query_one("#grading-header", Static).update(Text(f"cannot grade {student_id}", style="bold red"))
        self.query_one(FileViewer).show_note("cannot grade", message)
        self.query_one(RubricPanel).show(None)
        self.notify(message, severity="error", markup=False)

    def _loaded(self, loaded: Loaded) -> None:
        self.student_id = loaded.student.student_id
        self.loaded = loaded
        self.saves.rubric = loaded.rubric
        state = RubricState(
            loaded.rubric,
            dict(loaded.grade.choices),
            loaded.late_minutes,
            loaded.assignment.late,
            only=self.criterion_id if self.by_criterion else None,
        )
        state.first_unscored()
        self.state = state
        self.view, self.open_entry, self.listing = "file", None, Listing(())
        self.query_one(FileTree).clear()
        self.query_one(FileViewer).show_note("files", "reading the checkout…")
        self._refresh_panel()

    def _listed(self, student_id: str, listing: Listing) -> None:
        if student_id != self.student_id:
            return
        self.listing = listing
        wanted = self._relevant_paths()
        entries = listing.entries
        if self.by_criterion and wanted:
            entries = tuple(e for e in entries if e.path in wanted or _is_folder_of(e, wanted))
        self.query_one(FileTree).show_entries(entries, relevant=wanted)
        if listing.note:
            self.notify(listing.note, severity="warning", markup=False)
        self._open_relevant()

    def _relevant_paths(self) -> set[str]:
        criterion = self.state.focused if self.state else None
        if criterion is None:
            return set()
        return {e.path for e in relevant(self.listing.entries, criterion)}

    def _open_relevant(self) -> None:
        """Open the first file the focused criterion names (else the first file) in the viewer."""
        entries = self.listing.entries
        criterion = self.state.focused if self.state else None
        found = relevant(entries, criterion) if criterion else ()
        if not found and self.open_entry is not None and self.view == "file":
            return  # a criterion naming no file keeps what is open
        first = found[0] if found else next((e for e in entries if e.kind == "file"), None)
        if first is None:
            self.query_one(FileViewer).show_note("files", self.listing.note or "the checkout is empty")
            return
        if first != self.open_entry or self.view != "file":
            self.view = "file"
            self.open_file(first)

    def open_file(self, entry: Entry) -> None:
        """Read a file in a worker; only the latest request may replace what is shown."""
        self._file_request += 1
        self._read_file(entry, self._file_request)

    @work(thread=True, exclusive=True, group="grading-file")
    def _read_file(self, entry: Entry, request: int) -> None:
        student_id = self.student_id
        view = read_file(self.ctx, self.assignment_id, student_id, entry)
        self.app.call_from_thread(self._show_file, student_id, entry, view, request)

    def _show_file(self, student_id: str, entry: Entry, view: FileView, request: int) -> None:
        if student_id == self.student_id and request == self._file_request:
            self.open_entry = entry
            self.query_one(FileViewer).show_file(view)
            self.query_one(FileTree).select_path(entry.path)

    @work(thread=True, exclusive=True, group="grading-file")
    def open_diff(self, against: str) -> None:
        student_id, loaded = self.student_id, self.loaded
        if loaded is None:
            return
        criterion = self.state.focused if self.by_criterion and self.state else None
        paths = criterion.files if criterion else ()
        view = read_diff(self.ctx, self.assignment_id, student_id, loaded.commit, against, paths)
        if student_id == self.student_id:
            self.app.call_from_thread(self.query_one(FileViewer).show_diff, view)

    @on(Tree.NodeSelected, "#files")
    def file_chosen(self, event: Tree.NodeSelected[Entry | None]) -> None:
        entry = event.node.data
        if entry is not None and entry.kind != "dir":
            self.view = "file"
            self.open_file(entry)

    def _refresh_panel(self) -> None:
        panel = self.query_one(RubricPanel)
        panel.show(self.state)
        if self.loaded is not None:
            grade = replace(self.loaded.grade, choices=dict(self.state.choices) if self.state else {})
            self.query_one("#grading-header", Static).update(status_line(self.ctx, self.loaded, grade))
        scroll = self.query_one("#rubric-scroll", VerticalScroll)
        scroll.scroll_to(y=max(panel.focus_line() - 1, 0), animate=False)

    # --- choosing ---------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        needs_submission = {"choose", "none_apply", "confirm", "adjust", "comment", "flag", "move", "diff"}
        return not (action in needs_submission and self.state is None)

    def _save(self, request: ChoiceRequest, criterion_id: str) -> None:
        assert self.loaded is not None
        self.saves.put(SaveChoice(self.student_id, criterion_id, request, self.loaded.grade.version))

    def _chosen(self, criterion_id: str, new: CriterionChoice, request: ChoiceRequest) -> None:
        """Show a choice at once, queue its save, then move focus (by criterion: the submission) on."""
        assert self.state is not None
        self.state.choices[criterion_id] = new
        self.state.toggled.pop(criterion_id, None)
        self._save(request, criterion_id)
        self._move_on()

    def _move_on(self) -> None:
        assert self.state is not None
        if self.by_criterion:
            self.saves.put(FindNext(self.student_id, self.criterion_id))
        else:
            before = self.state.focused
            self.state.advance()
            if self.state.focused is not before:
                self._open_relevant()
        self._refresh_panel()

    def action_choose(self, n: int) -> None:
        state = self.state
        criterion = state.focused if state else None
        if state is None or criterion is None:
            return
        old = state.choice(criterion.id)
        if criterion.kind is CriterionKind.LEVELS:
            if n > len(criterion.levels):
                self.notify(
                    f"{criterion.title} has {len(criterion.levels)} levels", severity="error", markup=False
                )
                return
            label = criterion.levels[n - 1].label
            self._chosen(criterion.id, replace(old, level=label), ChoiceRequest(level=label))
        elif criterion.kind is CriterionKind.CHECKLIST:
            if not state.toggle(criterion, n - 1):
                self.notify(
                    f"{criterion.title} has {len(criterion.items)} items", severity="error", markup=False
                )
            else:  # a tick is a choice: saved at once; enter then confirms the set and moves on
                items = state.toggled.pop(criterion.id)
                state.choices[criterion.id] = replace(old, items=items)
                self._save(ChoiceRequest(items=items), criterion.id)
            self._refresh_panel()
        else:
            self.notify("type the points: press enter", severity="warning")

    def action_none_apply(self) -> None:
        criterion = self.state.focused if self.state else None
        if criterion is None or criterion.kind is not CriterionKind.CHECKLIST:
            self.notify("0 is for a checklist: no item applies", severity="warning")
            return
        assert self.state is not None
        old = self.state.choice(criterion.id)
        self._chosen(criterion.id, replace(old, items=()), ChoiceRequest(items=()))

    def action_confirm(self) -> None:
        state = self.state
        criterion = state.focused if state else None
        if state is None or criterion is None:
            return
        if criterion.kind is CriterionKind.CHECKLIST:
            old = state.choice(criterion.id)
            if old.items is not None:  # the ticks are saved already: confirming moves on
                self._move_on()
                self._refresh_panel()
                return
            self._chosen(criterion.id, replace(old, items=()), ChoiceRequest(items=()))
        elif criterion.kind is CriterionKind.POINTS:
            current = state.choice(criterion.id).points
            modal = NoteModal(f"Points for {criterion.title} (0–{criterion.max_points})",
                              value="" if current is None else str(current))  # fmt: skip
            self.app.push_screen(modal, lambda text: self._points_given(criterion.id, text))

    def _points_given(self, criterion_id: str, text: str | None) -> None:
        if text is None or self.state is None:
            return
        points = parse_points(text)
        if points is None:
            self.notify(f"not a number of points: {text!r}", severity="error", markup=False)
            return
        old = self.state.choice(criterion_id)
        self._chosen(criterion_id, replace(old, points=points), ChoiceRequest(points=points))

    def action_move(self, step: int) -> None:
        if self.state is not None:
            self.state.move(step)
            self._refresh_panel()
            if self.view == "file":
                self._open_relevant()

    def action_adjust(self) -> None:
        criterion = self.state.focused if self.state else None
        if criterion is None or self.state is None:
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
        if criterion is None or self.state is None:
            return
        modal = NoteModal(f"Comment on {criterion.title}", value=self.state.choice(criterion.id).comment)
        self.app.push_screen(modal, lambda text: self._commented(criterion.id, text))

    def _commented(self, criterion_id: str, text: str | None) -> None:
        if text is not None:
            self._save(ChoiceRequest(comment=text.strip()), criterion_id)

    def action_flag(self) -> None:
        note = self.loaded.grade.flag_note if self.loaded else ""
        modal = NoteModal("Flag for a second look", value=note, hint="an empty note clears the flag")
        student_id = self.student_id

        def noted(text: str | None) -> None:
            if text is not None:
                self.saves.put(Flag(student_id, text))

        self.app.push_screen(modal, noted)

    def action_undo(self) -> None:
        self.saves.put(UndoLast())

    # --- moving between submissions -----------------------------------------------------------------

    def _save_ticks(self) -> None:
        """Ticked checklist items not yet confirmed are saved when the submission is left."""
        state = self.state
        if state is None or self.loaded is None:
            return
        for criterion_id, items in list(state.toggled.items()):
            del state.toggled[criterion_id]
            state.choices[criterion_id] = replace(state.choice(criterion_id), items=items)
            self._save(ChoiceRequest(items=items), criterion_id)

    def action_next_ungraded(self) -> None:
        self._save_ticks()
        self.saves.put(FindNext(self.student_id, self.criterion_id if self.by_criterion else None))

    def action_step(self, step: int) -> None:
        roster = [s.student_id for s in self.ctx.files.students]
        if self.student_id in roster:
            self._save_ticks()
            self.load(roster[(roster.index(self.student_id) + step) % len(roster)])

    def action_cycle_panes(self) -> None:
        self.focus_next()

    def action_back(self) -> None:
        self._save_ticks()
        self.app.pop_screen()

    def action_diff(self) -> None:
        self.view = VIEWS[(VIEWS.index(self.view) + 1) % len(VIEWS)]
        if self.view == "file":
            if self.open_entry is not None:
                self.open_file(self.open_entry)
            else:
                self._open_relevant()
        else:
            self.query_one(FileViewer).show_note("diff", "reading the history…")
            self.open_diff(self.view)

    # --- results of the saves ------------------------------------------------------------------------

    @on(ChoiceSaved)
    def choice_saved(self, event: ChoiceSaved) -> None:
        self.certify(event.student_id)
        if self.loaded is None or event.student_id != self.student_id or self.state is None:
            return
        grade = self.loaded.grade
        self.loaded = replace(self.loaded, grade=replace(grade, version=event.recorded.version))
        if event.criterion_id not in self.state.toggled:
            self.state.choices[event.criterion_id] = event.recorded.choice
        self._refresh_panel()

    @on(SaveRefused)
    def save_refused(self, event: SaveRefused) -> None:
        self.notify(safe_plain(event.message), severity="error", markup=False)
        if event.student_id == self.student_id:
            self.load(self.student_id)

    @on(UndoFinished)
    def undo_finished(self, event: UndoFinished) -> None:
        undone = event.undone
        if undone is None:
            self.notify("nothing to undo", severity="warning")
            return
        self.certify(undone.student_id)
        self.notify(f"undone: {undone.criterion_id} of {undone.student_id}", markup=False)
        if undone.student_id != self.student_id or self.loaded is None or self.state is None:
            self.load(undone.student_id)
            return
        self.loaded = replace(self.loaded, grade=replace(self.loaded.grade, version=undone.version))
        self.state.choices[undone.criterion_id] = undone.restored
        self.state.toggled.pop(undone.criterion_id, None)
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
        self.notify(f"badges: {names(event.results)}", markup=False)

    @work(thread=True, group="grading-certify")
    def certify(self, student_id: str) -> None:
        """Badges after a grade (may issue a credential); a failure never undoes the grade."""
        from grader.gradebook.certify import after_grading

        with self.certify_lock:
            try:
                results = after_grading(self.ctx, student_id)
            except GraderError as error:
                self.post_message(SaveRefused("", f"badges not updated: {error}", conflict=False))
                return
        if results:
            self.post_message(BadgesChanged(results))

    def current_grade(self) -> SubmissionGrade | None:
        """What the screen shows of this submission (for tests and the palette)."""
        if self.loaded is None or self.state is None:
            return None
        return replace(self.loaded.grade, choices=dict(self.state.choices))


def _is_folder_of(entry: Entry, paths: set[str]) -> bool:
    return entry.kind == "dir" and any(p.startswith(entry.path + "/") for p in paths)
