"""grader.git.failures: what git printed, turned into a short reason."""

from __future__ import annotations

import pytest

from grader.git.failures import AUTH, MISSING, clean, reason_for


@pytest.mark.parametrize(
    ("stderr", "reason"),
    [
        ("fatal: could not read Username for 'https://github.com': terminal prompts disabled", AUTH),
        ("remote: Invalid username or password.\nfatal: Authentication failed for 'https://h/x/'", AUTH),
        (
            "git@github.com: Permission denied (publickey).\nfatal: Could not read from remote repository.",
            AUTH,
        ),
        ("ERROR: Repository not found.\nfatal: Could not read from remote repository.", MISSING),
        ("fatal: repository 'https://github.com/x/y/' not found", MISSING),
        ("fatal: '/srv/x.git' does not appear to be a git repository", MISSING),
        ("fatal: unable to access 'https://h/': Could not resolve host: h", "could not resolve the host"),
        (
            "fatal: unable to access 'https://h/': Failed to connect to h port 443: Connection refused",
            "connection refused",
        ),
        (
            "fatal: unable to access 'https://h/': server certificate verification failed",
            "secure connection failed (TLS certificate not trusted?)",
        ),
        (
            "error: object 1234: hasDotdot: contains '..'\nfatal: fsck error in packed object",
            "rejected by git's object checks (corrupt or hostile objects)",
        ),
        (
            "Host key verification failed.\nfatal: Could not read from remote repository.",
            "unknown SSH host key (add the server to known_hosts)",
        ),
        ("fatal: the remote end hung up unexpectedly\n", "the remote end hung up unexpectedly"),
        ("", "git failed without saying why"),
    ],
)
def test_known_failures_get_a_short_reason(stderr: str, reason: str) -> None:
    assert reason_for(stderr) == reason


def test_unknown_failures_keep_gits_words_made_safe() -> None:
    reason = reason_for("hint: x\nfatal: weird \x1b]0;pwn\x07 at https://zoe:ghp_SECRET@h/x " + "y" * 500)
    assert "ghp_SECRET" not in reason and "\x1b" not in reason and "\x07" not in reason
    assert reason.startswith("weird ␛]0;pwn␇ at https://***@h/x") and len(reason) == 200
    assert clean("a\nb") == "a␊b"
