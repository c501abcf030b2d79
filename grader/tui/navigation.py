"""How screens ask the app to go somewhere: the app implements these, screens call them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, cast

from textual.app import App


class Navigator(Protocol):
    def open_submissions(self, assignment_id: str) -> None: ...

    def open_grading(
        self,
        assignment_id: str,
        student_id: str,
        *,
        criterion_id: str | None = None,
        by_criterion: bool = False,
    ) -> None: ...

    def open_student(self, student_id: str) -> None: ...

    def open_export(self, assignment_id: str | None = None) -> None: ...

    def start_pull(
        self, assignment_ids: Sequence[str] | None = None, student_ids: Sequence[str] | None = None
    ) -> None: ...


def navigator(app: App[object]) -> Navigator:
    """The running app as a Navigator (GraderApp implements every method)."""
    return cast(Navigator, app)
