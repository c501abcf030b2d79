"""Time `grader certify` against bare signatures and minimal PDFs: benchmarks/certify.py [--count 1000].

Builds the demo course (no repositories) with N students, whose names come in several scripts,
and grades every one of them so that they all earn the `python-foundations` badge. Then, in one run:

  A  `grader certify --json` in its own process: N signed OB 3.0 credentials, each recorded in the
     gradebook, with credential.json, certificate.pdf, badge.svg and badge.png (baked) and share.txt
  B  a plain process doing N bare Ed25519 signatures (cryptography) and N minimal one-page fpdf2
     PDFs (core font, one line of text, a segno QR code of a URL), each written to a file

Both are single processes, timed by wall clock from start to exit (interpreter and imports
included); B runs before and after A and its mean is used, so that a machine whose speed drifts
during the run does not tilt the ratio. The run prints both times, credentials per second, the
ratio A / B and each process's peak memory. Then `certify` runs in another process on a copy of
the course for a sample of credentials, timing its parts (signing, PDF, badge images, files,
database, the rest) to show where the time goes. Each step has its own process, so that each
peak memory is its own.
Goal: ratio ≤ 3.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

SOURCE = Path(__file__).resolve().parents[1]
try:
    import grader  # noqa: F401
except ModuleNotFoundError:  # run from a source checkout without installing grader
    sys.path.insert(0, str(SOURCE))

GOAL = 3.0
SEED = 7
BADGE = "python-foundations"
SAMPLE = 100
VERIFY_URL = "https://example.edu/credentials/{}"

# Choices per criterion of a1-calculator and a3-dataanalysis, cycled over the roster. Every row
# reaches at least 80% in python-basics (of 105 points) and 70% in testing (of 35 points).
GRADES: tuple[dict[str, dict[str, dict[str, Any]]], ...] = (
    {
        "a1-calculator": {
            "correctness": {"level": "Exemplary"},
            "cli": {"level": "Exemplary"},
            "tests": {"points": "20"},
            "code-quality": {"items": ()},
            "readme": {"level": "Complete"},
            "git-practice": {"items": ("Small focused commits", "Descriptive messages")},
        },
        "a3-dataanalysis": {
            "cleaning": {"level": "Exemplary"},
            "analysis": {"level": "Proficient"},
            "charts": {"items": ("Unlabelled axes",)},
            "pipeline-tests": {"points": "15"},
            "report": {"level": "Proficient"},
        },
    },
    {
        "a1-calculator": {
            "correctness": {"level": "Proficient"},
            "cli": {"level": "Exemplary"},
            "tests": {"points": "16"},
            "code-quality": {"items": ("Missing docstrings",)},
            "readme": {"level": "Partial"},
            "git-practice": {"items": ()},
        },
        "a3-dataanalysis": {
            "cleaning": {"level": "Exemplary"},
            "analysis": {"level": "Exemplary"},
            "charts": {"items": ()},
            "pipeline-tests": {"points": "14"},
            "report": {"level": "Exemplary"},
        },
    },
    {
        "a1-calculator": {
            "correctness": {"level": "Exemplary"},
            "cli": {"level": "Proficient"},
            "tests": {"points": "15"},
            "code-quality": {"items": ("Dead code",)},
            "readme": {"level": "Complete"},
            "git-practice": {"items": ("Clean repository",)},
        },
        "a3-dataanalysis": {
            "cleaning": {"level": "Proficient"},
            "analysis": {"level": "Developing"},
            "charts": {"items": ("No title or caption", "Misleading scale")},
            "pipeline-tests": {"points": "12"},
            "report": {"level": "Developing"},
        },
    },
)


def run_baseline(dest: Path, count: int) -> None:
    """Process B: N bare Ed25519 signatures and N minimal one-page PDFs with a QR code, to files."""
    import segno
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from fpdf import FPDF

    dest.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    for n in range(count):
        url = VERIFY_URL.format(f"00000000-0000-4000-8000-{n:012d}")
        message = f'{{"id":"{url}","name":"Student {n}","badge":"{BADGE}"}}'.encode()
        (dest / f"{n:06d}.sig").write_bytes(key.sign(message))
        qr = io.BytesIO()
        segno.make(url, error="m", micro=False).save(qr, kind="png", scale=4)
        pdf = FPDF(orientation="L", unit="mm", format="A4")
        pdf.add_page()
        pdf.set_font("helvetica", size=24)
        pdf.cell(text=f"Student {n} earned {BADGE}")
        pdf.image(qr, x=240, y=150, w=30)
        pdf.output(str(dest / f"{n:06d}.pdf"))


@dataclass
class Child:
    seconds: float
    peak_mib: float
    stdout: str


def run_child(argv: list[str], folder: Path) -> Child:
    """Run a process to the end and return its wall time, its own peak RSS and its output."""
    out_path, err_path = folder / "stdout.txt", folder / "stderr.txt"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(SOURCE), os.environ.get("PYTHONPATH")])),
    }
    with out_path.open("wb") as out, err_path.open("wb") as err:
        started = time.perf_counter()
        process = subprocess.Popen(argv, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        tail = err_path.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise SystemExit(f"command failed ({process.returncode}): {' '.join(argv[:6])} …\n{tail}")
    return Child(seconds, usage.ru_maxrss / 1024, out_path.read_text(encoding="utf-8"))


def build_course(course: Path, count: int) -> Counter[str]:
    """The demo course with `count` students (no repositories); the roster's names per script."""
    from grader.demo import build_demo_course
    from grader.demo.people import make_roster

    for _ in build_demo_course(course, students=count, seed=SEED, repos=False):
        pass
    return Counter(student.script for student in make_roster(count, SEED))


