"""Every write keeps each submission's summary equal to a recomputation from its choices, and
the counts read from the summaries equal the old whole-class computation, on both backends."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from summary_helpers import (
    BACKENDS,
    assert_counts_as_before,
    assert_summaries_consistent,
    database,
    old_assignment_counts,
    opened,
)

from grader.domain.errors import GraderError
from grader.domain.progress import Progress
from grader.domain.pulls import PullState
from grader.domain.rubric import CriterionKind
from grader.domain.submission import Observation
from grader.gradebook.context import CourseContext
from grader.gradebook.counts import AssignmentCounts, count_assignment
from grader.gradebook.extensions import extend
from grader.gradebook.flagging import clear_flag, set_excused, set_flag
from grader.gradebook.grading import ChoiceRequest, record_choice
from grader.gradebook.rubrics import apply_rubric
from grader.gradebook.summary import refresh_stale, summarizer, summary_spec
from grader.gradebook.undo import undo_last

A1 = "a1-calculator"
RUBRIC = Path("rubrics") / "calculator.yaml"
STUDENTS = ("00123", "00124", "00125", "00126", "00127")
DEADLINE = datetime(2026, 10, 2, 3, 59, tzinfo=UTC)


def grade(ctx: CourseContext, rng: random.Random) -> None:
    """A random choice (or adjustment) for a random criterion of a random student."""
    criterion = rng.choice(ctx.files.rubric(A1).criteria)
    if rng.random() < 0.15:
        request = ChoiceRequest(adjustment=Decimal(rng.choice((-2, 3))), comment="why")
    elif criterion.kind is CriterionKind.LEVELS:
        request = ChoiceRequest(level=rng.choice(criterion.levels).label)
    elif criterion.kind is CriterionKind.CHECKLIST:
        request = ChoiceRequest(items=tuple(i.label for i in criterion.items if rng.random() < 0.5))
    else:
        request = ChoiceRequest(points=Decimal(rng.randrange(int(criterion.max_points) + 1)))
    record_choice(ctx, A1, rng.choice(STUDENTS), criterion.id, request)


def pull(ctx: CourseContext, rng: random.Random) -> None:
    """What the pull records for one repository, with the summarizer the pull passes."""
    seen = DEADLINE + timedelta(minutes=rng.choice((-60, 30, 1500, 6000)))
    sha = rng.choice(("a", "b", "c")) * 40
    late = max(0, int((seen - DEADLINE).total_seconds() // 60))
    state = PullState(A1, rng.choice(STUDENTS), "cloned", "", sha, late, (), seen, sha)
    ctx.store.record_pulls(
        [(Observation(seen, "cloned", "", "refs/heads/main", sha), state)], summarize=summarizer(ctx, A1)
    )


def edit_rubric(root: Path, rng: random.Random) -> None:
    """Rename the level 'Proficient' (a mapping is then needed) or change a level's points."""
    path = root / RUBRIC
    text = path.read_text()
    if rng.random() < 0.5:
        text = (
            text.replace("Proficient", "Competent")
            if "Proficient" in text
            else text.replace("Competent", "Proficient")
        )
    else:
        text = (
            text.replace("points: 15}", "points: 12}")
            if "points: 15}" in text
            else text.replace("points: 12}", "points: 15}")
        )
    path.write_text(text)


