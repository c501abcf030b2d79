"""Shared by the rendering tests: one font library per session, the example credential, poppler."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from required_tools import needs_tool

from grader.credentials.font_files import SYSTEM_FONT_DIRS, find_font

DATA = Path(__file__).parent / "data"
# Prepared fonts are keyed by their source file and recipe, so one folder can serve every run.
FONT_CACHE = Path(tempfile.gettempdir()) / "grader-test-font-cache"
VERIFY_URL = "https://badges.example.edu/credentials/3f2c1d7e-8a4b-4c6d-9e0f-1a2b3c4d5e6f"

needs_poppler = needs_tool("poppler")
CJK_FONT = find_font(SYSTEM_FONT_DIRS, "NotoSansCJK-Regular.ttc")
needs_cjk_font = needs_tool("cjk-font")


def pdf_text(pdf: bytes, tmp_path: Path, *args: str) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(["pdftotext", *args, str(path), "-"], capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def pdf_png(pdf: bytes, tmp_path: Path, dpi: int, name: str = "page") -> Path:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", "-singlefile", str(path), str(tmp_path / name)], check=True
    )
    return tmp_path / f"{name}.png"
