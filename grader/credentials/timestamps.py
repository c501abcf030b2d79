"""Credential dates: XML Schema dateTimeStamp text in UTC ('2025-06-01T12:00:00Z'), never the local clock."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from grader.domain.errors import GraderError

_STAMP = re.compile(r"\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


class TimestampError(GraderError):
    """A date that is not a timezone-qualified XML Schema dateTimeStamp."""


def format_timestamp(moment: datetime) -> str:
    """``moment`` in UTC to the second, as credentials write it; naive datetimes are refused."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise TimestampError(
            f"a credential date needs a timezone, got the naive datetime {moment.isoformat()}"
        )
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_timestamp(text: object, *, field: str) -> datetime:
    """An aware datetime from a dateTimeStamp such as ``2025-06-01T12:00:00Z``; says which field is wrong."""
    if not isinstance(text, str) or not _STAMP.fullmatch(text):
        raise TimestampError(
            f"{field}: expected a date and time with a timezone such as 2025-06-01T12:00:00Z, got {text!r}"
        )
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise TimestampError(f"{field}: {text!r} is not a real date and time") from None


def require_aware(moment: datetime, *, field: str) -> datetime:
    """``moment`` unchanged when it has a timezone; a naive ``now`` would compare wrongly."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise TimestampError(f"{field}: expected a datetime with a timezone, got {moment.isoformat()}")
    return moment
