"""Feedback for one student on one assignment, as a Markdown page.

A grade that is not final (a criterion, often the autograded one, not scored yet) says so at the
top, names what is missing, and shows no total: a partial sum is not the student's score.
Every string that is not ours (names, ids, rubric text, comments, commit subjects) is shown
literally: control characters made visible, Markdown and HTML syntax escaped, newlines kept
inside the block they belong to. No timestamp is written, so an unchanged grade gives an
unchanged file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from grader.domain.check_results import sandbox_words
from grader.domain.choice_words import chosen_words
from grader.domain.choices import CriterionChoice
from grader.domain.course import LatePolicy
from grader.domain.lateness import late_duration, penalty_text
from grader.domain.rubric import Criterion, CriterionKind
from grader.domain.scoring import late_days, penalty_fraction
from grader.domain.text import printable

_INLINE = re.compile(r"([\\`*_\[\]<>&~|$#])")
_BLOCK_START = re.compile(r"([-+=]|\d{1,9}[.)])")


def text(value: str) -> str:
    """``value`` as literal inline Markdown on one line."""
    flat = " ".join(printable(value.replace("\t", " "), keep_newlines=True).split("\n"))
    return _INLINE.sub(r"\\\1", flat)


def quote(value: str) -> list[str]:
    """``value`` as a block quote of literal lines (a grader's comment keeps its line breaks)."""
    lines = printable(value.replace("\r\n", "\n").replace("\r", "\n"), keep_newlines=True).split("\n")
    escaped = []
    for line in lines:
        safe = _INLINE.sub(r"\\\1", line.strip())
        start = _BLOCK_START.match(safe)
        if start:
            safe = f"{start.group(1)[:-1]}\\{start.group(1)[-1]}{safe[start.end() :]}"
        escaped.append(safe)
    while len(escaped) > 1 and not escaped[-1]:
        escaped.pop()
    # A backslash at the end of a line is a hard line break: the comment keeps its lines.
    breaks = [bool(line and following) for line, following in zip(escaped, [*escaped[1:], ""], strict=True)]
    return [f"> {line}{chr(92) if hard else ''}".rstrip() for line, hard in zip(escaped, breaks, strict=True)]


def code(value: str) -> str:
    """``value`` as a code span that no backtick inside can close early."""
    flat = " ".join(printable(value, keep_newlines=True).split("\n"))
    fence = "`" * (max((len(run) for run in re.findall(r"`+", flat)), default=0) + 1)
    return (
        f"{fence} {flat} {fence}" if flat.startswith("`") or flat.endswith("`") else f"{fence}{flat}{fence}"
    )


def points(value: Decimal) -> str:
    """A Decimal as written by hand: 30, 12.5, -2.5."""
    shown = format(value.normalize(), "f")
    return "0" if shown in ("-0", "0") else shown


def signed(value: Decimal) -> str:
    return f"+{points(value)}" if value > 0 else points(value)


def percent(fraction: Decimal) -> str:
    return f"{points(fraction * 100)}%"


OUTPUT_SHOWN = 8 * 1024
"""The most characters of a check's output a page shows (its end, where test runners sum up)."""
TESTS_SHOWN = 50


@dataclass(frozen=True)
class AutogradeFeedback:
    """The latest run of an autograded criterion, as the student sees it."""

    status: str
    reason: str
    failing: tuple[str, ...] = ()
    """The tests (or input/output cases) that failed."""
    output: str = ""
    """The output as the gradebook kept it (already capped there)."""
    output_truncated: bool = False
    sandbox: str = ""


@dataclass(frozen=True)
class CriterionResult:
    criterion: Criterion
    choice: CriterionChoice
    points: Decimal | None
    by_autograder: bool = False
    """The current points are a run's (not typed by a grader)."""
    run: AutogradeFeedback | None = None
    """The latest autograde run of this criterion, when a check ran."""


@dataclass(frozen=True)
class FeedbackSheet:
    course_title: str
    assignment_id: str
    assignment_title: str
    student_id: str
    student_name: str
    total: Decimal
    max_score: Decimal
    penalty: Decimal
    late_minutes: int | None
    late_policy: LatePolicy
    graded_commit: str | None
    commit_subject: str
    flags: tuple[str, ...]
    criteria: tuple[CriterionResult, ...]
    dated_by: str = ""
    """What the graded commit's lateness is measured from ("dated by commit time")."""
    final: bool = True
    """Every criterion is scored (``grader.domain.scoring.is_final``); else ``total`` is partial
    and the page shows none."""


def not_final_text(sheet: FeedbackSheet) -> str:
    """What keeps the grade from being final: "Test suite passes (20 points) not scored yet"."""
    missing = [r.criterion for r in sheet.criteria if r.points is None]
    named = [f"{c.title} ({points(c.max_points)} points)" for c in missing]
    listed = ", ".join(named[:-1]) + f" and {named[-1]}" if len(named) > 1 else "".join(named)
    return f"{listed or 'a criterion'} not scored yet"


def late_status(sheet: FeedbackSheet) -> str:
    """On time, within grace, or how late and what it cost (in points once the grade is final)."""
    minutes, policy = sheet.late_minutes, sheet.late_policy
    if minutes is None:
        return "no submission was found" if sheet.graded_commit is None else "not known"
    if minutes == 0:
        return "on time"
    late = late_duration(minutes)
    days = late_days(minutes, policy)
    if days == 0:
        return f"{late} late, within the {policy.grace_minutes}-minute grace period: no penalty"
    fraction = penalty_fraction(minutes, policy)
    if policy.max_days is not None and days > policy.max_days:
        if not sheet.final:
            return f"{late} late, more than {policy.max_days} day(s): the total will be 0"
        return (
            f"{late} late, more than {policy.max_days} day(s): the total is 0 ({penalty_text(sheet.penalty)})"
        )
    rate = f"{days} started day(s) × {percent(policy.penalty_per_day)}"
    cost = f", {penalty_text(sheet.penalty)}" if sheet.final else " the total"
    return f"{late} late: {rate} = {percent(fraction)} off{cost}"


def _result(result: CriterionResult) -> str:
    """What was chosen, in the one wording of a choice (``chosen_words``): "Proficient (28)"."""
    criterion, choice = result.criterion, result.choice
    if criterion.kind is CriterionKind.AUTOGRADED:
        return "autograded" if result.points is not None else "autograde pending"
    return text(chosen_words(choice, criterion) or "not scored")


def _score(result: CriterionResult) -> str:
    shown = points(result.points) if result.points is not None else "–"
    return f"{shown} / {points(result.criterion.max_points)}"


def _summary(sheet: FeedbackSheet) -> Iterator[str]:
    yield "| Criterion | Result | Points |"
    yield "| --- | --- | --- |"
    for result in sheet.criteria:
        yield f"| {text(result.criterion.title)} | {_result(result)} | {_score(result)} |"
    if not sheet.final:
        yield f"| **Total** | | not final: {text(not_final_text(sheet))} |"
        return
    subtotal = sheet.total + sheet.penalty
    if sheet.penalty:
        yield f"| Before the late penalty | | {points(subtotal)} / {points(sheet.max_score)} |"
        yield f"| Late penalty | | −{points(sheet.penalty)} |"
    yield f"| **Total** | | **{points(sheet.total)} / {points(sheet.max_score)}** |"


def _choice_lines(result: CriterionResult) -> Iterator[str]:
    criterion, choice = result.criterion, result.choice
    if criterion.kind is CriterionKind.LEVELS:
        level = criterion.level(choice.level) if choice.level is not None else None
        if level is None:
            yield "Not scored."
            return
        yield f"Level reached: **{text(level.label)}** ({points(level.points)} points)"
        if level.description:
            yield ""
            yield text(level.description)
    elif criterion.kind is CriterionKind.CHECKLIST:
        if choice.items is None:
            yield "Not scored."
            return
        start = criterion.points if criterion.deducts else Decimal(0)
        kind = "deductions from" if criterion.deducts else "additions to"
        yield f"Items ({kind} {points(start)}):"
        yield ""
        ticked = set(choice.items)
        for item in criterion.items:
            yield f"- [{'x' if item.label in ticked else ' '}] {text(item.label)} ({signed(item.points)})"
    elif criterion.kind is CriterionKind.AUTOGRADED:
        check = f" with {code(criterion.check.run)}" if criterion.check else ""
        if result.points is None:
            yield f"Autograded{check}: not scored yet, so the grade is not final."
        else:
            by = "the autograder" if result.by_autograder else "a grader"
            yield f"Autograded{check}: {_score(result)} (recorded by {by})"
        if result.run is not None:
            yield from _run_lines(
                result.run, overridden=result.points is not None and not result.by_autograder
            )
    elif choice.points is not None:
        yield f"Points given: {points(choice.points)}"
    else:
        yield "Not scored."


def _run_lines(run: AutogradeFeedback, *, overridden: bool) -> Iterator[str]:
    """The latest run: its outcome and why, the failing tests, the end of its output."""
    yield ""
    yield f"Latest run: {text(run.status)}: {text(run.reason)}"
    if overridden:
        yield ""
        yield "A grader's points stand instead of the run's."
    if run.sandbox == "trusted":
        yield ""
        yield "The check ran unsandboxed (the course trusts its code)."
    elif run.sandbox:
        yield ""
        yield f"The check ran {sandbox_words(run.sandbox)}."
    if run.failing:
        yield ""
        yield "Failing tests:"
        yield ""
        yield from (f"- {code(name)}" for name in run.failing[:TESTS_SHOWN])
        if len(run.failing) > TESTS_SHOWN:
            yield f"- and {len(run.failing) - TESTS_SHOWN} more"
    if run.output.strip():
        yield from _output_block(run.output, run.output_truncated)


def _output_block(output: str, truncated: bool) -> Iterator[str]:
    """The end of the output as a fenced block: literal, control characters made visible."""
    shown = printable(output.replace("\r\n", "\n").replace("\r", "\n"), keep_newlines=True)
    cut = truncated or len(shown) > OUTPUT_SHOWN
    shown = shown[-OUTPUT_SHOWN:].strip("\n")
    fence = "`" * max(3, max((len(run) for run in re.findall(r"`+", shown)), default=0) + 1)
    yield ""
    yield "Output (its end; earlier output was cut):" if cut else "Output:"
    yield ""
    yield f"{fence}text"
    yield from shown.split("\n")
    yield fence


def _criterion(result: CriterionResult) -> Iterator[str]:
    yield f"### {text(result.criterion.title)}: {_score(result)}"
    yield ""
    yield from _choice_lines(result)
    choice = result.choice
    if choice.adjustment:
        yield ""
        yield f"Adjustment: {signed(choice.adjustment)} points"
        yield ""
        yield from quote(choice.adjustment_comment)
    if choice.comment.strip():
        yield ""
        yield "Comment:"
        yield ""
        yield from quote(choice.comment)
    yield ""


def render_feedback(sheet: FeedbackSheet) -> str:
    """The whole Markdown page."""
    lines = [f"# Feedback: {text(sheet.assignment_title)}", ""]
    if not sheet.final:
        lines += [f"**Not final:** {text(not_final_text(sheet))}, so this page gives no total yet.", ""]
    total = f"{points(sheet.total)} / {points(sheet.max_score)}" if sheet.final else "not final yet"
    lines += [
        f"- **Student:** {text(sheet.student_name)} ({text(sheet.student_id)})",
        f"- **Assignment:** {text(sheet.assignment_title)} ({text(sheet.assignment_id)}), "
        f"{text(sheet.course_title)}",
        f"- **Total:** {total}",
        f"- **Late:** {late_status(sheet)}",
    ]
    if sheet.graded_commit:
        subject = f" {text(_quoted(sheet.commit_subject))}" if sheet.commit_subject else ""
        basis = f" ({sheet.dated_by})" if sheet.dated_by else ""
        lines.append(f"- **Graded commit:** {code(sheet.graded_commit)}{subject}{basis}")
    else:
        lines.append("- **Graded commit:** none")
    if sheet.flags:
        lines.append(f"- **Flags:** {'; '.join(text(flag) for flag in sheet.flags)}")
    lines += ["", "## Results", "", *_summary(sheet), "", "## Criteria", ""]
    for result in sheet.criteria:
        lines += _criterion(result)
    return "\n".join(lines).rstrip("\n") + "\n"


def _quoted(subject: str) -> str:
    """A commit subject in quotation marks, shortened."""
    return f"“{subject[:117]}…”" if len(subject) > 120 else f"“{subject}”"
