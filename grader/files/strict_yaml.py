"""A strict YAML reader: no anchors, aliases or tags; duplicate keys are errors; size-capped.

It returns plain data (dict, list, str, int, Decimal, bool, None) and the line of every value,
so that schema errors can name ``file:line field.path``. Scalars follow the YAML 1.2 core
schema: ``NO`` and ``010`` stay text instead of turning into ``False`` and ``8``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from yaml.events import AliasEvent, CollectionStartEvent, NodeEvent, ScalarEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from grader.domain.errors import Problem, ValidationFailed
from grader.files.reading import decode_utf8, read_capped, too_big

MAX_BYTES = 1_000_000
PathKey = tuple[str | int, ...]

_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_DECIMAL = re.compile(r"[-+]?(0|[1-9][0-9]*)?\.[0-9]+([eE][-+]?[0-9]+)?|[-+]?(0|[1-9][0-9]*)[eE][-+]?[0-9]+")
_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}


@dataclass
class YamlDocument:
    """Parsed data and where each value sits (1-based lines, by field path)."""

    file: str
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)

    def line(self, path: PathKey) -> int:
        """The line of ``path``, or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            found = self.lines.get(tuple(path[:end]))
            if found:
                return found
        return 1


class _Refused(Exception):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


class _StrictLoader(yaml.SafeLoader):
    """Composes nodes, refusing anchors, aliases and explicit tags as they are met."""

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        line = event.start_mark.line + 1
        if isinstance(event, AliasEvent):
            raise _Refused(f"aliases are not allowed (found *{event.anchor})", line)
        if isinstance(event, NodeEvent) and event.anchor is not None:
            raise _Refused(f"anchors and aliases are not allowed (found &{event.anchor})", line)
        if isinstance(event, ScalarEvent | CollectionStartEvent) and event.tag not in (None, "!"):
            raise _Refused(f"tags are not allowed (found {event.tag})", line)
        return super().compose_node(parent, index)


def show(value: object) -> str:
    """How a bad value is quoted in an error message."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return '"' + text.encode("unicode_escape").decode("ascii").replace('"', '\\"') + '"'
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _scalar(node: ScalarNode) -> Any:
    text = node.value
    if node.style is not None:
        return text
    if text in _NULL:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if _INT.fullmatch(text):
        return int(text) if len(text) <= 18 else Decimal(text)
    if _DECIMAL.fullmatch(text):
        return Decimal(text)
    return text


def _convert(node: Node, path: PathKey, doc: YamlDocument, problems: list[Problem]) -> Any:
    doc.lines[path] = node.start_mark.line + 1
    if isinstance(node, ScalarNode):
        return _scalar(node)
    if isinstance(node, SequenceNode):
        return [_convert(child, (*path, i), doc, problems) for i, child in enumerate(node.value)]
    assert isinstance(node, MappingNode)
    out: dict[str, Any] = {}
    seen: dict[str, int] = {}
    for key_node, value_node in node.value:
        key_line = key_node.start_mark.line + 1
        where = ".".join(str(p) for p in path)
        if not isinstance(key_node, ScalarNode):
            problems.append(Problem(doc.file, key_line, where, "expected a plain key, got a mapping or list"))
            continue
        key = str(key_node.value)
        if key == "<<":
            problems.append(Problem(doc.file, key_line, where, "merge keys (<<) are not allowed"))
            continue
        if key in seen:
            problems.append(
                Problem(
                    doc.file, key_line, _join(path, key), f"duplicate key (first defined on line {seen[key]})"
                )
            )
            continue
        seen[key] = key_line
        out[key] = _convert(value_node, (*path, key), doc, problems)
    return out


def _join(path: PathKey, last: str | int | None = None) -> str:
    parts = [*path, last] if last is not None else list(path)
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


field_path = _join


def parse_yaml(text: str | bytes, file: str) -> YamlDocument:
    """Parse one YAML document strictly; raises ValidationFailed with every problem found."""
    if isinstance(text, bytes):
        if len(text) > MAX_BYTES:
            raise too_big(file, len(text), MAX_BYTES)
        text = decode_utf8(text, file, "save the file as UTF-8")
    doc = YamlDocument(file=file, data=None)
    if not text.strip():
        raise ValidationFailed([Problem(file, 1, "", "is empty; expected a YAML mapping")])
    loader: _StrictLoader | None = None
    try:
        loader = _StrictLoader(text)
        node = loader.get_single_node()
    except _Refused as exc:
        raise ValidationFailed([Problem(file, exc.line, "", str(exc))]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        message = f"is not valid YAML: {exc.problem or exc.context}"
        if "\\t" in str(exc.problem or ""):
            message += " (indent with spaces, not tabs)"
        raise ValidationFailed([Problem(file, line, "", message)]) from None
    except yaml.YAMLError as exc:
        raise ValidationFailed([Problem(file, 0, "", f"is not valid YAML: {exc}")]) from None
    except RecursionError:
        raise ValidationFailed([Problem(file, 0, "", "is nested too deeply to be a course file")]) from None
    finally:
        if loader is not None:
            loader.dispose()
    if node is None:
        raise ValidationFailed([Problem(file, 1, "", "is empty; expected a YAML mapping")])
    problems: list[Problem] = []
    try:
        doc.data = _convert(node, (), doc, problems)
    except RecursionError:
        raise ValidationFailed([Problem(file, 0, "", "is nested too deeply to be a course file")]) from None
    if problems:
        raise ValidationFailed(problems)
    return doc


def load_yaml(path: Path, display: str) -> YamlDocument:
    """Read a YAML file strictly, refusing oversize files before reading them."""
    return parse_yaml(read_capped(path, display, MAX_BYTES), display)
