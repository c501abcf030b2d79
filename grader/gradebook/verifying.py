"""Verifying credential files (JSON, or baked into an SVG or PNG badge) against a trusted issuer.

Trust comes from the course (its key ring and its gradebook's status list) or from a folder that
`grader publish` wrote (its did.json and status list). Nothing is ever fetched from a network.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from grader.credentials.bake import BakeError, extract, parse_credential
from grader.credentials.did import DidResolver
from grader.credentials.verify import Check, LocalStatus, VerificationReport, verify_credential
from grader.domain.errors import GraderError
from grader.gradebook.context import CourseContext
from grader.gradebook.issuer import STATUS_LIST_PATH, issuer_identity
from grader.gradebook.status_list import current_status_list

MAX_FILE_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class Trust:
    """What a verification trusts: the issuer's DID, how to find its keys, and its status list."""

    issuer_did: str
    resolver: DidResolver
    status_list: Mapping[str, Any] | None
    """A signed status list credential (a published site's), or None with ``local_status``."""
    revocations: Mapping[str, str]
    """Credential id → 'revoked on DATE: REASON', when the gradebook knows (CERT-5)."""
    local_status: LocalStatus | None = None
    """The gradebook's own revocation bits (course mode: no signing key needed to verify)."""


@dataclass(frozen=True)
class FileVerification:
    path: Path
    checks: tuple[Check, ...]
    credential_id: str = ""

    @property
    def valid(self) -> bool:
        return bool(self.checks) and all(check.passed for check in self.checks)


def course_trust(ctx: CourseContext) -> Trust:
    """Trust the course's own issuer: its public keys, and the revocations in its gradebook."""
    identity = issuer_identity(ctx)
    revocations = {
        c.credential_id: f"revoked on {c.revocation.revoked_at:%Y-%m-%d}: {c.revocation.reason}"
        for c in ctx.store.credentials()
        if c.revocation is not None
    }
    local = LocalStatus(identity.status_list_url, current_status_list(ctx))
    return Trust(identity.did, identity.resolver(), None, revocations, local)


def site_trust(site: Path) -> Trust:
    """Trust what `grader publish` wrote into ``site``: its status list and, for did:web, its did.json."""
    status = _read_json(site / STATUS_LIST_PATH, "the status list")
    issuer = status.get("issuer")
    issuer_did = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    if not isinstance(issuer_did, str) or not issuer_did.startswith("did:"):
        raise GraderError(f"{site / STATUS_LIST_PATH}: its issuer is not a DID")
    documents = []
    if issuer_did.startswith("did:web:"):
        found = [p for p in (site / ".well-known" / "did.json", site / "did.json") if p.is_file()]
        if not found:
            raise GraderError(
                f"{site}: no did.json (expected .well-known/did.json or did.json) for {issuer_did}"
            )
        documents.append(_read_json(found[0], "the DID document"))
    resolver = DidResolver(documents, allow_did_key=issuer_did.startswith("did:key:"))
    return Trust(issuer_did, resolver, status, {})


def verify_file(path: Path, trust: Trust, now: datetime) -> FileVerification:
    """Every check of one file; a file that holds no readable credential fails its first check."""
    try:
        credential = read_credential_file(path)
    except GraderError as error:
        return FileVerification(path, (Check("file", False, str(error)),))
    report = verify_credential(
        credential,
        now=now,
        resolve=trust.resolver,
        status_list=trust.status_list,
        local_status=trust.local_status,
    )
    credential_id = str(credential.get("id", "")).removeprefix("urn:uuid:")
    checks = (*_issuer_check(credential, trust), *_explained(report, trust, credential_id))
    return FileVerification(path, checks, credential_id)


def read_credential_file(path: Path) -> dict[str, Any]:
    """The credential in a JSON file or baked into an SVG/PNG badge (told apart by content)."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise GraderError(f"cannot read {path}: {error.strerror}") from None
    if len(data) > MAX_FILE_BYTES:
        raise GraderError(f"{path} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; not a credential")
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        raise GraderError(f"{path} is empty; expected a credential (JSON) or a badge image (SVG, PNG)")
    if stripped.startswith(b"["):
        raise GraderError(f"{path} holds a JSON array; a credential is one JSON object")
    try:
        if stripped.startswith(b"{"):
            return parse_credential(stripped.decode("utf-8"), str(path))
        return extract(data)
    except UnicodeDecodeError:
        raise GraderError(f"{path}: not UTF-8 JSON") from None
    except BakeError as error:
        raise GraderError(f"{path}: {error}") from None


def _issuer_check(credential: Mapping[str, Any], trust: Trust) -> tuple[Check, ...]:
    issuer = credential.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    if issuer_id == trust.issuer_did:
        return (Check("issuer", True, f"issued by {trust.issuer_did}"),)
    return (
        Check(
            "issuer", False, f"not issued by this issuer ({trust.issuer_did}) but by {str(issuer_id)[:120]}"
        ),
    )


def _explained(report: VerificationReport, trust: Trust, credential_id: str) -> tuple[Check, ...]:
    """The report's checks, with the gradebook's date and reason on a revoked status (CERT-5)."""
    known = trust.revocations.get(credential_id)
    return tuple(
        Check(check.name, False, known) if check.name == "status" and not check.passed and known else check
        for check in report.checks
    )


def _read_json(path: Path, what: str) -> dict[str, Any]:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GraderError(
            f"{path}: {what} is missing (was this folder written by `grader publish`?)"
        ) from None
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise GraderError(f"{path}: {what} is not readable JSON ({error})") from None
    if not isinstance(value, dict):
        raise GraderError(f"{path}: {what} must be a JSON object")
    return value
