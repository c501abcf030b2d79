"""GIT-1 … GIT-10 (docs/security.md): hostile repositories built with real git in tmp_path.

Each trap is first shown to fire under plain git (so the test can fail), then the grader's
path — validate, sync (clone/fetch), inspect, checkout, view, commit — is run against it.
"""

from __future__ import annotations

import http.server
import os
import shutil
import ssl
import stat
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from processes import silent_tcp_server, wait_until_gone
from required_tools import require_tool

from grader.domain.checkout_entry import Entry
from grader.git.checkout import CheckoutFailed, CheckoutRefused, checkout
from grader.git.commit import commit_file
from grader.git.env import run_git
from grader.git.fabricate import CommitSpec, Gitlink, Person, Push, StoredBlob, Symlink, fabricate, push
from grader.git.limits import Limits
from grader.git.mirror import directory_size
from grader.git.sources import SourceRefused, validate_source
from grader.git.sync import SyncOutcome, sync
from grader.git.tree import inspect_tree
from grader.git.worktree import ViewRefused, link_label, list_checkout, read_checkout_file

EDT = timezone(timedelta(hours=-4))
STUDENT = Person("Mallory", "mallory@student.example.edu")
LIMITS = Limits(timeout=120)
MB = 1024 * 1024
IDENTITY = {
    "GIT_AUTHOR_NAME": "a",
    "GIT_AUTHOR_EMAIL": "a@x",
    "GIT_COMMITTER_NAME": "a",
    "GIT_COMMITTER_EMAIL": "a@x",
}


def spec(files: dict[str, object], n: int = 1) -> CommitSpec:
    when = datetime(2026, 9, 20, 12, n, tzinfo=EDT)
    return CommitSpec(f"commit {n}", STUDENT, when, files)  # type: ignore[arg-type]


def marker_script(path: Path, marker: Path) -> Path:
    """An executable that creates ``marker`` (and succeeds), for hooks, fsmonitor and filters."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"#!/bin/sh\nmkdir -p '{marker.parent}'\ntouch '{marker}'\ncat 2>/dev/null || true\nexit 0\n"
    )
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def plain_git(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    """git as a user would run it, without any of grader's protections (for the control runs)."""
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, timeout=60, check=False)


def user_env(home: Path, **extra: str) -> dict[str, str]:
    home.mkdir(parents=True, exist_ok=True)
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "U",
        "GIT_AUTHOR_EMAIL": "u@x",
        "GIT_COMMITTER_NAME": "U",
        "GIT_COMMITTER_EMAIL": "u@x",
        **extra,
    }


def pull_and_view(source: Path | str, root: Path, limits: Limits = LIMITS) -> tuple[SyncOutcome, Path]:
    """What `grader pull` and the viewer do: sync, check out the head, list and read every file."""
    mirror = root / "repos" / "a1" / "mallory.git"
    outcome = sync(str(source), mirror, allow_local=True, limits=limits)
    assert outcome.result == "cloned", outcome
    dest = root / "checkouts" / "a1" / "mallory"
    report = checkout(mirror, outcome.head or "", dest, limits)
    for entry in list_checkout(dest, report):
        if entry.kind == "file":
            read_checkout_file(dest, entry.path)
    return outcome, dest


def snapshot(root: Path, *, skip: Path | None = None) -> dict[str, tuple[int, int]]:
    """(size, mtime) of every path under ``root`` except inside ``skip``; links not followed."""
    found = {}
    for folder, dirs, files in os.walk(root):
        if skip is not None and Path(folder) == skip.parent and skip.name in dirs:
            dirs.remove(skip.name)
        for name in [*dirs, *files]:
            info = Path(folder, name).lstat()
            found[str(Path(folder, name).relative_to(root))] = (info.st_size, info.st_mtime_ns)
    return found


