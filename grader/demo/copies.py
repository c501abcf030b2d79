"""Planted copies: a few students of a1 hand in another student's code, some of it disguised.

Each copier copies a different student: one verbatim, one with identifiers renamed and comments
and whitespace changed, one with functions reordered and dead code inserted. Only ordinary
students take part (on time, every test passing, past the first few on the roster), never one
that another feature of the demo shows.
"""

from __future__ import annotations

import ast
import io
import random
import re
import tokenize
from collections.abc import Sequence
from dataclasses import dataclass

from grader.demo.cases import Case
from grader.demo.outcomes import ORDINARY_FIRST, Work
from grader.demo.projects.common import Step
from grader.demo.seeding import seeded

COPIED_ASSIGNMENT = "a1-calculator"
KINDS = ("verbatim", "renamed", "reordered")


@dataclass(frozen=True)
class Copy:
    original: int
    """Roster position of the student whose work is copied."""
    kind: str


def plant_copies(
    assignment_id: str, cases: Sequence[Case], works: Sequence[Work | None], seed: int
) -> dict[int, Copy]:
    """Who copies whom (by roster position), for each kind of copy; none outside a1."""
    if assignment_id != COPIED_ASSIGNMENT:
        return {}
    eligible = [
        index
        for index, (case, work) in enumerate(zip(cases, works, strict=True))
        if case is Case.ON_TIME and work is Work.SOLID and index >= ORDINARY_FIRST
    ]
    seeded(seed, "copies", assignment_id).shuffle(eligible)
    pairs = zip(eligible[0::2], eligible[1::2], strict=False)
    return {copier: Copy(original, kind) for kind, (copier, original) in zip(KINDS, pairs, strict=False)}


RENAMES = {
    "a": "p", "b": "q", "x": "p", "y": "q", "first": "p", "second": "q", "num1": "p", "num2": "q",
    "expression": "source", "text": "source", "line": "source", "expr": "source",
    "calculate": "work_out", "evaluate": "work_out", "compute": "work_out", "solve": "work_out",
    "left": "left_part", "right": "right_part", "lhs": "left_part", "rhs": "right_part",
    "left_text": "left_part", "right_text": "right_part", "raw_left": "left_part", "raw_right": "right_part",
    "symbol": "oper", "op": "oper", "sign": "oper", "operator_symbol": "oper",
    "add": "plus", "subtract": "minus", "multiply": "times", "divide": "over", "power": "raise_to",
    "answer": "reply_for", "format_result": "show", "run_lines": "answer_each", "build_parser": "make_parser",
    "apply_operator": "do_op", "operate": "do_operation", "OPERATIONS": "TABLE", "OPERATORS": "TABLE",
    "METHODS": "BY_SYMBOL", "Calculator": "Calc", "PATTERN": "EXPRESSION_RE", "result": "acc",
    "parts": "pieces", "found": "hit", "cleaned": "stripped", "value": "number", "raw": "entry",
    "candidate": "sym", "arguments": "words", "options": "opts",
}  # fmt: skip
"""The identifiers a disguising copier renames (every student's names map to the same new ones)."""
MODULES = frozenset({"operator", "re", "sys", "argparse", "pytest", "io", "contextlib", "unittest", "self"})
_WORD = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]*\b")
_FIELD = re.compile(r"\{([^{}]*)\}")


def _renamed_words(text: str) -> str:
    return _WORD.sub(lambda found: RENAMES.get(found.group(0), found.group(0)), text)


