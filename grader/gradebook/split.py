"""`grader assign`: split an assignment's grading across a team, again when graders join or
leave, or remove the split; each run audited (the rules are in grader.domain.split).

"Started" is decided by the gradebook's status (grader.gradebook.split_states.STARTED): a
submission in progress, graded or excused keeps its grader; a criterion keeps its grader once
any submission has a level, items or points for it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from grader.domain.errors import GraderError
from grader.domain.events import AuditEntry
from grader.domain.progress import Progress
from grader.domain.split import SplitMode, SplitPlan, StoredSplit, WorkItem, plan_split
from grader.gradebook.context import CourseContext, utc_now
from grader.gradebook.split_states import STARTED, roster_statuses
from grader.gradebook.summary import counted_rubric


@dataclass(frozen=True)
class Proposal:
    """A split computed for an assignment, and the split in force it was computed from."""

    plan: SplitPlan
    previous: StoredSplit | None


def propose_split(
    ctx: CourseContext, assignment_id: str, team: Sequence[str], mode: SplitMode
) -> Iterator[Progress | Proposal]:
    """Progress (while stale summaries are brought up to date), then the proposed split."""
    ctx.files.rubric(assignment_id)  # names the known assignments when it is not one
    previous = ctx.store.work_split(assignment_id)
    if mode is SplitMode.CRITERIA:
        items = _criteria(ctx, assignment_id, previous)
    else:
        statuses: dict[str, str] = {}
        for step in roster_statuses(ctx, assignment_id, refresh=True):
            if isinstance(step, Progress):
                yield step
            else:
                statuses = step
        items = _submissions(ctx, assignment_id, statuses, previous)
    yield Proposal(plan_split(assignment_id, mode, team, items), previous)


def _submissions(
    ctx: CourseContext, assignment_id: str, statuses: dict[str, str], previous: StoredSplit | None
) -> list[WorkItem]:
    last = ctx.store.last_graders(assignment_id)
    before = previous.owners if previous is not None and previous.mode is not SplitMode.CRITERIA else {}
    return [
        WorkItem(
            s.student_id,
            started=statuses[s.student_id] in STARTED,
            last_grader=last.get(s.student_id, ""),
            previous=before.get(s.student_id, ""),
            section=s.section,
        )
        for s in ctx.files.students
    ]


def _criteria(ctx: CourseContext, assignment_id: str, previous: StoredSplit | None) -> list[WorkItem]:
    """The rubric's manually graded criteria (autograded ones go to nobody), in rubric order."""
    rubric, _ = counted_rubric(ctx, assignment_id)
    if not rubric.manual_criteria:
        raise GraderError(
            f"{assignment_id}'s rubric has no manually graded criterion to split (autograded "
            "criteria need no grader): split the submissions instead (without --by-criterion)"
        )
    graders = ctx.store.criterion_graders(assignment_id)
    before = previous.owners if previous is not None and previous.mode is SplitMode.CRITERIA else {}
    items = []
    for criterion in rubric.manual_criteria:
        counts = graders.get(criterion.id, {})
        most = max(counts.values(), default=0)
        last = min((g for g, n in counts.items() if n == most), default="")
        items.append(WorkItem(criterion.id, bool(counts), last, before.get(criterion.id, "")))
    return items


def save_split(ctx: CourseContext, proposal: Proposal) -> AuditEntry:
    """Put the proposed split in force, audited with its graders and counts; refused when
    another run changed the split since it was proposed."""
    plan = proposal.plan
    shares = plan.shares()
    details: dict[str, object] = {
        "assignment": plan.assignment_id,
        "mode": plan.mode.value,
        "graders": list(plan.team),
        "assigned": {s.grader: s.assigned for s in shares},
        "started": {s.grader: s.started for s in shares},
        "moved": plan.moved,
    }
    return ctx.store.replace_split(
        plan.assignment_id,
        plan.mode,
        plan.owners,
        based_on=proposal.previous,
        details=details,
        actor=ctx.actor,
        now=utc_now(),
    )


def clear_split(ctx: CourseContext, assignment_id: str) -> StoredSplit | None:
    """Remove the assignment's split (audited); the split removed, or None when there was none."""
    ctx.files.rubric(assignment_id)
    return ctx.store.clear_split(assignment_id, actor=ctx.actor, now=utc_now())