def test_git_1_a_source_repos_hooks_and_fsmonitor_never_run(tmp_path: Path) -> None:
    markers = tmp_path / "markers"
    env = user_env(tmp_path / "home")
    src = tmp_path / "src"
    plain_git("init", "-q", "-b", "main", str(src), cwd=tmp_path, env=env)
    (src / "main.py").write_text("print('hi')\n")
    plain_git("add", ".", cwd=src, env=env)
    plain_git("commit", "-qm", "one", cwd=src, env=env)
    for hook in ("post-checkout", "post-merge", "pre-commit", "reference-transaction", "post-index-change"):
        marker_script(src / ".git" / "hooks" / hook, markers / hook)
    monitor = marker_script(tmp_path / "fsmonitor.sh", markers / "fsmonitor")
    plain_git("config", "core.fsmonitor", str(monitor), cwd=src, env=env)
    # Armed: plain git inside the repository runs both.
    plain_git("checkout", "-q", "-b", "probe", cwd=src, env=env)
    plain_git("status", cwd=src, env=env)
    assert (markers / "post-checkout").exists() and (markers / "fsmonitor").exists()
    plain_git("checkout", "-q", "main", cwd=src, env=env)
    shutil.rmtree(markers)

    for source in (str(src), f"file://{src}"):
        root = tmp_path / f"course-{len(source)}"
        outcome, dest = pull_and_view(source, root)
        assert outcome.ref == "refs/heads/main"
        again = sync(source, root / "repos" / "a1" / "mallory.git", allow_local=True, limits=LIMITS)
        assert again.result == "unchanged"
        assert read_checkout_file(dest, "main.py") == b"print('hi')\n"
    assert not markers.exists(), "no hook or fsmonitor ran"


def test_git_2_our_own_global_config_and_template_dir_are_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    markers = tmp_path / "markers"
    template = tmp_path / "template"
    for hook in ("post-checkout", "reference-transaction", "pre-commit", "post-commit"):
        marker_script(template / "hooks" / hook, markers / hook)
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text(
        f"[init]\n\ttemplateDir = {template}\n[core]\n\thooksPath = {template / 'hooks'}\n"
        f"\tfsmonitor = {template / 'hooks' / 'post-checkout'}\n"
    )
    made = fabricate(tmp_path / "src.git", [Push((spec({"a.txt": "a"}),))])
    env = user_env(home, GIT_TEMPLATE_DIR=str(template))
    plain_git("clone", "-q", str(tmp_path / "src.git"), str(tmp_path / "plain"), cwd=tmp_path, env=env)
    assert (markers / "post-checkout").exists() and (markers / "reference-transaction").exists()
    shutil.rmtree(markers)

    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_TEMPLATE_DIR", str(template))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    outcome, _ = pull_and_view(tmp_path / "src.git", tmp_path / "course")
    assert outcome.head == made.head
    mirror = tmp_path / "course" / "repos" / "a1" / "mallory.git"
    assert not (mirror / "hooks").exists(), "no template copied into the mirror"
    commit_file(
        mirror,
        branch="feedback",
        path="F.md",
        content=b"ok",
        message="fb",
        author_name="TA",
        author_email="ta@x",
        when=datetime(2026, 10, 1, tzinfo=EDT),
    )
    assert not markers.exists()


def test_git_3_filters_and_diff_drivers_from_attributes_never_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    markers = tmp_path / "markers"
    evil = marker_script(tmp_path / "evil.sh", markers / "evil")
    lfs = marker_script(tmp_path / "lfs.sh", markers / "lfs")
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text(
        f'[filter "evil"]\n\tsmudge = {evil}\n\tclean = {evil}\n\trequired = true\n'
        f'[diff "evil"]\n\ttextconv = {evil}\n'
        f'[filter "lfs"]\n\tsmudge = {lfs}\n\tprocess = {lfs}\n\trequired = true\n'
    )
    pointer = "version https://git-lfs.github.com/spec/v1\noid sha256:" + "a" * 64 + "\nsize 123456789\n"
    attributes = "* filter=evil diff=evil\n*.bin filter=lfs diff=lfs merge=lfs -text\n"
    files = {".gitattributes": attributes, "main.py": "print(1)\n", "model.bin": pointer}
    fabricate(tmp_path / "src.git", [Push((spec(files),))])
    plain_git(
        "clone", "-q", str(tmp_path / "src.git"), str(tmp_path / "plain"), cwd=tmp_path, env=user_env(home)
    )
    assert (markers / "evil").exists() and (markers / "lfs").exists(), "armed under plain git"
    shutil.rmtree(markers)

    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    _, dest = pull_and_view(tmp_path / "src.git", tmp_path / "course")
    assert read_checkout_file(dest, "model.bin") == pointer.encode(), "the LFS pointer stays a pointer"
    assert read_checkout_file(dest, "main.py") == b"print(1)\n"
    assert not markers.exists()


