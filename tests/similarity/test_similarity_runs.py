"""grader similarity end to end on real repositories and a real SQLite gradebook: copies found
through renaming, recommenting, reordering and dead code; starter and widely shared code left
out; results cached; verdicts audited, confirmation flags both and changes no score;
anonymous assignments named by pseudonym."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from similarity_corpus import A1, INDEPENDENT, ORIGINAL, STARTER, obfuscated, push

from grader.domain.errors import GraderError
from grader.domain.similarity import VERDICT_RECORDED, Settings
from grader.gradebook.anonymity import identities
from grader.gradebook.context import CourseContext, open_course
from grader.gradebook.similarity import SimilarityReport, run_similarity
from grader.gradebook.similarity_review import pair_detail, record_verdict, similarity_pairs

SECOND = INDEPENDENT[1].replace("class Calculator", "class Calc")  # a second original, copied below


def report_of(
    ctx: CourseContext, settings: Settings | None = None, against: tuple[str, ...] = ()
) -> SimilarityReport:
    found = [
        s for s in run_similarity(ctx, A1, settings or Settings(), against) if isinstance(s, SimilarityReport)
    ]
    assert len(found) == 1
    return found[0]


def class_of(ctx: CourseContext) -> None:
    """00123's original copied by 00124 (obfuscated); 00125 and 00126 independent; 00127 copies
    00126's solution with its identifiers renamed."""
    push(ctx, "00123", {"calc.py": ORIGINAL})
    push(ctx, "00124", {"core/engine.py": obfuscated(ORIGINAL)})
    push(ctx, "00125", {"calc.py": INDEPENDENT[0]})
    push(ctx, "00126", {"calc.py": INDEPENDENT[2]})
    renamed = (
        INDEPENDENT[2].replace("solve", "work_out").replace("DISPATCH", "TABLE").replace("words", "args")
    )
    push(ctx, "00127", {"main.py": "# my calculator\n" + renamed})


def test_obfuscated_copies_rank_above_every_independent_pair(ctx: CourseContext) -> None:
    class_of(ctx)
    report = report_of(ctx)
    pairs = {(p.a, p.b): p for p in report.pairs}
    assert {(p.a, p.b) for p in report.pairs[:2]} == {("00123", "00124"), ("00126", "00127")}
    assert all(p.similarity < Decimal("0.15") and p.longest_lines < 5 for p in report.pairs[2:])
    copied = pairs[("00123", "00124")]
    assert copied.similarity_a > 0.8 and copied.similarity_b > 0.7 and copied.longest_lines >= 10
    assert pairs[("00126", "00127")].similarity > 0.5
    assert report.submissions == 5 and report.compared == len(report.pairs) and report.reused == 0


def test_fragments_carry_line_ranges_and_text_in_both_files(ctx: CourseContext) -> None:
    class_of(ctx)
    report_of(ctx)
    detail = pair_detail(ctx, A1, "00124", "00123")  # either order
    assert detail.pair.a == "00124" and detail.pair.b == "00123"
    longest = detail.fragments[0]
    assert longest.fragment.path_a == "core/engine.py" and longest.fragment.path_b == "calc.py"
    assert longest.fragment.lines >= 10
    ours = ORIGINAL.splitlines()[longest.fragment.first_b - 1 : longest.fragment.last_b]
    assert longest.text_b.splitlines() == ours
    assert "pending" in longest.text_a or "queue" in longest.text_a or "items" in longest.text_a


def test_the_starter_alone_never_makes_a_pair(ctx: CourseContext) -> None:
    push(ctx, "00123", {"calc.py": INDEPENDENT[0]})
    push(ctx, "00124", {"calc.py": INDEPENDENT[1]})
    push(ctx, "00125", {"starter.py": STARTER + "\n\nprint('hello')\n"})
    assert report_of(ctx).pairs == []
    # a history of one commit is all the student's own: the same code there makes a pair
    push(ctx, "00126", {"starter.py": STARTER}, starter=False)
    push(ctx, "00127", {"starter.py": STARTER}, starter=False)
    assert [(p.a, p.b) for p in report_of(ctx).pairs] == [("00126", "00127")]


