"""`g` on the Submissions screen: the outcome groups read in a worker, made into the table's view."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.message import Message
from textual.message_pump import MessagePump

from grader.domain.errors import GraderError
from grader.gradebook.context import CourseContext
from grader.gradebook.listing import SubmissionList
from grader.tui.widgets.grouped_rows import GroupedRows, shown_groups

Groups = list[tuple[str, tuple[str, ...]]]
"""(outcome signature, student ids), largest group first, as the gradebook gives them."""


@dataclass
class GroupsRead(Message):
    groups: Groups
    view: GroupedRows
    """The rows grouped, for the filter ``filtered`` (built in the worker: 100,000 rows take a
    moment the UI thread need not spend)."""
    filtered: Sequence[int] | None


@dataclass
class GroupsRefused(Message):
    message: str


def read_groups(
    target: MessagePump, ctx: CourseContext, listing: SubmissionList, filtered: Sequence[int] | None
) -> None:
    """The assignment's outcome groups (one read of its results) and the rows grouped, posted to
    ``target``."""
    from grader.gradebook.autograde import outcome_groups

    try:
        found = outcome_groups(ctx, listing.assignment_id)
    except GraderError as error:
        target.post_message(GroupsRefused(str(error)))
        return
    groups = [(group.signature, tuple(group.student_ids)) for group in found]
    target.post_message(GroupsRead(groups, grouped_view(groups, listing, filtered), filtered))


def grouped_view(groups: Groups, listing: SubmissionList, filtered: Sequence[int] | None) -> GroupedRows:
    """The table's rows grouped: only what the filter keeps (None: everyone), largest group first."""
    return GroupedRows(shown_groups(groups, listing.position_of, filtered, len(listing)))


def groups_line(view: GroupedRows) -> str:
    count = len(view.groups)
    return f"{count:,} outcome group{'s' if count != 1 else ''} (g: list)"
