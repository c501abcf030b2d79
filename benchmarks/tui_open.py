"""Open the Submissions screen of a 100,000-student course; compare with an empty Textual app.

    python benchmarks/tui_open.py [--students 100000] [--course DIR] [--repeat 5]

Builds the demo course without repositories, every submission graded and pulled (the same
builder as benchmarks/export.py), or reuses --course DIR when it has a gradebook. Then, in one
run, alternating, each a whole process:

- A (grader): the real program, ``python -m grader --course DIR --open ASSIGNMENT
  --exit-after-first-rows --headless`` (hidden options of the ``grader`` group): it opens the
  course (from the gradebook's snapshot of the validated course files when their bytes are
  unchanged, else the normal way, which records that snapshot), starts the TUI straight on the
  Submissions screen of the assignment, and exits once the table posted ``RowsShown`` (every
  visible row read from the store, about to be painted). The full open that follows the first
  paint of a quick open is not started by then, so it is not timed here;
- B (floor): an empty Textual app that exits after its first refresh.

Both run headless (rendering happens; the output is discarded). Prints the median wall times,
their ratio (goal <= 1.5) and each process's peak memory (goal <= 250 MB).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 300.0
"""Seconds one run may take before it is killed (and the benchmark fails)."""
EMPTY = """
from textual.app import App

class Empty(App[None]):
    def on_mount(self) -> None:
        self.call_after_refresh(self.exit)

Empty().run(headless=True)
"""


def first_assignment(course: Path) -> str:
    """Asked of a child process: loading a 100,000-student roster here would raise this process's
    peak memory, which Linux hands on to every child it starts (ru_maxrss survives exec)."""
    code = "import sys; from grader.files.course import load_course; "
    code += "print(load_course(__import__('pathlib').Path(sys.argv[1])).course.assignments[0].id)"
    found = subprocess.run(
        [sys.executable, "-c", code, str(course)], cwd=ROOT, capture_output=True, text=True
    )
    if found.returncode != 0:
        sys.exit(f"cannot read the course at {course}:\n{found.stderr}")
    return found.stdout.strip()


def measure(argv: list[str]) -> tuple[float, int]:
    """Wall time (s) and peak resident memory (KiB) of one child process."""
    started = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    deadline = threading.Timer(TIMEOUT, child.kill)  # a run that never exits fails, not hangs
    deadline.start()
    _, status, usage = os.wait4(child.pid, 0)
    deadline.cancel()
    elapsed = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    errors = child.stderr.read().decode(errors="replace") if child.stderr else ""
    if code != 0:
        sys.exit(f"{argv[1:]} failed ({code}):\n{errors}")
    return elapsed, usage.ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--course", type=Path, help="reuse (or build here and keep) this course")
    parser.add_argument("--assignment", help="default: the course's first assignment")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="grader-bench-") as tmp:
        root = args.course or Path(tmp) / "course"
        if not (root / ".grader" / "grades.db").exists():
            print(f"building {root} with {args.students:,} graded students ...", flush=True)
            builder = [sys.executable, str(ROOT / "benchmarks" / "export.py"), "--build-only"]
            subprocess.run([*builder, "--course", str(root), "--students", str(args.students)], check=True)
        assignment = args.assignment or first_assignment(root)
        grader = [sys.executable, "-m", "grader", "--course", str(root), "--as", "bench"]
        grader += ["--open", assignment, "--exit-after-first-rows", "--headless"]
        empty = [sys.executable, "-c", EMPTY]
        ours, floor, ours_kib, floor_kib = [], [], 0, 0
        for run in range(1, args.repeat + 1):
            seconds, kib = measure(grader)
            ours.append(seconds)
            ours_kib = max(ours_kib, kib)
            seconds, kib = measure(empty)
            floor.append(seconds)
            floor_kib = max(floor_kib, kib)
            print(f"run {run}: grader {ours[-1]:.2f} s, empty app {floor[-1]:.2f} s", flush=True)
        a, b = statistics.median(ours), statistics.median(floor)
        label_a = f"A grader --open {assignment}, exit after its first rows"
        label_b = "B empty Textual app, exit after its first refresh"
        width = max(len(label_a), len(label_b))
        print(f"{label_a:<{width}}: {a:6.2f} s  peak {ours_kib / 1024:6.1f} MiB")
        print(f"{label_b:<{width}}: {b:6.2f} s  peak {floor_kib / 1024:6.1f} MiB")
        print(f"ratio A / B (medians of {args.repeat}): {a / b:.2f}   (goal <= 1.5; peak goal <= 250 MB)")
        # Run 1 opens the normal way when the gradebook has no snapshot of these very course files
        # (a new course, an edited file, an upgraded gradebook) and records one; later runs open
        # from the snapshot (grader.gradebook.quick).
        if len(ours) > 1:
            steady = statistics.median(ours[1:])
            print(f"first run (records the course snapshot when needed): {ours[0]:.2f} s")
            print(f"steady state, runs 2..{len(ours)}: median {steady:.2f} s, ratio {steady / b:.2f}")


if __name__ == "__main__":
    main()
