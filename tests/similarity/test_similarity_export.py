"""`grader export similarity` end to end: real repositories, a real SQLite gradebook, the real CLI
entry point, and the page read back: pairs, scores, verdicts and fragments side by side; hostile
student code and names escaped; --confirmed-only naming nobody else; pseudonyms only (and
scrubbed fragments) in a hidden anonymous assignment; actionable errors and no file on refusal."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from similarity_corpus import A1, INDEPENDENT, ORIGINAL, obfuscated, push

from grader.cli.main import main
from grader.domain.progress import Progress
from grader.domain.similarity import Settings
from grader.gradebook.anonymity import identities, reveal
from grader.gradebook.context import CourseContext, open_course
from grader.gradebook.similarity import run_similarity
from grader.gradebook.similarity_export import PageRequest, write_similarity_page
from grader.gradebook.similarity_review import record_verdict, similarity_pairs

NAMES = {
    "00123": "Zoë Ångström",
    "00124": "Γιώργος Παπαδόπουλος",
    "00125": "Анна Иванова",
    "00126": "محمد علي",
}
HOSTILE = (
    "    # <script>alert(1)</script> </pre><b>bold</b> a && b \x1b[2J\x1b]0;PWNED\x07 "
    'src="https://evil.example/x.js" @import url(http://evil.example/x.css)\n'
)


def export(capsys: pytest.CaptureFixture[str], course: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--course", str(course), "--as", "Ada", "export", "similarity", *args])
    out, err = capsys.readouterr()
    return code, out, err


def compare(ctx: CourseContext, against: tuple[str, ...] = ()) -> None:
    for _ in run_similarity(ctx, A1, Settings(), against):
        pass


def class_of(ctx: CourseContext, original: str = ORIGINAL, copy: str | None = None) -> None:
    """00124 copies 00123 (obfuscated); 00125 and 00126 wrote their own."""
    push(ctx, "00123", {"calc.py": original})
    push(ctx, "00124", {"core/engine.py": copy if copy is not None else obfuscated(original)})
    push(ctx, "00125", {"calc.py": INDEPENDENT[0]})
    push(ctx, "00126", {"calc.py": INDEPENDENT[1]})
    compare(ctx)


def without_code(html: str) -> str:
    """The page with every <pre> block's content taken out (student code is text there)."""
    out, rest = [], html
    while "<pre" in rest:
        before, _, after = rest.partition("<pre")
        out.append(before)
        rest = after.partition("</pre>")[2]
    return "".join(out) + rest


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes += [(name, value or "") for name, value in attrs]


def test_the_page_has_the_pairs_scores_verdicts_and_fragments(
    ctx: CourseContext, capsys: pytest.CaptureFixture[str], course_dir: Path
) -> None:
    class_of(ctx)
    record_verdict(ctx, A1, "00124", "00123", "to discuss", "same shunting-yard, renamed")
    pairs = similarity_pairs(ctx, A1)
    code, out, err = export(capsys, course_dir, A1)
    assert code == 0, err
    path = course_dir / ".grader" / f"similarity-{A1}.html"
    assert out.strip() == str(path) and f"similarity page written to {path}" in err
    html = path.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and "Introduction to Programming" in html
    assert html.count('<section class="pair"') == len(pairs) >= 2
    assert ">winnow-1<" in html and "Tokens per fingerprint (k)</dt><dd>12<" in html
    assert "first commit of a submission" in html
    for number, pair in enumerate(pairs, start=1):  # in grader similarity's order
        section = html.split(f'id="pair-{number}"')[1].split("</section>")[0]
        assert f'<code>{pair.a}</code> <span class="name">{NAMES[pair.a]}</span>' in section
        assert f"<code>{pair.b}</code>" in section and NAMES[pair.b] in section
        assert f"<dt>A in B</dt><dd>{pair.similarity_a:.0%}</dd>" in section
        assert f"<dt>Longest fragment</dt><dd>{pair.longest_lines} lines</dd>" in section
    first = html.split('id="pair-1"')[1].split("</section>")[0]
    assert '<span class="verdict to-discuss">to discuss</span>' in first
    assert "same shunting-yard, renamed" in first and "Recorded by Ada on " in first
    assert first.count('<pre class="code">') == 2 * pairs[0].fragments
    assert "calc.py, lines " in first and "core/engine.py, lines " in first
    assert '<span class="ln">2</span>    &quot;&quot;&quot;Split an expression' in first
    assert "&quot;&quot;&quot;My own work.&quot;&quot;&quot;" in first  # the copy's side
    second = html.split('id="pair-2"')[1].split("</section>")[0]
    assert "no verdict" in second


