"""An unsigned Open Badges 3.0 OpenBadgeCredential (VCDM 2.0) from plain inputs, a `type` on every node."""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_DOWN, Decimal
from typing import Any
from urllib.parse import quote

from grader.credentials.jsonld import OB3, VCDM2
from grader.credentials.status import status_entry
from grader.credentials.timestamps import format_timestamp
from grader.domain.errors import GraderError

CREDENTIAL_TYPES = ("VerifiableCredential", "OpenBadgeCredential")
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")
_SHA = re.compile(r"[0-9a-f]{7,64}")
_HUNDRED = Decimal(100)


class CredentialInputError(GraderError):
    """Inputs that cannot make a valid credential; the message names the field."""


@dataclass(frozen=True)
class IssuerProfile:
    """Who issues: ``id`` is the issuer's DID (did:web or did:key); the rest is shown to people."""

    id: str
    name: str
    url: str | None = None
    email: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class SkillRequirement:
    """A skill the badge certifies and the mastery fraction (0 to 1) it requires."""

    code: str
    name: str
    threshold: Decimal
    url: str | None = None
    description: str | None = None
    framework: str | None = None


@dataclass(frozen=True)
class BadgeDefinition:
    """The achievement: a stable ``id`` (URI) per badge, its words, its criteria and its skills."""

    id: str
    name: str
    description: str
    criteria: str
    skills: tuple[SkillRequirement, ...]
    criteria_url: str | None = None
    image_url: str | None = None
    achievement_type: str = "Badge"


@dataclass(frozen=True)
class Learner:
    """Who earned it: a name shown in clear, an email kept only as a salted hash, and/or a wallet DID."""

    name: str | None = None
    email: str | None = None
    salt: str | None = None
    did: str | None = None


@dataclass(frozen=True)
class LearnerResult:
    """The learner's mastery fraction (0 to 1) of one of the badge's skills."""

    skill: str
    achieved: Decimal


@dataclass(frozen=True)
class EvidenceItem:
    """A graded commit: which assignment, which commit, where, when; ``url`` only if the learner agreed."""

    assignment: str
    commit_sha: str
    graded_at: datetime
    repo_url: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class StatusPointer:
    """Where the credential's revocation bit lives: the status list credential's URL and the index in it."""

    list_url: str
    index: int


@dataclass(frozen=True)
class CredentialRequest:
    """Everything one credential says, before it is signed."""

    credential_id: uuid.UUID
    issuer: IssuerProfile
    badge: BadgeDefinition
    learner: Learner
    valid_from: datetime
    results: tuple[LearnerResult, ...] = ()
    evidence: tuple[EvidenceItem, ...] = ()
    status: StatusPointer | None = None
    valid_until: datetime | None = None
    awarded: datetime | None = None


def new_credential_id() -> uuid.UUID:
    """A random credential id, so credential pages cannot be enumerated."""
    return uuid.uuid4()


def new_salt() -> str:
    """A random salt for a hashed email."""
    return secrets.token_hex(8)


def identity_hash(value: str, salt: str) -> str:
    """OB 3.0 IdentityHash: 'sha256$' + hex(sha256(value + salt)); the value is trimmed and lower-cased."""
    return "sha256$" + hashlib.sha256((value.strip().lower() + salt).encode("utf-8")).hexdigest()


def build_credential(request: CredentialRequest) -> dict[str, Any]:
    """The unsigned OpenBadgeCredential for ``request``; inputs are checked, field by field."""
    _check_request(request)
    badge = request.badge
    credential: dict[str, Any] = {
        "@context": [VCDM2, OB3],
        "id": request.credential_id.urn,
        "type": list(CREDENTIAL_TYPES),
        "name": badge.name,
        "description": badge.description,
        "issuer": _profile(request.issuer),
        "validFrom": format_timestamp(request.valid_from),
    }
    if request.valid_until is not None:
        credential["validUntil"] = format_timestamp(request.valid_until)
    if request.awarded is not None:
        credential["awardedDate"] = format_timestamp(request.awarded)
    credential["credentialSubject"] = _subject(request)
    if request.evidence:
        credential["evidence"] = [_evidence(item) for item in request.evidence]
    if request.status is not None:
        credential["credentialStatus"] = status_entry(request.status.list_url, request.status.index)
    return credential


def result_description_id(badge: BadgeDefinition, skill: SkillRequirement) -> str:
    """The id of the ResultDescription holding ``skill``'s threshold."""
    return f"{badge.id}/results/{quote(skill.code, safe='')}"


def _profile(issuer: IssuerProfile) -> dict[str, Any]:
    profile: dict[str, Any] = {"id": issuer.id, "type": ["Profile"], "name": issuer.name}
    optional = {"url": issuer.url, "email": issuer.email, "description": issuer.description}
    profile.update({name: value for name, value in optional.items() if value})
    return profile


def _subject(request: CredentialRequest) -> dict[str, Any]:
    learner = request.learner
    subject: dict[str, Any] = {"type": ["AchievementSubject"]}
    if learner.did:
        subject["id"] = learner.did
    identifiers = []
    if learner.email:
        identifiers.append(
            {
                "type": "IdentityObject",
                "identityType": "emailAddress",
                "hashed": True,
                "identityHash": identity_hash(learner.email, learner.salt or ""),
                "salt": learner.salt,
            }
        )
    if learner.name:
        identifiers.append(
            {"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": learner.name}
        )
    if identifiers:
        subject["identifier"] = identifiers
    subject["achievement"] = _achievement(request.badge)
    skills = {skill.code: skill for skill in request.badge.skills}
    if request.results:
        subject["result"] = [
            {
                "type": ["Result"],
                "resultDescription": result_description_id(request.badge, skills[result.skill]),
                "value": _percent(result.achieved, rounding_down=True),
            }
            for result in request.results
        ]
    return subject


