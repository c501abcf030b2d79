"""The course as a credential issuer: its key ring, its DID, and where its pages are hosted."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grader.credentials.did import DidResolver, did_document, did_key, did_web_url
from grader.credentials.keys import RING_FILE, KeyRing, create_key_ring, load_key_ring, rotate_key
from grader.credentials.multibase import decode_public_multikey
from grader.domain.course import Issuer
from grader.domain.errors import GraderError
from grader.gradebook.context import STATE_DIR, CourseContext, utc_now
from grader.gradebook.locks import waiting_lock

if TYPE_CHECKING:
    from grader.credentials.model import IssuerProfile

KEYS_DIR = "keys"
CREDENTIALS_DIR = "credentials"
FILES = ("credential.json", "certificate.pdf", "badge.svg", "badge.png", "share.txt")
MISSING_FONTS = "missing-fonts.txt"
"""Written when a name needed a font that is not installed; its presence asks for a rewrite."""


def credential_folder(root: Path, credential_id: str) -> Path:
    return root / STATE_DIR / CREDENTIALS_DIR / credential_id


STATUS_LIST_PATH = "status/1"


def keys_folder(root: Path) -> Path:
    return root / STATE_DIR / KEYS_DIR


@dataclass(frozen=True)
class IssuerIdentity:
    """Who signs: the course's issuer, its key ring and the DID the credentials name."""

    issuer: Issuer
    ring: KeyRing
    did: str

    @property
    def verification_method(self) -> str:
        return self.ring.active.verification_method(self.did)

    @property
    def site(self) -> str:
        return self.issuer.site_url

    @property
    def status_list_url(self) -> str:
        return f"{self.site}/{STATUS_LIST_PATH}"

    def credential_url(self, credential_id: str) -> str:
        """The credential's verification page (the ``certUrl`` of a LinkedIn certification)."""
        return f"{self.site}/credentials/{credential_id}"

    def badge_url(self, course_id: str, badge_id: str) -> str:
        return f"{self.site}/badges/{course_id}/{badge_id}"

    def profile(self) -> IssuerProfile:
        from grader.credentials.model import IssuerProfile  # brings the JSON-LD library: only when issuing

        return IssuerProfile(
            id=self.did,
            name=self.issuer.name,
            url=self.issuer.url or None,
            email=self.issuer.email or None,
        )

    def did_document(self) -> dict[str, Any] | None:
        """The did:web DID document listing every key of the ring (retired ones too); None for did:key."""
        if not self.did.startswith("did:web:"):
            return None
        return did_document(self.did, self.ring.keys, active_id=self.ring.active_id)

    def did_document_url(self) -> str | None:
        return did_web_url(self.did) if self.did.startswith("did:web:") else None

    def resolver(self) -> DidResolver:
        """Keys of this issuer only: its DID document, or its own did:key."""
        document = self.did_document()
        return DidResolver([document] if document else [], allow_did_key=document is None)


def issuer_identity(ctx: CourseContext, *, create: bool = False) -> IssuerIdentity:
    """The course's issuer identity; with ``create``, the key ring is made on first use."""
    folder = keys_folder(ctx.root)
    if create and not (folder / RING_FILE).exists():
        with waiting_lock(ctx.root / STATE_DIR / "keys.lock"):
            if not (folder / RING_FILE).exists():  # another process may have made it while we waited
                ring = create_key_ring(folder, now=utc_now())
                ctx.store.audit("issuer key created", {"key": ring.active_id}, actor=ctx.actor, now=utc_now())
    return identity_of(ctx.files.course.issuer, load_key_ring(folder))


def identity_of(issuer: Issuer, ring: KeyRing) -> IssuerIdentity:
    if issuer.did:
        return IssuerIdentity(issuer, ring, issuer.did)
    first = ring.keys[0]
    if len(ring.keys) > 1:
        raise GraderError(
            "this course's issuer has rotated keys but no did:web: set issuer.did in course.yaml "
            "so one DID lists every key"
        )
    return IssuerIdentity(issuer, ring, did_key(decode_public_multikey(first.public_multibase)))


def rotate_issuer_key(ctx: CourseContext) -> IssuerIdentity:
    """Retire the active key and make a new one; needs a did:web so old credentials still verify."""
    if not ctx.files.course.issuer.did:
        raise GraderError(
            "key rotation needs a did:web issuer (issuer.did in course.yaml): with a did:key, "
            "the DID is the key, so credentials signed before the rotation could no longer be revoked"
        )
    old = load_key_ring(keys_folder(ctx.root))
    ring = rotate_key(keys_folder(ctx.root), now=utc_now())
    ctx.store.audit(
        "issuer key rotated",
        {"retired": old.active_id, "active": ring.active_id},
        actor=ctx.actor,
        now=utc_now(),
    )
    return identity_of(ctx.files.course.issuer, ring)


def needs_writing(folder: Path) -> bool:
    """True when a file is missing, or the certificate was drawn without a font it needed."""
    return (folder / MISSING_FONTS).exists() or not all((folder / name).is_file() for name in FILES)
