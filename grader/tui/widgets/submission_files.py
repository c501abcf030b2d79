"""A submission's checkout beside the rubric: its files as a tree, and a viewer for a file or a diff.

Files and diffs are read in thread workers that take every value as an argument and post what
they read back here; only the latest request replaces what is shown. A read that fails says so in
the viewer and is reported once, through the app.
"""

from __future__ import annotations

from functools import partial

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.message_pump import MessagePump
from textual.widgets import Tree
from textual.worker import Worker, WorkerState

from grader.domain.checkout_entry import Entry
from grader.domain.rubric import Criterion
from grader.gradebook.checkout_files import (
    STARTER,
    DiffView,
    FileView,
    Listing,
    matching,
    read_diff,
    read_file,
)
from grader.gradebook.context import CourseContext
from grader.tui.navigation import navigator
from grader.tui.widgets.file_tree import FileTree
from grader.tui.widgets.file_viewer import FileViewer
from grader.tui.widgets.first_file import first_file

VIEWS = ("file", STARTER, "previous")
"""What ``d`` cycles through: the file, its diff against the starter, against the previous commit."""


class FileRead(Message):
    """A file, read for viewer request ``request`` (only the latest request is shown)."""

    def __init__(self, student_id: str, request: int, entry: Entry, view: FileView) -> None:
        super().__init__()
        self.student_id = student_id
        self.request = request
        self.entry = entry
        self.view = view


class DiffRead(Message):
    """A diff, read for viewer request ``request``."""

    def __init__(self, student_id: str, request: int, view: DiffView) -> None:
        super().__init__()
        self.student_id = student_id
        self.request = request
        self.view = view


def read_one_file(
    target: MessagePump, ctx: CourseContext, assignment_id: str, student_id: str, entry: Entry, request: int
) -> None:
    view = read_file(ctx, assignment_id, student_id, entry)
    target.post_message(FileRead(student_id, request, entry, view))


def read_one_diff(
    target: MessagePump,
    ctx: CourseContext,
    assignment_id: str,
    student_id: str,
    commit: str | None,
    against: str,
    paths: tuple[str, ...],
    request: int,
) -> None:
    view = read_diff(ctx, assignment_id, student_id, commit, against, paths)
    target.post_message(DiffRead(student_id, request, view))


class SubmissionFiles(Horizontal):
    """The file tree and the viewer of one submission; the screen says which and what is relevant."""

    DEFAULT_CSS = """
    SubmissionFiles { width: 1fr; }
    """

    def __init__(self, ctx: CourseContext, assignment_id: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.ctx = ctx
        self.assignment_id = assignment_id
        self.student_id = ""
        self.commit: str | None = None
        self.listing = Listing(())
        self.open_entry: Entry | None = None
        self.view = "file"
        self.by_hand = False
        """A file was opened from the tree: it stays open while the focus moves between criteria."""
        self._request = 0
        """The latest read asked for; an older one's result is dropped."""

    def compose(self) -> ComposeResult:
        yield FileTree(id="files")
        yield FileViewer(id="viewer")

    def reset(self, student_id: str, commit: str | None) -> None:
        """Another submission: nothing shown until its files are listed."""
        self.student_id, self.commit = student_id, commit
        self.view, self.open_entry, self.listing = "file", None, Listing(())
        self.by_hand = False
        self._request += 1
        self.query_one(FileTree).clear()
        self.query_one(FileViewer).show_note("files", "reading the checkout…")

    def show_note(self, title: str, note: str) -> None:
        self._request += 1
        self.query_one(FileViewer).show_note(title, note)

    def show_listing(self, listing: Listing, criterion: Criterion | None, *, only_relevant: bool) -> None:
        """The checkout's files, those ``criterion`` names in bold (``only_relevant``: only those)."""
        self.listing = listing
        wanted = {e.path for e in matching(listing.entries, criterion.files)} if criterion else set()
        entries = listing.entries
        if only_relevant and wanted:
            entries = tuple(e for e in entries if e.path in wanted or _is_folder_of(e, wanted))
        self.query_one(FileTree).show_entries(entries, relevant=wanted)
        if listing.note:
            self.notify(listing.note, severity="warning", markup=False)
        self.open_relevant(criterion)

    def open_relevant(self, criterion: Criterion | None) -> None:
        """Open the first file the criterion names (else the README, else the largest source file).

        What is open stays when the criterion names no file, or when the grader opened a file
        from the tree (until the next submission).
        """
        entries = self.listing.entries
        found = matching(entries, criterion.files) if criterion else ()
        keep = self.open_entry is not None and self.view == "file"
        if keep and (self.by_hand or not found):
            return
        first = first_file(entries, found)
        if first is None:
            self.show_note("files", self.listing.note or "the checkout is empty")
            return
        if first != self.open_entry or self.view != "file":
            self.open_file(first)

    def open_file(self, entry: Entry) -> None:
        self.view = "file"
        self._request += 1
        work = partial(
            read_one_file, self, self.ctx, self.assignment_id, self.student_id, entry, self._request
        )
        self.run_worker(work, thread=True, exclusive=True, group="files-read", exit_on_error=False)

    def cycle_view(self, criterion: Criterion | None) -> None:
        """The next view: file → diff against the starter → against the previous commit → file.

        ``criterion``: a diff shows only the files it names (grading by criterion).
        """
        self.view = VIEWS[(VIEWS.index(self.view) + 1) % len(VIEWS)]
        if self.view == "file":
            if self.open_entry is not None:
                self.open_file(self.open_entry)
            else:
                self.open_relevant(criterion)
            return
        self.query_one(FileViewer).show_note("diff", "reading the history…")
        self._request += 1
        paths = criterion.files if criterion else ()
        work = partial(read_one_diff, self, self.ctx, self.assignment_id, self.student_id,
                       self.commit, self.view, paths, self._request)  # fmt: skip
        self.run_worker(work, thread=True, exclusive=True, group="files-read", exit_on_error=False)

    @on(FileRead)
    def file_read(self, event: FileRead) -> None:
        event.stop()
        if event.student_id == self.student_id and event.request == self._request:
            self.open_entry = event.entry
            self.query_one(FileViewer).show_file(event.view)
            self.query_one(FileTree).select_path(event.entry.path)

    @on(DiffRead)
    def diff_read(self, event: DiffRead) -> None:
        event.stop()
        if event.student_id == self.student_id and event.request == self._request:
            self.query_one(FileViewer).show_diff(event.view)

    @on(Tree.NodeSelected, "#files")
    def file_chosen(self, event: Tree.NodeSelected[Entry | None]) -> None:
        entry = event.node.data
        if entry is not None and entry.kind != "dir":
            self.by_hand = True
            self.open_file(entry)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        error = event.worker.error
        if event.state is WorkerState.ERROR and error is not None:
            self.query_one(FileViewer).show_note("cannot show this", f"{type(error).__name__}: {error}")
            navigator(self.app).report_error(error)


def _is_folder_of(entry: Entry, paths: set[str]) -> bool:
    return entry.kind == "dir" and any(p.startswith(entry.path + "/") for p in paths)
