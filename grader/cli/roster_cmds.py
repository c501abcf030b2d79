"""`grader roster import`: fill roster.csv's LMS identities from Canvas or GitHub Classroom."""

from __future__ import annotations

from pathlib import Path

import click

from grader.cli.main import Options, cli
from grader.cli.output import fail
from grader.domain.roster_merge import Conflict, Match
from grader.domain.text import printable
from grader.files.roster_import import NOT_LINKED
from grader.gradebook.roster_import import RosterImport, import_roster


@cli.group("roster")
def roster_group() -> None:
    """The class list: import identities from an LMS."""


def _remark(result: RosterImport, line: int) -> str:
    remark = result.remarks.get(line, "")
    return f"; {remark}" if remark else ""


def _match_line(result: RosterImport, match: Match) -> str:
    name = result.roster[match.student_id].name
    fills = ", ".join(f"{column}={value}" for column, value in match.fills.items())
    what = f"fill {fills}" if fills else "nothing to fill"
    where = f"{result.source}:{match.line}"
    return f"{match.student_id} {name}: {where} by {match.rule}; {what}{_remark(result, match.line)}"


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
        + _remark(result, u.line)
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
    not_linked = sum(remark == NOT_LINKED for remark in result.remarks.values())
    if not_linked:
        parts.append(f"{not_linked} row(s) {NOT_LINKED}")
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
                        (or LastName,FirstName,ID,...)
      GitHub Classroom: identifier,github_username,github_id,name
    Canvas's Points Possible, Manual Posting/Muted and read-only rows and its
    Test Student are skipped and listed; rows cut short after their last value,
    a BOM and CRLF line endings are fine. Classroom rows whose student has not
    linked a GitHub account yet match by identifier and are marked as such.
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
        unlinked = {m.student_id for m in result.plan.matches if result.remarks.get(m.line) == NOT_LINKED}
        waiting = sum(s in unlinked for s in result.without_github)
        fail(
            f"warning: {len(result.without_github)} student(s) have no GitHub handle, which the repository "
            f"URLs need: {shown}"
            + (f" ({waiting} of them {NOT_LINKED} in {result.source})" if waiting else "")
            + "; import a GitHub Classroom roster (again, once they have linked) or fill the github column"
        )
