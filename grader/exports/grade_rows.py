"""What a grade export is made from: assignments, and per student their grades, as plain values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from grader.domain.choices import CriterionChoice
from grader.domain.lateness import late_text, penalty_text
from grader.domain.roster import Student


@dataclass(frozen=True)
class ExportCriterion:
    id: str
    title: str
    max_points: Decimal


@dataclass(frozen=True)
class ExportAssignment:
    id: str
    title: str
    max_points: Decimal
    criteria: tuple[ExportCriterion, ...]
    canvas_id: str = ""
    """The Canvas assignment id (course.yaml ``canvas_id``); empty when not given."""
    moodle_name: str = ""
    """The Moodle grade item name (course.yaml ``moodle_name``); empty: the title."""

    @property
    def moodle_item(self) -> str:
        return self.moodle_name or self.title


class AssignmentGrade(NamedTuple):
    """One student's grade on one assignment (a tuple: a large class makes hundreds of thousands)."""

    status: str
    score: Decimal | None
    """The total after the late penalty, only once final (every criterion scored)."""
    late_minutes: int | None
    penalty: Decimal
    points: tuple[Decimal | None, ...]
    """Per criterion, in rubric order; None: not scored."""
    choices: Mapping[str, CriterionChoice]
    excused: bool = False
    pending: str = ""
    """Why the grade is not final ("autograde pending", "in progress", "not pulled"…); "" once final."""

    @property
    def final(self) -> bool:
        """Every criterion scored, or excused: the one meaning of final (SubmissionStatus.final)."""
        return self.score is not None or self.excused


class StudentGrades(NamedTuple):
    student: Student
    grades: tuple[AssignmentGrade, ...]
    """One per exported assignment, in the same order."""


@dataclass(frozen=True)
class GradeSheet:
    assignments: tuple[ExportAssignment, ...]
    students: list[StudentGrades]


def _number(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if text == "-0" else text


def choice_label(choice: CriterionChoice | None) -> str:
    """What was chosen, as one line: a level, the checklist items, or nothing."""
    if choice is None:
        return ""
    if choice.level is not None:
        return choice.level
    if choice.items is not None:
        return "; ".join(choice.items) if choice.items else "none"
    return ""


def feedback_text(assignment: ExportAssignment, grade: AssignmentGrade) -> str:
    """A one-paragraph summary for the LMS feedback column: each criterion, comments, lateness."""
    parts: list[str] = []
    for criterion, points in zip(assignment.criteria, grade.points, strict=True):
        choice = grade.choices.get(criterion.id)
        if points is None and (choice is None or not choice.comment):
            continue
        text = f"{criterion.title}:"
        label = choice_label(choice)
        if label:
            text += f" {label}"
        if points is not None:
            score = f"{_number(points)}/{_number(criterion.max_points)}"
            text += f" ({score})" if label else f" {score}"
        if choice is not None and choice.adjustment:
            sign = "+" if choice.adjustment > 0 else ""
            text += f", adjusted {sign}{_number(choice.adjustment)}"
            if choice.adjustment_comment:
                text += f" ({choice.adjustment_comment})"
        if choice is not None and choice.comment:
            text += f". {choice.comment}"
        parts.append(text)
    if grade.penalty:
        late = f" ({late_text(grade.late_minutes)})" if grade.late_minutes else ""
        parts.append(f"{penalty_text(grade.penalty).capitalize()}{late}")
    return " | ".join(parts)
