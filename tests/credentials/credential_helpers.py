"""Shared vectors, keys and a ready-made credential request for the credentials tests."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from grader.credentials.did import did_document
from grader.credentials.jsonld import SHIPPED, VCDM2, Canonicalizer, load_context
from grader.credentials.keys import IssuerKey, RingKey
from grader.credentials.model import (
    BadgeDefinition,
    CredentialRequest,
    EvidenceItem,
    IssuerProfile,
    Learner,
    LearnerResult,
    SkillRequirement,
    StatusPointer,
)
from grader.credentials.multibase import decode_secret_multikey

VECTORS = Path(__file__).parent.parent / "data" / "credential-vectors"
EXAMPLES_CONTEXT = "https://www.w3.org/ns/credentials/examples/v2"
ISSUER_DID = "did:web:badges.example.edu"
LIST_URL = "https://badges.example.edu/status/1"
NOW = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
ISSUED = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def read_json(relative: str) -> Any:
    return json.loads((VECTORS / relative).read_text(encoding="utf-8"))


def read_text(relative: str) -> str:
    return (VECTORS / relative).read_text(encoding="utf-8")


def w3c_test_key() -> IssuerKey:
    """The public W3C vc-di-eddsa test key (never a production key)."""
    return IssuerKey.from_seed(
        decode_secret_multikey(read_json("w3c-vc-di-eddsa/keyPair.json")["privateKeyMultibase"])
    )


@cache
def examples_canonicalizer() -> Canonicalizer:
    """The shipped VCDM 2.0 context plus the W3C examples context the W3C vectors use (tests only)."""
    examples = json.loads(
        (VECTORS / "contexts" / "credentials-examples-v2.jsonld").read_text(encoding="utf-8")
    )
    return Canonicalizer({VCDM2: load_context(SHIPPED[0]), EXAMPLES_CONTEXT: examples})


def issuer_did_document(*keys: IssuerKey) -> dict[str, Any]:
    """did.json for ISSUER_DID listing ``keys`` as key-1, key-2, …"""
    entries = tuple(
        RingKey(f"key-{number}", key.public_multibase, "2025-01-01T00:00:00Z")
        for number, key in enumerate(keys, start=1)
    )
    return did_document(ISSUER_DID, entries, active_id=entries[-1].key_id)


def request(**changes: Any) -> CredentialRequest:
    """A typical credential: two skills with thresholds, results, two graded commits, a status entry."""
    badge = BadgeDefinition(
        id="https://badges.example.edu/achievements/data-analysis-python",
        name="Data Analysis with Python",
        description="Can clean, analyse and visualise tabular data.",
        criteria="Reach the threshold on every listed skill in the graded projects.",
        criteria_url="https://badges.example.edu/achievements/data-analysis-python/criteria",
        skills=(
            SkillRequirement(
                "DA-1", "Clean and transform tabular data", Decimal("0.8"), framework="Example CS"
            ),
            SkillRequirement(
                "DA-2",
                "Communicate findings with visualisations",
                Decimal("0.75"),
                url="https://frameworks.example.edu/cs/competencies/DA-2",
            ),
        ),
    )
    values: dict[str, Any] = {
        "credential_id": uuid.UUID("3f2c1d7e-8a4b-4c6d-9e0f-1a2b3c4d5e6f"),
        "issuer": IssuerProfile(ISSUER_DID, "Example University", url="https://www.example.edu/cs"),
        "badge": badge,
        "learner": Learner(name="Zoë Ångström", email="zoe@example.edu", salt="8f3c2a91d4e7b605"),
        "valid_from": ISSUED,
        "results": (LearnerResult("DA-1", Decimal("0.875")), LearnerResult("DA-2", Decimal("0.8123"))),
        "evidence": (
            EvidenceItem(
                "Project 1: bike-share usage",
                "0123456789abcdef0123456789abcdef01234567",
                datetime(2025, 5, 28, 15, 0, tzinfo=UTC),
                repo_url="https://git.example.edu/zoe/project-1",
            ),
            EvidenceItem(
                "Project 2: weather",
                "89abcdef0123456789abcdef0123456789abcdef",
                datetime(2025, 5, 30, 15, 0, tzinfo=UTC),
            ),
        ),
        "status": StatusPointer(LIST_URL, 94567),
        "awarded": ISSUED,
    }
    values.update(changes)
    return CredentialRequest(**values)
