"""Build, sign and verify an Open Badges 3.0 credential; every tampering is caught with a plain reason."""

from __future__ import annotations

import copy
import hashlib
import re
import socket
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from credential_helpers import (
    ISSUED,
    ISSUER_DID,
    LIST_URL,
    NOW,
    VECTORS,
    examples_canonicalizer,
    issuer_did_document,
    read_json,
    request,
    w3c_test_key,
)

from grader.credentials.did import DidResolver
from grader.credentials.jsonld import (
    CONTEXTS_DIR,
    SHIPPED,
    Canonicalizer,
    JsonLdRefused,
    Limits,
    UnknownContext,
    UnsafeDocument,
    load_context,
    shipped_canonicalizer,
)
from grader.credentials.keys import IssuerKey
from grader.credentials.model import (
    CredentialInputError,
    IssuerProfile,
    Learner,
    LearnerResult,
    build_credential,
    identity_hash,
)
from grader.credentials.proof import sign
from grader.credentials.status import StatusList, status_list_credential
from grader.credentials.verify import VerificationReport, verify_credential

KEY = w3c_test_key()
METHOD = f"{ISSUER_DID}#key-1"
ALL_CHECKS = ["structure", "contexts", "safe mode", "proof", "issuer key", "signature", "status", "dates"]


def signed(document: dict[str, Any], key: IssuerKey = KEY, method: str = METHOD) -> dict[str, Any]:
    return sign(document, key, verification_method=method, created=ISSUED)


def status_list(*revoked: int) -> dict[str, Any]:
    bits = StatusList()
    for index in revoked:
        bits = bits.revoke(index)
    return signed(status_list_credential(LIST_URL, ISSUER_DID, bits, valid_from=ISSUED))


def check(
    credential: dict[str, Any], *, now: datetime = NOW, revoked: tuple[int, ...] = (), **kwargs: Any
) -> VerificationReport:
    kwargs.setdefault("resolve", DidResolver([issuer_did_document(KEY)]))
    kwargs.setdefault("status_list", status_list(*revoked))
    return verify_credential(credential, now=now, **kwargs)


def failed(report: VerificationReport) -> dict[str, str]:
    return {item.name: item.reason for item in report.failures}


@pytest.fixture(scope="module")
def credential() -> dict[str, Any]:
    return signed(build_credential(request()))


# --- the model ----------------------------------------------------------------------------------


