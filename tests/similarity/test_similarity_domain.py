"""The pure part of similar submissions: winnowing's guarantee, normalised token streams,
fragments merged with line ranges, shared code found, pair scores."""

from __future__ import annotations

from decimal import Decimal

from similarity_corpus import INDEPENDENT, ORIGINAL, obfuscated

from grader.domain.similarity import FileTokens, Settings, Submission, shared_hashes, winnow
from grader.domain.similarity_pairs import score_pair, shared_counts
from grader.similarity.tokens import tokenise


def tokens(path: str, source: str) -> FileTokens:
    found = tokenise(path, source.encode("utf-8"))
    assert isinstance(found, FileTokens)
    return found


SETTINGS = Settings()


def submission(key: str, *files: tuple[str, str], settings: Settings = SETTINGS) -> Submission:
    prints = tuple(
        p for path, source in files for p in winnow(tokens(path, source), settings.k, settings.window)
    )
    return Submission(key, f"c-{key}", prints)


def test_renaming_recommenting_and_reformatting_change_no_token() -> None:
    plain = tokens("a.py", "def area(w, h):\n    return w * h  # area\n")
    disguised = tokens(
        "b.py", '# mine\ndef surface(width,height):\n    """Doc."""\n\n    return width*height\n'
    )
    assert plain.symbols == disguised.symbols
    assert plain.lines == (1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2)
    assert disguised.lines[0] == 2 and disguised.lines[-1] == 5
    other = tokens("c.py", "def area(w, h):\n    return w + h\n")
    assert other.symbols != plain.symbols  # operators and keywords count


def test_winnowing_finds_every_match_of_k_plus_window_minus_one_tokens() -> None:
    shared = list(range(1, 40))
    a = FileTokens("a", tuple([900, 901, 902, *shared, 903]), tuple(range(1, 44)))
    b = FileTokens("b", tuple([*shared, 777, 778]), tuple(range(1, 42)))
    prints_a = {p.hash for p in winnow(a, 5, 4)}
    prints_b = {p.hash for p in winnow(b, 5, 4)}
    assert prints_a & prints_b
    assert winnow(FileTokens("short", (1, 2, 3), (1, 1, 1)), 5, 4) == []
    unrelated = FileTokens("u", tuple(range(500, 540)), tuple(range(40)))
    assert not prints_a & {p.hash for p in winnow(unrelated, 5, 4)}


def test_a_copy_scores_high_with_fragments_in_both_files_and_independent_work_low() -> None:
    original = submission("a", ("calc.py", ORIGINAL))
    copy = submission("b", ("engine.py", obfuscated(ORIGINAL)))
    other = submission("c", ("calc.py", INDEPENDENT[1]))
    settings = Settings()
    copied = score_pair(original, copy, frozenset(), settings)
    assert copied.similarity_a > Decimal("0.8") and copied.longest >= 10
    assert {(f.path_a, f.path_b) for f in copied.fragments} == {("calc.py", "engine.py")}
    assert all(f.first_a <= f.last_a and f.first_b <= f.last_b for f in copied.fragments)
    assert [f.lines for f in copied.fragments] == sorted((f.lines for f in copied.fragments), reverse=True)
    apart = score_pair(original, other, frozenset(), settings)
    assert apart.similarity < Decimal("0.1") and apart.longest < 3
    assert score_pair(original, copy, frozenset(), Settings(min_lines=1000)).fragments == ()


def test_code_most_of_the_class_shares_is_found_but_never_what_only_two_share() -> None:
    helper = ("helper.py", INDEPENDENT[1])
    subs = [submission(str(n), helper, ("own.py", source)) for n, source in enumerate(INDEPENDENT)]
    pair = [submission("x", ("calc.py", ORIGINAL)), submission("y", ("calc.py", ORIGINAL))]
    left_out = shared_hashes(subs + pair, Decimal("0.5"))
    assert subs[0].hashes & subs[1].hashes <= left_out
    assert not pair[0].hashes & left_out
    counts = shared_counts(subs + pair, left_out)
    assert counts[(3, 4)] == len(pair[0].hashes)
    assert shared_hashes(pair, Decimal("0.5")) == frozenset()


def test_an_earlier_submission_is_compared_with_the_class_only() -> None:
    first = Submission("e1", "d1", submission("e1", ("x.py", ORIGINAL)).prints, in_class=False)
    second = Submission("e2", "d2", first.prints, in_class=False)
    assert shared_counts([first, second], frozenset()) == {}
