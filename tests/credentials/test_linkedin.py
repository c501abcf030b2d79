"""The LinkedIn "add to profile" link: the right parameters, encoded."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from grader.credentials.linkedin import linkedin_add_url, linkedin_url_for_credential
from grader.domain.errors import GraderError

CERT_URL = "https://badges.example.edu/credentials/3f2c1d7e-8a4b-4c6d-9e0f-1a2b3c4d5e6f"


def params(url: str) -> list[tuple[str, str]]:
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "www.linkedin.com", "/profile/add")
    return parse_qsl(parts.query, strict_parsing=True)


def test_parameters_in_order_and_encoded() -> None:
    url = linkedin_add_url(
        name="Data & Analysis: Python?",
        organization_name="Université Côte d'Azur #1",
        issued_on=date(2025, 6, 1),
        cert_url=CERT_URL + "?lang=fr&x=1",
        cert_id="urn:uuid:3f2c1d7e-8a4b-4c6d-9e0f-1a2b3c4d5e6f",
    )
    assert params(url) == [
        ("startTask", "CERTIFICATION_NAME"),
        ("name", "Data & Analysis: Python?"),
        ("organizationName", "Université Côte d'Azur #1"),
        ("issueYear", "2025"),
        ("issueMonth", "6"),
        ("certUrl", CERT_URL + "?lang=fr&x=1"),
        ("certId", "3f2c1d7e-8a4b-4c6d-9e0f-1a2b3c4d5e6f"),
    ]
    query = urlsplit(url).query
    assert " " not in query and "+" not in query
    assert "name=Data%20%26%20Analysis%3A%20Python%3F" in query
    assert "certUrl=https%3A%2F%2Fbadges.example.edu%2F" in query


def test_expiry_and_organization_id() -> None:
    url = linkedin_add_url(
        name="Badge",
        organization_name="Uni",
        organization_id=12345,
        issued_on=date(2025, 12, 31),
        expires_on=date(2028, 1, 15),
        cert_url=CERT_URL,
        cert_id="abc",
    )
    found = dict(params(url))
    assert found["organizationId"] == "12345" and "organizationName" not in found
    assert (found["expirationYear"], found["expirationMonth"]) == ("2028", "1")


def test_plain_http_verification_url_is_refused() -> None:
    with pytest.raises(GraderError, match="https"):
        linkedin_add_url(
            name="B",
            organization_name="U",
            issued_on=date(2025, 1, 1),
            cert_url="http://x.example/c",
            cert_id="1",
        )


def test_from_credential(ob3_credential: dict[str, Any]) -> None:
    found = dict(
        params(
            linkedin_url_for_credential({**ob3_credential, "validUntil": "2027-05-31T00:00:00Z"}, CERT_URL)
        )
    )
    assert found["name"] == "Data Analysis with Python"
    assert found["organizationName"] == "Example University, Department of Computer Science"
    assert (found["issueYear"], found["issueMonth"]) == ("2025", "6")
    assert (found["expirationYear"], found["expirationMonth"]) == ("2027", "5")
    assert found["certId"] == "3f2c1d7e-8a4b-4c6d-9e0f-1a2b3c4d5e6f"
    with pytest.raises(GraderError, match="validFrom"):
        linkedin_url_for_credential({"id": "x"}, CERT_URL)