def test_the_built_credential_has_the_ob3_shape() -> None:
    built = build_credential(request())
    assert built["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert built["id"] == "urn:uuid:3f2c1d7e-8a4b-4c6d-9e0f-1a2b3c4d5e6f"
    assert built["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert built["issuer"] == {
        "id": ISSUER_DID,
        "type": ["Profile"],
        "name": "Example University",
        "url": "https://www.example.edu/cs",
    }
    assert built["validFrom"] == built["awardedDate"] == "2025-06-01T12:00:00Z"
    subject = built["credentialSubject"]
    achievement = subject["achievement"]
    assert [alignment["targetCode"] for alignment in achievement["alignment"]] == ["DA-1", "DA-2"]
    assert achievement["alignment"][0]["targetUrl"] == f"{achievement['id']}/skills/DA-1"
    assert achievement["alignment"][1]["targetUrl"] == "https://frameworks.example.edu/cs/competencies/DA-2"
    thresholds = {item["id"]: item["requiredValue"] for item in achievement["resultDescription"]}
    assert thresholds == {
        f"{achievement['id']}/results/DA-1": "80",
        f"{achievement['id']}/results/DA-2": "75",
    }
    assert [(item["resultDescription"], item["value"]) for item in subject["result"]] == [
        (f"{achievement['id']}/results/DA-1", "87.5"),
        (f"{achievement['id']}/results/DA-2", "81.23"),
    ]
    assert [item["name"] for item in built["evidence"]] == [
        "Project 1: bike-share usage",
        "Project 2: weather",
    ]
    assert "0123456789abcdef0123456789abcdef01234567" in built["evidence"][0]["narrative"]
    assert built["credentialStatus"]["statusListIndex"] == "94567"


def test_every_node_has_a_type_except_criteria() -> None:
    untyped: list[str] = []

    def walk(value: Any, path: str) -> None:
        if isinstance(value, dict):
            if "type" not in value and not path.endswith("criteria"):
                untyped.append(path)
            for key, item in value.items():
                walk(item, f"{path}.{key}")
        elif isinstance(value, list):
            for position, item in enumerate(value):
                walk(item, f"{path}[{position}]")

    walk(build_credential(request()), "credential")
    assert untyped == []


def test_the_recipient_is_a_salted_email_hash_and_a_name() -> None:
    identifiers = build_credential(request())["credentialSubject"]["identifier"]
    assert identifiers == [
        {
            "type": "IdentityObject",
            "identityType": "emailAddress",
            "hashed": True,
            "identityHash": "sha256$" + hashlib.sha256(b"zoe@example.edu8f3c2a91d4e7b605").hexdigest(),
            "salt": "8f3c2a91d4e7b605",
        },
        {"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": "Zoë Ångström"},
    ]
    example = read_json("ob3-example/ob3-example-unsigned.json")["credentialSubject"]["identifier"][0]
    assert identity_hash(" Student@Example.edu ", example["salt"]) == example["identityHash"]


def test_scores_are_rounded_down_never_up() -> None:
    built = build_credential(request(results=(LearnerResult("DA-1", Decimal("0.79999")),)))
    assert built["credentialSubject"]["result"][0]["value"] == "79.99"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"issuer": IssuerProfile("badges.example.edu", "X")}, "issuer.id: expected an absolute URL"),
        ({"learner": Learner()}, "learner: give a name, an email or a DID"),
        ({"learner": Learner(email="a@b.c")}, "learner.salt: a hashed email needs a salt"),
        ({"results": (LearnerResult("DA-9", Decimal("0.9")),)}, r"results\[DA-9\]: the badge has no skill"),
        (
            {"results": (LearnerResult("DA-1", Decimal("1.5")),)},
            r"results\[DA-1\].achieved: expected a fraction",
        ),
        ({"valid_from": datetime(2025, 6, 1)}, "valid_from: needs a timezone"),
    ],
)
def test_bad_inputs_are_refused_with_the_field(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(CredentialInputError, match=message):
        build_credential(request(**changes))


# --- build, sign, verify -------------------------------------------------------------------------


def test_a_signed_credential_passes_every_check(credential: dict[str, Any]) -> None:
    report = check(credential)
    assert [item.name for item in report.checks] == ALL_CHECKS
    assert report.valid, failed(report)
    assert report.check("status").reason == f"not revoked (entry 94567 of {LIST_URL})"


def test_a_credential_without_results_evidence_or_status_also_verifies() -> None:
    bare = signed(
        build_credential(request(results=(), evidence=(), status=None, learner=Learner(name="Ann")))
    )
    report = check(bare, status_list=None)
    assert report.valid, failed(report)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda c: c["credentialSubject"]["result"][0].update(value="99"),
        lambda c: c["credentialSubject"]["identifier"][1].update(identityHash="Mallory"),
        lambda c: c.update(validFrom="2025-05-01T12:00:00Z"),
        lambda c: c["credentialSubject"]["achievement"].update(name="Data Analysis with Python, Honours"),
        lambda c: c["credentialSubject"]["achievement"]["resultDescription"][0].update(requiredValue="50"),
        lambda c: c["evidence"].pop(),
    ],
    ids=["result value", "learner name", "date", "badge name", "threshold", "evidence"],
)
def test_changing_any_signed_field_fails_the_signature(
    credential: dict[str, Any], tamper: Callable[[dict[str, Any]], None]
) -> None:
    changed = copy.deepcopy(credential)
    tamper(changed)
    assert failed(check(changed)) == {
        "signature": "the signature does not match: the credential was changed after signing, "
        "or it was signed by a different key"
    }


