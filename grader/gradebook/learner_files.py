"""What the learner receives, in ``.grader/credentials/<uuid>/``: the signed credential, a printable
certificate, the badge baked with the credential (SVG and PNG) and a LinkedIn add-to-profile link."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from grader.credentials.badge_art import BadgeArt, cached_badge
from grader.credentials.bake import bake_png, bake_svg
from grader.credentials.certificate import render_certificate
from grader.credentials.certificate_content import certificate_content
from grader.credentials.fonts import FontLibrary, shared_library
from grader.credentials.linkedin import linkedin_url_for_credential
from grader.domain.course import Course
from grader.domain.errors import GraderError
from grader.domain.issued import IssuedCredential
from grader.domain.roster import Student
from grader.durable import clean_leftovers_once, replaced_folder
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
    """Write the learner's files for ``credential``; kept as they are when complete.

    The folder is replaced whole (grader.durable.replaced_folder): at every moment it holds either
    the complete old files or the complete new ones, and a crashed run's leftovers beside it are
    cleaned up (or an old folder put back) by the next run that writes there.
    """
    folder = credential_folder(root, credential.credential_id)
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GraderError(f"cannot create {folder.parent}: {exc.strerror}") from None
    clean_leftovers_once(folder.parent)
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
    warnings = "; ".join(dict.fromkeys((*art.warnings, *certificate.warnings)))
    with replaced_folder(folder) as staged:
        staged.write_text("credential.json", credential.document)
        staged.write("certificate.pdf", certificate.pdf)
        staged.write("badge.svg", bake_svg(art.svg, signed))
        staged.write("badge.png", bake_png(art.png, signed))
        staged.write_text("share.txt", share)
        if warnings:
            again = "The next `grader certify` draws the certificate again once the font is installed."
            staged.write_text(MISSING_FONTS, f"{warnings}\n{again}\n")
    return LearnerFiles(folder, warnings)