@dataclass
class Run:
    """Two graders on one gradebook, reopened whenever the course files change."""

    root: Path
    url: str | None
    rng: random.Random
    ada: CourseContext
    bob: CourseContext

    def ops(self) -> dict[str, Callable[[], object]]:
        rng, ada, bob = self.rng, self.ada, self.bob
        student = rng.choice(STUDENTS)
        return {
            "grade": lambda: grade(rng.choice((ada, bob)), rng),
            "undo": lambda: undo_last(rng.choice((ada, bob))),
            "flag": lambda: set_flag(ada, A1, student, "second look"),
            "unflag": lambda: clear_flag(bob, A1, student),
            "excuse": lambda: set_excused(ada, A1, student, rng.random() < 0.6, "medical"),
            "pull": lambda: pull(bob, rng),
            "extend": lambda: extend(ada, student, A1, DEADLINE + timedelta(days=rng.randrange(1, 4)), "ill"),
            "apply": lambda: self.apply(),
        }

    def apply(self) -> None:
        mapping = (
            ["correctness:Proficient=Competent"] if "Competent" in (self.root / RUBRIC).read_text() else []
        )
        mapping += (
            ["correctness:Competent=Proficient"] if "Proficient" in (self.root / RUBRIC).read_text() else []
        )
        apply_rubric(self.ada, A1, mapping)
        list(refresh_stale(self.ada, summary_spec(self.ada, A1)))  # as `grader rubric apply` does


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("seed", [1, 2])
def test_every_kind_of_write_keeps_the_summaries_equal_to_a_recomputation(
    course_dir: Path, backend: str, seed: int
) -> None:
    rng = random.Random(seed)
    done: dict[str, int] = {}
    with database(backend) as url:
        for _ in range(3):  # between rounds the rubric file is edited and the course reopened
            with opened(course_dir, url, "Ada") as ada, opened(course_dir, url, "Bob") as bob:
                run = Run(course_dir, url, rng, ada, bob)
                assert_counts_as_before(ada)  # counting first recomputes what the edit outdated
                for _ in range(25):
                    name, op = rng.choice(sorted(run.ops().items()))
                    try:
                        op()
                        done[name] = done.get(name, 0) + 1
                    except GraderError:
                        pass  # refused (nothing to undo, a rubric change to map…): nothing changed
                    assert assert_summaries_consistent(ada) >= 1, name
                assert_counts_as_before(ada)
            edit_rubric(course_dir, rng)
    assert {"grade", "undo", "flag", "unflag", "excuse", "pull", "extend"} <= set(done), done


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_rubric_edit_makes_the_counts_recompute_the_scores(course_dir: Path, backend: str) -> None:
    with database(backend) as url:
        with opened(course_dir, url) as ctx:
            for student in STUDENTS[:3]:
                grade_all(ctx, student, "Developing")
            assert _counted(ctx).bins[6] == 3  # 15 + 20 + 20 of 80: 68.75 %
        rubric = course_dir / RUBRIC
        rubric.write_text(rubric.read_text().replace("points: 15}", "points: 25}"))

        with opened(course_dir, url) as ctx:
            found = list(count_assignment(ctx, ctx.files.course.assignments[0], chunk=2))
            recomputed = [f.done for f in found if isinstance(f, Progress) and f.total == 3]
            (after,) = [f for f in found if isinstance(f, AssignmentCounts)]
            assert recomputed == [0, 2, 3], "the three graded summaries were recomputed"
            assert after.bins[8] == 3 and after == old_assignment_counts(ctx)[0]  # 65 of 80
            assert_summaries_consistent(ctx)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_late_policy_edit_makes_the_counts_recompute_the_penalties(course_dir: Path, backend: str) -> None:
    with database(backend) as url:
        with opened(course_dir, url) as ctx:
            grade_all(ctx, STUDENTS[0], "Exemplary")
            seen = DEADLINE + timedelta(days=1)
            state = PullState(A1, STUDENTS[0], "cloned", "", "a" * 40, 1440, (), seen, "a" * 40)
            observed = Observation(seen, "cloned", "", "main", "a" * 40)
            ctx.store.record_pulls([(observed, state)], summarize=summarizer(ctx, A1))
            assert _counted(ctx).bins[9] == 1  # a day late: 10 % off 80, 72 of 80
        course = course_dir / "course.yaml"
        course.write_text(course.read_text().replace("penalty_per_day: 10%", "penalty_per_day: 50%"))

        with opened(course_dir, url) as ctx:
            assert {d.student_id for d in _outdated(ctx)} == {STUDENTS[0]}
            counted = _counted(ctx)
            assert counted.bins[5] == 1 and counted == old_assignment_counts(ctx)[0]  # 40 of 80
            assert_summaries_consistent(ctx)


def grade_all(ctx: CourseContext, student: str, level: str) -> None:
    """A final grade: a level, no deductions, full marks from the tests."""
    record_choice(ctx, A1, student, "correctness", ChoiceRequest(level=level))
    record_choice(ctx, A1, student, "style", ChoiceRequest(items=()))
    record_choice(ctx, A1, student, "tests", ChoiceRequest(points=Decimal(20)))


def _counted(ctx: CourseContext) -> AssignmentCounts:
    (found,) = [
        c for c in count_assignment(ctx, ctx.files.course.assignments[0]) if isinstance(c, AssignmentCounts)
    ]
    return found


def _outdated(ctx: CourseContext) -> list[object]:
    from grader.gradebook.summary_check import SummaryDisagreement, check_summaries

    return [d for d in check_summaries(ctx) if isinstance(d, SummaryDisagreement) and not d.wrong]


@pytest.mark.parametrize("backend", BACKENDS)
def test_graders_in_several_processes_leave_every_summary_consistent(course_dir: Path, backend: str) -> None:
    worker = Path(__file__).with_name("summary_worker.py")
    with database(backend) as url:
        with opened(course_dir, url) as ctx:
            assert_summaries_consistent(ctx)  # the gradebook exists before the workers open it
        workers = [
            subprocess.Popen(
                [sys.executable, str(worker), str(course_dir), url or "-", str(seed), "40"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for seed in range(4)
        ]
        for process in workers:
            assert process.stdout is not None and process.stdout.readline().strip() == "ready"
        for process in workers:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        done: Counter[str] = Counter()
        for process in workers:
            out, err = process.communicate(timeout=300)
            assert process.returncode == 0, err
            done.update(json.loads(out))
        assert {"grade", "tests", "flag", "excuse", "pull"} <= set(done), done
        with opened(course_dir, url) as ctx:
            assert assert_summaries_consistent(ctx) == 2
            assert_counts_as_before(ctx)
