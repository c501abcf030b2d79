"""Rows given to a DataTable with their columns, each as wide as its widest cell.

A DataTable left to size its columns itself does so when the app is next idle: on a busy machine
its header could stay drawn at the labels' widths, out of line with the rows under it.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable

Row = tuple[str | None, Sequence[Text]]
"""A row's key (None: none) and its cells, one per column."""


def set_rows(table: DataTable[Text], labels: Sequence[str], rows: Sequence[Row]) -> None:
    """Replace every column and row of ``table``: columns ``labels``, then ``rows`` in order."""
    table.clear(columns=True)
    for index, label in enumerate(labels):
        widest = max((cells[index].cell_len for _, cells in rows), default=0)
        table.add_column(label, key=label, width=max(cell_len(label), widest))
    for key, cells in rows:
        table.add_row(*cells, key=key)
