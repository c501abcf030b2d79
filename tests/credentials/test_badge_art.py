"""The badge picture: same design in SVG and PNG, deterministic, and no markup injection."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from typing import Any

from PIL import Image, ImageChops

from grader.credentials.badge_art import BadgeArt, cached_badge, render_badge
from grader.credentials.bake import bake_png, bake_svg, extract
from grader.credentials.fonts import FontLibrary

SVG = "{http://www.w3.org/2000/svg}"
ART = BadgeArt("Data Analysis with Python", "CS 101", ("Clean data", "Visualise findings"))


def test_png_is_600_square_and_deterministic(fonts: FontLibrary) -> None:
    first = render_badge(ART, fonts)
    assert first == render_badge(ART, fonts)
    with Image.open(io.BytesIO(first.png)) as image:
        assert image.size == (600, 600)
        assert image.mode == "RGBA"
        assert image.getpixel((2, 2))[3] == 0, "outside the medal is transparent"
        assert image.getpixel((300, 300))[3] == 255
    assert first.warnings == ()


def test_text_is_drawn_and_changes_the_picture(fonts: FontLibrary) -> None:
    with_text = Image.open(io.BytesIO(render_badge(ART, fonts).png)).convert("RGB")
    other = Image.open(io.BytesIO(render_badge(BadgeArt("Statistics", "CS 101"), fonts).png)).convert("RGB")
    assert ImageChops.difference(with_text, other).getbbox() is not None
    # white name text on the navy disc: the middle band has light pixels
    band = with_text.crop((120, 240, 480, 330)).convert("L")
    assert band.getextrema()[1] > 200


def test_svg_has_the_same_texts_escaped(fonts: FontLibrary) -> None:
    hostile = BadgeArt(
        '</text><script>alert("x")</script>', "A & B <i>", ('"/><svg onload=alert(1)>', "ok\u202eevil")
    )
    svg = render_badge(hostile, fonts).svg
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert not [el for el in root.iter() if el.tag in (f"{SVG}script", "script", f"{SVG}i")]
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert "A & B <i>" in texts
    assert '"/><svg onload=alert(1)>' in texts
    assert "okevil" in texts, "bidi overrides are removed"
    assert all("onload" not in key for el in root.iter() for key in el.attrib)
    assert root.find(f"{SVG}title").text == '</text><script>alert("x")</script>'  # type: ignore[union-attr]


def test_many_scripts_without_warnings(fonts: FontLibrary) -> None:
    art = BadgeArt("تحليل البيانات", "Αλγόριθμοι", ("Анализ данных", "Zoë's skill"))
    assert render_badge(art, fonts).warnings == ()


def test_cached_art_bakes_per_credential(fonts: FontLibrary, ob3_credential: dict[str, Any]) -> None:
    art = cached_badge(ART, fonts)
    assert cached_badge(ART, fonts) is art
    other = {**ob3_credential, "id": "urn:uuid:00000000-0000-4000-8000-000000000009"}
    assert extract(bake_png(art.png, ob3_credential)) == ob3_credential
    assert extract(bake_png(art.png, other)) == other
    assert extract(bake_svg(art.svg, other)) == other
    assert ET.fromstring(bake_svg(art.svg, other))[0].tag == "{https://purl.imsglobal.org/ob/v3p0}credential"


def test_a_long_badge_name_never_runs_off_the_medal(fonts: FontLibrary) -> None:
    from grader.credentials.badge_art import _Measure

    measure = _Measure(fonts)
    long_word = "Distributedsystemsengineeringpracticeandmuchmore"
    name = f"Badge of {long_word} one two three four five six seven eight nine ten eleven twelve"
    lines, size = measure.wrap_fit(name, 46, 380, 3, 20, True)
    assert len(lines) <= 3
    assert all(measure.width(line, size, True) <= 380 for line in lines), lines
    assert lines[-1].endswith("…"), "the name was cut, and says so"
