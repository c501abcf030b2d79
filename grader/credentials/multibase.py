"""Base58btc, multibase 'z' strings and Ed25519 multikeys (header 0xed01) for did:key and Multikey."""

from __future__ import annotations

from grader.domain.errors import GraderError

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
BASE58BTC = "z"
ED25519_PUB_HEADER = b"\xed\x01"
ED25519_PRIV_HEADER = b"\x80\x26"
ED25519_KEY_BYTES = 32

_INDEX = {char: position for position, char in enumerate(ALPHABET)}
_LONGEST_INPUT = 4096


class MultibaseError(GraderError):
    """A base58btc, multibase or multikey string that cannot be decoded."""


def b58encode(data: bytes) -> str:
    """Base58 with the Bitcoin alphabet; leading zero bytes become leading '1's."""
    zeros = len(data) - len(data.lstrip(b"\0"))
    number = int.from_bytes(data, "big")
    digits: list[str] = []
    while number:
        number, remainder = divmod(number, 58)
        digits.append(ALPHABET[remainder])
    return "1" * zeros + "".join(reversed(digits))


def b58decode(text: str) -> bytes:
    """The bytes of a base58btc string; refuses characters outside the alphabet."""
    if len(text) > _LONGEST_INPUT:
        raise MultibaseError(f"base58 text too long: {len(text):,} characters > {_LONGEST_INPUT:,}")
    number = 0
    for position, char in enumerate(text):
        digit = _INDEX.get(char)
        if digit is None:
            raise MultibaseError(f"not base58btc: character {char!r} at position {position}")
        number = number * 58 + digit
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def encode_base58btc(data: bytes) -> str:
    """Multibase base58btc: 'z' followed by base58btc."""
    return BASE58BTC + b58encode(data)


def decode_base58btc(text: str) -> bytes:
    """The bytes of a multibase base58btc string; it must start with 'z'."""
    if not text.startswith(BASE58BTC):
        shown = text[:1] or "nothing"
        raise MultibaseError(f"expected a multibase base58btc string starting with 'z', found {shown!r}")
    return b58decode(text[1:])


def encode_public_multikey(public_key: bytes) -> str:
    """An Ed25519 public key as a Multikey ``publicKeyMultibase``: 'z6Mk…'."""
    if len(public_key) != ED25519_KEY_BYTES:
        raise MultibaseError(f"an Ed25519 public key is {ED25519_KEY_BYTES} bytes, got {len(public_key)}")
    return encode_base58btc(ED25519_PUB_HEADER + public_key)


def decode_public_multikey(text: str) -> bytes:
    """The 32-byte Ed25519 public key inside a 'z6Mk…' Multikey; any other key type is refused."""
    raw = decode_base58btc(text)
    if raw[:2] != ED25519_PUB_HEADER:
        raise MultibaseError(
            f"not an Ed25519 public multikey (header {raw[:2].hex() or 'missing'}, expected ed01)"
        )
    if len(raw) != 2 + ED25519_KEY_BYTES:
        raise MultibaseError(
            f"an Ed25519 public multikey holds {ED25519_KEY_BYTES} bytes, got {len(raw) - 2}"
        )
    return raw[2:]


def decode_secret_multikey(text: str) -> bytes:
    """The 32-byte Ed25519 seed inside a 'z3u2…' ``secretKeyMultibase`` (header 0x8026)."""
    try:
        raw = decode_base58btc(text)
    except MultibaseError:
        raise MultibaseError("the secret multikey is not valid base58btc") from None
    if raw[:2] != ED25519_PRIV_HEADER or len(raw) != 2 + ED25519_KEY_BYTES:
        raise MultibaseError("not an Ed25519 secret multikey (expected header 8026 and 32 bytes)")
    return raw[2:]
