"""The first key acted on in the TUI of a 100,000-student course, against an empty Textual app.

    python benchmarks/tui_open.py [--students 100000] [--course DIR] [--repeat 5]

Builds the demo course without repositories, every submission graded and pulled (the same
builder as benchmarks/export.py), or reuses --course DIR when it has a gradebook. Then, in one
run, alternating, each a whole process:

- A (first key): the real program as bare ``grader`` opens it (``open_tui``: from the gradebook's
  snapshot of the validated course files when their bytes are unchanged, else the normal way,
  which records that snapshot), on the Course screen. At its first paint ``enter`` is sent, as
  a fast user's first key; the process exits once the Submissions screen it opens has shown its
  rows read from the store (the table's ``RowsShown``): the moment the key was acted on;
- P (first paint): the same, with ``q`` sent at the first paint instead (it quits at once): the
  first paint of the Course screen;
- T (Textual's floor for these screens): the same two screens built from plain Textual, no
  grader code (``plain_screens.py``): enter at the first paint, exit once the rows are drawn;
- B (floor): an empty Textual app that exits after its first refresh;
- S (per student): A on a course of 30 students, so that (A - S) / (N - 30) is what one more
  student costs the first key (the rest is start-up, paid whatever the class size).

All run headless (rendering happens; the output is discarded) at 80x24, given to each as
COLUMNS/LINES: headless, with no size given, Rich's console says 80x25 and the driver 80x24, so
every first screen would be laid out and drawn twice (a real terminal gives both one size).
Each is timed from the start of its process to the moment it reached what it runs for (the
app's first ``exit`` call, noted by a hook every child shares), and to the end of its process.
Prints the medians, the ratios to B (goal for A: <= 1.5), A's ratio to T (what grader adds to
what Textual costs for the same screens), the cost per student, and each process's peak memory
(goal <= 250 MB).
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TERMINAL = {**os.environ, "COLUMNS": "80", "LINES": "24"}
"""Every child's environment: one terminal size for the console and the driver (see above)."""
SMALL = 30
"""Students in the small course (run S)."""
TIMEOUT = 300.0
"""Seconds one run may take before it is killed (and the benchmark fails)."""
MARK_EXIT = """
import time
from textual.app import App

_exit = App.exit
def _marked(self, *args, **kwargs):
    # The moment the app reached what is measured (it exits because of it): printed at the end.
    global EVENT
    EVENT = EVENT or time.time()
    return _exit(self, *args, **kwargs)
EVENT = 0.0
App.exit = _marked
"""
EMPTY = (
    MARK_EXIT
    + """
class Empty(App[None]):
    def on_mount(self) -> None:
        self.call_after_refresh(self.exit)

Empty().run(headless=True)
print("EVENT", EVENT)
"""
)
PLAIN = (
    MARK_EXIT
    + f"""
import runpy
runpy.run_path({str(Path(__file__).with_name("plain_screens.py"))!r}, run_name="__main__")
print("EVENT", EVENT)
"""
)
GRADER = (
    MARK_EXIT
    + """
import sys
from pathlib import Path

from grader.cli.main import Options
from grader.cli.tui_cmd import open_tui

# What bare `grader --course DIR --as bench` runs, with a key sent at the first paint.
open_tui(
    Options(Path(sys.argv[1]), None, "bench"),
    exit_after_first_rows=True,
    headless=True,
    press_at_first_paint=(sys.argv[2],),
)
print("EVENT", EVENT)
"""
)


