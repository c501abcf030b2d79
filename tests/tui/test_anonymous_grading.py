"""Anonymous grading in the TUI: every grading screen of an anonymous assignment shows
pseudonyms, never a student's name, id, e-mail, GitHub handle or LMS id (commit metadata and
the code a student wrote included), and the folders of their work are named by pseudonym."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from autograde_results import record_result, run_failing
from grading_harness import A1, busy, until
from hostile import screen_lines
from textual.pilot import Pilot

from grader.cli.main import main
from grader.domain.anonymity import Identities, is_pseudonym
from grader.domain.moderation import SampleSize
from grader.domain.roster import Student
from grader.git.history import commit_people
from grader.gradebook.anonymity import identities, reveal
from grader.gradebook.context import CourseContext, open_course, utc_now
from grader.gradebook.grading import ChoiceRequest, record_choice
from grader.gradebook.listing import SubmissionFilter, SubmissionList
from grader.gradebook.moderation import sample_for_moderation
from grader.gradebook.pull import checkout_of, mirror_of, mirror_path
from grader.tui.app import GraderApp, make_app
from grader.tui.screens.autograde_output import OutputModal
from grader.tui.screens.grading import GradingScreen
from grader.tui.screens.history import HistoryModal
from grader.tui.screens.moderation_queue import ModerationQueueScreen
from grader.tui.screens.second_marking import SecondMarkingScreen
from grader.tui.screens.submissions import SubmissionsScreen

SIZE = (200, 50)
"""Wide and tall: nothing that would leak is cut off the screen."""


def make_anonymous(root: Path, assignment_id: str = A1) -> None:
    path = root / "course.yaml"
    text = path.read_text(encoding="utf-8")
    marker = f"  - id: {assignment_id}\n"
    assert marker in text
    path.write_text(text.replace(marker, f"{marker}    anonymous: true\n"), encoding="utf-8")


def identity_terms(students: list[Student]) -> dict[str, str]:
    """Every string that would identify a student → whose it is."""
    terms: dict[str, str] = {}
    for s in students:
        parts = [p for p in re.split(r"[\s\-']+", s.name) if len(p) >= 4]
        local = s.email.split("@")[0]
        for term in (s.student_id, s.name, s.email, s.github, local, s.canvas_id, s.sis_login_id, *parts):
            if term:
                terms[term] = s.student_id
    return terms


def commit_terms(ctx: CourseContext) -> dict[str, str]:
    """The names and e-mails on each student's commits (they need not match the roster's; the
    starter's and the platform's are nobody's)."""
    terms: dict[str, str] = {}
    states = ctx.store.pull_states(A1)
    for s in ctx.files.students:
        state = states.get(s.student_id)
        if state is not None and state.graded_commit:
            for person in commit_people(mirror_of(ctx, A1, s.student_id), state.graded_commit):
                terms[person] = s.student_id
    assert len(terms) > 20
    return {t: sid for t, sid in terms.items() if len(t) >= 4}


def leaks(text: str, terms: dict[str, str]) -> list[str]:
    """The terms shown as words ("Grace", not the "grace" of "graceful")."""
    return sorted({term for term in terms if re.search(rf"(?<!\w){re.escape(term)}(?!\w)", text)})


async def idle(pilot: Pilot[Any]) -> None:
    for _ in range(500):
        await pilot.pause(0.02)
        if not busy(pilot.app):
            await pilot.pause(0.05)
            if not busy(pilot.app):
                return
    raise AssertionError("the app never became idle")


class Seen:
    """Everything the screens showed, screen by screen, and every notification."""

    def __init__(self, app: GraderApp) -> None:
        self.app = app
        self.screens: dict[str, str] = {}

    def take(self, name: str) -> str:
        text = "\n".join(screen_lines(self.app))
        self.screens[name] = text
        return text

    def leaks(self, terms: dict[str, str]) -> dict[str, list[str]]:
        shown = {**self.screens, "notifications": "\n".join(m for _, m in self.app.messages_shown)}
        return {name: found for name, text in shown.items() if (found := leaks(text, terms))}


def pulled_anonymous(demo_root: Path) -> None:
    make_anonymous(demo_root)
    assert main(["--course", str(demo_root), "pull", A1]) == 0


