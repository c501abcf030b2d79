"""JUnit XML reports (pytest --junitxml, Jest, Maven Surefire…) read with a hardened parser.

The report is a file in the checkout copy, so the student's code, which runs in the same sandbox,
could write or rewrite it (a conftest.py, a plugin, a test that rewrites the report): a junit
check is only as trustworthy as its command. Recommend ``--noconftest -p no:cacheprovider`` for
pytest, and tests that live outside the student's reach where it matters. A score is never read
from the text a program prints (security.md RUN-5), only from the report's test elements.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

REPORT_LIMIT = 8 * 1024 * 1024
"""The largest JUnit report read, in bytes (a report of 10,000 tests with output is ~5 MB)."""
MAX_TESTS = 10_000
MAX_DEPTH = 64
MAX_ELEMENTS = 100_000  # a report of 10,000 tests with their output holds ~40,000
NAME_LIMIT = 300

OUTCOMES = ("passed", "failed", "error", "skipped")


@dataclass(frozen=True)
class TestOutcome:
    """One test of a run: ``name`` as ``classname.name`` (or ``name``), outcome one of OUTCOMES."""

    __test__ = False  # not a pytest test class, despite the name

    name: str
    outcome: str
    points: Decimal | None = None
    """What the test earned of the criterion's points (its share when it passed, 0 when it did
    not); None when it counts neither way (skipped) or the check has no per-test points."""


class JunitUnreadable(ValueError):
    """A JUnit report that cannot be used; the message says why, in words."""


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MiB".replace(".0 MiB", " MiB")


def _events(data: bytes, limit: int) -> Iterator[tuple[str, Element]]:
    """The report's start and end events, parsed with DTDs and entities forbidden."""
    if len(data) > limit:
        raise JunitUnreadable(f"the report is {_mib(len(data))}, over the {_mib(limit)} limit")
    if not data.strip():
        raise JunitUnreadable("the report is empty")
    try:
        source, events = io.BytesIO(data), ("start", "end")
        yield from iterparse(source, events, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise JunitUnreadable(f"the report was refused: {_defused_reason(exc)}") from None
    except ParseError as exc:
        raise JunitUnreadable(f"the report is not well-formed XML ({exc})") from None
    except (ValueError, LookupError) as exc:  # e.g. an encoding declaration Python does not know
        raise JunitUnreadable(f"the report cannot be decoded ({exc})") from None


def _defused_reason(exc: DefusedXmlException) -> str:
    name = type(exc).__name__
    if name == "DTDForbidden":
        return "it declares a DTD, which a JUnit report never needs"
    if name == "EntitiesForbidden":
        return "it declares entities, which a JUnit report never needs"
    if name == "ExternalReferenceForbidden":
        return "it refers to an external resource"
    return str(exc)


def _local(tag: object) -> str:
    """A tag without its XML namespace (``{ns}testcase`` → ``testcase``)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _outcome(case: Element) -> str:
    for child in case:
        tag = _local(child.tag)
        if tag in ("failure", "error", "skipped"):
            return "failed" if tag == "failure" else tag
    return "passed"


def _name(case: Element) -> str:
    name = case.get("name") or ""
    classname = case.get("classname") or ""
    full = f"{classname}.{name}" if classname and name else (name or classname or "(unnamed test)")
    return full if len(full) <= NAME_LIMIT else full[: NAME_LIMIT - 1] + "…"


def parse_junit(data: bytes, *, limit: int = REPORT_LIMIT) -> tuple[TestOutcome, ...]:
    """Every testcase of a report (testsuites/testsuite/testcase, any nesting), in order.

    Raises JunitUnreadable for a report over ``limit`` bytes, one that is not well-formed, one
    with a DTD or entities (billion laughs, external entities), one nested deeper than MAX_DEPTH,
    one of more than MAX_ELEMENTS elements, or one whose root is not a test suite. Elements are
    dropped once read: a hostile report costs little memory and at most MAX_ELEMENTS' time.
    """
    tests: list[TestOutcome] = []
    open_elements: list[Element] = []
    case_depth = 0  # > 0 inside a testcase, whose children are kept until it ends
    elements = 0
    for event, element in _events(data, limit):
        tag = _local(element.tag)
        if event == "start":
            if not open_elements and tag not in ("testsuites", "testsuite"):
                shown = json.dumps(tag)
                raise JunitUnreadable(f"the report's root element is {shown}, not testsuites or testsuite")
            open_elements.append(element)
            if len(open_elements) > MAX_DEPTH:
                raise JunitUnreadable(f"the report nests elements more than {MAX_DEPTH} deep")
            elements += 1
            if elements > MAX_ELEMENTS:
                raise JunitUnreadable(f"the report holds more than {MAX_ELEMENTS:,} elements")
            if case_depth or tag == "testcase":
                case_depth += 1
            continue
        open_elements.pop()
        if case_depth:
            case_depth -= 1
        if tag == "testcase" and case_depth == 0:
            if len(tests) == MAX_TESTS:
                raise JunitUnreadable(f"the report lists more than {MAX_TESTS:,} tests")
            tests.append(TestOutcome(_name(element), _outcome(element)))
        if case_depth == 0 and open_elements:
            del open_elements[-1][-1]  # the element just read is its parent's last child
    return tuple(tests)
