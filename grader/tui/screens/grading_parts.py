"""What the Grading screen's parts (save results, live updates, claims, conflicts, autograde) use of it.

Each part is a base of :class:`grader.tui.screens.grading.GradingScreen`, which sets these
attributes and implements these methods; declaring them once here lets each part be read and
type-checked alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.binding import BindingType
from textual.screen import Screen

from grader.gradebook.context import CourseContext
from grader.tui.data.loaded_submission import Loaded
from grader.tui.grading.saves import SaveQueue
from grader.tui.widgets.rubric_panel import Chosen, RubricState
from grader.tui.widgets.save_path import SavePath


class GradingParts(Screen[None]):
    """The Grading screen as its parts see it (GradingScreen provides every member)."""

    BINDINGS: ClassVar[list[BindingType]] = []  # the screen's own keys: grader.tui.grading.keys

    ctx: CourseContext
    assignment_id: str
    student_id: str
    by_criterion: bool
    loaded: Loaded | None
    state: RubricState | None
    save_path: SavePath
    saves: SaveQueue

    def load(self, student_id: str, *, keep_view: bool = False) -> None:
        """Read ``student_id``'s submission (GradingScreen.load)."""
        raise NotImplementedError

    def _chosen(self, chosen: Chosen | str) -> None:
        """A choice typed in a dialog, shown and saved as a key's (GradingScreen._chosen)."""
        raise NotImplementedError

    def _refresh_panel(self) -> None:
        """Show the state again (GradingScreen._refresh_panel)."""
        raise NotImplementedError

    def _leave(self, leaving: str, then: Callable[[], object], *, staying: bool = True) -> None:
        """Leave once nothing is lost (GradingScreen._leave)."""
        raise NotImplementedError
