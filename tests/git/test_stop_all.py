"""Ctrl-C during a pull: every git still running is stopped at once, not at its timeout."""

from __future__ import annotations

import os
import socket
import threading
import time

import pytest

from grader.git.env import run_git, stop_all_git


def test_stop_all_git_kills_a_git_that_waits_on_a_silent_server() -> None:
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    held: list[socket.socket] = []
    connected = threading.Event()

    def accept() -> None:
        held.append(server.accept()[0])
        connected.set()

    threading.Thread(target=accept, daemon=True).start()
    outcome: list[BaseException | None] = []

    def hang() -> None:
        try:
            run_git(["ls-remote", f"https://127.0.0.1:{port}/silent.git"], timeout=120, cwd="/", check=True)
            outcome.append(None)
        except BaseException as error:
            outcome.append(error)

    worker = threading.Thread(target=hang)
    started = time.monotonic()
    worker.start()
    assert connected.wait(20), "git never reached the server"
    stopped = stop_all_git()
    worker.join(20)
    server.close()
    for connection in held:
        connection.close()
    assert stopped == 1
    assert not worker.is_alive()
    assert time.monotonic() - started < 20
    assert outcome and outcome[0] is not None  # git failed: it was killed, it did not answer


def test_git_missing_from_path_is_a_clear_error(tmp_path, monkeypatch) -> None:
    from grader.git import env

    monkeypatch.setattr(env, "_binary", [])
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(env.GitMissing, match=r"not on PATH \(is git installed\?\)"):
        run_git(["--version"], timeout=5)
    monkeypatch.setenv("PATH", "/usr/local/bin:/usr/bin:/bin")
    assert run_git(["--version"], timeout=5).stdout.startswith(b"git version")
    assert os.path.isabs(env._binary[0]), "looked up once, then started by its absolute path"
