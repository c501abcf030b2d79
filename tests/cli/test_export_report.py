"""`grader export report` on the demo course after grading a few students, and the page in Chromium."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from cli_helpers import run
from course_folder import copy_course
from required_tools import needs_tool

from grader.cli.main import main
from grader.demo import build_demo_course

EVIL = "<script>alert(1)</script>"
A1_FULL = [
    ("correctness", "--level", "Exemplary"),
    ("cli", "--level", "Proficient"),
    ("tests", "--points", "16"),
    ("code-quality", "--item", "Unclear names"),
    ("readme", "--level", "Complete"),
    ("git-practice", "--no-items"),
]
SKILLS = 9
"""Skills the demo rubrics define, over all three assignments."""


@pytest.fixture(scope="module")
def graded_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The demo course with 4 students, the first renamed to a script tag; two graded on a1, one
    partly (through `grader grade`). Built once, never changed after: ``graded`` copies it."""
    root = tmp_path_factory.mktemp("report") / "demo"
    for _ in build_demo_course(root, students=4, seed=7, repos=False):
        pass
    roster = root / "roster.csv"
    with roster.open(encoding="utf-8", newline="") as source:
        rows = list(csv.DictReader(source))
    rows[0]["name"] = EVIL
    with roster.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    students = [row["student_id"] for row in rows]
    for student, marks in ((students[0], A1_FULL), (students[1], A1_FULL), (students[2], A1_FULL[:2])):
        for criterion, option, *value in marks:
            args = ("grade", "a1-calculator", "--student", student, "--criterion", criterion, option, *value)
            err = io.StringIO()
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
                code = main(["--course", str(root), "--as", "Ada", *args])
            assert code == 0, err.getvalue()
    return root, students


@pytest.fixture
def graded(graded_template: tuple[Path, list[str]], tmp_path: Path) -> tuple[Path, list[str]]:
    """A private copy of ``graded_template``."""
    root, students = graded_template
    return copy_course(root, tmp_path / "demo"), students


def test_the_report_shows_the_graded_work(graded, capsys) -> None:
    course, students = graded
    for criterion, option, *value in A1_FULL:  # every manual criterion, not the autograded one
        if criterion != "tests":
            args = ("grade", "a1-calculator", "--student", students[3], "--criterion", criterion, option)
            code, _, err = run(capsys, course, *args, *value)
            assert code == 0, err
    code, out, err = run(capsys, course, "export", "report")
    assert code == 0, err
    path = course / ".grader" / "report.html"
    assert out.strip() == str(path)
    assert f"report written to {path}" in err and "Traceback" not in err
    html = path.read_text(encoding="utf-8")
    assert EVIL not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count('class="chart histogram"') == 3
    criteria = 6 + 6 + 5  # calculator, web page, data analysis
    assert html.count('class="chart criterion"') == criteria
    heat = re.findall(r'<svg class="chart heatmap students".*?</svg>', html, re.S)
    assert sum(block.count('class="cell"') for block in heat) == 4 * SKILLS
    # a1: two final at 35 + 11 + 16 + 12 + 10 + 0 = 84; one graded with tests unscored (68 so far)
    # and one in progress are not final: left out of every figure, and counted
    assert "2 final grades out of 100 points; mean 84, median 84." in html
    assert "Exemplary: 2; Proficient: 0" in html  # the criteria of the final grades only
    assert "2 submissions with scores are not final yet (a1-calculator: 2)" in html
    assert "2 submissions with scores are not final yet (a criterion is not scored)" in html
    # python-basics of a fully graded student: (35 + 11 + 12) / (35 + 15 + 15) = 89.23… → 89.2%
    assert f"({students[0]}, section" in html and "python-basics: 89.2%" in html
    assert "src=" not in html and "<link" not in html and "@import" not in html and "<script" not in html


def test_output_goes_where_asked_and_replaces_a_file_whole(graded, capsys, tmp_path: Path) -> None:
    course, _ = graded
    target = tmp_path / "out" / "class.html"
    target.parent.mkdir()
    target.write_text("old", encoding="utf-8")
    code, out, err = run(capsys, course, "export", "report", "-o", str(target))
    assert code == 0, err
    assert out.strip() == str(target)
    assert target.read_text(encoding="utf-8").startswith("<!doctype html>")
    assert [p.name for p in target.parent.iterdir()] == ["class.html"]  # no temporary file left behind