GIT_4_URLS = [
    ("ext::sh -c touch% x", "'::'"),
    ("--upload-pack=touch x", "starts with '-'"),
    ("-ux", "starts with '-'"),
    ("https://example.edu/x.git\n--upload-pack=touch x", "control character"),
    ("$HOME/x", "'$'"),
    ("fd::3", "'::'"),
]


@pytest.mark.parametrize(("url", "reason"), GIT_4_URLS)
def test_git_4_hostile_urls_are_refused_before_git_sees_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str, reason: str
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    with pytest.raises(SourceRefused) as caught:
        validate_source(url, allow_local=True)
    message = str(caught.value)
    assert reason in message and message.startswith("source ") and "refused: " in message
    assert "\n" not in message
    outcome = sync(url, tmp_path / "m.git", allow_local=True, limits=LIMITS)
    assert (outcome.result, outcome.reason, outcome.head) == ("refused", message, None)
    assert list(work.iterdir()) == [] and not (tmp_path / "m.git").exists(), "no marker, no mirror"


def test_git_4_the_ext_url_is_live_under_plain_git(tmp_path: Path) -> None:
    """Control for GIT-4: the same URL does run a command when git is allowed to use ext::."""
    env = user_env(tmp_path / "home")
    plain_git("-c", "protocol.ext.allow=always", "ls-remote", "ext::sh -c touch% x", cwd=tmp_path, env=env)
    assert (tmp_path / "x").exists()


def test_git_5_links_are_shown_never_followed(tmp_path: Path) -> None:
    (tmp_path / "x").write_text("SECRET outside the checkout")
    files = {
        "leak.txt": Symlink("/etc/passwd"),
        "dir": Symlink("/etc"),
        "up": Symlink("../../x"),
        "notes.md": "hello",
    }
    fabricate(tmp_path / "src.git", [Push((spec(files),))])
    outcome, dest = pull_and_view(tmp_path / "src.git", tmp_path / "course")
    mirror = tmp_path / "course" / "repos" / "a1" / "mallory.git"
    entries = list_checkout(dest, inspect_tree(mirror, outcome.head or ""))
    links = {e.path: e for e in entries if e.kind == "link"}
    assert links == {
        "dir": Entry("dir", "link", 4, "/etc"),
        "leak.txt": Entry("leak.txt", "link", 11, "/etc/passwd"),
        "up": Entry("up", "link", 7, "../../x"),
    }
    assert link_label(links["leak.txt"]) == "link → /etc/passwd (not followed)"
    passwd = Path("/etc/passwd").read_bytes()
    assert read_checkout_file(dest, "leak.txt") == b"/etc/passwd" != passwd
    assert read_checkout_file(dest, "up") == b"../../x"
    for path in ("dir/passwd", "../../x", "/etc/passwd", "up/../x"):
        with pytest.raises(ViewRefused):
            read_checkout_file(dest, path)
    assert all(not Path(dest, e.path).is_symlink() for e in entries), "nothing on disk is a link"


