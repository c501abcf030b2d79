"""Verify an Open Badges 3.0 credential offline: named checks, each saying in plain words why it failed."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from grader.credentials.did import DidResolver, ResolvedKey
from grader.credentials.jsonld import (
    VCDM2,
    Canonicalizer,
    JsonLdRefused,
    UnknownContext,
    shipped_canonicalizer,
)
from grader.credentials.proof import (
    ProofError,
    check_options,
    check_signature,
    hash_data,
    signature_bytes,
    signed_parts,
    single_proof,
    verify,
)
from grader.credentials.status import REVOCATION, StatusList, entry_index
from grader.credentials.timestamps import TimestampError, parse_timestamp, require_aware
from grader.domain.errors import GraderError

KeyResolver = Callable[[str], ResolvedKey]

STRUCTURE, CONTEXTS, SAFE_MODE, PROOF, ISSUER_KEY, SIGNATURE, STATUS, DATES = (
    "structure",
    "contexts",
    "safe mode",
    "proof",
    "issuer key",
    "signature",
    "status",
    "dates",
)
_OB_CONTEXT_PREFIX = "https://purl.imsglobal.org/spec/ob/v3p0/context"


@dataclass(frozen=True)
class Check:
    """One verification step: its name, whether it passed, and why."""

    name: str
    passed: bool
    reason: str


@dataclass(frozen=True)
class VerificationReport:
    """Every check, in the order a verifier runs them; the credential is valid when all passed."""

    checks: tuple[Check, ...]

    @property
    def valid(self) -> bool:
        return all(check.passed for check in self.checks)

    @property
    def failures(self) -> tuple[Check, ...]:
        return tuple(check for check in self.checks if not check.passed)

    def check(self, name: str) -> Check:
        """The check called ``name``."""
        return next(check for check in self.checks if check.name == name)


def verify_credential(
    credential: Mapping[str, Any],
    *,
    now: datetime,
    resolve: KeyResolver,
    status_list: Mapping[str, Any] | None = None,
    canonicalizer: Canonicalizer | None = None,
    local_status: LocalStatus | None = None,
) -> VerificationReport:
    """Structure, contexts, safe mode, proof, issuer key, signature, status and dates of ``credential``.

    The status comes from ``status_list`` (a signed status list credential, checked like the
    credential), or from ``local_status`` when the caller holds the issuer's own record of it.
    """
    require_aware(now, field="now")
    verification = _Verification(credential, now, resolve, canonicalizer or shipped_canonicalizer())
    return verification.run(status_list, local_status)


@dataclass(frozen=True)
class LocalStatus:
    """The issuer's own revocation bits for the status list at ``list_url`` (no signature needed)."""

    list_url: str
    bits: StatusList


class _Verification:
    """The steps of one verification; later steps reuse what earlier ones computed."""

    def __init__(
        self, credential: Mapping[str, Any], now: datetime, resolve: KeyResolver, canon: Canonicalizer
    ) -> None:
        self.credential = credential
        self.now = now
        self.resolve = resolve
        self.canon = canon
        self.hashed = b""
        self.key: ResolvedKey | None = None

    def run(self, status_list: Mapping[str, Any] | None, local: LocalStatus | None) -> VerificationReport:
        structure = _run(STRUCTURE, lambda: _structure(self.credential))
        contexts = _run(CONTEXTS, self.contexts)
        safe = _after(contexts, SAFE_MODE, self.safe_mode)
        proof = _run(PROOF, self.proof)
        key = _after(proof, ISSUER_KEY, self.issuer_key)
        signature = _after(safe if not safe.passed else key, SIGNATURE, self.signature)
        status = _run(
            STATUS,
            lambda: (
                _local_status(self.credential, local)
                if local is not None
                else _status(self.credential, status_list, self.now, self.resolve, self.canon)
            ),
        )
        dates = _run(DATES, lambda: _dates(self.credential, self.now))
        return VerificationReport((structure, contexts, safe, proof, key, signature, status, dates))

    def contexts(self) -> str:
        self.canon.check_shape(self.credential)
        return "every @context is one grader ships; nothing was fetched"

    def safe_mode(self) -> str:
        try:
            parts = signed_parts(self.credential)
        except ProofError:
            self.canon.check(self.credential)
        else:
            self.hashed = hash_data(parts.document, parts.options, self.canon)
        return "every property is defined by the contexts and every IRI is absolute, so all of it is signed"

    def proof(self) -> str:
        proof = single_proof(self.credential)
        check_options(proof)
        signature_bytes(proof)
        if "created" not in proof:
            raise ProofError("proof.created: missing; the proof must say when it was made")
        created = parse_timestamp(proof["created"], field="proof.created")
        if created > self.now:
            raise ProofError(f"proof.created: {proof['created']} is in the future")
        return f"an {proof['cryptosuite']} proof for {proof['proofPurpose']}, made {proof['created']}"

    def issuer_key(self) -> str:
        method = single_proof(self.credential)["verificationMethod"]
        key = self.resolve(method)
        issuer_id = _issuer_id(self.credential)
        if key.controller != issuer_id:
            raise GraderError(
                f"signed by a key that is not the issuer's: {method[:160]} belongs to "
                f"{key.controller[:120]}, but the issuer is {str(issuer_id)[:120]}"
            )
        self.key = key
        return f"{method} is an assertion key of the issuer {issuer_id}"

    def signature(self) -> str:
        if self.key is None or not self.hashed:
            raise GraderError("not checked: the proof or the issuer's key could not be read")
        check_signature(self.key.public_key, signed_parts(self.credential).signature, self.hashed)
        return "the signature matches: nothing was changed since it was signed"


