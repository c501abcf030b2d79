"""One list of a screen's active keys (grader.tui.active_keys) read by the key bar, `?` and the
palette: what one leaves out the others leave out, except for the stated reasons (the bar shows
only shown keys; `?` lists the grader's hidden keys too; the palette offers only what can run)."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any, ClassVar

from hostile import screen_lines
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.pilot import Pilot
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Static

from grader.gradebook.context import CourseContext
from grader.tui.active_keys import KeyedModal, active_keys
from grader.tui.app import make_app
from grader.tui.commands import ScreenCommands, same_title
from grader.tui.keymap import grader_binding_ids
from grader.tui.screens.export import OverwriteModal
from grader.tui.screens.help import HelpScreen, help_rows
from grader.tui.screens.submissions import SubmissionsScreen
from grader.tui.widgets.key_bar import KeyBar

SIZE = (120, 40)


class Owner(Static, can_focus=True):
    """A focused widget that owns its keys (as the rubric panel owns the criterion keys)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "own", "Owned", id="probe.owned", tooltip="the focused widget's key"),
        Binding("p", "own", "Owned hidden", show=False, id="probe.owned_hidden", tooltip="hidden"),
    ]

    def action_own(self) -> None: ...


class Probe(Screen[None]):
    """A key of each kind the three readers treat alike or, for a stated reason, apart."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "shown", "Shown", id="probe.shown", tooltip="a shown key"),
        Binding("y", "hidden", "Hidden", show=False, id="probe.hidden", tooltip="not on the bar"),
        Binding("z", "waiting", "Waiting", id="probe.waiting", tooltip="dimmed: cannot run yet"),
        Binding("w", "gone", "Gone", id="probe.gone", tooltip="not active at all"),
        Binding("v", "system", "System", id="probe.system", system=True),
        Binding("u", "nameless", "", id="probe.nameless"),
    ]

    def compose(self) -> ComposeResult:
        yield Owner("probe")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(Owner).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return {"waiting": None, "gone": False}.get(action, True)

    def action_shown(self) -> None: ...

    def action_hidden(self) -> None: ...


class InputModal(KeyedModal[None]):
    """A dialog whose Input takes `?` as text."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="probe.cancel", tooltip="close")
    ]

    def compose(self) -> ComposeResult:
        yield Input(id="probe-input")
        yield KeyBar()


def views(screen: Screen[Any]) -> tuple[set[str], set[str], set[str]]:
    """The descriptions the key bar, `?` and the palette show for ``screen``."""
    bar = {entry.description for entry in screen.query_one(KeyBar).entries()[0]}
    helped = {row.description for row in help_rows(screen)}
    palette = {command.title for command in ScreenCommands(screen).commands()}
    return bar, helped, palette


async def test_the_bar_help_and_palette_leave_out_the_same_keys(ctx: CourseContext) -> None:
    app = make_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = Probe()
        await app.push_screen(screen)
        await pilot.pause()
        bar, helped, palette = views(screen)
        for left_out in ("Gone", "System", ""):  # disabled by check_action, system, nameless
            assert left_out not in bar | helped | palette
        assert {"Shown", "Waiting", "Keys"} <= bar and "Hidden" not in bar  # show=False: off the bar
        assert {"Shown", "Hidden", "Waiting", "Keys"} <= helped  # the grader's hidden keys too
        assert {"Shown", "Hidden"} <= palette and "Waiting" not in palette  # only what can run
        assert "Focus Next" in palette and "Focus Next" not in helped  # Textual's own hidden keys
        assert "Owned" in bar & helped & palette, "the focused widget's keys, in all three"
        assert "Owned hidden" in helped & palette and "Owned hidden" not in bar
        keys = [key.description for key in active_keys(screen)]
        assert keys.index("Owned") < keys.index("Shown") < keys.index("Keys")
        assert set(keys[keys.index("Keys") :]) == {"Keys"}, "the help key (? and f1) last"
        assert [r.enabled for r in help_rows(screen) if r.description == "Waiting"] == [False]
        dimmed = [e for e in screen.query_one(KeyBar).entries()[0] if e.description == "Waiting"]
        assert [e.enabled for e in dimmed] == [False]


async def test_the_submissions_screen_shows_one_set_three_ways(ctx: CourseContext) -> None:
    app = make_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await until_screen(pilot, SubmissionsScreen)
        screen = app.screen
        bar, helped, palette = views(screen)
        grader_keys = {key.description for key in active_keys(screen) if key.binding_id}
        assert bar <= helped, "every key on the bar is in `?`"
        assert helped == grader_keys | bar
        enabled = {same_title(key.description) for key in active_keys(screen) if key.enabled}
        assert enabled <= {same_title(title) for title in palette}, "what can run is in the palette"
        assert {"Mark all", "Pull", "Next flagged"} <= helped & palette and not {"Mark all", "Pull"} & bar


async def test_a_dialog_shows_its_keys_and_the_help_key_last(ctx: CourseContext) -> None:
    app = make_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        modal = InputModal()
        await app.push_screen(modal)
        await pilot.pause()
        entries = modal.query_one(KeyBar).entries()[0]
        assert [(e.display, e.description) for e in entries] == [("esc", "Cancel"), ("f1", "Keys")]
        assert "f1 Keys" in screen_lines(app)[-1], "an Input takes ?: F1 is the help key there"
        assert {"Cancel", "Keys"} <= {row.description for row in help_rows(modal)}
        await pilot.press("f1")
        await until_screen(pilot, HelpScreen)
        help_screen = app.screen
        assert {row.description for row in help_screen.rows} == {"Cancel", "Keys"}
        assert " esc Close " in help_screen.query_one(KeyBar).render().plain


async def until_screen(pilot: Pilot[Any], kind: type[Screen[Any]]) -> None:
    for _ in range(200):
        await pilot.pause(0.02)
        if isinstance(pilot.app.screen, kind):
            await pilot.pause(0.1)
            return
    raise AssertionError(f"never showed {kind.__name__}")


def grader_screens() -> list[type[Screen[Any]]]:
    """Every screen and dialog class of the grader (every TUI module imported first)."""
    grader_binding_ids()
    found: list[type[Screen[Any]]] = []
    stack: list[type[Screen[Any]]] = [Screen]
    while stack:
        for sub in stack.pop().__subclasses__():
            stack.append(sub)
            if sub.__module__.startswith("grader.tui."):
                found.append(sub)
    return found


def test_every_dialog_binds_the_help_key_and_every_screen_draws_the_key_bar() -> None:
    screens = grader_screens()
    assert len(screens) > 20
    dialogs = [cls.__name__ for cls in screens if issubclass(cls, ModalScreen)]
    assert {"HelpScreen", "FilterModal", "OutputModal", "OverwriteModal"} <= set(dialogs)
    plain = [
        cls.__name__ for cls in screens if issubclass(cls, ModalScreen) and not issubclass(cls, KeyedModal)
    ]
    assert plain == [], "a dialog leaves the app's help key out unless it binds it"
    composing = [cls for cls in screens if "compose" in cls.__dict__]
    assert [c.__name__ for c in composing if "yield KeyBar()" not in inspect.getsource(c.compose)] == []


async def test_a_dialog_mounted_alone_shows_its_keys_and_help(ctx: CourseContext, tmp_path: Path) -> None:
    app = make_app(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.push_screen(OverwriteModal(tmp_path / "grades.csv"))
        await pilot.pause()
        line = app.screen.query_one(KeyBar).render().plain
        assert " y Overwrite " in line and " n Keep " in line and line.rstrip().endswith("? Keys")
