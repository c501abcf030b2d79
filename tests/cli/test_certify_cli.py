"""Credentials on the demo course, through the CLI: issued exactly to those who earn a badge,
verified offline in every form, refused when tampered with, revoked or signed by another key."""

from __future__ import annotations

import csv
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from cli_helpers import run
from course_folder import copy_course
from test_mastery_cli import A1_FULL, A3_FULL

from grader.cli.main import main
from grader.credentials import proof
from grader.demo import build_demo_course
from grader.domain.choices import CriterionChoice
from grader.domain.errors import GraderError
from grader.domain.events import ChoiceChange, EventSource
from grader.gradebook import certify as certify_module
from grader.gradebook.context import open_course, utc_now
from grader.gradebook.issuer import FILES, credential_folder
from grader.store import open_store


def build(
    root: Path, students: int = 4, *, repos: bool = False, auto_issue: bool = True
) -> tuple[Path, list[str]]:
    for _ in build_demo_course(root, students=students, seed=7, repos=repos):
        pass
    if not auto_issue:
        course_yaml = root / "course.yaml"
        course_yaml.write_text(
            course_yaml.read_text(encoding="utf-8").replace("auto_issue: true", "auto_issue: false")
        )
    with (root / "roster.csv").open(encoding="utf-8") as roster:
        return root, [row["student_id"] for row in csv.DictReader(roster)]


def grade_args(student: str, assignment: str, criterion: str, option: str, *value: str) -> list[str]:
    """`grade ASSIGNMENT --student STUDENT --criterion CRITERION OPTION [VALUE...]`: one mark."""
    return ["grade", assignment, "--student", student, "--criterion", criterion, option, *value]


def grade(
    capsys: pytest.CaptureFixture[str], course: Path, student: str, assignment: str, marks: list
) -> str:
    out = ""
    for mark in marks:
        code, printed, err = run(capsys, course, *grade_args(student, assignment, *mark))
        assert code == 0, err
        out += printed
    return out


def certify(capsys: pytest.CaptureFixture[str], course: Path, *args: str) -> list[dict]:
    code, out, err = run(capsys, course, "certify", "--json", *args)
    assert code == 0, err
    return json.loads(out)


def verify(capsys: pytest.CaptureFixture[str], course: Path, *files: Path | str) -> tuple[int, list[dict]]:
    code, out, err = run(capsys, course, "verify", "--json", *map(str, files))
    assert code in (0, 1), err
    return code, [json.loads(line) for line in out.splitlines()]


def failed(report: dict) -> dict[str, str]:
    return {c["check"]: c["reason"] for c in report["checks"] if not c["passed"]}


@pytest.fixture
def manual(tmp_path: Path) -> tuple[Path, list[str]]:
    """A demo course that issues only on `grader certify`."""
    return build(tmp_path / "demo", auto_issue=False)


def grade_quietly(course: Path, student: str, assignment: str, marks: list) -> None:
    """``grade`` for a fixture, which has no capsys: each mark through `grader grade`, exit code 0."""
    for mark in marks:
        assert main(["--course", str(course), "--as", "Ada", *grade_args(student, assignment, *mark)]) == 0


@pytest.fixture(scope="module")
def earned_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """``manual``, with its first student graded in full on a1 and a3 through `grader grade`
    (python-foundations earned, nothing issued yet); built once, copied by ``earned``."""
    course, students = build(tmp_path_factory.mktemp("certify") / "demo", auto_issue=False)
    grade_quietly(course, students[0], "a1-calculator", A1_FULL)
    grade_quietly(course, students[0], "a3-dataanalysis", A3_FULL)
    return course, students


@pytest.fixture
def earned(earned_template: tuple[Path, list[str]], tmp_path: Path) -> tuple[Path, list[str]]:
    """A private copy of ``earned_template``: its first student has earned python-foundations."""
    course, students = earned_template
    return copy_course(course, tmp_path / "demo"), students


