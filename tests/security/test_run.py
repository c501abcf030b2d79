"""RUN-1, RUN-2, RUN-3, RUN-4, RUN-6, RUN-8 (docs/security.md): real hostile programs, each run in
a real sandbox, with bwrap and with the unshare fallback. Where it can, a test first shows the
trap fires without a sandbox (kind "trusted"), so it can fail."""

from __future__ import annotations

import hashlib
import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from processes import processes_with
from sandboxes import (
    GRADEBOOK_SECRET,
    KEY_SECRET,
    KINDS,
    grader_policy,
    make_checkout,
    make_course,
    run,
    text,
    working,
)

from grader.domain.check_results import sandbox_words
from grader.domain.course import ChecksConfig
from grader.domain.text import printable
from grader.sandbox import SandboxPolicy, SandboxUnavailable, policy_for, run_in_sandbox, sandbox_kind

MB = 1024 * 1024


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return working(request.param)


@pytest.fixture
def course(tmp_path: Path) -> Path:
    return make_course(tmp_path / "course")


@pytest.fixture
def policy(course: Path) -> SandboxPolicy:
    return grader_policy(course)


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.setblocking(False)
    yield server
    server.close()


CONNECT = """\
import socket, sys
try:
    socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
except OSError as error:
    print("no connection:", error)
    sys.exit(3)
print("connected")
"""


def _accepted(server: socket.socket) -> bool:
    try:
        server.accept()[0].close()
    except BlockingIOError:
        return False
    return True


def test_run1_no_network(tmp_path: Path, kind: str, policy: SandboxPolicy, listener: socket.socket) -> None:
    checkout = make_checkout(tmp_path / "checkout", {"connect.py": CONNECT})
    port = str(listener.getsockname()[1])
    unsandboxed = run(checkout, ["python", "connect.py", port], "trusted", policy)
    assert text(unsandboxed.stdout) == "connected\n" and _accepted(listener)  # the trap works

    result = run(checkout, ["python", "connect.py", port], kind, policy)

    assert result.exit_code == 3, text(result.stderr)
    assert "no connection:" in text(result.stdout)
    assert not _accepted(listener)
    assert result.sandbox == kind
    assert sandbox_words(result.sandbox) == f"sandboxed ({kind}, no network)"  # how it is recorded


READ_SECRETS = """\
import sys
for path in sys.argv[1:]:
    try:
        with open(path, "rb") as handle:
            print("READ", path, handle.read()[:40])
    except OSError as error:
        print("denied", path, type(error).__name__)
"""
WRITE_OUTSIDE = """\
import os, sys
for path in ["../../outside", "../outside", "/outside", *sys.argv[1:]]:
    try:
        with open(path, "wb") as handle:
            handle.write(b"escaped")
        print("WROTE", path)
    except OSError as error:
        print("denied", path, type(error).__name__)
"""


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def home_secret() -> Iterator[Path]:
    """A file in the real home folder (where ~/.ssh lives), removed afterwards."""
    path = Path.home() / f".grader-run2-{uuid.uuid4().hex}"
    path.write_bytes(b"SECRET-IN-HOME")
    yield path
    path.unlink()


def test_run2_secrets_hidden_and_host_unchanged(
    course: Path, kind: str, policy: SandboxPolicy, home_secret: Path
) -> None:
    checkout = make_checkout(
        course / ".grader" / "checkouts" / "a1" / "00123",  # where pulled checkouts really live
        {"read.py": READ_SECRETS, "write.py": WRITE_OUTSIDE},
    )
    secrets = [
        course / ".grader" / "grades.db",
        course / ".grader" / "keys" / "issuer.key",
        home_secret,
        Path.home() / ".ssh" / "id_ed25519",
        Path("/etc/shadow"),
    ]
    secret_args = [str(path) for path in secrets] + ["../../../grades.db", "../../../keys/issuer.key"]
    unsandboxed = run(checkout, ["python", "read.py", *map(str, secrets[:3])], "trusted", policy)
    assert text(unsandboxed.stdout).count("READ") == 3  # the trap works
    before = _digest(course)

    read = run(checkout, ["python", "read.py", *secret_args], kind, policy)
    written = run(checkout, ["python", "write.py", str(course / "written"), str(home_secret)], kind, policy)

    assert read.exit_code == 0 and written.exit_code == 0, text(read.stderr + written.stderr)
    assert "READ" not in text(read.stdout) and text(read.stdout).count("denied") == len(secret_args)
    for secret in (GRADEBOOK_SECRET, KEY_SECRET, b"SECRET-IN-HOME"):
        assert secret not in read.stdout
    assert "WROTE" not in text(written.stdout), text(written.stdout)
    assert _digest(course) == before
    assert home_secret.read_bytes() == b"SECRET-IN-HOME"
    assert not (course / "written").exists() and not Path("/outside").exists()


