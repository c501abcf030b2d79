"""Claims: atomic on both backends (two processes racing, exactly one wins), renewed, released,
expiring by themselves, and taken over with an audit entry naming both graders."""

from __future__ import annotations

import multiprocessing
from datetime import timedelta
from typing import Any

from store_helpers import NOW

from grader.domain.claims import TAKEN_OVER, Claimant
from grader.store import Store, open_store

LEASE = timedelta(seconds=90)
ANNA = Claimant("ta-anna", "anna-1")
ANNA_ELSEWHERE = Claimant("ta-anna", "anna-2")
BEN = Claimant("ta-ben", "ben-1")
FORK = multiprocessing.get_context("fork")  # the child starts with grader imported already
RACED = 40


def _claim(store: Store, claimant: Claimant, *, after: float = 0, student: str = "s1") -> Claimant:
    """Claim hw1/student at NOW + ``after`` seconds; who holds it afterwards."""
    return store.claim("hw1", student, claimant, now=NOW + timedelta(seconds=after), lease=LEASE).claimant


def test_a_free_submission_is_claimed_and_someone_elses_claim_stays(store: Store) -> None:
    assert _claim(store, ANNA) == ANNA
    assert _claim(store, BEN, after=30) == ANNA
    assert _claim(store, ANNA_ELSEWHERE, after=30) == ANNA  # the same name in another process

    (claim,) = store.active_claims(now=NOW + timedelta(seconds=30))
    assert (claim.actor, claim.claimed_at, claim.expires_at) == ("ta-anna", NOW, NOW + LEASE)


def test_a_renewal_extends_the_lease_and_keeps_when_it_began(store: Store) -> None:
    _claim(store, ANNA)
    renewed = store.claim("hw1", "s1", ANNA, now=NOW + timedelta(seconds=60), lease=LEASE)

    assert (renewed.claimed_at, renewed.expires_at) == (NOW, NOW + timedelta(seconds=150))
    assert _claim(store, BEN, after=120) == ANNA  # would have expired at 90 without the renewal


def test_an_expired_claim_is_taken_by_the_next_grader(store: Store) -> None:
    _claim(store, ANNA)

    assert store.active_claims(now=NOW + LEASE) == []
    assert _claim(store, BEN, after=LEASE.total_seconds()) == BEN
    assert _claim(store, ANNA, after=LEASE.total_seconds() + 1) == BEN


def test_a_released_claim_frees_the_submission_and_only_its_holder_releases_it(store: Store) -> None:
    _claim(store, ANNA)

    assert store.release_claim("hw1", "s1", BEN) is False
    assert store.release_claim("hw1", "s1", ANNA_ELSEWHERE) is False
    assert _claim(store, BEN, after=1) == ANNA
    assert store.release_claim("hw1", "s1", ANNA) is True
    assert store.active_claims(now=NOW) == []
    assert _claim(store, BEN, after=2) == BEN


def test_releasing_every_claim_of_a_process_leaves_the_others(store: Store) -> None:
    _claim(store, ANNA, student="s1")
    _claim(store, ANNA, student="s2")
    _claim(store, ANNA_ELSEWHERE, student="s3")
    _claim(store, BEN, student="s4")

    assert store.release_claims(ANNA) == 2
    assert sorted(c.student_id for c in store.active_claims(now=NOW)) == ["s3", "s4"]


def test_a_take_over_moves_the_claim_and_is_audited_with_both_names(store: Store) -> None:
    _claim(store, ANNA)

    mine, before = store.take_over("hw1", "s1", BEN, now=NOW + timedelta(seconds=5), lease=LEASE)

    assert mine.claimant == BEN and before is not None and before.claimant == ANNA
    assert _claim(store, ANNA, after=6) == BEN
    (entry,) = store.audit_entries(TAKEN_OVER)
    assert entry.actor == "ta-ben"
    assert entry.details == {"assignment": "hw1", "student_id": "s1", "from": "ta-anna", "to": "ta-ben"}


def test_taking_a_free_or_expired_claim_is_no_take_over(store: Store) -> None:
    _, before = store.take_over("hw1", "s1", BEN, now=NOW, lease=LEASE)
    _claim(store, ANNA, student="s2")
    _, expired = store.take_over("hw1", "s2", BEN, now=NOW + LEASE, lease=LEASE)

    assert before is None and expired is None
    assert store.audit_entries(TAKEN_OVER) == []


def test_active_claims_are_listed_per_assignment(store: Store) -> None:
    store.claim("hw1", "s1", ANNA, now=NOW, lease=LEASE)
    store.claim("hw2", "s1", BEN, now=NOW, lease=LEASE)

    assert [c.actor for c in store.active_claims(now=NOW, assignment_ids=["hw2"])] == ["ta-ben"]
    assert [c.assignment_id for c in store.active_claims(now=NOW)] == ["hw1", "hw2"]


def _race(url: str, token: str, start: Any, results: Any) -> None:
    """In a process of its own: claim every raced submission as fast as it can; report the wins."""
    claimant = Claimant("ta-same-name", token)
    try:
        with open_store(url) as store:
            start.wait(timeout=60)
            won = [
                student
                for student in (f"s{n}" for n in range(RACED))
                if store.claim("hw1", student, claimant, now=NOW, lease=LEASE).claimant == claimant
            ]
        results.put((token, won))
    except BaseException as error:
        results.put((token, repr(error)))
        raise


def test_two_processes_racing_for_the_same_claims_never_both_win(store_url: str) -> None:
    open_store(store_url).close()  # the schema exists before the race
    start, results = FORK.Barrier(2), FORK.Queue()
    racers = [FORK.Process(target=_race, args=(store_url, token, start, results)) for token in ("p1", "p2")]
    for racer in racers:
        racer.daemon = True
        racer.start()
    try:
        outcomes = dict(results.get(timeout=60) for _ in racers)
    finally:
        for racer in racers:
            racer.join(10)

    assert all(isinstance(won, list) for won in outcomes.values()), outcomes
    first, second = set(outcomes["p1"]), set(outcomes["p2"])
    assert first.isdisjoint(second)
    assert first | second == {f"s{n}" for n in range(RACED)}
    with open_store(store_url) as store:
        holders = {c.student_id: c.token for c in store.active_claims(now=NOW)}
    assert holders == {student: "p1" if student in first else "p2" for student in first | second}
