"""Read a mirror's history: commits with their dates and parents, ancestry, object presence."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import NamedTuple

import git
from git.objects.util import parse_actor_and_date

from grader.domain.errors import GraderError
from grader.git.env import GitFailed
from grader.git.failures import clean
from grader.git.objects import reading

DEFAULT_TIMEOUT = 60.0
_OBJECT_ID = re.compile(r"[0-9a-f]{4,64}")
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
    if limit <= 0:
        return []
    try:
        with reading(mirror, timeout=timeout) as repo:
            return [_info(commit) for commit in repo.iter_commits(head, max_count=limit, date_order=True)]
    except GitFailed as exc:
        raise HistoryUnreadable(
            f"cannot read the history of {head[:12]} in {mirror}: {clean(exc.stderr)}"
        ) from None


def _info(commit: git.Commit) -> CommitInfo:
    fields = _fields(commit)
    return CommitInfo(
        sha=commit.hexsha,
        committed_at=_date(fields.committed_date, fields.committer_tz_offset),
        authored_at=_date(fields.authored_date, fields.author_tz_offset),
        parents=tuple(parent.hexsha for parent in commit.parents),
        subject=_subject(fields.message),
    )


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
    found: dict[str, None] = {}
    if limit <= 0:
        return found
    try:
        with reading(mirror, timeout=timeout) as repo:
            for commit in repo.iter_commits(head, max_count=limit):
                fields = _fields(commit)
                values = (
                    fields.author_name,
                    fields.author_email,
                    fields.committer_name,
                    fields.committer_email,
                )
                found.update(dict.fromkeys(v.strip() for v in values if v.strip()))
    except GitFailed as exc:
        reason = clean(exc.stderr)
        raise HistoryUnreadable(f"cannot read the authors of {head[:12]} in {mirror}: {reason}") from None
    return found


def is_ancestor(mirror: Path, ancestor: str, descendant: str, *, timeout: float = DEFAULT_TIMEOUT) -> bool:
    """True when ``ancestor`` is ``descendant`` or in its history."""
    check_revision(ancestor)
    check_revision(descendant)
    try:
        with reading(mirror, timeout=timeout) as repo:
            status, _, stderr = repo.git.merge_base(
                "--is-ancestor", ancestor, descendant, with_extended_output=True, with_exceptions=False
            )
    except GitFailed as exc:
        status, stderr = exc.returncode, exc.stderr
    if status in (0, 1):
        return bool(status == 0)
    reason = clean(stderr)
    raise HistoryUnreadable(f"cannot compare {ancestor[:12]} with {descendant[:12]} in {mirror}: {reason}")


def object_exists(mirror: Path, sha: str, *, timeout: float = DEFAULT_TIMEOUT) -> bool:
    """True when the mirror holds the object ``sha`` (reachable or not)."""
    return bool(_OBJECT_ID.fullmatch(sha)) and not missing_objects(mirror, [sha], timeout=timeout)


def missing_objects(mirror: Path, shas: Iterable[str], *, timeout: float = DEFAULT_TIMEOUT) -> set[str]:
    """Which of ``shas`` the mirror does not hold (one git process for all of them)."""
    wanted = sorted({sha for sha in shas if _OBJECT_ID.fullmatch(sha)})
    if not wanted or not mirror.is_dir():
        return set(wanted)
    missing: set[str] = set()
    try:
        with reading(mirror, timeout=timeout) as repo:
            for sha in wanted:
                try:
                    repo.git.get_object_header(sha)
                except ValueError as exc:  # git answered "<sha> missing" (or "ambiguous")
                    if not str(exc).endswith(("missing'", "ambiguous'")):
                        raise
                    missing.add(sha)
    except GitFailed:
        return set(wanted)
    return missing


def check_revision(value: str) -> None:
    """Refuse anything but an object id or a full ref name (never an option for git)."""
    if not (_OBJECT_ID.fullmatch(value) or (value.startswith("refs/") and value.isprintable())):
        raise HistoryUnreadable(f"not a commit id or full ref name: {clean(value)!r}")


class _Fields(NamedTuple):
    """What a listing needs of one commit object."""

    authored_date: int
    author_tz_offset: int
    author_name: str
    author_email: str
    committed_date: int
    committer_tz_offset: int
    committer_name: str
    committer_email: str
    message: str


def _fields(commit: git.Commit) -> _Fields:
    """GitPython's reading of ``commit``; a commit naming an encoding Python does not know
    (a hostile one) is read as UTF-8 with replacement characters instead."""
    try:
        author, committer, message = commit.author, commit.committer, commit.message
    except LookupError:
        return _fields_as_utf8(commit)
    return _Fields(
        int(commit.authored_date),
        int(commit.author_tz_offset),
        author.name or "",
        author.email or "",
        int(commit.committed_date),
        int(commit.committer_tz_offset),
        committer.name or "",
        committer.email or "",
        message if isinstance(message, str) else message.decode("utf-8", "replace"),
    )


def _fields_as_utf8(commit: git.Commit) -> _Fields:
    raw = commit.repo.odb.stream(commit.binsha).read()
    headers, _, body = raw.partition(b"\n\n")
    lines: dict[str, str] = {}
    for line in headers.split(b"\n"):
        name, _, value = line.decode("utf-8", "replace").partition(" ")
        if name in ("author", "committer"):
            lines.setdefault(name, value)
    author, authored, author_zone = parse_actor_and_date(lines.get("author", ""))
    committer, committed, committer_zone = parse_actor_and_date(lines.get("committer", ""))
    return _Fields(
        authored,
        author_zone,
        author.name or "",
        author.email or "",
        committed,
        committer_zone,
        committer.name or "",
        committer.email or "",
        body.decode("utf-8", "replace"),
    )


def _date(seconds: int, west_of_utc: int) -> datetime:
    """A commit date as an aware datetime in its own offset; nonsense (hostile commits) becomes
    the epoch, an offset of a day or more UTC."""
    offset = timedelta(seconds=-west_of_utc)
    zone = timezone(offset) if abs(offset) < timedelta(hours=24) else UTC
    try:
        return datetime.fromtimestamp(seconds, tz=zone)
    except (ValueError, OverflowError, OSError):
        return _EPOCH


def _subject(message: str) -> str:
    """git's ``%s``: the first paragraph of the message, its lines joined by spaces."""
    lines: list[str] = []
    for line in message.split("\n"):
        text = line.rstrip(" \t\r")
        if text:
            lines.append(text)
        elif lines:
            break
    return " ".join(lines)
