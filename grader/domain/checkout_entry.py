"""One thing found in a checkout, as the file viewer lists it: a file, folder, link or submodule."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    path: str
    """Relative to the checkout, '/'-separated; undecodable bytes kept as surrogate escapes."""
    kind: str
    """``file``, ``dir``, ``link`` or ``submodule``."""
    size: int
    link_target: str = ""
    """For a link: where it points. Shown as "link → target (not followed)", never opened."""
