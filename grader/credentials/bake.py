"""Bake a signed credential into a badge image (PNG or SVG) and read it back, as OB 3.0 specifies.

PNG: one uncompressed `iTXt` chunk with the keyword `openbadgecredential`, before `IEND`.
SVG: `xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"` on the root and, as its first child,
`<openbadges:credential>` holding the credential JSON in CDATA.
Reading is defensive: sizes are capped, CRCs are checked, and XML with a DTD (the door to external
entities and entity expansion bombs) is refused before anything is expanded or fetched.
"""

from __future__ import annotations

import json
import re
import struct
import zlib
from collections.abc import Iterator, Mapping
from typing import Any

from grader.credentials import svg_xml
from grader.domain.errors import GraderError

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
KEYWORD = b"openbadgecredential"
OB2_KEYWORD = b"openbadges"
MAX_IMAGE_BYTES = 32 * 1024 * 1024
MAX_CREDENTIAL_BYTES = 2 * 1024 * 1024
_XML_ILLEGAL = re.compile("[\ud800-\udfff\ufffe\uffff]")


class BakeError(GraderError):
    """A badge image that cannot be baked or does not hold one readable credential."""


def credential_text(credential: Mapping[str, Any]) -> str:
    """The credential as compact JSON; characters XML forbids are written as JSON escapes."""
    text = json.dumps(credential, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return _XML_ILLEGAL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def parse_credential(text: str, where: str) -> dict[str, Any]:
    """The JSON object in `text`; duplicate keys, non-objects and VC-JWTs are refused with a reason."""

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [key for key, _ in pairs]
        duplicated = {key for key in keys if keys.count(key) > 1}
        if duplicated:
            raise BakeError(f"The credential in {where} has the key {sorted(duplicated)[0]!r} twice.")
        return dict(pairs)

    stripped = text.strip()
    if stripped.count(".") == 2 and not stripped.startswith("{"):
        raise BakeError(
            f"{where} holds a VC-JWT (compact JWS), not an embedded-proof credential; "
            "grader reads credentials with a Data Integrity proof only."
        )
    try:
        value = json.loads(stripped, object_pairs_hook=no_duplicates)
    except (json.JSONDecodeError, RecursionError) as error:
        raise BakeError(f"The credential in {where} is not valid JSON ({error}).") from None
    except ValueError as error:  # e.g. an integer with more digits than Python converts
        message = f"The credential in {where} holds a value grader refuses to read ({error})."
        raise BakeError(message) from None
    if not isinstance(value, dict):
        raise BakeError(f"The credential in {where} is JSON but not an object.")
    return value


# -- PNG --------------------------------------------------------------------------------------
def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def _chunks(png: bytes) -> Iterator[tuple[bytes, bytes, bytes]]:
    """(type, data, raw bytes) of every chunk up to IEND, each checked."""
    if len(png) > MAX_IMAGE_BYTES:
        raise BakeError(
            f"The image is {len(png)} bytes; badge images over {MAX_IMAGE_BYTES} bytes are refused."
        )
    if not png.startswith(PNG_SIGNATURE):
        raise BakeError("The file is not a PNG image (its first 8 bytes are not the PNG signature).")
    offset = len(PNG_SIGNATURE)
    first = True
    while True:
        if offset + 12 > len(png):
            raise BakeError(f"The PNG is truncated: it ends at byte {len(png)} before its IEND chunk.")
        (length,) = struct.unpack(">I", png[offset : offset + 4])
        kind = png[offset + 4 : offset + 8]
        end = offset + 12 + length
        if length > 0x7FFFFFFF or end > len(png):
            raise BakeError(
                f"The PNG is truncated or corrupt: its {kind!r} chunk at byte {offset} claims "
                f"{length} bytes, but only {len(png) - offset - 12} follow."
            )
        if not kind.isalpha():
            raise BakeError(f"The PNG is corrupt: the chunk at byte {offset} has the invalid type {kind!r}.")
        data = png[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", png[end - 4 : end])
        if crc != zlib.crc32(kind + data) & 0xFFFFFFFF:
            raise BakeError(
                f"The PNG is corrupt: the CRC of its {kind.decode()} chunk at byte {offset} is wrong."
            )
        if first and kind != b"IHDR":
            raise BakeError("The PNG is corrupt: its first chunk is not IHDR.")
        first = False
        yield kind, data, png[offset:end]
        if kind == b"IEND":
            if end != len(png):
                raise BakeError(
                    f"The PNG has {len(png) - end} bytes after its IEND chunk; a badge image ends there, "
                    "so this one was altered."
                )
            return
        offset = end


def _itxt_keyword(data: bytes) -> bytes:
    return data.split(b"\0", 1)[0]


def bake_png(png: bytes, credential: Mapping[str, Any]) -> bytes:
    """`png` with `credential` in an `openbadgecredential` iTXt chunk, replacing any earlier one."""
    text = credential_text(credential).encode("utf-8")
    itxt = KEYWORD + b"\0" + b"\0" + b"\0" + b"\0" + b"\0" + text  # uncompressed, no language, no translation
    out = [PNG_SIGNATURE]
    for kind, data, raw in _chunks(png):
        if kind == b"iTXt" and _itxt_keyword(data) == KEYWORD:
            continue
        if kind == b"IEND":
            out.append(_chunk(b"iTXt", itxt))
        out.append(raw)
    return b"".join(out)


def _itxt_text(data: bytes) -> str:
    try:
        _keyword, rest = data.split(b"\0", 1)
        compressed, method, rest = rest[0], rest[1], rest[2:]
        _language, rest = rest.split(b"\0", 1)
        _translated, text = rest.split(b"\0", 1)
    except (ValueError, IndexError):
        raise BakeError("The PNG's openbadgecredential iTXt chunk is malformed.") from None
    if compressed:
        if method != 0:
            raise BakeError("The PNG's credential chunk uses an unknown compression method.")
        inflater = zlib.decompressobj()
        try:
            text = inflater.decompress(text, MAX_CREDENTIAL_BYTES + 1)
        except zlib.error:
            raise BakeError("The PNG's compressed credential chunk is corrupt.") from None
        if len(text) > MAX_CREDENTIAL_BYTES or inflater.unconsumed_tail:
            raise BakeError(
                f"The PNG's credential expands to more than {MAX_CREDENTIAL_BYTES} bytes; refused."
            )
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError:
        raise BakeError("The PNG's credential chunk is not UTF-8 text.") from None


def png_credential_text(png: bytes) -> str:
    """The text of the one `openbadgecredential` chunk of `png`."""
    found = []
    for kind, data, _raw in _chunks(png):
        if kind in (b"iTXt", b"tEXt", b"zTXt"):
            keyword = _itxt_keyword(data)
            if keyword == KEYWORD and kind == b"iTXt":
                if len(data) > MAX_CREDENTIAL_BYTES:
                    raise BakeError(
                        f"The PNG's credential chunk is over {MAX_CREDENTIAL_BYTES} bytes; refused."
                    )
                found.append(data)
            elif keyword in (KEYWORD, OB2_KEYWORD) and not found:
                kind_name = (
                    "an Open Badges 2.0 assertion" if keyword == OB2_KEYWORD else f"a {kind.decode()} chunk"
                )
                raise BakeError(
                    f"The PNG holds {kind_name} ({keyword.decode()}), not an OB 3.0 iTXt credential."
                )
    if not found:
        raise BakeError(
            "The PNG holds no credential: it has no iTXt chunk with the keyword openbadgecredential."
        )
    if len(found) > 1:
        raise BakeError(f"The PNG holds {len(found)} credentials; a baked badge must hold exactly one.")
    return _itxt_text(found[0])


def extract_png(png: bytes) -> dict[str, Any]:
    return parse_credential(png_credential_text(png), "the PNG")


# -- SVG and either -------------------------------------------------------------------------
def bake_svg(svg: bytes | str, credential: Mapping[str, Any]) -> bytes:
    """`svg` with `credential` as the root's first child `<openbadges:credential>`, replacing any old one."""
    data = svg.encode("utf-8") if isinstance(svg, str) else svg
    try:
        return svg_xml.bake(data, credential_text(credential))
    except svg_xml.SvgError as error:
        raise BakeError(str(error)) from None


def extract_svg(svg: bytes) -> dict[str, Any]:
    try:
        text = svg_xml.credential_text(svg)
    except svg_xml.SvgError as error:
        raise BakeError(str(error)) from None
    return parse_credential(text, "the SVG")


def extract(image: bytes) -> dict[str, Any]:
    """The credential baked into a PNG or SVG badge (recognised by its content, not its name)."""
    if image.startswith(PNG_SIGNATURE):
        return extract_png(image)
    if image.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return extract_svg(image)
    raise BakeError("The file is neither a PNG nor an SVG image, so it cannot hold a baked credential.")
