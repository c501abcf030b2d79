"""The W3C Bitstring Status List: bit layout, encoding, random indices, and revocation that cannot be undone."""

from __future__ import annotations

import base64
import gzip
from datetime import UTC, datetime

import pytest
from credential_helpers import ISSUER_DID, LIST_URL, read_json, w3c_test_key

from grader.credentials.did import DidResolver
from grader.credentials.jsonld import shipped_canonicalizer
from grader.credentials.proof import sign, verify
from grader.credentials.status import (
    LIST_BYTES,
    LIST_SIZE,
    StatusList,
    StatusListError,
    allocate_index,
    entry_index,
    status_entry,
    status_list_credential,
)

ISSUED = datetime(2025, 6, 1, tzinfo=UTC)


def encode_raw(data: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(gzip.compress(data, mtime=0)).decode().rstrip("=")


def test_a_new_list_has_131072_entries_none_revoked() -> None:
    status = StatusList()
    assert status.size == LIST_SIZE == 131_072
    assert len(status.bits) == LIST_BYTES == 16_384
    assert status.revoked() == []
    assert not status.is_revoked(0)
    assert not status.is_revoked(LIST_SIZE - 1)


def test_index_0_is_the_most_significant_bit_of_byte_0() -> None:
    assert StatusList().revoke(0).bits[:2] == b"\x80\x00"
    assert StatusList().revoke(7).bits[:2] == b"\x01\x00"
    assert StatusList().revoke(8).bits[:2] == b"\x00\x80"
    last = StatusList().revoke(LIST_SIZE - 1)
    assert last.bits[-1] == 0x01
    assert last.revoked() == [LIST_SIZE - 1]


def test_revoking_sets_one_bit_and_keeps_the_others() -> None:
    status = StatusList().revoke(94567).revoke(12)
    assert status.revoked() == [12, 94567]
    assert status.is_revoked(94567)
    assert not status.is_revoked(94566)
    assert not status.is_revoked(94568)
    assert status.revoke(94567) == status


def test_revocation_cannot_be_undone_through_the_list() -> None:
    revoked = StatusList().revoke(5)
    assert [
        name for name in vars(StatusList) if "unrevoke" in name or "clear" in name or "unset" in name
    ] == []
    with pytest.raises(AttributeError):
        revoked.bits = bytes(LIST_BYTES)  # type: ignore[misc]
    again = StatusList.decode(revoked.encoded()).revoke(6)
    assert again.revoked() == [5, 6]


def test_an_index_outside_the_list_is_refused() -> None:
    for index in (-1, LIST_SIZE):
        with pytest.raises(StatusListError, match="outside the list"):
            StatusList().revoke(index)
        with pytest.raises(StatusListError, match="outside the list"):
            status_entry(LIST_URL, index)


def test_encoding_is_gzip_base64url_multibase_and_round_trips() -> None:
    status = StatusList().revoke(1).revoke(94567).revoke(LIST_SIZE - 1)
    encoded = status.encoded()
    assert encoded.startswith("uH4sI")
    assert "=" not in encoded and "+" not in encoded and "/" not in encoded
    assert StatusList.decode(encoded) == status
    assert StatusList.decode(encode_raw(status.bits)) == status


def test_the_examples_encoded_lists_decode_to_the_expected_bits() -> None:
    expected = read_json("ob3-example/EXPECTED.json")
    assert StatusList.decode(expected["status_encodedList_all_zero"]) == StatusList()
    assert StatusList.decode(expected["status_encodedList_94567_revoked"]) == StatusList().revoke(94567)


@pytest.mark.parametrize(
    ("encoded", "reason"),
    [
        ("zH4sI", "starting with 'u'"),
        ("u!!!not-base64", "not base64url-encoded GZIP"),
        ("u" + base64.urlsafe_b64encode(b"plain bytes").decode(), "not base64url-encoded GZIP"),
        (encode_raw(bytes(1024)), "at least 131,072 entries"),
        (encode_raw(bytes(20 * 1024 * 1024)), "expands to more than"),
        (encode_raw(bytes(LIST_BYTES))[:60], "cut short|not base64url"),
        (42, "starting with 'u'"),
    ],
    ids=["multibase-z", "not-base64", "not-gzip", "too-short", "gzip-bomb", "cut-short", "not-text"],
)
def test_a_bad_encoded_list_is_refused(encoded: object, reason: str) -> None:
    with pytest.raises(StatusListError, match=reason):
        StatusList.decode(encoded)


def test_allocated_indices_are_random_free_and_in_range() -> None:
    taken: set[int] = set()
    for _ in range(200):
        index = allocate_index(taken)
        assert 0 <= index < LIST_SIZE
        assert index not in taken
        taken.add(index)
    ordered = sorted(taken)
    assert ordered != list(range(ordered[0], ordered[0] + len(ordered)))
    assert max(ordered) - min(ordered) > LIST_SIZE // 4


def test_a_nearly_full_list_gives_its_last_free_index_and_a_full_one_is_refused() -> None:
    taken = set(range(LIST_SIZE)) - {4242}
    assert allocate_index(taken) == 4242
    with pytest.raises(StatusListError, match="full"):
        allocate_index(set(range(LIST_SIZE)))


def test_the_status_entry_points_at_the_list_for_revocation() -> None:
    entry = status_entry(LIST_URL, 94567)
    assert entry == read_json("ob3-example/ob3-example-unsigned.json")["credentialStatus"]
    assert entry_index(entry) == 94567
    for bad in ("-1", "12a", "٣", 7, "123456789"):
        with pytest.raises(StatusListError, match="statusListIndex"):
            entry_index({**entry, "statusListIndex": bad})


def test_the_status_list_credential_matches_the_example_and_its_proof_verifies() -> None:
    published = read_json("ob3-example/status-list-1-after-revoking-94567.json")
    built = status_list_credential(
        LIST_URL, ISSUER_DID, StatusList().revoke(94567), valid_from=datetime(2025, 7, 1, tzinfo=UTC)
    )
    encoded = built["credentialSubject"].pop("encodedList")
    published_encoded = published["credentialSubject"].pop("encodedList")
    assert StatusList.decode(encoded) == StatusList.decode(published_encoded)
    assert built == {key: value for key, value in published.items() if key != "proof"}
    signed = sign(
        status_list_credential(LIST_URL, ISSUER_DID, StatusList().revoke(3), valid_from=ISSUED),
        w3c_test_key(),
        verification_method=f"{ISSUER_DID}#key-1",
        created=ISSUED,
    )
    key = DidResolver([read_json("ob3-example/did.json")])(signed["proof"]["verificationMethod"])
    verify(signed, key.public_key, shipped_canonicalizer())
