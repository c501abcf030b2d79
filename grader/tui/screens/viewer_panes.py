"""The panes of a screen that shows a submission's code beside the rubric, fitted to the terminal.

At 140 columns and more: files | viewer | rubric. From 100: viewer | rubric, the file tree shown on
request. Below 100 one pane at a time, the rubric or the code, flipped with a key. On every width
the viewer can fill the screen (and back) and wrap long lines.

The screen composes a ``SubmissionFiles`` (``#submission-files``: ``#files`` and ``#viewer``) and a
``RubricPanel`` in a container of its own (given the class ``rubric-pane``); it binds the actions
below to its keys (``grader.tui.grading.keys.viewer_bindings``).
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.binding import BindingType
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Tree

from grader.tui.widgets.file_viewer import FileViewer
from grader.tui.widgets.rubric_panel import RubricPanel

WIDE, NARROW = 140, 100
"""From WIDE columns the file tree shows beside the viewer; below NARROW the panes take turns."""
VIEWER_ACTIONS = frozenset({"zoom_viewer", "toggle_wrap", "switch_pane", "toggle_files"})


def width_class(columns: int) -> str:
    """The layout for a terminal ``columns`` wide: ``-wide``, ``-medium`` or ``-narrow``."""
    return "-wide" if columns >= WIDE else "-medium" if columns >= NARROW else "-narrow"


class ViewerPanes(Screen[None]):
    """A base of screens showing code beside the rubric: the layout classes and the viewer's keys."""

    BINDINGS: ClassVar[list[BindingType]] = []  # the screen binds viewer_bindings with its own ids
    ALLOW_IN_MAXIMIZED_VIEW: ClassVar[str | None] = "Footer, KeyBar, Static"
    """The header and the save warning stay above the full-screen code, the keys below it."""
    DEFAULT_CSS = """
    ViewerPanes #submission-files { width: 1fr; }
    ViewerPanes #files { width: 25%; min-width: 16; max-width: 28; border-right: solid $primary-background; }
    ViewerPanes #viewer { width: 1fr; }
    ViewerPanes .rubric-pane {
        width: 38%; min-width: 34; max-width: 64; border-left: solid $primary-background;
    }
    ViewerPanes.-medium .rubric-pane { width: 40%; max-width: 56; }
    ViewerPanes.-medium #files, ViewerPanes.-narrow #files { display: none; }
    ViewerPanes.-narrow #files { width: 35%; max-width: 28; }
    ViewerPanes.-files-shown #files { display: block; }
    ViewerPanes.-files-hidden #files { display: none; }
    ViewerPanes.-narrow .rubric-pane { width: 1fr; max-width: 100%; border-left: none; }
    ViewerPanes.-narrow #submission-files { display: none; }
    ViewerPanes.-narrow.-code-pane #submission-files { display: block; }
    ViewerPanes.-narrow.-code-pane .rubric-pane { display: none; }
    ViewerPanes.-maximized-view #submission-files { display: block; }
    ViewerPanes.-maximized-view .rubric-pane, ViewerPanes.-maximized-view #files { display: none; }
    """

    code_pane = False
    """Below NARROW columns: the code shows (else the rubric)."""
    _before_zoom: Widget | None = None

    @property
    def narrow(self) -> bool:
        return self.has_class("-narrow")

    def files_visible(self) -> bool:
        """The file tree is on the screen (from the layout classes: styles update later)."""
        if self.has_class("-files-shown"):
            return not self.narrow or self.code_pane
        return self.has_class("-wide") and not self.has_class("-files-hidden")

    def on_mount(self) -> None:
        rubric_side = self.query_one(RubricPanel).parent
        if isinstance(rubric_side, Widget):
            rubric_side.add_class("rubric-pane")

    def on_resize(self, event: events.Resize) -> None:
        shown = width_class(event.size.width)
        if not self.has_class(shown):
            self.remove_class("-wide", "-medium", "-narrow")
            self.add_class(shown)
            self.remove_class("-files-shown", "-files-hidden")  # each width its own default

    def viewer_allows(self, action: str) -> bool:
        """``switch_pane`` only while the panes take turns; the others always."""
        return action != "switch_pane" or self.narrow

    def _show_code_pane(self, shown: bool) -> None:
        self.code_pane = shown
        self.set_class(shown, "-code-pane")
        target: Widget = self.query_one(FileViewer) if shown else self.query_one(RubricPanel)
        target.focus()

    def action_switch_pane(self) -> None:
        """Below NARROW columns: the code in place of the rubric, or back."""
        if self.narrow:
            self._show_code_pane(not self.code_pane)

    def action_toggle_files(self) -> None:
        """Show the file tree (focused, to open another file) or hide it."""
        if self.narrow and not self.code_pane:
            self._show_code_pane(True)
            shown = True
        else:
            shown = not self.files_visible()
        self.remove_class("-files-shown", "-files-hidden")
        self.add_class("-files-shown" if shown else "-files-hidden")
        if shown:
            self.query_one("#files", Tree).focus()
        elif self.narrow:
            self.query_one(FileViewer).focus()
        else:
            self.query_one(RubricPanel).focus()

    # The rubric panel's keys while another pane (the code, the file tree) has focus: the same
    # bindings (grader.tui.grading.keys), acting on the panel's focused criterion.

    def action_choose(self, n: int) -> None:
        self.query_one(RubricPanel).action_choose(n)

    def action_none_apply(self) -> None:
        self.query_one(RubricPanel).action_none_apply()

    def action_confirm(self) -> None:
        self.query_one(RubricPanel).action_confirm()

    def action_move(self, step: int) -> None:
        self.query_one(RubricPanel).action_move(step)

    def action_points(self) -> None:
        self.query_one(RubricPanel).action_points()

    def action_output(self) -> None:
        self.query_one(RubricPanel).action_output()

    def action_toggle_wrap(self) -> None:
        viewer = self.query_one(FileViewer)
        viewer.wrap = not viewer.wrap

    def action_zoom_viewer(self) -> None:
        """The viewer fills the screen (header and keys stay), or goes back to its pane."""
        if self.maximized is not None:
            self.minimize()
            return
        viewer = self.query_one(FileViewer)
        body = viewer.parent.parent if viewer.parent is not None else None
        if not isinstance(body, Widget):
            return
        self._before_zoom = self.focused
        viewer.focus()
        # The panes' container, not the viewer: a direct child of the screen keeps its place
        # below the header (a maximized descendant would be drawn first, above it).
        self.maximized = body

    def watch_maximized(self, maximized: Widget | None) -> None:
        """Back from full screen (by key or escape): the focus returns where it was."""
        if maximized is not None:
            return
        before, self._before_zoom = self._before_zoom, None
        if before is not None and before.is_attached and before.display:
            before.focus()
