"""Errors every layer may raise; the CLI and TUI turn them into messages, never tracebacks."""

from __future__ import annotations

from dataclasses import dataclass


class GraderError(Exception):
    """A failure the user can act on; its message says what went wrong and what to do."""


@dataclass(frozen=True, order=True)
class Problem:
    """One validation problem, located as precisely as the input allows."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where} {self.field}: {self.message}" if self.field else f"{where} {self.message}"


class ValidationFailed(GraderError):
    """Raised with every problem found, never just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


class GradebookUnavailable(GraderError):
    """The gradebook could not be read or written (locked, full, read-only, gone): the request
    itself was fine, and the same request may succeed once the database is usable again."""


class RubricChangeRefused(GraderError):
    """A rubric edit removed or renamed a choice that submissions still use."""


class ConflictError(GraderError):
    """A save was based on a stale version; someone else changed the grade first."""

    def __init__(self, message: str, *, changed_by: str, changed_at: str, version: int) -> None:
        super().__init__(message)
        self.changed_by = changed_by
        self.changed_at = changed_at
        self.version = version
