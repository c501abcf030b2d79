"""The blind second-marking screen's keys: choosing a second mark and moving about, nothing that
touches a grade (no adjust, comment, flag, undo, history, claims or autograde)."""

from __future__ import annotations

from textual.binding import Binding, BindingType

from grader.tui.screens.grading_keys import choose_bindings
from grader.tui.screens.viewer_panes import viewer_bindings

SECOND_MARKING_BINDINGS: list[BindingType] = [
    *choose_bindings(
        "second-marking", "Second mark: level {n} of the focused criterion, or toggle its checklist item {n}"
    ),
    Binding("0", "none_apply", "None applies", show=False, id="second-marking.none_applies",
            tooltip="On a checklist: no item applies (saves a second mark and moves on)"),
    Binding("enter", "confirm", "Confirm", show=False, id="second-marking.confirm",
            tooltip="On a checklist: confirm the ticks (each saved already), move on; points: type them"),
    Binding("p", "points", "Points", show=False, id="second-marking.points",
            tooltip="Type the focused points criterion's second mark"),
    Binding("j,down", "move(1)", "Next criterion", show=False, id="second-marking.next_criterion",
            tooltip="Focus the next manual criterion"),
    Binding("k,up", "move(-1)", "Previous criterion", show=False, id="second-marking.previous_criterion",
            tooltip="Focus the previous manual criterion"),
    Binding("n", "next_to_mark", "Next to mark", id="second-marking.next",
            tooltip="Open the next submission in your moderation queue still to second-mark"),
    Binding("d", "diff", "Diff", id="second-marking.diff",
            tooltip="Cycle the viewer: file, diff against the starter, diff against the previous commit"),
    *viewer_bindings("second-marking"),
    Binding("tab", "cycle_panes", "Panes", show=False, id="second-marking.cycle_panes",
            tooltip="Move between the file tree, the viewer and the rubric"),
    Binding("escape", "back", "Back", id="second-marking.back",
            tooltip="Back to the moderation queue (once every second mark chosen is saved)"),
]  # fmt: skip