@pytest.mark.slow
def test_git_6_a_300_mb_file_and_200k_files_are_refused_before_checkout(tmp_path: Path) -> None:
    big = tmp_path / "big.git"
    fabricate(big, [])
    sparse = tmp_path / "zeros"
    with sparse.open("wb") as handle:
        handle.truncate(300 * MB)
    blob = (
        run_git([f"--git-dir={big}", "hash-object", "-w", "--", str(sparse)], timeout=120)
        .stdout.decode()
        .strip()
    )
    sparse.unlink()
    push(big, [spec({"zeros.bin": StoredBlob(blob), "README.md": "hi"})], onto=None)
    many = tmp_path / "many.git"
    fabricate(many, [Push((spec({f"d{n // 1000:03}/f{n:06}": "" for n in range(200_000)}),))])

    cases = [(big, "too large: 300 MB > 200 MB limit"), (many, "too many files: 200,000 > 20,000 limit")]
    for source, expected in cases:
        root = tmp_path / f"course-{source.stem}"
        mirror = root / "repos" / "a1" / "mallory.git"
        outcome = sync(str(source), mirror, allow_local=True, limits=LIMITS)
        assert outcome.result == "cloned"
        dest = root / "checkouts" / "a1" / "mallory"
        with pytest.raises(CheckoutRefused) as caught:
            checkout(mirror, outcome.head or "", dest, LIMITS)
        assert caught.value.reason == expected and expected in str(caught.value)
        assert not dest.exists() and not (dest.parent / ".staging").exists(), "refused before writing"
        assert directory_size(mirror) < 8 * MB, "the mirror stays small"
    used = sum(p.lstat().st_blocks * 512 for p in tmp_path.rglob("*"))
    assert used < 40 * MB, f"disk use stays small ({used:,} bytes)"


GITMODULES_SAFE_NAMES = (
    '[submodule "etc"]\n\tpath = etc\n\turl = file:///etc\n'
    '[submodule "cr"]\n\tpath = "sub\r"\n\turl = ../x\n'
    '[submodule "lib"]\n\tpath = vendor/lib\n\turl = https://github.com/x/lib.git\n'
)
GITMODULES_HOSTILE = GITMODULES_SAFE_NAMES + '[submodule "../../escape"]\n\tpath = up\n\turl = file:///etc\n'


def test_git_7_submodules_are_listed_not_fetched_and_nothing_escapes(tmp_path: Path) -> None:
    gitlinks = {path: Gitlink(str(n) * 40) for n, path in enumerate(("etc", "sub\r", "vendor/lib", "up"), 1)}
    safe = tmp_path / "safe.git"
    fabricate(safe, [Push((spec({".gitmodules": GITMODULES_SAFE_NAMES, "a.txt": "a", **gitlinks}),))])
    hostile = tmp_path / "hostile.git"
    fabricate(hostile, [Push((spec({".gitmodules": GITMODULES_HOSTILE, "a.txt": "a", **gitlinks}),))])
    expected = (
        ("etc", "file:///etc"),
        ("sub\r", "../x"),
        ("up", ""),
        ("vendor/lib", "https://github.com/x/lib.git"),
    )

    # A '../' submodule name is stopped at the door by git's object checks (transfer.fsckObjects).
    refused = sync(str(hostile), tmp_path / "h" / "m.git", allow_local=True, limits=LIMITS)
    assert refused.result == "failed" and "object checks" in refused.reason
    assert not (tmp_path / "h" / "m.git").exists()

    before = snapshot(tmp_path)
    outcome, dest = pull_and_view(safe, tmp_path / "course")
    mirror = tmp_path / "course" / "repos" / "a1" / "mallory.git"
    report = inspect_tree(mirror, outcome.head or "")
    assert tuple(sorted(report.submodules)) == expected
    kinds = {e.path: e.kind for e in list_checkout(dest, report)}
    assert all(kinds[path] == "submodule" for path in gitlinks)
    assert all(os.listdir(dest / path) == [] for path in gitlinks), "never fetched: empty folders"
    # Even a mirror holding the hostile tree (fsck bypassed) writes nothing outside dest.
    hostile_dest = tmp_path / "course" / "checkouts" / "a1" / "hostile"
    hostile_report = checkout(hostile, _rev(hostile), hostile_dest, LIMITS)
    assert tuple(sorted(hostile_report.submodules)) == (
        expected[0],
        expected[1],
        ("up", "file:///etc"),
        expected[3],
    )
    after = snapshot(tmp_path, skip=tmp_path / "course")
    assert after == before, "nothing changed outside the course folder"
    course_paths = set(snapshot(tmp_path / "course"))
    assert course_paths and all(p.startswith(("repos", "checkouts")) for p in course_paths)

    # Paths git refuses ('..', '.git') never reach the disk, neither by fetch nor by checkout.
    for name in ("..", ".git"):
        crafted = _crafted_tree_repo(tmp_path / f"crafted{len(name)}.git", name)
        failed = sync(str(crafted), tmp_path / "c" / f"{len(name)}.git", allow_local=True, limits=LIMITS)
        assert failed.result == "failed" and "object checks" in failed.reason
        target = tmp_path / "c" / f"co{len(name)}"
        with pytest.raises(CheckoutFailed, match="invalid path"):
            checkout(crafted, _rev(crafted), target, LIMITS)
        assert (
            not target.exists()
            and not (tmp_path / "pwned").exists()
            and not (tmp_path / "c" / "pwned").exists()
        )


