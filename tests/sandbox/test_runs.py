"""One run, end to end, with each sandbox: what goes in, what comes back, and how it ends."""

from __future__ import annotations

import threading
import uuid
from pathlib import Path

import pytest
from processes import processes_with
from sandboxes import KINDS, grader_policy, make_checkout, make_course, run, text, working

from grader.domain.course import ChecksConfig
from grader.sandbox import SandboxFailed, SandboxPolicy, policy_for, stop_all_runs
from grader.sandbox.policy import Limits

ALL_KINDS = [*KINDS, pytest.param("trusted", id="trusted")]


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return working(request.param)


@pytest.fixture(params=ALL_KINDS)
def any_kind(request: pytest.FixtureRequest) -> str:
    return request.param if request.param == "trusted" else working(request.param)


@pytest.fixture
def course(tmp_path: Path) -> Path:
    return make_course(tmp_path / "course")


@pytest.fixture
def policy(course: Path) -> SandboxPolicy:
    return grader_policy(course)


def test_a_timeout_ends_every_grandchild(tmp_path: Path, any_kind: str, policy: SandboxPolicy) -> None:
    tag = f"999.{uuid.uuid4().int % 10**6}"
    script = f"sh -c 'sleep {tag} & sleep {tag}' & (sleep {tag} &) ; sleep {tag}"
    checkout = make_checkout(tmp_path / "checkout", {"family.sh": script})

    result = run(checkout, ["sh", "family.sh"], any_kind, policy, timeout=1)

    assert result.timed_out and result.exit_code is None
    assert processes_with(tag) == []


def test_pytest_runs_inside_with_graders_python_and_reports(
    tmp_path: Path, kind: str, policy: SandboxPolicy
) -> None:
    tests = """\
        def test_adds():
            assert 1 + 1 == 2

        def test_divides():
            assert 1 / 1 == 2
        """
    checkout = make_checkout(tmp_path / "checkout", {"test_calc.py": tests})
    argv = ["python", "-m", "pytest", "-q", "-p", "no:cacheprovider", "--junitxml=.grader-report.xml"]

    result = run(checkout, argv, kind, policy, collect=[".grader-report.xml"])

    assert result.exit_code == 1, text(result.stdout + result.stderr)
    assert "1 failed, 1 passed" in text(result.stdout)
    report = result.files[".grader-report.xml"]
    assert report is not None and b'tests="2"' in report and b'failures="1"' in report
    assert not (checkout / ".grader-report.xml").exists()


def test_stdin_reaches_the_program_and_a_big_unread_one_does_not_block(
    tmp_path: Path, any_kind: str, policy: SandboxPolicy
) -> None:
    checkout = make_checkout(
        tmp_path / "checkout", {"echo.py": "import sys\nprint(sys.stdin.readline().upper())\n"}
    )

    result = run(
        checkout, ["python", "echo.py"], any_kind, policy, stdin=b"2 + 3\n" + b"x" * (8 * 1024 * 1024)
    )

    assert result.exit_code == 0 and text(result.stdout) == "2 + 3\n\n"


def test_without_stdin_the_program_reads_end_of_file(
    tmp_path: Path, kind: str, policy: SandboxPolicy
) -> None:
    checkout = make_checkout(
        tmp_path / "checkout", {"read.py": "import sys\nprint(repr(sys.stdin.read()))\n"}
    )

    result = run(checkout, ["python", "read.py"], kind, policy, timeout=10)

    assert not result.timed_out and text(result.stdout) == "''\n"


def test_both_streams_are_read_at_once_and_capped(tmp_path: Path, kind: str, course: Path) -> None:
    program = """\
        import sys
        for _ in range(64):
            sys.stdout.write("o" * 65536)
            sys.stderr.write("e" * 65536)
        """
    checkout = make_checkout(tmp_path / "checkout", {"both.py": program})

    result = run(checkout, ["python", "both.py"], kind, grader_policy(course, output_kb=128), timeout=60)

    assert result.exit_code == 0 and result.truncated
    assert result.stdout.startswith(b"o" * 131072 + b"\n[grader: ")
    assert result.stderr.startswith(b"e" * 131072 + b"\n[grader: ")


def test_the_environment_is_clean_and_fixed(tmp_path: Path, kind: str, policy: SandboxPolicy) -> None:
    program = "import os, sys\nfor k in sorted(os.environ): print(k, os.environ[k])\nprint(os.getcwd())\n"
    checkout = make_checkout(tmp_path / "checkout", {"env.py": program})

    result = run(checkout, ["python", "env.py"], kind, policy)

    lines = text(result.stdout).splitlines()
    names = {line.split(" ", 1)[0] for line in lines[:-1]}
    assert names == {"HOME", "LANG", "PATH", "PWD", "PYTHONDONTWRITEBYTECODE", "PYTHONHASHSEED", "TMPDIR"}
    assert (
        "HOME /tmp" in lines
        and "PWD /checkout" in lines
        and "PYTHONHASHSEED 0" in lines
        and lines[-1] == "/checkout"
    )
    assert any(line.startswith(f"PATH {policy.path_prefix[0]}:") for line in lines)


