"""Reading course files: a size cap before reading, and strict UTF-8 with a located error."""

from __future__ import annotations

import hashlib
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from grader.domain.errors import Problem, ValidationFailed

BOM = b"\xef\xbb\xbf"

_digests: ContextVar[dict[str, str] | None] = ContextVar("grader_file_digests", default=None)


@contextmanager
def recording_digests() -> Iterator[dict[str, str]]:
    """Collect the SHA-256 of the exact bytes of every file read_capped reads meanwhile, by display
    name: what a validation saw, so a snapshot of its result can be trusted for those bytes only."""
    digests: dict[str, str] = {}
    token = _digests.set(digests)
    try:
        yield digests
    finally:
        _digests.reset(token)


def sha256_hex(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def too_big(file: str, size: int, limit: int) -> ValidationFailed:
    return ValidationFailed([Problem(file, 0, "", f"is {size:,} bytes; the limit is {limit:,} bytes")])


def read_capped(path: Path, display: str, limit: int) -> bytes:
    """The file's bytes, refusing a missing, unreadable or oversize file before reading it."""
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise ValidationFailed([Problem(display, 0, "", "is a folder, expected a file")])
        if not stat.S_ISREG(info.st_mode):
            raise ValidationFailed([Problem(display, 0, "", "is not a regular file (a device or a pipe?)")])
        if info.st_size > limit:
            raise too_big(display, info.st_size, limit)
        with path.open("rb") as handle:
            raw = handle.read(limit + 1)
        if len(raw) > limit:
            raise too_big(display, len(raw), limit)
        digests = _digests.get()
        if digests is not None:
            digests[display] = sha256_hex(raw)
        return raw
    except FileNotFoundError:
        raise ValidationFailed([Problem(display, 0, "", "does not exist")]) from None
    except IsADirectoryError:
        raise ValidationFailed([Problem(display, 0, "", "is a folder, expected a file")]) from None
    except OSError as exc:
        raise ValidationFailed([Problem(display, 0, "", f"cannot be read: {exc.strerror}")]) from None


def decode_utf8(raw: bytes, file: str, advice: str) -> str:
    """UTF-8 text without a BOM; an invalid byte is reported with its line and column."""
    if raw.startswith(BOM):
        raw = raw[len(BOM) :]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        message = f"is not valid UTF-8 (byte 0x{raw[exc.start]:02X} at column {column}); {advice}"
        raise ValidationFailed([Problem(file, line, "", message)]) from None
