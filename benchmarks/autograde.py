"""Sandboxed `grader autograde` against the same command run unsandboxed, per submission.

    python benchmarks/autograde.py [--students 200] [--jobs 4] [--repeat 3] [--course DIR]
                                   [--command "python -c pass"] [--timeout 60]

Builds the demo course with N students (`grader demo --students N --no-tui`: real git
repositories), gives a1-calculator's autograded criterion a trivial check
(`run: python -c pass`) and pulls a1 (real checkouts). Then, in one run, each side a whole
process timed over one submission (T1) and over all of them (TN):

- grader: `grader autograde a1-calculator --rerun --jobs J`: each check run in a fresh copy of
  the checkout in the sandbox (bwrap, else unshare), scored, recorded with its grade event and
  summary;
- floor: a Python process running the same command, unsandboxed, in each checkout, with a
  pool of J threads making subprocess calls (the same parallelism).

Per submission = (TN - T1) / (N - 1) on each side, so start-up (Python, the course files, the
gradebook) does not hide the sandbox's cost. Prints T1 and the per-submission time of each side
and their ratio (goal <= 1.3), for each repeat and the medians.

``--command`` replaces the trivial check by another (e.g. the students' own tests,
``python -m pytest -q --noconftest -p no:cacheprovider --disable-plugin-autoload``, with
``--timeout 10``: both sides stop a run at the timeout), to see the cost a real check pays.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL = 1.3
ASSIGNMENT = "a1-calculator"
CRITERION = "tests"
COMMAND = "python -c pass"
FLOOR = """
import os, subprocess, sys
from concurrent.futures import ThreadPoolExecutor
jobs, timeout, command, folders = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3].split(), sys.argv[4:]
def one(folder):
    try:  # a failing or endless student program is a result, as for grader
        subprocess.run(command, cwd=folder, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        pass
    return 0
with ThreadPoolExecutor(jobs) as pool:
    sys.exit(max(pool.map(one, folders)))
"""


def grader(*args: str, course: Path) -> list[str]:
    return [sys.executable, "-m", "grader", "--course", str(course), "--as", "benchmark", *args]


def set_check(rubric: Path, command: str, timeout: int) -> None:
    """Make ``command`` the check of a1's autograded criterion (a run: exit status only)."""
    lines = rubric.read_text(encoding="utf-8").splitlines()
    start = lines.index(f"  - id: {CRITERION}")
    check = next(i for i in range(start, len(lines)) if lines[i].startswith("    check:"))
    end = check + 1
    while end < len(lines) and lines[end].startswith("      "):
        end += 1
    lines[check:end] = [f"    check: {{run: {command}, timeout: {timeout}}}"]
    rubric.write_text("\n".join(lines) + "\n", encoding="utf-8")


def build(course: Path, students: int) -> None:
    """The demo course with ``students`` students, a1 pulled."""
    print(f"building the demo course with {students} students in {course} ...", flush=True)
    subprocess.run(
        grader("demo", str(course), "--students", str(students), "--no-tui", course=course.parent),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    subprocess.run(
        grader("pull", ASSIGNMENT, "--jobs", "8", course=course), check=True, stderr=subprocess.DEVNULL
    )


def timed(argv: list[str], env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{argv[3:]} failed ({done.returncode}):\n{done.stderr.decode(errors='replace')[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--course", type=Path, help="reuse (or build here and keep) this course")
    parser.add_argument("--command", default=COMMAND, help="the check both sides run (default: %(default)s)")
    parser.add_argument("--timeout", type=int, default=60, help="seconds per run, on both sides")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="grader-bench-") as tmp:
        course = args.course or Path(tmp) / "course"
        if not (course / ".grader" / "grades.db").exists():
            build(course, args.students)
        set_check(course / "rubrics" / "calculator.yaml", args.command, args.timeout)
        folder = course / ".grader" / "checkouts" / ASSIGNMENT
        checkouts = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
        count = len(checkouts)
        first = checkouts[0].name
        env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"}
        jobs = str(args.jobs)
        ours_one = grader(
            "autograde", ASSIGNMENT, "--rerun", "--jobs", jobs, "--student", first, course=course
        )
        ours_all = grader("autograde", ASSIGNMENT, "--rerun", "--jobs", jobs, course=course)
        floor = [sys.executable, "-c", FLOOR, jobs, str(args.timeout), args.command]
        probe = "from grader.sandbox import SandboxPolicy, sandbox_kind; print(sandbox_kind(SandboxPolicy()))"
        kind = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
        shown = args.command
        print(f"{count} submissions with a checkout, {args.jobs} at a time; {kind.stdout.strip()}; {shown}")
        ratios = []
        for run in range(1, args.repeat + 1):
            ours_t1, ours_tn = timed(ours_one), timed(ours_all)
            floor_t1 = timed([*floor, str(checkouts[0])], env)
            floor_tn = timed([*floor, *map(str, checkouts)], env)
            ours_each = (ours_tn - ours_t1) / (count - 1)
            floor_each = (floor_tn - floor_t1) / (count - 1)
            ratio = ours_each / floor_each
            ratios.append(ratio)
            print(f"run {run}:")
            print(f"  grader autograde (sandboxed): {_times(ours_t1, ours_tn, ours_each, count)}")
            print(f"  same command, unsandboxed:    {_times(floor_t1, floor_tn, floor_each, count)}")
            print(f"  ratio per submission: {ratio:.2f} (goal <= {GOAL})")
        median = statistics.median(ratios)
        verdict = "met" if median <= GOAL else "NOT met"
        print(f"median of {len(ratios)}: ratio per submission {median:.2f} (goal <= {GOAL}: {verdict})")


def _times(one: float, all_: float, each: float, count: int) -> str:
    return f"T1 {one:6.2f} s  T{count} {all_:6.2f} s  per submission {each * 1000:7.1f} ms"


if __name__ == "__main__":
    main()
