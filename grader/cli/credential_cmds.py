"""Credentials from the command line: certify, verify, revoke, publish, and the issuer key."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from grader.cli.main import Options, cli
from grader.cli.output import certify_json, dumps, fail, progress_bar
from grader.domain.errors import GraderError
from grader.domain.progress import Progress as Step
from grader.domain.text import printable
from grader.gradebook.anonymity import roster_student
from grader.gradebook.certify import CertifyResult, certify
from grader.gradebook.context import open_course
from grader.gradebook.issuer import issuer_identity, keys_folder, rotate_issuer_key
from grader.gradebook.mastery import MasteryReport, mastery_report
from grader.gradebook.publishing import publish
from grader.gradebook.revoking import revoke
from grader.gradebook.verifying import FileVerification, Trust, course_trust, site_trust, verify_file


@cli.command("certify")
@click.option("--dry-run", is_flag=True, help="Say what would be issued; sign and write nothing.")
@click.option(
    "--student", "student_id", metavar="STUDENT", help="Only this student (id, handle, e-mail or name)."
)
@click.option(
    "--json", "as_json", is_flag=True, help="An array of {credential_id, student_id, badge, status, path}."
)
@click.pass_obj
def certify_command(options: Options, dry_run: bool, student_id: str | None, as_json: bool) -> None:
    """Issue a signed credential to every student who earned a badge (once each)."""
    results: list[CertifyResult] = []
    with (
        open_course(options.course_root(), database_url=options.database_url, actor=options.actor) as ctx,
        progress_bar() as bar,
    ):
        if student_id is not None:  # an id, a handle, an e-mail or an unambiguous name
            student_id = roster_student(ctx, student_id).student_id
        task = bar.add_task("issuing credentials", total=None)
        for item in certify(ctx, student_id=student_id, dry_run=dry_run):
            if isinstance(item, Step):
                bar.update(task, completed=item.done, total=item.total, description=printable(item.message))
                continue
            results.append(item)
            if not as_json:
                bar.console.print(_certify_line(item), markup=False, highlight=False)
        why = "" if results else nothing_to_issue(mastery_report(ctx, student_id))
    if as_json:
        click.echo(dumps([certify_json(r) for r in results]))
    counts: dict[str, int] = {}
    for result in results:
        counts[result.status] = counts.get(result.status, 0) + 1
    fail(
        "credentials: " + (", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or f"none issued: {why}")
    )
    for warning in dict.fromkeys(r.detail for r in results if r.detail and r.status == "issued"):
        fail(f"warning: {warning}")


def nothing_to_issue(report: MasteryReport) -> str:
    """Why no student has a badge to certify: no badge, no student, grades not final yet (naming
    the assignments the badges require), or skill thresholds not reached."""
    evaluations = [e for found in report.badges.values() for e in found]
    if not evaluations:
        return "the course defines no badge" if report.students else "no student in the roster"
    ready = {e.student_id for e in evaluations if all(r.met for r in e.assignments)}
    if not ready:
        required = sorted({r.assignment_id for e in evaluations for r in e.assignments if not r.met})
        listed = ", ".join(required) or "their skills"
        return f"no student has every required assignment fully graded yet: {listed}"
    return (
        f"{len(ready)} student(s) have every required assignment graded, but none reaches a badge's "
        "skill thresholds yet (grader mastery ID shows what each one misses)"
    )


def _certify_line(result: CertifyResult) -> str:
    text = f"{result.student_id} {result.badge_id}: {result.status}"
    if result.credential_id:
        text += f" {result.credential_id}"
    if result.path:
        text += f" ({result.path})"
    if result.detail:
        text += f" — {result.detail}"
    return printable(text)


@cli.command("verify")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--site",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="Trust the issuer of this published site (the folder `grader publish` wrote) instead of the course.",
)
@click.option("--json", "as_json", is_flag=True, help="One object per file with every check.")
@click.pass_obj
def verify_command(options: Options, files: tuple[Path, ...], site: Path | None, as_json: bool) -> None:
    """Check credentials offline: credential.json, or a badge.svg / badge.png they are baked into."""
    now = datetime.now(UTC)
    if site is not None:
        outcomes = _verify_all(files, site_trust(site), now)
    else:
        root = options.course_root()
        if not (root / "course.yaml").is_file():
            raise GraderError(
                "run this inside the course folder (to trust its issuer), or give --site DIR: "
                "the folder `grader publish` wrote for the issuer"
            )
        with open_course(root, database_url=options.database_url, actor=options.actor) as ctx:
            outcomes = _verify_all(files, course_trust(ctx), now)
    for outcome in outcomes:
        if as_json:
            click.echo(dumps(_verification_json(outcome), lines=True))
        else:
            _print_verification(outcome)
    if not all(outcome.valid for outcome in outcomes):
        raise click.exceptions.Exit(1)


def _verify_all(files: tuple[Path, ...], trust: Trust, now: datetime) -> list[FileVerification]:
    return [verify_file(path, trust, now) for path in files]


def _verification_json(outcome: FileVerification) -> dict[str, object]:
    return {
        "file": str(outcome.path),
        "credential_id": outcome.credential_id or None,
        "valid": outcome.valid,
        "checks": [{"check": c.name, "passed": c.passed, "reason": c.reason} for c in outcome.checks],
    }


def _print_verification(outcome: FileVerification) -> None:
    verdict = "VALID" if outcome.valid else "NOT VALID"
    click.echo(printable(f"{outcome.path}: {verdict}"))
    for check in outcome.checks:
        mark = "ok  " if check.passed else "FAIL"
        click.echo(printable(f"  {mark} {check.name}: {check.reason}"))


@cli.command("revoke")
@click.argument("credential_id")
@click.option("--reason", required=True, help="Why (kept in the audit log; shown to whoever verifies).")
@click.pass_obj
def revoke_command(options: Options, credential_id: str, reason: str) -> None:
    """Revoke a credential for good (a revocation cannot be undone)."""
    with open_course(options.course_root(), database_url=options.database_url, actor=options.actor) as ctx:
        revoked = revoke(ctx, credential_id, reason)
    click.echo(printable(f"revoked {revoked.credential_id} ({revoked.student_id} {revoked.badge_id})"))
    fail("run `grader publish DIR` to update the status list that verifiers read")


@cli.command("publish")
@click.argument("dest", type=click.Path(path_type=Path, file_okay=False))
@click.pass_obj
def publish_command(options: Options, dest: Path) -> None:
    """Write the static site to host: did.json, the status list, a page per badge and per credential."""
    written = 0
    with (
        open_course(options.course_root(), database_url=options.database_url, actor=options.actor) as ctx,
        progress_bar() as bar,
    ):
        task = bar.add_task("publishing", total=None)
        for item in publish(ctx, dest):
            if isinstance(item, Step):
                bar.update(task, completed=item.done, total=item.total, description=printable(item.message))
            else:
                written += 1
        site = issuer_identity(ctx).site
    click.echo(printable(f"wrote {written} files into {dest}; host that folder at {site}"))


@cli.group("key")
def key_group() -> None:
    """The issuer's signing key (kept in .grader/keys, mode 0600)."""


@key_group.command("create")
@click.option(
    "--force", is_flag=True, help="Replace an existing key ring (credentials it signed stop verifying)."
)
@click.pass_obj
def key_create(options: Options, force: bool) -> None:
    """Create the issuer key (certify does this on first use)."""
    from grader.credentials.keys import create_key_ring

    with open_course(options.course_root(), database_url=options.database_url, actor=options.actor) as ctx:
        ring = create_key_ring(keys_folder(ctx.root), now=datetime.now(UTC), force=force)
        ctx.store.audit(
            "issuer key created",
            {"key": ring.active_id, "force": force},
            actor=ctx.actor,
            now=datetime.now(UTC),
        )
        identity = issuer_identity(ctx)
    click.echo(printable(f"issuer key {ring.active_id} created in {ring.folder}; issuer {identity.did}"))


@key_group.command("rotate")
@click.pass_obj
def key_rotate(options: Options) -> None:
    """Retire the active key and create a new one; credentials signed earlier keep verifying."""
    with open_course(options.course_root(), database_url=options.database_url, actor=options.actor) as ctx:
        identity = rotate_issuer_key(ctx)
    click.echo(
        printable(f"issuer key {identity.ring.active_id} is now active; publish again so did.json lists it")
    )
