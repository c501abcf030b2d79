"""certificate.pdf: one A4 landscape page, names in every script, the id, a QR code that scans."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import uharfbuzz as hb
from PIL import Image
from render_helpers import (
    FONT_CACHE,
    VERIFY_URL,
    needs_cjk_font,
    needs_poppler,
    pdf_png,
    pdf_text,
)

from grader.credentials import pdf_fonts
from grader.credentials.certificate import QR_BOX, qr_matrix, render_certificate
from grader.credentials.certificate_content import CertificateContent, SkillLine, certificate_content
from grader.credentials.fonts import FontLibrary

ID = "urn:uuid:3f2c1d7e-8a4b-4c6d-9e0f-1a2b3c4d5e6f"
BIDI_MARKS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u200e\u200f \n"))


def content_for(ob3_credential: dict[str, Any], name: str) -> CertificateContent:
    return certificate_content(ob3_credential, learner_name=name, verify_url=VERIFY_URL, course_name="CS 101")


def test_content_is_read_from_the_credential(ob3_credential: dict[str, Any]) -> None:
    content = content_for(ob3_credential, "Zoë")
    assert content.credential_id == ID
    assert content.badge_name == "Data Analysis with Python"
    assert content.issuer_id == "did:web:badges.example.edu"
    assert content.issued_on == date(2025, 6, 1)
    assert content.skills == (
        SkillLine("Overall project score", "87%", "80%"),
        SkillLine("DA-1 Clean and transform tabular data", "Mastered", "Mastered"),
    )


def test_one_a4_landscape_page_deterministic(ob3_credential: dict[str, Any], fonts: FontLibrary) -> None:
    content = content_for(ob3_credential, "Zoë Ångström-Łukasiewicz")
    pdf = render_certificate(content, fonts).pdf
    assert pdf.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type /Page\b", pdf)) == 1
    width, height = (float(v) for v in re.search(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf).groups())  # type: ignore[union-attr]
    assert (round(width), round(height)) == (842, 595)  # A4 landscape in points
    assert render_certificate(content, fonts).pdf == pdf


@needs_poppler
@pytest.mark.parametrize(
    "name",
    [
        "Zoë Ångström-Łukasiewicz",
        "Αλέξανδρος Παπαδόπουλος",
        "Анна Каренина",
        "Anne-Marie O'Brien",
        "Nguyễn Thị Mai",
    ],
)
def test_names_and_id_are_real_text(
    ob3_credential: dict[str, Any], fonts: FontLibrary, tmp_path: Path, name: str
) -> None:
    rendered = render_certificate(content_for(ob3_credential, name), fonts)
    assert rendered.warnings == ()
    text = unicodedata.normalize("NFC", pdf_text(rendered.pdf, tmp_path))
    assert name in text
    assert ID in text
    assert "Certificate of achievement".upper() in text
    assert "verification happens at" in text.lower().replace("\n", " ")
    assert "Mastered" in text and "87%" in text and "80%" in text


@needs_poppler
def test_arabic_name_is_written_right_to_left(
    ob3_credential: dict[str, Any], fonts: FontLibrary, tmp_path: Path
) -> None:
    name = "فاطمة الزهراء"
    rendered = render_certificate(content_for(ob3_credential, name), fonts)
    assert rendered.warnings == ()
    # drawn left to right in logical order, poppler would read it back reversed ("ءارهزلا ةمطاف")
    lines = [line.translate(BIDI_MARKS) for line in pdf_text(rendered.pdf, tmp_path).splitlines()]
    assert name.replace(" ", "") in lines


def test_arabic_letters_are_joined(ob3_credential: dict[str, Any], fonts: FontLibrary) -> None:
    """The glyphs embedded for the name are HarfBuzz's joined forms, not the isolated letters."""
    name = "فاطمة"
    pdf = render_certificate(content_for(ob3_credential, name), fonts).pdf
    face = fonts.runs(name).runs[0].face(bold=True)
    blob = hb.Blob.from_file_path(str(face.path))
    font = hb.Font(hb.Face(blob))
    upem = font.face.upem
    buffer = hb.Buffer()
    buffer.add_str(name)
    buffer.guess_segment_properties()
    hb.shape(font, buffer, {})
    joined = {round(p.x_advance * 1000 / upem) for p in buffer.glyph_positions}
    isolated = {round(font.get_glyph_h_advance(font.get_nominal_glyph(ord(c))) * 1000 / upem) for c in name}
    assert joined != isolated, "the test needs a name whose joined forms have other widths"
    arabic = pdf[pdf.index(b"/BaseFont /MPDFAA+NotoSansArabic") :]
    w_array = re.search(rb"/W \[(.*?)\]\s*>>", arabic, re.S).group(1)  # type: ignore[union-attr]
    widths = {int(number) for number in re.findall(rb"\d+", w_array)}  # CIDs too: harmless here
    assert joined <= widths
    assert not isolated - joined <= widths


