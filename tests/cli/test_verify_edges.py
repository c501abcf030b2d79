"""`grader verify` on odd and hostile files: each fails with a reason, nothing crashes."""

from __future__ import annotations

import contextlib
import io
import json
import struct
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from cli_helpers import run
from course_folder import copy_course
from test_certify_cli import build, failed, grade_quietly, verify
from test_mastery_cli import A1_FULL, A3_FULL

from grader.cli.main import main
from grader.gradebook.context import open_course
from grader.gradebook.issuer import issuer_identity


@pytest.fixture(scope="module")
def issued_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A demo course and the folder of one credential issued in it (its first student graded in
    full on a1 and a3 through `grader grade`, then `grader certify`); built once, never changed
    after: ``issued`` copies it."""
    course, (student, *_) = build(tmp_path_factory.mktemp("issued") / "demo")
    grade_quietly(course, student, "a1-calculator", A1_FULL)
    grade_quietly(course, student, "a3-dataanalysis", A3_FULL)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["--course", str(course), "--as", "Ada", "certify", "--json"]) == 0
    (row,) = json.loads(out.getvalue())
    return course, Path(row["path"])


@pytest.fixture
def issued(issued_template: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    """A private copy of ``issued_template``: a demo course and the folder of one credential
    issued in it."""
    template, folder = issued_template
    course = copy_course(template, tmp_path / "demo")
    return course, course / folder.relative_to(template)


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
