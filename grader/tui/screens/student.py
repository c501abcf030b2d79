"""One student: grades across assignments, mastery per skill with its formula, badges, credentials."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Static
from textual.worker import Worker, WorkerState

from grader.domain.errors import GraderError
from grader.domain.lateness import late_text
from grader.domain.roster import Student
from grader.gradebook.context import CourseContext
from grader.gradebook.status import SubmissionStatus
from grader.tui.data.student_view import StudentView, load_student
from grader.tui.navigation import navigator
from grader.tui.safe import safe_plain, safe_text
from grader.tui.widgets.key_bar import KeyBar
from grader.tui.widgets.mastery_bars import BadgeList, CredentialList, MasteryBars, points_text
from grader.tui.widgets.sized_table import set_rows

COLUMNS = ("assignment", "status", "score", "late", "commit", "grader", "flags")
"""Short headings and a 7-character commit (as on the Submissions list): at 80 columns the flags
still show."""

FLAGS_WIDTH = 40


def score_text(status: SubmissionStatus) -> str:
    score = "–" if status.score is None else points_text(status.score)
    return f"{score} / {points_text(status.max_score)}"


def heading(student: Student) -> Text:
    text = safe_text(student.name, style="bold")
    details = [student.student_id, f"@{student.github}", student.email, student.section]
    text.append_text(safe_text("  " + "  ·  ".join(d for d in details if d.strip("@")), style="dim"))
    return text


class StudentScreen(Screen[None]):
    """Grades, mastery bars (earned / possible = %), badges and credentials of one student."""

    DEFAULT_CSS = """
    StudentScreen #student-heading { padding: 0 1; height: auto; }
    StudentScreen .section { padding: 1 1 0 1; text-style: bold; color: $accent; height: auto; }
    StudentScreen #grades { height: auto; max-height: 12; margin: 0 1; }
    StudentScreen MasteryBars, StudentScreen BadgeList, StudentScreen CredentialList { padding: 0 2; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="student.back", tooltip="Back to the previous screen"),
        Binding(
            "enter",
            "open_grading",
            "Grade",
            id="student.open_grading",
            tooltip="Open the selected assignment of this student in the grading screen",
            priority=True,  # over the table's own (hidden) enter: shown in the key bar
        ),
    ]

    class Loaded(Message):
        """The student's grades, mastery and credentials were read."""

        def __init__(self, view: StudentView) -> None:
            super().__init__()
            self.view = view

    class LoadFailed(Message):
        """Reading the student failed; ``error`` says why."""

        def __init__(self, error: str) -> None:
            super().__init__()
            self.error = error

    def __init__(self, ctx: CourseContext, student_id: str) -> None:
        super().__init__()
        self.ctx = ctx
        self.student_id = student_id
        self.view: StudentView | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(safe_text(f"loading student {self.student_id}…"), id="student-heading")
            yield Static("Grades", classes="section")
            table: DataTable[Text] = DataTable(id="grades", cursor_type="row", zebra_stripes=True)
            yield table
            yield Static("Mastery (earned / possible over graded criteria)", classes="section")
            yield MasteryBars(id="mastery")
            yield Static("Badges", classes="section")
            yield BadgeList(id="badges")
            yield Static("Credentials", classes="section")
            yield CredentialList(id="credentials")
        yield KeyBar()

    def on_mount(self) -> None:
        table: DataTable[Text] = self.query_one("#grades", DataTable)
        table.add_columns(*COLUMNS)  # the header while the grades are read
        table.focus()
        self.load(self.ctx, self.student_id)

    @work(thread=True, exclusive=True, group="student-load", exit_on_error=False)
    def load(self, ctx: CourseContext, student_id: str) -> None:
        try:
            view = load_student(ctx, student_id)
        except GraderError as error:
            self.post_message(self.LoadFailed(str(error)))
            return
        self.post_message(self.Loaded(view))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            failed = f"reading student {self.student_id} failed: see the message (escape: back)"
            self.query_one("#student-heading", Static).update(safe_text(failed, style="red"))
            navigator(self.app).report_error(event.worker.error)

    @on(Loaded)
    def show(self, message: Loaded) -> None:
        view = self.view = message.view
        self.query_one("#student-heading", Static).update(heading(view.student))
        rows = grade_rows(view)
        set_rows(self.query_one("#grades", DataTable), COLUMNS, rows)
        report = view.report
        self.query_one(MasteryBars).show(report.skills, report.mastery[view.student.student_id].skills)
        self.query_one(BadgeList).show(report.badges[view.student.student_id], view.badge_titles)
        self.query_one(CredentialList).show(view.credentials, view.badge_titles, view.folders)

    @on(LoadFailed)
    def failed(self, message: LoadFailed) -> None:
        self.query_one("#student-heading", Static).update(safe_text(message.error, style="red"))
        self.notify(safe_plain(message.error), severity="error", markup=False)

    @on(DataTable.RowSelected, "#grades")
    def row_chosen(self) -> None:
        self.action_open_grading()

    def action_open_grading(self) -> None:
        table: DataTable[Text] = self.query_one("#grades", DataTable)
        if self.view is None or table.row_count == 0:
            return
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        if row_key.value is not None:
            navigator(self.app).open_grading(row_key.value, self.student_id)

    def action_back(self) -> None:
        self.dismiss()


def grade_rows(view: StudentView) -> list[tuple[str, list[Text]]]:
    """The grades table's rows: (assignment id, cells), hidden assignments last."""
    rows = [
        (
            status.assignment_id,
            [
                safe_text(status.assignment_id, style="bold"),
                safe_text(status.status),
                Text(score_text(status)),
                Text(late_text(status.late_minutes)),
                safe_text((status.graded_commit or "–")[:7]),
                safe_text(status.graded_by or "–"),
                safe_text("; ".join(status.flags), limit=FLAGS_WIDTH),
            ],
        )
        for status in view.statuses
    ]
    hidden = Text("graded anonymously: shown once revealed (grader reveal)", style="dim italic")
    empty = [Text("–")] * (len(COLUMNS) - 2)
    rows += [(aid, [safe_text(aid, style="bold"), hidden, *empty]) for aid in view.hidden]
    return rows
