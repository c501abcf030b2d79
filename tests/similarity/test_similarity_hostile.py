"""Hostile submissions compared for similarity: huge files, one enormous line, thousands of tiny
files, binary files with source extensions, invalid UTF-8, odd names, vendored, lock and
minified files: each skipped or capped with a reason, nothing raises, the reading is bounded."""

from __future__ import annotations

import os
from pathlib import Path

from grader.gradebook.similarity_sources import MAX_SUBMISSION_FILES, read_folder
from grader.similarity.tokens import tokenise


def test_a_hostile_folder_is_read_with_reasons_and_no_traceback(tmp_path: Path) -> None:
    root = tmp_path / "sub"
    root.mkdir()
    with (root / "huge.py").open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # 50 MB, sparse
    (root / "oneline.py").write_bytes(b"x = 1;" * (400 * 1024))  # 2.4 MB on one line
    (root / "long_line.js").write_text("var a=" + "1+" * 3000 + "1;\n", encoding="utf-8")
    (root / "binary.py").write_bytes(b"\x7fELF\x00\x01\x02" * 100)
    (root / "latin1.py").write_bytes("naïve = 'café'\n".encode("latin-1"))
    (root / "odd\x1b[2Jname\nline.py").write_text("def f():\n    return 1\n", encoding="utf-8")
    (root / "node_modules" / "lib").mkdir(parents=True)
    (root / "node_modules" / "lib" / "index.js").write_text("module.exports = 1;\n", encoding="utf-8")
    (root / "package-lock.json").write_text("{}", encoding="utf-8")
    (root / "app.min.js").write_text("var a=1;", encoding="utf-8")
    (root / "notes.md").write_text("# notes\n", encoding="utf-8")
    os.symlink("/etc/passwd", root / "leak.py")
    (root / "ok.py").write_text("def g(a, b):\n    return a * b + 1\n", encoding="utf-8")
    read = read_folder(root)
    reasons = dict(read.skipped)
    assert reasons["huge.py"] == "larger than 512 KB"
    assert reasons["oneline.py"] == "larger than 512 KB"
    assert "minified" in reasons["long_line.js"]
    assert reasons["binary.py"] == "binary"
    assert reasons["latin1.py"] == "not UTF-8 text"
    assert reasons["node_modules/lib/index.js"].startswith("vendored")
    assert reasons["package-lock.json"] == "lock file"
    assert reasons["app.min.js"] == "minified or bundled"
    assert reasons["notes.md"] == "no lexer for this kind of file"
    assert sorted(t.path for t in read.files) == ["odd\x1b[2Jname\nline.py", "ok.py"]
    assert "leak.py" not in reasons  # a link is never read


def test_twenty_thousand_tiny_files_are_capped(tmp_path: Path) -> None:
    root = tmp_path / "many"
    root.mkdir()
    for n in range(20_000):
        (root / f"f{n:05}.py").write_text(f"v = {n}\n", encoding="utf-8")
    read = read_folder(root)
    assert len(read.files) == MAX_SUBMISSION_FILES
    capped = [reason for _, reason in read.skipped]
    assert len(capped) == 20_000 - MAX_SUBMISSION_FILES
    assert set(capped) == {f"over the {MAX_SUBMISSION_FILES:,} files compared per submission"}


def test_the_tokeniser_refuses_more_than_its_cap_whatever_it_is_given() -> None:
    found = tokenise("big.py", b"a = 1\n" * 200_000)
    assert getattr(found, "reason", "") == "larger than 512 KB"