def _run(name: str, step: Callable[[], str]) -> Check:
    try:
        return Check(name, True, step())
    except GraderError as error:
        return Check(name, False, str(error))


def _after(needed: Check, name: str, step: Callable[[], str]) -> Check:
    if not needed.passed:
        return Check(name, False, f"not checked, because the {needed.name} check failed")
    return _run(name, step)


def _issuer_id(credential: Mapping[str, Any]) -> Any:
    issuer = credential.get("issuer")
    return issuer.get("id") if isinstance(issuer, Mapping) else issuer


def _structure(credential: Mapping[str, Any]) -> str:
    problems: list[str] = []
    context = credential.get("@context")
    if not isinstance(context, list) or len(context) < 2 or context[0] != VCDM2:
        problems.append(f"@context: must start with {VCDM2}, then the Open Badges 3.0 context")
    elif not isinstance(context[1], str) or not context[1].startswith(_OB_CONTEXT_PREFIX):
        problems.append("@context[1]: must be the Open Badges 3.0 context")
    types = _types(credential.get("type"))
    if "VerifiableCredential" not in types or not {"OpenBadgeCredential", "AchievementCredential"} & types:
        problems.append("type: must include VerifiableCredential and OpenBadgeCredential")
    if not isinstance(credential.get("id"), str):
        problems.append("id: missing")
    issuer = credential.get("issuer")
    if not isinstance(issuer, Mapping) or "Profile" not in _types(issuer.get("type")):
        problems.append("issuer: must be a Profile object with an id")
    elif not isinstance(issuer.get("id"), str):
        problems.append("issuer.id: missing")
    if "validFrom" not in credential:
        problems.append("validFrom: missing")
    problems += _subject_problems(credential.get("credentialSubject"))
    for position, evidence in enumerate(_list(credential.get("evidence"))):
        if not isinstance(evidence, Mapping) or "Evidence" not in _types(evidence.get("type")):
            problems.append(f"evidence[{position}].type: must include Evidence")
    if problems:
        raise GraderError("; ".join(problems))
    return "has every required field, each with its type"


def _subject_problems(subject: Any) -> list[str]:
    if not isinstance(subject, Mapping) or "AchievementSubject" not in _types(subject.get("type")):
        return ["credentialSubject.type: must include AchievementSubject"]
    problems = []
    if "id" not in subject and not subject.get("identifier"):
        problems.append("credentialSubject: needs an id or an identifier naming the learner")
    for position, identifier in enumerate(_list(subject.get("identifier"))):
        if not isinstance(identifier, Mapping) or identifier.get("type") != "IdentityObject":
            problems.append(f"credentialSubject.identifier[{position}].type: must be IdentityObject")
    for position, result in enumerate(_list(subject.get("result"))):
        if not isinstance(result, Mapping) or "Result" not in _types(result.get("type")):
            problems.append(f"credentialSubject.result[{position}].type: must include Result")
    achievement = subject.get("achievement")
    if not isinstance(achievement, Mapping) or "Achievement" not in _types(achievement.get("type")):
        return [*problems, "credentialSubject.achievement: must be an Achievement"]
    for field in ("id", "name", "description"):
        if not isinstance(achievement.get(field), str):
            problems.append(f"credentialSubject.achievement.{field}: missing")
    criteria = achievement.get("criteria")
    if not isinstance(criteria, Mapping) or not ("id" in criteria or "narrative" in criteria):
        problems.append("credentialSubject.achievement.criteria: needs an id or a narrative")
    for position, description in enumerate(_list(achievement.get("resultDescription"))):
        if not isinstance(description, Mapping) or "ResultDescription" not in _types(description.get("type")):
            problems.append(
                f"credentialSubject.achievement.resultDescription[{position}].type: must be typed"
            )
    return problems


