"""grader.git.fabricate (repositories via fast-import) and grader.git.env (how git is run).

Real git in tmp_path; nothing is mocked.
"""

from __future__ import annotations

import os
import stat
import subprocess
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from processes import wait_until_gone

from grader.git.env import (
    SAFE_CONFIG,
    GitFailed,
    GitTimeout,
    git_env,
    redact,
    run_git,
    safe_config,
)
from grader.git.fabricate import CommitSpec, FabricationError, Person, Push, fabricate, push

EDT = timezone(timedelta(hours=-4))
IST = timezone(timedelta(hours=5, minutes=30))
ZOE = Person("Zoë Łukasz-Nguyễn", "zoe@student.example.edu")
TA = Person("Σοφία Παπαδοπούλου", "ta@example.edu")


def git(repo: Path, *args: str, check: bool = True) -> str:
    return run_git([f"--git-dir={repo}", *args], timeout=30, check=check).stdout.decode("utf-8")


def commit(n: int, files: dict[str, str | bytes] | None = None, **extra: object) -> CommitSpec:
    return CommitSpec(
        message=f"Step {n}\n",
        author=ZOE,
        authored_at=datetime(2026, 9, 20 + n, 14, 30, n, tzinfo=EDT),
        files=files if files is not None else {"main.py": f"print({n})\n"},
        **extra,  # type: ignore[arg-type]
    )


def is_ancestor(repo: Path, old: str, new: str) -> bool:
    done = run_git([f"--git-dir={repo}", "merge-base", "--is-ancestor", old, new], timeout=30, check=False)
    return done.returncode == 0


# fabricate


def test_commits_have_exact_identities_dates_and_files(tmp_path: Path) -> None:
    repo = tmp_path / "r.git"
    later = datetime(2026, 9, 30, 1, 2, 3, tzinfo=IST)
    specs = (
        commit(1),
        commit(2, {"main.py": "print(2)\n", "data/bytes.bin": b"\x00\xff"}, committer=TA, committed_at=later),
    )
    made = fabricate(repo, [Push(specs)])
    assert len(made.shas) == 2 and made.history == made.shas and made.head == made.shas[-1]
    assert git(repo, "rev-parse", "main").strip() == made.head
    assert git(repo, "symbolic-ref", "HEAD").strip() == "refs/heads/main"
    assert git(repo, "rev-parse", "--is-bare-repository").strip() == "true"
    log = git(repo, "log", "--format=%H|%an|%ae|%ai|%cn|%ce|%ci|%s", "main").splitlines()
    assert log == [
        f"{made.shas[1]}|{ZOE.name}|{ZOE.email}|2026-09-22 14:30:02 -0400|{TA.name}|{TA.email}"
        "|2026-09-30 01:02:03 +0530|Step 2",
        f"{made.shas[0]}|{ZOE.name}|{ZOE.email}|2026-09-21 14:30:01 -0400|{ZOE.name}|{ZOE.email}"
        "|2026-09-21 14:30:01 -0400|Step 1",
    ]
    assert git(repo, "show", f"{made.shas[0]}:main.py") == "print(1)\n"
    blob = run_git([f"--git-dir={repo}", "show", "main:data/bytes.bin"], timeout=30).stdout
    assert blob == b"\x00\xff"
    assert git(repo, "ls-tree", "-r", "--name-only", made.shas[0]).split() == ["main.py"]


def test_the_same_input_gives_the_same_shas(tmp_path: Path) -> None:
    pushes = [Push((commit(1), commit(2)))]
    first = fabricate(tmp_path / "a.git", pushes)
    second = fabricate(tmp_path / "b.git", pushes)
    assert first == second
    other = fabricate(tmp_path / "c.git", [Push((commit(1), commit(3)))])
    assert other.shas[0] == first.shas[0] and other.shas[1] != first.shas[1]


def test_no_pushes_make_an_empty_repository(tmp_path: Path) -> None:
    made = fabricate(tmp_path / "empty.git", [])
    assert made.head is None and made.shas == ()
    assert git(tmp_path / "empty.git", "for-each-ref") == ""
    assert not (tmp_path / "empty.git" / "hooks").exists()


def test_a_force_push_rewrites_the_branch(tmp_path: Path) -> None:
    repo = tmp_path / "r.git"
    amended = commit(3, {"main.py": "print('amended')\n"})
    made = fabricate(repo, [Push((commit(1), commit(2), commit(3))), Push((amended,), keep=2)])
    old_head, new_head = made.heads
    assert old_head == made.shas[2] and new_head == made.shas[3] == made.head
    assert made.history == (made.shas[0], made.shas[1], made.shas[3])
    assert not is_ancestor(repo, old_head, "main")
    assert git(repo, "cat-file", "-t", old_head).strip() == "commit", "kept, unreachable"
    assert git(repo, "rev-parse", "main").strip() == new_head


