"""Where a student's repository comes from: a filled-in template, checked before git sees it."""

from __future__ import annotations

import re
import string
from pathlib import Path
from urllib.parse import unquote, urlsplit

from grader.domain.errors import GraderError
from grader.domain.text import printable
from grader.git.env import redact

GITHUB_HANDLE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}")
STUDENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
PLACEHOLDERS = ("github", "student_id", "course")

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://")
_SCP_LIKE = re.compile(
    r"(?:[A-Za-z0-9._~+][A-Za-z0-9._~+-]*@)?[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?:[^\s:][^\s]*"
)
_ALLOWED = "https://, ssh:// or user@host:path"
_LOCAL_HINT = "set 'sources: {allow_local: true}' in course.yaml to pull from local folders"


class SourceRefused(GraderError):
    """A repository source (URL or path) grader will not hand to git."""


def fill_source(template: str, *, github: str, student_id: str, course_dir: Path) -> str:
    """The template with {github}, {student_id} and {course} filled from validated values.

    A result that is a relative path (no scheme, not user@host:path) is taken relative to the
    course folder, so the course folder can move.
    """
    values = {"github": github, "student_id": student_id, "course": str(course_dir.absolute())}
    try:
        pieces = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise SourceRefused(f"repo template {_shown(template)} has a broken placeholder: {exc}") from None
    filled: list[str] = []
    for literal, name, spec, conversion in pieces:
        filled.append(literal)
        if name is None:
            continue
        if name not in values or spec or conversion:
            allowed = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
            raise SourceRefused(
                f"repo template {_shown(template)} has the placeholder {_shown('{' + name + '}')}; "
                f"only {allowed} are allowed"
            )
        if name == "github" and not GITHUB_HANDLE.fullmatch(github):
            raise SourceRefused(f"GitHub handle {_shown(github)} is not a valid GitHub user name")
        if name == "student_id" and not STUDENT_ID.fullmatch(student_id):
            raise SourceRefused(
                f"student id {_shown(student_id)} cannot go into a repository URL (letters, digits, "
                "'.', '_', '@', '-' only)"
            )
        filled.append(values[name])
    source = "".join(filled)
    if source and not _SCHEME.match(source) and not _is_scp_like(source) and not source.startswith("/"):
        return str(course_dir.absolute() / source)
    return source


def validate_source(url: str, *, allow_local: bool) -> str:
    """``url`` unchanged when git may fetch it; SourceRefused with the reason otherwise."""
    why = _unsafe(url)
    if why is None:
        scheme = _SCHEME.match(url)
        if scheme:
            why = _check_url(url, scheme.group(1).lower(), allow_local)
        elif url.startswith("/"):
            why = None if allow_local else f"it is a local folder; {_LOCAL_HINT}"
        elif _is_scp_like(url):
            why = None if " " not in url else "it contains a space"
        else:
            why = f"it is neither a URL ({_ALLOWED}) nor an absolute path"
    if why is not None:
        raise SourceRefused(f"source {_shown(url)} refused: {why}")
    return url


def local_path(url: str) -> Path | None:
    """The folder a validated local source names (file:// URL or absolute path), else None."""
    if url.startswith("/"):
        return Path(url)
    if url[:7].lower() == "file://":
        return Path(unquote(urlsplit(url).path))
    return None


def _unsafe(url: str) -> str | None:
    """Why ``url`` must never reach git whatever its form, or None."""
    if not url.strip():
        return "it is empty"
    if any(ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 for ch in url):
        return "it contains a control character (newline, carriage return, tab or escape)"
    if url != url.strip():
        return "it starts or ends with a space"
    if url.startswith("-"):
        return "it starts with '-', which git would read as an option"
    if "::" in url:
        return "it contains '::', git's syntax for running a transport helper (ext::, fd::)"
    if url.lower().startswith(("ext:", "fd:")):
        return "the ext: and fd: transports run commands"
    if "$" in url or "`" in url:
        return "it contains '$' or '`' (placeholders are written {github}, {student_id}, {course})"
    return None


def _check_url(url: str, scheme: str, allow_local: bool) -> str | None:
    parts = urlsplit(url)
    if scheme == "file":
        if not allow_local:
            return f"it is a local file:// URL; {_LOCAL_HINT}"
        if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            return "a file:// URL needs an absolute path (file:///path/to/repo.git)"
        return None
    if scheme not in ("https", "ssh"):
        plain = " (unencrypted)" if scheme == "http" else ""
        return f"the {scheme}:// transport{plain} is not allowed; use {_ALLOWED}"
    if " " in url:
        return "it contains a space"
    try:
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return "it has an invalid port"
    host = parts.hostname or ""
    if not host or host.startswith("-") or (parts.username or "").startswith("-"):
        return "it has no valid host name"
    if parts.path.strip("/") == "":
        return "it names a server but no repository"
    return None


def _is_scp_like(url: str) -> bool:
    """``[user@]host:path`` as git reads it: a ':' before any '/'."""
    colon, slash = url.find(":"), url.find("/")
    return colon > 0 and (slash < 0 or colon < slash) and bool(_SCP_LIKE.fullmatch(url))


def _shown(text: str) -> str:
    """A source as it may appear in a message: credentials hidden, controls visible, bounded."""
    shown = printable(redact(text))
    return repr(shown if len(shown) <= 200 else shown[:199] + "…")
