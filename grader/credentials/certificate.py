"""certificate.pdf: a printable, one-page A4 landscape rendering of a credential, with a QR code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import segno
from fpdf import FPDF

from grader.credentials.certificate_content import CertificateContent, SkillLine
from grader.credentials.fonts import FontLibrary
from grader.credentials.pdf_text import PdfText

NAVY = (24, 44, 82)
GOLD = (176, 141, 87)
INK = (40, 40, 40)
GREY = (105, 105, 105)
PAGE_W, PAGE_H = 297.0, 210.0
TEXT_X, TEXT_W = 30.0, 237.0
MAX_SKILL_ROWS = 5
QR_BOX = (254.0, 167.0, 22.0)
"""Where the QR code is drawn: left, top and side, in mm."""
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True)
class RenderedCertificate:
    pdf: bytes
    warnings: tuple[str, ...]
    """Text that could not be drawn and the Debian font package that would fix it."""


def long_date(day: date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def qr_matrix(url: str) -> tuple[tuple[bool, ...], ...]:
    """The QR code drawn on the certificate for `url`, module by module, without its quiet zone."""
    code = segno.make(url, error="m", micro=False)
    return tuple(tuple(bool(module) for module in row) for row in code.matrix)


def _frame(pdf: FPDF) -> None:
    pdf.set_draw_color(*NAVY)
    pdf.set_line_width(1.4)
    pdf.rect(8, 8, PAGE_W - 16, PAGE_H - 16)
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.35)
    pdf.rect(11.5, 11.5, PAGE_W - 23, PAGE_H - 23)
    pdf.set_fill_color(*GOLD)
    for x, y in ((11.5, 11.5), (PAGE_W - 11.5, 11.5), (11.5, PAGE_H - 11.5), (PAGE_W - 11.5, PAGE_H - 11.5)):
        pdf.regular_polygon(x - 2.6, y + 2.6, numSides=4, polyWidth=5.2, style="F")


def _rule(pdf: FPDF, y: float, width: float, color: tuple[int, int, int] = GOLD, line: float = 0.4) -> None:
    pdf.set_draw_color(*color)
    pdf.set_line_width(line)
    pdf.line(PAGE_W / 2 - width / 2, y, PAGE_W / 2 + width / 2, y)


def _seal(pdf: FPDF, x: float, y: float) -> None:
    pdf.set_fill_color(*GOLD)
    pdf.star(x, y, r_in=10.4, r_out=12.0, corners=24, style="F")
    pdf.set_fill_color(*NAVY)
    pdf.circle(x, y, 9.5, style="F")
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.45)
    pdf.circle(x, y, 8.0, style="D")
    pdf.set_fill_color(*GOLD)
    pdf.star(x, y, r_in=2.2, r_out=5.2, corners=5, rotate_degrees=-90, style="F")


def _qr(pdf: FPDF, url: str, x: float, y: float, size: float) -> None:
    """The QR code as one vector path: a rectangle per horizontal run of dark modules."""
    matrix = qr_matrix(url)
    module = size / len(matrix)
    pdf.set_fill_color(255, 255, 255)
    pdf.rect(x - 2 * module, y - 2 * module, size + 4 * module, size + 4 * module, style="F")
    k, page_h = pdf.k, pdf.h
    step = module * k
    rects = []
    for row_index, row in enumerate(matrix):
        top = (page_h - y) * k - (row_index + 1) * step
        column = 0
        while column < len(row):
            if not row[column]:
                column += 1
                continue
            start = column
            while column < len(row) and row[column]:
                column += 1
            rects.append(f"{x * k + start * step:.3f} {top:.3f} {(column - start) * step:.3f} {step:.3f} re")
    # fpdf2 has no public call for one path of many rectangles; rect() per run is 10x slower
    pdf._out(f"q 0 g {' '.join(rects)} f Q")


def _skills(text: PdfText, skills: tuple[SkillLine, ...], top: float) -> None:
    pdf = text.pdf
    shown = skills[:MAX_SKILL_ROWS] if len(skills) <= MAX_SKILL_ROWS else skills[: MAX_SKILL_ROWS - 1]
    left, name_w, level_w, required_w = 48.5, 120.0, 40.0, 40.0
    pdf.set_text_color(*GREY)
    for label, x, w in (("Skill", left, name_w), ("Level reached", left + name_w, level_w)):
        text.line(label, x=x, y=top, w=w, size=8.5, align="L" if x == left else "C", h=5)
    text.line("Required", x=left + name_w + level_w, y=top, w=required_w, size=8.5, h=5)
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.3)
    pdf.line(left, top + 5.5, left + name_w + level_w + required_w, top + 5.5)
    y = top + 6.3
    for skill in shown:
        pdf.set_text_color(*INK)
        text.line(skill.name, x=left, y=y, w=name_w - 3, size=10.5, min_size=7, align="L", h=6)
        pdf.set_text_color(*NAVY)
        text.line(skill.level, x=left + name_w, y=y, w=level_w, size=10.5, min_size=7, bold=True, h=6)
        pdf.set_text_color(*INK)
        text.line(skill.required, x=left + name_w + level_w, y=y, w=required_w, size=10.5, min_size=7, h=6)
        y += 5.8
    if len(shown) < len(skills):
        pdf.set_text_color(*GREY)
        more = len(skills) - len(shown)
        text.line(
            f"and {more} more skills, listed in credential.json",
            x=left,
            y=y,
            w=name_w,
            size=9,
            align="L",
            h=6,
        )


def _body(text: PdfText, content: CertificateContent) -> None:
    pdf = text.pdf
    pdf.set_text_color(*NAVY)
    text.line(content.institution, x=TEXT_X, y=19, w=TEXT_W, size=15, min_size=9, bold=True, h=8)
    _rule(pdf, 29.5, 60)
    pdf.set_font("times", "B", 31)
    pdf.set_char_spacing(1.2)
    pdf.set_xy(TEXT_X, 33)
    pdf.cell(w=TEXT_W, h=14, text="CERTIFICATE OF ACHIEVEMENT", align="C")
    pdf.set_char_spacing(0)
    pdf.set_text_color(*GREY)
    pdf.set_font("times", "I", 14)
    pdf.set_xy(TEXT_X, 51)
    pdf.cell(w=TEXT_W, h=7, text="This certifies that", align="C")
    pdf.set_text_color(*NAVY)
    name = content.learner_name
    text.line(name, x=TEXT_X + 10, y=59, w=TEXT_W - 20, size=34, min_size=14, bold=True, h=16, display=True)
    _rule(pdf, 77, 150)
    pdf.set_text_color(*GREY)
    pdf.set_font("times", "I", 14)
    pdf.set_xy(TEXT_X, 80)
    pdf.cell(w=TEXT_W, h=7, text="has earned the badge", align="C")
    pdf.set_text_color(*INK)
    lines = text.wrap(content.badge_name, 20, TEXT_W - 20, bold=True, max_lines=2)
    single = len(lines) == 1
    y = 88.0 if single else 87.5
    for line in lines:
        text.line(
            line, x=TEXT_X + 10, y=y, w=TEXT_W - 20, size=20 if single else 16, min_size=10, bold=True, h=9
        )
        y += 9 if single else 7.2
    if content.course_name:
        pdf.set_text_color(*GREY)
        text.line(
            f"in the course {content.course_name}", x=TEXT_X, y=y + 0.5, w=TEXT_W, size=11.5, min_size=8, h=6
        )
    if content.skills:
        _skills(text, content.skills, max(106.5, y + 7.5 if content.course_name else y + 1.5))


def _signature_block(text: PdfText, value: str, label: str, x: float, w: float, *, y: float = 146) -> None:
    pdf = text.pdf
    pdf.set_text_color(*INK)
    text.line(value, x=x, y=y, w=w, size=11.5, min_size=7, bold=True, h=7)
    pdf.set_draw_color(*NAVY)
    pdf.set_line_width(0.3)
    pdf.line(x + 4, y + 8, x + w - 4, y + 8)
    pdf.set_text_color(*GREY)
    text.line(label, x=x, y=y + 9, w=w, size=8.5, min_size=6, h=4.5)


def _footer(text: PdfText, content: CertificateContent) -> None:
    pdf = text.pdf
    _signature_block(text, long_date(content.issued_on), "Date of issue", 38, 78)
    _signature_block(text, content.issuer_name, f"Issuer · {content.issuer_id}", 181, 78)
    _seal(pdf, PAGE_W / 2, 152)
    _qr(pdf, content.verify_url, *QR_BOX)
    pdf.set_text_color(*GREY)
    text.line("Scan to verify", x=250, y=190.2, w=30, size=6.5, h=3.5)
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.2)
    pdf.line(30, 175.5, 240, 175.5)
    pdf.set_text_color(*INK)
    text.line(
        f"Credential ID  {content.credential_id}", x=30, y=177.5, w=210, size=8, min_size=5, align="L", h=4.5
    )
    pdf.set_text_color(*GREY)
    notice = (
        "This PDF is a human-readable rendering of a signed Open Badges 3.0 credential, not the credential "
        f"itself. Verification happens at {content.verify_url} or with credential.json."
    )
    y = 182.5
    for line in text.wrap(notice, 7.5, 210, max_lines=2):
        text.line(line, x=30, y=y, w=210, size=7.5, min_size=5, align="L", h=4)
        y += 3.8


def render_certificate(content: CertificateContent, fonts: FontLibrary) -> RenderedCertificate:
    """certificate.pdf for `content`: the same input gives the same bytes."""
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.set_creation_date(datetime.combine(content.issued_on, time(), tzinfo=UTC))
    pdf.set_title(f"{content.badge_name}: {content.learner_name}")
    pdf.set_author(content.issuer_name)
    pdf.set_subject(f"Open Badges 3.0 credential {content.credential_id}")
    pdf.set_producer("grader")
    pdf.add_page()
    texts = [content.institution, content.badge_name, content.course_name]
    texts += [content.issuer_name, content.issuer_id, content.credential_id, content.verify_url]
    texts += [part for skill in content.skills for part in (skill.name, skill.level, skill.required)]
    text = PdfText(pdf, fonts, texts)
    _frame(pdf)
    _body(text, content)
    _footer(text, content)
    return RenderedCertificate(bytes(pdf.output()), tuple(text.warnings))
