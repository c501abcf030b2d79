"""One grader process for the concurrency test: says "ready", waits for "go" on stdin, then grades, flags,
excuses and records pulls of a few shared submissions as fast as it can.

    python summary_worker.py COURSE DATABASE_URL|- SEED OPERATIONS

Prints what it did as JSON; exits 1 on any error but a refused stale save (ConflictError).
"""

from __future__ import annotations

import json
import random
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from grader.domain.errors import ConflictError
from grader.domain.pulls import PullState
from grader.domain.submission import Observation
from grader.gradebook.context import CourseContext, open_course
from grader.gradebook.flagging import clear_flag, set_excused, set_flag
from grader.gradebook.grading import ChoiceRequest, record_choice
from grader.gradebook.summary import summarizer

A1 = "a1-calculator"
SHARED = ("00123", "00124")
LEVELS = ("Exemplary", "Proficient", "Developing", "Missing")


def one(ctx: CourseContext, rng: random.Random) -> str:
    student = rng.choice(SHARED)
    kind = rng.choice(("grade", "grade", "tests", "flag", "excuse", "pull"))
    if kind == "grade":
        record_choice(ctx, A1, student, "correctness", ChoiceRequest(level=rng.choice(LEVELS)))
    elif kind == "tests":
        record_choice(ctx, A1, student, "tests", ChoiceRequest(points=Decimal(rng.randrange(21))))
        record_choice(ctx, A1, student, "style", ChoiceRequest(items=()))
    elif kind == "flag":
        (set_flag(ctx, A1, student, "look") if rng.random() < 0.5 else clear_flag(ctx, A1, student))
    elif kind == "excuse":
        set_excused(ctx, A1, student, rng.random() < 0.3, "ill")
    else:
        seen = datetime(2026, 10, 2, tzinfo=UTC) + timedelta(minutes=rng.randrange(5000))
        sha = f"{rng.getrandbits(160):040x}"
        state = PullState(A1, student, "cloned", "", sha, rng.choice((0, 90, 3000)), (), seen, sha)
        observed = Observation(seen, "cloned", "", "refs/heads/main", sha)
        ctx.store.record_pulls([(observed, state)], summarize=summarizer(ctx, A1))
    return kind


def main() -> int:
    root, url, seed, operations = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    rng = random.Random(seed)
    done: Counter[str] = Counter()
    with open_course(root, database_url=None if url == "-" else url, actor=f"grader-{seed}") as ctx:
        print("ready", flush=True)
        sys.stdin.readline()  # every worker starts at once
        for _ in range(operations):
            try:
                done[one(ctx, rng)] += 1
            except ConflictError:
                done["conflict"] += 1
    print(json.dumps(done))
    return 0


if __name__ == "__main__":
    sys.exit(main())
