"""`grader roster import`: fill roster.csv's LMS identities from Canvas or GitHub Classroom."""

from __future__ import annotations

from pathlib import Path

import click

from grader.cli.main import Options, cli
from grader.cli.output import fail
from grader.domain.roster_merge import Conflict, Match
from grader.domain.text import printable
from grader.gradebook.roster_import import RosterImport, import_roster


@cli.group("roster")
def roster_group() -> None:
    """The class list: import identities from an LMS."""


def _match_line(result: RosterImport, match: Match) -> str:
    name = result.roster[match.student_id].name
    fills = ", ".join(f"{column}={value}" for column, value in match.fills.items())
    what = f"fill {fills}" if fills else "nothing to fill"
    return f"{match.student_id} {name}: {result.source}:{match.line} by {match.rule}; {what}"


def _conflict_line(result: RosterImport, conflict: Conflict) -> str:
    where = f"{result.source}:{conflict.line}"
    kept = conflict.roster_value
    return (
        f"conflict: {conflict.student_id} {conflict.column}: {result.roster_file} has "
        f'"{kept}", {where} has "{conflict.file_value}"; kept "{kept}"'
    )


def report_lines(result: RosterImport, *, add: bool) -> list[str]:
    """The plan, one fact per line: matches, conflicts, additions, misses, absentees, skipped rows."""
    plan = result.plan
    people = len(plan.matches) + len(plan.unmatched) + len(plan.added)
    lines = [f"{result.source}: {result.kind}, {people} people"]
    lines += [_match_line(result, m) for m in plan.matches]
    lines += [_conflict_line(result, c) for c in plan.conflicts]
    lines += [f"added: {s.student_id} {s.name} ({result.source}:{line})" for line, s in plan.added]
    hint = "" if add else " (add with --add)"
    lines += [
        f"no match: {result.source}:{u.line} {u.name or '(no name)'}: {u.reason}"
        + (hint if u.reason.endswith("matches no student") else "")
        for u in plan.unmatched
    ]
    lines += [f"not in {result.source}: {s.student_id} {s.name}" for s in plan.absent]
    lines += [f"skipped: {result.source}:{line} {why}" for line, why in result.skipped]
    return lines


def _summary(result: RosterImport) -> str:
    plan = result.plan
    parts = [f"{len(plan.updated)} student(s) updated", f"{len(plan.added)} added"]
    if plan.new_columns:
        parts.append(f"column(s) added: {', '.join(plan.new_columns)}")
    if plan.conflicts:
        parts.append(f"{len(plan.conflicts)} conflict(s) left as they are")
    return ", ".join(parts)


@roster_group.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=True))
@click.option("--add", is_flag=True, help="Add people who match no student (needs an id and a name).")
@click.option("--dry-run", is_flag=True, help="Show the plan; change nothing.")
@click.pass_obj
def import_command(options: Options, file: Path, add: bool, dry_run: bool) -> None:
    """Merge a Canvas gradebook export or a GitHub Classroom roster into roster.csv.

    \b
    The kind of FILE is recognised by its header:
      Canvas:           Student,ID,SIS User ID,SIS Login ID,Section,...
      GitHub Classroom: identifier,github_username,github_id,name
    Each row is matched to one student by the first rule that names exactly one:
    canvas_id, sis_user_id, student_id = SIS User ID, sis_login_id, email,
    email = SIS Login ID, github, the Classroom identifier against student_id /
    sis_user_id / sis_login_id / moodle_idnumber, and last the exact name (also
    "Last, First"), only when no identifier matched. A row whose identifiers name two
    different students matches neither.

    \b
    Empty github, email, section, canvas_id, sis_user_id and sis_login_id cells are
    filled; a differing value is reported as a conflict and kept. Rows that match
    nobody and students missing from FILE are listed. Rows that match nobody are
    added only with --add, and only when they give a student id (Canvas: SIS User
    ID; Classroom: an identifier that is not an email), a name, and a GitHub handle
    when the repository URLs use {github}. roster.csv keeps its column order, line
    endings and untouched rows byte for byte; missing columns go at the end; it is
    replaced atomically and only when something changes.
    """
    result = import_roster(options.course_root(), file, display=str(file), add=add, dry_run=dry_run)
    for line in report_lines(result, add=add):
        click.echo(printable(line))
    if not result.plan.changes_roster:
        click.echo(f"{result.roster_file} needs no change: {_summary(result)}")
    elif dry_run:
        click.echo(f"dry run: {result.roster_file} is unchanged; planned: {_summary(result)}")
    else:
        click.echo(f"wrote {result.roster_file}: {_summary(result)}")
    if result.without_github:
        shown = ", ".join(result.without_github[:10]) + (" …" if len(result.without_github) > 10 else "")
        fail(
            f"warning: {len(result.without_github)} student(s) have no GitHub handle, which the repository "
            f"URLs need: {shown}; import a GitHub Classroom roster or fill the github column"
        )
