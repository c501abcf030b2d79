"""`grader mastery`: each student's mastery per skill, the criteria behind it, and badge status.

``--json`` writes an array of rows, one per student and skill with a figure, in roster order
(fields may be added, never renamed)::

    [{"student_id": "00123", "name": "…", "skill": "testing",
      "earned": 28, "possible": 35, "percent": 80,      # percent: rounded down to 0.1
      "criteria": [        # only when a STUDENT is given
        {"assignment": "a1-calculator", "criterion": "tests", "earned": 16, "possible": 20}]}]

``--json --badges`` writes one row per student and course badge instead::

    [{"student_id": "00123", "badge": "python-foundations", "title": "…",
      "status": "earned" | "not yet" | "undetermined", "earned": true,
      "skills": [{"skill": "testing", "threshold": 70, "percent": 80, "met": true,
                  "withheld": false}],          # threshold and percent in %; percent null if no figure
      "assignments": [{"assignment": "a1-calculator", "graded": true, "met": true,
                       "withheld": false, "final": true, "unscored": []}],
      "missing": ["a3-dataanalysis: not final yet (tests not scored)"]}]

Only final grades count (every criterion scored, the autograded ones included); "graded" and
"final" both say the assignment's grade is final (or excused), "unscored" lists the criteria a
grade with scores still waits for. A skill with no final grade has no row (never 0%).
Assignments whose rubric edit still needs `grader rubric apply --map` are left out with a
warning on stderr; a badge that depends on one is "undetermined" when everything that can be
judged is met.
"""

from __future__ import annotations

import click

from grader.cli.main import Options, cli
from grader.cli.output import dumps, fail, fmt_points, number
from grader.domain.mastery import BadgeEvaluation, BadgeStatus, SkillMastery, percent_text
from grader.domain.text import printable
from grader.gradebook.anonymity import roster_student
from grader.gradebook.context import open_course
from grader.gradebook.mastery import MasteryReport, mastery_report


def _skill_json(student_id: str, name: str, figure: SkillMastery, with_criteria: bool) -> dict[str, object]:
    row: dict[str, object] = {
        "student_id": student_id,
        "name": name,
        "skill": figure.skill,
        "earned": number(figure.earned),
        "possible": number(figure.possible),
        "percent": number(figure.percent),
    }
    if with_criteria:
        row["criteria"] = [
            {
                "assignment": e.assignment_id,
                "criterion": e.criterion_id,
                "earned": number(e.earned),
                "possible": number(e.possible),
            }
            for e in figure.criteria
        ]
    return row


def _badge_json(evaluation: BadgeEvaluation, title: str) -> dict[str, object]:
    return {
        "student_id": evaluation.student_id,
        "badge": evaluation.badge_id,
        "title": title,
        "status": evaluation.status.value,
        "earned": evaluation.earned,
        "skills": [
            {
                "skill": r.skill,
                "threshold": number(r.threshold * 100),
                "percent": number(r.mastery.percent) if r.mastery else None,
                "met": r.met,
                "withheld": r.withheld,
            }
            for r in evaluation.skills
        ],
        "assignments": [
            {
                "assignment": r.assignment_id,
                "graded": r.graded,
                "met": r.met,
                "withheld": r.withheld,
                "final": r.graded,
                "unscored": list(r.unscored),
            }
            for r in evaluation.assignments
        ],
        "missing": list(evaluation.shortfalls()),
    }


def report_json(report: MasteryReport, *, with_criteria: bool) -> list[dict[str, object]]:
    """The documented ``--json`` rows: one per student and skill with a figure."""
    return [
        _skill_json(s.student_id, s.name, figure, with_criteria)
        for s in report.students
        for figure in report.mastery[s.student_id].skills.values()
    ]


def badges_json(report: MasteryReport, titles: dict[str, str]) -> list[dict[str, object]]:
    """The documented ``--json --badges`` rows; ``titles`` are badge titles by id."""
    return [_badge_json(e, titles.get(e.badge_id, "")) for e in report.evaluations()]


def _skill_lines(report: MasteryReport, student_id: str, detailed: bool) -> list[str]:
    figures = report.mastery[student_id].skills
    shown = list(report.skills) if detailed else list(figures)
    width = max((len(skill) for skill in shown), default=0)
    lines: list[str] = []
    for skill in shown:
        figure = figures.get(skill)
        if figure is None:
            lines.append(f"  {skill:<{width}}  –  no final grade yet")
            continue
        lines.append(
            f"  {skill:<{width}}  {percent_text(figure.percent)} = "
            f"{fmt_points(figure.earned)} / {fmt_points(figure.possible)} points"
        )
        if detailed:
            lines += [
                f"      {e.assignment_id} {e.criterion_id}: {fmt_points(e.earned)} / {fmt_points(e.possible)}"
                for e in figure.criteria
            ]
    if not shown:
        lines.append("  no final grade yet")
    for assignment_id, unscored in report.mastery[student_id].unscored.items():
        lines.append(f"  {assignment_id}: not final yet ({', '.join(unscored)} not scored), left out")
    return lines


def _badge_lines(report: MasteryReport, student_id: str, titles: dict[str, str]) -> list[str]:
    lines: list[str] = []
    for evaluation in report.badges[student_id]:
        title = printable(titles.get(evaluation.badge_id, ""))
        status = evaluation.status
        head = f"  badge {evaluation.badge_id} ({title}): {status.value}"
        if status is BadgeStatus.EARNED:
            lines.append(head)
        else:
            lines.append(f"{head}; missing:")
            lines += [f"      {line}" for line in evaluation.shortfalls()]
    return lines


@cli.command()
@click.argument("student_id", metavar="[STUDENT]", required=False)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Machine output: rows of student_id, skill, earned, possible, percent.",
)
@click.option(
    "--badges",
    "badge_rows",
    is_flag=True,
    help="With --json: badge status rows (requirements, what is missing).",
)
@click.pass_obj
def mastery(options: Options, student_id: str | None, as_json: bool, badge_rows: bool) -> None:
    """Mastery per skill (earned / possible over the criteria of final grades) and badge status.

    With a STUDENT, also the criteria behind each figure.
    """
    with open_course(options.course_root(), database_url=options.database_url, actor=options.actor) as ctx:
        if student_id is not None:  # an id, a handle, an e-mail or an unambiguous name
            student_id = roster_student(ctx, student_id).student_id
        report = mastery_report(ctx, student_id)
        titles = {b.id: b.title for b in ctx.files.course.badges}
    for message in report.refused.values():
        fail(f"warning: {message}")
    detailed = student_id is not None
    if as_json:
        rows = badges_json(report, titles) if badge_rows else report_json(report, with_criteria=detailed)
        click.echo(dumps(rows))
        return
    for student in report.students:
        click.echo(f"{student.student_id}  {printable(student.name)}")
        for line in _skill_lines(report, student.student_id, detailed) + _badge_lines(
            report, student.student_id, titles
        ):
            click.echo(line)