def test_a_first_commit_only_one_student_has_is_their_own_work_not_a_starter(ctx: CourseContext) -> None:
    """A copier who commits the copy first, then a small change, is not hidden by the starter rule:
    only a first commit whose files the class shares (one template) is left out."""
    push(ctx, "00123", {"calc.py": ORIGINAL})
    push(ctx, "00124", {"calc.py": INDEPENDENT[0]})
    push(ctx, "00126", {"calc.py": INDEPENDENT[1]})
    push(ctx, "00125", {"notes.py": "TODO = 1\n"}, begin_with={"calc.py": obfuscated(ORIGINAL)})
    pairs = report_of(ctx).pairs
    assert (pairs[0].a, pairs[0].b) == ("00123", "00125")
    assert pairs[0].similarity_a > Decimal("0.8") and pairs[0].similarity_b > Decimal("0.7")
    assert all(p.similarity < Decimal("0.15") for p in pairs[1:])


def test_a_repository_two_students_share_from_its_first_commit_is_a_copy_not_a_starter(
    ctx: CourseContext,
) -> None:
    """One student clones another's repository (its whole history): their shared first commit
    is the copy itself. Only a first commit most of the class begins from is a starter."""
    for sid, solution in (("00123", INDEPENDENT[0]), ("00124", INDEPENDENT[1]), ("00125", INDEPENDENT[2])):
        push(ctx, sid, {"calc.py": solution})  # the class's starter, then their own work
    work = {"calc.py": ORIGINAL}
    push(ctx, "00126", {"notes.py": "TODO = 1\n"}, begin_with=work)
    push(ctx, "00127", {"notes.py": "TODO = 2\n"}, begin_with=work)  # the same first commit's files
    pairs = report_of(ctx).pairs
    assert (pairs[0].a, pairs[0].b) == ("00126", "00127") and pairs[0].similarity > Decimal("0.9")


def test_a_configured_starter_folder_is_left_out_and_a_missing_one_named(ctx: CourseContext) -> None:
    """course.yaml's ``starter:`` names the template's folder: its code pairs nobody, even in
    histories of one commit and with the shared-code rule off."""
    for sid, solution in (("00123", INDEPENDENT[0]), ("00124", INDEPENDENT[1])):
        push(ctx, sid, {"starter.py": STARTER, "calc.py": solution}, starter=False)
    everything = Settings(shared_share=Decimal(1))
    assert [(p.a, p.b) for p in report_of(ctx, everything).pairs] == [("00123", "00124")]
    course_yaml = ctx.root / "course.yaml"
    text = course_yaml.read_text(encoding="utf-8")
    course_yaml.write_text(
        text.replace(
            "    rubric: rubrics/calculator.yaml\n",
            "    rubric: rubrics/calculator.yaml\n    starter: template\n",
            1,
        ),
        encoding="utf-8",
    )
    with open_course(ctx.root, actor="Ada") as configured:
        with pytest.raises(GraderError, match="starter: template is not a folder"):
            report_of(configured, everything)
        (ctx.root / "template").mkdir()
        (ctx.root / "template" / "main.py").write_text(STARTER, encoding="utf-8")
        assert report_of(configured, everything).pairs == []


def test_code_most_of_the_class_shares_is_left_out(ctx: CourseContext) -> None:
    helper = {"helpers.py": SECOND}
    for sid, solution in zip(["00123", "00124", "00125", "00126"], [*INDEPENDENT, ORIGINAL], strict=False):
        push(ctx, sid, {**helper, "calc.py": solution})
    assert report_of(ctx).pairs == []
    pairs = report_of(ctx, Settings(shared_share=Decimal(1))).pairs
    assert len(pairs) == 6  # kept when nothing counts as shared


def test_a_rerun_reuses_unchanged_pairs_and_recomputes_changed_ones(ctx: CourseContext) -> None:
    class_of(ctx)
    first = report_of(ctx)
    count = len(first.pairs)
    again = report_of(ctx)
    assert (again.compared, again.reused) == (0, count) and again.pairs == first.pairs
    push(ctx, "00127", {"main.py": INDEPENDENT[2] + "\n\ndef extra():\n    return 1\n"})
    changed = report_of(ctx)
    with_00127 = sum("00127" in (p.a, p.b) for p in changed.pairs)
    assert with_00127 >= 1 and (changed.compared, changed.reused) == (with_00127, count - with_00127)
    other = report_of(ctx, Settings(min_lines=5))
    assert (other.compared, other.reused) == (count, 0)


