"""Turn what git printed when a clone or fetch failed into a short reason a person can act on."""

from __future__ import annotations

import re

from grader.domain.text import printable
from grader.git.env import redact

MISSING = "repository not found"
AUTH = "authentication required"

_REASONS: tuple[tuple[str, str], ...] = (
    (
        r"fsck|hasdot|bad object|corrupt|invalid index-pack|did not send all necessary objects"
        r"|unresolved deltas|inflate|bad tree",
        "rejected by git's object checks (corrupt or hostile objects)",
    ),
    (
        r"could not read (username|password)|terminal prompts disabled|authentication failed"
        r"|access denied|permission denied \(|returned error: 40[13]|invalid credentials",
        AUTH,
    ),
    (r"host key verification failed", "unknown SSH host key (add the server to known_hosts)"),
    (
        r"repository .*not found|does not appear to be a git repository|returned error: 404"
        r"|no such file or directory|not a git repository|does not exist",
        MISSING,
    ),
    (r"could not resolve host|name or service not known|name resolution", "could not resolve the host"),
    (r"connection refused", "connection refused"),
    (r"timed out|timeout was reached", "connection timed out"),
    (r"ssl|certificate|tls|gnutls", "secure connection failed (TLS certificate not trusted?)"),
    (r"network is unreachable|no route to host", "network unreachable"),
    (r"failed to connect|couldn't connect|could not connect", "could not connect to the server"),
    (r"transport '[^']*' not allowed", "transport not allowed"),
    (r"no space left on device", "disk full"),
)
_PATTERNS = tuple((re.compile(pattern, re.IGNORECASE), reason) for pattern, reason in _REASONS)
_LONGEST = 200


def reason_for(stderr: str) -> str:
    """A short reason for a failed clone or fetch: one of the known ones, else git's own words."""
    for pattern, reason in _PATTERNS:
        if pattern.search(stderr):
            return reason
    return clean(_last_message(stderr)) or "git failed without saying why"


def clean(text: str) -> str:
    """Text from git made safe to show: credentials redacted, controls visible, bounded."""
    shown = printable(redact(text)).strip()
    return shown if len(shown) <= _LONGEST else shown[: _LONGEST - 1] + "…"


def _last_message(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in reversed(lines):
        for prefix in ("fatal:", "error:"):
            if line.lower().startswith(prefix):
                return line[len(prefix) :].strip()
    return lines[-1] if lines else ""
