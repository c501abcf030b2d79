"""Open the Submissions screen of a 100,000-student course; compare with an empty Textual app.

    python benchmarks/tui_open.py [--students 100000] [--course DIR] [--repeat 5]

Builds the demo course without repositories, every submission graded and pulled (the same
builder as benchmarks/export.py), or reuses --course DIR when it has a gradebook. Then, in one
run, alternating, each a whole process:

- A (grader): open the course as the CLI does (open_course: course files, roster, gradebook),
  start the real GraderApp with the Submissions screen of the first assignment, and exit once
  the first refresh that shows real rows read from the store has been painted;
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
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EMPTY = """
from textual.app import App

class Empty(App[None]):
    def on_mount(self) -> None:
        self.call_after_refresh(self.exit)

Empty().run(headless=True)
"""


def open_submissions(course: Path, assignment_id: str | None) -> None:
    """Child A: the real app on the Submissions screen, exiting after real rows are painted."""
    sys.path.insert(0, str(ROOT))
    from textual import events

    from grader.gradebook.context import open_course
    from grader.tui.app import GraderApp
    from grader.tui.screens.submissions import SubmissionsScreen
    from grader.tui.widgets.submission_table import SubmissionTable

    class OpenOnSubmissions(GraderApp):
        def on_mount(self, event: events.Mount) -> None:
            event.prevent_default()  # instead of GraderApp's course screen
            wanted = assignment_id or self.ctx.files.course.assignments[0].id
            self.push_screen(SubmissionsScreen(self.ctx, wanted))

        def on_submission_table_rows_shown(self, message: SubmissionTable.RowsShown) -> None:
            shown = message.table.listing.cached(message.table.roster_index(0))
            assert shown is not None and shown.version > 0, "exited before real rows"
            self.exit()

    with open_course(course, actor="bench") as ctx:
        OpenOnSubmissions(ctx).run(headless=True)


def measure(argv: list[str]) -> tuple[float, int]:
    """Wall time (s) and peak resident memory (KiB) of one child process."""
    started = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
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
    parser.add_argument("--child-open", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_open:
        open_submissions(args.child_open, args.assignment)
        return
    with tempfile.TemporaryDirectory(prefix="grader-bench-") as tmp:
        root = args.course or Path(tmp) / "course"
        if not (root / ".grader" / "grades.db").exists():
            print(f"building {root} with {args.students:,} graded students ...", flush=True)
            builder = [sys.executable, str(ROOT / "benchmarks" / "export.py"), "--build-only"]
            subprocess.run([*builder, "--course", str(root), "--students", str(args.students)], check=True)
        grader = [sys.executable, __file__, "--child-open", str(root)]
        if args.assignment:
            grader += ["--assignment", args.assignment]
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
        print(f"A open Submissions, exit after real rows: {a:6.2f} s   peak {ours_kib / 1024:6.1f} MiB")
        print(f"B empty Textual app, exit after refresh:  {b:6.2f} s   peak {floor_kib / 1024:6.1f} MiB")
        print(f"ratio A / B (medians of {args.repeat}): {a / b:.2f}   (goal <= 1.5; peak goal <= 250 MB)")


if __name__ == "__main__":
    main()