def _rev(repo: Path) -> str:
    return run_git([f"--git-dir={repo}", "rev-parse", "HEAD"], timeout=30).stdout.decode().strip()


def _crafted_tree_repo(repo: Path, name: str) -> Path:
    """A repository whose tree has a folder called ``name`` holding ``pwned`` (git would not make it)."""
    fabricate(repo, [])

    def git(*args: str, stdin: bytes | None = None) -> str:
        done = run_git([f"--git-dir={repo}", *args], input=stdin, env=IDENTITY, timeout=30)
        return done.stdout.decode().strip()

    blob = git("hash-object", "-w", "--stdin", stdin=b"pwned")
    inner = git("mktree", stdin=f"100644 blob {blob}\tpwned\n".encode())
    tree = git("mktree", stdin=f"040000 tree {inner}\t{name}\n100644 blob {blob}\tok\n".encode())
    commit = git("commit-tree", tree, stdin=b"crafted")
    git("update-ref", "refs/heads/main", commit)
    return repo


@pytest.fixture
def hung_server() -> Iterator[int]:
    """A TCP server on 127.0.0.1 that accepts connections and never says a word."""
    with silent_tcp_server() as port:
        yield port


@pytest.mark.slow
def test_git_8a_a_server_that_never_answers_times_out_and_leaves_no_process(
    tmp_path: Path, hung_server: int
) -> None:
    marker = f"hung-{uuid.uuid4().hex}"
    url = f"https://127.0.0.1:{hung_server}/{marker}.git"
    started = time.monotonic()
    outcome = sync(url, tmp_path / "m.git", allow_local=False, limits=Limits(timeout=3))
    elapsed = time.monotonic() - started
    assert (outcome.result, outcome.reason, outcome.head) == ("failed", "timed out after 3 s", None)
    assert 3 <= elapsed < 8
    assert wait_until_gone(marker) == [], "git and git-remote-https were killed with their group"
    assert not (tmp_path / "m.git").exists() and os.listdir(tmp_path / ".staging") == []

    made = fabricate(tmp_path / "src.git", [Push((spec({"a": "a"}),))])
    mirror = tmp_path / "existing.git"
    sync(str(tmp_path / "src.git"), mirror, allow_local=True, limits=LIMITS)
    fetched = sync(url, mirror, allow_local=False, limits=Limits(timeout=2))
    assert (fetched.result, fetched.reason, fetched.previous_head) == (
        "failed",
        "timed out after 2 s",
        made.head,
    )
    assert wait_until_gone(marker) == []


@pytest.fixture
def password_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """An HTTPS server (self-signed for 127.0.0.1, trusted via GIT_SSL_CAINFO) that demands a login."""
    require_tool("openssl")  # makes the test certificate
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip

    class Login(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="student repos"')
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Login)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("GIT_SSL_CAINFO", str(cert))
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_git_8b_a_url_that_asks_for_a_password_fails_at_once(tmp_path: Path, password_server: int) -> None:
    marker = f"login-{uuid.uuid4().hex}"
    started = time.monotonic()
    outcome = sync(
        f"https://zoe:ghp_TOKEN@127.0.0.1:{password_server}/{marker}.git",
        tmp_path / "m.git",
        allow_local=False,
        limits=Limits(timeout=30),
    )
    assert (outcome.result, outcome.reason) == ("failed", "authentication required")
    assert time.monotonic() - started < 10, "a prompt is a failure, never a wait"
    plain = sync(
        f"https://127.0.0.1:{password_server}/{marker}.git",
        tmp_path / "m.git",
        allow_local=False,
        limits=LIMITS,
    )
    assert (plain.result, plain.reason) == ("failed", "authentication required")
    assert wait_until_gone(marker) == []


