"""The Course screen's counts from submission summaries, against the old chunked computation.

    python benchmarks/course_counts.py [--students 100000] [--course DIR]

Builds the demo course without repositories (or reuses --course DIR when it has a gradebook),
grades every criterion of every assignment for every student through Store.save_many (some
autograded criteria left pending) and records a pull state with lateness per submission. Then,
each in its own process (so each peak memory is its own), in the same run:

- the one-off rebuild: every summary marked stale, then recomputed (what `grader db upgrade`
  and the first count after an upgrade do);
- counts (statuses, histogram, pulled) and badge counts from the warm summaries;
- the old computation: every roster student's grades and pull states read a chunk at a time and
  scored with status_row, badges from course_mastery (what the Course screen did before);
- one save's cost: store.save of one choice on a copy without summaries (the save as it was)
  and with its summary recomputed in the same transaction (as record_choice saves now).

Prints each time, the ratios old / new (goals: counts <= 2 s, badges <= 5 s at 100,000
students) and the peak memory of each process; checks that both computations agree.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# the same 100k course as the export benchmark (this folder is on sys.path; export.py also
# makes grader importable from a source checkout)
from export import build

from grader.domain.choices import CriterionChoice
from grader.domain.events import ChoiceChange, EventSource
from grader.domain.mastery import StudentMastery, Withheld, course_mastery, evaluate_badge
from grader.gradebook.context import CourseContext, open_course
from grader.gradebook.counts import (
    SCORE_BINS,
    AssignmentCounts,
    BadgeCounts,
    count_assignments,
    count_badges,
    score_bin,
)
from grader.gradebook.status import GRADED, status_row
from grader.gradebook.summary import counted_rubric, summarizer

COUNTS_GOAL, BADGES_GOAL = 2.0, 5.0
OLD_CHUNK = 2_000
SAVES = 100
ROUNDS = 4


def old_counts(ctx: CourseContext) -> list[AssignmentCounts]:
    """The former chunked count: every roster student's grade and pull state, through status_row."""
    found = []
    students = ctx.files.students
    for assignment in ctx.files.course.assignments:
        rubric, refused = counted_rubric(ctx, assignment.id)
        statuses: Counter[str] = Counter()
        bins = [0] * SCORE_BINS
        pulled = 0
        for start in range(0, len(students), OLD_CHUNK):
            ids = [s.student_id for s in students[start : start + OLD_CHUNK]]
            grades = ctx.store.grades_of(assignment.id, ids)
            pulls = ctx.store.pull_states_of(assignment.id, ids)
            for student in students[start : start + OLD_CHUNK]:
                sid = student.student_id
                row = status_row(assignment, rubric, student, grades.get(sid), pulls.get(sid), bool(refused))
                statuses[row.status] += 1
                pulled += row.graded_commit is not None
                if row.status == GRADED and not refused and (share := score_bin(row)) is not None:
                    bins[share] += 1
        found.append(
            AssignmentCounts(
                assignment.id, len(students), pulled, statuses[GRADED], dict(statuses), tuple(bins), refused
            )
        )
    return found


def old_badges(ctx: CourseContext) -> list[BadgeCounts]:
    """The former chunked badge count: course_mastery over each chunk's grades."""
    files = ctx.files
    rubrics = {a.id: counted_rubric(ctx, a.id)[0] for a in files.course.assignments}
    statuses: Counter[tuple[str, str]] = Counter()
    students = files.students
    for start in range(0, len(students), OLD_CHUNK):
        ids = [s.student_id for s in students[start : start + OLD_CHUNK]]
        grades: dict[str, dict[str, Any]] = {}
        excused: dict[str, set[str]] = {}
        for assignment_id in rubrics:
            saved = ctx.store.grades_of(assignment_id, ids)
            grades[assignment_id] = {sid: g.choices for sid, g in saved.items() if not g.excused}
            for sid, g in saved.items():
                if g.excused:
                    excused.setdefault(sid, set()).add(assignment_id)
        computed = course_mastery(rubrics, grades)
        for sid in ids:
            figures = computed.get(sid) or StudentMastery()
            if sid in excused:
                figures = StudentMastery(
                    figures.skills, figures.graded_assignments | excused[sid], figures.unscored
                )
            for badge in files.course.badges:
                statuses[(badge.id, evaluate_badge(badge, sid, figures, Withheld()).status)] += 1
    return [
        BadgeCounts(
            b.id,
            statuses[(b.id, "earned")],
            statuses[(b.id, "undetermined")],
            statuses[(b.id, "not yet")],
            len(students),
        )
        for b in files.course.badges
    ]


def _as_json(counts: list[Any]) -> list[dict[str, Any]]:
    return [vars(c) for c in counts]


def phase(name: str, root: Path) -> dict[str, Any]:
    """One measurement, run in a child process; returns its figures."""
    with open_course(root, actor="bench") as ctx:
        if name == "rebuild":
            from grader.gradebook.summary_check import rebuild_summaries

            with sqlite3.connect(root / ".grader" / "grades.db") as raw:
                raw.execute("UPDATE submission_summary SET stamp = ''")
            raw.close()
            started = time.perf_counter()
            recomputed = sum(p.done for p in rebuild_summaries(ctx) if p.done == p.total)
            return {"seconds": time.perf_counter() - started, "recomputed": recomputed}
        if name == "new":
            started = time.perf_counter()
            counts = [c for c in count_assignments(ctx) if isinstance(c, AssignmentCounts)]
            middle = time.perf_counter()
            *_, badges = count_badges(ctx)
            done = time.perf_counter()
            return {
                "counts": middle - started,
                "badges": done - middle,
                "result": _as_json(counts),
                "badge_result": _as_json(badges),
            }  # type: ignore[arg-type]
        if name == "old":
            started = time.perf_counter()
            counts = old_counts(ctx)
            middle = time.perf_counter()
            badges = old_badges(ctx)
            done = time.perf_counter()
            return {
                "counts": middle - started,
                "badges": done - middle,
                "result": _as_json(counts),
                "badge_result": _as_json(badges),
            }
        return save_costs(ctx, root)