def measure(argv: list[str]) -> tuple[float, float, int]:
    """Seconds from the start of one child process to its event (what it exits for) and to its
    end, and its peak resident memory (KiB). Its output is a line or two: the pipes cannot fill."""
    started_wall, started = time.time(), time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=TERMINAL)
    deadline = threading.Timer(TIMEOUT, child.kill)  # a run that never exits fails, not hangs
    deadline.start()
    _, status, usage = os.wait4(child.pid, 0)
    deadline.cancel()
    elapsed = time.perf_counter() - started
    out = child.stdout.read().decode(errors="replace") if child.stdout else ""
    errors = child.stderr.read().decode(errors="replace") if child.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"{argv[1:]} failed ({code}):\n{errors}")
    events = [float(line.split()[1]) for line in out.splitlines() if line.startswith("EVENT ")]
    if not events or events[-1] == 0:
        sys.exit(f"{argv[1:]} exited without reaching its event:\n{out}{errors}")
    return events[-1] - started_wall, elapsed, usage.ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--course", type=Path, help="reuse (or build here and keep) this course")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="grader-bench-") as tmp:
        root = args.course or Path(tmp) / "course"
        small = Path(tmp) / "small"
        build(root, args.students)
        build(small, SMALL)
        runs = {
            "A": [sys.executable, "-c", GRADER, str(root), "enter"],
            "P": [sys.executable, "-c", GRADER, str(root), "q"],
            "T": [sys.executable, "-c", PLAIN],
            "B": [sys.executable, "-c", EMPTY],
            "S": [sys.executable, "-c", GRADER, str(small), "enter"],
        }
        # Once each, not counted: a course whose gradebook has no snapshot of these very files (new,
        # edited, upgraded) opens the normal way and records one; later opens use it.
        first = {name: measure(argv)[0] for name, argv in runs.items()}
        print(f"not counted, first open of each: A {first['A']:.3f} s, S {first['S']:.3f} s", flush=True)
        seconds: dict[str, list[float]] = {name: [] for name in runs}
        whole: dict[str, list[float]] = {name: [] for name in runs}
        peak: dict[str, int] = dict.fromkeys(runs, 0)
        for run in range(1, args.repeat + 1):
            for name, argv in runs.items():
                event, elapsed, kib = measure(argv)
                seconds[name].append(event)
                whole[name].append(elapsed)
                peak[name] = max(peak[name], kib)
            shown = ", ".join(f"{name} {seconds[name][-1]:.3f} s" for name in runs)
            print(f"run {run}: {shown}", flush=True)
        report(seconds, whole, peak, args.repeat, roster_size(root))


def build(root: Path, students: int) -> None:
    """The demo course without repositories, every submission graded and pulled (kept if there)."""
    if not (root / ".grader" / "grades.db").exists():
        print(f"building {root} with {students:,} graded students ...", flush=True)
        builder = [sys.executable, str(ROOT / "benchmarks" / "export.py"), "--build-only"]
        subprocess.run([*builder, "--course", str(root), "--students", str(students)], check=True)


def roster_size(root: Path) -> int:
    """Students in a course's roster (a reused --course may not have --students of them)."""
    with (root / "roster.csv").open(newline="", encoding="utf-8") as roster:
        return sum(1 for _ in csv.reader(roster)) - 1  # less the header


def report(
    seconds: dict[str, list[float]],
    whole: dict[str, list[float]],
    peak: dict[str, int],
    repeat: int,
    students: int,
) -> None:
    labels = {
        "A": "A first key acted on: enter at first paint -> Submissions rows shown",
        "P": "P first paint of the Course screen",
        "T": "T the same two screens in plain Textual (no grader code)",
        "B": "B empty Textual app: its first frame",
        "S": f"S as A, on a course of {SMALL} students",
    }
    width = max(map(len, labels.values()))
    floor = statistics.median(seconds["B"])
    print(f"{'':<{width}}   from process start (and to its end)")
    for name, label in labels.items():
        median = statistics.median(seconds[name])
        ratio = f"  ratio {median / floor:4.2f}" if name != "B" else ""
        end = statistics.median(whole[name])
        print(f"{label:<{width}}: {median:6.3f} s ({end:5.2f} s)  peak {peak[name] / 1024:6.1f} MiB{ratio}")
    print(f"(medians of {repeat}; goal: A / B <= 1.5, peak <= 250 MB)")
    a, t, s = (statistics.median(seconds[name]) for name in "ATS")
    print(f"A / T: {a / t:.2f} (what grader adds to Textual's own cost of these two screens)")
    per_student = (a - s) / (students - SMALL) * 1e6
    print(f"per student: (A - S) / ({students:,} - {SMALL}) = {per_student:.2f} µs; start-up (S) {s:.3f} s")


if __name__ == "__main__":
    main()