def test_run3_fork_bomb_and_escaped_daemon_leave_nothing(
    tmp_path: Path, kind: str, policy: SandboxPolicy
) -> None:
    tag = f"777.{uuid.uuid4().int % 10**6}"
    bomb = f"""\
        import os, subprocess, time
        subprocess.Popen(["setsid", "sleep", "{tag}"])
        forked = 0
        try:
            for _ in range(400):
                if os.fork() == 0:
                    time.sleep(600)
                    os._exit(0)
                forked += 1
        except OSError as error:
            print("fork refused after", forked, error, flush=True)
            raise
        print("forked", forked, flush=True)
        time.sleep(600)
        """
    script = f"bomb_{uuid.uuid4().hex[:8]}.py"  # this test's own, among every process on the machine
    checkout = make_checkout(tmp_path / "checkout", {script: bomb})

    result = run(checkout, ["python", script], kind, policy, timeout=8)

    assert result.limit_hit == "processes" and not result.timed_out, text(result.stdout + result.stderr)
    refused_after = int(text(result.stdout).split("fork refused after ")[1].split()[0])
    assert refused_after < 128  # the processes limit (the setsid sleep and python count too)
    assert processes_with(tag) == []  # at once: the run ends after every process it started
    assert processes_with(script) == []


def test_run3_processes_limit_applies(tmp_path: Path, kind: str, course: Path) -> None:
    """A shell's fork loop, with the system's Python (no path closed to other users)."""
    policy = policy_for(course, ChecksConfig(python="system", processes=20))
    tag = f"30.{uuid.uuid4().int % 10**6}"
    script = f"i=0; while [ $i -lt 60 ]; do sleep {tag} & i=$((i+1)); done; echo started $i; wait"
    checkout = make_checkout(tmp_path / "checkout", {"bomb.sh": script})

    result = run(checkout, ["sh", "bomb.sh"], kind, policy, timeout=5)

    assert "cannot fork" in text(result.stderr).lower(), text(result.stderr)
    assert result.limit_hit == "processes" and not result.timed_out
    assert processes_with(tag) == []


