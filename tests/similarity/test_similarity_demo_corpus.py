"""A corpus built from the demo's own calculators: for each of several originals, copies hidden in
each of the ways a copier tries (identifiers renamed, comments and whitespace changed, functions
reordered with dead code inserted — each alone and all at once), plus independent solutions of the
same assignment written by other demo students. Every copied pair ranks above every independent
pair, and the starter code every repository begins from never makes a pair on its own."""

from __future__ import annotations

import itertools
from decimal import Decimal

from similarity_corpus import A1, STARTER, push

from grader.demo.copies import rename, reorder, restyle
from grader.demo.outcomes import Work
from grader.demo.projects.calculator import steps
from grader.demo.seeding import seeded
from grader.domain.similarity import Settings
from grader.gradebook.context import CourseContext
from grader.gradebook.similarity import SimilarityReport, run_similarity

ORIGINALS = 3
INDEPENDENT = 7
DISGUISES = {
    "renamed": lambda text, _rng: rename(text),
    "recommented": lambda text, _rng: restyle(text, "Copier"),
    "reordered": lambda text, rng: reorder(text, rng),
    "all at once": lambda text, rng: restyle(rename(reorder(text, rng)), "Copier"),
}


def calculator(variant: int) -> dict[str, str]:
    """A demo student's finished a1 work (every test passing): its Python files."""
    files: dict[str, str] = {}
    for step in steps(f"Student {variant}", seeded("corpus", variant), Work.SOLID, variant):
        files |= step.files
    return {path: text for path, text in files.items() if path.endswith(".py")}


def families(ctx: CourseContext) -> dict[str, str]:
    """Pushes the corpus; student id → the original its code comes from (itself if independent)."""
    family = {}
    for variant in range(ORIGINALS + INDEPENDENT):
        student = f"{variant:02d}000"
        push(ctx, student, calculator(variant))
        family[student] = student
    for variant, (kind, disguise) in itertools.product(range(ORIGINALS), DISGUISES.items()):
        rng = seeded("disguise", variant, kind)
        copied = {path: disguise(text, rng) for path, text in calculator(variant).items()}
        student = f"{variant:02d}{list(DISGUISES).index(kind) + 1}00"
        push(ctx, student, copied)
        family[student] = f"{variant:02d}000"
    return family


def report(ctx: CourseContext, settings: Settings | None = None) -> SimilarityReport:
    *_, found = run_similarity(ctx, A1, settings or Settings())
    assert isinstance(found, SimilarityReport)
    return found


def test_every_copied_pair_ranks_above_every_independent_pair(ctx: CourseContext) -> None:
    family = families(ctx)
    pairs = report(ctx).pairs
    copied = [p.similarity for p in pairs if family[p.a] == family[p.b]]
    independent = [p.similarity for p in pairs if family[p.a] != family[p.b]]
    every_copy = ORIGINALS * len(list(itertools.combinations(range(len(DISGUISES) + 1), 2)))
    assert len(copied) == every_copy, "each original and its copies: every two of them make a pair"
    assert independent, "independent solutions share some idioms: the test compares against them"
    assert min(copied) > max(independent), (min(copied), max(independent))
    originals = [p for p in pairs if family[p.a] == family[p.b] and p.a in family.values()]
    assert all(p.similarity >= Decimal("0.6") for p in originals)


def test_the_starter_alone_never_makes_a_pair(ctx: CourseContext) -> None:
    """Every repository begins from the same starter; students who wrote nothing else of the
    assignment's code pair with nobody, even with the shared-code rule off."""
    push(ctx, "00001", {"notes.txt": "nothing yet\n"})
    push(ctx, "00002", {"notes.txt": "to do\n"})
    push(ctx, "00003", calculator(0))
    push(ctx, "00004", calculator(5))
    assert (ctx.root / ".grader").is_dir() and STARTER.count("\n") > 10, "a starter worth matching"
    found = report(ctx, Settings(shared_share=Decimal(1)))  # nothing left out as shared by the class
    assert found.submissions == 4
    assert all({"00001", "00002"}.isdisjoint((p.a, p.b)) for p in found.pairs), found.pairs
