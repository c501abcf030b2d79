"""The LinkedIn "Add to profile" link (Licenses & certifications) for a credential."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from grader.domain.errors import GraderError

ADD_TO_PROFILE = "https://www.linkedin.com/profile/add"


def _month_year(day: date) -> tuple[str, str]:
    return str(day.year), str(day.month)


def linkedin_add_url(
    *,
    name: str,
    organization_name: str,
    issued_on: date,
    cert_url: str,
    cert_id: str,
    expires_on: date | None = None,
    organization_id: int | None = None,
) -> str:
    """The URL that opens LinkedIn's "Add license or certification" form, filled in.

    `organization_id` (LinkedIn's numeric company id) links the issuer's page when known;
    otherwise the issuer appears as `organization_name` text.
    """
    parts = urlsplit(cert_url)
    if parts.scheme != "https" or not parts.netloc:
        raise GraderError(f"The verification URL {cert_url!r} must be an https:// URL; LinkedIn links to it.")
    if not name.strip() or not organization_name.strip():
        raise GraderError("A LinkedIn link needs the credential's name and the issuing organisation's name.")
    params: list[tuple[str, str]] = [("startTask", "CERTIFICATION_NAME"), ("name", name.strip())]
    if organization_id is not None:
        params.append(("organizationId", str(organization_id)))
    else:
        params.append(("organizationName", organization_name.strip()))
    year, month = _month_year(issued_on)
    params += [("issueYear", year), ("issueMonth", month)]
    if expires_on is not None:
        year, month = _month_year(expires_on)
        params += [("expirationYear", year), ("expirationMonth", month)]
    params += [("certUrl", cert_url), ("certId", cert_id.removeprefix("urn:uuid:"))]
    return f"{ADD_TO_PROFILE}?{urlencode(params, quote_via=quote, safe='')}"


def _date(value: object) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def linkedin_url_for_credential(credential: Mapping[str, Any], cert_url: str) -> str:
    """`linkedin_add_url` filled from an OB 3.0 credential (achievement name, issuer, dates, id)."""
    subject = credential.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
    name = achievement.get("name") if isinstance(achievement, Mapping) else credential.get("name")
    issuer = credential.get("issuer")
    organization = issuer.get("name") if isinstance(issuer, Mapping) else issuer
    issued = _date(credential.get("awardedDate")) or _date(credential.get("validFrom"))
    if not isinstance(name, str) or not isinstance(organization, str) or issued is None:
        raise GraderError(
            "The credential lacks an achievement name, an issuer name or a validFrom date, "
            "so no LinkedIn link can be made; re-issue it with `grader certify`."
        )
    return linkedin_add_url(
        name=name,
        organization_name=organization,
        issued_on=issued,
        cert_url=cert_url,
        cert_id=str(credential.get("id", "")),
        expires_on=_date(credential.get("validUntil")),
    )