def rename(source: str) -> str:
    """``source`` with its identifiers renamed, attributes of modules and string text left alone."""
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    out = []
    for index, token in enumerate(tokens):
        text = token.string
        after_dot = index >= 2 and tokens[index - 1].string == "."
        if token.type == tokenize.NAME and text in RENAMES:
            if not (after_dot and tokens[index - 2].string in MODULES - {"self"}):
                text = RENAMES[text]
        elif token.type == tokenize.STRING and text[:1] in "fF":
            text = _FIELD.sub(lambda found: "{" + _renamed_words(found.group(1)) + "}", text)
        elif token.type == tokenize.STRING and text[1:-1] in RENAMES and text[0] in "\"'":
            text = text[0] + RENAMES[text[1:-1]] + text[0]
        out.append(token._replace(string=text))
    return tokenize.untokenize(out)


_DOCSTRING_LINE = re.compile(r'^\s*"""[^"]*"""\n', re.MULTILINE)
_MODULE_DOC = re.compile(r'\A"""(?:[^"]|"(?!""))*"""\n|\A(?:#[^\n]*\n)+')


def restyle(source: str, author: str) -> str:
    """Docstrings dropped for comments, two-space indents, single blank lines between functions."""
    source = _MODULE_DOC.sub(f"# {author}'s calculator\n", source, count=1)
    source = _DOCSTRING_LINE.sub("", source)
    lines = []
    for line in source.splitlines():
        stripped = line.lstrip(" ")
        depth = len(line) - len(stripped)
        if stripped.startswith("def ") and depth == 0:
            lines.append(f"# {stripped[4:].split('(')[0].replace('_', ' ')}")
        lines.append(" " * (depth // 2) + stripped if depth % 4 == 0 else line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


DEAD_CODE = (
    """def _average(numbers):
    total = 0
    for number in numbers:
        total += number
    return total / len(numbers) if numbers else 0
""",
    """def _old_parse(text):
    pieces = text.split(" ")
    if len(pieces) == 3 and False:
        print("parsed", pieces)
        return pieces
    return None
""",
)
"""Functions nothing calls, inserted to pad a copy."""


def reorder(source: str, rng: random.Random) -> str:
    """Top-level functions shuffled within each run of them, with dead functions inserted."""
    lines = source.splitlines(keepends=True)
    body: list[str] = []
    run: list[str] = []
    for node in ast.parse(source).body:
        start = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))]) - 1
        text = "".join(lines[start : node.end_lineno or node.lineno]).rstrip("\n") + "\n"
        if isinstance(node, ast.FunctionDef):
            run.append(text)
            continue
        body += _shuffled(run, rng)
        run = []
        if body and isinstance(node, ast.Import | ast.ImportFrom) and "import " in body[-1].split("\n")[0]:
            body[-1] += text
        else:
            body.append(text)
    body += _shuffled(run, rng)
    functions = [index for index, text in enumerate(body) if text.startswith("def ")]
    for dead, where in sorted(
        zip(DEAD_CODE, rng.sample(functions, min(2, len(functions))), strict=False), key=lambda pair: -pair[1]
    ):
        body.insert(where + 1, dead)
    return "\n\n".join(body)


def _shuffled(run: list[str], rng: random.Random) -> list[str]:
    if len(run) < 2:
        return run
    order = run[:]
    while order == run:
        rng.shuffle(order)
    return order


def disguise(source: str, kind: str, author: str, original_author: str, rng: random.Random) -> str:
    """A Python file as the copier hands it in."""
    if kind == "verbatim":
        return source
    source = source.replace(original_author, author)
    if kind == "renamed":
        return restyle(rename(source), author)
    return reorder(source, rng)


def copied_steps(
    own: list[Step], source: list[Step], kind: str, authors: tuple[str, str], rng: random.Random
) -> list[Step]:
    """The copier's steps: their own README and .gitignore, the original's Python files disguised."""
    author, original_author = authors
    copied = []
    for mine, theirs in zip(own, source, strict=True):
        files = {path: text for path, text in mine.files.items() if not path.endswith(".py")}
        files |= {
            path: disguise(text, kind, author, original_author, rng)
            for path, text in theirs.files.items()
            if path.endswith(".py")
        }
        copied.append(Step(mine.message, files))
    return copied
