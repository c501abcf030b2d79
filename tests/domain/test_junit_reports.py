"""JUnit reports that are hostile (billion laughs, external entities, memory bombs) or broken."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from grader.domain.autograde import REPORT_LIMIT, JunitUnreadable, RawRun, RunStatus, parse_junit, score_run
from grader.domain.checks import Check, CheckKind

REPORT = ".grader-report.xml"
JUNIT = Check(f"python -m pytest -q --junitxml={REPORT}", kind=CheckKind.JUNIT, report=REPORT)


def ran(data: bytes) -> RawRun:
    return RawRun(1, False, 0.5, b"", b"", False, files={REPORT: data})


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<testsuite><testcase name="&lol9;"/></testsuite>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE t [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<testsuite><testcase name="&secret;"/></testsuite>"""


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (BILLION_LAUGHS, "the report was refused: it declares a DTD, which a JUnit report never needs"),
        (EXTERNAL_ENTITY, "the report was refused: it declares a DTD, which a JUnit report never needs"),
        (b"<testsuite><testcase name='a'></testsuite>", "the report is not well-formed XML (mismatched tag"),
        (b"", "the report is empty"),
        (b"\x00\x01binary", "the report is not well-formed XML"),
        (
            b"<html><body>hello</body></html>",
            'the report\'s root element is "html", not testsuites or testsuite',
        ),
        (b'<?xml version="1.0" encoding="x-made-up"?><testsuite/>', "the report"),
    ],
)
def test_hostile_or_broken_reports_are_refused_with_why(data: bytes, why: str) -> None:
    started = time.perf_counter()
    with pytest.raises(JunitUnreadable) as info:
        parse_junit(data)
    assert str(info.value).startswith(why)
    assert time.perf_counter() - started < 1.0
    result = score_run(JUNIT, Decimal(10), ran(data))
    assert (result.status, result.points) == (RunStatus.FAILED, Decimal(0))
    assert result.reason.startswith(f"the JUnit report at {REPORT} is unusable: {why}")


def test_an_oversized_report_is_refused_before_parsing() -> None:
    case = b"<testcase name='t'/>"
    data = b"<testsuite>" + case * (REPORT_LIMIT // len(case)) + b"</testsuite>"
    with pytest.raises(JunitUnreadable, match=r"the report is 8(\.0)? MiB, over the 8 MiB limit"):
        parse_junit(data)


def test_a_report_with_too_many_tests_is_refused() -> None:
    data = b"<testsuites><testsuite>" + b"<testcase name='t'/>" * 10_001 + b"</testsuite></testsuites>"
    with pytest.raises(JunitUnreadable, match="more than 10,000 tests"):
        parse_junit(data)


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (
            b"<testsuite>" + b"<a>" * 1_000_000 + b"</a>" * 1_000_000 + b"</testsuite>",
            "nests elements more than 64 deep",
        ),
        (b"<testsuite>" + b"<x/>" * 1_000_000 + b"</testsuite>", "holds more than 100,000 elements"),
    ],
)
def test_reports_built_to_exhaust_memory_are_refused(data: bytes, why: str) -> None:
    with pytest.raises(JunitUnreadable, match=why):
        parse_junit(data, limit=len(data))


def test_nested_suites_namespaces_and_long_names() -> None:
    data = (
        b'<testsuites xmlns="urn:x"><testsuite><testsuite name="inner">'
        b'<testcase classname="pkg.Mod" name="' + b"n" * 500 + b'"><failure/></testcase>'
        b'<testcase name="ok"><system-out>SCORE 100</system-out></testcase>'
        b"<testcase><error/></testcase></testsuite></testsuite></testsuites>"
    )
    tests = parse_junit(data)
    assert [t.outcome for t in tests] == ["failed", "passed", "error"]
    assert (
        len(tests[0].name) == 300 and tests[0].name.startswith("pkg.Mod.nnn") and tests[0].name.endswith("…")
    )
    assert tests[2].name == "(unnamed test)"
