"""Finding processes by their command line, to prove a killed git left nothing behind."""

from __future__ import annotations

import os
import time
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


def wait_until_gone(text: str, seconds: float = 3) -> list[int]:
    deadline = time.monotonic() + seconds
    while processes_with(text) and time.monotonic() < deadline:
        time.sleep(0.05)
    return processes_with(text)
