"""What a certificate says, read from a signed Open Badges 3.0 credential (a plain JSON object)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from grader.domain.errors import GraderError


@dataclass(frozen=True)
class SkillLine:
    name: str
    level: str
    """What the learner reached, e.g. "Mastered" or "87%"."""
    required: str
    """The threshold of the badge, e.g. "Proficient" or "80%"."""


@dataclass(frozen=True)
class CertificateContent:
    learner_name: str
    badge_name: str
    institution: str
    issuer_name: str
    issuer_id: str
    issued_on: date
    credential_id: str
    verify_url: str
    course_name: str = ""
    skills: tuple[SkillLine, ...] = ()


def _object(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise GraderError(f"The credential has no {where} object; re-issue it with `grader certify`.")
    return value


def _text(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise GraderError(f"The credential has no {where}; re-issue it with `grader certify`.")
    return value


def _list(value: object) -> Sequence[Any]:
    if value is None:
        return ()
    return value if isinstance(value, list) else [value]


def _issue_date(credential: Mapping[str, Any]) -> date:
    raw = credential.get("awardedDate") or credential.get("validFrom") or credential.get("issuanceDate")
    text = _text(raw, "issue date (validFrom)")
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError as error:
        raise GraderError(f"The credential's issue date {text!r} is not an ISO 8601 date-time.") from error


def _value(result_description: Mapping[str, Any], value: object) -> str:
    shown = str(value)
    return f"{shown}%" if result_description.get("resultType") == "Percent" else shown


def _level_name(result_description: Mapping[str, Any], level_id: object) -> str:
    for level in _list(result_description.get("rubricCriterionLevel")):
        if isinstance(level, Mapping) and level.get("id") == level_id:
            return str(level.get("name", level_id))
    return str(level_id)


def skill_lines(subject: Mapping[str, Any]) -> tuple[SkillLine, ...]:
    """One line per result, with the level reached and the threshold from its result description."""
    achievement = _object(subject.get("achievement"), "credentialSubject.achievement")
    descriptions = {
        d.get("id"): d for d in _list(achievement.get("resultDescription")) if isinstance(d, Mapping)
    }
    lines = []
    for result in _list(subject.get("result")):
        if not isinstance(result, Mapping) or result.get("resultDescription") not in descriptions:
            continue
        described = descriptions[result["resultDescription"]]
        if "achievedLevel" in result:
            level = _level_name(described, result["achievedLevel"])
        else:
            level = _value(described, result.get("value", ""))
        if "requiredLevel" in described:
            required = _level_name(described, described["requiredLevel"])
        elif "requiredValue" in described:
            required = _value(described, described["requiredValue"])
        else:
            required = ""
        lines.append(SkillLine(str(described.get("name", "")), level, required))
    return tuple(lines)


def certificate_content(
    credential: Mapping[str, Any],
    *,
    learner_name: str,
    verify_url: str,
    course_name: str = "",
    institution: str = "",
) -> CertificateContent:
    """The certificate's text for `credential`; the learner's name comes from the roster, not the credential.

    `institution` heads the page; it defaults to the issuer's name.
    """
    issuer = credential.get("issuer")
    issuer_id = issuer if isinstance(issuer, str) else _text(_object(issuer, "issuer").get("id"), "issuer id")
    issuer_name = (
        issuer_id if isinstance(issuer, str) else str(_object(issuer, "issuer").get("name") or issuer_id)
    )
    subject = _object(credential.get("credentialSubject"), "credentialSubject")
    achievement = _object(subject.get("achievement"), "credentialSubject.achievement")
    return CertificateContent(
        learner_name=learner_name,
        badge_name=_text(achievement.get("name"), "achievement name"),
        institution=institution or issuer_name,
        issuer_name=issuer_name,
        issuer_id=issuer_id,
        issued_on=_issue_date(credential),
        credential_id=_text(credential.get("id"), "id"),
        verify_url=verify_url,
        course_name=course_name,
        skills=skill_lines(subject),
    )
