"""The class report page: its charts, escaping, self-containment, accessibility and big classes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal
from html.parser import HTMLParser

import pytest

from grader.exports.report import render_report
from grader.exports.report_data import (
    GRADED,
    IN_PROGRESS,
    MISSING,
    NOT_GRADED,
    AssignmentFigures,
    BadgeFigures,
    Choice,
    CriterionFigures,
    ReportData,
    StudentRow,
    bin_width,
    bins,
    mean,
    median,
)
from grader.exports.report_mastery import MAX_STUDENT_ROWS, ROWS_PER_BLOCK

D = Decimal
EVIL = "<script>alert(1)</script>"
SKILLS = (
    ("python-basics", "Python <b>fundamentals</b>"),
    ("testing", "Tests & checks"),
    ("docs", 'Docs "quoted"'),
)


@dataclass
class Svg:
    classes: set[str]
    attrs: dict[str, str]
    rects: list[dict[str, str]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)


class Page(HTMLParser):
    """The parts of the page the tests look at: every element's attributes, each SVG and its marks."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.svgs: list[Svg] = []
        self.open_svg: Svg | None = None
        self.text: list[str] = []
        self.styles: list[str] = []
        self.in_style = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.elements.append((tag, values))
        if "style" in values:
            self.styles.append(values["style"])
        if tag == "style":
            self.in_style = True
        if tag == "svg":
            self.open_svg = Svg(set(values.get("class", "").split()), values)
            self.svgs.append(self.open_svg)
        elif tag == "rect" and self.open_svg is not None:
            self.open_svg.rects.append(values)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self.open_svg = None
        if tag == "style":
            self.in_style = False

    def handle_data(self, data: str) -> None:
        if self.in_style:
            self.styles.append(data)
            return
        self.text.append(data)
        if self.open_svg is not None:
            self.open_svg.texts.append(data)

    def charts(self, kind: str) -> list[Svg]:
        return [s for s in self.svgs if kind in s.classes]

    def ids(self) -> list[str]:
        return [a["id"] for _, a in self.elements if "id" in a]


def external_references(page: Page) -> list[str]:
    """Every way the page could load something from elsewhere: attributes and CSS."""
    found = []
    for tag, attrs in page.elements:
        for name in ("src", "href", "xlink:href", "srcset", "poster", "data", "action", "formaction"):
            value = attrs.get(name, "").strip()
            if value and not value.startswith("#"):
                found.append(f"<{tag} {name}={value!r}>")
    for css in page.styles:
        if "@import" in css:
            found.append("@import in CSS")
        found += [f"url({u})" for u in re.findall(r"url\(\s*['\"]?([^)'\"]*)", css) if not u.startswith("#")]
    return found


def criterion_levels(criterion_id: str, counts: tuple[int, ...]) -> CriterionFigures:
    levels = (
        Choice("Exemplary", D(10), counts[0]),
        Choice("Developing", D(5), counts[1]),
        Choice("Missing", D(0), counts[2]),
    )
    scores = {lv.points: lv.count for lv in levels if lv.count}
    return CriterionFigures(
        criterion_id,
        f"Criterion {criterion_id} {EVIL}",
        "levels",
        ("python-basics",),
        D(10),
        scores,
        levels=levels,
    )


