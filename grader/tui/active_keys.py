"""The keys active on a screen now, listed once for the key bar, the command palette and `?`.

One list: ``Screen.active_bindings`` (the focused widget's keys, then its containers', the
screen's and, off a modal, the app's; remapped keys included; a key a focused Input takes as
text left out), without Textual's system keys, keys without a description, and the palette and
ctrl+c keys. Each reader then shows its part of it, for a stated reason:

- the key bar: the keys shown (``Binding.show``), one per action;
- `?`: the grader's keys (each has an id, remappable) and any other shown key; Textual's own
  hidden keys (focus, copy, cursor movement) are not the grader's keys;
- the palette: the keys that can run now (enabled), one per title.

The help key is the app's; a modal screen leaves the app's keys out of its active bindings, so
every modal is a :class:`KeyedModal`, whose own binding of it (same id, same keys) keeps `?` one
key away there too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual.binding import Binding, BindingType
from textual.screen import ModalScreen

if TYPE_CHECKING:
    from textual.dom import DOMNode
    from textual.screen import Screen

HELP_ID = "app.help"
HELP = Binding(
    "question_mark,f1",
    "app.help",
    "Keys",
    id=HELP_ID,
    tooltip="Show the keys of this screen",
    # priority: `?` works under any focus; a focused Input still takes `?` as text, so F1 stands
    # in there (the key bar then shows it: help is always one key away)
    priority=True,
)
LEFT_OUT_ACTIONS = frozenset({"command_palette", "app.command_palette", "help_quit", "app.help_quit"})
"""The palette's own key (the key bar shows it apart, on the right) and ctrl+c's hint."""

ResultType = TypeVar("ResultType")


@dataclass(frozen=True)
class ActiveKey:
    key: str
    """The key as Textual names it (pressed on a click)."""
    display: str
    """The key as shown (remapped keys included)."""
    binding: Binding
    node: DOMNode
    """Where its action runs."""
    enabled: bool
    tooltip: str

    @property
    def description(self) -> str:
        return self.binding.description

    @property
    def action(self) -> str:
        return self.binding.action

    @property
    def binding_id(self) -> str:
        """What keys.toml calls it ("" for Textual's own keys)."""
        return self.binding.id or ""

    @property
    def on_key_bar(self) -> bool:
        return self.binding.show

    @property
    def in_help(self) -> bool:
        """The grader's keys (shown or not) and any shown key: not Textual's hidden ones."""
        return self.binding.show or bool(self.binding.id)

    @property
    def is_help(self) -> bool:
        return self.binding.id == HELP_ID


def active_keys(screen: Screen[Any]) -> list[ActiveKey]:
    """Every key active on ``screen`` now, in binding order (the focused widget's first), the
    help key last (where the app's keys come, also on a modal, which binds it first)."""
    app = screen.app
    keys: list[ActiveKey] = []
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if binding.system or not binding.description or binding.action in LEFT_OUT_ACTIONS:
            continue
        display = app.get_key_display(binding) or key
        keys.append(ActiveKey(key, display, binding, active.node, active.enabled, active.tooltip))
    return [key for key in keys if not key.is_help] + [key for key in keys if key.is_help]


def palette_key(screen: Screen[Any]) -> ActiveKey | None:
    """The command palette's key, when it is active on ``screen``."""
    app = screen.app
    active = screen.active_bindings.get(app.COMMAND_PALETTE_BINDING)
    if not app.ENABLE_COMMAND_PALETTE or active is None:
        return None
    binding = active.binding
    tooltip = binding.tooltip or binding.description
    return ActiveKey(binding.key, app.get_key_display(binding), binding, active.node, active.enabled, tooltip)


class KeyedModal(ModalScreen[ResultType]):
    """A dialog: its own keys, and the help key (a modal leaves the app's keys out)."""

    BINDINGS: ClassVar[list[BindingType]] = [HELP]
