"""W3C Bitstring Status List for revocation: 131,072 entries, random indices, bits that are only ever set."""

from __future__ import annotations

import base64
import binascii
import gzip
import secrets
import zlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from grader.credentials.jsonld import VCDM2
from grader.credentials.timestamps import format_timestamp
from grader.domain.errors import GraderError

LIST_SIZE = 131_072
LIST_BYTES = LIST_SIZE // 8
REVOCATION = "revocation"
MULTIBASE_BASE64URL = "u"
_LARGEST_ENCODED = 200_000
_LARGEST_DECODED = 16 * 1024 * 1024


class StatusListError(GraderError):
    """A status list or status entry grader cannot read or change."""


@dataclass(frozen=True)
class StatusList:
    """A revocation bitstring; index 0 is the most significant bit of byte 0, and 1 means revoked."""

    bits: bytes = bytes(LIST_BYTES)

    def __post_init__(self) -> None:
        if len(self.bits) < LIST_BYTES:
            raise StatusListError(
                f"a status list holds at least {LIST_SIZE:,} entries ({LIST_BYTES:,} bytes), "
                f"got {len(self.bits):,} bytes"
            )

    @property
    def size(self) -> int:
        return len(self.bits) * 8

    def is_revoked(self, index: int) -> bool:
        """Whether the bit at ``index`` is set."""
        self._check(index)
        return bool(self.bits[index // 8] >> (7 - index % 8) & 1)

    def revoke(self, index: int) -> StatusList:
        """A copy with the bit at ``index`` set; there is no way back, revocation is final."""
        self._check(index)
        bits = bytearray(self.bits)
        bits[index // 8] |= 1 << (7 - index % 8)
        return StatusList(bytes(bits))

    def revoked(self) -> list[int]:
        """Every revoked index, in order."""
        return [
            position * 8 + bit
            for position, byte in enumerate(self.bits)
            if byte
            for bit in range(8)
            if byte >> (7 - bit) & 1
        ]

    def encoded(self) -> str:
        """The ``encodedList``: 'u' + base64url without padding of the GZIP-compressed bitstring."""
        packed = gzip.compress(self.bits, compresslevel=9, mtime=0)
        return MULTIBASE_BASE64URL + base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")

    @classmethod
    def decode(cls, encoded: object) -> StatusList:
        """The list in an ``encodedList``; refuses wrong encodings, short lists and GZIP bombs."""
        if not isinstance(encoded, str) or not encoded.startswith(MULTIBASE_BASE64URL):
            raise StatusListError("encodedList: expected a multibase base64url string starting with 'u'")
        if len(encoded) > _LARGEST_ENCODED:
            raise StatusListError(
                f"encodedList: {len(encoded):,} characters is more than a status list needs"
            )
        body = encoded[1:]
        try:
            packed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
            bits = inflater.decompress(packed, _LARGEST_DECODED)
        except (binascii.Error, ValueError, zlib.error):
            raise StatusListError("encodedList: not base64url-encoded GZIP data") from None
        if inflater.unconsumed_tail:
            raise StatusListError(f"encodedList: expands to more than {_LARGEST_DECODED:,} bytes")
        if not inflater.eof:
            raise StatusListError("encodedList: the GZIP data is cut short")
        return cls(bits)

    def _check(self, index: int) -> None:
        if not 0 <= index < self.size:
            raise StatusListError(f"status index {index} is outside the list (0 to {self.size - 1:,})")


def allocate_index(taken: Collection[int], size: int = LIST_SIZE) -> int:
    """A random index not in ``taken``, so neighbours in the list say nothing about each other."""
    if len(taken) >= size:
        raise StatusListError(f"the status list is full: all {size:,} entries are in use; start a new list")
    if len(taken) < size // 2:
        while True:
            index = secrets.randbelow(size)
            if index not in taken:
                return index
    free = sorted(set(range(size)) - set(taken))
    return free[secrets.randbelow(len(free))]


def status_entry(list_url: str, index: int) -> dict[str, Any]:
    """The credential's ``credentialStatus``: a BitstringStatusListEntry for revocation."""
    if not 0 <= index < LIST_SIZE:
        raise StatusListError(f"status index {index} is outside the list (0 to {LIST_SIZE - 1:,})")
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": REVOCATION,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def status_list_credential(
    list_url: str, issuer: str, status_list: StatusList, *, valid_from: datetime
) -> dict[str, Any]:
    """The unsigned BitstringStatusListCredential to sign and publish at ``list_url``."""
    return {
        "@context": [VCDM2],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": format_timestamp(valid_from),
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": REVOCATION,
            "encodedList": status_list.encoded(),
        },
    }


def entry_index(entry: Mapping[str, Any]) -> int:
    """The ``statusListIndex`` of a status entry, as a number."""
    text = entry.get("statusListIndex")
    if not isinstance(text, str) or not (text.isascii() and text.isdigit()) or len(text) > 7:
        raise StatusListError(f"credentialStatus.statusListIndex: expected a number as text, got {text!r}")
    return int(text)
