"""Remapped keys: TOML files mapping binding ids to keys, checked before App.set_keymap applies them.

Files are read in this order; a later file overrides an earlier one binding by binding:

1. ``$XDG_CONFIG_HOME/grader/keys.toml`` (else ``~/.config/grader/keys.toml``): the grader's own keys;
2. ``.grader/keys.toml`` in the course folder: keys for this course on this machine;
3. the file given with ``--keys`` (``keymap_path``), when there is one.

A file holds a ``[keys]`` table: ``"submissions.next_ungraded" = "N"`` or a list of keys
(``["N", "ctrl+n"]``). A bad line is reported (file, line, id, why) and skipped; the rest applies.

A binding id is ``screen.action``: the screen as its name is written (``second-marking``), then
the action in snake_case (``next_criterion``). An id written with hyphens after the dot (the
spelling before ids were made uniform: ``grading.next-ungraded``) is read as its snake_case
form, with a note asking to rename it.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import REPLACED_KEYS, Keys, key_to_character

FILE_NAME = "keys.toml"
MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
NAMED_KEYS = frozenset(k.value for k in Keys if "+" not in k.value) | {"space", "enter", "tab", "escape"}


@dataclass(frozen=True)
class KeymapProblem:
    path: Path
    line: int
    binding_id: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.binding_id}: {self.reason}" if self.binding_id else f"{where}: {self.reason}"


@dataclass
class LoadedKeymap:
    keymap: dict[str, str] = field(default_factory=dict)
    """Binding id -> comma-separated keys, as App.set_keymap takes them."""
    lines: dict[str, tuple[Path, int]] = field(default_factory=dict)
    """Where each binding id was last set, to name it in later errors."""
    problems: list[KeymapProblem] = field(default_factory=list)
    notes: list[KeymapProblem] = field(default_factory=list)
    """Lines that applied but should be rewritten (an old spelling of an id)."""


def config_paths(course_root: Path | None, explicit: Path | None = None) -> list[Path]:
    """Every keys file that may apply, lowest precedence first (see the module docstring)."""
    config_home = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    paths = [Path(config_home) / "grader" / FILE_NAME]
    if course_root is not None:
        paths.append(course_root / ".grader" / FILE_NAME)
    if explicit is not None:
        paths.append(explicit)
    return paths


def key_problem(key: str) -> str | None:
    """Why ``key`` is not a key Textual can bind, or None when it is fine."""
    if not key:
        return "an empty key"
    if len(key) == 1:
        return None if key.isprintable() and not key.isspace() else f"{key!r} is not a printable key"
    *mods, base = key.split("+")
    unknown = [m for m in mods if m not in MODIFIERS]
    if unknown:
        return (
            f"{key!r} is not a key: unknown modifier {unknown[0]!r} (expected ctrl, shift, alt, meta, super)"
        )
    if not base:
        return f"{key!r} is not a key: nothing after the last '+'"
    if len(base) == 1:
        return None if base.isprintable() and not base.isspace() else f"{key!r} is not a printable key"
    if base in NAMED_KEYS or base in REPLACED_KEYS or key_to_character(base) is not None:
        return None
    return f"{key!r} is not a key (try e.g. 'n', 'N', 'ctrl+n', 'f5', 'question_mark')"


def canonical_id(binding_id: str) -> str:
    """The id as bindings spell it now: snake_case after the dot (``grading.next_ungraded``)."""
    screen, dot, action = binding_id.partition(".")
    return f"{screen}{dot}{action.replace('-', '_')}" if dot else binding_id


def _line_of(text: str, binding_id: str) -> int:
    pattern = re.compile(rf"^\s*(\"|')?{re.escape(binding_id)}(\"|')?\s*=")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return 0


def _keys_of(value: object) -> list[str] | None:
    if isinstance(value, str):
        return [k.strip() for k in value.split(",")]
    if isinstance(value, list) and value and all(isinstance(k, str) for k in value):
        return [str(k).strip() for k in value]
    return None


def read_keymap_file(path: Path, into: LoadedKeymap) -> None:
    """Add one file's bindings to ``into``; every problem is recorded, none raised."""
    import tomllib  # only when a keys file exists: most opens have none

    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        into.problems.append(KeymapProblem(path, 0, "", f"cannot read the file: {exc}"))
        return
    except tomllib.TOMLDecodeError as exc:
        line = int(m.group(1)) if (m := re.search(r"line (\d+)", str(exc))) else 0
        into.problems.append(KeymapProblem(path, line, "", f"not valid TOML: {exc}"))
        return
    table = data.get("keys")
    if not isinstance(table, dict) or set(data) - {"keys"}:
        into.problems.append(KeymapProblem(path, 0, "", 'expected one [keys] table: "binding-id" = "key"'))
        if not isinstance(table, dict):
            return
    for binding_id, value in table.items():
        line = _line_of(text, binding_id)
        keys = _keys_of(value)
        if keys is None:
            into.problems.append(KeymapProblem(path, line, binding_id, "expected a key or a list of keys"))
            continue
        bad = next((p for p in map(key_problem, keys) if p), None)
        if bad:
            into.problems.append(KeymapProblem(path, line, binding_id, bad))
            continue
        current = canonical_id(binding_id)
        if current != binding_id:
            into.notes.append(
                KeymapProblem(path, line, binding_id, f"read as {current} (the old spelling): rename it")
            )
        into.keymap[current] = ",".join(keys)
        into.lines[current] = (path, line)


def load_keymap(paths: Iterable[Path]) -> LoadedKeymap:
    """The merged keymap of every existing file in ``paths`` (later files win)."""
    loaded = LoadedKeymap()
    for path in paths:
        if path.is_file():
            read_keymap_file(path, loaded)
        elif path.exists():
            loaded.problems.append(KeymapProblem(path, 0, "", "is not a file"))
    return loaded


def _subclasses(cls: type[DOMNode]) -> Iterable[type[DOMNode]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def grader_binding_ids(packages: Sequence[str] = ("grader.tui",)) -> set[str]:
    """Every binding id declared by a screen or widget of the grader (imports every TUI module)."""
    for package_name in packages:
        package = importlib.import_module(package_name)
        for module in pkgutil.walk_packages(package.__path__, prefix=f"{package_name}."):
            importlib.import_module(module.name)  # one that fails is a bug: reported, not skipped
    ids: set[str] = set()
    for cls in _subclasses(DOMNode):
        if not cls.__module__.startswith(tuple(packages)):
            continue
        for binding in cls.BINDINGS:
            if isinstance(binding, Binding) and binding.id:
                ids.add(binding.id)
    return ids


def unknown_ids(loaded: LoadedKeymap, known: set[str]) -> list[KeymapProblem]:
    """A problem for every binding id in the keymap that no screen declares."""
    problems = []
    for binding_id in loaded.keymap:
        if binding_id not in known:
            path, line = loaded.lines[binding_id]
            problems.append(KeymapProblem(path, line, binding_id, "no screen has a binding with this id"))
    return problems
