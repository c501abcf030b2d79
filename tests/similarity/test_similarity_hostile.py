"""Hostile submissions compared for similarity: huge files, one enormous line, thousands of tiny
files, binary files with source extensions, invalid UTF-8, odd names, vendored, lock and
minified files: each skipped or capped with a reason, nothing raises, the reading is bounded."""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path

from similarity_corpus import A1, INDEPENDENT, ORIGINAL, push

from grader.domain.similarity import Settings
from grader.gradebook.context import CourseContext
from grader.gradebook.similarity import SimilarityReport, run_similarity
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


def test_ten_megabytes_on_one_line_and_fifty_in_one_file_are_skipped_in_bounded_memory(
    tmp_path: Path,
) -> None:
    root = tmp_path / "big"
    root.mkdir()
    (root / "line.py").write_bytes(b"x=1;" * (10 * 1024 * 1024 // 4))  # 10 MB, one line, real bytes
    with (root / "fifty.c").open("wb") as handle:
        for _ in range(50):
            handle.write(b"int x;\n" * (1024 * 1024 // 7))  # ~50 MB, real bytes
    (root / "ok.py").write_text("def g(a, b):\n    return a * b + 1\n", encoding="utf-8")
    tracemalloc.start()
    try:
        read = read_folder(root)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert dict(read.skipped) == {"line.py": "larger than 512 KB", "fifty.c": "larger than 512 KB"}
    assert [t.path for t in read.files] == ["ok.py"]
    assert peak < 16 * 1024 * 1024, f"reading held {peak / 2**20:.1f} MiB at its peak"


def test_a_hostile_submission_goes_through_a_whole_run_with_its_reasons(
    ctx: CourseContext, tmp_path: Path
) -> None:
    push(ctx, "00123", {"calc.py": ORIGINAL})
    push(ctx, "00124", {"calc.py": INDEPENDENT[0]})
    earlier = tmp_path / "earlier" / "hostile"
    earlier.mkdir(parents=True)
    (earlier / "binary.py").write_bytes(b"\x00\x01\x02\xff" * 1000)
    (earlier / "latin1.py").write_bytes("naïve = 'café'\n".encode("latin-1"))
    (earlier / "copy.py").write_bytes(ORIGINAL.encode() + b"\n# \xff\xfe broken tail\n")
    *_, report = run_similarity(ctx, A1, Settings(), [str(earlier.parent)])
    assert isinstance(report, SimilarityReport)
    reasons = {(who, path): reason for who, path, reason in report.skipped}
    assert reasons[("earlier/hostile", "binary.py")] == "binary"
    assert reasons[("earlier/hostile", "latin1.py")] == "not UTF-8 text"
    assert ("earlier/hostile", "copy.py") not in reasons, "two stray bytes do not hide a copy"
    assert [(p.a, p.b) for p in report.pairs if p.similarity > 0.8] == [("00123", "earlier/hostile")]