def grade_everyone(course: Path) -> int:
    """Every student meets the badge: the demo's rubrics, choices saved in batches."""
    from grader.domain.events import ChoiceChange, EventSource
    from grader.gradebook.context import open_course
    from grader.gradebook.mastery import mastery_report
    from grader.gradebook.rubrics import ensure_accepted

    with open_course(course, actor="bench") as ctx:
        now = datetime.now(UTC)
        for assignment_id in GRADES[0]:
            rubric = ctx.files.rubric(assignment_id)
            ensure_accepted(ctx, assignment_id, rubric)
            changes = [
                ChoiceChange(assignment_id, student.student_id, criterion, _choice(choice))
                for n, student in enumerate(ctx.files.students)
                for criterion, choice in GRADES[n % len(GRADES)][assignment_id].items()
            ]
            ctx.store.save_many(
                changes, actor="bench", rubric_hash=rubric.content_hash, source=EventSource.BATCH, now=now
            )
        met = [e for e in mastery_report(ctx).evaluations() if e.badge_id == BADGE and e.earned]
        return len(met)


def _choice(data: dict[str, Any]) -> Any:
    from grader.domain.choices import CriterionChoice

    return CriterionChoice(
        level=data.get("level"),
        items=tuple(data["items"]) if "items" in data else None,
        points=Decimal(data["points"]) if "points" in data else None,
    )


def warm_font_cache(names: list[str]) -> float:
    """Prepare every font the roster's names need (a one-time cost per machine, not per run)."""
    from grader.gradebook.learner_files import fonts

    started = time.perf_counter()
    library = fonts()
    for name in names:
        for run in library.runs(name).runs:
            run.face(False)
            run.face(True)
    return time.perf_counter() - started


PARTS = {
    "sign": ("sign",),
    "PDF": ("certificate_content", "render_certificate"),
    "images": ("cached_badge", "bake_svg", "bake_png"),
    "database": ("issue_credentials", "issue_credential", "pull_states", "grades", "grade"),
}
"""What each part of the breakdown times, by the name of the function or Store method."""


