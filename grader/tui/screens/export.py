"""The export dialog: grades (five CSV shapes), feedback pages or the class report, in a worker.

It runs the same gradebook generators as ``grader export``; a Moodle worksheet asks for its input
file, an existing file is only replaced when confirmed, and escape cancels a running export. An LMS
file leaves out what is not final (so importing it clears no grade) and the dialog lists it.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Checkbox, Input, Label, ProgressBar, Select, Static
from textual.worker import Worker, WorkerState, get_current_worker

from grader.domain.errors import GraderError
from grader.domain.progress import Progress
from grader.exports.formats import ExportFormat
from grader.gradebook.context import CourseContext
from grader.tui.active_keys import KeyedModal
from grader.tui.export_jobs import (
    ALL,
    FEEDBACK,
    KINDS,
    LMS_KINDS,
    REPORT,
    ExportJob,
    JobDone,
    default_output,
    grades_summary,
    run_job,
)
from grader.tui.navigation import navigator
from grader.tui.safe import safe_block, safe_plain, safe_text
from grader.tui.widgets.key_bar import KeyBar

__all__ = ["ExportModal", "OverwriteModal", "default_output", "grades_summary", "run_job"]


class OverwriteModal(KeyedModal[bool]):
    """Asks before an export replaces an existing file."""

    DEFAULT_CSS = """
    OverwriteModal { align: center middle; }
    OverwriteModal > Static {
        width: 70; height: auto; border: thick $warning; padding: 1 2; background: $surface;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Overwrite", id="export.overwrite_yes", tooltip="Replace the file"),
        Binding("n,escape", "answer(False)", "Keep", id="export.overwrite_no", tooltip="Keep the file"),
    ]

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def compose(self) -> ComposeResult:
        text = safe_text(f"{self.path} exists.", style="bold")
        text.append("\nReplace it?  y: overwrite   n: keep it")
        yield Static(text)
        yield KeyBar()

    def action_answer(self, overwrite: bool) -> None:
        self.dismiss(overwrite)


