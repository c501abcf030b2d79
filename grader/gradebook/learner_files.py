"""What the learner receives, in ``.grader/credentials/<uuid>/``: the signed credential, a printable
certificate, the badge baked with the credential (SVG and PNG) and a LinkedIn add-to-profile link."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from grader.credentials.badge_art import BadgeArt, cached_badge
from grader.credentials.bake import bake_png, bake_svg
from grader.credentials.certificate import render_certificate
from grader.credentials.certificate_content import certificate_content
from grader.credentials.fonts import FontLibrary, shared_library
from grader.credentials.linkedin import linkedin_url_for_credential
from grader.domain.course import Course
from grader.domain.issued import IssuedCredential
from grader.domain.roster import Student
from grader.gradebook.issuer import MISSING_FONTS, IssuerIdentity, credential_folder, needs_writing


def font_cache() -> Path:
    """Fonts prepared for certificates (cut from large collections once, then reused)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "grader" / "fonts"


def fonts() -> FontLibrary:
    return shared_library(font_cache())


@dataclass(frozen=True)
class LearnerFiles:
    folder: Path
    detail: str
    """Warnings about the files, e.g. a font to install for a name's script; empty when none."""


def write_learner_files(
    root: Path, identity: IssuerIdentity, course: Course, credential: IssuedCredential, student: Student
) -> LearnerFiles:
    """Write the learner's files for ``credential`` (all or nothing); kept as they are when complete."""
    folder = credential_folder(root, credential.credential_id)
    if not needs_writing(folder):
        return LearnerFiles(folder, "")
    signed = json.loads(credential.document)
    badge = next(b for b in course.badges if b.id == credential.badge_id)
    library = fonts()
    art = cached_badge(BadgeArt(badge.title, course.title, tuple(badge.skill_thresholds)), library)
    verify_url = identity.credential_url(credential.credential_id)
    content = certificate_content(
        signed,
        learner_name=student.name,
        verify_url=verify_url,
        course_name=course.title,
        institution=course.issuer.name,
    )
    certificate = render_certificate(content, library)
    share = (
        f"Verification page: {verify_url}\n"
        f"Add to LinkedIn: {linkedin_url_for_credential(signed, verify_url)}\n"
    )
    staged = folder.with_name(f".{folder.name}.writing-{os.getpid()}")
    shutil.rmtree(staged, ignore_errors=True)
    staged.mkdir(parents=True)
    try:
        (staged / "credential.json").write_text(credential.document, encoding="utf-8")
        (staged / "certificate.pdf").write_bytes(certificate.pdf)
        (staged / "badge.svg").write_bytes(bake_svg(art.svg, signed))
        (staged / "badge.png").write_bytes(bake_png(art.png, signed))
        (staged / "share.txt").write_text(share, encoding="utf-8")
        warnings = "; ".join(dict.fromkeys((*art.warnings, *certificate.warnings)))
        if warnings:
            again = "The next `grader certify` draws the certificate again once the font is installed."
            note = f"{warnings}\n{again}\n"
            (staged / MISSING_FONTS).write_text(note, encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        staged.rename(folder)
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    return LearnerFiles(folder, warnings)
