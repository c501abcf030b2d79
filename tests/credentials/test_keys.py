"""Issuer keys on disk (CERT-1, CERT-2), rotation (CERT-4) and never showing the private key (CERT-6)."""

from __future__ import annotations

import copy
import errno
import os
import pickle
import stat
import traceback
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from credential_helpers import ISSUER_DID, NOW, read_json, request, w3c_test_key

from grader.credentials.did import (
    DidError,
    DidResolver,
    did_document,
    did_key,
    did_key_public_key,
    did_web,
    did_web_url,
)
from grader.credentials.jsonld import UnsafeDocument
from grader.credentials.keys import (
    IssuerKey,
    IssuerKeyError,
    RingKey,
    create_key_ring,
    load_key_ring,
    read_key_file,
    rotate_key,
    write_key_file,
)
from grader.credentials.model import build_credential
from grader.credentials.multibase import b58encode, encode_base58btc
from grader.credentials.proof import sign
from grader.credentials.verify import verify_credential
from grader.domain.errors import GraderError

CREATED = datetime(2025, 1, 1, tzinfo=UTC)
ROTATED = datetime(2025, 3, 1, tzinfo=UTC)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


# --- CERT-1: created 0600 in a 0700 folder, never overwritten without force ----------------------


@pytest.mark.usefixtures("open_umask")
def test_a_new_key_ring_is_private_even_under_umask_0(tmp_path: Path) -> None:
    folder = tmp_path / "course" / ".grader" / "keys"
    ring = create_key_ring(folder, now=CREATED)
    assert mode(folder) == 0o700
    assert mode(folder / "key-1.pem") == 0o600
    assert mode(folder / "ring.json") == 0o600
    assert sorted(path.name for path in folder.iterdir()) == ["key-1.pem", "ring.json"]
    assert ring.active_id == "key-1"
    assert ring.signing_key().public_multibase == ring.active.public_multibase


def test_an_existing_ring_is_not_replaced_without_force(tmp_path: Path) -> None:
    folder = tmp_path / "keys"
    first = create_key_ring(folder, now=CREATED)
    before = (folder / "key-1.pem").read_bytes()
    with pytest.raises(IssuerKeyError, match=r"refusing to replace it.*--force"):
        create_key_ring(folder, now=ROTATED)
    assert (folder / "key-1.pem").read_bytes() == before
    assert load_key_ring(folder) == first
    replaced = create_key_ring(folder, now=ROTATED, force=True)
    assert replaced.active.public_multibase != first.active.public_multibase
    assert (folder / "key-1.pem").read_bytes() != before
    assert mode(folder / "key-1.pem") == 0o600


