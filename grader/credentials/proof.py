"""Data Integrity proofs with the eddsa-rdfc-2022 cryptosuite, exactly as W3C VC-DI-EdDSA specifies them."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from grader.credentials.jsonld import Canonicalizer, UnsafeDocument, shipped_canonicalizer
from grader.credentials.keys import IssuerKey, verify_signature
from grader.credentials.multibase import MultibaseError, decode_base58btc, encode_base58btc
from grader.credentials.timestamps import TimestampError, format_timestamp, parse_timestamp
from grader.domain.errors import GraderError

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
ASSERTION_METHOD = "assertionMethod"
SIGNATURE_BYTES = 64


class ProofError(GraderError):
    """A proof that cannot be created or does not verify; the message says which part and why."""


def proof_options(verification_method: str, created: datetime) -> dict[str, Any]:
    """The proof fields before signing: type, cryptosuite, created, verificationMethod, proofPurpose."""
    return {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": format_timestamp(created),
        "verificationMethod": verification_method,
        "proofPurpose": ASSERTION_METHOD,
    }


def hash_data(
    document: Mapping[str, Any], options: Mapping[str, Any], canonicalizer: Canonicalizer | None = None
) -> bytes:
    """sha256(canonical proof config) ‖ sha256(canonical document): the 64 bytes Ed25519 signs."""
    canon = canonicalizer or shipped_canonicalizer()
    check_options(options)
    canonical_document = canon.canonicalize(document)
    try:
        canonical_config = canon.canonicalize_proof_config({**options, "@context": document["@context"]})
    except UnsafeDocument as error:
        raise UnsafeDocument(f"proof.{error}") from None
    return (
        hashlib.sha256(canonical_config.encode("utf-8")).digest()
        + hashlib.sha256(canonical_document.encode("utf-8")).digest()
    )


def sign(
    document: Mapping[str, Any],
    key: IssuerKey,
    *,
    verification_method: str,
    created: datetime,
    canonicalizer: Canonicalizer | None = None,
) -> dict[str, Any]:
    """A copy of ``document`` with an eddsa-rdfc-2022 ``proof``; refuses a document safe mode rejects."""
    if "proof" in document:
        raise ProofError("the document already has a proof; sign the unsigned credential")
    options = proof_options(verification_method, created)
    signature = key.sign(hash_data(document, options, canonicalizer))
    return {**document, "proof": {**options, "proofValue": encode_base58btc(signature)}}


@dataclass(frozen=True)
class SignedParts:
    """A secured document taken apart: what was signed, the proof options, and the signature."""

    document: dict[str, Any]
    options: dict[str, Any]
    signature: bytes


def signed_parts(secured: Mapping[str, Any]) -> SignedParts:
    """The unsecured document, proof options and signature of ``secured``, as VC Data Integrity says."""
    proof = single_proof(secured)
    check_options(proof)
    signature = signature_bytes(proof)
    options = {name: value for name, value in proof.items() if name != "proofValue"}
    document = {name: value for name, value in secured.items() if name != "proof"}
    if "@context" in options:
        document["@context"] = _context_from_proof(secured, options.pop("@context"))
    return SignedParts(document, options, signature)


def verify(secured: Mapping[str, Any], public_key: bytes, canonicalizer: Canonicalizer | None = None) -> None:
    """Raise ProofError unless ``secured`` carries an eddsa-rdfc-2022 proof valid for ``public_key``."""
    parts = signed_parts(secured)
    check_signature(public_key, parts.signature, hash_data(parts.document, parts.options, canonicalizer))


def check_signature(public_key: bytes, signature: bytes, hashed: bytes) -> None:
    """Raise ProofError unless ``signature`` over ``hashed`` verifies with ``public_key``."""
    if not verify_signature(public_key, signature, hashed):
        raise ProofError(
            "the signature does not match: the credential was changed after signing, "
            "or it was signed by a different key"
        )


def single_proof(secured: Mapping[str, Any]) -> Mapping[str, Any]:
    """The one eddsa-rdfc-2022 proof of ``secured``; a proof set must hold exactly one."""
    proof = secured.get("proof")
    proofs = proof if isinstance(proof, list) else [proof] if proof is not None else []
    ours = [item for item in proofs if isinstance(item, Mapping) and item.get("cryptosuite") == CRYPTOSUITE]
    if not proofs:
        raise ProofError("proof: missing; the credential is not signed")
    if len(proofs) > 1:
        raise ProofError(
            f"proof: {len(proofs)} proofs; grader verifies credentials with exactly one {CRYPTOSUITE} "
            "proof, so the others could not be checked"
        )
    if len(ours) != 1:
        found = ", ".join(
            sorted({str(item.get("cryptosuite")) for item in proofs if isinstance(item, Mapping)})
        )
        raise ProofError(f"proof: expected one proof with cryptosuite {CRYPTOSUITE}, found {found or 'none'}")
    return ours[0]


def check_options(options: Mapping[str, Any]) -> None:
    """Refuse a proof whose type, cryptosuite, purpose, created or key id eddsa-rdfc-2022 cannot use."""
    if options.get("type") != PROOF_TYPE:
        raise ProofError(f"proof.type: expected {PROOF_TYPE!r}, got {options.get('type')!r}")
    if options.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError(f"proof.cryptosuite: expected {CRYPTOSUITE!r}, got {options.get('cryptosuite')!r}")
    if options.get("proofPurpose") != ASSERTION_METHOD:
        raise ProofError(
            f"proof.proofPurpose: expected {ASSERTION_METHOD!r}, got {options.get('proofPurpose')!r}"
        )
    if not isinstance(options.get("verificationMethod"), str):
        raise ProofError("proof.verificationMethod: missing; a proof must name the key that made it")
    if "created" in options:
        try:
            parse_timestamp(options["created"], field="proof.created")
        except TimestampError as error:
            raise ProofError(str(error)) from None


def signature_bytes(proof: Mapping[str, Any]) -> bytes:
    """The 64-byte Ed25519 signature inside ``proofValue`` ('z' + base58btc)."""
    value = proof.get("proofValue")
    if not isinstance(value, str):
        raise ProofError("proof.proofValue: missing; the proof carries no signature")
    try:
        signature = decode_base58btc(value)
    except MultibaseError as error:
        raise ProofError(f"proof.proofValue: {error}") from None
    if len(signature) != SIGNATURE_BYTES:
        raise ProofError(
            f"proof.proofValue: an Ed25519 signature is {SIGNATURE_BYTES} bytes, got {len(signature)}"
        )
    return signature


def _context_from_proof(secured: Mapping[str, Any], proof_context: Any) -> Any:
    """VC Data Integrity: a proof's @context must be where the document's @context starts."""
    document_context = secured.get("@context")
    wanted = proof_context if isinstance(proof_context, list) else [proof_context]
    have = document_context if isinstance(document_context, list) else [document_context]
    if have[: len(wanted)] != wanted:
        raise ProofError("proof.@context: the document's @context does not start with the proof's @context")
    return proof_context