@needs_poppler
@needs_cjk_font
def test_cjk_name_uses_the_installed_font(
    ob3_credential: dict[str, Any], fonts: FontLibrary, tmp_path: Path
) -> None:
    rendered = render_certificate(content_for(ob3_credential, "王小明"), fonts)
    assert rendered.warnings == ()
    assert "王小明" in pdf_text(rendered.pdf, tmp_path)


@needs_poppler
def test_missing_cjk_font_gives_a_warning_not_boxes(ob3_credential: dict[str, Any], tmp_path: Path) -> None:
    no_system_fonts = FontLibrary(FONT_CACHE, search_dirs=[tmp_path / "empty"])
    rendered = render_certificate(content_for(ob3_credential, "王小明 Wang"), no_system_fonts)
    assert len(rendered.warnings) == 1
    assert "install fonts-noto-cjk" in rendered.warnings[0]
    assert "王小明" in rendered.warnings[0]
    text = pdf_text(rendered.pdf, tmp_path)
    assert "Wang" in text
    assert "王" not in text and "\ufffd" not in text


@needs_poppler
def test_long_names_shrink_and_nothing_leaves_the_frame(
    ob3_credential: dict[str, Any], fonts: FontLibrary, tmp_path: Path
) -> None:
    long_name = "Maria-Alexandra Konstantinopoulou-Wiśniewska de la Fuente y Ångström-Łukasiewicz"
    content = content_for(ob3_credential, long_name)
    content = CertificateContent(**{**content.__dict__, "skills": content.skills * 4})
    rendered = render_certificate(content, fonts)
    bbox = pdf_text(rendered.pdf, tmp_path, "-bbox")
    words = re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', bbox)
    inner = 11.5 / 25.4 * 72  # the gold frame, in points
    assert words
    for x_min, y_min, x_max, y_max, word in words:
        assert inner < float(x_min) and float(x_max) < 841.89 - inner, word
        assert inner < float(y_min) and float(y_max) < 595.28 - inner, word
    assert "Konstantinopoulou-Wiśniewska" in unicodedata.normalize("NFC", bbox)
    listed = [word for *_, word in words]
    assert listed[listed.index("more") + 1] == "skills,"


def decoded_with_zbar(png: Path) -> str | None:
    if shutil.which("zbarimg") is None:
        return None
    done = subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True, text=True, check=False)
    return done.stdout.strip()


@needs_poppler
def test_qr_code_is_the_verification_url(
    ob3_credential: dict[str, Any], fonts: FontLibrary, tmp_path: Path
) -> None:
    dpi = 300
    png = pdf_png(render_certificate(content_for(ob3_credential, "Zoë"), fonts).pdf, tmp_path, dpi)
    decoded = decoded_with_zbar(png)
    if decoded is not None:
        assert decoded == VERIFY_URL
    # whether or not a decoder is installed: the modules drawn are segno's modules for the URL
    matrix = qr_matrix(VERIFY_URL)
    left, top, side = QR_BOX
    module = side / len(matrix) / 25.4 * dpi
    with Image.open(png) as page:
        grey = page.convert("L")
        drawn = tuple(
            tuple(
                grey.getpixel(
                    (
                        round(left / 25.4 * dpi + (c + 0.5) * module),
                        round(top / 25.4 * dpi + (r + 0.5) * module),
                    )
                )
                < 128
                for c in range(len(matrix))
            )
            for r in range(len(matrix))
        )
    assert drawn == matrix
    assert matrix != qr_matrix(VERIFY_URL + "x")


@pytest.mark.parametrize(
    "name",
    [
        "فاطمة الزهراء",
        "Αλέξανδρος Παπαδόπουλος",
        "Zoë Ångström-Łukasiewicz",
        pytest.param("王小明 Wang", marks=needs_cjk_font),
        pytest.param("김민준", marks=needs_cjk_font),
    ],
)
def test_fonts_prepared_once_per_thread_give_the_same_bytes_as_read_per_document(
    ob3_credential: dict[str, Any], fonts: FontLibrary, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    content = content_for(ob3_credential, name)
    prepared = render_certificate(content, fonts).pdf
    monkeypatch.setattr(pdf_fonts, "UNEMBEDDED_TABLES", ())
    monkeypatch.setattr(pdf_fonts, "PREPARED_TABLES", ())
    assert render_certificate(content, fonts).pdf == prepared