def test_certify_issues_exactly_to_the_students_who_meet_a_badge_once(manual, capsys) -> None:
    course, (meets, partial, _untouched, _) = manual
    grade(capsys, course, meets, "a1-calculator", A1_FULL)
    grade(capsys, course, meets, "a3-dataanalysis", A3_FULL)
    grade(capsys, course, partial, "a1-calculator", A1_FULL)
    assert not (course / ".grader" / "credentials").exists(), "auto_issue is off: grading issued nothing"
    dry = certify(capsys, course, "--dry-run")
    assert [(r["student_id"], r["badge"], r["status"]) for r in dry] == [
        (meets, "python-foundations", "would issue")
    ]
    assert not (course / ".grader" / "keys").exists(), "a dry run signs nothing"
    issued = certify(capsys, course)
    assert [(r["student_id"], r["badge"], r["status"]) for r in issued] == [
        (meets, "python-foundations", "issued")
    ]
    folder = Path(issued[0]["path"])
    assert sorted(p.name for p in folder.iterdir()) == [
        "badge.png",
        "badge.svg",
        "certificate.pdf",
        "credential.json",
        "share.txt",
    ]
    again = certify(capsys, course)
    assert [(r["credential_id"], r["status"]) for r in again] == [(issued[0]["credential_id"], "active")]
    credential = json.loads((folder / "credential.json").read_text(encoding="utf-8"))
    subject = credential["credentialSubject"]
    assert subject["achievement"]["name"] == "Python Foundations"
    assert {r["value"] for r in subject["result"]} == {"85.71", "71.42"}
    assert "linkedin.com/profile/add?startTask=CERTIFICATION_NAME" in (folder / "share.txt").read_text()


def test_every_form_verifies_and_tampering_revocation_and_other_keys_fail(
    earned, earned_template, capsys, tmp_path
) -> None:
    course, _ = earned
    folder = Path(certify(capsys, course)[0]["path"])
    code, reports = verify(
        capsys, course, folder / "credential.json", folder / "badge.svg", folder / "badge.png"
    )
    assert code == 0 and [r["valid"] for r in reports] == [True, True, True]

    tampered = json.loads((folder / "credential.json").read_text(encoding="utf-8"))
    tampered["credentialSubject"]["result"][0]["value"] = "99.99"
    (tmp_path / "tampered.json").write_text(json.dumps(tampered), encoding="utf-8")
    code, (report,) = verify(capsys, course, tmp_path / "tampered.json")
    assert code == 1 and set(failed(report)) == {"signature"}

    other = copy_course(earned_template[0], tmp_path / "other")  # a course of its own: its own key
    foreign = Path(certify(capsys, other)[0]["path"]) / "credential.json"
    code, (report,) = verify(capsys, course, foreign)
    assert code == 1 and "not issued by this issuer" in failed(report)["issuer"]

    credential_id = reports[0]["credential_id"]
    code, _, err = run(capsys, course, "revoke", credential_id, "--reason", "plagiarism confirmed")
    assert code == 0, err
    code, (report,) = verify(capsys, course, folder / "badge.png")
    assert code == 1 and failed(report) == {
        "status": f"revoked on {report_date(course)}: plagiarism confirmed"
    }
    code, _, err = run(capsys, course, "revoke", credential_id, "--reason", "again")
    assert code == 1 and "a revocation cannot be undone" in err
    code, out, err = run(capsys, course, "verify", str(tmp_path / "missing.json"))
    assert code == 1 and "cannot read" in out


def report_date(course: Path) -> str:
    """The day the revocation was recorded, from the audit log the CLI wrote."""
    with open_store(f"sqlite:///{course / '.grader' / 'grades.db'}") as store:
        (entry,) = store.audit_entries("credential revoked")
    return f"{entry.at:%Y-%m-%d}"


def test_a_regrade_below_a_threshold_flags_the_credential_and_never_revokes_it(tmp_path, capsys) -> None:
    course, (student, *_) = build(tmp_path / "demo")
    grade(capsys, course, student, "a1-calculator", A1_FULL)
    printed = grade(capsys, course, student, "a3-dataanalysis", A3_FULL)
    assert "badge python-foundations: credential issued" in printed, "auto_issue: the grade event issued it"
    printed = grade(capsys, course, student, "a1-calculator", [("tests", "--points", "15")])
    assert "badge python-foundations: credential flagged for review" in printed
    (row,) = certify(capsys, course)
    assert row["status"] == "flagged for review" and "testing: 68.5%, needs 70%" in row["detail"]
    code, (_report,) = verify(capsys, course, Path(row["path"]) / "credential.json")
    assert code == 0, "flagged is not revoked: it still verifies"
    printed = grade(capsys, course, student, "a1-calculator", [("tests", "--points", "16")])
    assert "badge python-foundations: credential review cleared" in printed