def small_report(**changes: object) -> ReportData:
    checklist = CriterionFigures(
        "style", "Style & naming", "checklist", ("docs",), D(5), {D(5): 1, D(3): 2},
        items=(Choice(EVIL, D(-2), 2), Choice("Dead code", D(-1), 0)),
    )  # fmt: skip
    points = CriterionFigures(
        "tests", "Tests pass", "autograded", ("testing",), D(20), {D("17.5"): 1, D(20): 2}
    )
    first = AssignmentFigures(
        "a1", f"Calculator {EVIL}", D(35), {D(20): 1, D("32.5"): 1, D(35): 1},
        {GRADED: 3, IN_PROGRESS: 0, NOT_GRADED: 0, MISSING: 1}, 1, (criterion_levels("c1", (2, 1, 0)), checklist, points),
    )  # fmt: skip
    second = AssignmentFigures(
        "a2", "Web page", D(10), {}, {NOT_GRADED: 4}, 0, (criterion_levels("c2", (0, 0, 0)),)
    )
    students = (
        StudentRow("001", EVIL, "A", (D("85.7"), D(100), None)),
        StudentRow("002", "Zoë & \"Ana\" 'O'", "A", (D(40), None, D("12.5"))),
        StudentRow("003", "https://tracker.example/pixel.png", "B", (None, None, None)),
        StudentRow("004", "张伟", "B", (D(0), D("99.9"), D(70))),
    )
    values: dict[str, object] = {
        "course_id": "cs101",
        "title": f"Intro {EVIL}",
        "term": "Fall <2026>",
        "generated_at": datetime(2026, 11, 30, 9, 15, tzinfo=UTC),
        "assignments": (first, second),
        "skills": SKILLS,
        "students": students,
        "badges": (BadgeFigures("py", f"Python {EVIL}", 1, 0, 3),),
    }
    values.update(changes)
    return ReportData(**values)  # type: ignore[arg-type]


@pytest.fixture
def page() -> Page:
    return Page(render_report(small_report()))


def test_each_assignment_and_criterion_has_its_chart(page: Page) -> None:
    histograms = page.charts("histogram")
    assert len(histograms) == 2
    bars = [r for r in histograms[0].rects if r.get("class") == "bar"]
    assert len(bars) == 2  # bins of 5 points: 20–25 holds one, 30–35 (its top included) two
    assert [t for t in histograms[0].texts if re.fullmatch(r"\d+–\d+: \d+", t)] == ["20–25: 1", "30–35: 2"]
    assert "No final grade yet" in "".join(histograms[1].texts)
    criteria = page.charts("criterion")
    assert len(criteria) == 4  # c1, style, tests, c2
    level_bars = [r for r in criteria[0].rects if r.get("class") == "bar"]
    assert len(level_bars) == 3
    assert [t for t in criteria[0].texts if re.fullmatch(r"\d+ \(\d+%\)", t)] == [
        "2 (67%)",
        "1 (33%)",
        "0 (0%)",
    ]
    ticked = page.charts("items")
    assert len(ticked) == 1
    assert [t for t in ticked[0].texts if re.fullmatch(r"\d+ \(\d+%\)", t)] == ["2 (67%)", "0 (0%)"]
    assert len(page.svgs) > len(histograms) + len(criteria)  # status bars, items, legend, heat maps
    assert "mean 29.2" in histograms[0].texts and "median 32.5" in histograms[0].texts


def test_the_heat_map_has_one_cell_per_student_and_skill(page: Page) -> None:
    maps = page.charts("students")
    cells = [r for svg in maps for r in svg.rects if r.get("class") == "cell"]
    assert len(cells) == 4 * 3
    hatched = [c for c in cells if c["fill"].startswith("url(#")]
    assert len(hatched) == 5  # the None figures
    text = "".join(t for svg in maps for t in svg.texts)
    assert "85" in text and "99" in text  # rounded down, never up to a threshold
    sections = page.charts("sections")
    assert len(sections) == 1
    assert sum(1 for r in sections[0].rects if r.get("class") == "cell") == 2 * 3


def test_every_string_from_students_and_rubrics_is_escaped() -> None:
    html = render_report(small_report())
    assert EVIL not in html
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>fundamentals" not in html and "Python &lt;b&gt;fundamentals&lt;/b&gt;" in html
    assert "Fall &lt;2026&gt;" in html
    assert "Zoë &amp; &quot;Ana&quot; &#x27;O&#x27;" in html
    page = Page(html)
    assert EVIL in "".join(page.text)  # shown to the reader as text, exactly


