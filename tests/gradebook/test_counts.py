"""Counts read from the summaries: equal to the old computation on the pulled demo course, a
query once the summaries are up to date, stopped between chunks, students off the roster left out."""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from summary_helpers import (
    BACKENDS,
    assert_counts_as_before,
    assert_summaries_consistent,
    database,
    new_counts,
    opened,
)

from grader.demo import build_demo_course
from grader.domain.errors import GraderError
from grader.domain.progress import Progress
from grader.domain.rubric import CriterionKind
from grader.gradebook.context import CourseContext
from grader.gradebook.counts import badge_evaluations, count_assignment, count_badges, score_bin
from grader.gradebook.extensions import extend
from grader.gradebook.flagging import set_excused, set_flag
from grader.gradebook.grading import ChoiceRequest, record_choice
from grader.gradebook.mastery import mastery_report
from grader.gradebook.pull import PullResult, pull
from grader.gradebook.status import GRADED, SubmissionStatus


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("counts") / "course"
    list(build_demo_course(root, students=36, seed=7, repos=True))
    return root


@pytest.fixture(scope="module", params=BACKENDS)
def pulled_and_graded(request: pytest.FixtureRequest, demo: Path) -> Iterator[tuple[Path, str | None]]:
    """The demo course, pulled (real git) and graded every way, once per backend."""
    root = demo.parent / f"graded-{request.param}"
    shutil.copytree(demo, root, symlinks=True)
    with database(request.param) as url:
        with opened(root, url) as ctx:
            results = [item for item in pull(ctx) if isinstance(item, PullResult)]
            assert len(results) == 3 * 36
            grade_the_demo(ctx, random.Random(11))
        yield root, url


@pytest.fixture
def graded(pulled_and_graded: tuple[Path, str | None]) -> Iterator[tuple[Path, str | None]]:
    """The graded demo; course files a test edits are put back afterwards."""
    root, _ = pulled_and_graded
    kept = {path: path.read_bytes() for path in (root / "roster.csv", *(root / "rubrics").glob("*.yaml"))}
    yield pulled_and_graded
    for path, content in kept.items():
        path.write_bytes(content)


def grade_the_demo(ctx: CourseContext, rng: random.Random) -> None:
    """Most students graded at random (some autograde pending), a few at the top of every scale
    (they earn badges), a few flagged, excused or extended."""
    students = [s.student_id for s in ctx.files.students]
    for assignment in ctx.files.course.assignments:
        rubric = ctx.files.rubric(assignment.id)
        for n, sid in enumerate(students[: 30 if assignment.id.startswith("a1") else 20]):
            for criterion in rubric.criteria:
                top = 4 <= n < 10
                if criterion.kind is CriterionKind.AUTOGRADED and not top and rng.random() < 0.3:
                    continue  # autograde pending: not final
                if criterion.kind is CriterionKind.LEVELS:
                    request = ChoiceRequest(
                        level=(criterion.levels[0] if top else rng.choice(criterion.levels)).label
                    )
                elif criterion.kind is CriterionKind.CHECKLIST:
                    wanted = not criterion.deducts if top else None
                    ticked = (
                        i.label for i in criterion.items if (rng.random() < 0.3 if wanted is None else wanted)
                    )
                    request = ChoiceRequest(items=tuple(ticked))
                else:
                    most = int(criterion.max_points)
                    request = ChoiceRequest(points=Decimal(most if top else rng.randrange(most + 1)))
                record_choice(ctx, assignment.id, sid, criterion.id, request)
        set_flag(ctx, assignment.id, students[1], "ask about the late commit")
        set_excused(ctx, assignment.id, students[2], True, "medical")
        set_excused(ctx, assignment.id, students[33], True, "medical")
        extend(ctx, students[3], assignment.id, assignment.deadline + timedelta(days=2), "illness")


def test_counts_equal_the_old_computation_on_the_pulled_demo_course(graded: tuple[Path, str | None]) -> None:
    root, url = graded
    with opened(root, url) as ctx:
        assert assert_summaries_consistent(ctx) == 3 * 36
        assignments, badges = new_counts(ctx)
        assert_counts_as_before(ctx)
    a1 = assignments[0]
    assert a1.total == 36 and 0 < a1.pulled < 36
    assert assignments[2].statuses["missing"] >= 1, "the demo has students without a repository"
    assert a1.graded >= 10 and sum(a1.bins) == a1.graded
    assert a1.statuses["excused"] == 2
    assert sum(b.earned for b in badges) >= 1, "some students earn a badge"