def test_hostile_code_and_names_are_escaped_and_the_page_loads_nothing(
    course_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    roster = course_dir / "roster.csv"
    roster.write_text(
        roster.read_text(encoding="utf-8").replace("Γιώργος Παπαδόπουλος", '<svg onload="alert(1)">'),
        encoding="utf-8",
    )
    hostile = ORIGINAL.replace("    tokens = []\n", "    tokens = []\n" + HOSTILE, 1)
    with open_course(course_dir, actor="Ada") as ctx:
        class_of(ctx, hostile, hostile.replace("tokens", "items"))
        assert [(p.a, p.b) for p in similarity_pairs(ctx, A1)][:1] == [("00123", "00124")]
    code, _, err = export(capsys, course_dir, A1)
    assert code == 0, err
    html = (course_dir / ".grader" / f"similarity-{A1}.html").read_text(encoding="utf-8")
    assert "<script" not in html.lower() and "<svg" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;/pre&gt;&lt;b&gt;bold&lt;/b&gt; a &amp;&amp; b" in html
    assert "\x1b" not in html and "\x07" not in html and "␛[2J␛]0;PWNED␇" in html
    assert "&lt;svg onload=&quot;alert(1)&quot;&gt;" in html
    tags = _Tags()
    tags.feed(html)
    assert tags.tags <= {
        *("html", "head", "meta", "title", "style", "body", "main", "header", "footer", "section"),
        *("h1", "h2", "h3", "h4", "p", "span", "code", "pre", "div", "dl", "dt", "dd", "blockquote"),
        *("table", "thead", "tbody", "tr", "th", "td", "a"),
    }
    assert {name for name, _ in tags.attributes} <= {
        "lang",
        "charset",
        "name",
        "content",
        "class",
        "id",
        "href",
        "aria-label",
    }
    assert all(value.startswith("#pair-") for name, value in tags.attributes if name == "href")
    page = without_code(html)
    for reference in ("http://", "https://", "src=", "@import", "url(", "<link", "<iframe"):
        assert reference not in page


def test_confirmed_only_names_nobody_else(
    ctx: CourseContext, capsys: pytest.CaptureFixture[str], course_dir: Path
) -> None:
    class_of(ctx)
    others = [p for p in similarity_pairs(ctx, A1) if {p.a, p.b} != {"00123", "00124"}]
    assert others, "the class makes pairs beside the copy"
    record_verdict(ctx, A1, others[0].a, others[0].b, "dismissed", "different approach")
    code, _, err = export(capsys, course_dir, A1, "--confirmed-only")
    assert code == 1 and "no pair of a1-calculator is confirmed" in err and "Traceback" not in err
    assert not list((course_dir / ".grader").glob("similarity-*"))
    record_verdict(ctx, A1, "00123", "00124", "confirmed", "the same parser")
    code, out, err = export(capsys, course_dir, A1, "--confirmed-only")
    assert code == 0, err
    path = course_dir / ".grader" / f"similarity-{A1}-confirmed.html"
    assert out.strip() == str(path)
    html = path.read_text(encoding="utf-8")
    assert html.count('<section class="pair"') == 1 and "the same parser" in html
    assert NAMES["00123"] in html and NAMES["00124"] in html and "confirmed as copies" in html
    for student_id in ("00125", "00126"):
        assert student_id not in html and NAMES[student_id] not in html
    assert "different approach" not in html


def test_an_anonymous_assignment_shows_pseudonyms_and_scrubbed_code(
    course_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = course_dir / "course.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(f"  - id: {A1}\n", f"  - id: {A1}\n    anonymous: true\n"), encoding="utf-8")
    signed = "    tokens = []\n    # by {who} ({handle}, {mail}), commit name: Student {sid}\n"
    mine = ORIGINAL.replace(
        "    tokens = []\n",
        signed.format(who="Zoë Ångström", handle="zoe-a", mail="zoe@example.edu", sid="00123"),
    )
    theirs = obfuscated(ORIGINAL).replace(
        "    items = []\n",
        signed.format(
            who="Γιώργος Παπαδόπουλος", handle="@giorgosp", mail="giorgos@example.edu", sid="00124"
        ).replace("tokens", "items"),
    )
    with open_course(course_dir, actor="Ada") as ctx:
        class_of(ctx, mine, theirs)
        shown = identities(ctx, A1)
        alias = {sid: shown.shown_id(sid) for sid in NAMES}
        paired = {label for p in similarity_pairs(ctx, A1) for label in (p.a, p.b)}
        record_verdict(ctx, A1, alias["00123"], alias["00124"], "confirmed", "Zoë Ångström's parser")
    code, _, err = export(capsys, course_dir, A1)
    assert code == 0, err
    html = (course_dir / ".grader" / f"similarity-{A1}.html").read_text(encoding="utf-8")
    assert paired >= {alias["00123"], alias["00124"]} and all(label in html for label in paired)
    assert f"# by {alias['00123']} ({alias['00123']}, {alias['00123']})" in html
    for sid, name in NAMES.items():
        assert sid not in html and name not in html
    for trace in ("zoe-a", "zoe@example.edu", "giorgosp", "giorgos@example.edu", "Student 0012"):
        assert trace not in html
    assert f"grader reveal {A1} PSEUDONYM" in html
    with open_course(course_dir, actor="Ada") as ctx:
        reveal(ctx, A1)
    code, _, err = export(capsys, course_dir, A1)
    assert code == 0, err
    html = (course_dir / ".grader" / f"similarity-{A1}.html").read_text(encoding="utf-8")
    assert NAMES["00123"] in html and "<code>00123</code>" in html


def test_earlier_submissions_are_labelled_and_shown(
    ctx: CourseContext, capsys: pytest.CaptureFixture[str], course_dir: Path, tmp_path: Path
) -> None:
    push(ctx, "00123", {"calc.py": obfuscated(ORIGINAL)})
    push(ctx, "00124", {"calc.py": INDEPENDENT[0]})
    earlier = tmp_path / "2025"
    (earlier / "s1").mkdir(parents=True)
    (earlier / "s1" / "calc.py").write_text(ORIGINAL, encoding="utf-8")
    compare(ctx, (str(earlier),))
    code, _, err = export(capsys, course_dir, A1, "--limit", "1")
    assert code == 0, err
    html = (course_dir / ".grader" / f"similarity-{A1}.html").read_text(encoding="utf-8")
    assert html.count('<section class="pair"') == 1
    assert "<code>2025/s1</code>" in html and "(earlier submission, folder)" in html
    assert "&quot;&quot;&quot;Split an expression into numbers and operators.&quot;&quot;&quot;" in html


def test_errors_are_actionable_and_leave_no_file(
    ctx: CourseContext, capsys: pytest.CaptureFixture[str], course_dir: Path, tmp_path: Path
) -> None:
    code, out, err = export(capsys, course_dir, "a9-nope")
    assert (code, out) == (1, "") and "a9-nope" in err and "Traceback" not in err
    push(ctx, "00123", {"calc.py": ORIGINAL}, starter=False)  # two students: no starter is shared
    code, out, err = export(capsys, course_dir, A1)
    assert code == 1 and "run grader similarity a1-calculator first" in err and "Traceback" not in err
    push(ctx, "00124", {"calc.py": INDEPENDENT[1]}, starter=False)
    compare(ctx)
    assert similarity_pairs(ctx, A1) == []
    code, out, err = export(capsys, course_dir, A1)
    assert code == 1 and "found no similar pairs" in err
    assert not list((course_dir / ".grader").glob("similarity-*"))
    class_of(ctx)
    code, out, err = export(capsys, course_dir, A1, "-o", str(tmp_path / "nowhere" / "pairs.html"))
    assert (code, out) == (1, "") and "does not exist" in err and "Traceback" not in err
    code, out, err = export(capsys, course_dir, A1, "-o", str(tmp_path))
    assert code == 2 and "is a directory" in err
    code, out, err = export(capsys, course_dir, A1, "--limit", "0")
    assert code == 2 and "--limit" in err


def test_progress_per_pair_and_an_early_stop_writes_nothing(ctx: CourseContext, tmp_path: Path) -> None:
    class_of(ctx)
    target = tmp_path / "case" / "pairs.html"
    target.parent.mkdir()
    steps = write_similarity_page(ctx, PageRequest(A1, None), target)
    first, second = next(steps), next(steps)
    assert isinstance(first, Progress) and isinstance(second, Progress) and first.total == second.total
    assert (first.done, second.done) == (0, 1)
    steps.close()
    assert list(target.parent.iterdir()) == []  # neither the page nor a temporary file
    items = list(write_similarity_page(ctx, PageRequest(A1, 1), target))
    assert items[-1] == target and target.read_text(encoding="utf-8").count('<section class="pair"') == 1
    assert "the 1 most similar of the run" in target.read_text(encoding="utf-8")