def test_swapping_the_issuer_fails_as_a_key_that_is_not_the_issuers(credential: dict[str, Any]) -> None:
    changed = copy.deepcopy(credential)
    changed["issuer"]["id"] = "did:web:diploma-mill.example"
    report = check(
        changed, resolve=DidResolver([issuer_did_document(KEY), {"id": "did:web:diploma-mill.example"}])
    )
    reasons = failed(report)
    assert reasons["issuer key"].startswith("signed by a key that is not the issuer's")
    assert "did:web:diploma-mill.example" in reasons["issuer key"]
    assert reasons["signature"] == "not checked, because the issuer key check failed"


def test_a_credential_signed_by_another_key_under_the_issuers_key_id_fails(
    credential: dict[str, Any],
) -> None:
    forged = signed(build_credential(request()), key=IssuerKey.generate())
    assert failed(check(forged)) == {
        "signature": "the signature does not match: the credential was changed after signing, "
        "or it was signed by a different key"
    }


def test_a_key_not_in_the_issuers_did_document_is_not_the_issuers() -> None:
    forged = signed(build_credential(request()), key=IssuerKey.generate(), method=f"{ISSUER_DID}#key-9")
    reasons = failed(check(forged))
    assert reasons["issuer key"] == (
        f"signed by a key that is not the issuer's: {ISSUER_DID}#key-9 is not listed in the DID document "
        f"of {ISSUER_DID}"
    )


def test_a_did_key_signature_on_a_did_web_credential_is_not_the_issuers() -> None:
    attacker = IssuerKey.generate()
    method = f"{attacker.public_multibase}"
    forged = signed(build_credential(request()), key=attacker, method=f"did:key:{method}#{method}")
    assert failed(check(forged))["issuer key"].startswith("signed by a key that is not the issuer's")


def test_an_undefined_property_is_refused_before_signing_and_fails_verification(
    credential: dict[str, Any],
) -> None:
    document = build_credential(request())
    document["credentialSubject"]["result"][0]["score"] = "100"
    with pytest.raises(UnsafeDocument, match=r"^credentialSubject.result\[0\].score: the property 'score'"):
        signed(document)
    smuggled = copy.deepcopy(credential)
    smuggled["credentialSubject"]["result"][0]["score"] = "100"
    reasons = failed(check(smuggled))
    assert reasons["safe mode"].startswith("credentialSubject.result[0].score: the property 'score' is not")
    assert reasons["signature"] == "not checked, because the safe mode check failed"


def test_an_untyped_object_loses_its_properties_and_is_refused(credential: dict[str, Any]) -> None:
    document = build_credential(request())
    document["evidence"][0]["type"] = ["Evidense"]
    with pytest.raises(UnsafeDocument, match=r"evidence\[0\].type\[0\]: 'Evidense' is not an absolute IRI"):
        signed(document)
    document = build_credential(request())
    document["credentialSubject"]["type"] = ["Person"]
    with pytest.raises(UnsafeDocument, match=r"credentialSubject.type\[0\]|credentialSubject.achievement"):
        signed(document)


def test_a_relative_iri_is_refused_before_signing_and_fails_verification(credential: dict[str, Any]) -> None:
    document = build_credential(request())
    document["evidence"][0]["id"] = "submissions/7c9e6679"
    with pytest.raises(
        UnsafeDocument, match=r"^evidence\[0\].id: 'submissions/7c9e6679' is not an absolute IRI"
    ):
        signed(document)
    changed = copy.deepcopy(credential)
    changed["credentialSchema"] = [
        {"id": "https://x.example/s.json", "type": "1EdTechJsonSchemaValidator2019"}
    ]
    assert failed(check(changed))["safe mode"].startswith(
        "credentialSchema[0].type: '1EdTechJsonSchemaValidator2019' is not an absolute IRI"
    )