def test_verdicts_are_audited_the_latest_in_force_and_confirming_flags_both(ctx: CourseContext) -> None:
    class_of(ctx)
    report_of(ctx)
    before = ctx.store.grades(A1)
    record_verdict(ctx, A1, "00124", "00123", "to discuss", "look at tokenize")
    record_verdict(ctx, A1, "00123", "00124", "confirmed", "same shunting-yard, renamed")
    pair = next(p for p in similarity_pairs(ctx, A1) if p.b == "00124")
    assert (pair.verdict, pair.note) == ("confirmed", "same shunting-yard, renamed")
    entries = ctx.store.audit_entries(VERDICT_RECORDED)
    assert [e.details["verdict"] for e in entries] == ["to discuss", "confirmed"]
    assert all(e.actor == "Ada" for e in entries)
    after = ctx.store.grades(A1)
    assert "confirmed copy" in after["00123"].flag_note and "00124" in after["00123"].flag_note
    assert "confirmed copy" in after["00124"].flag_note
    assert "00125" not in after or after["00125"].flag_note == ""
    for sid in ("00123", "00124"):
        assert after[sid].choices == (before[sid].choices if sid in before else {})
    assert ctx.store.events(A1) == []
    record_verdict(ctx, A1, "00123", "00124", "dismissed", "")
    assert next(p for p in similarity_pairs(ctx, A1) if p.b == "00124").verdict == "dismissed"


def test_bad_verdicts_and_unknown_pairs_are_refused(ctx: CourseContext) -> None:
    class_of(ctx)
    report_of(ctx)
    with pytest.raises(GraderError, match="unknown verdict"):
        record_verdict(ctx, A1, "00123", "00124", "guilty", "")
    with pytest.raises(GraderError, match="not a pair"):
        record_verdict(ctx, A1, "00123", "00125", "confirmed", "")


def test_errors_name_what_to_do(ctx: CourseContext, tmp_path: Path) -> None:
    with pytest.raises(GraderError, match=r"nothing pulled yet.*grader pull a1-calculator"):
        report_of(ctx)
    push(ctx, "00123", {"calc.py": ORIGINAL})
    with pytest.raises(GraderError, match="a9-nothing"):
        list(run_similarity(ctx, "a9-nothing", Settings()))
    with pytest.raises(GraderError, match="neither an assignment of this course"):
        report_of(ctx, against=(str(tmp_path / "missing"),))
    with pytest.raises(GraderError, match="at least 1"):
        report_of(ctx, Settings(min_lines=0))


def test_earlier_submissions_in_a_folder_are_compared_with_the_class(
    ctx: CourseContext, tmp_path: Path
) -> None:
    push(ctx, "00123", {"calc.py": obfuscated(ORIGINAL)})
    push(ctx, "00124", {"calc.py": INDEPENDENT[0]})
    earlier = tmp_path / "2025"
    for name, source in (("s1", ORIGINAL), ("s2", INDEPENDENT[1]), ("s3", ORIGINAL)):
        (earlier / name).mkdir(parents=True)
        (earlier / name / "calc.py").write_text(source, encoding="utf-8")
    report = report_of(ctx, against=(str(earlier),))
    assert {(p.a, p.b) for p in report.pairs if p.similarity > Decimal("0.5")} == {
        ("00123", "2025/s1"),
        ("00123", "2025/s3"),
    }
    assert all(p.earlier for p in report.pairs[:2])
    detail = pair_detail(ctx, A1, "00123", "2025/s1")
    assert detail.fragments and detail.fragments[0].text_b in ORIGINAL


def test_an_anonymous_assignment_names_students_by_pseudonym(course_dir: Path) -> None:
    path = course_dir / "course.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(f"  - id: {A1}\n", f"  - id: {A1}\n    anonymous: true\n"), encoding="utf-8")
    with open_course(course_dir, actor="Ada") as ctx:
        class_of(ctx)
        report = report_of(ctx)
        shown = identities(ctx, A1)
        names = {shown.shown_id("00123"), shown.shown_id("00124")}
        assert {report.pairs[0].a, report.pairs[0].b} == names or {
            report.pairs[1].a,
            report.pairs[1].b,
        } == names
        assert not any(
            sid in (p.a + p.b) for p in report.pairs for sid in ("00123", "00124", "00126", "00127")
        )
        a, b = sorted(names)
        record_verdict(ctx, A1, a, b, "confirmed", "copied")
        assert "confirmed copy" in ctx.store.grades(A1)["00123"].flag_note
        detail = pair_detail(ctx, A1, a, b)
        assert detail.pair.a == a and detail.fragments


def test_closing_the_run_early_stops_it_and_saves_nothing(ctx: CourseContext) -> None:
    class_of(ctx)
    steps = run_similarity(ctx, A1, Settings())
    first = next(steps)
    assert first.done == 0 and first.total == 11  # type: ignore[union-attr]  # 5 starters, 5 reads, compare
    next(steps)
    steps.close()
    assert ctx.store.latest_similarity_run(A1) is None and similarity_pairs(ctx, A1) == []
