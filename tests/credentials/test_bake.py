"""Baking a credential into PNG and SVG badges, reading it back, and refusing hostile files."""

from __future__ import annotations

import io
import struct
import time
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from grader.credentials.bake import (
    KEYWORD,
    BakeError,
    bake_png,
    bake_svg,
    extract,
    extract_png,
    extract_svg,
)

SVG_NS = "http://www.w3.org/2000/svg"
OB3_NS = "https://purl.imsglobal.org/ob/v3p0"
PLAIN_SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="60" height="60" viewBox="0 0 60 60">'
    b'<circle cx="30" cy="30" r="20" fill="#182C52"/></svg>\n'
)


def small_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (8, 8), (24, 44, 82, 255)).save(out, format="PNG")
    return out.getvalue()


def chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    found, offset = [], 8
    while offset < len(png):
        (length,) = struct.unpack(">I", png[offset : offset + 4])
        found.append((png[offset + 4 : offset + 8], png[offset + 8 : offset + 8 + length]))
        offset += 12 + length
    return found


def chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def with_chunk_before_iend(png: bytes, extra: bytes) -> bytes:
    return png[:-12] + extra + png[-12:]


# -- PNG -----------------------------------------------------------------------------------------
def test_png_round_trip_keeps_the_image_valid(ob3_credential: dict[str, Any]) -> None:
    baked = bake_png(small_png(), ob3_credential)
    assert extract_png(baked) == ob3_credential
    assert extract(baked) == ob3_credential
    with Image.open(io.BytesIO(baked)) as image:
        image.load()
        assert image.size == (8, 8)


def test_png_chunk_is_uncompressed_itxt_just_before_iend(ob3_credential: dict[str, Any]) -> None:
    found = chunks(bake_png(small_png(), ob3_credential))
    kinds = [kind for kind, _ in found]
    assert kinds[-2:] == [b"iTXt", b"IEND"]
    keyword, rest = found[-2][1].split(b"\0", 1)
    assert keyword == KEYWORD == b"openbadgecredential"
    assert rest[0] == 0, "compression flag must be 0"
    assert rest[1:4] == b"\0\0\0"  # method 0, no language tag, no translated keyword
    assert b'"id":"urn:uuid:3f2c1d7e-8a4b-4c6d-9e0f-1a2b3c4d5e6f"' in rest


def test_baking_twice_replaces_the_credential(ob3_credential: dict[str, Any]) -> None:
    second = {**ob3_credential, "id": "urn:uuid:00000000-0000-4000-8000-000000000002"}
    baked = bake_png(bake_png(small_png(), ob3_credential), second)
    assert [kind for kind, _ in chunks(baked)].count(b"iTXt") == 1
    assert extract_png(baked)["id"] == second["id"]
    assert bake_png(baked, second) == baked


