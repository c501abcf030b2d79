"""The grading screen's keys: every one a Binding with a stable id and a tooltip (remappable)."""

from __future__ import annotations

from textual.binding import Binding, BindingType

from grader.tui.screens.viewer_panes import viewer_bindings


def choose_bindings(
    screen: str, tooltip: str = "Choose level {n} of the focused criterion, or toggle its checklist item {n}"
) -> list[BindingType]:
    """The digit keys 1-9 of a screen that chooses levels and ticks items (ids ``SCREEN.choose_N``)."""
    return [
        Binding(
            str(n),
            f"choose({n})",
            "Choose" if n == 1 else f"Choose {n}",
            show=n == 1,
            key_display="1-9" if n == 1 else None,
            id=f"{screen}.choose_{n}",
            tooltip=tooltip.format(n=n),
        )
        for n in range(1, 10)
    ]


_SWITCH_PANE, *_VIEWER = viewer_bindings("grading")
"""``v`` (only on a narrow terminal, where it is how the code is shown at all) early on the key
bar; the viewer's other keys after the moves between submissions."""

GRADING_BINDINGS: list[BindingType] = [
    # First in the footer, and only while saving fails (check_action): the way on that loses nothing.
    Binding("r", "retry_saves", "Retry saving", id="grading.retry_saves",
            tooltip="After a failed save: send every choice not saved again, in the order made"),
    *choose_bindings("grading"),
    # `0` and `enter` are hinted beside the checklist itself; the footer keeps room for `?`.
    Binding("0", "none_apply", "None applies", show=False, id="grading.none_applies",
            tooltip="On a checklist: no item applies (saves and moves on)"),
    Binding("enter", "confirm", "Confirm", show=False, id="grading.confirm",
            tooltip="On a checklist: confirm the ticks (each saved already), move on; points: type them"),
    Binding("j,down", "move(1)", "Next criterion", show=False, id="grading.next_criterion",
            tooltip="Focus the next criterion"),
    Binding("k,up", "move(-1)", "Previous criterion", show=False, id="grading.previous_criterion",
            tooltip="Focus the previous criterion"),
    Binding("p", "points", "Points", show=False, id="grading.points",
            tooltip="Type the focused criterion's points (on an autograded one: an override of the run)"),
    Binding("o", "output", "Output", show=False, id="grading.output",
            tooltip="Show the output of the focused autograded criterion's latest run"),
    Binding("A", "autograde", "Autograde", show=False, id="grading.autograde",
            tooltip="Run this submission's autograded checks (again); escape cancels"),
    # The key bar's order is its priority: at 80 columns the first ones stay (with esc and ?).
    Binding("n", "next_ungraded", "Next ungraded", id="grading.next_ungraded",
            tooltip="Open the next submission (roster order) that is not graded yet"),
    _SWITCH_PANE,
    Binding("d", "diff", "Diff", id="grading.diff",
            tooltip="Cycle the viewer: file, diff against the starter, diff against the previous commit"),
    Binding("a", "adjust", "Adjust", id="grading.adjust",
            tooltip="Add or take off points on the focused criterion, with a required comment"),
    Binding("m", "comment", "Comment", id="grading.comment", tooltip="Comment on the focused criterion"),
    Binding("f", "flag", "Flag", id="grading.flag",
            tooltip="Flag this submission with a note (an empty note clears it)"),
    Binding("u", "undo", "Undo", id="grading.undo", tooltip="Undo your last choice in this assignment"),
    Binding("h", "history", "History", show=False, id="grading.history",
            tooltip="This submission's history: every change and refused attempt, newest first"),
    Binding("right_square_bracket", "step(1)", "Next", key_display="]", id="grading.next_submission",
            tooltip="Open the next submission in roster order"),
    Binding("left_square_bracket", "step(-1)", "Previous", key_display="[",
            id="grading.previous_submission", tooltip="Open the previous submission in roster order"),
    *_VIEWER,
    Binding("tab", "cycle_panes", "Panes", show=False, id="grading.cycle_panes",
            tooltip="Move between the file tree, the viewer and the rubric"),
    Binding("T", "take_over", "Take over", show=False, id="grading.take_over",
            tooltip="Read-only while another grader grades it: take their claim over (audited)"),
    Binding("escape", "back", "Back", id="grading.back",
            tooltip="Back to the previous screen (while autograding: cancel the run)"),
]  # fmt: skip