def test_control_characters_and_bidi_overrides_are_made_visible() -> None:
    student = StudentRow("009", "Eve\u202e\x1b[31m", "A", (None, None, None))
    html = render_report(small_report(students=(student,)))
    assert "\u202e" not in html and "\x1b" not in html
    assert "&lt;U+202E&gt;" in html


def test_the_page_loads_nothing_from_anywhere(page: Page) -> None:
    assert external_references(page) == []
    assert not any(tag in ("script", "link", "img", "iframe", "object", "embed") for tag, _ in page.elements)
    assert "https://tracker.example/pixel.png" in "".join(page.text)  # a link as plain text is fine


def test_the_resource_check_finds_what_it_looks_for() -> None:
    bad = Page(
        '<html><head><link rel="stylesheet" href="https://cdn.example/a.css"><style>@import "x.css";'
        "body{background:url(https://x.example/b.png)} .a{fill:url(#ok)}</style></head>"
        '<body><img src="http://x.example/c.png"><svg><image href="d.png"/></svg><a href="#top">top</a></body></html>'
    )
    assert external_references(bad) == [
        "<link href='https://cdn.example/a.css'>",
        "<img src='http://x.example/c.png'>",
        "<image href='d.png'>",
        "@import in CSS",
        "url(https://x.example/b.png)",
    ]


def test_charts_are_labelled_for_screen_readers(page: Page) -> None:
    ids = page.ids()
    assert len(ids) == len(set(ids)), "ids are unique in the document"
    titled = {a["id"]: a for t, a in page.elements if t in ("title", "desc") and "id" in a}
    for svg in page.svgs:
        assert svg.attrs["role"] == "img"
        labels = svg.attrs["aria-labelledby"].split()
        assert len(labels) == 2 and all(label in titled for label in labels)
    assert page.elements[0] == ("html", {"lang": "en"})


def test_the_page_prints_one_part_per_page() -> None:
    html = render_report(small_report())
    style = html[html.index("<style>") : html.index("</style>")]
    assert "@media print" in style and "@page" in style
    assert re.search(r"@media print \{[^@]*section \{ break-before: page;", style)
    assert "print-color-adjust: exact" in style
    assert html.count('<section class="assignment"') == 2 and html.count('<section class="mastery"') == 1


def test_the_summary_names_the_course_and_its_figures(page: Page) -> None:
    text = " ".join(page.text)
    assert "Intro <script>alert(1)</script>" in text
    assert "cs101" in text and "Fall <2026>" in text and "Generated 30 November 2026, 09:15 UTC" in text
    html = render_report(small_report())
    table = Page(re.search(r'<table class="summary">.*?</table>', html, re.S).group(0))  # type: ignore[union-attr]
    cells = [t.strip() for t in table.text if t.strip()]
    row = cells[cells.index("Calculator <script>alert(1)</script>") :][:11]
    assert row[1:11] == ["3", "3", "0", "0", "1", "1", "29.2", "32.5", "35", "Web page"]
    card = [t for t in page.text if t in ("4", "students in 2 sections")][:2]
    assert card == ["4", "students in 2 sections"]
    contents = [a["href"] for tag, a in page.elements if tag == "a"][:3]
    assert contents == ["#assignment-1", "#assignment-2", "#mastery"]
    assert {"assignment-1", "assignment-2", "mastery"} <= set(page.ids())


def _many(n: int) -> tuple[StudentRow, ...]:
    return tuple(
        StudentRow(
            f"{i:05d}", f"Student {i}", "AB"[i % 2], (D(i % 101), None if i % 3 == 0 else D(50), D(70))
        )
        for i in range(n)
    )


