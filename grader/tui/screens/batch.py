"""Batch review: pick a criterion, then a choice, confirm, and apply it to every marked submission.

Each step is a small modal awaited in turn (``push_screen_wait``); the last one runs
gradebook.batch.batch_apply in a thread worker with a progress bar, one grade event per student.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.widgets import Input, Label, OptionList, ProgressBar, SelectionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState, get_current_worker

from grader.domain.anonymity import Identities
from grader.domain.choice_words import chosen_words
from grader.domain.errors import GraderError
from grader.domain.progress import Progress
from grader.domain.rubric import Criterion, CriterionKind, Rubric
from grader.gradebook.batch import BatchApplied, batch_apply
from grader.gradebook.context import CourseContext
from grader.gradebook.grading import ChoiceRequest
from grader.tui.active_keys import KeyedModal
from grader.tui.grading.not_saved import asked_for
from grader.tui.navigation import navigator
from grader.tui.safe import safe_plain, safe_text
from grader.tui.widgets.key_bar import KeyBar

CANCEL = Binding("escape", "cancel", "Cancel", id="batch.cancel", tooltip="Close without applying anything")
MODAL_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{ width: 72; height: auto; max-height: 80%; border: thick $accent; padding: 0 1;
    background: $surface; }}
{name} OptionList, {name} SelectionList {{ height: auto; max-height: 20; }}
"""


def points_label(value: Decimal) -> str:
    return format(value.normalize(), "f")


