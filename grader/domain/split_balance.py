"""The arithmetic of a balanced split: each grader's share, and dealing items out."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Protocol


class Holdable(Protocol):
    """An item of work as far as who holds it is concerned (``grader.domain.split.WorkItem``)."""

    @property
    def keeper(self) -> str: ...

    @property
    def previous(self) -> str: ...


def shares(held: Mapping[str, int], free: int) -> dict[str, int]:
    """How many of ``free`` new items each grader (in the mapping's order) gets so that the
    totals (held + new) are as even as they can be: the result of giving each item in turn to
    the grader with the least, ties to the earlier one. A grader holding more than an even
    share already gets nothing."""
    graders = list(held)
    if free <= 0 or not graders:
        return dict.fromkeys(graders, 0)
    low, high = min(held.values()), max(held.values()) + free
    while low < high:  # the highest level every grader can be filled up to
        level = (low + high + 1) // 2
        if sum(max(0, level - h) for h in held.values()) <= free:
            low = level
        else:
            high = level - 1
    given = {g: max(0, low - held[g]) for g in graders}
    extra = free - sum(given.values())
    for g in graders:  # the remainder: one more each to the first graders at that level
        if extra == 0:
            break
        if held[g] + given[g] == low:
            given[g] += 1
            extra -= 1
    return given


def deal(team: Sequence[str], items: Sequence[tuple[str, str]], quota: Mapping[str, int]) -> dict[str, str]:
    """Give each (item id, previous grader) to a grader within ``quota``: first each item to its
    previous grader while that grader has room, then the rest in order, one to each grader in
    turn (``team`` order) who still has room."""
    room = dict(quota)
    given: dict[str, str] = {}
    rest: list[str] = []
    for item_id, previous in items:
        if room.get(previous, 0) > 0:
            given[item_id] = previous
            room[previous] -= 1
        else:
            rest.append(item_id)
    if len(rest) > sum(room.values()):
        raise ValueError("the quota leaves items without a grader")
    turn = 0
    for item_id in rest:
        while room[team[turn % len(team)]] == 0:
            turn += 1
        grader = team[turn % len(team)]
        given[item_id] = grader
        room[grader] -= 1
        turn += 1
    return given


def home_grader(team: Sequence[str], items: Sequence[Holdable]) -> str | None:
    """The team member holding most of these items already (as keeper of started work or in the
    previous split), ties to the first name; None when no team member holds any."""
    holders = Counter(
        holder for item in items for holder in (item.keeper or item.previous,) if holder in team
    )
    if not holders:
        return None
    most = max(holders.values())
    return min(g for g, n in holders.items() if n == most)
