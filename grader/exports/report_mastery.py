"""The mastery part of the class report: a students × skills heat map, or groups of a big class.

Up to ``MAX_STUDENT_ROWS`` students get a row each (roster order), drawn in blocks of
``ROWS_PER_BLOCK`` so that a printed page never cuts through a block. A bigger class is shown as
ten groups of students ranked by their mean mastery (deciles), and the page says so. With more
than one section there is also one row per section.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from grader.exports.report_data import ReportData, StudentRow
from grader.exports.report_heatmap import BandRow, HeatRow, band_bars, heat_map, legend
from grader.exports.report_svg import SCALE, Frame, esc

MAX_STUDENT_ROWS = 300
ROWS_PER_BLOCK = 40
GROUPS = 10


class Ids:
    """Document-unique ids for charts: ``scores1``, ``criterion2``, …"""

    def __init__(self) -> None:
        self.issued = 0

    def __call__(self, kind: str) -> str:
        self.issued += 1
        return f"{kind}{self.issued}"


@dataclass(frozen=True)
class _Group:
    label: str
    members: tuple[StudentRow, ...]


def _mean(values: Sequence[Decimal | None]) -> float | None:
    known = [float(v) for v in values if v is not None]
    return sum(known) / len(known) if known else None


def _group_row(group: _Group, width: int) -> HeatRow:
    values = tuple(_mean([s.percents[i] for s in group.members]) for i in range(width))
    return HeatRow(
        f"{group.label} (n = {len(group.members):,})",
        f"{group.label}: {len(group.members):,} students, mean of those with a figure",
        values,
    )


def _deciles(students: Sequence[StudentRow]) -> list[_Group]:
    ranked = sorted(students, key=lambda s: -(_mean(s.percents) or 0.0))
    size = len(ranked)
    groups = []
    for index in range(GROUPS):
        start, stop = index * size // GROUPS, (index + 1) * size // GROUPS
        if start == stop:
            continue
        label = f"Decile {index + 1}" + (
            " (highest)" if index == 0 else " (lowest)" if index == GROUPS - 1 else ""
        )
        groups.append(_Group(label, tuple(ranked[start:stop])))
    return groups


def _student_row(student: StudentRow) -> HeatRow:
    where = f", section {student.section}" if student.section else ""
    return HeatRow(
        student.name,
        f"{student.name} ({student.student_id}{where})",
        tuple(float(p) if p is not None else None for p in student.percents),
    )


def _blocks(rows: Sequence[HeatRow], columns: Sequence[str], ids: Ids, what: str, css: str) -> str:
    out = []
    for start in range(0, len(rows), ROWS_PER_BLOCK):
        block = rows[start : start + ROWS_PER_BLOCK]
        span = f"rows {start + 1}–{start + len(block)} of {len(rows)}"
        frame = Frame(
            ids("heatmap"),
            f"{what}, {span}" if len(rows) > ROWS_PER_BLOCK else what,
            f"Mastery in percent for {len(columns)} skills ({', '.join(columns)}); "
            "each cell gives its value, a hatched cell means no final grade yet.",
            f"chart heatmap {css}",
        )
        out.append(f'<figure class="heat">{heat_map(frame, columns, block)}</figure>')
    return "".join(out)


def _skill_table(data: ReportData) -> str:
    rows = []
    for index, (skill, description) in enumerate(data.skills):
        figures = [s.percents[index] for s in data.students if s.percents[index] is not None]
        average = _mean(figures)
        shown = "–" if average is None else f"{average:.1f}"
        rows.append(
            f"<tr><td><code>{esc(skill)}</code></td><td>{esc(description)}</td>"
            f'<td class="num">{len(figures):,}</td><td class="num">{shown}</td></tr>'
        )
    return (
        '<table class="summary skills"><thead><tr><th>Skill</th><th>What it covers</th>'
        '<th class="num">Students with a figure</th><th class="num">Mean %</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def mastery_section(data: ReportData, ids: Ids) -> str:
    columns = [skill for skill, _ in data.skills]
    head = (
        '<section class="mastery" id="mastery"><p class="eyebrow">Mastery</p>'
        "<h2>Students × skills</h2>"
        '<p class="hint">Mastery of a skill = points earned ÷ points possible over every criterion '
        "tagged with that skill in the final grades (every criterion scored), across all assignments "
        "(late penalties are not applied). Cells show the percentage rounded down; a hatched cell "
        "means no final grade has a criterion of that skill yet.</p>"
    )
    if not columns:
        return head + "<p>The rubrics name no skills, so there is no mastery to show.</p></section>\n"
    parts = [head, _skill_table(data)]
    scale = legend(Frame(ids("legend"), "Colour scale", _scale_words(), "chart legend"))
    parts.append(f'<figure class="legend">{scale}</figure>')
    parts.append(_distribution(data, columns, ids))
    students = data.students
    sections = data.sections
    if 1 < len(sections) <= MAX_STUDENT_ROWS:
        grouped = [
            _Group(f"Section {name}", tuple(s for s in students if s.section == name)) for name in sections
        ]
        parts.append("<h3>By section</h3>")
        parts.append(
            _blocks(
                [_group_row(g, len(columns)) for g in grouped],
                columns,
                ids,
                "Mean mastery by section",
                "sections",
            )
        )
    if len(students) <= MAX_STUDENT_ROWS:
        parts.append("<h3>By student</h3>")
        rows = [_student_row(s) for s in students]
        parts.append(_blocks(rows, columns, ids, "Mastery of each student by skill", "students"))
    else:
        with_figure = [s for s in students if any(p is not None for p in s.percents)]
        left_out = len(students) - len(with_figure)
        parts.append(
            f'<h3>By group of students</h3><p class="note">This class has {len(students):,} students, too '
            f"many for one row each (the report shows up to {MAX_STUDENT_ROWS}). Students are ranked by "
            "their mean mastery over the skills they have a figure in and split into ten equal groups; "
            "each cell is the group's mean."
            + (f" {left_out:,} students with no final grade yet are left out." if left_out else "")
            + " Use <code>grader mastery</code> for any one student.</p>"
        )
        rows = [_group_row(g, len(columns)) for g in _deciles(with_figure)]
        parts.append(_blocks(rows, columns, ids, "Mean mastery by decile of students", "deciles"))
    parts.append("</section>\n")
    return "".join(parts)


def _distribution(data: ReportData, columns: Sequence[str], ids: Ids) -> str:
    rows = []
    for index, skill in enumerate(columns):
        counts = [0] * len(SCALE)
        for student in data.students:
            value = student.percents[index]
            if value is not None:
                counts[min(int(value // 10), len(SCALE) - 1)] += 1
        rows.append(BandRow(skill, tuple(counts)))
    frame = Frame(
        ids("bands"),
        "Students per mastery band, by skill",
        "; ".join(
            f"{r.label}: " + ", ".join(f"{i * 10}–{i * 10 + 10}% {n}" for i, n in enumerate(r.counts) if n)
            for r in rows
        ),
        "chart bands",
    )
    return (
        "<h3>Distribution by skill</h3>"
        '<p class="hint">Each bar splits the students who have a figure for the skill by 10-point band.</p>'
        f'<figure class="bands">{band_bars(frame, rows)}</figure>'
    )


def _scale_words() -> str:
    return (
        "Ten colour bands from 0–10% (lightest) to 90–100% (darkest), "
        "and a grey hatch for no final grade yet."
    )
