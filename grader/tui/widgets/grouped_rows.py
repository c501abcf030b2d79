"""The Submissions table grouped by autograde outcome: an order over roster indexes with header rows.

A grouped view is a plain sequence the virtual table walks like a filter's view: each entry is a
roster index, or a negative number standing for the header row of a group (``-1`` the first
group's, ``-2`` the second's…). Nothing is read from the store to build it; 100,000 rows cost a
list and a dictionary.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import overload

Groups = list[tuple[str, tuple[str, ...]]]
"""(outcome signature, student ids), largest group first, as the gradebook gives them."""
NOT_RUN = "not run"
"""The group of every shown row the outcome groups did not name."""


@dataclass(frozen=True)
class Group:
    """One outcome signature and the roster indexes of its shown members, in roster order."""

    signature: str
    members: tuple[int, ...]


def shown_groups(
    groups: Iterable[tuple[str, Sequence[str]]],
    position_of: Callable[[str], int | None],
    shown: Sequence[int] | None,
    row_count: int,
) -> list[Group]:
    """The outcome groups restricted to the shown rows (a filter), largest first.

    ``groups`` are (signature, student ids) as the gradebook gives them; ``shown`` the roster
    indexes a filter keeps (None: every one of ``row_count``). A shown row no group names joins
    the "not run" group; a group left empty is dropped. Equal sizes keep the given order.
    """
    keep = set(shown) if shown is not None else None
    placed: set[int] = set()
    found: dict[str, list[int]] = {}
    for signature, student_ids in groups:
        members = found.setdefault(signature, [])
        for student_id in student_ids:
            index = position_of(student_id)
            if index is None or index in placed or (keep is not None and index not in keep):
                continue
            placed.add(index)
            members.append(index)
    rest = [i for i in (shown if shown is not None else range(row_count)) if i not in placed]
    if rest:
        found.setdefault(NOT_RUN, []).extend(rest)
    ordered = [Group(signature, tuple(sorted(members))) for signature, members in found.items() if members]
    ordered.sort(key=lambda group: -len(group.members))
    return ordered


class GroupedRows(Sequence[int]):
    """Rows of the grouped table: a header before each group's members (see the module docstring)."""

    def __init__(self, groups: Sequence[Group]) -> None:
        self.groups = tuple(groups)
        order: list[int] = []
        self._header_rows: list[int] = []
        for number, group in enumerate(self.groups):
            self._header_rows.append(len(order))
            order.append(-1 - number)
            order.extend(group.members)
        self._order = order
        self._row_of: dict[int, int] | None = None
        self.member_count = len(order) - len(self.groups)
        """The rows that are submissions (every row but the headers)."""

    @classmethod
    def of_groups(
        cls,
        groups: Groups,
        position_of: Callable[[str], int | None],
        shown: Sequence[int] | None,
        row_count: int,
    ) -> GroupedRows:
        """The rows of the outcome groups a filter keeps (``shown``; None: all), largest group first."""
        return cls(shown_groups(groups, position_of, shown, row_count))

    def __len__(self) -> int:
        return len(self._order)

    @overload
    def __getitem__(self, row: int) -> int: ...

    @overload
    def __getitem__(self, row: slice) -> Sequence[int]: ...

    def __getitem__(self, row: int | slice) -> int | Sequence[int]:
        return self._order[row]

    def __iter__(self) -> Iterator[int]:
        return iter(self._order)

    def header_at(self, row: int) -> Group | None:
        """The group whose header is at ``row``, or None for a member row."""
        entry = self._order[row]
        return self.groups[-1 - entry] if entry < 0 else None

    def group_of_row(self, row: int) -> Group:
        """The group a row (header or member) belongs to."""
        number = _last_at_or_before(self._header_rows, row)
        return self.groups[number]

    def header_row(self, group: Group) -> int:
        return self._header_rows[self.groups.index(group)]

    def next_header_row(self, row: int) -> int | None:
        """The header row of the group after the one ``row`` is in, or None after the last."""
        number = _last_at_or_before(self._header_rows, row) + 1
        return self._header_rows[number] if number < len(self._header_rows) else None

    def row_of(self, roster_index: int) -> int | None:
        """The row showing a roster index, or None when it is not shown."""
        if self._row_of is None:
            self._row_of = {entry: row for row, entry in enumerate(self._order) if entry >= 0}
        return self._row_of.get(roster_index)

    def members(self) -> list[int]:
        """Every shown roster index, ascending (what a scan in roster order walks)."""
        return sorted(entry for entry in self._order if entry >= 0)

    @property
    def summary(self) -> str:
        """What the title line says of the grouping: "3 outcome groups (g: list)"."""
        count = len(self.groups)
        return f"{count:,} outcome group{'s' if count != 1 else ''} (g: list)"


def _last_at_or_before(rows: Sequence[int], row: int) -> int:
    """The position of the last entry of ascending ``rows`` that is <= ``row`` (0 when none)."""
    low, high = 0, len(rows)
    while low < high:
        middle = (low + high) // 2
        if rows[middle] <= row:
            low = middle + 1
        else:
            high = middle
    return max(low - 1, 0)