def shown_first(ctx: CourseContext) -> list[str]:
    """Draw the pseudonyms so that the list starts with the hardest cases: a student whose commits
    carry a name the roster does not have, then one with a two-letter name (a random draw would
    show different students on each run)."""
    roster = {s.student_id: s for s in ctx.files.students}
    states = ctx.store.pull_states(A1)
    pulled = [sid for sid in roster if (state := states.get(sid)) is not None and state.graded_commit]

    def unlike_roster(sid: str) -> bool:
        """Their commits carry a name that scrubbing the roster's terms alone would leave."""
        people = commit_people(mirror_path(ctx.root, A1, sid), states[sid].graded_commit or "")
        roster_only = Identities(A1, True, {sid: "anon-22222"}, roster)
        return any(roster_only.scrub(p, sid) == p for p in people)

    first = next(sid for sid in pulled if unlike_roster(sid))
    second = next(sid for sid in pulled if len(roster[sid].name) <= 3 and sid != first)
    order = [first, second, *(sid for sid in roster if sid not in (first, second))]
    codes = iter(f"anon-{a}{b}{c}22" for a in "23456789" for b in "23456789" for c in "23456789")
    fixed = dict(zip(order, codes, strict=False))
    ctx.store.pseudonyms(
        A1,
        order,
        lambda count, taken: [fixed[s] for s in order if fixed[s] not in taken][:count],
        now=utc_now(),
    )
    return order[:2]


async def test_every_grading_screen_of_an_anonymous_assignment_shows_no_identity(demo_root: Path) -> None:
    make_anonymous(demo_root)
    with open_course(demo_root, actor="ta-test") as ctx:
        hardest = shown_first(ctx)
    assert main(["--course", str(demo_root), "pull", A1]) == 0
    with open_course(demo_root, actor="ta-test") as ctx:
        students = list(ctx.files.students)
        terms = {**identity_terms(students), **commit_terms(ctx)}
        shown = identities(ctx, A1)
        assert [s.student_id for s in SubmissionList(ctx, A1).students[:2]] == hardest
        assert shown.hidden and all(is_pseudonym(p) for p in shown.pseudonyms.values())
        first = SubmissionList(ctx, A1).students[0]
        # A graded criterion with a comment, so the history and the header have something to show.
        record_choice(
            ctx, A1, first.student_id, "correctness", ChoiceRequest(level="Proficient", comment="ok")
        )
        real = ctx.files.student(first.student_id)
        printed = f"calculator by {real.name} <{real.email}> (@{real.github}, {real.student_id})\n1 failed\n"
        record_result(ctx, first.student_id, run_failing(("test_divide",), output=printed))
        # The names on the commits need not be the roster's: the viewer scrubs them too.
        code = checkout_of(ctx, A1, first.student_id) / "calculator.py"
        state = ctx.store.pull_states(A1)[first.student_id]
        people = commit_people(mirror_of(ctx, A1, first.student_id), state.graded_commit or "")
        code.write_text(
            f"# contact: {' / '.join(people)}\n" + code.read_text(encoding="utf-8"), encoding="utf-8"
        )
        app = make_app(ctx)
        seen = Seen(app)
        async with app.run_test(size=SIZE) as pilot:
            await idle(pilot)
            await pilot.press("enter")  # the Course screen's first assignment: a1
            await until(pilot, lambda: isinstance(app.screen, SubmissionsScreen), "the Submissions screen")
            await idle(pilot)
            listed = seen.take("submissions")
            assert shown.shown_id(first.student_id) in listed
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, GradingScreen), "the Grading screen")
            screen = app.screen
            assert isinstance(screen, GradingScreen)
            await until(pilot, lambda: screen.loaded is not None, "the submission loads")
            await idle(pilot)
            graded = seen.take("grading: file")
            assert shown.shown_id(first.student_id) in graded
            for view in ("diff against the starter", "diff against the previous commit"):
                await pilot.press("d")
                await idle(pilot)
                seen.take(f"grading: {view}")
            await pilot.press("h")
            await until(pilot, lambda: isinstance(app.screen, HistoryModal), "the history")
            await idle(pilot)
            seen.take("history")
            await pilot.press("escape")
            await pilot.press("j", "o")  # the autograded criterion's output
            await until(pilot, lambda: isinstance(app.screen, OutputModal), "the check's output")
            await idle(pilot)
            assert "calculator by " + shown.shown_id(first.student_id) in seen.take("autograde output")
            await pilot.press("escape", "]")  # the next submission
            await idle(pilot)
            seen.take("grading: next submission")
        found = seen.leaks(terms)
        assert not found, f"identities shown: {found}"
        assert len(seen.screens) == 7