def save_costs(ctx: CourseContext, root: Path) -> dict[str, Any]:
    """Median ms of one store.save: on a copy without summaries (as before), and with one, in
    alternating rounds so that both see the same machine."""
    from grader.store import open_store

    assignment = ctx.files.course.assignments[0]
    rubric = counted_rubric(ctx, assignment.id)[0]
    criterion = rubric.criteria[0]
    levels = [level.label for level in criterion.levels]
    students = [s.student_id for s in random.Random(3).sample(list(ctx.files.students), SAVES)]
    summarize = summarizer(ctx, assignment.id, rubric)

    def timed(store: Any, with_summary: bool, level: str) -> list[float]:
        times = []
        for sid in students:
            change = ChoiceChange(assignment.id, sid, criterion.id, CriterionChoice(level=level))
            started = time.perf_counter()
            store.save(
                [change],
                actor="bench",
                rubric_hash=rubric.content_hash,
                source=EventSource.GRADER,
                now=datetime.now(UTC),
                summarize=summarize if with_summary else None,
            )
            times.append(time.perf_counter() - started)
        return times

    before: list[float] = []
    after: list[float] = []
    with tempfile.TemporaryDirectory(prefix="grader-bench-") as tmp:
        copy = Path(tmp) / "before.db"
        ctx.store.backup(copy)
        with sqlite3.connect(copy) as raw:  # the gradebook as it was: no summary triggers
            names = raw.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'summary%'"
            )
            for (trigger,) in names.fetchall():
                raw.execute(f"DROP TRIGGER {trigger}")
        raw.close()
        with open_store(f"sqlite:///{copy}") as plain:
            for round_ in range(ROUNDS):
                level = levels[round_ % len(levels)]  # every save changes the choice
                before += timed(plain, False, level)
                after += timed(ctx.store, True, level)
    return {"before_ms": statistics.median(before) * 1000, "after_ms": statistics.median(after) * 1000}


def child(name: str, root: Path) -> tuple[dict[str, Any], float]:
    """Run a phase in a fresh process: its figures and its peak resident memory (MiB)."""
    process = subprocess.Popen(
        [sys.executable, __file__, "--phase", name, "--course", str(root)], stdout=subprocess.PIPE
    )
    _, status, usage = os.wait4(process.pid, 0)
    assert process.stdout is not None
    out = process.stdout.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"the {name} phase failed")
    return json.loads(out.strip().splitlines()[-1]), usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--course", type=Path, help="reuse (or build here and keep) this course")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_only:
        build(args.course, args.students, pending=0.1)  # some grades not final
        return
    if args.phase:
        print(json.dumps(phase(args.phase, args.course)))
        return
    with tempfile.TemporaryDirectory(prefix="grader-bench-") as tmp:
        root = args.course or Path(tmp) / "course"
        if not (root / ".grader" / "grades.db").exists():
            print(f"building {root} with {args.students:,} graded students ...", flush=True)
            subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--build-only",
                    "--course",
                    str(root),
                    "--students",
                    str(args.students),
                ],
                check=True,
            )
        report(root)


def report(root: Path) -> None:
    rebuilt, rebuild_mib = child("rebuild", root)
    new, new_mib = child("new", root)
    old, old_mib = child("old", root)
    saves, _ = child("saves", root)
    counts, badges = new["counts"], new["badges"]
    print(f"{new['result'][0]['total']:,} students, {len(new['result'])} assignments")
    print(
        f"one-off rebuild of every summary: {rebuilt['seconds']:7.2f} s   peak {rebuild_mib:7.1f} MiB"
        f"   ({rebuilt['recomputed']:,} summaries)"
    )
    print(f"course counts from summaries:     {counts:7.2f} s   {_goal(counts, COUNTS_GOAL)}")
    print(f"badge counts from summaries:      {badges:7.2f} s   {_goal(badges, BADGES_GOAL)}")
    print(f"  peak memory counting both:      {new_mib:7.1f} MiB")
    was_counts, was_badges = old["counts"], old["badges"]
    print(
        f"old chunked course counts:        {was_counts:7.2f} s   ratio old / new {was_counts / counts:6.1f}"
    )
    print(
        f"old chunked badge counts:         {was_badges:7.2f} s   ratio old / new {was_badges / badges:6.1f}"
    )
    print(f"  peak memory counting both:      {old_mib:7.1f} MiB")
    before, after = saves["before_ms"], saves["after_ms"]
    print(f"one save, median of {SAVES * ROUNDS}:         {before:7.2f} ms without a summary (as before)")
    print(f"                                  {after:7.2f} ms with its summary   ratio {after / before:.2f}")
    same = new["result"] == old["result"] and new["badge_result"] == old["badge_result"]
    print(f"both computations agree:          {'yes' if same else 'NO'}")
    if not same:
        sys.exit(1)


def _goal(seconds: float, goal: float) -> str:
    return f"(goal <= {goal:g} s: {'met' if seconds <= goal else 'NOT met'})"


if __name__ == "__main__":
    main()