def test_up_to_the_limit_every_student_gets_a_row_in_printable_blocks() -> None:
    page = Page(render_report(small_report(students=_many(MAX_STUDENT_ROWS))))
    maps = page.charts("students")
    assert len(maps) == -(-MAX_STUDENT_ROWS // ROWS_PER_BLOCK)
    assert sum(1 for svg in maps for r in svg.rects if r.get("class") == "cell") == MAX_STUDENT_ROWS * 3
    assert page.charts("deciles") == []


def test_a_bigger_class_is_shown_as_deciles_and_says_so() -> None:
    students = (*_many(10_000), StudentRow("x", "Nobody", "A", (None, None, None)))
    html = render_report(small_report(students=students))
    page = Page(html)
    assert page.charts("students") == []
    deciles = page.charts("deciles")
    assert len(deciles) == 1
    assert sum(1 for r in deciles[0].rects if r.get("class") == "cell") == 10 * 3
    text = " ".join(page.text)
    assert "This class has 10,001 students, too many for one row each" in text
    assert "1 students with no final grade yet are left out" in text
    labels = [t for t in deciles[0].texts if t.startswith("Decile") and ":" not in t]
    assert labels[0] == "Decile 1 (highest) (n = 1,000)" and labels[-1] == "Decile 10 (lowest) (n = 1,000)"
    basics = dict(
        re.findall(r"^(Decile \d+).* — python-basics: ([\d.]+)%$", "\n".join(deciles[0].texts), re.M)
    )
    assert len(basics) == 10
    assert float(basics["Decile 1"]) > float(basics["Decile 5"]) > float(basics["Decile 10"])
    assert len(html) < 200_000  # a printable page, not 10,000 rows


def test_grades_that_are_not_final_are_counted_and_said_to_be_left_out() -> None:
    data = small_report()
    first = data.assignments[0]
    waiting = replace(first, states={**first.states, GRADED: 5}, not_final=2)
    html = render_report(replace(data, assignments=(waiting, *data.assignments[1:])))
    page = Page(html)
    text = " ".join(page.text)
    assert "2 submissions with scores are not final yet (a criterion is not scored)" in text
    assert "Final</dt><dd>3 of 6</dd>" in html and "3 final grades out of 35 points; mean 29.2" in html
    table = Page(re.search(r'<table class="summary">.*?</table>', html, re.S).group(0))  # type: ignore[union-attr]
    cells = [t.strip() for t in table.text if t.strip()]
    assert cells[cells.index("Calculator <script>alert(1)</script>") + 1 :][:2] == ["5", "3"]
    assert "not final" not in render_report(data), "nothing is said when every grade is final"


def test_a_course_without_skills_or_grades_still_renders() -> None:
    html = render_report(small_report(skills=(), students=(), badges=(), assignments=()))
    assert "The rubrics name no skills" in html
    assert html.rstrip().endswith("</html>")


def test_mean_and_median_are_exact() -> None:
    assert mean({D(1): 1, D(2): 2}) == D(5) / 3
    assert median({D(1): 1, D(3): 1}) == 2
    assert median({D(1): 2, D(9): 1}) == 1
    assert median({D(4): 1, D(7): 3, D(1): 2}) == D("5.5")
    assert mean({}) is None and median({}) is None


def test_bins_cover_the_scale_and_the_top_score_counts_in_the_last_one() -> None:
    found = bins({D(0): 1, D(9.99): 1, D(10): 1, D(100): 4}, D(100))
    assert [b.label for b in found][:2] == ["0–10", "10–20"] and found[-1].label == "90–100"
    assert [b.count for b in found] == [2, 1, 0, 0, 0, 0, 0, 0, 0, 4]
    small = bins({D(0): 1, D(5): 2}, D(5))
    assert [(b.label, b.count) for b in small] == [("0", 1), ("1", 0), ("2", 0), ("3", 0), ("4", 0), ("5", 2)]
    halves = bins({D("2.5"): 1}, D(5))
    assert sum(b.count for b in halves) == 1 and halves[-1].high == 5
    assert [bin_width(D(m)) for m in (15, 35, 100, 1000, 7.5)] == [2, 5, 10, 100, 1]