def test_a_grade_event_never_issues_a_badge_on_a_grade_that_is_not_final(tmp_path, capsys) -> None:
    course, (student, *_) = build(tmp_path / "demo")
    grade(capsys, course, student, "a1-calculator", [mark for mark in A1_FULL if mark[0] != "tests"])
    a3_top_tests = [("pipeline-tests", "--points", "15") if m[0] == "pipeline-tests" else m for m in A3_FULL]
    printed = grade(capsys, course, student, "a3-dataanalysis", a3_top_tests)
    # python-basics and testing are met on a3 alone, but a1's autograded criterion is not scored
    assert "credential" not in printed, "no credential on a1's grade while it is not final"
    assert not (course / ".grader" / "credentials").exists()
    assert certify(capsys, course, "--dry-run") == []
    code, out, err = run(capsys, course, "mastery", student, "--json", "--badges")
    assert code == 0, err
    (badge,) = [b for b in json.loads(out) if b["badge"] == "python-foundations"]
    assert badge["missing"] == ["a1-calculator: not final yet (tests not scored)"]
    printed = grade(capsys, course, student, "a1-calculator", [("tests", "--points", "16")])
    assert "badge python-foundations: credential issued" in printed, "final now: the grade event issues it"


def test_publish_writes_a_site_that_verifies_without_the_course(tmp_path, capsys) -> None:
    course, (student, *_) = build(tmp_path / "demo", repos=True)
    code, _, err = run(capsys, course, "pull")
    assert code == 0, err
    course_yaml = course / "course.yaml"
    course_yaml.write_text(
        course_yaml.read_text(encoding="utf-8").replace(
            "  auto_issue: true", "  did: did:web:badges.example.edu\n  auto_issue: true"
        )
    )
    grade(capsys, course, student, "a1-calculator", A1_FULL)
    grade(capsys, course, student, "a3-dataanalysis", A3_FULL)
    (row,) = certify(capsys, course)
    credential = json.loads((Path(row["path"]) / "credential.json").read_text(encoding="utf-8"))
    assert credential["issuer"]["id"] == "did:web:badges.example.edu"
    commits = [e["description"] for e in credential["evidence"]]
    assert len(commits) == 2 and all(c.startswith("Graded commit ") for c in commits), (
        "graded commits as evidence"
    )

    site = tmp_path / "site"
    code, _, err = run(capsys, course, "publish", str(site))
    assert code == 0, err
    did = json.loads((site / ".well-known" / "did.json").read_text())
    assert did["id"] == "did:web:badges.example.edu" and len(did["assertionMethod"]) == 1
    page = (site / "credentials" / row["credential_id"] / "index.html").read_text()
    assert "Python Foundations" in page and "<script" not in page
    copy = tmp_path / "received.png"
    shutil.copyfile(Path(row["path"]) / "badge.png", copy)
    code, out, err = run(capsys, tmp_path, "verify", str(copy), "--site", str(site))
    assert code == 0, out + err

    code, _, err = run(capsys, course, "key", "rotate")
    assert code == 0, err
    code, _, err = run(capsys, course, "publish", str(site))
    assert code == 0, err
    did = json.loads((site / ".well-known" / "did.json").read_text())
    assert len(did["assertionMethod"]) == 2, "CERT-4: the DID document lists the old and the new key"
    code, out, err = run(capsys, tmp_path, "verify", str(copy), "--site", str(site))
    assert code == 0, "signed by the retired key, still valid: " + out

    code, _, err = run(capsys, course, "revoke", row["credential_id"], "--reason", "issued by mistake")
    assert code == 0, err
    code, out, err = run(capsys, tmp_path, "verify", str(copy), "--site", str(site))
    assert code == 0, "the hosted status list is what verifiers see until it is published again"
    run(capsys, course, "publish", str(site))
    code, out, err = run(capsys, tmp_path, "verify", str(copy), "--site", str(site))
    assert code == 1 and "revoked" in out


