"""Time `grader pull` against plain parallel git: python benchmarks/pull.py [--repos 200] [--jobs 8].

Builds N local bare repositories (a few commits of small, realistic files each) and a course
whose single assignment pulls them (`file://{course}/remotes/a1/{github}.git`, allow_local),
then in one run times:

  cold  `grader pull --jobs J --json` (clone + graded commit + checkout) vs
        `xargs -P J git clone --bare --no-local` of the same repositories
  warm  `grader pull` again (nothing changed) vs `xargs -P J git -C MIRROR fetch`
        (grader asks each remote for its branches with `git ls-remote` and fetches only
        what changed, so its git work per unchanged repository is below a plain fetch)

Both sides use the same isolated git environment and safe config. The git layer alone
(grader.git.sync + checkout in a thread pool) is timed too, so the cost of the layer and the
cost of the rest of `grader pull` (database, graded-commit resolution) can be told apart.
Goal: each `grader pull` / git ratio ≤ 1.2.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

try:
    import grader  # noqa: F401
except ModuleNotFoundError:  # run from a source checkout without installing grader
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from grader.files.skeleton import write_skeleton
from grader.git.checkout import checkout
from grader.git.env import git_env, safe_config
from grader.git.fabricate import CommitSpec, Person, Push, fabricate
from grader.git.limits import Limits
from grader.git.sync import sync

GOAL = 1.2
EDT = timezone(timedelta(hours=-4))
REPO_TEMPLATE = "file://{course}/remotes/a1/{github}.git"

CALCULATOR = '''"""A small calculator: the four operations, with clear errors."""


def add(a: float, b: float) -> float:
    return a + b


def subtract(a: float, b: float) -> float:
    return a - b


def multiply(a: float, b: float) -> float:
    return a * b


def divide(a: float, b: float) -> float:
    if b == 0:
        raise ZeroDivisionError("cannot divide by zero")
    return a / b


OPERATIONS = {"+": add, "-": subtract, "*": multiply, "/": divide}


def evaluate(expression: str) -> float:
    """Evaluate 'a op b' with single spaces, e.g. '3 * 4'."""
    left, op, right = expression.split()
    return OPERATIONS[op](float(left), float(right))
'''

TESTS = """import pytest

from calculator import add, divide, evaluate, multiply, subtract


def test_add():
    assert add(2, 3) == 5


def test_subtract():
    assert subtract(2, 3) == -1


def test_multiply():
    assert multiply(4, 2.5) == 10


def test_divide_by_zero():
    with pytest.raises(ZeroDivisionError):
        divide(1, 0)


@pytest.mark.parametrize(("text", "value"), [("1 + 2", 3), ("6 / 4", 1.5), ("3 * 3", 9)])
def test_evaluate(text, value):
    assert evaluate(text) == value
"""


def student_commits(n: int) -> tuple[CommitSpec, ...]:
    """Three commits like a student's: a start, the tests, a fix; small files, varied a little."""
    person = Person(f"Student {n}", f"student{n}@example.edu")
    start = datetime(2026, 9, 20, 10, 0, tzinfo=EDT) + timedelta(minutes=n)
    readme = (
        f"# Calculator\n\nStudent {n}'s calculator for CS101.\n\n" + "Usage: `python -m calculator`\n" * 5
    )
    first = {
        "README.md": readme,
        "calculator.py": CALCULATOR.replace("b == 0", "not b"),
        ".gitignore": "*.pyc\n",
    }
    second = {**first, "tests/test_calculator.py": TESTS, "requirements.txt": "pytest>=8\n"}
    third = {**second, "calculator.py": CALCULATOR + f"\n# submitted by student {n}\n"}
    return tuple(
        CommitSpec(message, person, start + timedelta(days=day), files)
        for day, (message, files) in enumerate(
            [("Start calculator", first), ("Add tests", second), ("Fix division by zero", third)]
        )
    )


def build_course(root: Path, repos: int, jobs: int) -> Path:
    """A course folder with N students and their bare repositories under remotes/a1/."""
    course = root / "course"
    write_skeleton(course)
    yaml_path = course / "course.yaml"
    text = yaml_path.read_text(encoding="utf-8")
    text = text.replace("allow_local: false", "allow_local: true")
    text = text.replace(
        "repo: https://github.com/cs101-fall26/a1-calculator-{github}", f"repo: {REPO_TEMPLATE}"
    )
    yaml_path.write_text(text, encoding="utf-8")
    rows = ["student_id,name,email,github,section"]
    rows += [f"{n:05d},Student {n},student{n}@example.edu,student-{n},A" for n in range(repos)]
    (course / "roster.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")

    def build(n: int) -> None:
        fabricate(course / "remotes" / "a1" / f"student-{n}.git", [Push(student_commits(n))])

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(build, range(repos)))
    return course


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def run(
    argv: list[str], *, stdin: str | None = None, cwd: Path | None = None, env: dict[str, str] | None = None
) -> str:
    done = subprocess.run(argv, input=stdin, capture_output=True, text=True, cwd=cwd, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"command failed ({done.returncode}): {' '.join(argv[:6])} …\n{done.stderr[-2000:]}")
    return done.stdout


