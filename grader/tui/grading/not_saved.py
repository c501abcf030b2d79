"""Choices a failed save left unsaved, in words: the banner, the refusal, the NOT SAVED lines of
the rubric and the list the leaving modal shows (grader.tui.screens.unsaved)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from rich.text import Text

from grader.domain.choice_words import describe_choice
from grader.domain.choices import CriterionChoice
from grader.gradebook.grading import ChoiceRequest
from grader.tui.grading.saves import Flag, SaveChoice, Unsaved
from grader.tui.safe import safe_plain, safe_text

WHAT_TO_DO = "r retries saving them in order · leaving (escape, [ ], n, ctrl+q) loses them"


def asked_for(request: ChoiceRequest) -> CriterionChoice:
    """The parts of a choice a request sets, as a choice (what the grader asked for)."""
    adjusted = bool(request.adjustment)
    return CriterionChoice(
        level=request.level,
        items=request.items,
        points=request.points,
        adjustment=request.adjustment or Decimal(0),
        adjustment_comment=(request.comment or "") if adjusted else "",
        comment="" if adjusted else request.comment or "",
    )


def describe_op(op: Unsaved, titles: Mapping[str, str], who: Callable[[str], str] = str) -> str:
    """One unsaved choice with whose and which criterion it was: "00123 · Correct results → Proficient"."""
    if isinstance(op, Flag):
        what = f"flag note → {op.note.strip()}" if op.note.strip() else "flag cleared"
    else:
        what = f"{titles.get(op.criterion_id, op.criterion_id)} → {describe_choice(asked_for(op.request))}"
    return f"{who(op.student_id)} · {what}"


@dataclass(frozen=True)
class NotSaved:
    """Why saving failed, and every choice not saved, in the order made."""

    reason: str
    ops: tuple[Unsaved, ...]
    who: Callable[[str], str] = str
    """How a student is named (a pseudonym while identities are hidden)."""

    def criteria_of(self, student_id: str) -> dict[str, tuple[str, ...]]:
        """Per criterion of this student: the unsaved choices, in words."""
        found: dict[str, tuple[str, ...]] = {}
        for op in self.ops:
            if isinstance(op, SaveChoice) and op.student_id == student_id:
                found[op.criterion_id] = (
                    *found.get(op.criterion_id, ()),
                    describe_choice(asked_for(op.request)),
                )
        return found

    def count(self) -> str:
        return "1 choice" if len(self.ops) == 1 else f"{len(self.ops)} choices"

    def banner(self) -> Text:
        """The persistent line above the panes while saving fails."""
        text = Text("NOT SAVED: ", style="bold")
        text.append_text(safe_text(self.reason, limit=300))
        text.append(f"\n{self.count()} not saved (marked NOT SAVED). {WHAT_TO_DO}", style="bold")
        return text

    def refusal(self) -> str:
        """Why a further choice is refused, and what to do."""
        return (
            f"not saved: {safe_plain(self.reason, limit=200)}. No further choice until saving works: "
            f"press r to retry saving the {self.count()} waiting, or leave and lose them"
        )