def test_a_key_others_can_read_stops_issuing_but_never_a_grade(tmp_path, capsys) -> None:
    course, (student, *_) = build(tmp_path / "demo")
    code, _, err = run(capsys, course, "key", "create")
    assert code == 0, err
    key = course / ".grader" / "keys" / "key-1.pem"
    key.chmod(0o644)
    grade(capsys, course, student, "a1-calculator", A1_FULL)
    code, _, err = run(
        capsys, course, *grade_args(student, "a3-dataanalysis", "cleaning", "--level", "Proficient")
    )
    assert code == 0, err
    for mark in A3_FULL[1:]:
        code, _out, err = run(capsys, course, *grade_args(student, "a3-dataanalysis", *mark))
        assert code == 0
    assert "the grade is saved, but its badges could not be updated" in err and f"chmod 600 {key}" in err
    assert not (course / ".grader" / "credentials").exists()
    key.chmod(0o600)
    (row,) = certify(capsys, course)
    assert row["status"] == "issued"
    secret = "".join(key.read_text().splitlines()[1:-1])
    for path in (course / ".grader").rglob("*"):
        if path.is_file() and path.parent.name != "keys":
            assert secret.encode() not in path.read_bytes(), f"CERT-6: the private key leaked into {path}"


def grade_directly(course: Path, students: list[str], marks: dict[str, list]) -> None:
    """Save the marks (as `grade` options) for each student through the store, as a bulk import would."""
    with open_course(course, actor="Ada") as ctx:
        for assignment, criteria in marks.items():
            rubric = ctx.files.rubric(assignment)
            changes = [
                ChoiceChange(assignment, student, criterion, choice_of(option, value))
                for student in students
                for criterion, option, *value in criteria
            ]
            ctx.store.save_many(
                changes, actor="Ada", rubric_hash=rubric.content_hash, source=EventSource.BATCH, now=utc_now()
            )


def choice_of(option: str, value: list[str]) -> CriterionChoice:
    if option == "--level":
        return CriterionChoice(level=value[0])
    if option == "--points":
        return CriterionChoice(points=Decimal(value[0]))
    return CriterionChoice(items=tuple(value) if option == "--item" else ())


def issued_folders(course: Path) -> dict[str, list[str]]:
    """Every recorded credential, with the files in its folder."""
    with open_course(course, actor="Ada") as ctx:
        recorded = ctx.store.credentials()
        return {
            c.credential_id: sorted(p.name for p in credential_folder(course, c.credential_id).glob("*"))
            for c in recorded
        }


@pytest.fixture
def three_earned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, list[str]]:
    """Three students who earned python-foundations; certify works in batches of two."""
    course, students = build(tmp_path / "demo", students=3, auto_issue=False)
    grade_directly(course, students, {"a1-calculator": A1_FULL, "a3-dataanalysis": A3_FULL})
    monkeypatch.setattr(certify_module, "BATCH", 2)
    return course, students


def test_a_caller_that_stops_early_leaves_no_recorded_credential_without_its_files(three_earned) -> None:
    course, students = three_earned
    with open_course(course, actor="Ada") as ctx:
        steps = certify_module.certify(ctx)
        first = next(r for r in steps if isinstance(r, certify_module.CertifyResult))
        steps.close()
    folders = issued_folders(course)
    assert first.status == "issued" and first.credential_id in folders
    assert len(folders) == 2, "the first batch of two was recorded; the second was never signed"
    assert all(files == sorted(FILES) for files in folders.values())
    with open_course(course, actor="Ada") as ctx:
        rest = [r for r in certify_module.certify(ctx) if isinstance(r, certify_module.CertifyResult)]
    assert sorted((r.student_id, r.status) for r in rest) == sorted(
        [(s, "active") for s in students[:2]] + [(students[2], "issued")]
    )
    assert len(issued_folders(course)) == 3


