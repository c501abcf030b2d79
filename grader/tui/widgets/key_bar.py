"""The screen's keys on the bottom line, like Textual's Footer, drawn by one widget.

Footer mounts a widget per key and mounts them all again whenever the screen's bindings change,
each styled by the stylesheet: about 50 ms on the first frame of the Submissions screen (11
keys), a third of what opening it costs beyond an empty app. This draws the same line in a
single render: the shown keys among those :func:`grader.tui.active_keys.active_keys` lists (the
list `?` and the palette read too: the focused widget's, the screen's and the app's, remapped
keys included), the command palette key on the right; a click on a key presses it, hovering
shows its tooltip.

When the keys do not all fit, the order of the bindings is their priority: the first ones stay,
the rest are left out, and the help key, always shown with the way back (escape), says
``? more``: how to find the keys left out.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.widget import Widget

from grader.tui.active_keys import HELP_ID, ActiveKey, active_keys, palette_key

if TYPE_CHECKING:
    from textual.binding import Binding
    from textual.screen import Screen


@dataclass(frozen=True)
class KeyEntry:
    key: str
    """The key as Textual names it (pressed on a click)."""
    display: str
    description: str
    tooltip: str
    enabled: bool
    pinned: bool = False
    """Kept on the line when the keys do not all fit (help: how to find the rest; the way back)."""
    is_help: bool = False


MORE = "more"
"""The help key's description when keys were left out."""


def is_pinned(binding: Binding) -> bool:
    """The help key and the way back stay on the line however narrow it is."""
    return binding.id == HELP_ID or binding.action == "back" or binding.key == "escape"


def _entry(key: ActiveKey, *, pinned: bool) -> KeyEntry:
    return KeyEntry(
        key.binding.key, key.display, key.description, key.tooltip, key.enabled, pinned, key.is_help
    )


class KeyBar(Widget, can_focus=False):
    """One line: `key Description` for every shown binding, then `^p palette` on the right."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "key-bar--key",
        "key-bar--description",
        "key-bar--disabled",
        "key-bar--separator",
    }
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
    }
    KeyBar > .key-bar--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeyBar > .key-bar--description {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    KeyBar > .key-bar--disabled { text-style: dim; }
    KeyBar > .key-bar--separator { color: $foreground 20%; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._spans: list[tuple[int, int, KeyEntry]] = []
        """Cells each drawn key covers, for clicks and tooltips."""

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: Screen[object]) -> None:
        self.refresh()

    def entries(self) -> tuple[list[KeyEntry], KeyEntry | None]:
        """The keys shown (one per action, in binding order) and the command palette key."""
        shown: list[KeyEntry] = []
        actions: set[str] = set()
        for key in active_keys(self.screen):
            if not key.on_key_bar or key.action in actions:
                continue
            actions.add(key.action)
            shown.append(_entry(key, pinned=is_pinned(key.binding)))
        palette = palette_key(self.screen)
        return shown, None if palette is None else _entry(palette, pinned=False)

    def render(self) -> Text:
        width = self.size.width
        key_style = self.get_component_rich_style("key-bar--key")
        description_style = self.get_component_rich_style("key-bar--description")
        disabled = self.get_component_rich_style("key-bar--disabled")
        shown, palette = self.entries()
        line = Text(no_wrap=True, end="")
        spans: list[tuple[int, int, KeyEntry]] = []
        tail = Text(no_wrap=True, end="")
        if palette is not None:
            tail.append("▏", self.get_component_rich_style("key-bar--separator"))
            tail.append(palette.display, key_style)
            tail.append(f" {palette.description} ", description_style)
        parts = [(entry, self._part(entry, key_style, description_style, disabled)) for entry in shown]
        kept = self._fitting(parts, width - tail.cell_len)
        for index, (entry, part) in enumerate(parts):
            if index not in kept:
                continue
            if entry.is_help and len(kept) < len(parts):  # some keys were left out: ? says so
                entry = replace(entry, description=MORE)
                part = self._part(entry, key_style, description_style, disabled)
            start = line.cell_len
            line.append_text(part)
            spans.append((start, line.cell_len, entry))
        if palette is not None:
            line.append(" " * max(width - tail.cell_len - line.cell_len, 0))
            spans.append((line.cell_len, line.cell_len + tail.cell_len, palette))
            line.append_text(tail)
        self._spans = spans
        return line

    @staticmethod
    def _part(entry: KeyEntry, key_style: Style, description_style: Style, disabled: Style) -> Text:
        # The key's own padded, styled cell separates the entries: no trailing space is needed.
        part = Text.assemble((f" {entry.display} ", key_style), (entry.description, description_style))
        if not entry.enabled:
            part.stylize(disabled)
        return part

    @staticmethod
    def _fitting(parts: list[tuple[KeyEntry, Text]], room: int) -> set[int]:
        """Which entries stay in ``room`` cells: the pinned ones, then the others in order until
        one does not fit (binding order is priority; a later, shorter key does not jump ahead).
        "more" is as wide as "Keys": the help key needs no more room when keys are left out."""
        kept = {index for index, (entry, _part) in enumerate(parts) if entry.pinned}
        left = room - sum(parts[index][1].cell_len for index in kept)
        for index, (entry, part) in enumerate(parts):
            if entry.pinned:
                continue
            if part.cell_len > left:
                break
            left -= part.cell_len
            kept.add(index)
        return kept

    def entry_at(self, x: int) -> KeyEntry | None:
        return next((entry for start, end, entry in self._spans if start <= x < end), None)

    def on_click(self, event: events.Click) -> None:
        entry = self.entry_at(event.x)
        if entry is None:
            return
        if entry.enabled:
            self.app.simulate_key(entry.key)
        else:
            self.app.bell()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        entry = self.entry_at(event.x)
        self.tooltip = (entry.tooltip or entry.description) if entry is not None else None
