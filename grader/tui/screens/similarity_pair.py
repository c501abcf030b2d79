"""One similar pair side by side (`enter` on the Similarity screen): each matching fragment's
lines in both students' files, highlighted, with their line ranges; `]`/`[` move between
fragments and `x`/`t`/`c` record a verdict with a note (audited; confirming flags both).

Every line of student code goes through the sanitiser; students are shown by the engine's labels.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from grader.domain.errors import GraderError
from grader.gradebook.context import CourseContext
from grader.gradebook.similarity_files import Files, pair_files
from grader.gradebook.similarity_review import (
    FragmentText,
    PairDetail,
    PairResult,
    pair_detail,
    record_verdict,
)
from grader.tui.navigation import navigator
from grader.tui.safe import safe_plain, safe_text
from grader.tui.widgets.key_bar import KeyBar
from grader.tui.widgets.pair_table import percent, verdict_cell

MATCH_STYLE = "on #3a3a00"
"""The background of matching lines."""
MAX_LINE = 400
"""A line longer than this is cut (visibly) before it is shown."""
CONTEXT_LINES = 200
"""Lines of the file shown before and after the fragment (scrolled to its first line)."""


def side_heading(who: str, path: str, first: int, last: int) -> Text:
    """Above one side: who, the file, the fragment's line range."""
    text = safe_text(who, style="bold")
    text.append("  ")
    text.append_text(safe_text(path, style="bold cyan", limit=80))
    text.append(f"\nlines {first}–{last}", style="bold")
    return text


def side_text(first: int, last: int, code: str, lines: list[str] | None) -> Text:
    """One side of a fragment: the file's lines numbered, the fragment's highlighted (only the
    fragment's own lines when the file was not read)."""
    text = Text(no_wrap=True, end="")
    start = first
    if lines is not None:
        start = max(1, first - CONTEXT_LINES)
        code = "\n".join(lines[start - 1 : last + CONTEXT_LINES])
    for number, line in enumerate(code.split("\n"), start=start):
        style = MATCH_STYLE if first <= number <= last else ""
        text.append(f"{number:>5} ", style="bold" if style else "dim")
        text.append_text(safe_text(line.expandtabs(4), style=style, limit=MAX_LINE))
        text.append("\n")
    return text