def test_a_credential_that_cannot_be_signed_stops_issuing_after_those_before_it(
    three_earned, monkeypatch: pytest.MonkeyPatch
) -> None:
    course, students = three_earned
    real_sign = proof.sign
    calls = []

    def sign(document: dict, *args: object, **kwargs: object) -> dict:
        calls.append(document)
        if len(calls) == 2:
            raise GraderError("refused by safe mode")
        return real_sign(document, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(proof, "sign", sign)
    seen = []
    with open_course(course, actor="Ada") as ctx, pytest.raises(GraderError, match="refused by safe mode"):
        seen.extend(r for r in certify_module.certify(ctx) if isinstance(r, certify_module.CertifyResult))
    assert [(r.student_id, r.status) for r in seen] == [(students[0], "issued")]
    assert list(issued_folders(course).values()) == [sorted(FILES)]


def test_evidence_names_each_graded_commit_when_issuing_to_the_whole_roster(tmp_path, capsys) -> None:
    course, (student, *_) = build(tmp_path / "demo", repos=True, auto_issue=False)
    code, _, err = run(capsys, course, "pull")
    assert code == 0, err
    grade(capsys, course, student, "a1-calculator", A1_FULL)
    grade(capsys, course, student, "a3-dataanalysis", A3_FULL)
    (row,) = certify(capsys, course)
    credential = json.loads((Path(row["path"]) / "credential.json").read_text(encoding="utf-8"))
    with open_course(course, actor="Ada") as ctx:
        expected = [
            (
                ctx.files.course.assignment(a).title,  # type: ignore[union-attr]
                ctx.store.pull_states(a)[student].graded_commit,
                f"{ctx.store.grade(a, student).updated_at:%Y-%m-%d}",
            )
            for a in ("a1-calculator", "a3-dataanalysis")
        ]
    found = [(e["name"], e["narrative"]) for e in credential["evidence"]]
    assert [name for name, _ in found] == [title for title, _, _ in expected]
    for (_, narrative), (_, commit, day) in zip(found, expected, strict=True):
        assert f"Commit {commit}" in narrative and f"graded on {day}" in narrative


def test_reviews_follow_every_grade_event_and_rubric_change_even_without_auto_issue(earned, capsys) -> None:
    course, (student, *_) = earned
    assert [r["status"] for r in certify(capsys, course)] == ["issued"]
    printed = grade(capsys, course, student, "a1-calculator", [("tests", "--points", "15")])
    assert "credential flagged for review" in printed, "auto_issue only gates issuing, not reviews"
    grade(capsys, course, student, "a1-calculator", [("tests", "--points", "16")])
    rubric = course / "rubrics" / "calculator.yaml"
    text = rubric.read_text(encoding="utf-8")
    assert "points: -3" in text
    rubric.write_text(text.replace("points: -3", "points: -15", 1), encoding="utf-8")
    code, out, err = run(capsys, course, "rubric", "apply", "a1-calculator")
    assert code == 0, err
    assert f"badge python-foundations of {student}: credential flagged for review" in out
    (row,) = certify(capsys, course, "--dry-run")
    assert row["status"] == "flagged for review"


def test_a_pending_rubric_edit_never_clears_a_flag(earned, capsys) -> None:
    course, (student, *_) = earned
    certify(capsys, course)
    grade(capsys, course, student, "a1-calculator", [("correctness", "--level", "Developing")])
    (flagged,) = certify(capsys, course)
    assert flagged["status"] == "flagged for review"
    rubric = course / "rubrics" / "calculator.yaml"
    rubric.write_text(rubric.read_text(encoding="utf-8").replace("label: Developing", "label: Emerging"))
    (row,) = certify(capsys, course)
    assert row["status"] == "flagged for review", "undetermined is not earned: the flag stays"


def test_certify_rewrites_missing_files_and_says_when_a_revoked_one_was_revoked(earned, capsys) -> None:
    course, _ = earned
    (issued,) = certify(capsys, course)
    folder = Path(issued["path"])
    (folder / "certificate.pdf").unlink()
    (row,) = certify(capsys, course)
    assert (folder / "certificate.pdf").read_bytes().startswith(b"%PDF"), (
        "a recorded credential gets its files back"
    )
    code, _, err = run(capsys, course, "revoke", issued["credential_id"], "--reason", "wrong student")
    assert code == 0, err
    (row,) = certify(capsys, course)
    assert row["status"] == "revoked" and row["detail"].endswith(": wrong student")
    dry = certify(capsys, course, "--dry-run")
    assert [r["status"] for r in dry] == ["revoked"], "a revoked credential is never issued again"
