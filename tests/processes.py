"""Finding processes by their command line, to prove a killed git left nothing behind, and a
server that never answers, to make a git hang."""

from __future__ import annotations

import os
import select
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def processes_with(text: str) -> list[int]:
    """Live processes whose command line contains ``text`` (zombies excluded)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if text.encode() in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


def _wait_for_an_exit(pids: list[int], seconds: float) -> None:
    """Block until one of ``pids`` ends or ``seconds`` pass: a pidfd becomes readable when its
    process exits, so this waits on the exit itself, not on a sleep."""
    handles: list[int] = []
    try:
        for pid in pids:
            try:
                handles.append(os.pidfd_open(pid))
            except ProcessLookupError:
                return  # already gone
        poller = select.poll()
        for handle in handles:
            poller.register(handle, select.POLLIN)
        poller.poll(max(seconds, 0) * 1000)
    finally:
        for handle in handles:
            os.close(handle)


def wait_until_gone(text: str, seconds: float = 3) -> list[int]:
    """Wait until no live process has ``text`` on its command line; those still there after ``seconds``."""
    deadline = time.monotonic() + seconds
    while (alive := processes_with(text)) and time.monotonic() < deadline:
        _wait_for_an_exit(alive, deadline - time.monotonic())
    return processes_with(text)


@contextmanager
def silent_tcp_server() -> Iterator[int]:
    """A TCP server on 127.0.0.1 that accepts every connection and never says a word; yields its port."""
    server = socket.create_server(("127.0.0.1", 0), backlog=64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join(5)
        for connection in held:
            connection.close()
        server.close()