def test_git_9_a_folder_with_a_hostile_git_is_cloned_from_outside(tmp_path: Path) -> None:
    markers = tmp_path / "markers"
    env = user_env(tmp_path / "home")
    victim = tmp_path / "unzipped-submission"
    plain_git("init", "-q", "-b", "main", str(victim), cwd=tmp_path, env=env)
    (victim / "main.py").write_text("print(1)\n")
    plain_git("add", ".", cwd=victim, env=env)
    plain_git("commit", "-qm", "one", cwd=victim, env=env)
    monitor = marker_script(tmp_path / "fsmonitor.sh", markers / "fsmonitor")
    plain_git("config", "core.fsmonitor", str(monitor), cwd=victim, env=env)
    plain_git("config", "uploadpack.packObjectsHook", str(monitor), cwd=victim, env=env)
    for hook in ("post-checkout", "reference-transaction", "pre-upload", "post-update"):
        marker_script(victim / ".git" / "hooks" / hook, markers / hook)
    plain_git("status", cwd=victim, env=env)
    assert (markers / "fsmonitor").exists(), "armed: git run inside the folder runs it"
    shutil.rmtree(markers)
    before = snapshot(victim)

    refused = sync(str(victim), tmp_path / "r.git", allow_local=False, limits=LIMITS)
    assert refused.result == "refused" and "allow_local" in refused.reason
    _, dest = pull_and_view(victim, tmp_path / "course")
    mirror = tmp_path / "course" / "repos" / "a1" / "mallory.git"
    objects = [p for p in (mirror / "objects").rglob("*") if p.is_file()]
    assert any(p.suffix == ".pack" for p in objects), "objects came through the transport (--no-local)"
    assert all(p.stat().st_nlink == 1 for p in objects), "nothing hard-linked from the folder"
    assert read_checkout_file(dest, "main.py") == b"print(1)\n"
    assert snapshot(victim) == before, "nothing in the folder was touched (no index refresh)"
    assert not markers.exists()


def test_git_10_a_feedback_commit_runs_no_hook(tmp_path: Path) -> None:
    markers = tmp_path / "markers"
    env = user_env(tmp_path / "home")
    work = tmp_path / "checkout-repo"
    plain_git("init", "-q", "-b", "main", str(work), cwd=tmp_path, env=env)
    hooks = ("pre-commit", "commit-msg", "prepare-commit-msg", "post-commit", "reference-transaction")
    for hook in hooks:
        marker_script(work / ".git" / "hooks" / hook, markers / hook)
    plain_git("commit", "-q", "--allow-empty", "-m", "probe", cwd=work, env=env)
    assert all((markers / hook).exists() for hook in hooks), "armed under plain git commit"
    shutil.rmtree(markers)
    bare = tmp_path / "mirror.git"
    fabricate(bare, [Push((spec({"a": "a"}),))])
    for hook in hooks:
        marker_script(bare / "hooks" / hook, markers / hook)

    for repo in (work, bare):
        sha = commit_file(
            repo,
            branch="main",
            path="FEEDBACK.md",
            content=b"Score: 9/10\n",
            message="Feedback\n",
            author_name="TA",
            author_email="ta@example.edu",
            when=datetime(2026, 10, 3, 10, tzinfo=EDT),
        )
        git_dir = repo / ".git" if repo == work else repo
        shown = run_git([f"--git-dir={git_dir}", "show", "main:FEEDBACK.md"], timeout=30).stdout
        head = run_git([f"--git-dir={git_dir}", "rev-parse", "main"], timeout=30).stdout.decode().strip()
        assert (shown, head) == (b"Score: 9/10\n", sha)
    assert not markers.exists()
