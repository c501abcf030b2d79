"""A student's mastery per skill as bars with the formula, the badges it decides, and credentials.

Everything is built as Rich ``Text`` (never markup): skill and badge names come from course files,
and reasons can quote student data, so each goes through the one sanitiser.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from rich.text import Text
from textual.widgets import Static

from grader.domain.issued import ACTIVE, REVOKED, IssuedCredential
from grader.domain.mastery import BadgeEvaluation, BadgeStatus, SkillMastery, percent_text
from grader.tui.safe import safe_plain, safe_text

BAR_WIDTH = 20
FULL = "█"
EMPTY = "░"
STATUS_STYLES = {
    BadgeStatus.EARNED: "bold green",
    BadgeStatus.NOT_YET: "yellow",
    BadgeStatus.UNDETERMINED: "magenta",
}
NO_FILES = "no learner files yet (grader certify writes them)"
CREDENTIAL_STYLES = {ACTIVE: "green", REVOKED: "red"}


def joined(lines: Sequence[Text]) -> Text:
    """One Text of several lines (Textual sizes a single Text exactly; a Group of them it may not)."""
    return Text("\n", end="").join(lines)


def points_text(value: Decimal) -> str:
    """28.50 → "28.5", 35 → "35"."""
    return format(value.normalize(), "f")


def bar(fraction: Fraction, width: int = BAR_WIDTH) -> Text:
    """A bar of ``width`` cells, filled to ``fraction`` rounded down (never shows more than earned)."""
    filled = min(max(math.floor(fraction * width), 0), width)
    text = Text(FULL * filled, style="green", end="")
    text.append(EMPTY * (width - filled), style="dim")
    return text


def skill_lines(skill: str, description: str, figure: SkillMastery | None) -> list[Text]:
    """The bar line of one skill, then one line per criterion behind it."""
    head = safe_text(skill, style="bold")
    head.pad_right(max(0, 20 - head.cell_len))
    head.append(" ")
    if figure is None:
        head.append_text(bar(Fraction(0)))
        head.append("  –  no final grade yet", style="dim")
        lines = [head]
    else:
        head.append_text(bar(figure.fraction))
        head.append(
            f"  {percent_text(figure.percent)} = "
            f"{points_text(figure.earned)} / {points_text(figure.possible)} points"
        )
        lines = [head]
        for evidence in figure.criteria:
            line = Text("    ", end="")
            line.append_text(safe_text(f"{evidence.assignment_id} {evidence.criterion_id}", style="dim"))
            line.append(f": {points_text(evidence.earned)} / {points_text(evidence.possible)}")
            lines.append(line)
    if description:
        lines.insert(1, safe_text(f"    {description}", style="italic dim"))
    return lines


def badge_lines(evaluation: BadgeEvaluation, title: str) -> list[Text]:
    status = evaluation.status
    line = safe_text(f"{title} ({evaluation.badge_id})", style="bold")
    line.append(": ")
    line.append(status.value, style=STATUS_STYLES[status])
    lines = [line]
    if status is not BadgeStatus.EARNED:
        lines += [safe_text(f"    missing: {shortfall}") for shortfall in evaluation.shortfalls()]
    return lines


def credential_lines(credential: IssuedCredential, title: str, folder: Path | None) -> list[Text]:
    status = credential.status
    line = safe_text(f"{title} ({credential.badge_id})", style="bold")
    line.append(f"  issued {credential.issued_at:%Y-%m-%d}  ")
    line.append(status, style=CREDENTIAL_STYLES.get(status, "yellow"))
    if credential.revocation is not None:
        reason = credential.revocation.reason
        line.append_text(safe_text(f" on {credential.revocation.revoked_at:%Y-%m-%d}: {reason}"))
    elif credential.review:
        line.append_text(safe_text(f": {credential.review}"))
    lines = [line, safe_text(f"    id {credential.credential_id}", style="dim")]
    where = (
        safe_plain(str(folder)) if folder is not None else "no learner files yet (grader certify writes them)"
    )
    lines.append(Text(f"    files: {where}", style="dim", end=""))
    return lines


class MasteryBars(Static):
    """One bar per course skill: earned / possible = %, and the graded criteria behind it."""

    DEFAULT_CSS = """
    MasteryBars { height: auto; }
    """

    def show(self, skills: Mapping[str, str], figures: Mapping[str, SkillMastery]) -> None:
        lines: list[Text] = []
        for skill, description in skills.items():
            lines += skill_lines(skill, description, figures.get(skill))
        self.update(joined(lines) if lines else Text("no skills in this course's rubrics", style="dim"))


class BadgeList(Static):
    """Each course badge with the student's status and what is still missing."""

    DEFAULT_CSS = """
    BadgeList { height: auto; }
    """

    def show(self, evaluations: Sequence[BadgeEvaluation], titles: Mapping[str, str]) -> None:
        lines: list[Text] = []
        for evaluation in evaluations:
            lines += badge_lines(evaluation, titles.get(evaluation.badge_id, evaluation.badge_id))
        self.update(joined(lines) if lines else Text("this course has no badges", style="dim"))


class CredentialList(Static):
    """Credentials issued to the student: badge, date, status (with why) and the learner files."""

    DEFAULT_CSS = """
    CredentialList { height: auto; }
    """

    def show(
        self,
        credentials: Sequence[IssuedCredential],
        titles: Mapping[str, str],
        folders: Mapping[str, Path | None],
    ) -> None:
        lines: list[Text] = []
        for credential in credentials:
            title = titles.get(credential.badge_id, credential.badge_id)
            lines += credential_lines(credential, title, folders.get(credential.credential_id))
        self.update(joined(lines) if lines else Text("no credential issued yet", style="dim"))
