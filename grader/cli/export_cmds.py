"""`grader export grades|feedback|report`: the group; each export lives in its own module."""

from __future__ import annotations

from grader.cli.main import cli


@cli.group("export")
def export_group() -> None:
    """Grade CSVs for Canvas and Moodle, feedback for students, a class report."""


from grader.cli import export_feedback, export_grades, export_report  # noqa: E402, F401  (registers commands)
