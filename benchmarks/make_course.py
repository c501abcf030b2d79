"""Build a large demo course for benchmarks: python benchmarks/make_course.py DEST --students N.

The roster, course.yaml and rubrics are always written; student repositories only with
--repos (one local bare repository per student and assignment, built in parallel).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

try:
    from grader.demo import build_demo_course
except ModuleNotFoundError:  # run from a source checkout without installing grader
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from grader.demo import build_demo_course

from grader.domain.errors import GraderError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path, help="a new or empty folder")
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--repos", action="store_true", help="also build student repositories")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    last_report = started
    try:
        for progress in build_demo_course(
            args.dest, students=args.students, seed=args.seed, repos=args.repos
        ):
            now = time.perf_counter()
            if now - last_report > 2 or progress.done == progress.total:
                print(f"[{now - started:7.2f} s] {progress.done:,}/{progress.total:,} {progress.message}")
                last_report = now
    except GraderError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - started
    repos = sum(1 for _ in (args.dest / "remotes").glob("*/*.git")) if args.repos else 0
    print(
        f"built {args.dest}: {args.students:,} students, 3 assignments, {repos:,} repositories "
        f"in {elapsed:.2f} s (seed {args.seed})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
