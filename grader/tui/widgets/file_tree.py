"""The checkout's files as a tree: every name one escaped line, links and submodules marked."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from grader.domain.checkout_entry import Entry
from grader.tui.safe import safe_text

MAX_NAME = 120
"""Names longer than this are cut with an ellipsis (the viewer header shows the full path)."""


def entry_label(entry: Entry, *, relevant: bool = False) -> Text:
    """The last part of the entry's path, literal and on one line, with its kind marked."""
    name = entry.path.rsplit("/", 1)[-1]
    label = safe_text(name, limit=MAX_NAME, style="bold" if relevant else "")
    if entry.kind == "link":
        label.append(" → link (not followed)", style="italic yellow")
    elif entry.kind == "submodule":
        label.append(" (submodule, not fetched)", style="italic dim")
    return label


class FileTree(Tree[Entry | None]):
    """Folders expand; a file node's data is its Entry (the screen opens it on select)."""

    DEFAULT_CSS = """
    FileTree { width: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Text("files"), id=id)
        self.show_root = False
        self.guide_depth = 2

    def show_entries(self, entries: Iterable[Entry], *, relevant: Iterable[str] = ()) -> None:
        """Replace the tree with ``entries`` (sorted by path); relevant paths are bold."""
        self.clear()
        wanted = set(relevant)
        folders: dict[str, TreeNode[Entry | None]] = {"": self.root}
        for entry in entries:
            parent_path = entry.path.rsplit("/", 1)[0] if "/" in entry.path else ""
            parent = folders.get(parent_path, self.root)
            if entry.kind in ("dir",):
                folders[entry.path] = parent.add(entry_label(entry), data=entry, expand=True)
            else:
                parent.add_leaf(entry_label(entry, relevant=entry.path in wanted), data=entry)
        self.root.expand()

    def select_path(self, path: str) -> None:
        """Move the cursor to the node of ``path`` (when it is in the tree)."""
        stack = list(self.root.children)
        while stack:
            node = stack.pop()
            if node.data is not None and node.data.path == path:
                self.move_cursor(node)
                return
            stack.extend(node.children)
