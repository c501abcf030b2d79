"""Finding similar submissions against the floor of reading and tokenising every file once.

    python benchmarks/similarity.py [--submissions 1000] [--lines 300] [--repeat 3]

Writes N submission folders of about L lines of Python each (functions of statements drawn at
random from a small pool, so pairs share short runs as a class's do, plus a copy in every 50).
Then, in one run:

- floor: read every file and tokenise it once with the same tokeniser (pygments, normalised);
- grader: the engine of ``grader similarity``: read each folder (links not followed, caps),
  tokenise, winnow, leave out code most of the class shares, find candidate pairs through the
  inverted index and score them with their fragments (the gradebook's cache is not used).

Prints both CPU times (the machine may be busy), their ratio (goal <= 2) and the peak memory.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from grader.domain.similarity import Settings, shared_hashes
from grader.domain.similarity_pairs import kept_sizes, score_pair, shared_counts, worth_comparing
from grader.gradebook.similarity_sources import read_folder, submission
from grader.similarity.tokens import tokenise

GOAL = 2.0
STATEMENTS = [
    "{a} = {b} {op} {n}",
    "{a} += {f}({b})",
    "if {a} {cmp} {b}:\n{i}    {c} = {a} {op} {b}",
    "for {c} in range({a}):\n{i}    {b} = {b} {op} {c}",
    "while {a} {cmp} {n}:\n{i}    {a} = {a} {op} {n}",
    "{c} = [{a} {op} {d} for {d} in {b} if {d} {cmp} {n}]",
    "{c} = {{{a}: {b}}}",
    "{a}.append({f}({b}) {op} {n})",
    "{c} = {f}({b}, key={g})",
    "{c} = {f}({a}, {b}) {op} {g}({b}, {n})",
    "try:\n{i}    {a} = int({b})\n{i}except ValueError:\n{i}    {a} = {n}",
    "{c} = {a} if {a} {cmp} {b} else {b}",
    "{c} = {f}({d} {op} {n} for {d} in {a})",
    "{f}({a}, {g}({b}))",
    "{a}, {b} = {b}, {a}",
    "assert {a} {cmp} {n}",
]
BUILTINS = (
    "abs", "all", "any", "ascii", "bin", "bool", "chr", "dict", "divmod", "enumerate", "filter", "float",
    "format", "frozenset", "hash", "hex", "id", "int", "iter", "len", "list", "map", "max", "min", "next",
    "oct", "ord", "pow", "print", "range", "repr", "reversed", "round", "set", "sorted", "str", "sum",
)  # fmt: skip
OPERATORS = ("+", "-", "*", "//", "%", "**", "&", "|", "^", "<<")
COMPARISONS = ("<", ">", "<=", ">=", "==", "!=", "in", "not in", "is", "is not")
WORDS = (
    "alpha",
    "beta",
    "gamma",
    "delta",
    "value",
    "items",
    "total",
    "count",
    "index",
    "left",
    "right",
    "key",
)


def _function(rng: random.Random) -> str:
    lines = [f"def step_{rng.randrange(10**6)}(alpha, beta):"]
    for _ in range(rng.randrange(4, 12)):
        names = rng.sample(WORDS, 4)
        statement = rng.choice(STATEMENTS).format(
            a=names[0],
            b=names[1],
            c=names[2],
            d=names[3],
            n=rng.randrange(100),
            op=rng.choice(OPERATORS),
            cmp=rng.choice(COMPARISONS),
            i="    ",
            f=rng.choice(BUILTINS),
            g=rng.choice(BUILTINS),
        )
        lines.append("    " + statement)
    lines.append(f"    return {rng.choice(WORDS)}")
    return "\n".join(lines) + "\n"


def write_class(root: Path, students: int, lines: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    sources: list[str] = []
    for number in range(students):
        if number % 50 == 49:
            text = sources[rng.randrange(len(sources))]  # a copy
        else:
            parts: list[str] = []
            while sum(part.count("\n") for part in parts) < lines:
                parts.append(_function(rng))
            text = "\n\n".join(parts)
        sources.append(text)
        folder = root / f"s{number:04}"
        folder.mkdir(parents=True)
        (folder / "main.py").write_text(text, encoding="utf-8")


def floor(root: Path) -> float:
    start = time.process_time()
    for path in sorted(root.glob("*/*.py")):
        tokenise(path.name, path.read_bytes())
    return time.process_time() - start


def engine(root: Path, settings: Settings) -> tuple[float, int]:
    start = time.process_time()
    subs = [submission(folder.name, "", read_folder(folder), settings) for folder in sorted(root.iterdir())]
    left_out = shared_hashes(subs, settings.shared_share)
    sizes = kept_sizes(subs, left_out)
    pairs = 0
    for (i, j), shared in shared_counts(subs, left_out).items():
        if worth_comparing(sizes[i], sizes[j], shared, settings):
            score_pair(subs[i], subs[j], left_out, settings)
            pairs += 1
    return time.process_time() - start, pairs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=1000)
    parser.add_argument("--lines", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "class"
        write_class(root, options.submissions, options.lines)
        ratios = []
        for run in range(options.repeat):
            base = floor(root)
            took, pairs = engine(root, Settings())
            ratios.append(took / base)
            scored = f"grader {took:.2f} s ({pairs} pairs scored)"
            print(f"run {run + 1}: floor {base:.2f} s, {scored}, ×{took / base:.2f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ratio = statistics.median(ratios)
    print(f"median ×{ratio:.2f} (goal ≤ {GOAL}); peak memory {peak:.0f} MB")
    return 0 if ratio <= GOAL else 1


if __name__ == "__main__":
    raise SystemExit(main())
