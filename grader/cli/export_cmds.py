"""`grader export grades|feedback|report|similarity`: the group; one module each, loaded when used."""

from __future__ import annotations

from grader.cli.main import LazyGroup, cli

EXPORTS = {
    "grades": "grader.cli.export_grades",
    "feedback": "grader.cli.export_feedback",
    "report": "grader.cli.export_report",
    "similarity": "grader.cli.export_similarity",
}


@cli.group("export", cls=LazyGroup, lazy=EXPORTS)
def export_group() -> None:
    """Grade CSVs for Canvas and Moodle, feedback for students, a class report, similar pairs."""