def test_a_key_file_is_never_overwritten_without_force(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "issuer.pem"
    write_key_file(path, IssuerKey.generate())
    before = path.read_bytes()
    with pytest.raises(IssuerKeyError, match="already exists; refusing to overwrite"):
        write_key_file(path, IssuerKey.generate())
    assert path.read_bytes() == before
    assert [entry.name for entry in path.parent.iterdir()] == ["issuer.pem"]


def test_a_key_folder_open_to_others_is_refused_with_the_fix(tmp_path: Path) -> None:
    folder = tmp_path / "keys"
    folder.mkdir()
    folder.chmod(0o755)
    with pytest.raises(IssuerKeyError, match=f"chmod 700 {folder}$"):
        create_key_ring(folder, now=CREATED)
    assert list(folder.iterdir()) == []


def test_a_forced_key_write_that_fails_keeps_the_old_key_and_leaves_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "keys"
    create_key_ring(folder, now=CREATED)
    before = (folder / "key-1.pem").read_bytes()

    def disk_full(_: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(GraderError, match="No space left on device"):
        write_key_file(folder / "key-1.pem", IssuerKey.generate(), force=True)
    assert (folder / "key-1.pem").read_bytes() == before
    assert sorted(path.name for path in folder.iterdir()) == ["key-1.pem", "ring.json"]


@pytest.mark.usefixtures("open_umask")
def test_a_ring_rewritten_by_a_rotation_is_private_again(tmp_path: Path) -> None:
    folder = tmp_path / "keys"
    create_key_ring(folder, now=CREATED)
    (folder / "ring.json").chmod(0o644)
    rotate_key(folder, now=ROTATED)
    assert mode(folder / "ring.json") == 0o600
    assert mode(folder / "key-2.pem") == 0o600
    assert sorted(path.name for path in folder.iterdir()) == ["key-2.pem", "ring.json"]


# --- CERT-2: a key readable by others is refused with the chmod fix; nothing is signed ------------


@pytest.mark.parametrize("open_mode", [0o644, 0o640, 0o604, 0o660])
def test_a_key_readable_by_others_is_refused_with_the_exact_fix(tmp_path: Path, open_mode: int) -> None:
    ring = create_key_ring(tmp_path / "keys", now=CREATED)
    path = tmp_path / "keys" / "key-1.pem"
    path.chmod(open_mode)
    with pytest.raises(IssuerKeyError) as refused:
        ring.signing_key()
    message = str(refused.value)
    assert message.endswith(f"Fix it with: chmod 600 {path}")
    assert "nothing was signed" in message
    path.chmod(0o600)
    assert ring.signing_key().public_multibase == ring.active.public_multibase


def test_a_read_only_key_file_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "issuer.pem"
    key = IssuerKey.generate()
    write_key_file(path, key)
    path.chmod(0o400)
    assert read_key_file(path).public_key == key.public_key


def test_a_damaged_key_file_is_refused_without_quoting_it(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "issuer.pem"
    write_key_file(path, IssuerKey.generate())
    secret_text = path.read_text()
    path.write_text(secret_text[:-40])
    with pytest.raises(IssuerKeyError, match="not an unencrypted PKCS#8 Ed25519 private key") as refused:
        read_key_file(path)
    assert secret_text.splitlines()[1] not in str(refused.value)


def test_a_key_file_that_does_not_match_the_ring_is_refused(tmp_path: Path) -> None:
    ring = create_key_ring(tmp_path / "keys", now=CREATED)
    write_key_file(tmp_path / "keys" / "key-1.pem", IssuerKey.generate(), force=True)
    with pytest.raises(IssuerKeyError, match=r"this key is not the one ring\.json lists as key-1"):
        ring.signing_key()


def test_a_damaged_ring_file_names_the_field(tmp_path: Path) -> None:
    folder = tmp_path / "keys"
    create_key_ring(folder, now=CREATED)
    (folder / "ring.json").write_text('{"active": "key-1", "keys": [{"id": "key-1", "created": "x"}]}')
    with pytest.raises(IssuerKeyError, match=r"ring.json keys\[0\].publicKeyMultibase: expected a 'z6Mk…'"):
        load_key_ring(folder)


# --- CERT-4: rotation keeps old credentials verifying and lists both keys --------------------------


def test_rotation_retires_the_old_key_and_old_credentials_still_verify(tmp_path: Path) -> None:
    folder = tmp_path / "keys"
    ring = create_key_ring(folder, now=CREATED)
    old = sign(
        build_credential(request()),
        ring.signing_key(),
        verification_method=ring.active.verification_method(ISSUER_DID),
        created=CREATED,
    )
    rotated = rotate_key(folder, now=ROTATED)
    assert rotated.active_id == "key-2"
    assert [(key.key_id, key.retired) for key in rotated.keys] == [
        ("key-1", "2025-03-01T00:00:00Z"),
        ("key-2", None),
    ]
    assert not (folder / "key-1.pem").exists()
    assert mode(folder / "key-2.pem") == 0o600
    assert load_key_ring(folder) == rotated
    new = sign(
        build_credential(request()),
        rotated.signing_key(),
        verification_method=rotated.active.verification_method(ISSUER_DID),
        created=ROTATED,
    )
    published = did_document(ISSUER_DID, rotated.keys, active_id=rotated.active_id)
    ids = [f"{ISSUER_DID}#key-1", f"{ISSUER_DID}#key-2"]
    assert [method["id"] for method in published["verificationMethod"]] == ids
    assert published["assertionMethod"] == ids
    assert {method["type"] for method in published["verificationMethod"]} == {"Multikey"}
    for credential in (old, new):
        report = verify_credential(credential, now=NOW, resolve=DidResolver([published]))
        assert report.check("signature").passed, report.failures
        assert report.check("issuer key").passed
    only_new = did_document(ISSUER_DID, rotated.keys[1:])
    report = verify_credential(old, now=NOW, resolve=DidResolver([only_new]))
    assert report.check("issuer key").reason.startswith("signed by a key that is not the issuer's")


def test_the_did_document_of_one_key_matches_the_example() -> None:
    entry = RingKey("key-1", w3c_test_key().public_multibase, "2025-01-01T00:00:00Z")
    assert did_document(ISSUER_DID, (entry,), active_id="key-1") == read_json("ob3-example/did.json")


def test_did_web_names_and_urls() -> None:
    assert did_web("badges.example.edu") == "did:web:badges.example.edu"
    assert did_web("example.edu:8443", "issuers", "cs") == "did:web:example.edu%3A8443:issuers:cs"
    assert did_web_url("did:web:badges.example.edu") == "https://badges.example.edu/.well-known/did.json"
    assert (
        did_web_url("did:web:example.edu%3A8443:issuers:cs") == "https://example.edu:8443/issuers/cs/did.json"
    )


def test_did_key_round_trips_and_refuses_a_mismatched_fragment() -> None:
    key = IssuerKey.generate()
    did = did_key(key.public_key)
    assert did.startswith("did:key:z6Mk")
    assert did_key_public_key(f"{did}#{did.removeprefix('did:key:')}") == key.public_key
    with pytest.raises(DidError, match="must repeat the key"):
        did_key_public_key(f"{did}#key-1")


# --- CERT-6: the private key appears in no text -------------------------------------------------


def secret_forms(key: IssuerKey) -> list[str]:
    """Every way the private key could leak as text."""
    pem = key.private_pem().decode()
    body = "".join(pem.splitlines()[1:-1])
    seed = key._private.private_bytes_raw()
    return [
        seed.hex(),
        seed.hex().upper(),
        b58encode(seed),
        encode_base58btc(seed),
        body,
        body[:24],
        repr(seed),
    ]


def test_repr_and_str_show_only_the_public_key() -> None:
    key = IssuerKey.generate()
    for text in (repr(key), str(key), f"{key}", f"{key!r}", repr([key]), repr({"key": key})):
        assert key.public_multibase in text
        for secret in secret_forms(key):
            assert secret not in text


def test_an_issuer_key_cannot_be_pickled_or_copied() -> None:
    key = IssuerKey.generate()
    for attempt in (lambda: pickle.dumps(key), lambda: copy.copy(key), lambda: copy.deepcopy(key)):
        with pytest.raises(TypeError, match="cannot be pickled or copied"):
            attempt()


def test_a_traceback_with_locals_while_signing_shows_no_secret(tmp_path: Path) -> None:
    ring = create_key_ring(tmp_path / "keys", now=CREATED)
    key = ring.signing_key()
    broken = {**build_credential(request()), "score": "100"}
    with pytest.raises(UnsafeDocument) as refused:
        sign(broken, key, verification_method=ring.active.verification_method(ISSUER_DID), created=CREATED)
    rendered = "".join(
        traceback.TracebackException.from_exception(refused.value, capture_locals=True).format()
    )
    assert "IssuerKey(public=" in rendered
    for secret in secret_forms(key):
        assert secret not in rendered


def test_a_traceback_with_locals_of_a_failed_key_write_shows_no_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = IssuerKey.generate()

    def disk_full(_: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(GraderError) as refused:
        write_key_file(tmp_path / "keys" / "key-1.pem", key)
    rendered = "".join(
        traceback.TracebackException.from_exception(refused.value, capture_locals=True).format()
    )
    assert "write_key_file" in rendered and "No space left on device" in rendered
    for secret in secret_forms(key):
        assert secret not in rendered
    assert list((tmp_path / "keys").iterdir()) == []


def test_a_wrong_seed_length_does_not_echo_the_seed() -> None:
    seed = bytes(range(31))
    with pytest.raises(IssuerKeyError) as refused:
        IssuerKey.from_seed(seed)
    assert str(refused.value) == "an Ed25519 seed is 32 bytes, got 31"
