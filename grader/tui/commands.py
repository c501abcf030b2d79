"""The command palette (ctrl+p): every key of the current screen, by its description, then the
app-wide commands, then Textual's own (theme, quit…); each runs the same action its key runs.

One provider yields them all, in that order, so the screen's own actions come first (Textual
runs providers concurrently: with two, the order would be whichever answered first), and a
title is offered once ("Export" on a screen and the app's "Export…" are one command)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from grader.tui.active_keys import active_keys
from grader.tui.navigation import navigator


@dataclass(frozen=True)
class PaletteCommand:
    title: str
    help: str
    run: Callable[[], Any]


def _binding_commands(provider: Provider, *, own: bool) -> Iterator[PaletteCommand]:
    """The screen's keys that can run now (see grader.tui.active_keys): the grader's own
    (``own``: each has an id), else Textual's (focus, copy); one per title."""
    app = provider.app
    seen: set[str] = set()
    for key in active_keys(provider.screen):
        if not key.enabled or key.description in seen or bool(key.binding_id) != own:
            continue
        seen.add(key.description)
        tooltip = key.binding.tooltip
        help_text = f"{tooltip} (key: {key.display})" if tooltip else f"key: {key.display}"
        yield PaletteCommand(key.description, help_text, partial(app.run_action, key.action, key.node))


def _app_commands(provider: Provider) -> Iterator[PaletteCommand]:
    """Commands that are not keys of every screen, but are wanted from anywhere."""
    app = provider.app
    go = navigator(app)
    yield PaletteCommand("Pull all", "Fetch every student's repository for every assignment", go.start_pull)
    yield PaletteCommand("Export…", "Export grades, feedback or the report", go.open_export)
    yield PaletteCommand(
        "Open student…", "Find a student and open their grades", partial(app.run_action, "open_students")
    )


def _system_commands(provider: Provider) -> Iterator[PaletteCommand]:
    """Textual's commands (theme, quit, …) that the palette shows without a search."""
    for command in provider.app.get_system_commands(provider.screen):
        if command.discover:
            yield PaletteCommand(command.title, command.help, command.callback)


def same_title(title: str) -> str:
    """What two titles that name one command have in common ("Export" and "Export…")."""
    return title.rstrip("…. ").casefold()


class ScreenCommands(Provider):
    """Offers the current screen's bindings, then the app-wide and Textual's commands."""

    def commands(self) -> list[PaletteCommand]:
        found = list(_binding_commands(self, own=True))
        by_title = {same_title(c.title): index for index, c in enumerate(found)}
        later = [*_app_commands(self), *_system_commands(self), *_binding_commands(self, own=False)]
        for command in later:
            index = by_title.get(same_title(command.title))
            if index is None:
                by_title[same_title(command.title)] = len(found)
                found.append(command)
            elif command.title.endswith("…") and not found[index].title.endswith("…"):
                # The screen's key runs it (its help names the key); the title says a dialog opens.
                found[index] = replace(found[index], title=command.title)
        return found

    async def discover(self) -> Hits:
        for command in self.commands():
            yield DiscoveryHit(command.title, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self.commands():
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(score, matcher.highlight(command.title), command.run, help=command.help)
