"""The grouped view's order: header rows, members in roster order, largest group first, filters."""

from __future__ import annotations

from grader.tui.widgets.grouped_rows import NOT_RUN, Group, GroupedRows, shown_groups

IDS = [f"s{n}" for n in range(10)]


def position(student_id: str) -> int | None:
    return IDS.index(student_id) if student_id in IDS else None


def test_groups_are_largest_first_with_members_in_roster_order_and_the_rest_not_run() -> None:
    groups = [("fails: test_a", ("s5", "s1")), ("passed", ("s0", "s2", "s3")), ("timeout", ("s9", "ghost"))]
    found = shown_groups(groups, position, None, len(IDS))
    assert [(g.signature, g.members) for g in found] == [
        (NOT_RUN, (4, 6, 7, 8)),
        ("passed", (0, 2, 3)),
        ("fails: test_a", (1, 5)),
        ("timeout", (9,)),
    ]


def test_a_filter_keeps_only_its_rows_and_drops_empty_groups() -> None:
    groups = [("passed", ("s0", "s2", "s3")), ("timeout", ("s9",)), (NOT_RUN, ("s4",))]
    found = shown_groups(groups, position, [2, 4, 9], len(IDS))
    assert [(g.signature, g.members) for g in found] == [("passed", (2,)), ("timeout", (9,)), (NOT_RUN, (4,))]


def test_rows_headers_and_positions() -> None:
    rows = GroupedRows([Group("passed", (0, 2)), Group("timeout", (1,))])
    assert list(rows) == [-1, 0, 2, -2, 1]
    assert len(rows) == 5
    assert rows.header_at(0) == Group("passed", (0, 2)) and rows.header_at(1) is None
    assert rows.group_of_row(2).signature == "passed" and rows.group_of_row(4).signature == "timeout"
    assert rows.next_header_row(0) == 3 and rows.next_header_row(2) == 3 and rows.next_header_row(3) is None
    assert rows.row_of(1) == 4 and rows.row_of(7) is None
    assert rows.members() == [0, 1, 2]


def test_a_hundred_thousand_rows_group_from_ids_alone() -> None:
    ids = {f"s{n}": n for n in range(100_000)}
    groups = [(f"fails: test_{k}", tuple(f"s{n}" for n in range(k, 100_000, 7))) for k in range(7)]
    rows = GroupedRows(shown_groups(groups, ids.get, None, len(ids)))
    assert len(rows) == 100_007
    assert rows.header_at(0) is not None and rows.group_of_row(100_006).signature == "fails: test_6"
    last = rows.row_of(99_999)
    assert last is not None and rows[last] == 99_999 and rows.group_of_row(last).signature == "fails: test_4"
    assert rows.members() == list(range(100_000))