@dataclass
class Breakdown:
    calls: defaultdict[str, list[float]] = field(default_factory=lambda: defaultdict(list))

    @contextmanager
    def timing(self, target: Any, name: str) -> Iterator[None]:
        """Record the duration of every call of `target.name` (a module function or a bound method)."""
        original: Callable[..., Any] = getattr(target, name)
        durations = self.calls[name]

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                durations.append(time.perf_counter() - started)

        setattr(target, name, timed)
        try:
            yield
        finally:
            if isinstance(target, ModuleType):
                setattr(target, name, original)
            else:
                delattr(target, name)  # the bound method shows through again

    def series(self, part: str) -> list[float]:
        """The part's time per call of write_learner_files (or per call, for sign and database)."""
        if part == "files":  # write_learner_files around the PDF and the images
            inner = [self.series("PDF"), self.series("images")]
            return [total - sum(s[i] for s in inner) for i, total in enumerate(self.calls["write"])]
        found = [self.calls[name] for name in PARTS[part] if self.calls[name]]
        return (
            [sum(values) for values in zip(*found, strict=True)]
            if part != "database"
            else [value for values in found for value in values]
        )

    @staticmethod
    def one_time(series: list[float]) -> float:
        """How much longer the first call took than a typical one (fonts parsed, badge art drawn)."""
        return max(0.0, series[0] - statistics.median(series[1:])) if len(series) > 2 else 0.0


def breakdown(course: Path, sample: int) -> tuple[Breakdown, float, float, int]:
    """Run certify in this process until `sample` credentials are issued, timing its parts."""
    from grader.gradebook import certify as certify_module
    from grader.gradebook import issuing, learner_files
    from grader.gradebook.context import open_course

    parts = Breakdown()
    issued = 0
    with open_course(course, actor="bench") as ctx, ExitStack() as stack:
        stack.enter_context(parts.timing(issuing.proof, "sign"))
        for name in (*PARTS["PDF"], *PARTS["images"]):
            stack.enter_context(parts.timing(learner_files, name))
        for name in PARTS["database"]:
            if hasattr(ctx.store, name):
                stack.enter_context(parts.timing(ctx.store, name))
        stack.enter_context(parts.timing(issuing, "write_learner_files"))
        parts.calls["write"] = parts.calls.pop("write_learner_files")
        started = time.perf_counter()
        steps = certify_module.certify(ctx)
        next(steps)
        setup = time.perf_counter() - started
        for durations in parts.calls.values():
            durations.clear()
        started = time.perf_counter()
        for item in steps:
            if isinstance(item, certify_module.CertifyResult) and item.status == certify_module.ISSUED:
                issued += 1
                if issued == sample:
                    break
        elapsed = time.perf_counter() - started
        steps.close()
    return parts, setup, elapsed, issued


def prepare(course: Path, count: int) -> None:
    """The course, graded, with a copy for the breakdown and the font cache ready (a child process)."""
    started = time.perf_counter()
    scripts = build_course(course, count)
    built = time.perf_counter() - started
    per_script = ", ".join(f"{script} {n}" for script, n in scripts.most_common())
    print(f"demo course with {count:,} students built in {built:.2f} s ({per_script})")
    started = time.perf_counter()
    earned = grade_everyone(course)
    print(
        f"graded {count:,} students × 11 criteria in {time.perf_counter() - started:.2f} s; "
        f"{earned:,} meet {BADGE}"
    )
    if earned != count:
        raise SystemExit(f"only {earned} of {count} students earned {BADGE}; fix GRADES")
    shutil.copytree(course, course.with_name("sample"))
    from grader.demo.people import make_roster

    names = [student.student.name for student in make_roster(count, SEED)]
    print(f"font cache ready in {warm_font_cache(names):.2f} s (prepared once per machine, then reused)")


