"""The Similarity screen on a copy of the pulled demo, after a real run of the engine: pairs sorted
under a histogram, a pair side by side with `]` between fragments, a verdict with a note saved
(audited) and shown, the Submissions list's marker, and escape cancelling a running comparison."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from hostile import RecordingApp, screen_lines
from test_anonymous_grading import identity_terms, leaks, make_anonymous
from textual.app import App
from textual.widgets import DataTable, Static

from grader.cli.main import main
from grader.domain.anonymity import is_pseudonym
from grader.domain.progress import Progress
from grader.domain.similarity import VERDICT_RECORDED, Settings
from grader.gradebook.context import CourseContext, open_course
from grader.gradebook.similarity import SimilarityReport, run_similarity
from grader.tui.screens import similarity as similarity_screen
from grader.tui.screens.notes import NoteModal
from grader.tui.screens.similarity import SimilarityScreen
from grader.tui.screens.similarity_pair import MATCH_STYLE, PairScreen, side_heading, side_text
from grader.tui.screens.submissions import SubmissionsScreen
from grader.tui.widgets.submission_table import SubmissionTable

ASSIGNMENT = "a1-calculator"


class SimilarityApp(RecordingApp):
    """Opens the Submissions screen; `S` there opens the Similarity screen."""

    def __init__(self, ctx: CourseContext) -> None:
        super().__init__()
        self.ctx = ctx

    def on_mount(self) -> None:
        self.push_screen(SubmissionsScreen(self.ctx, ASSIGNMENT))

    def when_open(self, what: str, action: Callable[[CourseContext], object]) -> None:
        action(self.ctx)


def compared(ctx: CourseContext) -> SimilarityReport:
    *_, report = run_similarity(ctx, ASSIGNMENT, Settings())
    assert isinstance(report, SimilarityReport)
    return report


def planted(ctx: CourseContext) -> set[frozenset[str]]:
    manifest = json.loads((ctx.root / ".grader" / "demo-manifest.json").read_text(encoding="utf-8"))
    return {frozenset((c["copier"], c["original"])) for c in manifest["copies"]}


async def settle(app: App[Any], pilot: Any) -> None:
    await pilot.pause()
    for _ in range(1000):
        if all(w.is_finished for w in app.workers):
            break
        await pilot.pause(0.01)
    await pilot.pause()


def plain(app: App[Any], selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def test_on_the_demo_exactly_the_planted_copies_score_above_three_quarters(
    ctx: CourseContext, capsys: pytest.CaptureFixture[str]
) -> None:
    """The demo's students write their own calculators: `grader similarity` finds the three planted
    copies (verbatim, renamed and restyled, reordered with dead code) and no other pair reaches
    75 % on either side."""
    assert main(["--course", str(ctx.root), "similarity", ASSIGNMENT, "--json"]) == 0
    pairs = json.loads(capsys.readouterr().out)["pairs"]
    above = [p for p in pairs if max(p["similarity_a"], p["similarity_b"]) >= 0.75]
    assert {frozenset((p["a"], p["b"])) for p in above} == planted(ctx)
    assert len(above) == 3 and all(p["longest_lines"] >= 20 for p in above)
    others = [max(p["similarity_a"], p["similarity_b"]) for p in pairs[3:]]
    assert others and max(others) < 0.7, "a clear gap between the copies and independent work"


async def test_pairs_sorted_with_a_histogram_a_pair_side_by_side_and_a_verdict(ctx: CourseContext) -> None:
    report = compared(ctx)
    app = SimilarityApp(ctx)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("S")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, SimilarityScreen)
        scores = [p.similarity for p in screen.pairs]
        assert len(scores) == len(report.pairs) > 3 and scores == sorted(scores, reverse=True)
        assert {frozenset((p.a, p.b)) for p in screen.pairs[:3]} == planted(ctx)
        assert screen.query_one(DataTable).row_count == len(scores)
        shown = plain(app, "#similarity-histogram")
        assert "0%" in shown and "100%" in shown and f"{len(scores):,} pairs" in shown

        top = screen.pairs[0]
        await pilot.press("enter")
        await settle(app, pilot)
        pair = app.screen
        assert isinstance(pair, PairScreen) and len(pair.fragments) >= 2
        first = pair.fragments[0]
        side_a = plain(app, "#side-a")
        assert f"lines {first.fragment.first_a}–{first.fragment.last_a}" in plain(app, "#head-a")
        assert first.text_a.splitlines()[0].strip() in side_a
        assert first.text_b.splitlines()[-1].strip() in plain(app, "#side-b")
        assert "fragment 1 of" in plain(app, "#pair-title")
        await pilot.press("right_square_bracket")
        second = pair.fragments[1].fragment
        assert "fragment 2 of" in plain(app, "#pair-title")
        assert f"lines {second.first_b}–{second.last_b}" in plain(app, "#head-b")

        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, NoteModal)
        await pilot.press(*"same parser", "enter")
        await settle(app, pilot)
        assert pair.is_current and pair.pair.verdict == "to discuss"
        assert "to discuss" in plain(app, "#pair-title") and "same parser" in plain(app, "#pair-title")
        (entry,) = ctx.store.audit_entries(VERDICT_RECORDED)
        assert entry.details["verdict"] == "to discuss" and entry.details["note"] == "same parser"

        await pilot.press("escape")
        await settle(app, pilot)
        assert screen.is_current and screen.pairs[0].verdict == "to discuss"
        await pilot.press("escape")
        await settle(app, pilot)
        table = app.screen.query_one(SubmissionTable)
        for student_id in (top.a, top.b):
            table.move_to_student(student_id)
            await settle(app, pilot)
            row = table.render_line(table.cursor - int(table.scroll_y) + table.header_lines).text
            assert "≈ to discuss" in row
        assert table.listing.similar == {top.a: "to discuss", top.b: "to discuss"}
        assert not app.internal_errors


async def test_confirming_flags_both_and_says_so(ctx: CourseContext) -> None:
    compared(ctx)
    app = SimilarityApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(SimilarityScreen(ctx, ASSIGNMENT))
        await settle(app, pilot)
        top = app.screen.pairs[0] if isinstance(app.screen, SimilarityScreen) else None
        assert top is not None
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("c", *"copied", "enter")
        await settle(app, pilot)
        assert any("both submissions are flagged" in message for _, message in app.messages_shown)
        grades = ctx.store.grades(ASSIGNMENT)
        assert all("confirmed copy" in grades[s].flag_note for s in (top.a, top.b))


def paced(monkeypatch: pytest.MonkeyPatch) -> list[Progress]:
    """The real engine, its first run slowed between its steps so that a key lands while it
    runs (the runs after it at full speed: no key is pressed during them); the progress the
    screen was given is kept."""
    seen: list[Progress] = []
    runs: list[object] = []

    def slow(*args: Any) -> Iterator[Progress | SimilarityReport]:
        run = cast("Generator[Progress | SimilarityReport]", run_similarity(*args))
        runs.append(run)
        first = len(runs) == 1
        try:
            for step in run:
                if isinstance(step, Progress):
                    seen.append(step)
                    if first:
                        time.sleep(0.05)
                yield step
        finally:
            run.close()

    monkeypatch.setattr(similarity_screen, "run_similarity", slow)
    return seen


async def test_a_run_shows_progress_reuse_and_escape_cancels_it(
    ctx: CourseContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = paced(monkeypatch)
    app = SimilarityApp(ctx)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("S")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, SimilarityScreen) and screen.pairs == []
        assert "press r" in plain(app, "#similarity-histogram")
        await pilot.press("r")
        for _ in range(200):
            if "reading" in plain(app, "#similarity-progress"):
                break
            await pilot.pause(0.01)
        assert "escape cancels" in plain(app, "#similarity-progress")
        await pilot.press("escape")
        await settle(app, pilot)
        assert screen.is_current, "the first escape cancels the run, it does not leave"
        assert ("warning", "comparison cancelled: nothing was saved") in app.messages_shown
        assert ctx.store.latest_similarity_run(ASSIGNMENT) is None

        await pilot.press("r")
        await settle(app, pilot)
        assert screen.pairs and "0 reused" in plain(app, "#similarity-title")
        await pilot.press("r")
        await settle(app, pilot)
        assert f"0 pairs computed, {len(screen.pairs)} reused" in plain(app, "#similarity-title")
        assert any("pairs (0 reused)" in step.message for step in seen)
        assert not app.internal_errors


def test_a_side_shows_its_file_with_the_fragment_highlighted_and_controls_visible() -> None:
    lines = [f"line {n}" for n in range(1, 11)] + ["evil \x1b[2J\u202e here"]
    assert side_heading("00123", "src/calc.py", 4, 6).plain == "00123  src/calc.py\nlines 4–6"
    text = side_text(4, 6, "ignored", lines)
    shown = text.plain.splitlines()
    assert shown[0].split() == ["1", "line", "1"] and len(shown) == len(lines)
    assert "\x1b" not in text.plain and "\u202e" not in text.plain
    lit = {text.plain[span.start : span.end] for span in text.spans if span.style == MATCH_STYLE}
    assert lit == {"line 4", "line 5", "line 6"}
    unread = side_text(7, 8, "a = 1\nb = 2", None).plain.splitlines()
    assert unread == ["    7 a = 1", "    8 b = 2"]


async def test_an_anonymous_assignment_shows_pseudonyms_only(demo_root: Path) -> None:
    make_anonymous(demo_root)
    assert main(["--course", str(demo_root), "pull", ASSIGNMENT]) == 0
    with open_course(demo_root, actor="ta-test") as ctx:
        compared(ctx)
        terms = identity_terms(list(ctx.files.students))
        app = SimilarityApp(ctx)
        async with app.run_test(size=(200, 50)) as pilot:
            await settle(app, pilot)
            app.push_screen(SimilarityScreen(ctx, ASSIGNMENT))
            await settle(app, pilot)
            screen = app.screen
            assert isinstance(screen, SimilarityScreen) and screen.pairs
            assert all(is_pseudonym(p.a) and is_pseudonym(p.b) for p in screen.pairs)
            shown = {"list": "\n".join(screen_lines(app))}
            await pilot.press("enter")
            await settle(app, pilot)
            await pilot.press("t", *"look again", "enter")
            await settle(app, pilot)
            shown["pair"] = "\n".join(screen_lines(app))
            await pilot.press("escape", "escape")
            await settle(app, pilot)
            shown["submissions"] = "\n".join(screen_lines(app))
            shown["notifications"] = "\n".join(m for _, m in app.messages_shown)
        assert "≈ to discuss" in shown["submissions"]
        assert {name: found for name, text in shown.items() if (found := leaks(text, terms))} == {}