def test_students_off_the_roster_are_left_out_and_new_ones_count_as_not_pulled(
    graded: tuple[Path, str | None],
) -> None:
    root, url = graded
    roster = root / "roster.csv"
    header, *rows = roster.read_text(encoding="utf-8").splitlines()
    gone = rows[:5]  # graded, flagged, excused and extended students leave the course
    newcomer = gone[0].replace(gone[0].split(",")[0], "99999999", 1).replace(",", ",New ", 1)
    roster.write_text("\n".join([header, *rows[5:], newcomer]) + "\n", encoding="utf-8")

    with opened(root, url) as ctx:
        assert len(ctx.files.students) == 32
        assignments, badges = new_counts(ctx)
        assert_counts_as_before(ctx)
    assert [a.total for a in assignments] == [32, 32, 32]
    assert all(b.eligible == 32 for b in badges)
    assert assignments[0].statuses["not pulled"] >= 1
    assert assignments[0].statuses["excused"] == 1


class ReadingNoGrades:
    """The real store, refusing every read of grades or pull states."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def _refused(self, *args: object) -> object:
        raise AssertionError("counting read grades")

    grade = grades = grades_of = pull_states = pull_states_of = _refused

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


def test_up_to_date_counts_are_queries_that_read_no_grades(graded: tuple[Path, str | None]) -> None:
    root, url = graded
    with opened(root, url) as ctx:
        expected = new_counts(ctx)  # brings every summary up to date
        reading = CourseContext(ctx.files, ReadingNoGrades(ctx.store), ctx.actor)  # type: ignore[arg-type]
        assert new_counts(reading) == expected
        found = list(count_badges(reading))
        assert [p for p in found if isinstance(p, Progress)] == [
            Progress(0, 36, "badges"),
            Progress(36, 36, "badges"),
        ]


def test_counting_stops_between_chunks_of_recomputed_summaries(graded: tuple[Path, str | None]) -> None:
    root, url = graded
    rubric = root / "rubrics" / "calculator.yaml"
    rubric.write_text(
        rubric.read_text(encoding="utf-8").replace("points: 20", "points: 25", 1), encoding="utf-8"
    )
    with opened(root, url) as ctx:
        assignment = ctx.files.course.assignments[0]
        stale = len(ctx.store.summaries.with_inputs(assignment.id))
        for found in count_assignment(ctx, assignment, chunk=7):
            if isinstance(found, Progress) and found.done == 7:
                break
        else:
            pytest.fail("no chunk of recomputed summaries was reported")
        outdated = [d for d in _check(ctx) if d.assignment_id == assignment.id]
        assert len(outdated) == stale - 7, "nothing was recomputed past the chunk the caller stopped at"
        assert_counts_as_before(ctx)  # the next count finishes the work


def _check(ctx: CourseContext) -> list[Any]:
    from grader.gradebook.summary_check import SummaryDisagreement, check_summaries

    found = [d for d in check_summaries(ctx) if isinstance(d, SummaryDisagreement)]
    assert not any(d.wrong for d in found)
    return found


def test_an_unknown_assignment_is_refused_by_name(graded: tuple[Path, str | None]) -> None:
    root, url = graded
    with opened(root, url) as ctx, pytest.raises(GraderError, match="a1-calculator"):
        from grader.gradebook.summary import summary_spec

        summary_spec(ctx, "a9-nothing")


def test_score_bins_are_exact_tenths() -> None:
    def row(score: str, maximum: str = "100") -> SubmissionStatus:
        return SubmissionStatus(
            "a", "s", "n", GRADED, Decimal(score), Decimal(maximum), Decimal(0), None, None, (), ()
        )

    assert [score_bin(row(s)) for s in ("0", "9.99", "10", "70", "99.9", "100", "120", "-5")] == [
        0,
        0,
        1,
        7,
        9,
        9,
        9,
        0,
    ]
    assert score_bin(row("2", "3")) == 6 and score_bin(row("1", "0")) is None


def test_one_evaluator_gives_the_course_panel_mastery_and_certify_the_same_badges(
    graded: tuple[Path, str | None],
) -> None:
    """``mastery`` a chunk at a time, whole, and for one student, and the Course panel's
    evaluations from the summaries: the same statuses and shortfalls for every student."""
    root, url = graded
    with opened(root, url) as ctx:
        whole = mastery_report(ctx, chunk=1_000)
        chunked = mastery_report(ctx, chunk=5)
        panel = [e for found in badge_evaluations(ctx, chunk=7) if isinstance(found, tuple) for e in found]
        alone = {s.student_id: mastery_report(ctx, s.student_id) for s in ctx.files.students[:12]}
    assert chunked == whole
    assert [(e.student_id, e.badge_id, e.status, e.shortfalls()) for e in panel] == [
        (e.student_id, e.badge_id, e.status, e.shortfalls()) for e in whole.evaluations()
    ]
    for sid, report in alone.items():
        assert report.badges[sid] == whole.badges[sid]
    assert any(e.earned for e in panel) and any(not e.earned for e in panel)
