"""A small class for the similarity tests: a starter everyone begins from, original solutions,
copies of them obfuscated (renamed, recommented, reordered, dead code), independent solutions,
each a real bare repository (two commits: the starter, then the student's work) with its
graded checkout and pull state, as ``grader pull`` leaves them."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime

from grader.domain.pulls import PullState
from grader.git.checkout import checkout
from grader.git.fabricate import CommitSpec, FileContent, Person, Push, fabricate
from grader.git.limits import Limits
from grader.gradebook.context import CourseContext
from grader.gradebook.pull import checkout_of, mirror_of

A1 = "a1-calculator"
STARTER = '''\
"""Calculator starter: parse a line, apply an operator, print the result."""

import sys


def read_lines(stream):
    """Every non-empty line of the stream, stripped."""
    found = []
    for raw in stream:
        text = raw.strip()
        if text:
            found.append(text)
    return found


def report(results, out=sys.stdout):
    for index, value in enumerate(results, start=1):
        out.write(f"{index}: {value}\\n")
    out.flush()
'''

ORIGINAL = '''\
def tokenize(expression):
    """Split an expression into numbers and operators."""
    tokens = []
    number = ""
    for char in expression:
        if char.isdigit() or char == ".":
            number += char
        elif char in "+-*/()":
            if number:
                tokens.append(float(number))
                number = ""
            tokens.append(char)
        elif char == " ":
            continue
        else:
            raise ValueError(f"unexpected character {char!r}")
    if number:
        tokens.append(float(number))
    return tokens


def precedence(operator):
    return {"+": 1, "-": 1, "*": 2, "/": 2}.get(operator, 0)


def to_postfix(tokens):
    output, stack = [], []
    for token in tokens:
        if isinstance(token, float):
            output.append(token)
        elif token == "(":
            stack.append(token)
        elif token == ")":
            while stack and stack[-1] != "(":
                output.append(stack.pop())
            stack.pop()
        else:
            while stack and precedence(stack[-1]) >= precedence(token):
                output.append(stack.pop())
            stack.append(token)
    while stack:
        output.append(stack.pop())
    return output


def evaluate(postfix):
    stack = []
    for token in postfix:
        if isinstance(token, float):
            stack.append(token)
            continue
        right = stack.pop()
        left = stack.pop()
        if token == "+":
            stack.append(left + right)
        elif token == "-":
            stack.append(left - right)
        elif token == "*":
            stack.append(left * right)
        else:
            if right == 0:
                raise ZeroDivisionError("division by zero")
            stack.append(left / right)
    return stack[0]
'''

INDEPENDENT = [
    """\
import operator

OPS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}


def calculate(line):
    parts = line.split()
    if len(parts) != 3:
        raise ValueError("expected: NUMBER OP NUMBER")
    a, op, b = parts
    try:
        fn = OPS[op]
    except KeyError:
        raise ValueError("unknown operator " + op) from None
    return fn(float(a), float(b))


def main(argv):
    total = 0
    for line in argv:
        total += calculate(line)
    print("sum of results", total)
    return 0
""",
    """\
import re
import shutil

PATTERN = re.compile(r"\\s*(-?\\d+(?:\\.\\d+)?)\\s*([-+*/])\\s*(-?\\d+(?:\\.\\d+)?)\\s*$")


class Calculator:
    def __init__(self):
        self.history = []

    def run(self, text):
        match = PATTERN.match(text)
        if match is None:
            return None
        left, symbol, right = match.groups()
        x, y = float(left), float(right)
        if symbol == "+":
            value = x + y
        elif symbol == "-":
            value = x - y
        elif symbol == "*":
            value = x * y
        elif y == 0:
            value = float("nan")
        else:
            value = x / y
        self.history.append((text, value))
        return value

    def last(self, count=3):
        return [value for _, value in self.history[-count:]]
""",
    """\
def add(a, b): return a + b
def sub(a, b): return a - b
def mul(a, b): return a * b
def div(a, b):
    if b == 0:
        print("cannot divide by zero")
        return None
    return a / b

DISPATCH = dict(zip("+-*/", (add, sub, mul, div)))

def solve(words):
    result = float(words[0])
    rest = words[1:]
    while rest:
        sign, number, *rest = rest
        result = DISPATCH[sign](result, float(number))
    return result

if __name__ == "__main__":
    import sys
    print(solve(sys.argv[1:]))
""",
]

RENAMES = {
    "tokenize": "lex",
    "tokens": "items",
    "number": "digits",
    "precedence": "rank",
    "operator": "op",
    "to_postfix": "shunt",
    "output": "queue",
    "stack": "pending",
    "token": "item",
    "evaluate": "compute",
    "postfix": "rpn",
    "right": "second",
    "left": "first",
    "char": "ch",
    "expression": "source",
}


def obfuscated(source: str) -> str:
    """A copy a student tried to hide: identifiers renamed, comments and docstrings changed,
    functions reordered, dead code inserted, blank lines moved."""
    text = source
    for old, new in RENAMES.items():
        text = re.sub(rf"\b{old}\b", new, text)
    text = re.sub(r'"""[^"]*"""', '"""My own work."""', text)
    functions = text.strip("\n").split("\n\n\n")
    functions.reverse()
    dead = "\n\ndef _unused_helper(values):\n    # never called\n    total = 0\n    for v in values:\n        total += v\n    return total\n"
    body = "\n\n\n".join(functions)
    body = body.replace("    return queue\n", "    if False:\n        print('debug')\n    return queue\n")
    return "# calculator core, written from scratch\n" + body.replace("\n\n\n", "\n\n\n\n", 1) + dead


def push(
    ctx: CourseContext,
    student_id: str,
    work: dict[str, FileContent],
    *,
    starter: bool = True,
    begin_with: dict[str, FileContent] | None = None,
) -> str:
    """A student's repository (the starter — or ``begin_with`` —, then ``work``), checked out and
    recorded as pulled; returns the graded commit."""
    person = Person(f"Student {student_id}", f"{student_id}@example.edu")
    first: dict[str, FileContent] = {"starter.py": STARTER} if starter else dict(work)
    if begin_with is not None:
        first = begin_with
    commits = [CommitSpec("Starter", person, datetime(2026, 9, 1, 9, tzinfo=UTC), first)]
    if starter:
        files: dict[str, FileContent] = {**first, **work} if begin_with else {"starter.py": STARTER, **work}
        commits.append(CommitSpec("My work", person, datetime(2026, 9, 5, 9, tzinfo=UTC), files))
    mirror = mirror_of(ctx, A1, student_id)
    shutil.rmtree(mirror, ignore_errors=True)  # pushed again: a new history
    shutil.rmtree(checkout_of(ctx, A1, student_id), ignore_errors=True)
    made = fabricate(mirror, [Push(tuple(commits))])
    head = made.head or ""
    target = checkout_of(ctx, A1, student_id)
    checkout(mirror, head, target, Limits(timeout=60))
    ctx.store.set_pull_state(
        PullState(
            A1, student_id, "cloned", "", head, 0, (), datetime(2026, 9, 6, tzinfo=UTC), checked_out=head
        )
    )
    return head
