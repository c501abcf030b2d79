"""One grader of a team, for the concurrency test: says "ready", waits for "go" on stdin, then
makes choices on a few shared submissions as a Grading screen does, as fast as it can.

    python team_worker.py COURSE DATABASE_URL|- WORKER CHOICES

Like a screen, it reads a submission (the version it shows) and makes several choices on it before
reading it again; each choice names the version at which this grader saw that criterion (the one
read, or the one its own last save of it made). A refused choice is kept over theirs half the time.
Prints one JSON line per attempt; exits 1 on any error but a refused choice.
"""

from __future__ import annotations

import json
import random
import sys
from decimal import Decimal
from pathlib import Path

from grader.gradebook.conflicts import ChoiceConflict
from grader.gradebook.context import CourseContext, open_course
from grader.gradebook.grading import ChoiceRequest, keep_mine, record_choice
from grader.gradebook.rubrics import rubric_in_force

A1 = "a1-calculator"
STUDENTS = ("00123", "00124", "00125", "00126", "00127")
CRITERIA = ("correctness", "style", "tests")
LEVELS = ("Exemplary", "Proficient", "Developing", "Missing")
ITEMS = ("Unclear names", "No docstrings", "Dead code")


def request_for(criterion_id: str, rng: random.Random) -> ChoiceRequest:
    if rng.random() < 0.15:
        return ChoiceRequest(comment=f"note {rng.randrange(1000)}")
    if criterion_id == "correctness":
        return ChoiceRequest(level=rng.choice(LEVELS))
    if criterion_id == "style":
        return ChoiceRequest(items=tuple(sorted(rng.sample(ITEMS, rng.randrange(len(ITEMS) + 1)))))
    return ChoiceRequest(points=Decimal(rng.randrange(21)))


def grade(ctx: CourseContext, worker: int, choices: int, rng: random.Random) -> None:
    rubric = rubric_in_force(ctx, A1)
    shown: dict[str, int] = {}  # student -> the version the "screen" read
    known: dict[tuple[str, str], int] = {}  # (student, criterion) -> the version its own save made
    for _ in range(choices):
        student = rng.choice(STUDENTS)
        if student not in shown or rng.random() < 0.5:
            shown[student] = ctx.store.grade(A1, student).version
        # Each grader mostly grades "its" criterion (a team splitting by criterion); some overlap.
        criterion = CRITERIA[worker % len(CRITERIA)] if rng.random() < 0.8 else rng.choice(CRITERIA)
        based_on = max(shown[student], known.get((student, criterion), 0))
        request = request_for(criterion, rng)
        try:
            recorded = record_choice(
                ctx, A1, student, criterion, request, expected_version=based_on, rubric=rubric
            )
        except ChoiceConflict as conflict:
            report("conflict", student, criterion, based_on, None, conflict.seen.mine.to_dict())
            if rng.random() < 0.5:
                continue
            seen = conflict.seen
            try:
                recorded = keep_mine(ctx, seen, rubric)
            except ChoiceConflict as again:
                report("conflict", student, criterion, seen.version, None, again.seen.mine.to_dict())
                continue
            based_on = seen.version
        known[(student, criterion)] = recorded.version
        report("saved", student, criterion, based_on, recorded.version, recorded.choice.to_dict())


def report(
    outcome: str, student: str, criterion: str, based_on: int, version: int | None, choice: object
) -> None:
    print(json.dumps([outcome, student, criterion, based_on, version, choice]), flush=True)


def main() -> int:
    root, url, worker, choices = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    with open_course(root, database_url=None if url == "-" else url, actor=f"ta-{worker}") as ctx:
        print("ready", flush=True)
        sys.stdin.readline()  # every grader starts at once
        grade(ctx, worker, choices, random.Random(worker))
    return 0


if __name__ == "__main__":
    sys.exit(main())