def grader_pull(course: Path, jobs: int) -> Counter[str]:
    argv = [sys.executable, "-m", "grader", "--course", str(course), "pull", "--jobs", str(jobs), "--json"]
    output = run(argv)
    return Counter(json.loads(line)["result"] for line in output.splitlines() if line.startswith("{"))


def xargs_clone(sources: list[Path], dests: list[Path], jobs: int) -> None:
    pairs = "".join(f"{src}\n{dst}\n" for src, dst in zip(sources, dests, strict=True))
    git = ["git", *safe_config(allow_file=True)]
    run(
        ["xargs", "-P", str(jobs), "-n", "2", *git, "clone", "--bare", "--no-local", "--quiet"],
        stdin=pairs,
        env=git_env(),
    )


def xargs_fetch(mirrors: list[Path], jobs: int) -> None:
    lines = "".join(f"{mirror}\n" for mirror in mirrors)
    git = ["git", *safe_config(allow_file=True)]
    run(["xargs", "-P", str(jobs), "-I{}", *git, "-C", "{}", "fetch", "--quiet"], stdin=lines, env=git_env())


def layer_pull(sources: list[Path], mirrors: list[Path], checkouts: list[Path], jobs: int) -> Counter[str]:
    """grader.git alone: sync each repository, then check out its head."""
    limits = Limits()

    def one(index: int) -> str:
        outcome = sync(str(sources[index]), mirrors[index], allow_local=True, limits=limits)
        if outcome.head and (outcome.result != "unchanged" or not checkouts[index].exists()):
            checkout(mirrors[index], outcome.head, checkouts[index], limits)
        return outcome.result

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return Counter(pool.map(one, range(len(sources))))


def ratio_line(name: str, ours: float, baseline: float) -> str:
    ratio = ours / baseline if baseline else float("inf")
    verdict = "ok" if ratio <= GOAL else f"over the {GOAL} goal"
    return f"  {name:<34} {ours:7.2f} s vs {baseline:7.2f} s  ratio {ratio:5.2f}  ({verdict})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repos", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=8)
    parser.add_argument("--keep", type=Path, help="build here and keep it (default: a temporary folder)")
    args = parser.parse_args(argv)

    root = args.keep or Path(tempfile.mkdtemp(prefix="grader-pull-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        started = time.perf_counter()
        course = build_course(root, args.repos, args.jobs)
        print(
            f"built {args.repos} repositories and a course in {time.perf_counter() - started:.2f} s: {course}"
        )
        sources = [course / "remotes" / "a1" / f"student-{n}.git" for n in range(args.repos)]
        lines = []

        baseline_mirrors = [root / "xargs" / f"student-{n}.git" for n in range(args.repos)]
        clone_time = timed(lambda: xargs_clone(sources, baseline_mirrors, args.jobs))
        fetch_time = timed(lambda: xargs_fetch(baseline_mirrors, args.jobs))
        print(
            f"xargs -P {args.jobs} git clone --bare --no-local: {clone_time:.2f} s; "
            f"git fetch: {fetch_time:.2f} s"
        )

        layer_mirrors = [root / "layer" / "repos" / f"{n:05d}.git" for n in range(args.repos)]
        layer_checkouts = [root / "layer" / "checkouts" / f"{n:05d}" for n in range(args.repos)]
        counts: Counter[str] = Counter()
        cold = timed(lambda: counts.update(layer_pull(sources, layer_mirrors, layer_checkouts, args.jobs)))
        warm_counts: Counter[str] = Counter()
        warm = timed(
            lambda: warm_counts.update(layer_pull(sources, layer_mirrors, layer_checkouts, args.jobs))
        )
        print(
            f"grader.git sync+checkout: cold {cold:.2f} s {dict(counts)}; "
            f"warm {warm:.2f} s {dict(warm_counts)}"
        )
        lines += [ratio_line("grader.git layer, cold", cold, clone_time)]
        lines += [ratio_line("grader.git layer, warm", warm, fetch_time)]

        help_check = subprocess.run(
            [sys.executable, "-m", "grader", "--course", str(course), "pull", "--help"],
            capture_output=True,
            check=False,
        )
        if help_check.returncode != 0:
            print(
                "`grader pull` is not available yet (grader pull --help failed); "
                "only the git layer was timed."
            )
        else:
            results: Counter[str] = Counter()
            pull_cold = timed(lambda: results.update(grader_pull(course, args.jobs)))
            again: Counter[str] = Counter()
            pull_warm = timed(lambda: again.update(grader_pull(course, args.jobs)))
            print(
                f"grader pull: cold {pull_cold:.2f} s {dict(results)}; warm {pull_warm:.2f} s {dict(again)}"
            )
            lines += [ratio_line("grader pull, cold (vs clone)", pull_cold, clone_time)]
            lines += [ratio_line("grader pull, warm (vs fetch)", pull_warm, fetch_time)]
        print(f"\n{args.repos} repositories, {args.jobs} jobs (goal: ratio ≤ {GOAL}):")
        print("\n".join(lines))
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
