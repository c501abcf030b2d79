"""An autograded criterion in the rubric panel: its latest run, the tests by name, any override.

Test names, reasons and outputs come from the student's program: each goes through the one
sanitiser. "autograde: not run" is said when no run exists (never a zero); a run that could not
happen says it has no score; a course that trusts its code says "trusted: not sandboxed" on
every result.
"""

from __future__ import annotations

from decimal import Decimal

from rich.text import Text

from grader.domain.autograde import CheckResult, RunStatus, TestOutcome
from grader.domain.check_results import sandbox_words
from grader.domain.choices import CriterionChoice
from grader.domain.events import AutogradeScore
from grader.domain.rubric import Criterion
from grader.gradebook.autograde_groups import short_name
from grader.tui.points import number
from grader.tui.safe import safe_text

NOT_RUN = "autograde: not run"
TRUSTED = "trusted: not sandboxed"
NAMES_FOCUSED, NAMES_OTHERWISE = 8, 3
"""Test names listed under a criterion with the focus, and under one without."""
NAME_CHARS = 38
"""A test name is cut here (the rubric panel is about 45 cells wide at 120 columns)."""
STATUS_STYLES: dict[str, str] = {
    RunStatus.PASSED: "bold green",
    RunStatus.PARTIAL: "bold yellow",
    RunStatus.FAILED: "bold red",
    RunStatus.TIMEOUT: "bold red",
    RunStatus.ERROR: "bold white on red",
    RunStatus.REFUSED: "bold white on red",
}
OUTCOME_MARKS = {
    "passed": ("✓", "green"),
    "failed": ("✗", "red"),
    "error": ("✗", "red"),
    "skipped": ("–", "dim"),
}


def sandbox_label(sandbox: str) -> Text:
    if sandbox == "trusted":
        return Text(TRUSTED, style="bold magenta")
    return Text(sandbox_words(sandbox) if sandbox else "sandbox: unknown", style="dim")


def autograde_lines(
    out: Text,
    criterion: Criterion,
    run: CheckResult | None,
    layer: AutogradeScore | None,
    choice: CriterionChoice,
    *,
    focused: bool,
) -> None:
    """Append the criterion's autograde lines to ``out`` (the panel's text)."""
    if run is None and layer is None:
        out.append(f"    {NOT_RUN}\n", style="italic yellow")
    elif run is not None:
        _run_lines(out, criterion, run, layer, focused=focused)
    else:
        assert layer is not None
        _layer_lines(out, criterion, layer)
    if choice.points is not None:
        ran = layer.points if layer is not None else run.points if run is not None else None
        gave = f"run gave {number(ran)}" if ran is not None else "no run score"
        out.append(f"    override: {number(choice.points)} ({gave})\n", style="bold magenta")
    if focused:
        scored = choice.points is not None or (layer is not None and layer.points is not None)
        first = ["enter: accept" if scored else "enter: type points", "p: override points"]
        second = ["o: output"] if run is not None else []
        second.append("A: run again" if run is not None or layer is not None else "A: run it")
        for hints in (first, second):  # two short lines: the panel is narrow
            out.append("    " + " · ".join(hints) + "\n", style="italic dim")


def _headline(out: Text, status: str, points: Decimal | None, max_points: Decimal) -> None:
    style = STATUS_STYLES.get(status, "bold")  # a StrEnum key matches its plain string
    out.append("    autograde: ")
    out.append(status, style=style)
    if points is None:
        out.append(" · no score", style="bold")
    else:
        out.append(f" · {number(points)} / {number(max_points)}")


def _run_lines(
    out: Text, criterion: Criterion, run: CheckResult, layer: AutogradeScore | None, *, focused: bool
) -> None:
    _headline(out, run.status.value, run.points, criterion.max_points)
    out.append(f"\n    {run.duration_s:.1f} s · ")
    out.append_text(sandbox_label(run.sandbox))
    out.append("\n")
    if run.points is None and layer is not None and layer.points is not None:
        out.append(f"    an earlier run's {number(layer.points)} stands\n", style="yellow")
    if run.reason and not run.tests:  # with tests, their names say it
        out.append("    ")
        out.append_text(safe_text(run.reason, style="dim", limit=160 if focused else 70))
        out.append("\n")
    _tests(out, run.tests, NAMES_FOCUSED if focused else NAMES_OTHERWISE)


def _layer_lines(out: Text, criterion: Criterion, layer: AutogradeScore) -> None:
    """Without the run itself (not read yet): what the gradebook's summary of it says."""
    _headline(out, layer.status, layer.points, criterion.max_points)
    out.append("\n    ")
    out.append_text(sandbox_label(layer.sandbox))
    out.append("\n")
    if layer.tests_total is not None:
        failed = layer.tests_total - (layer.tests_passed or 0)
        out.append(f"    tests: {layer.tests_passed or 0} passed, {failed} failed\n")
    if layer.reason:
        out.append("    ")
        out.append_text(safe_text(layer.reason, style="dim", limit=70))
        out.append("\n")


def _tests(out: Text, tests: tuple[TestOutcome, ...], shown: int) -> None:
    """The count, then the names: failed ones first, then the rest, ``shown`` at most."""
    if not tests:
        return
    failing = [t for t in tests if t.outcome in ("failed", "error")]
    passed = [t for t in tests if t.outcome == "passed"]
    others = [t for t in tests if t.outcome not in ("failed", "error", "passed")]
    counts = f"    tests: {len(passed)} passed, {len(failing)} failed"
    out.append(counts + (f", {len(others)} skipped" if others else "") + "\n")
    ordered = failing + passed + others
    for test in ordered[:shown]:  # short names: the panel is narrow (`o` has them in full)
        mark, style = OUTCOME_MARKS.get(test.outcome, ("?", ""))
        out.append(f"      {mark} ", style=style)
        out.append_text(safe_text(short_name(test.name), limit=NAME_CHARS))
        out.append("\n")
    rest = ordered[shown:]
    if rest:
        more_failed = sum(t.outcome in ("failed", "error") for t in rest)
        more_passed = sum(t.outcome == "passed" for t in rest)
        parts = [f"{more_failed} more failed"] if more_failed else []
        parts += [f"{more_passed} passed"] if more_passed else []
        parts += (
            [f"{len(rest) - more_failed - more_passed} skipped"]
            if len(rest) > more_failed + more_passed
            else []
        )
        out.append(f"      … {', '.join(parts)} (o: all)\n", style="dim")
