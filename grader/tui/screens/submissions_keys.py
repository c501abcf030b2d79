"""The Submissions screen's keys: every one a Binding with a stable id and a tooltip (remappable)."""

from __future__ import annotations

from textual.binding import Binding, BindingType

SUBMISSIONS_BINDINGS: list[BindingType] = [
    Binding("enter", "grade", "Grade", id="submissions.grade", tooltip="Grade the selected submission"),
    Binding("n", "next_ungraded", "Next ungraded", id="submissions.next_ungraded",
            tooltip="Grade the first submission from the cursor on that still needs grading"),
    Binding("slash", "search", "Search", id="submissions.search",
            tooltip="Search by id, name or handle; filter by status, flagged, late, grader"),
    Binding("M", "mine", "Mine", show=False, id="submissions.mine",
            tooltip="Only the submissions the work split gives you (grader assign); again: everyone's"),
    Binding("space", "mark", "Mark ↓", id="submissions.mark",
            tooltip="Mark or unmark the selected row, then move down; on a group's header, the whole group"),
    # `*`, `F`, `P` and `e`: in `?` and the palette (the Course screen pulls and exports too); the
    # footer keeps room for this screen's workflow (autograde, group, batch), `escape` and `?`
    Binding("asterisk", "mark_all", "Mark all", show=False, id="submissions.mark_all",
            tooltip="Mark every shown row; when every shown row is marked already, clear all marks"),
    Binding("P", "pull", "Pull", show=False, id="submissions.pull",
            tooltip="Pull the marked submissions (or all when none is marked)"),
    Binding("A", "autograde", "Autograde", id="submissions.autograde",
            tooltip="Run the autograded criteria's checks: the selected, the marked or all submissions"),
    Binding("g", "group", "Group", id="submissions.group",
            tooltip="Group the rows by autograde outcome (the same failing tests), largest group first; "
            "again: the plain list"),
    Binding("B", "batch", "Batch", id="submissions.batch",
            tooltip="Apply one rubric choice to every marked submission, each its own grade event"),
    Binding("c", "by_criterion", "By criterion", id="submissions.by_criterion",
            tooltip="Grade one criterion across every submission"),
    Binding("F", "next_flagged", "Next flagged", show=False, id="submissions.next_flagged",
            tooltip="Move to the next flagged submission"),
    Binding("S", "similarity", "Similar", show=False, id="submissions.similarity",
            tooltip="Similar submissions: pairs by similarity, side by side, verdicts"),
    Binding("e", "export", "Export", show=False, id="submissions.export",
            tooltip="Export this assignment's grades"),
    Binding("escape", "back", "Back", id="submissions.back",
            tooltip="Back to the course (while autograding: cancel the run)"),
]  # fmt: skip
