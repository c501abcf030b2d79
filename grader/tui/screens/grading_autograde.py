"""The grading screen's autograded criteria: accept a run, override it with points, read its
output (`o`), run the checks again (`A`).

:class:`AutogradeReview` is the Grading screen's base; the screen provides the state, the
loading and the saving. Accepting a run records nothing (the run's score is the criterion's
already) and moves on; points typed on an autograded criterion are an override, kept whatever
runs later; `a` adjusts on top of the run's points.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from textual import on, work
from textual.binding import BindingType
from textual.screen import Screen

from grader.domain.rubric import Criterion, CriterionKind
from grader.gradebook.context import CourseContext
from grader.tui.data.loaded_submission import Loaded
from grader.tui.points import number
from grader.tui.screens.autograde_output import OutputModal
from grader.tui.screens.notes import NoteModal, typed_points
from grader.tui.widgets.autograde_progress import AutogradeProgress
from grader.tui.widgets.rubric_panel import Chosen, RubricPanel, RubricState
from grader.tui.widgets.save_path import SavePath

TYPED = (CriterionKind.POINTS, CriterionKind.AUTOGRADED)
"""Criteria scored by typing points (on an autograded one: an override of the run)."""


class AutogradeReview(Screen[None]):
    """Points, autograde results and runs on the Grading screen (see the module docstring)."""

    BINDINGS: ClassVar[list[BindingType]] = []  # the screen's own keys: see its BINDINGS

    ctx: CourseContext
    assignment_id: str
    student_id: str
    loaded: Loaded | None
    state: RubricState | None
    save_path: SavePath

    def load(self, student_id: str, *, keep_view: bool = False) -> None:
        raise NotImplementedError

    def _chosen(self, chosen: Chosen | str) -> None:
        raise NotImplementedError

    def _move_on(self) -> None:
        raise NotImplementedError

    def _refresh_panel(self) -> None:
        raise NotImplementedError

    # Points and overrides

    def action_points(self) -> None:
        criterion = self.state.focused if self.state else None
        if criterion is None or self.save_path.refused():
            return
        if criterion.kind not in TYPED:
            self.notify("points are typed on a points or an autograded criterion", severity="warning")
            return
        self.ask_points(criterion)

    def ask_points(self, criterion: Criterion) -> None:
        """The points dialog: a points criterion's points, or an autograded one's override."""
        assert self.state is not None
        current = self.state.choice(criterion.id).points
        title = f"Points for {criterion.title} (0–{number(criterion.max_points)})"
        hint = ""
        if criterion.kind is CriterionKind.AUTOGRADED:
            ran = self.run_points(criterion.id)
            run = f"the run's {number(ran)}" if ran is not None else "any run's score"
            hint = f"an override: stands instead of {run} · enter saves · escape cancels"
            current = current if current is not None else ran
        modal = NoteModal(title, value="" if current is None else number(current), hint=hint)
        self.app.push_screen(modal, lambda text: self._points_given(criterion.id, text))

    def run_points(self, criterion_id: str) -> Decimal | None:
        """The score the autograde layer gives a criterion (None: no run scored it)."""
        layer = self.state.autograde.get(criterion_id) if self.state else None
        return layer.points if layer is not None else None

    def _points_given(self, criterion_id: str, text: str | None) -> None:
        if self.state is not None and (points := typed_points(self, text)) is not None:
            self._chosen(self.state.points(criterion_id, points))

    def accept_run(self, criterion: Criterion) -> None:
        """Enter on an autograded criterion: its score stands, the focus moves on; with no score
        to accept yet, the points dialog instead."""
        assert self.state is not None
        if self.state.effective().get(criterion.id) is None:
            self.ask_points(criterion)
            return
        self._move_on()
        self._refresh_panel()

    # Output

    def action_output(self) -> None:
        criterion = self.state.focused if self.state else None
        if criterion is None or self.state is None or self.loaded is None:
            return
        if criterion.kind is not CriterionKind.AUTOGRADED:
            self.notify("o shows an autograded criterion's output: focus one with j/k", severity="warning")
            return
        run = self.state.runs.get(criterion.id)
        if run is None:
            self.notify(f"no output: {criterion.title} has no run yet (A runs it)", severity="warning")
            return
        student = self.loaded.student
        who = student.name if self.loaded.shown.hidden else f"{student.name} ({student.student_id})"
        self.app.push_screen(OutputModal(f"{criterion.title} · {who}", run))

    # Runs

    def autograde_progress(self) -> AutogradeProgress | None:
        return next(iter(self.query(AutogradeProgress).results()), None)

    @work(exclusive=True, group="autograde-flow", exit_on_error=False)
    async def action_autograde(self) -> None:
        """Run this submission's checks (again, when it has results: the cache is ignored)."""
        if self.loaded is None or self.state is None:
            return
        if not any(c.kind is CriterionKind.AUTOGRADED for c in self.loaded.rubric.criteria):
            self.notify("this assignment has no autograded criterion", severity="warning")
            return
        run = self.autograde_progress()
        if run is None:  # mounted by the first run
            run = AutogradeProgress(id="autograde-progress")
            await self.mount(run, before="#grading-body")  # under the header: the Footer keeps still
        again = bool(self.state.runs)
        if not run.start(self.ctx, self.assignment_id, [self.student_id], rerun=again):
            self.notify("autograde is running already (escape cancels it)", severity="warning")

    def cancel_autograde(self) -> bool:
        """Escape while a run goes on cancels it (True); the next escape leaves."""
        run = self.autograde_progress()
        if run is not None and run.running:
            run.cancel()
            return True
        return False

    @on(AutogradeProgress.Recorded)
    def autograde_recorded(self, message: AutogradeProgress.Recorded) -> None:
        if any(found.student_id == self.student_id for found in message.results):
            self.load(self.student_id, keep_view=True)  # the run, its score and the header, read again

    @on(AutogradeProgress.Finished)
    def autograde_finished(self, message: AutogradeProgress.Finished) -> None:
        for severity, text in message.outcome.messages():
            self.notify(text, severity=severity, markup=False)
        self.query_one(RubricPanel).focus()
