"""Issuer DIDs: did:key from a key, did:web names, the did.json listing the issuer's keys, key lookup."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from grader.credentials.multibase import decode_public_multikey, encode_public_multikey
from grader.domain.errors import GraderError

DID_CONTEXTS = ("https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1")


class DidError(GraderError):
    """A DID or DID document grader cannot use."""


class PublicKeyEntry(Protocol):
    """What a DID document needs of a key: its id in the ring and its Multikey."""

    @property
    def key_id(self) -> str: ...

    @property
    def public_multibase(self) -> str: ...


def did_key(public_key: bytes) -> str:
    """``did:key:z6Mk…`` for an Ed25519 public key."""
    return "did:key:" + encode_public_multikey(public_key)


def did_key_public_key(did: str) -> bytes:
    """The Ed25519 public key a ``did:key:z6Mk…`` DID (or one of its key ids) stands for."""
    if not did.startswith("did:key:"):
        raise DidError(f"not a did:key DID: {did[:80]!r}")
    multikey, _, fragment = did.removeprefix("did:key:").partition("#")
    if fragment and fragment != multikey:
        raise DidError(f"{did[:120]!r}: a did:key key id must repeat the key after '#'")
    return decode_public_multikey(multikey)


def verification_method_id(did: str, key_id: str) -> str:
    """The absolute key id in ``did``'s document: 'did:web:…#key-2', or 'did:key:z6Mk…#z6Mk…'."""
    if did.startswith("did:key:"):
        return f"{did}#{did.removeprefix('did:key:')}"
    return f"{did}#{key_id}"


def did_document(did: str, keys: Sequence[PublicKeyEntry], *, active_id: str | None = None) -> dict[str, Any]:
    """The did:web DID document (did.json): every key a Multikey assertion method, by absolute id."""
    methods = [
        {
            "id": verification_method_id(did, key.key_id),
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": key.public_multibase,
        }
        for key in keys
    ]
    document: dict[str, Any] = {
        "@context": list(DID_CONTEXTS),
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }
    if active_id is not None:
        active = next(key for key in keys if key.key_id == active_id)
        document["authentication"] = [verification_method_id(did, active.key_id)]
    return document


def did_web(host: str, *path: str) -> str:
    """``did:web:host[:path…]`` for an https host (a port is written %3A, as did:web requires)."""
    if not host or "/" in host or any(not part or "/" in part or ":" in part for part in path):
        raise DidError(f"not a did:web host and path: {host!r} {list(path)!r}")
    return ":".join(["did:web", host.replace(":", "%3A"), *path])


def did_web_url(did: str) -> str:
    """Where a did:web DID document is published: https://host/.well-known/did.json or https://host/path/did.json."""
    if not did.startswith("did:web:"):
        raise DidError(f"not a did:web DID: {did[:80]!r}")
    host, *path = did.removeprefix("did:web:").split(":")
    folder = "/".join(path) if path else ".well-known"
    return f"https://{host.replace('%3A', ':')}/{folder}/did.json"


@dataclass(frozen=True)
class ResolvedKey:
    """A public key found for a proof's verificationMethod, and the DID that controls it."""

    verification_method: str
    controller: str
    public_key: bytes


class DidResolver:
    """Finds keys in DID documents the caller supplies (and derives did:key); never fetches anything."""

    def __init__(self, documents: Iterable[Mapping[str, Any]] = (), *, allow_did_key: bool = True) -> None:
        self.documents = {str(document.get("id")): document for document in documents}
        self.allow_did_key = allow_did_key

    def __call__(self, verification_method: str) -> ResolvedKey:
        """The key ``verification_method`` names, or DidError saying in plain words why there is none."""
        did, hash_sign, fragment = verification_method.partition("#")
        if not did.startswith("did:") or not hash_sign or not fragment:
            raise DidError(
                f"the verification method {verification_method[:120]!r} is not a DID key id "
                "like 'did:web:…#key-1'"
            )
        if did.startswith("did:key:"):
            if not self.allow_did_key:
                raise DidError(f"{did[:120]} is a did:key, and did:key issuers are not trusted here")
            return ResolvedKey(verification_method, did, did_key_public_key(verification_method))
        document = self.documents.get(did)
        if document is None:
            raise DidError(f"no DID document for {did[:120]} was supplied (grader never fetches one)")
        return _key_in_document(document, did, verification_method)


def _key_in_document(document: Mapping[str, Any], did: str, verification_method: str) -> ResolvedKey:
    methods = document.get("verificationMethod")
    found = [
        method
        for method in (methods if isinstance(methods, list) else [])
        if isinstance(method, Mapping) and method.get("id") == verification_method
    ]
    if not found:
        raise DidError(
            f"signed by a key that is not the issuer's: {verification_method[:160]} is not listed in "
            f"the DID document of {did[:120]}"
        )
    assertion = document.get("assertionMethod")
    if verification_method not in (assertion if isinstance(assertion, list) else []):
        raise DidError(
            f"{verification_method[:160]} is in the DID document of {did[:120]} but not as an "
            "assertionMethod, so it may not sign credentials"
        )
    method = found[0]
    if method.get("type") != "Multikey" or method.get("controller") != did:
        raise DidError(f"{verification_method[:160]}: expected a Multikey controlled by {did[:120]}")
    public = method.get("publicKeyMultibase")
    try:
        public_key = decode_public_multikey(public if isinstance(public, str) else "")
    except GraderError as error:
        raise DidError(f"{verification_method[:160]} publicKeyMultibase: {error}") from None
    return ResolvedKey(verification_method, did, public_key)
