"""The Submissions list's marker for similar submissions: which students of an assignment are in
a pair a grader judged ``to discuss`` or ``confirmed`` (one query for the whole class)."""

from __future__ import annotations

from grader.gradebook.context import CourseContext

MARKED_VERDICTS = ("confirmed", "to discuss")
"""Verdicts that mark a submission, strongest first."""


def similarity_marks(ctx: CourseContext, assignment_id: str) -> dict[str, str]:
    """Student id → the strongest marking verdict on a pair they are in (students with none are
    left out; the other side of a pair with an earlier term's submission is not a student here)."""
    rank = {verdict: index for index, verdict in enumerate(MARKED_VERDICTS)}
    marks: dict[str, str] = {}
    for (a, b), verdict in ctx.store.similarity_verdicts(assignment_id).items():
        if verdict.verdict not in rank:
            continue
        for student_id in (a, b):
            held = marks.get(student_id)
            if held is None or rank[verdict.verdict] < rank[held]:
                marks[student_id] = verdict.verdict
    return marks


def mark_label(verdict: str) -> str:
    """The flags cell's words for a marked submission: short, the cell is narrow at 120 columns."""
    return f"≈ {verdict}"
