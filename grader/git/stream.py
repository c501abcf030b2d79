"""Run git for output too big to hold in memory: read it in chunks, still under a timeout."""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Generator, Mapping, Sequence

from grader.git.env import (
    GitTimeout,
    failure,
    git_binary,
    kill_group,
    reap,
    safe_config,
    start_git,
    subcommand,
)


def stream_git(
    args: Sequence[str],
    *,
    timeout: float,
    cwd: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    chunk_size: int = 1 << 16,
) -> Generator[bytes, None, None]:
    """Run git like ``run_git`` and yield its output in chunks, for output too big to hold.

    Closing the generator early (``contextlib.closing``) kills git; so does the timeout, which
    then raises GitTimeout. A non-zero exit raises GitFailed once the output is read.
    """
    argv = [git_binary(), *safe_config(), *args]
    name = subcommand(args)
    with tempfile.TemporaryFile() as errors:
        process = start_git(argv, name, cwd=cwd, env=env, stdin=False, stderr=errors)
        expired = threading.Event()

        def expire() -> None:
            expired.set()
            kill_group(process)

        timer = threading.Timer(timeout, expire)
        timer.daemon = True
        timer.start()
        try:
            stdout = process.stdout
            while stdout is not None and (chunk := os.read(stdout.fileno(), chunk_size)):
                yield chunk
            process.wait()
        finally:
            timer.cancel()
            if process.returncode is None:
                kill_group(process)
                reap(process)
            if process.stdout is not None:
                process.stdout.close()
        if expired.is_set():
            raise GitTimeout(f"git {name} timed out after {timeout:g} s and was stopped")
        if process.returncode != 0:
            errors.seek(0)
            raise failure(name, process.returncode, errors.read(64 * 1024))