def _status(
    credential: Mapping[str, Any],
    status_list: Mapping[str, Any] | None,
    now: datetime,
    resolve: KeyResolver,
    canon: Canonicalizer,
) -> str:
    entry = _status_entry(credential)
    if entry is None:
        return "the credential has no status entry, so it cannot be revoked"
    index = entry_index(entry)
    url = entry.get("statusListCredential")
    if status_list is None:
        raise GraderError(f"status unknown: the status list {str(url)[:160]} was not supplied")
    if status_list.get("id") != url:
        raise GraderError(
            f"status unknown: the supplied status list is {status_list.get('id')!r}, not {url!r}"
        )
    list_report = _status_list_checks(status_list, credential, now, resolve, canon)
    if list_report:
        raise GraderError(f"status unknown: the status list is not trustworthy: {list_report}")
    subject = status_list["credentialSubject"]
    bits = StatusList.decode(subject.get("encodedList"))
    if bits.is_revoked(index):
        raise GraderError(f"revoked: the issuer revoked this credential (entry {index} of {url})")
    return f"not revoked (entry {index} of {url})"


def _status_entry(credential: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The credential's revocation status entry; None when it has none."""
    entry = credential.get("credentialStatus")
    if entry is None:
        return None
    if not isinstance(entry, Mapping) or entry.get("type") != "BitstringStatusListEntry":
        raise GraderError("credentialStatus: expected a BitstringStatusListEntry")
    if entry.get("statusPurpose") != REVOCATION:
        raise GraderError(f"credentialStatus.statusPurpose: expected {REVOCATION!r}")
    return entry


def _local_status(credential: Mapping[str, Any], local: LocalStatus) -> str:
    entry = _status_entry(credential)
    if entry is None:
        return "the credential has no status entry, so it cannot be revoked"
    index, url = entry_index(entry), entry.get("statusListCredential")
    if url != local.list_url:
        raise GraderError(
            f"status unknown: the credential points to {str(url)[:160]}, not this issuer's {local.list_url}"
        )
    if local.bits.is_revoked(index):
        raise GraderError(f"revoked: the issuer revoked this credential (entry {index} of {url})")
    return f"not revoked (entry {index} of {url}, from the issuer's gradebook)"


def _status_list_checks(
    status_list: Mapping[str, Any],
    credential: Mapping[str, Any],
    now: datetime,
    resolve: KeyResolver,
    canon: Canonicalizer,
) -> str:
    """Why the status list credential cannot be trusted, or '' when it can."""
    if "BitstringStatusListCredential" not in _types(status_list.get("type")):
        return "its type is not BitstringStatusListCredential"
    subject = status_list.get("credentialSubject")
    if not isinstance(subject, Mapping) or subject.get("type") != "BitstringStatusList":
        return "its credentialSubject is not a BitstringStatusList"
    if subject.get("statusPurpose") != REVOCATION:
        return f"its statusPurpose is not {REVOCATION!r}"
    issuer_id, list_issuer_id = _issuer_id(credential), _issuer_id(status_list)
    if list_issuer_id != issuer_id:
        return f"it was issued by {str(list_issuer_id)[:120]}, not by the credential's issuer"
    try:
        key = resolve(single_proof(status_list)["verificationMethod"])
        if key.controller != issuer_id:
            return "it was signed by a key that is not the issuer's"
        verify(status_list, key.public_key, canon)
        if (
            "validUntil" in status_list
            and parse_timestamp(status_list["validUntil"], field="validUntil") <= now
        ):
            return "it has expired"
    except GraderError as error:
        return str(error)
    return ""


def _dates(credential: Mapping[str, Any], now: datetime) -> str:
    valid_from = parse_timestamp(credential.get("validFrom"), field="validFrom")
    if valid_from > now:
        raise TimestampError(f"not yet valid: valid from {credential['validFrom']}")
    if "validUntil" in credential:
        valid_until = parse_timestamp(credential["validUntil"], field="validUntil")
        if valid_until <= now:
            raise TimestampError(f"expired on {credential['validUntil']}")
        return f"valid from {credential['validFrom']} until {credential['validUntil']}"
    return f"valid from {credential['validFrom']}, with no expiry"


def _types(value: Any) -> set[str]:
    return {item for item in _list(value) if isinstance(item, str)}


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


__all__ = [
    "CONTEXTS",
    "DATES",
    "ISSUER_KEY",
    "PROOF",
    "SAFE_MODE",
    "SIGNATURE",
    "STATUS",
    "STRUCTURE",
    "Check",
    "DidResolver",
    "JsonLdRefused",
    "KeyResolver",
    "UnknownContext",
    "VerificationReport",
    "verify_credential",
]