HOSTILE = {
    "memory": ("x = bytearray(10 * 1024**3)\n", "memory"),
    "disk": ("f = open('big', 'wb')\nwhile True:\n    f.write(b'x' * 1024 * 1024)\n", "file size"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_run4_memory_and_disk_limits_reported(
    tmp_path: Path, kind: str, policy: SandboxPolicy, case: str
) -> None:
    program, limit = HOSTILE[case]
    checkout = make_checkout(tmp_path / "checkout", {"hostile.py": program})

    result = run(checkout, ["python", "hostile.py"], kind, policy, timeout=60)

    assert result.exit_code not in (0, None) and not result.timed_out
    assert result.limit_hit == limit, text(result.stderr)
    assert not (checkout / "big").exists()  # the copy took it, then went away


def test_run4_output_capped_and_said(tmp_path: Path, kind: str, course: Path) -> None:
    policy = grader_policy(course, output_kb=64)
    program = "import sys\nfor _ in range(100):\n    sys.stdout.buffer.write(b'y' * 1024 * 1024)\n"
    checkout = make_checkout(tmp_path / "checkout", {"loud.py": program})

    result = run(checkout, ["python", "loud.py"], kind, policy, timeout=60)

    assert result.exit_code == 0 and result.truncated
    kept, _, note = result.stdout.partition(b"\n[grader: ")
    assert kept == b"y" * 64 * 1024
    assert note == f"{100 * MB - 64 * 1024:,} more bytes of stdout were cut]\n".encode()


def test_run4_sleep_forever_times_out(tmp_path: Path, kind: str, policy: SandboxPolicy) -> None:
    checkout = make_checkout(tmp_path / "checkout", {"sleepy.py": "import time\ntime.sleep(10**6)\n"})

    result = run(checkout, ["python", "sleepy.py"], kind, policy, timeout=2)

    assert result.timed_out and result.exit_code is None
    assert 2 <= result.duration_s < 15
    assert processes_with("sleepy.py") == []


TERMINAL = """\
import fcntl, os, sys, termios
print("tty:", os.path.exists("/dev/tty"))
for fd in (0, 1, 2):
    try:
        fcntl.ioctl(fd, termios.TIOCSTI, b"x")
        print("INJECTED", fd)
    except OSError as error:
        print("tiocsti refused", fd, error.errno)
try:
    os.open("/dev/tty", os.O_RDWR)
    print("OPENED /dev/tty")
except OSError as error:
    print("no terminal", error.errno)
print("tty_nr", open("/proc/self/stat").read().rsplit(")", 1)[1].split()[4])
sys.stdout.write("\\x1b]0;owned\\x07title\\n")
"""


def test_run6_no_terminal_and_escapes_returned_untouched(
    tmp_path: Path, kind: str, policy: SandboxPolicy
) -> None:
    checkout = make_checkout(tmp_path / "checkout", {"tty.py": TERMINAL})

    result = run(checkout, ["python", "tty.py"], kind, policy)

    out = text(result.stdout)
    assert result.exit_code == 0, text(result.stderr)
    assert "tty: False" in out and "INJECTED" not in out and "OPENED" not in out
    assert out.count("tiocsti refused") == 3 and "tty_nr 0" in out
    assert b"\x1b]0;owned\x07title\n" in result.stdout
    shown = printable(out)
    assert "\x1b" not in shown and "\x07" not in shown and "␛]0;owned␇title" in shown


def test_run8_no_sandbox_refused_unless_trusted(
    tmp_path: Path, course: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "no-tools"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # neither bwrap nor unshare can be found
    monkeypatch.delenv("GRADER_SANDBOX", raising=False)
    checkout = make_checkout(tmp_path / "checkout", {"hello.py": "print('ran')\n"})

    with pytest.raises(SandboxUnavailable) as refused:
        sandbox_kind(policy_for(course, ChecksConfig()))

    message = str(refused.value)
    assert "apt-get install bubblewrap" in message and "trust: true" in message
    assert "bwrap: bwrap" in message and "unshare: unshare" in message  # why each did not work
    trusting = policy_for(course, ChecksConfig(trust=True))
    kind = sandbox_kind(trusting)
    assert kind == "trusted"
    result = run_in_sandbox(checkout, ["python", "hello.py"], policy=trusting, kind=kind, timeout=30)
    assert (result.sandbox, result.exit_code, result.stdout) == ("trusted", 0, b"ran\n")


def test_run8_forced_none_refuses_even_with_tools(course: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRADER_SANDBOX", "none")

    with pytest.raises(SandboxUnavailable, match="apt-get install bubblewrap"):
        sandbox_kind(policy_for(course, ChecksConfig()))
    assert os.environ["GRADER_SANDBOX"] == "none"


def test_run2_mounts_cannot_be_undone_from_inside(tmp_path: Path, kind: str, policy: SandboxPolicy) -> None:
    """Even root of its own user namespace (the unshare fallback), the program cannot remount or
    unmount what it was shown: every mount it sees is locked."""
    script = """\
        for try in "mount -o remount,rw,bind /usr" "mount -o remount,rw /usr" "umount /etc" "umount -l /checkout"; do
            if $try 2>/dev/null; then echo "DID $try"; else echo "refused $try"; fi
        done
        if touch /usr/grader-escape 2>/dev/null; then echo "DID write /usr"; fi
        echo id $(id -u)
        """
    checkout = make_checkout(tmp_path / "checkout", {"undo.sh": script})

    result = run(checkout, ["sh", "undo.sh"], kind, policy)

    out = text(result.stdout)
    assert out.count("refused") == 4 and "DID" not in out, out
    assert not Path("/usr/grader-escape").exists()