def test_a_signal_death_is_reported_as_that_signal(
    tmp_path: Path, any_kind: str, policy: SandboxPolicy
) -> None:
    checkout = make_checkout(
        tmp_path / "checkout", {"die.py": "import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)\n"}
    )

    result = run(checkout, ["python", "die.py"], any_kind, policy)

    assert result.exit_code == -11 and not result.timed_out


def test_cpu_limit_is_reported(tmp_path: Path, kind: str, course: Path) -> None:
    checkout = make_checkout(tmp_path / "checkout", {"spin.py": "while True:\n    pass\n"})

    result = run(checkout, ["python", "spin.py"], kind, grader_policy(course, cpu_seconds=1), timeout=30)

    assert not result.timed_out and result.limit_hit == "cpu" and result.exit_code in (-24, -9)


def test_a_missing_command_is_a_failed_setup_not_a_failed_program(
    tmp_path: Path, kind: str, policy: SandboxPolicy
) -> None:
    checkout = make_checkout(tmp_path / "checkout", {})

    with pytest.raises(SandboxFailed, match="not found inside the sandbox"):
        run(checkout, ["no-such-command-here", "x"], kind, policy)


def test_a_sandbox_that_cannot_start_is_a_failed_setup(tmp_path: Path, kind: str) -> None:
    gone = tmp_path / "gone"
    policy = SandboxPolicy(readonly_paths=(gone,), limits=Limits())
    checkout = make_checkout(tmp_path / "checkout", {"a.py": "print(1)\n"})

    with pytest.raises(SandboxFailed, match=f"the {kind} sandbox could not start the check"):
        run(checkout, ["true"], kind, policy)


def test_stop_all_runs_ends_a_run_at_once(tmp_path: Path, kind: str, policy: SandboxPolicy) -> None:
    tag = f"888.{uuid.uuid4().int % 10**6}"
    checkout = make_checkout(tmp_path / "checkout", {"wait.sh": f"echo up\nsleep {tag}\n"})
    results = []
    runner = threading.Thread(
        target=lambda: results.append(run(checkout, ["sh", "wait.sh"], kind, policy, timeout=120))
    )
    runner.start()
    deadline_hit = not _wait_for_process(tag)
    stop_all_runs()
    runner.join(timeout=30)

    assert not deadline_hit and not runner.is_alive()
    assert results[0].exit_code == -9 and not results[0].timed_out
    assert processes_with(tag) == []


def _wait_for_process(tag: str) -> bool:
    """Until a process with ``tag`` exists (polling /proc: there is nothing to wait on)."""
    import time

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if processes_with(tag):
            return True
        time.sleep(0.02)
    return False


def test_system_python_is_named_python_inside(tmp_path: Path, kind: str, course: Path) -> None:
    policy = policy_for(course, ChecksConfig(python="system"))
    checkout = make_checkout(
        tmp_path / "checkout", {"which.py": "import sys\nprint(sys.executable, sys.prefix)\n"}
    )

    result = run(checkout, ["python", "which.py"], kind, policy)

    assert result.exit_code == 0, text(result.stderr)
    assert text(result.stdout).split()[1] == "/usr"


def test_a_path_behind_a_closed_folder_is_shown_read_only(tmp_path: Path, kind: str, course: Path) -> None:
    """Like a pyenv under /root (mode 0700): the sandbox's own uid could not open it by itself."""
    closed = tmp_path / "closed"
    (closed / "data").mkdir(parents=True)
    (closed / "data" / "table.csv").write_text("a,b\n")
    closed.chmod(0o700)
    policy = policy_for(course, ChecksConfig(paths=(str(closed / "data"),)))
    program = f"""\
        print(open({str(closed / "data" / "table.csv")!r}).read(), end="")
        try:
            open({str(closed / "data" / "new.csv")!r}, "w")
        except OSError as error:
            print("refused", type(error).__name__)
        """
    checkout = make_checkout(tmp_path / "checkout", {"read.py": program})

    result = run(checkout, ["python", "read.py"], kind, policy)

    assert result.exit_code == 0, text(result.stderr)
    assert text(result.stdout) == "a,b\nrefused OSError\n"
    assert not (closed / "data" / "new.csv").exists()
