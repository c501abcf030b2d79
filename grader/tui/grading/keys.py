"""The keys of the Grading and Second marking screens and of their rubric panels: every one a
Binding with a stable id and a tooltip (remappable from keys.toml by id).

The criterion keys (digits, 0, enter, j/k, p, o) are the rubric panel's: it owns the focused
criterion they act on, and while it has focus its bindings come first. Each screen binds them
too, forwarding to the panel, so they still act while the code or the file tree has focus (on a
narrow terminal the code takes the rubric's place). Their ids name the screen the panel is on
(``grading.choose_1``, ``second-marking.choose_1``): one keys.toml line remaps both bindings.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType


def viewer_bindings(screen: str) -> list[BindingType]:
    """The viewer's keys on ``screen`` (ids ``SCREEN.zoom_viewer`` …), remappable like the rest."""
    return [  # v first: on a narrow terminal it is the key that shows the code at all
        Binding("v", "switch_pane", "Code/rubric", id=f"{screen}.switch_pane",
                tooltip="On a narrow terminal: show the code in place of the rubric, or the rubric again"),
        Binding("z", "zoom_viewer", "Zoom code", id=f"{screen}.zoom_viewer",
                tooltip="Show the code full screen, or back beside the rubric (escape also goes back)"),
        Binding("w", "toggle_wrap", "Wrap", id=f"{screen}.toggle_wrap",
                tooltip="Soft-wrap long lines in the viewer, or scroll them sideways"),
        Binding("t", "toggle_files", "Files", id=f"{screen}.toggle_files",
                tooltip="Show the submission's file tree (to open another file), or hide it"),
    ]  # fmt: skip


def choose_bindings(
    screen: str, tooltip: str = "Choose level {n} of the focused criterion, or toggle its checklist item {n}"
) -> list[BindingType]:
    """The digit keys 1-9 of a panel that chooses levels and ticks items (ids ``SCREEN.choose_N``)."""
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


def moves_bindings(screen: str, which: str = "") -> list[BindingType]:
    """j/k (and the arrows): the focus to the next or previous criterion."""
    return [
        Binding("j,down", "move(1)", "Next criterion", show=False, id=f"{screen}.next_criterion",
                tooltip=f"Focus the next {which}criterion"),
        Binding("k,up", "move(-1)", "Previous criterion", show=False, id=f"{screen}.previous_criterion",
                tooltip=f"Focus the previous {which}criterion"),
    ]  # fmt: skip


PANEL_ACTIONS = frozenset({"choose", "none_apply", "confirm", "move", "points", "output"})
"""The rubric panel's actions (each screen forwards them to it while another pane has focus)."""

GRADING_PANEL_BINDINGS: list[BindingType] = [
    *choose_bindings("grading"),
    # `0` and `enter` are hinted beside the checklist itself; the key bar keeps room for `?`.
    Binding("0", "none_apply", "None applies", show=False, id="grading.none_applies",
            tooltip="On a checklist: no item applies (saves and moves on)"),
    Binding("enter", "confirm", "Confirm", show=False, id="grading.confirm",
            tooltip="On a checklist: confirm the ticks (each saved already), move on; points: type them"),
    *moves_bindings("grading"),
    Binding("p", "points", "Points", show=False, id="grading.points",
            tooltip="Type the focused criterion's points (on an autograded one: an override of the run)"),
    Binding("o", "output", "Output", show=False, id="grading.output",
            tooltip="Show the output of the focused autograded criterion's latest run"),
]  # fmt: skip

SECOND_MARKING_PANEL_BINDINGS: list[BindingType] = [
    *choose_bindings(
        "second-marking", "Second mark: level {n} of the focused criterion, or toggle its checklist item {n}"
    ),
    Binding("0", "none_apply", "None applies", show=False, id="second-marking.none_applies",
            tooltip="On a checklist: no item applies (saves a second mark and moves on)"),
    Binding("enter", "confirm", "Confirm", show=False, id="second-marking.confirm",
            tooltip="On a checklist: confirm the ticks (each saved already), move on; points: type them"),
    Binding("p", "points", "Points", show=False, id="second-marking.points",
            tooltip="Type the focused points criterion's second mark"),
    *moves_bindings("second-marking", "manual "),
]  # fmt: skip

_SWITCH_PANE, *_VIEWER = viewer_bindings("grading")
"""``v`` (only on a narrow terminal, where it is how the code is shown at all) early on the key
bar; the viewer's other keys after the moves between submissions."""

GRADING_BINDINGS: list[BindingType] = [
    # First of the screen's keys, and only while saving fails (check_action): the way on that
    # loses nothing.
    Binding("r", "retry_saves", "Retry saving", id="grading.retry_saves",
            tooltip="After a failed save: send every choice not saved again, in the order made"),
    *GRADING_PANEL_BINDINGS,  # forwarded to the panel while another pane has focus
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

SECOND_MARKING_BINDINGS: list[BindingType] = [
    *SECOND_MARKING_PANEL_BINDINGS,  # forwarded to the panel while another pane has focus
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