def test_png_errors_say_what_is_wrong(ob3_credential: dict[str, Any]) -> None:
    png = small_png()
    baked = bake_png(png, ob3_credential)
    cases = {
        b"GIF89a....": "not a PNG",
        baked[: len(baked) // 2]: "truncated",
        png: "no credential",
        baked[:-20] + bytes([baked[-20] ^ 0xFF]) + baked[-19:]: "CRC",
    }
    for data, message in cases.items():
        with pytest.raises(BakeError, match=message):
            extract_png(data)


def test_png_chunk_claiming_huge_length_is_refused_without_allocating() -> None:
    png = small_png()
    forged = png[:-12] + struct.pack(">I", 0x7FFFFFF0) + b"iTXt" + b"openbadgecredential\0" + png[-12:]
    with pytest.raises(BakeError, match="truncated or corrupt"):
        extract_png(forged)


def test_two_credentials_invalid_json_and_ob2_are_refused(ob3_credential: dict[str, Any]) -> None:
    baked = bake_png(small_png(), ob3_credential)
    itxt = next(data for kind, data in chunks(baked) if kind == b"iTXt")
    with pytest.raises(BakeError, match="2 credentials"):
        extract_png(with_chunk_before_iend(baked, chunk(b"iTXt", itxt)))
    broken = KEYWORD + b"\0\0\0\0\0" + b'{"id": '
    with pytest.raises(BakeError, match="not valid JSON"):
        extract_png(with_chunk_before_iend(small_png(), chunk(b"iTXt", broken)))
    ob2 = b"openbadges\0\0\0\0\0" + b'{"type": "Assertion"}'
    with pytest.raises(BakeError, match=r"Open Badges 2\.0"):
        extract_png(with_chunk_before_iend(small_png(), chunk(b"iTXt", ob2)))
    duplicated = KEYWORD + b"\0\0\0\0\0" + b'{"id": "a", "id": "b"}'
    with pytest.raises(BakeError, match="twice"):
        extract_png(with_chunk_before_iend(small_png(), chunk(b"iTXt", duplicated)))


def test_compressed_credential_bomb_is_capped() -> None:
    bomb = zlib.compress(b"[" * 50_000_000, 9)
    data = KEYWORD + b"\0\x01\x00\0\0" + bomb
    started = time.monotonic()
    with pytest.raises(BakeError, match="expands to more than"):
        extract_png(with_chunk_before_iend(small_png(), chunk(b"iTXt", data)))
    assert time.monotonic() - started < 2


# -- SVG -----------------------------------------------------------------------------------------
def test_svg_round_trip_with_credential_as_first_child(ob3_credential: dict[str, Any]) -> None:
    baked = bake_svg(PLAIN_SVG, ob3_credential)
    assert extract_svg(baked) == ob3_credential
    assert extract(baked) == ob3_credential
    root = ET.fromstring(baked)
    assert root.tag == f"{{{SVG_NS}}}svg"
    assert root[0].tag == f"{{{OB3_NS}}}credential"
    assert root[1].tag == f"{{{SVG_NS}}}circle", "the artwork is kept"
    assert b'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"' in baked
    assert b"<![CDATA[" in baked


def test_svg_baking_twice_replaces_and_is_stable(ob3_credential: dict[str, Any]) -> None:
    second = {**ob3_credential, "id": "urn:uuid:00000000-0000-4000-8000-000000000002"}
    once = bake_svg(PLAIN_SVG, ob3_credential)
    twice = bake_svg(once, second)
    assert twice.count(b"<openbadges:credential>") == 1
    assert twice.count(b"xmlns:openbadges=") == 1
    assert extract_svg(twice)["id"] == second["id"]
    assert bake_svg(twice, second) == twice


def test_cdata_terminator_and_markup_in_values_round_trip(ob3_credential: dict[str, Any]) -> None:
    hostile = {**ob3_credential, "name": 'x ]]> <script>alert(1)</script> "&amp;" \ufffe'}
    baked = bake_svg(PLAIN_SVG, hostile)
    assert extract_svg(baked)["name"] == hostile["name"]
    assert not list(ET.fromstring(baked).iter("script"))


def test_self_closing_root_gets_a_body(ob3_credential: dict[str, Any]) -> None:
    baked = bake_svg(b'<svg xmlns="http://www.w3.org/2000/svg" data-x="a>b"/>', ob3_credential)
    assert ET.fromstring(baked)[0].tag == f"{{{OB3_NS}}}credential"
    assert extract_svg(baked) == ob3_credential


def test_prefix_bound_to_another_namespace_is_refused(ob3_credential: dict[str, Any]) -> None:
    ob2 = b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"/>'
    with pytest.raises(BakeError, match="binds the prefix"):
        bake_svg(ob2, ob3_credential)


def test_external_entity_is_refused_and_nothing_is_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    xxe = (
        f'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file://{secret}">]>'
        f'<svg xmlns="http://www.w3.org/2000/svg"><openbadges:credential xmlns:openbadges="{OB3_NS}">'
        "&x;</openbadges:credential></svg>"
    ).encode()
    with pytest.raises(BakeError, match="DOCTYPE") as refused:
        extract(xxe)
    assert "TOP-SECRET" not in str(refused.value)
    remote = b'<!DOCTYPE svg SYSTEM "http://127.0.0.1:9/evil.dtd"><svg xmlns="http://www.w3.org/2000/svg"/>'
    with pytest.raises(BakeError, match="DOCTYPE"):
        extract_svg(remote)


def test_billion_laughs_is_refused_quickly() -> None:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{"&lol{};".format(i - 1 if i > 1 else "") * 10}">' for i in range(1, 10)
    )
    bomb = f'<?xml version="1.0"?><!DOCTYPE svg [{entities}]><svg xmlns="{SVG_NS}">&lol9;</svg>'.encode()
    started = time.monotonic()
    with pytest.raises(BakeError, match="DOCTYPE"):
        extract_svg(bomb)
    assert time.monotonic() - started < 1


def test_svg_errors_say_what_is_wrong(ob3_credential: dict[str, Any]) -> None:
    cases = {
        PLAIN_SVG: "holds no credential",
        b'<html xmlns="http://www.w3.org/1999/xhtml"/>': "not <svg>",
        b"<svg><g></svg>": "not well-formed",
        '<?xml version="1.0" encoding="UTF-16"?><svg/>'.encode("utf-16"): "UTF-16",
        b'<?xml version="1.0" encoding="ISO-8859-1"?><svg/>': "ISO-8859-1",
        b"<svg>" + b" " * (9 * 1024 * 1024) + b"</svg>": "refused",
    }
    for data, message in cases.items():
        with pytest.raises(BakeError, match=message):
            extract_svg(data)
    two = bake_svg(PLAIN_SVG, ob3_credential).replace(
        b"</svg>", f'<c:credential xmlns:c="{OB3_NS}"/></svg>'.encode()
    )
    with pytest.raises(BakeError, match="2 credentials"):
        extract_svg(two)


def test_vc_jwt_in_verify_attribute_is_named() -> None:
    svg = (
        f'<svg xmlns="{SVG_NS}" xmlns:openbadges="{OB3_NS}">'
        '<openbadges:credential verify="eyJhbGciOiJFZERTQSJ9.eyJ2YyI6e319.c2ln"/></svg>'
    ).encode()
    with pytest.raises(BakeError, match="VC-JWT"):
        extract_svg(svg)


def test_extract_refuses_other_files() -> None:
    with pytest.raises(BakeError, match="neither a PNG nor an SVG"):
        extract(b"%PDF-1.7")