def test_an_unrelated_history_replaces_the_old_one(tmp_path: Path) -> None:
    repo = tmp_path / "r.git"
    made = fabricate(repo, [Push((commit(1), commit(2))), Push((commit(5),), keep=0)])
    assert made.history == (made.shas[2],)
    assert git(repo, "rev-list", "--count", "main").strip() == "1"


def test_push_moves_an_existing_branch(tmp_path: Path) -> None:
    repo = tmp_path / "r.git"
    made = fabricate(repo, [Push((commit(1), commit(2)))])
    (third,) = push(repo, [commit(3)], onto=made.head)
    assert is_ancestor(repo, made.head or "", third)
    (orphan,) = push(repo, [commit(4)], onto=None)
    assert git(repo, "rev-parse", "main").strip() == orphan
    assert not is_ancestor(repo, third, orphan)


def test_odd_file_names_round_trip_and_pass_fsck_on_clone(tmp_path: Path) -> None:
    names = ["-rf", "with space.txt", 'quote"and\\back.md', "数据/说明.txt", "Ü" * 100, "x" * 250]
    repo = tmp_path / "odd.git"
    fabricate(repo, [Push((commit(1, {name: name for name in names}),))])
    listed = git(repo, "ls-tree", "-r", "-z", "--name-only", "main").split("\0")
    assert sorted(filter(None, listed)) == sorted(names)
    clone = tmp_path / "clone.git"
    run_git(
        ["clone", "--quiet", "--bare", "--no-local", f"file://{repo}", str(clone)],
        timeout=60,
        allow_file=True,
    )
    assert git(clone, "rev-parse", "main") == git(repo, "rev-parse", "main")


@pytest.mark.parametrize(
    "name", ["", "/etc/passwd", "../up.txt", "a/../b", ".git/config", "A/.GIT/x", "dir/"]
)
def test_names_git_would_not_store_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(FabricationError, match="not a valid file name"):
        fabricate(tmp_path / "r.git", [Push((commit(1, {name: "x"}),))])


def test_bad_identities_and_naive_dates_are_refused(tmp_path: Path) -> None:
    evil = CommitSpec("m", Person("Eve <eve@x>", "e@x"), datetime(2026, 9, 1, tzinfo=EDT), {})
    with pytest.raises(FabricationError, match="may not contain"):
        fabricate(tmp_path / "a.git", [Push((evil,))])
    naive = CommitSpec("m", ZOE, datetime(2026, 9, 1), {"a": "b"})
    with pytest.raises(FabricationError, match="no timezone"):
        fabricate(tmp_path / "b.git", [Push((naive,))])


@pytest.mark.parametrize("branch", ["-x", "a..b", "main\nreset refs/heads/x", "x.lock", ""])
def test_unusable_branch_names_are_refused(tmp_path: Path, branch: str) -> None:
    with pytest.raises(FabricationError, match="branch name"):
        fabricate(tmp_path / "r.git", [Push((commit(1),))], branch=branch)
    assert not (tmp_path / "r.git").exists()


def test_an_existing_path_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FabricationError, match="already exists"):
        fabricate(tmp_path, [])


# env: how git runs


def test_environment_is_rebuilt_without_inherited_git_variables(tmp_path: Path) -> None:
    base = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "GIT_DIR": str(tmp_path / "elsewhere"),
        "GIT_TEMPLATE_DIR": str(tmp_path),
        "GIT_SSH_COMMAND": "touch pwned",
        "LD_PRELOAD": "/tmp/evil.so",
        "SSH_AUTH_SOCK": "/run/agent",
    }
    env = git_env(base)
    assert not {"GIT_DIR", "GIT_TEMPLATE_DIR", "LD_PRELOAD"} & set(env)
    assert env["PATH"] == "/usr/bin:/bin" and env["SSH_AUTH_SOCK"] == "/run/agent"
    assert env["HOME"] != str(tmp_path) and os.listdir(env["HOME"]) == []
    assert env["GIT_CONFIG_NOSYSTEM"] == "1" and env["GIT_CONFIG_GLOBAL"] == os.devnull
    assert env["GIT_TERMINAL_PROMPT"] == "0" and env["GIT_ASKPASS"] == "/bin/false"
    assert env["SSH_ASKPASS"] == "/bin/false" and env["GIT_SSH_COMMAND"] == "ssh -o BatchMode=yes"
    assert env["GIT_LFS_SKIP_SMUDGE"] == "1" and env["LC_ALL"] == "C"
    assert "core.hooksPath=/dev/null" in SAFE_CONFIG and "protocol.allow=never" in SAFE_CONFIG
    assert "protocol.file.allow=always" not in SAFE_CONFIG
    assert safe_config(allow_file=True)[-2:] == ("-c", "protocol.file.allow=always")


