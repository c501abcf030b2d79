"""`grader verify` on odd and hostile files: each fails with a reason, nothing crashes."""

from __future__ import annotations

import json
import struct
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from cli_helpers import run
from test_certify_cli import build, certify, failed, grade, verify
from test_mastery_cli import A1_FULL, A3_FULL

from grader.gradebook.context import open_course
from grader.gradebook.issuer import issuer_identity


@pytest.fixture
def issued(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path]:
    """A demo course and the folder of one credential issued in it."""
    course, (student, *_) = build(tmp_path / "demo")
    grade(capsys, course, student, "a1-calculator", A1_FULL)
    grade(capsys, course, student, "a3-dataanalysis", A3_FULL)
    (row,) = certify(capsys, course)
    return course, Path(row["path"])


def test_verifying_needs_no_private_key(issued, capsys, tmp_path) -> None:
    course, folder = issued
    key = course / ".grader" / "keys" / "key-1.pem"
    key.rename(tmp_path / "key-1.pem")
    code, (report,) = verify(capsys, course, folder / "credential.json")
    assert code == 0, failed(report)


def test_a_second_proof_is_not_passed_over(issued, capsys, tmp_path) -> None:
    course, folder = issued
    credential = json.loads((folder / "credential.json").read_text(encoding="utf-8"))
    credential["proof"] = [
        credential["proof"],
        {"type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022"},
    ]
    (tmp_path / "two.json").write_text(json.dumps(credential), encoding="utf-8")
    code, (report,) = verify(capsys, course, tmp_path / "two.json")
    assert code == 1 and "2 proofs" in failed(report)["proof"]


def test_odd_files_fail_with_a_reason_and_the_others_are_still_checked(issued, capsys, tmp_path) -> None:
    course, folder = issued
    (tmp_path / "empty.json").write_bytes(b"")
    (tmp_path / "array.json").write_text("[1, 2]")
    (tmp_path / "huge.json").write_text('{"a": ' + "9" * 5000 + "}")
    png = (folder / "badge.png").read_bytes()
    extra = b"iTXt" + b"openbadgecredential\0\0\0\0\0{}"
    trailing = (
        png + struct.pack(">I", len(extra) - 4) + extra + struct.pack(">I", zlib.crc32(extra) & 0xFFFFFFFF)
    )
    (tmp_path / "trailing.png").write_bytes(trailing)
    names = ["empty.json", "array.json", "huge.json", "trailing.png"]
    code, reports = verify(capsys, course, *(tmp_path / n for n in names), folder / "credential.json")
    assert code == 1
    reasons = [failed(r).get("file", "") for r in reports]
    assert "is empty" in reasons[0]
    assert "JSON array" in reasons[1]
    assert "refuses to read" in reasons[2]
    assert "after its IEND chunk" in reasons[3]
    assert reports[4]["valid"] is True, "one bad file does not stop the others"


def test_the_issuer_key_is_created_once_when_many_ask_at_the_same_moment(tmp_path, capsys) -> None:
    course, _ = build(tmp_path / "demo")
    with open_course(course) as ctx, ThreadPoolExecutor(max_workers=6) as pool:
        identities = list(pool.map(lambda _: issuer_identity(ctx, create=True), range(6)))
        assert len({identity.did for identity in identities}) == 1
        assert [e.action for e in ctx.store.audit_entries("issuer key created")] == ["issuer key created"]
    code, _, err = run(capsys, course, "key", "create")
    assert code == 1 and "refusing to replace it" in err