def test_the_folders_take_pseudonyms_and_reveal_brings_names_back(demo_root: Path) -> None:
    pulled_anonymous(demo_root)
    with open_course(demo_root, actor="ta-test") as ctx:
        pseudonyms = identities(ctx, A1).pseudonyms
        folder = demo_root / ".grader" / "checkouts" / A1
        checkouts = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
        repos = demo_root / ".grader" / "repos" / A1
        mirrors = sorted(p.name.removesuffix(".git") for p in repos.iterdir() if not p.name.startswith("."))
        assert checkouts and all(is_pseudonym(name) for name in checkouts)
        assert len(mirrors) >= len(checkouts) > 30 and set(mirrors) <= set(pseudonyms.values())
        assert set(checkouts) <= set(pseudonyms.values())
        other = "a2-webpage"
        assert not any(is_pseudonym(p.name) for p in (demo_root / ".grader" / "checkouts" / other).iterdir())
        student = ctx.files.students[0]
        listing = SubmissionList(ctx, A1)
        assert not listing.students[0].email and not listing.students[0].github
        by_name = SubmissionFilter(text=student.name)
        by_id = SubmissionFilter(text=student.student_id)
        assert not [s for s in listing.students if by_name.matches_student(s, anonymous=True)]
        assert not [s for s in listing.students if by_id.matches_student(s, anonymous=True)]
        done, made = reveal(ctx, A1)
        assert made and done.by == "ta-test"
        revealed = SubmissionList(ctx, A1)
        assert not revealed.identities.hidden
        assert [s.student_id for s in revealed.students] == [s.student_id for s in ctx.files.students]
        again, made_again = reveal(ctx, A1)
        assert not made_again and again.at == done.at
        assert [e.action for e in ctx.store.audit_entries("identities revealed")] == ["identities revealed"]
        assert identities(ctx, A1).pseudonyms == pseudonyms, "pseudonyms never change"


def test_a_pseudonym_is_stable_for_every_grader_and_differs_between_assignments(
    demo_root: Path,
) -> None:
    make_anonymous(demo_root)
    make_anonymous(demo_root, "a2-webpage")
    with open_course(demo_root, actor="ta-anna") as anna:
        first = dict(identities(anna, A1).pseudonyms)
        second = identities(anna, "a2-webpage").pseudonyms
    with open_course(demo_root, actor="ta-ben") as ben:
        assert identities(ben, A1).pseudonyms == first
    assert len(set(first.values())) == len(first)
    assert all(first[sid] != second[sid] for sid in first)


FIRST_MARKS = {
    "correctness": ChoiceRequest(level="Beginning"),
    "cli": ChoiceRequest(level="Developing"),
    "code-quality": ChoiceRequest(items=("Bare except",)),
    "readme": ChoiceRequest(level="Minimal"),
    "git-practice": ChoiceRequest(items=("Clean repository",)),
}


async def test_blind_second_marking_of_an_anonymous_assignment_shows_no_identity(demo_root: Path) -> None:
    pulled_anonymous(demo_root)
    with open_course(demo_root, actor="ta-first") as first:
        two = [s.student_id for s in SubmissionList(first, A1).students[:2]]
        for student_id in two:
            for criterion_id, request in FIRST_MARKS.items():
                record_choice(first, A1, student_id, criterion_id, request)
    with open_course(demo_root, actor="ta-test") as ctx:
        sample_for_moderation(ctx, A1, SampleSize(count=2), seed=0, per_grader=False, moderators=["ta-test"])
        terms = {**identity_terms(list(ctx.files.students)), **commit_terms(ctx)}
        shown = identities(ctx, A1)
        app = make_app(ctx)
        seen = Seen(app)
        async with app.run_test(size=SIZE) as pilot:
            await idle(pilot)
            await pilot.press("m")  # the Course screen's first assignment: a1
            await until(pilot, lambda: isinstance(app.screen, ModerationQueueScreen), "the moderation queue")
            await idle(pilot)
            queue = seen.take("moderation queue")
            assert all(shown.shown_id(sid) in queue for sid in two)
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, SecondMarkingScreen), "second marking")
            await idle(pilot)
            assert "second marking (blind)" in seen.take("second marking")
        found = seen.leaks(terms)
        assert not found, f"identities shown: {found}"