def _hostile_home(tmp_path: Path, marker: Path) -> dict[str, str]:
    """A HOME whose global config, XDG config and template dir all try to run a marker."""
    hooks = tmp_path / "template" / "hooks"
    hooks.mkdir(parents=True)
    for hook in ("post-commit", "pre-commit", "post-checkout"):
        script = hooks / hook
        script.write_text(f"#!/bin/sh\ntouch '{marker}'\n")
        script.chmod(script.stat().st_mode | stat.S_IEXEC)
    config = (
        f"[alias]\n\tpwn = !touch '{marker}'\n[core]\n\thooksPath = {hooks}\n"
        f"[init]\n\ttemplateDir = {tmp_path / 'template'}\n"
        "[user]\n\tname = Global User\n\temail = global@example.edu\n"
    )
    home = tmp_path / "home"
    (home / ".config" / "git").mkdir(parents=True)
    (home / ".gitconfig").write_text(config)
    (home / ".config" / "git" / "config").write_text(config)
    return {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "GIT_CONFIG_GLOBAL": str(home / ".gitconfig"),
        "GIT_TEMPLATE_DIR": str(tmp_path / "template"),
    }


def test_a_hostile_global_config_is_not_honoured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    marker = tmp_path / "MARKER"
    hostile = _hostile_home(tmp_path, marker)
    # The same setup does run the marker under plain git, so the test can fail.
    subprocess.run(["git", "pwn"], env={**os.environ, **hostile}, cwd=tmp_path, check=True)
    assert marker.exists()
    marker.unlink()

    for name, value in hostile.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("GIT_DIR", str(tmp_path / "nowhere"))
    assert run_git(["pwn"], cwd=tmp_path, timeout=30, check=False).returncode != 0
    assert run_git(["config", "--get", "user.name"], cwd=tmp_path, timeout=30, check=False).stdout == b""
    work = tmp_path / "work"
    run_git(["init", "--quiet", str(work)], timeout=30)
    assert not list((work / ".git" / "hooks").glob("post-commit*"))
    run_git(
        ["-c", "user.name=T", "-c", "user.email=t@x", "commit", "--allow-empty", "-qm", "x"],
        cwd=work,
        timeout=30,
    )
    assert not marker.exists()


def test_a_timeout_kills_the_whole_process_group() -> None:
    tag = f"987.{os.getpid()}"
    started = time.monotonic()
    with pytest.raises(GitTimeout, match=r"git hang timed out after 0.5 s"):
        run_git(["-c", f"alias.hang=!sleep {tag}; :", "hang"], timeout=0.5)
    assert time.monotonic() - started < 5
    assert wait_until_gone(tag) == [], "the shell and its sleep were killed too"


def test_a_git_blocked_on_a_read_times_out(tmp_path: Path) -> None:
    fifo = tmp_path / f"fifo-{os.getpid()}"
    os.mkfifo(fifo)
    with pytest.raises(GitTimeout, match="hash-object"):
        run_git(["hash-object", str(fifo)], timeout=0.3)
    assert wait_until_gone(fifo.name) == []


def test_stdin_is_never_a_terminal() -> None:
    empty = run_git(["hash-object", "--stdin"], timeout=10).stdout.strip()
    assert empty == b"e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"
    given = run_git(["hash-object", "--stdin"], input=b"hello\n", timeout=10).stdout.strip()
    assert given == b"ce013625030ba8dba906f756967f9e9ca394464a"


def test_failures_raise_with_a_clear_message(tmp_path: Path) -> None:
    with pytest.raises(GitFailed, match=r"git rev-parse failed \(exit 128\)") as failure:
        run_git(["rev-parse", "HEAD"], cwd=tmp_path, timeout=10)
    assert failure.value.returncode == 128
    assert "Traceback" not in str(failure.value)


def test_file_urls_need_allow_file(tmp_path: Path) -> None:
    source = tmp_path / "src.git"
    fabricate(source, [Push((commit(1),))])
    url = f"file://{source}"
    with pytest.raises(GitFailed, match="transport 'file' not allowed"):
        run_git(["clone", "--quiet", "--bare", url, str(tmp_path / "a.git")], timeout=30)
    run_git(["clone", "--quiet", "--bare", url, str(tmp_path / "b.git")], timeout=30, allow_file=True)
    assert git(tmp_path / "b.git", "rev-parse", "main") == git(source, "rev-parse", "main")


def test_credentials_in_urls_are_redacted() -> None:
    text = "fatal: unable to access 'https://user:ghp_secret@github.com/x.git/'"
    assert redact(text) == "fatal: unable to access 'https://***@github.com/x.git/'"
