"""Ed25519 issuer keys: one private key per file (0600, folder 0700); the seed never appears in any text."""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from grader.credentials.did import verification_method_id
from grader.credentials.multibase import ED25519_KEY_BYTES, decode_public_multikey, encode_public_multikey
from grader.credentials.timestamps import format_timestamp, parse_timestamp
from grader.domain.errors import GraderError
from grader.durable import Access, TargetExists, staged_file, write_private_text

KEY_FOLDER_MODE = 0o700
RING_FILE = "ring.json"
_LARGEST_KEY_FILE = 4096
_KEY_ID = re.compile(r"key-[1-9][0-9]{0,5}")
_EXISTS = "{path}: a key already exists; refusing to overwrite it (use --force to replace it)"
_NOT_COPIED = "an issuer key cannot be pickled or copied: the private key stays in its key file"


class IssuerKeyError(GraderError):
    """An issuer key that cannot be created, read or used; never carries key material."""


class IssuerKey:
    """An Ed25519 signing key; its text forms show only the public key."""

    __slots__ = ("_private", "public_key")

    def __init__(self, private: Ed25519PrivateKey) -> None:
        self._private = private
        self.public_key = private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )

    @classmethod
    def generate(cls) -> IssuerKey:
        """A new random key from the operating system's generator."""
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_seed(cls, seed: bytes) -> IssuerKey:
        """The key for a 32-byte Ed25519 seed (test vectors; never log the seed)."""
        if len(seed) != ED25519_KEY_BYTES:
            raise IssuerKeyError(f"an Ed25519 seed is {ED25519_KEY_BYTES} bytes, got {len(seed)}")
        return cls(Ed25519PrivateKey.from_private_bytes(seed))

    @property
    def public_multibase(self) -> str:
        """The public key as a Multikey 'z6Mk…' string."""
        return encode_public_multikey(self.public_key)

    def sign(self, message: bytes) -> bytes:
        """A pure Ed25519 signature (64 bytes) over ``message``."""
        return self._private.sign(message)

    def private_pem(self) -> bytes:
        """The PKCS#8 PEM form, for writing to a 0600 key file only."""
        return self._private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )

    def __repr__(self) -> str:
        return f"IssuerKey(public={self.public_multibase})"

    __str__ = __repr__

    def __reduce__(self) -> NoReturn:
        raise TypeError(_NOT_COPIED)

    def __copy__(self) -> NoReturn:
        raise TypeError(_NOT_COPIED)

    def __deepcopy__(self, memo: object) -> NoReturn:
        raise TypeError(_NOT_COPIED)


def verify_signature(public_key: bytes, signature: bytes, message: bytes) -> bool:
    """True when ``signature`` is a valid Ed25519 signature of ``message`` by ``public_key``."""
    if len(public_key) != ED25519_KEY_BYTES:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def write_key_file(path: Path, key: IssuerKey, *, force: bool = False) -> None:
    """Write ``key`` to ``path``: mode 0600 in a 0700 folder, whatever the umask; replaces only if forced."""
    make_key_folder(path.parent)
    if os.path.lexists(path) and not force:
        raise IssuerKeyError(_EXISTS.format(path=path))
    try:
        with staged_file(path, Access.PRIVATE, exclusive=not force) as staged:
            staged.stream.write(key.private_pem())  # never bound to a name a traceback could show
    except TargetExists:
        raise IssuerKeyError(_EXISTS.format(path=path)) from None


def make_key_folder(folder: Path) -> None:
    """Create ``folder`` with mode 0700 whatever the umask; an existing one must not be open to others."""
    if not folder.exists():
        folder.parent.mkdir(parents=True, exist_ok=True)
        try:
            folder.mkdir(mode=KEY_FOLDER_MODE)
            folder.chmod(KEY_FOLDER_MODE)
        except FileExistsError:
            pass  # another process made it at the same moment; checked below like any existing one
    check_key_folder(folder)


def check_key_folder(folder: Path) -> None:
    """Refuse a key folder that other users could read or change, with the command that fixes it."""
    try:
        info = folder.stat()
    except FileNotFoundError:
        raise IssuerKeyError(f"{folder}: no key folder here; create the issuer key first") from None
    if not stat.S_ISDIR(info.st_mode):
        raise IssuerKeyError(f"{folder}: not a folder; expected the issuer key folder")
    if info.st_mode & 0o077:
        raise IssuerKeyError(
            f"{folder}: the key folder is open to other users (mode {stat.S_IMODE(info.st_mode):o}); "
            f"fix it with: chmod 700 {folder}"
        )


def read_key_file(path: Path) -> IssuerKey:
    """The key in ``path``, refused when the file is readable or writable by group or others."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise IssuerKeyError(f"{path}: no issuer key here; create one first") from None
    if not stat.S_ISREG(info.st_mode):
        raise IssuerKeyError(f"{path}: not a regular file; expected an issuer key file")
    if info.st_mode & 0o077:
        raise IssuerKeyError(
            f"{path}: the issuer key is readable by other users (mode {stat.S_IMODE(info.st_mode):o}); "
            f"nothing was signed. Fix it with: chmod 600 {path}"
        )
    if info.st_size > _LARGEST_KEY_FILE:
        raise IssuerKeyError(f"{path}: {info.st_size:,} bytes is too large for an issuer key file")
    private = _parse_private_key(path)
    if private is None:
        raise IssuerKeyError(f"{path}: not an unencrypted PKCS#8 Ed25519 private key in PEM form")
    return IssuerKey(private)


def _parse_private_key(path: Path) -> Ed25519PrivateKey | None:
    """The key, or None; the file's bytes are never bound to a name a traceback could show."""
    try:
        private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError, OSError):
        return None
    return private if isinstance(private, Ed25519PrivateKey) else None


