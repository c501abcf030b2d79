"""Feedback pages: what a student reads, and hostile strings that must stay literal text."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from grader.domain.choices import CriterionChoice
from grader.domain.course import LatePolicy
from grader.domain.rubric import Check, ChecklistItem, Criterion, CriterionKind, Level, Rubric
from grader.domain.scoring import score_submission
from grader.exports.feedback import AutogradeFeedback, CriterionResult, FeedbackSheet, render_feedback

D = Decimal
RUBRIC = Rubric(
    id="calculator",
    title="Calculator",
    skills={},
    criteria=(
        Criterion(
            "correctness",
            "Correct results",
            CriterionKind.LEVELS,
            levels=(
                Level("Exemplary", D(40), "All operations correct"),
                Level("Proficient", D(30), "One edge case mishandled"),
                Level("Missing", D(0)),
            ),
        ),
        Criterion(
            "style",
            "Code quality",
            CriterionKind.CHECKLIST,
            points=D(20),
            items=(ChecklistItem("Unclear names", D(-5)), ChecklistItem("No docstrings", D(-5))),
        ),
        Criterion(
            "tests",
            "Test suite passes",
            CriterionKind.AUTOGRADED,
            points=D(20),
            check=Check("python -m pytest -q"),
        ),
    ),
)
POLICY = LatePolicy(grace_minutes=15, penalty_per_day=D("0.1"), max_days=3)
MD = MarkdownIt("commonmark").enable("table").enable("strikethrough")


def sheet(
    choices: Mapping[str, CriterionChoice],
    *,
    late_minutes: int | None = 0,
    name: str = "Zoë Ångström",
    subject: str = "Handle division by zero",
    by_autograder: bool = False,
    flags: tuple[str, ...] = (),
    rubric: Rubric = RUBRIC,
) -> FeedbackSheet:
    score = score_submission(rubric, choices, late_minutes, POLICY)
    return FeedbackSheet(
        course_title="Introduction to Programming, Fall 2026",
        assignment_id="a1-calculator",
        assignment_title="Calculator",
        student_id="00123",
        student_name=name,
        total=score.total,
        max_score=score.max_score,
        penalty=score.penalty,
        late_minutes=late_minutes,
        late_policy=POLICY,
        graded_commit="a" * 40,
        commit_subject=subject,
        flags=flags,
        criteria=tuple(
            CriterionResult(c, choices.get(c.id, CriterionChoice()), score.criteria[c.id], by_autograder)
            for c in rubric.criteria
        ),
        final=score.final,
    )


GRADED = {
    "correctness": CriterionChoice(level="Proficient", adjustment=D("-2.5"), adjustment_comment="off by one"),
    "style": CriterionChoice(
        items=("Unclear names",), comment="Good structure.\nName things for what they hold."
    ),
    "tests": CriterionChoice(points=D(16)),
}


def blocks(page: str) -> list[Token]:
    return MD.parse(page)


def inline_tokens(page: str) -> list[Token]:
    return [child for token in blocks(page) for child in (token.children or [])]


def headings(page: str) -> list[tuple[str, str]]:
    tokens = blocks(page)
    return [(t.tag, plain(tokens[i + 1])) for i, t in enumerate(tokens) if t.type == "heading_open"]


def table_rows(page: str) -> list[list[str]]:
    rows: list[list[str]] = []
    for token in blocks(page):
        if token.type == "tr_open":
            rows.append([])
        elif token.type == "inline" and rows and token.level >= 4:
            rows[-1].append("".join(c.content for c in token.children or []))
    return rows


def plain(token: Token) -> str:
    """The text a reader sees in an inline token (soft and hard breaks as newlines)."""
    return "".join("\n" if c.type in ("softbreak", "hardbreak") else c.content for c in token.children or [])


def test_a_graded_page_shows_every_part_a_student_needs() -> None:
    page = render_feedback(sheet(GRADED, late_minutes=125))
    assert headings(page) == [
        ("h1", "Feedback: Calculator"),
        ("h2", "Results"),
        ("h2", "Criteria"),
        ("h3", "Correct results: 27.5 / 40"),
        ("h3", "Code quality: 15 / 20"),
        ("h3", "Test suite passes: 16 / 20"),
    ]
    assert "- **Total:** 52.65 / 80" in page
    assert "- **Late:** 2h 5m late: 1 started day(s) × 10% = 10% off, late penalty −5.85" in page
    assert f"- **Graded commit:** `{'a' * 40}` “Handle division by zero”" in page
    assert table_rows(page) == [
        ["Criterion", "Result", "Points"],
        ["Correct results", "Proficient (30)", "27.5 / 40"],
        ["Code quality", "1 item: Unclear names (−5)", "15 / 20"],
        ["Test suite passes", "autograded", "16 / 20"],
        ["Before the late penalty", "", "58.5 / 80"],
        ["Late penalty", "", "−5.85"],
        ["Total", "", "52.65 / 80"],
    ]
    assert "Level reached: **Proficient** (30 points)\n\nOne edge case mishandled" in page
    assert "Adjustment: -2.5 points\n\n> off by one\n" in page
    assert "- [x] Unclear names (-5)\n- [ ] No docstrings (-5)" in page
    assert "Comment:\n\n> Good structure.\\\n> Name things for what they hold.\n" in page
    assert "Autograded with `python -m pytest -q`: 16 / 20 (recorded by a grader)" in page


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (0, "on time"),
        (9, "9m late, within the 15-minute grace period: no penalty"),
        (3 * 1440 + 1, "3d 1m late, more than 3 day(s): the total is 0 (late penalty −58.5)"),
        (None, "not known"),
    ],
)
def test_the_late_status_says_what_it_cost(minutes: int | None, expected: str) -> None:
    assert f"- **Late:** {expected}\n" in render_feedback(sheet(GRADED, late_minutes=minutes))


def test_autograde_results_say_who_recorded_them_or_that_they_are_pending() -> None:
    ran = render_feedback(sheet(GRADED, by_autograder=True))
    assert "Autograded with `python -m pytest -q`: 16 / 20 (recorded by the autograder)" in ran
    pending = render_feedback(sheet({**GRADED, "tests": CriterionChoice()}, flags=("autograde pending",)))
    assert "Autograded with `python -m pytest -q`: not scored yet, so the grade is not final." in pending
    assert ["Test suite passes", "autograde pending", "– / 20"] in table_rows(pending)
    assert "- **Flags:** autograde pending\n" in pending


def test_a_grade_that_is_not_final_says_what_is_missing_and_shows_no_total() -> None:
    pending = {**GRADED, "tests": CriterionChoice()}
    page = render_feedback(sheet(pending, late_minutes=125))
    # 27.5 + 15 = 42.5 scored so far, 38.25 after the penalty: neither is the student's total
    assert page.startswith(
        "# Feedback: Calculator\n\n"
        "**Not final:** Test suite passes (20 points) not scored yet, so this page gives no total yet.\n"
    )
    assert "- **Total:** not final yet\n" in page
    assert "- **Late:** 2h 5m late: 1 started day(s) × 10% = 10% off the total\n" in page
    assert table_rows(page)[-1] == ["Total", "", "not final: Test suite passes (20 points) not scored yet"]
    assert not any(shown in page for shown in ("42.5", "38.25", "4.25", "/ 80")), "no partial sum anywhere"
    too_late = render_feedback(sheet(pending, late_minutes=4 * 1440))
    assert "4d late, more than 3 day(s): the total will be 0\n" in too_late
    two = render_feedback(sheet({"correctness": GRADED["correctness"]}))
    assert "**Not final:** Code quality (20 points) and Test suite passes (20 points) not scored yet" in two
    hostile = replace(RUBRIC.criteria[2], title="<b>Tests</b> | *x*")
    rubric = replace(RUBRIC, criteria=(*RUBRIC.criteria[:2], hostile))
    escaped = render_feedback(sheet(pending, rubric=rubric))
    assert "**Not final:** \\<b\\>Tests\\</b\\> \\| \\*x\\* (20 points) not scored yet" in escaped


def test_the_same_grade_gives_the_same_page() -> None:
    assert render_feedback(sheet(GRADED)) == render_feedback(sheet(dict(GRADED)))


HOSTILE_NAME = (
    "Mallory\x1b]0;PWNED\x07\x1b[2J [click](javascript:alert(1)) <img src=x onerror=alert(1)> "
    "| `x` *b* _i_ ~~s~~ $x$ &amp; \u202eevil\n---\n# Pwned"
)
HOSTILE_SUBJECT = "Fix </details> ![x](http://evil.example/x.png) [^1] `code` | cell"
HOSTILE_COMMENT = (
    "Nice\n# Heading\n```\ncode block?\n```\n| a | b |\n| - | - |\n1. item\n+ item\n"
    "    indented\n<script>alert(1)</script>\n---\n===\n> nested"
)


def test_hostile_strings_stay_literal_text_in_their_place() -> None:
    choices = {**GRADED, "style": CriterionChoice(items=(), comment=HOSTILE_COMMENT)}
    page = render_feedback(sheet(choices, name=HOSTILE_NAME, subject=HOSTILE_SUBJECT))
    tokens = blocks(page)
    kinds = {t.type for t in tokens} | {c.type for c in inline_tokens(page)}
    assert not kinds & {
        "html_block",
        "html_inline",
        "link_open",
        "image",
        "fence",
        "code_block",
        "hr",
        "s_open",
    }
    assert len([t for t in tokens if t.type == "table_open"]) == 1
    assert len([t for t in tokens if t.type == "blockquote_open"]) == 2
    assert [t.content for t in inline_tokens(page) if t.type == "code_inline"] == [
        "a" * 40,
        "python -m pytest -q",
    ]
    assert headings(page)[0] == ("h1", "Feedback: Calculator")
    assert len(headings(page)) == 6
    assert not any(ch in page for ch in "\x1b\x07\u202e")

    student = next(t for t in tokens if t.type == "inline" and t.content.startswith("**Student:**"))
    assert plain(student) == (
        "Student: Mallory␛]0;PWNED␇␛[2J [click](javascript:alert(1)) <img src=x onerror=alert(1)> "
        "| `x` *b* _i_ ~~s~~ $x$ &amp; <U+202E>evil --- # Pwned (00123)"
    )
    commit = next(t for t in tokens if t.type == "inline" and t.content.startswith("**Graded commit:**"))
    assert plain(commit).endswith(f"{'a' * 40} “{HOSTILE_SUBJECT}”")
    quoted = [
        t for i, t in enumerate(tokens) if t.type == "inline" and tokens[i - 2].type == "blockquote_open"
    ]
    assert plain(quoted[-1]) == "\n".join(line.strip() for line in HOSTILE_COMMENT.split("\n"))


def test_hostile_rubric_text_cannot_break_the_table_or_the_headings() -> None:
    odd = replace(
        RUBRIC,
        criteria=(
            replace(RUBRIC.criteria[0], title="Correct | results\n## sneaky", levels=(Level("A|B", D(40)),)),
            *RUBRIC.criteria[1:],
        ),
    )
    page = render_feedback(sheet({"correctness": CriterionChoice(level="A|B")}, rubric=odd))
    assert table_rows(page)[1] == ["Correct | results ## sneaky", "A|B (40)", "40 / 40"]
    assert [h for _, h in headings(page)][3] == "Correct | results ## sneaky: 40 / 40"
    assert len(headings(page)) == 6


HOSTILE_OUTPUT = (
    "FAILED test_calc.py::test_div - assert 3 == 3.5\n"
    "```\n# Pwned\n<script>alert(1)</script>\x1b]0;title\x07 ````` </pre>\n"
    "1 failed, 2 passed in 0.05s\n"
)


def with_run(run: AutogradeFeedback, *, by_autograder: bool = True) -> FeedbackSheet:
    made = sheet(GRADED, by_autograder=by_autograder)
    criteria = tuple(replace(r, run=run) if r.criterion.id == "tests" else r for r in made.criteria)
    return replace(made, criteria=criteria)


def test_a_run_lists_its_failing_tests_and_the_end_of_its_output_as_literal_text() -> None:
    run = AutogradeFeedback(
        "partial",
        "1 of 3 tests failed: test_div",
        ("test_calc.test_div", "a`b"),
        HOSTILE_OUTPUT,
        sandbox="bwrap",
    )
    page = render_feedback(with_run(run))
    tokens = blocks(page)
    assert "Latest run: partial: 1 of 3 tests failed: test\\_div" in page
    codes = [t.content for t in inline_tokens(page) if t.type == "code_inline"]
    assert "test_calc.test_div" in codes and "a`b" in codes
    (fence,) = [t for t in tokens if t.type == "fence"]
    assert fence.info == "text"
    assert fence.content == HOSTILE_OUTPUT.replace("\x1b", "␛").replace("\x07", "␇").rstrip("\n") + "\n"
    assert len(headings(page)) == 6  # the output's "# Pwned" stays inside the block
    assert not any(t.type in ("html_block", "html_inline") for t in tokens)
    assert "unsandboxed" not in page and "A grader's points stand" not in page


def test_a_long_output_shows_its_end_an_override_and_an_unsandboxed_run_say_so() -> None:
    long = "".join(f"line {n}\n" for n in range(5000))
    run = AutogradeFeedback("failed", "exit status 1", (), long, output_truncated=False, sandbox="trusted")
    page = render_feedback(with_run(run, by_autograder=False))
    (fence,) = [t for t in blocks(page) if t.type == "fence"]
    assert fence.content.endswith("line 4999\n") and "line 0\n" not in fence.content
    assert len(fence.content) <= 8 * 1024 + 1
    assert "Output (its end; earlier output was cut):" in page
    assert "A grader's points stand instead of the run's." in page
    assert "The check ran unsandboxed (the course trusts its code)." in page
