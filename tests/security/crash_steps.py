"""Kill a process at each step of a durable write in turn, to see what a crash there leaves.

The child counts every call to the file-system functions the writer uses (and to the folder
exchange); at call number N it SIGKILLs itself, as a power cut or ``kill -9`` would. N goes
1, 2, 3 … until the write completes, so every step is interrupted once.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

PRELUDE = """
import os, signal, sys
from pathlib import Path
from grader.durable import folders, write_shared, replaced_folder

KILL_AT = int(sys.argv[1])
calls = 0

def counted(function):
    def step(*args, **kwargs):
        global calls
        calls += 1
        if calls == KILL_AT:
            os.kill(os.getpid(), signal.SIGKILL)
        return function(*args, **kwargs)
    return step

for name in ("open", "fsync", "fchmod", "replace", "rename", "link", "unlink", "mkdir", "rmdir"):
    setattr(os, name, counted(getattr(os, name)))
if sys.argv[2] == "no-exchange":
    folders.exchange = lambda first, second: False  # a system without renameat2(RENAME_EXCHANGE)
else:
    folders.exchange = counted(folders.exchange)
chunk = counted(lambda data: data)
"""

MAX_STEPS = 200


@dataclass(frozen=True)
class Killed:
    step: int


def killed_at_each_step(
    action: str, *, exchange: bool = True, before_each: Callable[[], None] = lambda: None
) -> Iterator[Killed]:
    """Run ``action`` (Python using the PRELUDE's names) killed at step 1, 2, … ; yields each kill.

    Returns when a run completes without reaching its kill step; fails if none ever does.
    """
    for step in range(1, MAX_STEPS):
        before_each()
        done = subprocess.run(
            [sys.executable, "-c", PRELUDE + action, str(step), "exchange" if exchange else "no-exchange"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if done.returncode == 0:
            return
        assert done.returncode == -signal.SIGKILL, done.stderr
        yield Killed(step)
    raise AssertionError(f"the write never completed within {MAX_STEPS} steps")


def names(folder: Path) -> set[str]:
    return {path.name for path in folder.iterdir()}