def test_a_revoked_credential_fails_as_revoked(credential: dict[str, Any]) -> None:
    report = check(credential, revoked=(94567,))
    assert failed(report) == {
        "status": f"revoked: the issuer revoked this credential (entry 94567 of {LIST_URL})"
    }
    assert check(credential, revoked=(94566, 94568)).valid


def test_a_forged_or_missing_status_list_leaves_the_status_unknown(credential: dict[str, Any]) -> None:
    assert failed(check(credential, status_list=None))["status"].startswith("status unknown: the status list")
    forged_list = sign(
        status_list_credential(LIST_URL, ISSUER_DID, StatusList(), valid_from=ISSUED),
        IssuerKey.generate(),
        verification_method=METHOD,
        created=ISSUED,
    )
    reason = failed(check(credential, status_list=forged_list))["status"]
    assert reason.startswith(
        "status unknown: the status list is not trustworthy: the signature does not match"
    )


def test_dates_are_checked_against_the_given_now(credential: dict[str, Any]) -> None:
    early = check(credential, now=ISSUED - timedelta(days=1))
    assert failed(early)["dates"] == "not yet valid: valid from 2025-06-01T12:00:00Z"
    expiring = signed(build_credential(request(valid_until=datetime(2025, 12, 31, tzinfo=UTC))))
    assert check(expiring).valid
    assert failed(check(expiring, now=datetime(2026, 1, 1, tzinfo=UTC)))["dates"] == (
        "expired on 2025-12-31T00:00:00Z"
    )


def test_a_missing_proof_and_a_wrong_cryptosuite_are_named(credential: dict[str, Any]) -> None:
    unsigned = {key: value for key, value in credential.items() if key != "proof"}
    assert failed(check(unsigned))["proof"] == "proof: missing; the credential is not signed"
    assert check(unsigned).check("safe mode").passed
    extra = copy.deepcopy(credential)
    extra["proof"]["score"] = "1234"
    assert failed(check(extra))["safe mode"].startswith("proof.score: the property 'score' is not defined")
    other = copy.deepcopy(credential)
    other["proof"]["proofPurpose"] = "authentication"
    assert (
        failed(check(other))["proof"]
        == "proof.proofPurpose: expected 'assertionMethod', got 'authentication'"
    )


def test_a_structurally_wrong_credential_says_which_fields(credential: dict[str, Any]) -> None:
    broken = copy.deepcopy(credential)
    broken["issuer"] = ISSUER_DID
    del broken["credentialSubject"]["achievement"]["criteria"]
    reason = failed(check(broken))["structure"]
    assert "issuer: must be a Profile object with an id" in reason
    assert "credentialSubject.achievement.criteria: needs an id or a narrative" in reason


# --- contexts: shipped, pinned, never fetched -----------------------------------------------------


def test_the_shipped_contexts_match_their_sha256_and_the_vectors() -> None:
    assert {context.url for context in SHIPPED} == {
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    }
    for context in SHIPPED:
        data = (CONTEXTS_DIR / context.filename).read_bytes()
        assert hashlib.sha256(data).hexdigest() == context.sha256
        assert data == (VECTORS / "contexts" / context.filename).read_bytes()
    assert SHIPPED[0].sha256 == "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734"


def test_a_changed_context_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / SHIPPED[1].filename).write_bytes((CONTEXTS_DIR / SHIPPED[1].filename).read_bytes() + b" ")
    with pytest.raises(JsonLdRefused, match="differs from the pinned"):
        load_context(SHIPPED[1], tmp_path)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise AssertionError("network used")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    return attempts


