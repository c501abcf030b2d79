"""The command palette (ctrl+p): every key of the current screen, by its description, plus the
app-wide commands; each runs the same action its key runs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from grader.tui.navigation import navigator

HIDDEN_ACTIONS = frozenset({"command_palette", "app.command_palette", "help_quit", "app.help_quit"})


@dataclass(frozen=True)
class PaletteCommand:
    title: str
    help: str
    run: Callable[[], Any]


def _binding_commands(provider: Provider) -> Iterator[PaletteCommand]:
    app, screen = provider.app, provider.screen
    seen: set[str] = set()
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if binding.system or not binding.description or binding.action in HIDDEN_ACTIONS:
            continue
        if not active.enabled or binding.description in seen:
            continue
        seen.add(binding.description)
        shown_key = app.get_key_display(binding) or key
        help_text = f"{binding.tooltip} (key: {shown_key})" if binding.tooltip else f"key: {shown_key}"
        yield PaletteCommand(
            binding.description, help_text, partial(app.run_action, binding.action, active.node)
        )


def _app_commands(provider: Provider) -> Iterator[PaletteCommand]:
    """Commands that are not keys of every screen, but are wanted from anywhere."""
    app = provider.app
    go = navigator(app)
    yield PaletteCommand("Pull all", "Fetch every student's repository for every assignment", go.start_pull)
    yield PaletteCommand("Export…", "Export grades, feedback or the report", go.open_export)
    yield PaletteCommand(
        "Open student…", "Find a student and open their grades", partial(app.run_action, "open_students")
    )


class ScreenCommands(Provider):
    """Offers the current screen's bindings and the app-wide commands to the palette."""

    def commands(self) -> list[PaletteCommand]:
        found = list(_binding_commands(self))
        titles = {c.title for c in found}
        found.extend(c for c in _app_commands(self) if c.title not in titles)
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
