"""Paths the sandbox's uid may not open (a pyenv under /root, mode 0700), shown all the same.

bwrap finds each path it binds as the uid it runs as. When grader is root, bwrap runs as
SANDBOX_UID (so the processes limit applies), and a path behind a folder closed to other users
is first bound, as root, onto a "view" folder inside the run's own folder, in a private mount
namespace that only this run's bwrap inherits; bwrap then binds the view, read-only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from grader.sandbox.layout import RunFolder, open_to_others

# Fixed text: the pairs and the command arrive as positional parameters, never in the script.
SCRIPT = 'while [ "$1" != "--" ]; do mount --bind "$1" "$2" || exit 125; shift 2; done; shift; exec "$@"'


def views_for(folder: RunFolder, paths: Iterable[Path]) -> dict[Path, Path]:
    """A view folder (made here, empty) for each path the sandbox's uid could not reach."""
    closed = [path for path in paths if not open_to_others(path)]
    if folder.owner is None or not closed:
        return {}
    root = folder.path / "views"
    root.mkdir(mode=0o755)
    views = {}
    for number, path in enumerate(closed):
        view = root / str(number)
        if path.is_dir():
            view.mkdir(mode=0o755)
        else:
            view.touch(mode=0o644)
        views[path] = view
    return views


def through_views(
    tools: dict[str, str], views: dict[Path, Path], owner: int, command: Sequence[str]
) -> list[str]:
    """``command`` run as ``owner`` after the views are bound, in a mount namespace of its own."""
    pairs = [str(part) for path, view in views.items() for part in (path, view)]
    drop = [tools["setpriv"], "--reuid", str(owner), "--regid", str(owner), "--clear-groups", "--"]
    mounting = [tools["unshare"], "--mount", "--propagation", "private", "--"]
    return [*mounting, "/bin/sh", "-c", SCRIPT, "grader-views", *pairs, "--", *drop, *command]
