"""Record N grade choices through the gradebook, recompute every total, compare with sqlite3.

    python benchmarks/gradebook.py [--choices 100000] [--batch 1000]

Prints the time per 1,000 choices for grader (store.save_many: choice rows, a version per
submission and an append-only grade event per choice) and for plain `sqlite3` inserts of the same
rows into a table with the same pragmas (WAL, synchronous=FULL, one BEGIN IMMEDIATE per batch),
measured in the same run, and their ratio. Then the time to recompute every total from the
current rubric (what `grader status` does).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import tempfile
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from grader.domain.choices import CriterionChoice
from grader.domain.events import ChoiceChange, EventSource
from grader.files.skeleton import write_skeleton
from grader.gradebook.context import open_course
from grader.gradebook.status import submission_statuses

ASSIGNMENT = "a1-calculator"
LEVELS = ("Exemplary", "Proficient", "Developing", "Missing")
ITEMS = ("Unclear names", "No docstrings", "Dead code")


def make_course(root: Path, students: int) -> None:
    write_skeleton(root)
    with (root / "roster.csv").open("w", encoding="utf-8") as out:
        out.write("student_id,name,email,github,section\n")
        for n in range(students):
            out.write(f"{n:06d},Student {n},s{n}@example.edu,student-{n},{'AB'[n % 2]}\n")


def choices_for(students: int) -> list[ChoiceChange]:
    changes = []
    for n in range(students):
        sid = f"{n:06d}"
        changes.append(ChoiceChange(ASSIGNMENT, sid, "correctness", CriterionChoice(level=LEVELS[n % 4])))
        changes.append(ChoiceChange(ASSIGNMENT, sid, "style", CriterionChoice(items=ITEMS[: n % 4])))
        changes.append(ChoiceChange(ASSIGNMENT, sid, "tests", CriterionChoice(points=Decimal(n % 21))))
    return changes


def baseline(path: Path, changes: list[ChoiceChange], batch: int) -> float:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute(
        "CREATE TABLE choice (assignment_id TEXT, student_id TEXT, criterion_id TEXT, level TEXT, "
        "items TEXT, points TEXT, PRIMARY KEY (assignment_id, student_id, criterion_id))"
    )
    rows = [
        (
            c.assignment_id,
            c.student_id,
            c.criterion_id,
            c.choice.level,
            json.dumps(list(c.choice.items)) if c.choice.items is not None else None,
            str(c.choice.points) if c.choice.points is not None else None,
        )
        for c in changes
    ]
    started = time.perf_counter()
    for start in range(0, len(rows), batch):
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany("INSERT INTO choice VALUES (?, ?, ?, ?, ?, ?)", rows[start : start + batch])
        connection.execute("COMMIT")
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--choices", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()
    students = -(-args.choices // 3)
    with tempfile.TemporaryDirectory(prefix="grader-bench-") as tmp:
        root = Path(tmp) / "course"
        make_course(root, students)
        changes = choices_for(students)
        with open_course(root, actor="bench") as ctx:
            rubric = ctx.files.rubric(ASSIGNMENT)
            started = time.perf_counter()
            ctx.store.save_many(
                changes,
                actor="bench",
                rubric_hash=rubric.content_hash,
                source=EventSource.BATCH,
                now=datetime.now(UTC),
                batch_size=args.batch,
            )
            ours = time.perf_counter() - started
            started = time.perf_counter()
            rows = submission_statuses(ctx, [ASSIGNMENT])
            recompute = time.perf_counter() - started
            graded = sum(1 for r in rows if r.status == "graded")
        plain = baseline(Path(tmp) / "plain.db", changes, args.batch)
    per = 1000 / len(changes)
    print(
        f"choices recorded:            {len(changes):,} ({students:,} submissions, batches of {args.batch})"
    )
    print(f"grader store.save_many:      {ours:8.2f} s   {ours * per * 1000:7.2f} ms per 1,000 choices")
    print(f"plain sqlite3 executemany:   {plain:8.2f} s   {plain * per * 1000:7.2f} ms per 1,000 choices")
    print(f"ratio grader / sqlite3:      {ours / plain:8.2f}")
    print(
        f"recompute every total:       {recompute:8.2f} s   {recompute / len(rows) * 1_000_000:7.2f} ms per "
        f"1,000 submissions ({len(rows):,} totals, {graded:,} graded)"
    )


if __name__ == "__main__":
    main()