@dataclass(frozen=True)
class RingKey:
    """One issuer key of the ring, public half only: its id ('key-2'), Multikey and lifetime."""

    key_id: str
    public_multibase: str
    created: str
    retired: str | None = None

    def verification_method(self, did: str) -> str:
        """The absolute key id in ``did``'s document: 'did:web:…#key-2', or 'did:key:z6Mk…#z6Mk…'."""
        return verification_method_id(did, self.key_id)


@dataclass(frozen=True)
class KeyRing:
    """A folder of issuer keys: one active key signs; retired ones stay public so old credentials verify."""

    folder: Path
    keys: tuple[RingKey, ...]
    active_id: str

    @property
    def active(self) -> RingKey:
        return next(key for key in self.keys if key.key_id == self.active_id)

    def signing_key(self) -> IssuerKey:
        """The active private key, read from its 0600 file; refused when the file does not match the ring."""
        check_key_folder(self.folder)
        key = read_key_file(self.folder / f"{self.active_id}.pem")
        if key.public_multibase != self.active.public_multibase:
            raise IssuerKeyError(
                f"{self.folder / (self.active_id + '.pem')}: this key is not the one {RING_FILE} lists "
                f"as {self.active_id} ({self.active.public_multibase}); restore the right file or create "
                "a new ring"
            )
        return key


def create_key_ring(folder: Path, *, now: datetime, force: bool = False) -> KeyRing:
    """A new ring holding one new active key, 'key-1'; an existing ring is replaced only with ``force``."""
    make_key_folder(folder)
    if (folder / RING_FILE).exists() and not force:
        raise IssuerKeyError(
            f"{folder}: an issuer key ring already exists; refusing to replace it, since every credential it "
            "signed would stop verifying (use --force to replace it anyway, or rotate the key instead)"
        )
    key = IssuerKey.generate()
    write_key_file(folder / "key-1.pem", key, force=force)
    ring = KeyRing(folder, (RingKey("key-1", key.public_multibase, format_timestamp(now)),), "key-1")
    _write_ring(ring)
    for stale in folder.glob("key-*.pem"):
        if stale.name != "key-1.pem":
            stale.unlink()
    return ring


def rotate_key(folder: Path, *, now: datetime) -> KeyRing:
    """Retire the active key and make a new one active; the retired private key file is deleted."""
    ring = load_key_ring(folder)
    number = max(int(key.key_id.removeprefix("key-")) for key in ring.keys) + 1
    new_id = f"key-{number}"
    key = IssuerKey.generate()
    write_key_file(folder / f"{new_id}.pem", key)
    stamp = format_timestamp(now)
    kept = tuple(replace(old, retired=stamp) if old.key_id == ring.active_id else old for old in ring.keys)
    rotated = KeyRing(folder, (*kept, RingKey(new_id, key.public_multibase, stamp)), new_id)
    _write_ring(rotated)
    (folder / f"{ring.active_id}.pem").unlink(missing_ok=True)
    return rotated


def load_key_ring(folder: Path) -> KeyRing:
    """The ring in ``folder`` (public keys only), with every field checked."""
    check_key_folder(folder)
    path = folder / RING_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IssuerKeyError(f"{path}: no issuer key ring here; create the issuer key first") from None
    except (ValueError, OSError) as error:
        raise IssuerKeyError(f"{path}: not readable JSON ({error})") from None
    if not isinstance(data, dict) or not isinstance(data.get("keys"), list) or not data["keys"]:
        raise IssuerKeyError(f"{path} keys: expected a non-empty list of keys")
    keys = tuple(_ring_key(path, position, entry) for position, entry in enumerate(data["keys"]))
    active = data.get("active")
    if active not in {key.key_id for key in keys}:
        raise IssuerKeyError(f"{path} active: {active!r} is not the id of a key in the ring")
    if len({key.key_id for key in keys}) != len(keys):
        raise IssuerKeyError(f"{path} keys: two keys share an id")
    return KeyRing(folder, keys, active)


def _ring_key(path: Path, position: int, entry: Any) -> RingKey:
    where = f"{path} keys[{position}]"
    if not isinstance(entry, dict):
        raise IssuerKeyError(f"{where}: expected an object with id, publicKeyMultibase and created")
    key_id, public, created, retired = (
        entry.get(name) for name in ("id", "publicKeyMultibase", "created", "retired")
    )
    if not isinstance(key_id, str) or not _KEY_ID.fullmatch(key_id):
        raise IssuerKeyError(f"{where}.id: expected 'key-' and a number, got {key_id!r}")
    if not isinstance(public, str):
        raise IssuerKeyError(f"{where}.publicKeyMultibase: expected a 'z6Mk…' string, got {public!r}")
    try:
        decode_public_multikey(public)
    except GraderError as error:
        raise IssuerKeyError(f"{where}.publicKeyMultibase: {error}") from None
    parse_timestamp(created, field=f"{where}.created")
    if retired is not None:
        parse_timestamp(retired, field=f"{where}.retired")
    return RingKey(key_id, public, str(created), None if retired is None else str(retired))


def _write_ring(ring: KeyRing) -> None:
    data = {
        "active": ring.active_id,
        "keys": [
            {
                "id": key.key_id,
                "publicKeyMultibase": key.public_multibase,
                "created": key.created,
                **({"retired": key.retired} if key.retired else {}),
            }
            for key in ring.keys
        ],
    }
    write_private_text(ring.folder / RING_FILE, json.dumps(data, indent=2) + "\n")
