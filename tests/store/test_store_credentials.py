"""Issued credentials in the gradebook: once per (student, badge), reviews, revocations for good."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from grader.domain.issued import ACTIVE, FLAGGED, REVOKED, IssuedCredential, Revocation, StatusIndexTaken
from grader.store import Store

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def credential(n: int, student: str = "s1", badge: str = "python-foundations") -> IssuedCredential:
    return IssuedCredential(
        credential_id=f"00000000-0000-4000-8000-{n:012d}",
        student_id=student,
        badge_id=badge,
        status_index=1000 + n,
        issued_at=NOW + timedelta(minutes=n),
        issued_by="Ada",
        key_id="did:key:z6Mk#z6Mk",
        document='{"proof": "…"}',
    )


def test_a_credential_is_issued_once_per_student_and_badge(store: Store) -> None:
    first = store.issue_credential(credential(1))
    again = store.issue_credential(credential(2))
    assert again == first, "the credential issued first is the one that stands"
    other_badge = store.issue_credential(credential(3, badge="testing-practice"))
    assert [c.credential_id for c in store.credentials()] == [first.credential_id, other_badge.credential_id]
    assert store.used_status_indexes() == {1001, 1003}
    assert [e.action for e in store.audit_entries("credential issued")] == ["credential issued"] * 2


def test_a_taken_status_index_is_refused_for_a_new_credential(store: Store) -> None:
    store.issue_credential(credential(1))
    clash = replace(credential(2, student="s2"), status_index=1001)
    with pytest.raises(StatusIndexTaken):
        store.issue_credential(clash)
    assert store.credentials(student_id="s2") == []


def test_review_flags_stand_until_cleared(store: Store) -> None:
    issued = store.issue_credential(credential(1))
    assert store.credential(issued.credential_id).status == ACTIVE  # type: ignore[union-attr]
    store.review_credential(issued.credential_id, "testing fell to 65% (< 70%)", actor="Ada", now=NOW)
    flagged = store.credential(issued.credential_id)
    assert flagged is not None
    assert (flagged.status, flagged.review) == (FLAGGED, "testing fell to 65% (< 70%)")
    store.review_credential(issued.credential_id, "", actor="Ada", now=NOW + timedelta(hours=1))
    assert store.credential(issued.credential_id).status == ACTIVE  # type: ignore[union-attr]


def test_a_revocation_cannot_be_undone(store: Store) -> None:
    issued = store.issue_credential(credential(1))
    store.revoke_credential(issued.credential_id, Revocation(NOW, "plagiarism confirmed", "Ada"))
    revoked = store.credential(issued.credential_id)
    assert revoked is not None and revoked.status == REVOKED
    assert revoked.revocation == Revocation(NOW, "plagiarism confirmed", "Ada")
    with pytest.raises(DBAPIError):
        store.revoke_credential(issued.credential_id, Revocation(NOW, "again", "Bob"))
    with pytest.raises(DBAPIError, match="cannot be undone"), store._writing() as session:
        session.execute(text("DELETE FROM revocation"))
    with pytest.raises(DBAPIError, match="append-only"), store._writing() as session:
        session.execute(text("UPDATE credential SET document = '{}'"))
    assert store.credential(issued.credential_id) == revoked


def test_several_credentials_are_settled_in_one_call_in_order(store: Store) -> None:
    before = store.issue_credential(credential(1))
    same_pair = credential(2)
    clash = replace(credential(3, student="s2"), status_index=1001)
    fresh = credential(4, student="s3")
    twice = credential(5, student="s3")
    index_twice = replace(credential(6, student="s4"), status_index=1004)
    settled = store.issue_credentials([same_pair, clash, fresh, twice, index_twice])
    assert settled == [before, None, fresh, fresh, None]
    assert {c.credential_id for c in store.credentials()} == {before.credential_id, fresh.credential_id}
    assert store.used_status_indexes() == {1001, 1004}
    assert len(store.audit_entries("credential issued")) == 2
    assert store.issue_credentials([]) == []


def test_a_batch_that_collides_on_insert_is_settled_one_by_one(store: Store) -> None:
    first = store.issue_credential(credential(1))
    reused_id = replace(credential(2, student="s2"), credential_id=first.credential_id)
    good = credential(3, student="s3")
    assert store.issue_credentials([reused_id, good]) == [None, good]
    assert [c.credential_id for c in store.credentials()] == [first.credential_id, good.credential_id]
    with pytest.raises(StatusIndexTaken):
        store.issue_credential(replace(credential(4, student="s4"), credential_id=first.credential_id))