class CriterionModal(KeyedModal[Criterion | None]):
    """Pick one criterion of a rubric: a manual one, or (``autograded``) one a check scores, whose
    points then override the run."""

    DEFAULT_CSS = MODAL_CSS.format(name="CriterionModal")
    BINDINGS: ClassVar[list[BindingType]] = [CANCEL]

    def __init__(self, rubric: Rubric, prompt: str, *, autograded: bool = False) -> None:
        super().__init__()
        self.criteria = [c for c in rubric.criteria if c.is_manual or autograded]
        self.prompt = prompt

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.prompt)
            yield OptionList(
                *(
                    Option(safe_text(f"{c.title} ({c.kind.value}, {points_label(c.max_points)} pts)"), c.id)
                    for c in self.criteria
                )
            )
        yield KeyBar()

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.criteria[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChoiceModal(KeyedModal[ChoiceRequest | None]):
    """Pick what to record for one criterion: a level, checklist items, or points."""

    DEFAULT_CSS = MODAL_CSS.format(name="ChoiceModal")
    BINDINGS: ClassVar[list[BindingType]] = [
        CANCEL,
        Binding(
            "enter", "confirm_items", "Apply items", id="batch.confirm_items", tooltip="Use the ticked items"
        ),
    ]

    def __init__(self, criterion: Criterion) -> None:
        super().__init__()
        self.criterion = criterion

    def compose(self) -> ComposeResult:
        c = self.criterion
        with Vertical():
            yield Label(safe_text(c.title, style="bold"))
            if c.kind is CriterionKind.LEVELS:
                yield Label("Choose a level (enter):")
                yield OptionList(
                    *(Option(safe_text(f"{lv.label} ({points_label(lv.points)})")) for lv in c.levels)
                )
            elif c.kind is CriterionKind.CHECKLIST:
                yield Label("Tick items with space, then enter (none ticked: no item applies):")
                yield SelectionList[str](
                    *((safe_text(f"{it.label} ({points_label(it.points)})"), it.label) for it in c.items)
                )
            else:
                override = " (they override the run's)" if c.kind is CriterionKind.AUTOGRADED else ""
                yield Label(f"Points from 0 to {points_label(c.max_points)}{override}, then enter:")
                yield Input(placeholder="points", id="points")
        yield KeyBar()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "confirm_items":
            return self.criterion.kind is CriterionKind.CHECKLIST
        return True

    @on(OptionList.OptionSelected)
    def level_chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(ChoiceRequest(level=self.criterion.levels[event.option_index].label))

    def action_confirm_items(self) -> None:
        ticked = set(self.query_one(SelectionList).selected)
        self.dismiss(
            ChoiceRequest(items=tuple(it.label for it in self.criterion.items if it.label in ticked))
        )

    @on(Input.Submitted)
    def points_entered(self, event: Input.Submitted) -> None:
        try:
            points = Decimal(event.value.strip())
        except InvalidOperation:
            points = Decimal("NaN")
        if not points.is_finite() or not Decimal(0) <= points <= self.criterion.max_points:
            self.notify(
                f"expected a number from 0 to {points_label(self.criterion.max_points)}, "
                f"got '{safe_plain(event.value, limit=40)}'",
                severity="error",
                markup=False,
            )
            return
        self.dismiss(ChoiceRequest(points=points))

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass
class BatchOutcome:
    """What a batch run did: saved versions, failures and warnings per student."""

    applied: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    cancelled: bool = False
    shown: Identities | None = None
    """How the messages name students (pseudonyms while the assignment's are hidden)."""

    @property
    def touched(self) -> list[str]:
        return self.applied + [student_id for student_id, _ in self.failed]

    def messages(self) -> list[tuple[SeverityLevel, str]]:
        """What the run did, as notifications: a summary, then the first failures and warnings."""
        summary = f"recorded for {len(self.applied):,} submission(s)"
        if self.cancelled:
            summary += "; stopped before the rest"
        found: list[tuple[SeverityLevel, str]] = [("information", summary)]
        shown = self.shown or Identities("")
        found += [
            ("error", safe_plain(f"{shown.shown_id(sid)}: {shown.scrub(error, sid)}"))
            for sid, error in self.failed[:5]
        ]
        if len(self.failed) > 5:
            found.append(("error", f"{len(self.failed) - 5:,} more failed"))
        found += [("warning", safe_plain(warning)) for warning in self.warnings[:3]]
        return found


class BatchModal(KeyedModal[BatchOutcome | None]):
    """Confirm, then apply one choice to many submissions with a progress bar (escape stops)."""

    DEFAULT_CSS = MODAL_CSS.format(name="BatchModal")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter", "run", "Apply", id="batch.run", tooltip="Apply the choice to every marked submission"
        ),
        Binding(
            "escape", "cancel", "Cancel", id="batch.stop", tooltip="Close, or stop after the current one"
        ),
    ]

    def __init__(
        self,
        ctx: CourseContext,
        assignment_id: str,
        criterion: Criterion,
        request: ChoiceRequest,
        student_ids: Sequence[str],
        shown: Identities | None = None,
    ) -> None:
        super().__init__()
        self.ctx = ctx
        self.assignment_id = assignment_id
        self.criterion = criterion
        self.request = request
        self.student_ids = list(student_ids)
        self.outcome = BatchOutcome(shown=shown)
        self.running = False

    def compose(self) -> ComposeResult:
        count = len(self.student_ids)
        question = Text(f"Record {chosen_words(asked_for(self.request), self.criterion)} on ")
        question.append_text(safe_text(self.criterion.title, style="bold"))
        question.append(f" for {count:,} marked submission{'s' if count != 1 else ''}?")
        with Vertical():
            yield Static(question)
            yield Static(
                "Each one is saved as its own grade event. enter applies, escape cancels.", id="hint"
            )
            yield ProgressBar(total=count, id="progress")
        yield KeyBar()

    class Progressed(Message):
        def __init__(self, done: int) -> None:
            super().__init__()
            self.done = done

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, BatchModal.Progressed)

    class StudentApplied(Message):
        def __init__(self, step: BatchApplied) -> None:
            super().__init__()
            self.step = step

    class Finished(Message):
        def __init__(self, cancelled: bool, error: str | None = None) -> None:
            super().__init__()
            self.cancelled = cancelled
            self.error = error
            """Why the rest was not applied (a GraderError's words), if it stopped on one."""

    def action_run(self) -> None:
        if self.running:
            return
        self.running = True
        self.query_one("#hint", Static).update("Applying… escape stops after the current submission.")
        self.apply_all(self.ctx, self.assignment_id, self.criterion.id, self.request, list(self.student_ids))

    @work(thread=True, exclusive=True, group="batch", exit_on_error=False)
    def apply_all(
        self,
        ctx: CourseContext,
        assignment_id: str,
        criterion_id: str,
        request: ChoiceRequest,
        student_ids: list[str],
    ) -> None:
        """Apply the choice a student at a time; each result, the progress and the end as messages."""
        worker = get_current_worker()
        steps: Iterator[Progress | BatchApplied] | None = None
        cancelled, error = False, None
        try:
            steps = batch_apply(ctx, assignment_id, criterion_id, request, student_ids)
            for step in steps:
                if worker.is_cancelled:
                    cancelled = True
                    break
                if isinstance(step, Progress):
                    self.post_message(self.Progressed(step.done))
                elif isinstance(step, BatchApplied):
                    self.post_message(self.StudentApplied(step))
        except GraderError as refused:
            error = str(refused)
        finally:
            if isinstance(steps, Generator):
                steps.close()  # stops the batch between two students
        self.post_message(self.Finished(cancelled, error))

    @on(Progressed)
    def progressed(self, message: Progressed) -> None:
        self.query_one(ProgressBar).update(progress=message.done)

    @on(StudentApplied)
    def student_applied(self, message: StudentApplied) -> None:
        self._count(message.step)

    @on(Finished)
    def finished(self, message: Finished) -> None:
        self.outcome.cancelled = message.cancelled
        if message.error is not None:
            self._fail_the_rest(message.error)
        self.dismiss(self.outcome)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # An unexpected failure: what was applied stays applied, the rest is listed as not
        # applied, the dialog closes (the list reloads), and the app reports the error.
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self._fail_the_rest(f"not applied: internal error ({type(event.worker.error).__name__})")
            self.dismiss(self.outcome)
            navigator(self.app).report_error(event.worker.error)

    def _fail_the_rest(self, reason: str) -> None:
        self.outcome.failed += [(sid, reason) for sid in self.student_ids if sid not in self.outcome.touched]

    def _count(self, step: BatchApplied) -> None:
        if step.error is not None:
            self.outcome.failed.append((step.student_id, step.error))
            return
        self.outcome.applied.append(step.student_id)
        if step.warning:
            shown = self.outcome.shown
            warning = shown.scrub(step.warning, step.student_id) if shown else step.warning
            self.outcome.warnings.append(warning)

    def action_cancel(self) -> None:
        if not self.running:
            self.dismiss(None)
            return
        self.workers.cancel_group(self, "batch")