def _achievement(badge: BadgeDefinition) -> dict[str, Any]:
    criteria: dict[str, Any] = {"narrative": badge.criteria}
    if badge.criteria_url:
        criteria = {"id": badge.criteria_url, **criteria}
    achievement: dict[str, Any] = {
        "id": badge.id,
        "type": ["Achievement"],
        "achievementType": badge.achievement_type,
        "name": badge.name,
        "description": badge.description,
        "criteria": criteria,
    }
    if badge.image_url:
        achievement["image"] = {"id": badge.image_url, "type": "Image", "caption": badge.name}
    if badge.skills:
        achievement["alignment"] = [_alignment(badge, skill) for skill in badge.skills]
        achievement["resultDescription"] = [
            {
                "id": result_description_id(badge, skill),
                "type": ["ResultDescription"],
                "name": skill.name,
                "resultType": "Percent",
                "valueMin": "0",
                "valueMax": "100",
                "requiredValue": _percent(skill.threshold),
                "alignment": [_alignment(badge, skill)],
            }
            for skill in badge.skills
        ]
    return achievement


def _alignment(badge: BadgeDefinition, skill: SkillRequirement) -> dict[str, Any]:
    alignment: dict[str, Any] = {
        "type": ["Alignment"],
        "targetName": skill.name,
        "targetUrl": skill.url or f"{badge.id}/skills/{quote(skill.code, safe='')}",
        "targetCode": skill.code,
    }
    optional = {"targetDescription": skill.description, "targetFramework": skill.framework}
    alignment.update({name: value for name, value in optional.items() if value})
    return alignment


def _evidence(item: EvidenceItem) -> dict[str, Any]:
    where = f" of {item.repo_url}" if item.repo_url else ""
    evidence: dict[str, Any] = {
        "type": ["Evidence"],
        "name": item.assignment,
        "description": f"Graded commit {item.commit_sha}",
        "narrative": f"Commit {item.commit_sha}{where}, graded on {format_timestamp(item.graded_at)[:10]}.",
        "genre": "Graded commit",
    }
    if item.url:
        evidence = {"id": item.url, **evidence}
    return evidence


def _percent(fraction: Decimal, *, rounding_down: bool = False) -> str:
    """0.875 -> '87.5'; results round down to 0.01 so a score is never shown higher than it was."""
    percent = (fraction * _HUNDRED).quantize(Decimal("0.01"), rounding=ROUND_DOWN if rounding_down else None)
    text = format(percent.normalize(), "f")
    return text


def _check_request(request: CredentialRequest) -> None:
    problems: list[str] = []
    badge, learner = request.badge, request.learner
    _iri(problems, "issuer.id", request.issuer.id)
    _iri(problems, "badge.id", badge.id)
    for field, value in (
        ("issuer.url", request.issuer.url),
        ("badge.criteria_url", badge.criteria_url),
        ("badge.image_url", badge.image_url),
        ("learner.did", learner.did),
    ):
        if value is not None:
            _iri(problems, field, value)
    for field, text in (
        ("issuer.name", request.issuer.name),
        ("badge.name", badge.name),
        ("badge.description", badge.description),
        ("badge.criteria", badge.criteria),
    ):
        if not text.strip():
            problems.append(f"{field}: must not be empty")
    if not (learner.name or learner.email or learner.did):
        problems.append("learner: give a name, an email or a DID, so the credential names who earned it")
    if learner.email and not learner.salt:
        problems.append("learner.salt: a hashed email needs a salt (use new_salt())")
    codes = [skill.code for skill in badge.skills]
    if len(set(codes)) != len(codes):
        problems.append("badge.skills: two skills share a code")
    for skill in badge.skills:
        _fraction(problems, f"badge.skills[{skill.code}].threshold", skill.threshold)
        if skill.url is not None:
            _iri(problems, f"badge.skills[{skill.code}].url", skill.url)
    for result in request.results:
        if result.skill not in codes:
            problems.append(f"results[{result.skill}]: the badge has no skill with this code")
        _fraction(problems, f"results[{result.skill}].achieved", result.achieved)
    for position, item in enumerate(request.evidence):
        if not _SHA.fullmatch(item.commit_sha):
            problems.append(f"evidence[{position}].commit_sha: expected a hexadecimal commit id")
        if item.url is not None:
            _iri(problems, f"evidence[{position}].url", item.url)
    moments = {
        "valid_from": request.valid_from,
        "valid_until": request.valid_until,
        "awarded": request.awarded,
    }
    moments.update({f"evidence[{n}].graded_at": item.graded_at for n, item in enumerate(request.evidence)})
    for field, moment in moments.items():
        if moment is not None and moment.utcoffset() is None:
            problems.append(f"{field}: needs a timezone (a naive datetime is ambiguous)")
    if problems:
        raise CredentialInputError("cannot build the credential:\n" + "\n".join(problems))


def _iri(problems: list[str], field: str, value: str) -> None:
    if not _IRI.fullmatch(value):
        problems.append(f"{field}: expected an absolute URL, URN or DID, got {value[:80]!r}")


def _fraction(problems: list[str], field: str, value: Decimal) -> None:
    if not isinstance(value, Decimal) or not value.is_finite() or not 0 <= value <= 1:
        problems.append(f"{field}: expected a fraction from 0 to 1, got {value}")