class ExportModal(KeyedModal[Path | None]):
    """Choose what to export, for which assignment and where; then run it with a progress bar."""

    DEFAULT_CSS = """
    ExportModal { align: center middle; }
    ExportModal #dialog {
        width: 90; max-width: 100%; height: auto; max-height: 100%; border: thick $accent; padding: 0 1;
        background: $surface;
    }
    ExportModal Label { margin-top: 1; }
    ExportModal #title { text-style: bold; }
    ExportModal #buttons { height: auto; margin-top: 1; }
    ExportModal #result { height: auto; max-height: 16; margin-top: 1; }
    ExportModal .hidden { display: none; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="export.close", tooltip="Cancel a running export, else close"),
        Binding("enter", "run_export", "Export", id="export.run", tooltip="Run the export as set up"),
    ]

    class Progressed(Message):
        def __init__(self, progress: Progress) -> None:
            super().__init__()
            self.progress = progress

    class Finished(Message):
        def __init__(self, done: JobDone) -> None:
            super().__init__()
            self.done = done

    class Failed(Message):
        def __init__(self, error: str) -> None:
            super().__init__()
            self.error = error

    class Cancelled(Message):
        """The export stopped at the user's request."""

        def __init__(self, kind: str) -> None:
            super().__init__()
            self.kind = kind

    def __init__(self, ctx: CourseContext, assignment_id: str | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.assignment_id = assignment_id or ALL
        self.worker: Worker[None] | None = None
        self.job: ExportJob | None = None
        """The export running or last run."""
        self.written: Path | None = None
        self._default = ""

    def compose(self) -> ComposeResult:
        assignments = [("all assignments", ALL)] + [
            (safe_plain(f"{a.id}  {a.title}"), a.id) for a in self.ctx.files.course.assignments
        ]
        with Vertical(id="dialog"):
            yield Static("Export", id="title")
            yield Label("What")
            yield Select(KINDS, value=ExportFormat.WIDE.value, allow_blank=False, id="what")
            yield Label("Assignment")
            yield Select(assignments, value=self.assignment_id, allow_blank=False, id="assignment")
            yield Label("Output (relative to the course folder)")
            yield Input(id="output")
            yield Label("Moodle grading worksheet to fill (downloaded from Moodle)", classes="worksheet")
            yield Input(placeholder="path/to/worksheet.csv", id="worksheet", classes="worksheet")
            yield Checkbox("Leave out students the LMS cannot match", id="skip-unmatched")
            with Horizontal(id="buttons"):
                yield Button("Export", variant="primary", id="run")
            yield ProgressBar(total=None, show_eta=False, id="progress", classes="hidden")
            yield Static(id="result")
        yield KeyBar()

    def on_mount(self) -> None:
        self._refresh_fields()
        self.query_one("#what", Select).focus()

    @property
    def kind(self) -> str:
        return str(self.query_one("#what", Select).value)

    @property
    def chosen_assignment(self) -> str:
        return str(self.query_one("#assignment", Select).value)

    @on(Select.Changed)
    def _refresh_fields(self) -> None:
        """Show the fields the chosen export uses; keep a path the user typed."""
        kind = self.kind
        for widget in self.query(".worksheet"):
            widget.set_class(kind != ExportFormat.MOODLE_WORKSHEET.value, "hidden")
        self.query_one("#skip-unmatched").set_class(kind not in LMS_KINDS, "hidden")
        self.query_one("#assignment", Select).disabled = kind == REPORT
        output = self.query_one("#output", Input)
        if output.value in ("", self._default):
            self._default = default_output(self.ctx.files.course.id, kind, self.chosen_assignment)
            output.value = self._default

    def _problem(self) -> tuple[str, str] | None:
        """What is missing before the export can run, and the field to fix it in."""
        if not self.query_one("#output", Input).value.strip():
            return "give an output path", "#output"
        if self.kind == ExportFormat.MOODLE_WORKSHEET.value:
            if self.chosen_assignment == ALL:
                return "a Moodle grading worksheet holds one assignment: choose it", "#assignment"
            given = self.query_one("#worksheet", Input).value.strip()
            if not given:
                return (
                    "a Moodle grading worksheet needs the worksheet downloaded from Moodle (Assignment > "
                    "View all submissions > Grading action > Download grading worksheet): give its path",
                    "#worksheet",
                )
            if not self._resolve(given).is_file():
                return f"no worksheet file at {self._resolve(given)}", "#worksheet"
        return None

    def _resolve(self, text: str) -> Path:
        path = Path(text.strip()).expanduser()
        return path if path.is_absolute() else self.ctx.root / path

    def _job(self) -> ExportJob:
        worksheet = self.query_one("#worksheet", Input).value.strip()
        chosen = self.chosen_assignment
        return ExportJob(
            kind=self.kind,
            assignment_ids=() if chosen == ALL or self.kind == REPORT else (chosen,),
            output=self._resolve(self.query_one("#output", Input).value),
            worksheet=self._resolve(worksheet) if worksheet else None,
            skip_unmatched=self.query_one("#skip-unmatched", Checkbox).value,
        )

    @on(Input.Submitted)
    @on(Button.Pressed, "#run")
    def action_run_export(self) -> None:
        if self.worker is not None and self.worker.is_running:
            return
        problem = self._problem()
        if problem is not None:
            message, field = problem
            self._show_error(message)
            self.query_one(field).focus()
            return
        job = self._job()
        if job.kind != FEEDBACK and job.output.exists():
            self.app.push_screen(OverwriteModal(job.output), lambda yes: self._start(job) if yes else None)
            return
        self._start(job)

    def _start(self, job: ExportJob) -> None:
        if job.kind != FEEDBACK:
            try:
                job.output.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                self._show_error(f"cannot create {job.output.parent}: {error.strerror}")
                return
        bar = self.query_one("#progress", ProgressBar)
        bar.remove_class("hidden")
        bar.update(total=None, progress=0)
        self.query_one("#result", Static).update(Text("exporting… (escape cancels)", style="dim"))
        self.job = job
        self.worker = self.export(self.ctx, job)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def export(self, ctx: CourseContext, job: ExportJob) -> None:
        worker = get_current_worker()
        try:
            for step in run_job(ctx, job):
                if worker.is_cancelled:
                    self.post_message(self.Cancelled(job.kind))
                    return
                if isinstance(step, Progress):
                    self.post_message(self.Progressed(step))
                else:
                    self.post_message(self.Finished(step))
        except GraderError as error:
            self.post_message(self.Failed(str(error)))
        except OSError as error:
            self.post_message(self.Failed(f"could not write {job.output}: {error.strerror or error}"))

    @on(Progressed)
    def _progressed(self, message: Progressed) -> None:
        step = message.progress
        self.query_one("#progress", ProgressBar).update(total=step.total or None, progress=step.done)
        self.query_one("#result", Static).update(safe_text(step.message, style="dim"))

    @on(Finished)
    def _finished(self, message: Finished) -> None:
        done = message.done
        self.query_one("#progress", ProgressBar).add_class("hidden")
        self.query_one("#result", Static).update(done.summary)
        if done.written is None:
            self.notify(
                "nothing exported: nothing here can be written (listed)", severity="warning", markup=False
            )
            return
        self.written = done.written
        self.notify(safe_plain(f"exported to {done.written}"), markup=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """An unexpected failure of the export: the dialog is usable again, and the error reported."""
        if event.worker is not self.worker or event.state is not WorkerState.ERROR:
            return
        error = event.worker.error
        assert error is not None
        self.query_one("#progress", ProgressBar).add_class("hidden")
        shown = (
            str(error)
            if isinstance(error, GraderError)
            else f"the export failed: {type(error).__name__}: {error}"
        )
        feedback = self.job is not None and self.job.kind == FEEDBACK
        kept = "feedback pages written so far are kept" if feedback else "nothing was written"
        self.query_one("#result", Static).update(safe_block(f"{shown}; {kept}", style="red"))
        navigator(self.app).report_error(error)

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        self.query_one("#progress", ProgressBar).add_class("hidden")
        self._show_error(message.error)

    @on(Cancelled)
    def _cancelled(self, message: Cancelled) -> None:
        self.query_one("#progress", ProgressBar).add_class("hidden")
        kept = "feedback pages written so far are kept" if message.kind == FEEDBACK else "nothing was written"
        self.query_one("#result", Static).update(Text(f"export cancelled; {kept}", style="yellow"))

    def _show_error(self, error: str) -> None:
        self.query_one("#result", Static).update(safe_block(error, style="red"))
        self.notify(safe_plain(error.split("\n", 1)[0]), severity="error", markup=False)

    def action_close(self) -> None:
        if self.worker is not None and self.worker.is_running:
            self.worker.cancel()
            self.query_one("#result", Static).update(Text("cancelling…", style="yellow"))
            return
        self.dismiss(self.written)
