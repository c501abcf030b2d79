"""Claims and live updates as the gradebook offers them: who else is grading, skipping their
submissions, a feed that reports each change once, and merging a fresh grade into a screen."""

from __future__ import annotations

from datetime import datetime, timedelta

from grader.domain.choices import CriterionChoice
from grader.domain.events import SubmissionGrade
from grader.gradebook.claims import LEASE, claim, claim_warning, others_claims, release
from grader.gradebook.context import CourseContext, utc_now
from grader.gradebook.grading import ChoiceRequest, record_choice
from grader.gradebook.listing import SubmissionList
from grader.gradebook.live import LiveFeed, merge_grade

A1 = "a1-calculator"
WAIT = 3.0


def test_a_claim_is_seen_by_the_other_grader_and_warned_about(ada: CourseContext, bob: CourseContext) -> None:
    mine = claim(ada, A1, "00123")

    assert claim(bob, A1, "00123") == mine  # Ada's stands
    assert list(others_claims(bob)) == [(A1, "00123")]
    assert others_claims(ada) == {}
    warning = claim_warning(bob, A1, "00123")
    assert warning is not None and "being graded by Ada" in warning
    assert claim_warning(ada, A1, "00123") is None

    release(ada, A1, "00123")
    assert claim_warning(bob, A1, "00123") is None


def test_next_to_grade_skips_a_submission_someone_else_is_grading(
    ada: CourseContext, bob: CourseContext
) -> None:
    claim(ada, A1, "00124")

    assert SubmissionList(bob, A1).next_to_grade("00123") == "00125"
    assert SubmissionList(bob, A1).next_to_grade("00123", "correctness") == "00125"
    assert SubmissionList(ada, A1).next_to_grade("00123") == "00124"  # her own claim is no obstacle
    assert SubmissionList(bob, A1).next_ungraded(None) == "00123"


def _next(feed: LiveFeed):  # type: ignore[no-untyped-def]
    """The feed's next report, waiting at most WAIT seconds."""
    return feed.next(WAIT)


def test_the_feed_reports_another_graders_save_once(ada: CourseContext, bob: CourseContext) -> None:
    feed = LiveFeed(bob, poll=0.05)
    feed.start()
    try:
        assert feed.next(0.1) is None
        record_choice(ada, A1, "00123", "correctness", ChoiceRequest(level="Proficient"))

        changes = _next(feed)

        assert changes is not None and changes.students_of(A1) == {"00123"}
        assert changes.assignments() == {A1} and changes.claims is None
        assert feed.next(0.2) is None, "a change is reported once"
    finally:
        feed.close()


def test_the_feed_reports_claims_appearing_and_ending(ada: CourseContext, bob: CourseContext) -> None:
    feed = LiveFeed(bob, poll=0.05)
    feed.start()
    try:
        claim(ada, A1, "00125")
        appeared = _next(feed)
        assert appeared is not None and appeared.claims_changed == {(A1, "00125")}
        assert appeared.claims_of(A1) is not None and appeared.claims_of(A1)["00125"].actor == "Ada"  # type: ignore[index]

        release(ada, A1, "00125")
        ended = _next(feed)
        assert ended is not None and ended.claims_of(A1) == {}
    finally:
        feed.close()


def test_a_claim_running_out_is_reported_without_any_write(ada: CourseContext, bob: CourseContext) -> None:
    later = [utc_now()]
    feed = LiveFeed(bob, poll=0.05, clock=lambda: later[0])
    claim(ada, A1, "00126")
    feed.start()
    try:
        assert feed.next(0.1) is None
        later[0] += LEASE + timedelta(seconds=1)  # Ada's laptop closed: nobody renews

        ran_out = feed.next(0.1)

        assert ran_out is not None and ran_out.claims_of(A1) == {}
    finally:
        feed.close()


def _grade(version: int, **choices: CriterionChoice) -> SubmissionGrade:
    return SubmissionGrade(A1, "00123", version, dict(choices), "Ada", datetime(2026, 1, 1).astimezone())


GOOD, FAIR, POOR = (CriterionChoice(level=label) for label in ("Good", "Fair", "Poor"))


def test_a_fresh_grade_updates_what_the_grader_did_not_touch() -> None:
    known = _grade(3, style=GOOD)
    fresh = _grade(5, style=GOOD, correctness=FAIR)

    merged = merge_grade(known, {"style": GOOD}, fresh)

    assert merged.shown == {"style": GOOD, "correctness": FAIR}
    assert (merged.updated, merged.kept, merged.grade) == (("correctness",), (), fresh)


def test_a_choice_not_saved_yet_stays_shown_over_theirs() -> None:
    known = _grade(3, style=GOOD, correctness=GOOD)
    shown = {"style": GOOD, "correctness": POOR}  # chosen, its save still queued
    fresh = _grade(4, style=FAIR, correctness=FAIR)

    merged = merge_grade(known, shown, fresh)

    assert merged.shown == {"style": FAIR, "correctness": POOR}
    assert (merged.updated, merged.kept) == (("style",), ("correctness",))


def test_a_save_of_ones_own_already_shown_is_no_update() -> None:
    known = _grade(3)
    merged = merge_grade(known, {"style": GOOD}, _grade(4, style=GOOD))

    assert (merged.shown, merged.updated, merged.kept) == ({"style": GOOD}, (), ())


def test_a_renewal_is_no_news_but_a_take_over_is(ada: CourseContext, bob: CourseContext) -> None:
    from grader.gradebook.claims import take_over

    claim(ada, A1, "00127")
    feed = LiveFeed(bob, poll=0.05)
    feed.start()
    try:
        claim(ada, A1, "00127", now=utc_now() + timedelta(seconds=20))  # Ada's screen renews
        assert feed.next(0.3) is None

        take_over(bob, A1, "00127")
        changed = _next(feed)
        assert changed is not None and changed.claims_changed == {(A1, "00127")}
        assert changed.claims_of(A1) == {}, "Bob's own claim is not someone else's"
    finally:
        feed.close()
