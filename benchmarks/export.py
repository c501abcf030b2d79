"""Export a large class as a wide CSV with the real `grader` process; compare with plain sqlite3 + csv.

    python benchmarks/export.py [--students 100000] [--course DIR] [--repeat 2]

Builds the demo course without repositories (or reuses --course DIR when it already has a
gradebook), grades every criterion of every assignment for every student through
Store.save_many, and records a pull state with lateness per submission. Then, in the same run:

- grader: `python -m grader --course DIR export grades --format wide -o FILE`, a whole process
  (start-up, course files, gradebook, scoring, checking, atomic write);
- floor: a plain Python process that reads the same rows (submission ⋈ criterion_choice) with
  the `sqlite3` module and writes them with the `csv` module, the least any Python exporter does.

Prints both wall times, their ratio (goal: ≤ 2) and each process's peak resident memory (the
child's own ru_maxrss, from wait4; goal for grader: ≤ 250 MiB), each run and the medians.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

try:
    from grader.demo import build_demo_course
except ModuleNotFoundError:  # run from a source checkout without installing grader
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from grader.demo import build_demo_course

from grader.domain.choices import CriterionChoice
from grader.domain.events import ChoiceChange, EventSource
from grader.domain.pulls import PullState
from grader.domain.rubric import Criterion, CriterionKind
from grader.domain.submission import Observation
from grader.gradebook.context import open_course

TIME_GOAL = 2.0
"""grader's wall time over the floor's, measured in the same run."""
PEAK_GOAL_MIB = 250
FLOOR = """
import csv, sqlite3, sys
connection = sqlite3.connect(sys.argv[1])
rows = connection.execute(
    "SELECT s.assignment_id, s.student_id, s.version, s.updated_by, s.updated_at, c.criterion_id, "
    "c.level, c.items, c.points, c.adjustment, c.adjustment_comment, c.comment "
    "FROM submission s LEFT OUTER JOIN criterion_choice c ON c.submission_id = s.id "
    "ORDER BY s.assignment_id, s.student_id, c.criterion_id"
)
with open(sys.argv[2], "w", encoding="utf-8", newline="") as out:
    csv.writer(out).writerows(rows)
"""


def _choice(criterion: Criterion, rng: random.Random, pending: float) -> CriterionChoice | None:
    if criterion.kind is CriterionKind.LEVELS:
        return CriterionChoice(level=rng.choice(criterion.levels).label)
    if criterion.kind is CriterionKind.CHECKLIST:
        return CriterionChoice(items=tuple(i.label for i in criterion.items if rng.random() < 0.3))
    if criterion.kind is CriterionKind.AUTOGRADED and pending and rng.random() < pending:
        return None  # autograde pending: the grade is not final
    return CriterionChoice(points=Decimal(rng.randrange(int(criterion.max_points) + 1)))


def build(root: Path, students: int, *, pending: float = 0.0) -> None:
    """The demo course with every submission graded and pulled (some late); with ``pending``,
    that share of the autograded criteria left without a score (those grades are not final)."""
    started = time.perf_counter()
    for _ in build_demo_course(root, students=students, repos=False):
        pass
    rng = random.Random(7)
    now = datetime.now(UTC)
    with open_course(root, actor="bench") as ctx:
        for assignment in ctx.files.course.assignments:
            rubric = ctx.files.rubric(assignment.id)
            changes = [
                ChoiceChange(assignment.id, s.student_id, c.id, choice)
                for s in ctx.files.students
                for c in rubric.criteria
                if (choice := _choice(c, rng, pending)) is not None
            ]
            ctx.store.save_many(
                changes,
                actor="bench",
                rubric_hash=rubric.content_hash,
                source=EventSource.BATCH,
                now=now,
                batch_size=5000,
            )
            seen = assignment.deadline + timedelta(days=1)
            pulls = []
            for s in ctx.files.students:
                sha = f"{rng.getrandbits(160):040x}"
                late = rng.choice((0, 0, 0, 0, 45, 1500, 3000))
                pulls.append(
                    (
                        Observation(seen, "cloned", sha=sha),
                        PullState(assignment.id, s.student_id, "cloned", "", sha, late, (), seen, sha),
                    )
                )
            for start in range(0, len(pulls), 5000):
                ctx.store.record_pulls(pulls[start : start + 5000])
            print(
                f"  graded {assignment.id}: {len(changes):,} choices ({time.perf_counter() - started:.0f} s)"
            )


def measure(argv: list[str]) -> tuple[float, int, float]:
    """Wall time (s), peak resident memory (KiB) and CPU time (user + system, s) of one child.

    The CPU time is printed beside the wall time: on a machine others share, it shows what the
    process itself did, which waiting for a core does not inflate.
    """
    started = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - started
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            errors.seek(0)
            sys.exit(f"{argv[2:]} failed ({code}):\n{errors.read().decode(errors='replace')}")
    return elapsed, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--course", type=Path, help="reuse (or build here and keep) this course")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_only:
        build(args.course, args.students)
        return
    with tempfile.TemporaryDirectory(prefix="grader-bench-") as tmp:
        root = args.course or Path(tmp) / "course"
        database = root / ".grader" / "grades.db"
        if not database.exists():
            print(f"building {root} with {args.students:,} graded students ...", flush=True)
            # In a child process: a child forked from a large parent reports the parent's peak memory.
            builder = [
                sys.executable,
                __file__,
                "--build-only",
                "--course",
                str(root),
                "--students",
                str(args.students),
            ]
            subprocess.run(builder, check=True)
        out = Path(tmp) / "out"
        out.mkdir()
        grader = [
            sys.executable,
            "-m",
            "grader",
            "--course",
            str(root),
            "export",
            "grades",
            "--format",
            "wide",
        ]
        floor = [sys.executable, "-c", FLOOR, str(database), str(out / "floor.csv")]
        ratios: list[float] = []
        cpu_ratios: list[float] = []
        peaks: list[float] = []
        for run in range(1, args.repeat + 1):
            ours, ours_kib, ours_cpu = measure([*grader, "-o", str(out / "grades.csv")])
            plain, plain_kib, plain_cpu = measure(floor)
            rows = sum(1 for _ in (out / "grades.csv").open(encoding="utf-8")) - 1
            ratios.append(ours / plain)
            cpu_ratios.append(ours_cpu / plain_cpu)
            peaks.append(ours_kib / 1024)
            print(f"run {run}: {rows:,} students")
            print(
                f"  grader export grades --format wide: {ours:7.2f} s (cpu {ours_cpu:6.2f} s)   "
                f"peak {ours_kib / 1024:7.1f} MiB"
            )
            print(
                f"  plain sqlite3 + csv (the floor):    {plain:7.2f} s (cpu {plain_cpu:6.2f} s)   "
                f"peak {plain_kib / 1024:7.1f} MiB"
            )
            cpu_ratio = ours_cpu / plain_cpu
            print(
                f"  ratio grader / floor:               {ours / plain:7.2f}   "
                f"(cpu {cpu_ratio:.2f}; goal <= {TIME_GOAL:g})"
            )
        ratio, peak = statistics.median(ratios), statistics.median(peaks)
        print(
            f"median of {args.repeat}: ratio {ratio:.2f} (goal <= {TIME_GOAL:g}: "
            f"{'met' if ratio <= TIME_GOAL else 'NOT met'}; cpu {statistics.median(cpu_ratios):.2f}), "
            f"peak {peak:.1f} MiB (goal <= {PEAK_GOAL_MIB}: {'met' if peak <= PEAK_GOAL_MIB else 'NOT met'})"
        )


if __name__ == "__main__":
    main()
