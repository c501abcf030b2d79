"""The copy a run works in, and the files read back from it: the checkout is never touched, links
are copied as links and never followed, sizes are capped."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from sandboxes import KINDS, grader_policy, make_checkout, make_course, run, text, working

from grader.sandbox import CheckoutTooLarge, SandboxPolicy
from grader.sandbox.copying import collect, copy_checkout


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return working(request.param)


@pytest.fixture
def policy(tmp_path: Path) -> SandboxPolicy:
    return grader_policy(make_course(tmp_path / "course"))


def _state(folder: Path) -> dict[str, tuple[str, int]]:
    found = {}
    for path in sorted(folder.rglob("*")):
        info = path.lstat()
        content = os.readlink(path) if path.is_symlink() else path.read_bytes() if path.is_file() else b""
        digest = hashlib.sha256(content if isinstance(content, bytes) else content.encode()).hexdigest()
        found[str(path.relative_to(folder))] = (digest, info.st_mode)
    return found


VANDAL = """\
import os, shutil
os.remove("keep.txt")
open("src/code.py", "w").write("vandalised")
os.chmod("src", 0o777)
os.makedirs("new/deeper")
open("new/deeper/file", "w").write("x")
print(sorted(os.listdir(".")))
"""


def test_a_run_never_changes_the_checkout(tmp_path: Path, kind: str, policy: SandboxPolicy) -> None:
    checkout = make_checkout(
        tmp_path / "checkout", {"vandal.py": VANDAL, "keep.txt": "keep", "src/code.py": "print(1)"}
    )
    (checkout / "link").symlink_to("keep.txt")
    before = _state(checkout)

    result = run(checkout, ["python", "vandal.py"], kind, policy)

    assert result.exit_code == 0, text(result.stderr)
    assert text(result.stdout) == "['link', 'new', 'src', 'vandal.py']\n"  # it did change its copy
    assert _state(checkout) == before


def test_links_are_copied_as_links_and_lead_nowhere_inside(
    tmp_path: Path, kind: str, policy: SandboxPolicy
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET")
    checkout = make_checkout(tmp_path / "checkout", {"show.py": "print(open('leak').read())\n"})
    (checkout / "leak").symlink_to(secret)

    result = run(checkout, ["python", "show.py"], kind, policy)

    assert result.exit_code == 1 and "FileNotFoundError" in text(result.stderr)
    assert "SECRET" not in text(result.stdout + result.stderr)


def test_collected_files_never_follow_links(tmp_path: Path, kind: str, policy: SandboxPolicy) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET")
    program = f"""\
        import os
        os.symlink({str(secret)!r}, "report.xml")
        os.makedirs("out")
        os.symlink({str(tmp_path)!r}, "linked")
        open("out/real.xml", "w").write("<testsuite/>")
        """
    checkout = make_checkout(tmp_path / "checkout", {"links.py": program})

    result = run(
        checkout,
        ["python", "links.py"],
        kind,
        policy,
        collect=[
            "report.xml",
            "linked/secret.txt",
            "out/real.xml",
            "../secret.txt",
            "/etc/passwd",
            "absent.xml",
        ],
    )

    assert result.exit_code == 0, text(result.stderr)
    assert result.files == {
        "report.xml": None,
        "linked/secret.txt": None,
        "out/real.xml": b"<testsuite/>",
        "../secret.txt": None,
        "/etc/passwd": None,
        "absent.xml": None,
    }


def test_collect_caps_each_file(tmp_path: Path) -> None:
    (tmp_path / "small").write_bytes(b"x" * 10)
    (tmp_path / "exact").write_bytes(b"x" * 100)
    (tmp_path / "big").write_bytes(b"x" * 101)
    (tmp_path / "folder").mkdir()

    found = collect(tmp_path, ["small", "exact", "big", "folder"], limit=100)

    assert found == {"small": b"x" * 10, "exact": b"x" * 100, "big": None, "folder": None}


def test_copy_refuses_a_checkout_over_the_limit(tmp_path: Path) -> None:
    source = make_checkout(tmp_path / "checkout", {"a.bin": "x" * 600, "b.bin": "x" * 600})
    (tmp_path / "copy").mkdir()

    with pytest.raises(CheckoutTooLarge, match="nothing ran"):
        copy_checkout(source, tmp_path / "copy", owner=None, limit=1000)


def test_copy_keeps_modes_and_leaves_out_fifos(tmp_path: Path) -> None:
    source = make_checkout(tmp_path / "checkout", {"run.sh": "echo hi\n", "data/x.txt": "x"})
    (source / "run.sh").chmod(0o755)
    os.mkfifo(source / "pipe")
    (tmp_path / "copy").mkdir()

    copied = copy_checkout(source, tmp_path / "copy", owner=None)

    assert copied == len("echo hi\n") + 1
    assert sorted(p.name for p in (tmp_path / "copy").iterdir()) == ["data", "run.sh"]
    assert (tmp_path / "copy" / "run.sh").stat().st_mode & 0o777 == 0o755
    assert (tmp_path / "copy" / "data" / "x.txt").read_text() == "x"
