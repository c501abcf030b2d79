"""Read a mirror's history: commits with their dates and parents, ancestry, object presence."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from grader.domain.errors import GraderError
from grader.git.env import GitFailed, run_git
from grader.git.failures import clean

DEFAULT_TIMEOUT = 60.0
_OBJECT_ID = re.compile(r"[0-9a-f]{4,64}")
_FIELDS = "%H%x1f%P%x1f%ad%x1f%cd%x1f%s"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class CommitInfo:
    sha: str
    committed_at: datetime
    """Committer date, timezone-aware with the committer's own UTC offset."""
    authored_at: datetime
    parents: tuple[str, ...]
    subject: str
    """The first line of the message, as written (sanitise before display)."""


class HistoryUnreadable(GraderError):
    """A mirror's history could not be read (a missing commit or a broken mirror)."""


def commits(
    mirror: Path, head: str, *, limit: int = 10_000, timeout: float = DEFAULT_TIMEOUT
) -> list[CommitInfo]:
    """Commits reachable from ``head``, newest first (a parent never before its children)."""
    check_revision(head)
    try:
        done = run_git(
            [
                f"--git-dir={mirror}",
                "log",
                "-z",
                "--date-order",
                "--date=raw",
                "--no-decorate",
                "--no-color",
                f"--max-count={max(limit, 0)}",
                f"--format={_FIELDS}",
                "--end-of-options",
                head,
                "--",
            ],
            timeout=timeout,
        )
    except GitFailed as exc:
        raise HistoryUnreadable(
            f"cannot read the history of {head[:12]} in {mirror}: {clean(exc.stderr)}"
        ) from None
    found = []
    for record in done.stdout.decode("utf-8", "replace").split("\0"):
        fields = record.split("\x1f", 4)
        if len(fields) == 5:
            sha, parents, authored, committed, subject = fields
            found.append(
                CommitInfo(
                    sha=sha,
                    committed_at=_raw_date(committed),
                    authored_at=_raw_date(authored),
                    parents=tuple(parents.split()),
                    subject=subject,
                )
            )
    return found


PLATFORM_PEOPLE = frozenset({"GitHub", "noreply@github.com", "GitHub Classroom", "web-flow"})
"""Who commits for a hosting platform (web edits, merges): nobody's identity."""


def commit_people(
    mirror: Path, head: str, *, limit: int = 1_000, timeout: float = DEFAULT_TIMEOUT
) -> tuple[str, ...]:
    """The author and committer names and e-mails of the commits reachable from ``head`` (what
    an anonymous assignment must not show a grader), each once, but the hosting platform's."""
    check_revision(head)
    return tuple(p for p in _people(mirror, head, limit, timeout) if p not in PLATFORM_PEOPLE)


def _people(mirror: Path, head: str, limit: int, timeout: float) -> dict[str, None]:
    arguments = [f"--git-dir={mirror}", "log", "-z", "--no-color", f"--max-count={max(limit, 0)}"]
    try:
        done = run_git(
            [*arguments, "--format=%an%x1f%ae%x1f%cn%x1f%ce", "--end-of-options", head, "--"], timeout=timeout
        )
    except GitFailed as exc:
        reason = clean(exc.stderr)
        raise HistoryUnreadable(f"cannot read the authors of {head[:12]} in {mirror}: {reason}") from None
    found: dict[str, None] = {}
    for record in done.stdout.decode("utf-8", "replace").split("\0"):
        found.update(dict.fromkeys(v.strip() for v in record.split("\x1f") if v.strip()))
    return found


def is_ancestor(mirror: Path, ancestor: str, descendant: str, *, timeout: float = DEFAULT_TIMEOUT) -> bool:
    """True when ``ancestor`` is ``descendant`` or in its history."""
    check_revision(ancestor)
    check_revision(descendant)
    done = run_git(
        [f"--git-dir={mirror}", "merge-base", "--is-ancestor", ancestor, descendant],
        timeout=timeout,
        check=False,
    )
    if done.returncode in (0, 1):
        return done.returncode == 0
    reason = clean(done.stderr.decode("utf-8", "replace"))
    raise HistoryUnreadable(f"cannot compare {ancestor[:12]} with {descendant[:12]} in {mirror}: {reason}")


def object_exists(mirror: Path, sha: str, *, timeout: float = DEFAULT_TIMEOUT) -> bool:
    """True when the mirror holds the object ``sha`` (reachable or not)."""
    if not _OBJECT_ID.fullmatch(sha):
        return False
    done = run_git([f"--git-dir={mirror}", "cat-file", "-e", sha], timeout=timeout, check=False)
    return done.returncode == 0


def missing_objects(mirror: Path, shas: Iterable[str], *, timeout: float = DEFAULT_TIMEOUT) -> set[str]:
    """Which of ``shas`` the mirror does not hold (one git process for all of them)."""
    wanted = sorted({sha for sha in shas if _OBJECT_ID.fullmatch(sha)})
    if not wanted:
        return set()
    if not mirror.is_dir():
        return set(wanted)
    done = run_git(
        [f"--git-dir={mirror}", "cat-file", "--batch-check"],
        input="".join(f"{sha}\n" for sha in wanted).encode(),
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        return set(wanted)
    lines = done.stdout.decode("ascii", "replace").splitlines()
    return {sha for sha, line in zip(wanted, lines, strict=False) if line.endswith(" missing")} | set(
        wanted[len(lines) :]
    )


def check_revision(value: str) -> None:
    """Refuse anything but an object id or a full ref name (never an option for git)."""
    if not (_OBJECT_ID.fullmatch(value) or (value.startswith("refs/") and value.isprintable())):
        raise HistoryUnreadable(f"not a commit id or full ref name: {clean(value)!r}")


def _raw_date(raw: str) -> datetime:
    """``1700000000 +0530`` as an aware datetime; nonsense (hostile commits) becomes the epoch."""
    seconds, _, zone = raw.strip().partition(" ")
    try:
        sign = -1 if zone.startswith("-") else 1
        hours, minutes = int(zone[1:3]), int(zone[3:5])
        offset = timezone(sign * timedelta(hours=hours, minutes=minutes)) if hours < 24 else UTC
        return datetime.fromtimestamp(int(seconds), tz=offset)
    except (ValueError, OverflowError, OSError):
        return _EPOCH
