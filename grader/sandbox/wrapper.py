"""The first program inside every sandbox: check the command exists, say so, set the rlimits, run it.

It writes a marker on stderr before the command starts, so a sandbox that failed to start (bwrap's
own error) or a command that does not exist is told apart from anything the program does: the
program only ever writes after the marker. The limits are set inside, after the user namespace
exists, so the processes limit counts only the run's own processes.
"""

from __future__ import annotations

from collections.abc import Sequence

from grader.sandbox.policy import Limits

STARTED = b"\0grader-sandbox: started\n"
MISSING = b"\0grader-sandbox: missing\n"
SHELL = "/bin/sh"
LIMIT_ARGS = 5
# Fixed text: the limits and the command arrive as positional parameters, never in the script.
SCRIPT = r"""l1=$1 l2=$2 l3=$3 l4=$4 l5=$5
shift 5
if ! command -v "$1" >/dev/null 2>&1; then printf '\0grader-sandbox: missing\n' >&2; exit 127; fi
if ! command -v prlimit >/dev/null 2>&1; then echo 'prlimit (util-linux) is missing' >&2; exit 126; fi
printf '\0grader-sandbox: started\n' >&2
prlimit "$l1" "$l2" "$l3" "$l4" "$l5" -- "$@"
exit $?
"""


def limit_args(limits: Limits, timeout: float, hard: dict[str, int]) -> list[str]:
    """prlimit's options, never above the hard limits the sandbox itself was given."""
    cpu = limits.cpu_for(timeout)
    wanted = {
        "data": limits.memory_mb * 1024 * 1024,
        "nproc": limits.processes,
        "fsize": limits.file_size_mb * 1024 * 1024,
        "cpu": cpu,
    }
    capped = {name: min(value, hard.get(name, value)) for name, value in wanted.items()}
    cpu_hard = min(capped["cpu"] + 1, hard.get("cpu", capped["cpu"] + 1))
    return [
        f"--data={capped['data']}",
        f"--nproc={capped['nproc']}",
        f"--fsize={capped['fsize']}",
        f"--cpu={capped['cpu']}:{cpu_hard}",
        "--core=0",
    ]


def wrapped(argv: Sequence[str], limits: Limits, timeout: float, hard: dict[str, int]) -> list[str]:
    """``sh -c SCRIPT`` with the limits and the command as separate arguments."""
    return [SHELL, "-c", SCRIPT, "grader-sandbox", *limit_args(limits, timeout, hard), *argv]


def exit_code(status: int) -> int:
    """An exit status seen through a shell: 128+N from a program killed by signal N becomes -N."""
    if 128 < status < 128 + 32:
        return -(status - 128)
    return status