def test_a_missing_folder_or_a_folder_as_output_is_a_clear_error(graded, capsys, tmp_path: Path) -> None:
    course, _ = graded
    code, out, err = run(capsys, course, "export", "report", "-o", str(tmp_path / "nowhere" / "r.html"))
    assert (code, out) == (1, "")
    assert "does not exist" in err and "Traceback" not in err
    code, out, err = run(capsys, course, "export", "report", "-o", str(tmp_path))
    assert code == 2 and "is a directory" in err and "Traceback" not in err


def test_a_rubric_edit_waiting_for_mapping_is_named_not_fatal(graded, capsys) -> None:
    course, _ = graded
    rubric = course / "rubrics" / "calculator.yaml"
    rubric.write_text(rubric.read_text(encoding="utf-8").replace("label: Exemplary", "label: Superb"))
    code, _, err = run(capsys, course, "export", "report")
    assert code == 0, err
    html = (course / ".grader" / "report.html").read_text(encoding="utf-8")
    assert "a1-calculator: its rubric was edited in a way that needs mapping" in html
    assert "Scores are not shown: the rubric of &#x27;a1-calculator&#x27; no longer has choices" in html
    assert html.count('class="chart histogram"') == 3


CHROMIUM = shutil.which("chromium")


def _page_requests(net_log: Path) -> list[str]:
    """URLs the page itself asked the network stack for, from Chromium's NetLog.

    Every request Chromium makes is logged as URL_REQUEST_START_JOB with the URL and the network
    isolation key of the frame that wants it. Requests of a page opened from a file:// URL carry
    "file://" in that key (and initiator "null"); Chromium's own background traffic (component
    updates, network time, account checks) carries other keys and initiator "not an origin".
    """
    text = net_log.read_text(encoding="utf-8")
    try:
        log = json.loads(text)
    except json.JSONDecodeError:  # a log cut short at exit lacks its closing brackets
        log = json.loads(text.rstrip().rstrip(",") + "]}")
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    found = []
    for event in log["events"]:
        params = event.get("params") or {}
        from_page = "file://" in params.get("network_isolation_key", "") or params.get("initiator") == "null"
        if event["type"] == start and "url" in params and from_page:
            found.append(params["url"])
    return found


def _render(page: Path, folder: Path) -> tuple[Path, list[str]]:
    """Screenshot ``page`` headless; every host name resolves to nothing, so no request can leave."""
    shot, net_log = folder / f"{page.stem}.png", folder / f"{page.stem}-net.json"
    command = [
        CHROMIUM or "chromium",
        "--headless",
        "--disable-gpu",
        "--no-sandbox",
        "--no-first-run",
        f"--user-data-dir={folder / 'profile'}",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        f"--log-net-log={net_log}",
        f"--screenshot={shot}",
        "--window-size=1280,2000",
        page.as_uri(),
    ]
    subprocess.run(command, capture_output=True, timeout=120, check=True)
    return shot, _page_requests(net_log)


@pytest.mark.slow
@needs_tool("chromium")
def test_the_report_renders_in_chromium_without_a_network_request(graded, capsys, tmp_path: Path) -> None:
    """The demo report in headless Chromium: a real picture, and not one request to the network.

    How the network check works: Chromium writes a NetLog (--log-net-log), in which every request
    it starts is logged with the URL and the isolation key of the frame that asked for it; the
    requests of our file:// page are those whose key names file:// (see ``_page_requests``), which
    sets them apart from Chromium's own background traffic. Host names all resolve to nothing
    (--host-resolver-rules), so even a faulty page cannot reach the network while tested. A
    control page with an <img> and a stylesheet from elsewhere proves the check sees requests.
    """
    from PIL import Image

    course, _ = graded
    code, _, err = run(capsys, course, "export", "report")
    assert code == 0, err
    control = tmp_path / "control.html"
    control.write_text(
        '<!doctype html><p>control</p><img src="https://example.invalid/pixel.png">'
        '<link rel="stylesheet" href="http://fonts.example.invalid/font.css">',
        encoding="utf-8",
    )
    _, requested = _render(control, tmp_path)
    assert sorted(requested) == ["http://fonts.example.invalid/font.css", "https://example.invalid/pixel.png"]

    shot, requested = _render(course / ".grader" / "report.html", tmp_path)
    assert requested == []
    with Image.open(shot) as image:
        picture = image.convert("RGB")
    assert picture.size == (1280, 2000)
    colours = {rgb: n for n, rgb in picture.getcolors(maxcolors=1 << 24) or []}
    assert len(colours) > 200, "a page of text and charts, not a blank or one-colour image"
    assert colours.get((0x3B, 0x6E, 0xA5), 0) > 1000, "the histogram bars are drawn"
    assert colours.get((0x1E, 0x3A, 0x5F), 0) > 1000, "the headings and the graded segment are drawn"
