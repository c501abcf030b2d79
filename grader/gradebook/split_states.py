"""Where each roster student's submission of one assignment stands, for the work split: read
from the per-submission summaries (one query), those not at the current stamp recomputed."""

from __future__ import annotations

from collections.abc import Iterator

from grader.domain.progress import Progress
from grader.gradebook.context import CourseContext
from grader.gradebook.status import EXCUSED, GRADED, IN_PROGRESS
from grader.gradebook.summary import nothing_saved, recompute, refresh_stale, summary_spec

STARTED = frozenset({IN_PROGRESS, GRADED, EXCUSED})
"""A submission whose grading began (a manual criterion scored), ended, or is not needed
(excused): it keeps its grader when the work is split again."""
DONE = frozenset({GRADED, EXCUSED})
"""A submission that counts as done in a grader's progress."""


def roster_statuses(
    ctx: CourseContext, assignment_id: str, *, refresh: bool
) -> Iterator[Progress | dict[str, str]]:
    """Progress (with ``refresh``: while stale summaries are recomputed and saved), then each
    roster student's status (``grader.gradebook.status.STATUSES``), in roster order.

    A summary still not at the current stamp (another grader's course files differ, or no
    ``refresh``) is computed in memory; one whose choices the rubric cannot hold counts as
    started, as it has choices.
    """
    spec = summary_spec(ctx, assignment_id)
    if refresh:
        yield from refresh_stale(ctx, spec)
    stored = ctx.store.summary_states(assignment_id)
    roster = [s.student_id for s in ctx.files.students]
    stale = [sid for sid in roster if sid in stored and stored[sid][0] != spec.stamp]
    computed = recompute(ctx, spec, stale) if stale else {}
    untouched = nothing_saved(spec).status
    statuses: dict[str, str] = {}
    for sid in roster:
        found = stored.get(sid)
        if found is None:
            statuses[sid] = untouched
        elif found[0] == spec.stamp:
            statuses[sid] = found[1]
        else:
            again = computed.get(sid)
            statuses[sid] = again.status if again is not None else IN_PROGRESS
    yield statuses