class PairScreen(Screen[None]):
    """Both sides of a pair's fragments (longest first), and the verdict on the pair."""

    DEFAULT_CSS = """
    PairScreen #pair-title { height: auto; padding: 0 1; }
    PairScreen #pair-sides { height: 1fr; }
    PairScreen .pair-side { width: 1fr; border-left: solid $primary; padding: 0 0 0 1; }
    PairScreen .pair-head { height: 2; }
    PairScreen .pair-code Static { width: auto; }
    """
    # short labels: at 80 columns the key bar shows every verdict, escape and ?
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right_square_bracket", "fragment(1)", "Next", id="similarity.next_fragment",
                tooltip="Show the next matching fragment (they are ordered longest first)"),
        Binding("left_square_bracket", "fragment(-1)", "Previous",
                id="similarity.previous_fragment", tooltip="Show the previous matching fragment"),
        Binding("x", "verdict('dismissed')", "Dismiss", id="similarity.dismiss",
                tooltip="Verdict: dismissed (not a copy), with a note"),
        Binding("t", "verdict('to discuss')", "Discuss", id="similarity.discuss",
                tooltip="Verdict: to discuss, with a note; the Submissions list marks both"),
        Binding("c", "verdict('confirmed')", "Confirm", id="similarity.confirm",
                tooltip="Verdict: confirmed copy, with a note; flags both submissions, changes no score"),
        Binding("escape", "back", "Back", id="similarity.pair_back", tooltip="Back to the list of pairs"),
    ]  # fmt: skip

    @dataclass
    class DetailRead(Message):
        detail: PairDetail
        files_a: Files
        files_b: Files

    @dataclass
    class VerdictSaved(Message):
        verdict: str
        pair: PairResult

    @dataclass
    class Failed(Message):
        error: GraderError

    def __init__(self, ctx: CourseContext, assignment_id: str, pair: PairResult) -> None:
        super().__init__()
        self.ctx = ctx
        self.assignment_id = assignment_id
        self.pair = pair
        self.fragments: list[FragmentText] = []
        self.files: tuple[Files, Files] = ({}, {})
        """Each side's files holding a fragment (path → lines, None when unreadable)."""
        self.index = 0

    def compose(self) -> ComposeResult:
        yield Static(id="pair-title")
        with Horizontal(id="pair-sides"):
            for side in ("a", "b"):
                with Vertical(classes="pair-side"):
                    yield Static(id=f"head-{side}", classes="pair-head")
                    with VerticalScroll(classes="pair-code"):
                        yield Static(id=f"side-{side}")
        yield KeyBar()

    def on_mount(self) -> None:
        self.show_title()
        self.read_detail(self.ctx, self.assignment_id, self.pair.a, self.pair.b)

    @work(thread=True, exclusive=True, group="similarity-pair", exit_on_error=False)
    def read_detail(self, ctx: CourseContext, assignment_id: str, a: str, b: str) -> None:
        try:
            detail, files_a, files_b = pair_files(ctx, assignment_id, pair_detail(ctx, assignment_id, a, b))
        except GraderError as error:
            self.post_message(self.Failed(error))
            return
        self.post_message(self.DetailRead(detail, files_a, files_b))

    def on_pair_screen_detail_read(self, message: DetailRead) -> None:
        self.pair = message.detail.pair
        self.fragments = message.detail.fragments
        self.files = (message.files_a, message.files_b)
        self.index = 0
        self.show_fragment()

    def show_title(self) -> None:
        pair = self.pair
        line = safe_text(pair.a, style="bold")
        line.append(f" {percent(pair.similarity_a)}", style="bold")
        line.append("  ↔  ")
        line.append_text(safe_text(pair.b, style="bold"))
        line.append(f" {percent(pair.similarity_b)}", style="bold")
        line.append(f"  · longest {pair.longest_lines} lines · verdict: ")
        line.append_text(verdict_cell(pair.verdict))
        if pair.note:
            line.append(" — ")
            line.append_text(safe_text(pair.note, limit=80))
        if self.fragments:
            line.append(f"\nfragment {self.index + 1} of {len(self.fragments)}", style="bold")
            line.append("  ] next · [ previous", style="dim")
        self.query_one("#pair-title", Static).update(line)

    def show_fragment(self) -> None:
        self.show_title()
        if not self.fragments:
            self.query_one("#head-a", Static).update(Text("no matching fragment is stored", style="dim"))
            return
        shown = self.fragments[self.index]
        f = shown.fragment
        sides = [
            (self.pair.a, f.path_a, f.first_a, f.last_a, shown.text_a, self.files[0].get(f.path_a)),
            (self.pair.b, f.path_b, f.first_b, f.last_b, shown.text_b, self.files[1].get(f.path_b)),
        ]
        for name, (who, path, first, last, code, lines) in zip("ab", sides, strict=True):
            self.query_one(f"#head-{name}", Static).update(side_heading(who, path, first, last))
            self.query_one(f"#side-{name}", Static).update(side_text(first, last, code, lines))
            above = 0 if lines is None else min(first - 1, CONTEXT_LINES)  # file lines before it
            scroll = self.query_one(f"#side-{name}", Static).parent
            if isinstance(scroll, VerticalScroll):  # a few lines above the fragment stay in view
                self.call_after_refresh(scroll.scroll_to, y=max(above - 3, 0), animate=False, force=True)

    def action_fragment(self, step: int) -> None:
        if not self.fragments:
            return
        self.index = (self.index + step) % len(self.fragments)
        self.show_fragment()

    # Verdicts

    def action_verdict(self, verdict: str) -> None:
        from grader.tui.screens.notes import NoteModal

        hint = "enter saves · escape cancels"
        if verdict == "confirmed":
            flags = "flags this class's submission" if self.pair.earlier else "flags both submissions"
            hint = f"confirming {flags}; it changes no score\n{hint}"
        title = f"Verdict '{verdict}' on {safe_plain(self.pair.a)} and {safe_plain(self.pair.b)}: a note"
        modal = NoteModal(title, value=self.pair.note, placeholder="why (optional)", hint=hint)
        self.app.push_screen(modal, lambda note: self.note_given(verdict, note))

    def note_given(self, verdict: str, note: str | None) -> None:
        if note is None:
            return
        self.save_verdict(self.ctx, self.assignment_id, self.pair.a, self.pair.b, verdict, note)

    @work(thread=True, exclusive=True, group="similarity-verdict", exit_on_error=False)
    def save_verdict(
        self, ctx: CourseContext, assignment_id: str, a: str, b: str, verdict: str, note: str
    ) -> None:
        try:
            record_verdict(ctx, assignment_id, a, b, verdict, note)
            detail = pair_detail(ctx, assignment_id, a, b)
        except GraderError as error:
            self.post_message(self.Failed(error))
            return
        self.post_message(self.VerdictSaved(verdict, detail.pair))

    def on_pair_screen_verdict_saved(self, message: VerdictSaved) -> None:
        self.pair = message.pair
        self.show_title()
        said = f"verdict recorded: {message.verdict}"
        if message.verdict == "confirmed":
            flagged = "the submission is flagged" if self.pair.earlier else "both submissions are flagged"
            said += f" — {flagged}; no score changes"
        self.notify(said)

    def on_pair_screen_failed(self, message: Failed) -> None:
        self.notify(safe_plain(str(message.error)), title="Error", severity="error", markup=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            navigator(self.app).report_error(event.worker.error)

    def action_back(self) -> None:
        self.dismiss()