def test_an_unknown_context_is_refused_without_any_fetch(
    credential: dict[str, Any], no_network: list[object]
) -> None:
    document = build_credential(request())
    document["@context"].append("https://evil.example/context.json")
    with pytest.raises(
        UnknownContext, match=r"@context\[2\]: the context 'https://evil.example/context.json'"
    ):
        signed(document)
    changed = copy.deepcopy(credential)
    changed["@context"].append("https://evil.example/context.json")
    report = check(changed)
    assert failed(report)["contexts"].startswith(
        "@context[2]: the context 'https://evil.example/context.json'"
    )
    assert failed(report)["safe mode"] == "not checked, because the contexts check failed"
    inline = copy.deepcopy(credential)
    inline["credentialSubject"]["@context"] = {"score": "https://evil.example/score"}
    assert "got dict; embedded contexts are not accepted" in failed(check(inline))["contexts"]
    assert no_network == []


# --- bounds against hostile documents --------------------------------------------------------------


def clique(size: int) -> list[dict[str, Any]]:
    """Blank nodes that all know each other: every one looks the same to RDFC, the classic poison graph."""
    members = [f"_:n{number}" for number in range(size)]
    return [
        {"id": member, "knows": [{"id": other} for other in members if other != member]} for member in members
    ]


@pytest.mark.parametrize(
    ("size", "reason"), [(12, "11 identical objects without ids hang off one object"), (6, "too alike")]
)
def test_a_poison_graph_is_refused_quickly(size: int, reason: str) -> None:
    document: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
        "id": "urn:uuid:00000000-0000-4000-8000-000000000000",
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:subject", "knows": clique(size)},
    }
    with pytest.raises(JsonLdRefused, match=f"document refused: .*{reason}"):
        examples_canonicalizer().canonicalize(document)
    document["credentialSubject"]["knows"] = clique(3)
    canonical = examples_canonicalizer().canonicalize(document)
    assert set(re.findall(r"_:c14n[0-9]+", canonical)) == {"_:c14n0", "_:c14n1", "_:c14n2"}


def test_oversized_and_over_deep_documents_are_refused(credential: dict[str, Any]) -> None:
    canon = shipped_canonicalizer()
    deep: dict[str, Any] = {"type": ["Evidence"]}
    for _ in range(40):
        deep = {"type": ["Evidence"], "narrative": deep}
    with pytest.raises(JsonLdRefused, match="nested deeper than 32 levels"):
        canon.canonicalize({**credential, "evidence": [deep]})
    with pytest.raises(JsonLdRefused, match="document too large"):
        canon.canonicalize({**credential, "description": "x" * 1_000_001})
    few_blank_nodes = Canonicalizer(
        {context.url: load_context(context) for context in SHIPPED}, Limits(max_blank_nodes=3)
    )
    with pytest.raises(JsonLdRefused, match=r"too many objects without an id: [0-9]+ > 3 limit"):
        few_blank_nodes.canonicalize({key: value for key, value in credential.items() if key != "proof"})


@pytest.mark.parametrize(
    "mangle",
    [
        lambda c: c.update(issuer=["did:web:x"]),
        lambda c: c.update(proof="z123"),
        lambda c: c.update(proof=[c["proof"], c["proof"]]),
        lambda c: c.update(credentialSubject=[1, 2]),
        lambda c: c.update({"@context": 7}),
        lambda c: c.update(validFrom=20250601),
        lambda c: c.update(credentialStatus=[c["credentialStatus"]]),
        lambda c: c["credentialStatus"].update(statusListIndex=94567),
        lambda c: c["proof"].update(verificationMethod=["did:web:badges.example.edu#key-1"]),
        lambda c: c["proof"].update(proofValue="zzzz"),
        lambda c: c["proof"].update(created="yesterday"),
        lambda c: c["credentialSubject"].update(achievement="https://badges.example.edu/a"),
        lambda c: c.update(type={"VerifiableCredential": True}),
        lambda c: c.update(evidence=[None]),
    ],
)
def test_malformed_credentials_give_a_report_never_an_exception(
    credential: dict[str, Any], mangle: Callable[[dict[str, Any]], None]
) -> None:
    mangled = copy.deepcopy(credential)
    mangle(mangled)
    report = check(mangled)
    assert not report.valid
    assert report.checks and all(item.reason for item in report.checks)