def print_breakdown(course: Path, sample: int) -> None:
    parts, setup, elapsed, issued = breakdown(course, sample)
    names = ("PDF", "sign", "images", "files", "database")
    series = {name: parts.series(name) for name in names}
    once = {name: parts.one_time(values) for name, values in series.items()}
    rest = elapsed - sum(sum(values) for values in series.values())
    steady = elapsed - sum(once.values())
    print(
        f"where A's time goes, measured in-process over {issued} credentials, one-time work (fonts parsed, "
        f"badge art drawn: {sum(once.values()):.2f} s) left out:"
    )
    rows = sorted(((name, sum(series[name]) - once[name]) for name in names), key=lambda row: -row[1])
    for name, seconds in [*rows, ("rest", rest)]:
        print(f"  {name:<9} {seconds / issued * 1000:7.2f} ms per credential  {seconds / steady:6.1%}")
    print(
        f"  {'total':<9} {steady / issued * 1000:7.2f} ms per credential (and {setup:.2f} s before the first)"
    )
    print(
        "  (sign: proof.sign, RDFC + Ed25519; PDF: certificate_content + render_certificate; images: "
        "badge art + baking;\n   files: the rest of write_learner_files; database: Store calls; "
        "rest: building each credential, the loop)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--count", type=int, default=1000, help="credentials to issue (students)")
    parser.add_argument("--sample", type=int, default=SAMPLE, help="credentials timed part by part")
    parser.add_argument(
        "--keep",
        type=Path,
        help="build in this new or empty folder and keep it (default: a temporary folder)",
    )
    parser.add_argument("--step", choices=("prepare", "baseline", "breakdown"), help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.step == "prepare":
        prepare(args.folder, args.count)
        return 0
    if args.step == "baseline":
        run_baseline(args.folder, args.count)
        return 0
    if args.step == "breakdown":
        print_breakdown(args.folder, args.sample)
        return 0

    # Each step runs in its own process, so that each one's peak memory is its own: a child
    # starts with the high-water mark of the process it was forked from.
    root = args.keep or Path(tempfile.mkdtemp(prefix="grader-certify-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    here = [sys.executable, str(Path(__file__).resolve()), "--count", str(args.count)]
    try:
        course = root / "course"
        print(run_child([*here, "--step", "prepare", "--folder", str(course)], root).stdout, end="")
        baseline = [*here, "--step", "baseline", "--folder"]
        before = run_child([*baseline, str(root / "baseline-before")], root)
        ours = run_child(
            [sys.executable, "-m", "grader", "--course", str(course), "--as", "bench", "certify", "--json"],
            root,
        )
        after = run_child([*baseline, str(root / "baseline-after")], root)
        base = (
            before.seconds + after.seconds
        ) / 2  # B on either side of A: drift on a shared machine evens out
        statuses = Counter(item["status"] for item in _json_array(ours.stdout))
        ratio = ours.seconds / base
        verdict = "ok" if ratio <= GOAL else f"over the {GOAL:g} goal"
        print(f"\n{args.count:,} credentials (goal: ratio ≤ {GOAL:g}; both single-process, wall time):")
        print(
            f"  A grader certify --json     {ours.seconds:7.2f} s  {args.count / ours.seconds:6.1f} "
            f"credentials/s  peak {ours.peak_mib:6.1f} MiB  {dict(statuses)}"
        )
        print(
            f"  B Ed25519 + fpdf2 PDF + QR  {base:7.2f} s  {args.count / base:6.1f} items/s        "
            f"peak {max(before.peak_mib, after.peak_mib):6.1f} MiB  (run before and after A: "
            f"{before.seconds:.2f} s, {after.seconds:.2f} s)"
        )
        print(f"  ratio A / B                 {ratio:7.2f}  ({verdict})\n")
        sample = [*here, "--sample", str(min(args.sample, args.count))]
        print(
            run_child([*sample, "--step", "breakdown", "--folder", str(root / "sample")], root).stdout, end=""
        )
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    return 0


def _json_array(text: str) -> list[dict[str, Any]]:
    import json

    start = text.index("[")
    value = json.loads(text[start:])
    assert isinstance(value, list)
    return value


if __name__ == "__main__":
    sys.exit(main())
