"""Every official vector reproduces byte for byte: multikeys, did:key, RDFC canonical forms, hashes, signatures."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

import pytest
from credential_helpers import (
    ISSUED,
    examples_canonicalizer,
    read_json,
    read_text,
    w3c_test_key,
)

from grader.credentials.did import DidResolver, did_key, did_key_public_key
from grader.credentials.jsonld import UnknownContext, shipped_canonicalizer
from grader.credentials.keys import IssuerKey
from grader.credentials.multibase import (
    b58decode,
    b58encode,
    decode_base58btc,
    decode_public_multikey,
    decode_secret_multikey,
    encode_base58btc,
)
from grader.credentials.proof import hash_data, sign, verify
from grader.credentials.status import StatusList
from grader.credentials.verify import verify_credential

W3C_RDFC = "w3c-vc-di-eddsa/eddsa-rdfc-2022"


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def without(document: dict[str, Any], name: str) -> dict[str, Any]:
    return {key: value for key, value in document.items() if key != name}


# --- multibase and keys -------------------------------------------------------------------------


def test_the_w3c_key_pair_decodes_to_the_published_bytes_and_re_encodes() -> None:
    pair = read_json("w3c-vc-di-eddsa/keyPair.json")
    seed = decode_secret_multikey(pair["privateKeyMultibase"])
    assert seed.hex() == "c96ef9ea10c5e414c471723aff9de72c35fa5b70fae97e8832ecac7d2e2b8ed6"
    public = decode_public_multikey(pair["publicKeyMultibase"])
    assert public.hex() == "b00d8d938e7f773d51565aad36a623f5344f7f5d1960f9cf3e8e12620ea2810f"
    key = IssuerKey.from_seed(seed)
    assert key.public_key == public
    assert key.public_multibase == pair["publicKeyMultibase"]


def test_base58_keeps_leading_zero_bytes_and_round_trips() -> None:
    for data in (b"", b"\0", b"\0\0\x01", bytes(range(64)), b"\xff" * 33):
        assert b58decode(b58encode(data)) == data
    assert b58encode(b"\0\0\x01") == "112"
    assert decode_base58btc(encode_base58btc(b"hello")) == b"hello"


def test_did_key_vectors_derive_from_their_seeds() -> None:
    vectors = read_json("did-key/ed25519-x25519.json")
    assert len(vectors) == 5
    base58_keys = 0
    for did, vector in vectors.items():
        key = IssuerKey.from_seed(bytes.fromhex(vector["seed"]))
        assert did_key(key.public_key) == did
        assert did_key_public_key(did) == key.public_key
        method = vector["didDocument"]["verificationMethod"][0]
        assert method["id"] == f"{did}#{did.removeprefix('did:key:')}"
        if "publicKeyBase58" in method:
            assert b58encode(key.public_key) == method["publicKeyBase58"]
            base58_keys += 1
    assert base58_keys > 0, "some vector lists its key in base58"


# --- W3C vc-di-eddsa, eddsa-rdfc-2022 -----------------------------------------------------------


def test_w3c_rdfc_vector_canonical_forms_hashes_signature_and_proof_value() -> None:
    canon = examples_canonicalizer()
    unsigned = read_json("w3c-vc-di-eddsa/unsigned.json")
    config = read_json(f"{W3C_RDFC}/proofConfigDataInt.json")
    canonical_document = canon.canonicalize(unsigned)
    canonical_config = canon.canonicalize(config)
    assert canonical_document == read_text(f"{W3C_RDFC}/canonDocDataInt.txt")
    assert canonical_config == read_text(f"{W3C_RDFC}/proofCanonDataInt.txt")
    assert sha256_hex(canonical_document) == read_text(f"{W3C_RDFC}/docHashDataInt.txt").strip()
    assert sha256_hex(canonical_config) == read_text(f"{W3C_RDFC}/proofHashDataInt.txt").strip()
    hashed = hash_data(unsigned, without(config, "@context"), canon)
    assert hashed.hex() == read_text(f"{W3C_RDFC}/combinedHashDataInt.txt").strip()
    signature = w3c_test_key().sign(hashed)
    assert signature.hex() == read_text(f"{W3C_RDFC}/sigHexDataInt.txt").strip()
    assert encode_base58btc(signature) == read_text(f"{W3C_RDFC}/sigBTC58DataInt.txt").strip()


def test_signing_the_w3c_unsigned_credential_gives_the_published_signed_credential() -> None:
    canon = examples_canonicalizer()
    signed = sign(
        read_json("w3c-vc-di-eddsa/unsigned.json"),
        w3c_test_key(),
        verification_method=read_json(f"{W3C_RDFC}/proofConfigDataInt.json")["verificationMethod"],
        created=datetime(2023, 2, 24, 23, 36, 38, tzinfo=UTC),
        canonicalizer=canon,
    )
    published = read_json(f"{W3C_RDFC}/signedDataInt.json")
    assert signed == published
    verify(published, w3c_test_key().public_key, canon)


def test_w3c_employment_vector_hashes_and_signature_chain() -> None:
    """Its citizenship/v4rc1 context is not shipped, so the canonical forms are taken as published."""
    folder = f"{W3C_RDFC}/employ"
    document_hash = sha256_hex(read_text(f"{folder}/canonDocDataInt.txt"))
    proof_hash = sha256_hex(read_text(f"{folder}/proofCanonDataInt.txt"))
    assert document_hash == read_text(f"{folder}/docHashDataInt.txt").strip()
    assert proof_hash == read_text(f"{folder}/proofHashDataInt.txt").strip()
    combined = bytes.fromhex(proof_hash + document_hash)
    assert combined.hex() == read_text(f"{folder}/combinedHashDataInt.txt").strip()
    signature = w3c_test_key().sign(combined)
    assert signature.hex() == read_text(f"{folder}/sigHexDataInt.txt").strip()
    assert encode_base58btc(signature) == read_text(f"{folder}/sigBTC58DataInt.txt").strip()


def test_the_employment_credential_is_refused_because_its_context_is_not_shipped() -> None:
    with pytest.raises(
        UnknownContext, match=r"@context\[1\]: the context 'https://w3id.org/citizenship/v4rc1'"
    ):
        examples_canonicalizer().canonicalize(read_json("w3c-vc-di-eddsa/employmentAuth.json"))


# --- 1EdTech Open Badges 3.0 --------------------------------------------------------------------


def test_1edtech_ob3_vector_canonical_forms_hashes_signature_and_proof_value() -> None:
    canon = shipped_canonicalizer()
    expected = read_json("1edtech-ob3-ldp/EXPECTED.json")
    unsigned = read_json("1edtech-ob3-ldp/credential-unsigned.json")
    options = read_json("1edtech-ob3-ldp/proof-options.json")
    canonical_document = canon.canonicalize(unsigned)
    canonical_config = canon.canonicalize({**options, "@context": unsigned["@context"]})
    assert canonical_document == read_text("1edtech-ob3-ldp/document-canon.txt")
    assert canonical_config == read_text("1edtech-ob3-ldp/proof-canon.txt")
    assert sha256_hex(canonical_document) == expected["documentHashHex"]
    assert sha256_hex(canonical_config) == expected["proofHashHex"]
    hashed = hash_data(unsigned, options, canon)
    assert hashed.hex() == expected["dataToSignHex"]
    key = IssuerKey.from_seed(bytes.fromhex(expected["ed25519_seed_hex"]))
    assert key.public_key.hex() == expected["publicKeyHex"]
    assert key.public_multibase == expected["publicKeyMultibase"]
    signature = key.sign(hashed)
    assert signature.hex() == expected["signatureHex"]
    assert encode_base58btc(signature) == expected["proofValue"]
    verify({**unsigned, "proof": {**options, "proofValue": expected["proofValue"]}}, key.public_key, canon)


# --- our own regression vector: ob3-example -----------------------------------------------------


def test_ob3_example_canonical_forms_hashes_and_proof_value_are_pinned() -> None:
    canon = shipped_canonicalizer()
    expected = read_json("ob3-example/EXPECTED.json")
    unsigned = read_json("ob3-example/ob3-example-unsigned.json")
    signed = read_json("ob3-example/ob3-example-signed-eddsa-rdfc-2022.json")
    options = without(signed["proof"], "proofValue")
    canonical_document = canon.canonicalize(unsigned)
    canonical_config = canon.canonicalize({**options, "@context": unsigned["@context"]})
    assert canonical_document == read_text("ob3-example/ob3-example-document-canon.nq")
    assert canonical_config == read_text("ob3-example/ob3-example-proof-canon.nq")
    assert sha256_hex(canonical_document) == expected["rdfc_documentHash"]
    assert sha256_hex(canonical_config) == expected["rdfc_proofConfigHash"]
    resigned = sign(
        unsigned, w3c_test_key(), verification_method="did:web:badges.example.edu#key-1", created=ISSUED
    )
    assert resigned["proof"]["proofValue"] == expected["rdfc_proofValue"]
    assert resigned == signed


def test_ob3_example_verifies_against_its_did_document_and_status_list() -> None:
    report = verify_credential(
        read_json("ob3-example/ob3-example-signed-eddsa-rdfc-2022.json"),
        now=datetime(2025, 7, 1, tzinfo=UTC),
        resolve=DidResolver([read_json("ob3-example/did.json")]),
        status_list=read_json("ob3-example/status-list-1.json"),
    )
    assert report.valid, report.failures
    revoked = verify_credential(
        read_json("ob3-example/ob3-example-signed-eddsa-rdfc-2022.json"),
        now=datetime(2025, 7, 1, tzinfo=UTC),
        resolve=DidResolver([read_json("ob3-example/did.json")]),
        status_list=read_json("ob3-example/status-list-1-after-revoking-94567.json"),
    )
    assert [check.name for check in revoked.failures] == ["status"]
    assert revoked.check("status").reason.startswith("revoked")


def test_the_minimal_did_key_example_verifies_and_re_signs_identically() -> None:
    signed = read_json("ob3-example/minimal-signed-didkey-eddsa-rdfc-2022.json")
    report = verify_credential(signed, now=datetime(2025, 7, 1, tzinfo=UTC), resolve=DidResolver())
    assert report.valid, report.failures
    resigned = sign(
        without(signed, "proof"),
        w3c_test_key(),
        verification_method=signed["proof"]["verificationMethod"],
        created=ISSUED,
    )
    assert resigned == signed


def test_the_example_status_lists_decode_to_the_expected_bits_and_re_sign_identically() -> None:
    expected = read_json("ob3-example/EXPECTED.json")
    clean = read_json("ob3-example/status-list-1.json")
    revoked = read_json("ob3-example/status-list-1-after-revoking-94567.json")
    assert clean["credentialSubject"]["encodedList"] == expected["status_encodedList_all_zero"]
    assert revoked["credentialSubject"]["encodedList"] == expected["status_encodedList_94567_revoked"]
    assert StatusList.decode(clean["credentialSubject"]["encodedList"]).revoked() == []
    assert StatusList.decode(revoked["credentialSubject"]["encodedList"]).revoked() == [94567]
    for published in (clean, revoked):
        resigned = sign(
            without(published, "proof"),
            w3c_test_key(),
            verification_method=published["proof"]["verificationMethod"],
            created=datetime.fromisoformat(published["proof"]["created"]),
        )
        assert resigned == published
