"""`grader init`: a commented course folder to start from."""

from __future__ import annotations

import contextlib
from pathlib import Path

from grader.domain.errors import GraderError
from grader.durable import TargetExists, write_shared_text

COURSE_YAML = """\
# The course: who it is for, who signs its credentials, and its assignments.
course:
  id: cs101-fall26              # lowercase letters, digits, '.', '_', '-'
  title: Introduction to Programming
  term: Fall 2026
issuer:                         # who signs credentials
  name: Example University, School of Computing
  url: https://example.edu
  email: badges@example.edu
  # did: did:web:badges.example.edu   # optional; without it a did:key is derived from the course key
  # site: https://badges.example.edu   # where `grader publish` output is hosted (default: from did, else url)
  auto_issue: true              # issue a credential the moment a badge is earned (false: on `grader certify`)
roster: roster.csv
sources:
  allow_local: false            # true only for local paths / file:// sources
  max_size_mb: 200              # a repository larger than this is refused before checkout
  max_files: 20000              # so is one with more files
  timeout_seconds: 300          # each git call is stopped after this long
assignments:
  - id: a1-calculator
    title: Calculator
    rubric: rubrics/calculator.yaml
    # {github} and {student_id} are filled from the roster; {course} is this folder.
    repo: https://github.com/cs101-fall26/a1-calculator-{github}
    deadline: 2026-10-01T23:59:00-04:00
    # After the grace period, each started day late costs 10% of the earned points;
    # past max_days the submission scores 0 but can still be graded.
    late: {grace_minutes: 15, penalty_per_day: 10%, max_days: 3}
    # starter: templates/a1   # the code students began from, left out by `grader similarity`
    #                         # (default: a first commit the class shares)
badges:
  - id: python-foundations
    title: Python Foundations
    description: Writes, tests and documents small Python programs.
    criteria: Reach 80% in python-basics and 70% in testing across the graded projects.
    requires:
      skills: {python-basics: 80%, testing: 70%}
      assignments: [a1-calculator]      # all must be graded first
# How the rubrics' autograded checks run (every key is optional; these are the defaults).
checks:
  # Each check runs in a fresh copy of the checkout, sandboxed with bubblewrap (else unshare):
  # no network, read-only system folders, never your home folder, the course or .grader/.
  trust: false                  # true: when no sandbox works, run unsandboxed (shown and audited)
  python: grader                # grader: the Python grader runs in (it has pytest); system:
                                # /usr/bin/python3; or the folder of a virtual environment
  paths: []                     # more read-only folders checks may read (absolute or from here)
  jobs: 4                       # how many checks `grader autograde` runs at once
  limits: {memory_mb: 1024, processes: 128, file_size_mb: 64, output_kb: 256, cpu_seconds: 0}
"""

ROSTER_CSV = """\
student_id,name,email,github,section
00001,Ada Lovelace,ada@example.edu,adalovelace,A
"""

RUBRIC_YAML = """\
id: calculator
title: Calculator project
skills:
  python-basics: Python fundamentals
  testing: Automated testing
criteria:
  - id: correctness               # levels: pick one (highest first)
    title: Correct results
    skills: [python-basics]
    levels:
      - {label: Exemplary,  points: 40, description: "All operations correct, edge cases included"}
      - {label: Proficient, points: 30}
      - {label: Developing, points: 15}
      - {label: Missing,    points: 0}
  - id: style                     # checklist: negative items deduct from points
    title: Code quality
    skills: [python-basics]
    points: 20
    items:
      - {label: Unclear names, points: -5}
      - {label: No docstrings, points: -5}
      - {label: Dead code,     points: -3}
  - id: tests                     # autograded: the command runs sandboxed in a copy of the checkout
    title: Test suite passes
    skills: [testing]
    points: 20
    check:                        # run: exit status 0 earns the points, anything else 0
      run: python -m pytest -q    # split into words, never run by a shell (for one: sh -c '…')
      timeout: 60                 # seconds, at most 3600
    files: ["tests/**"]
  # junit: partial credit from a JUnit XML report (pytest, Jest, Maven…), points × passed / total.
  # - id: unit-tests
  #   title: Unit tests
  #   skills: [testing]
  #   points: 20
  #   check:
  #     junit: python -m pytest -q --noconftest -p no:cacheprovider --junitxml=.grader-report.xml
  #     report: .grader-report.xml    # where the command writes it, inside the checkout
  #     timeout: 60
  #     weights: {"test_divide*": 2}  # optional: tests matching a glob count double (default 1)
  # io: input/output cases, as in GitHub Classroom; the command runs once per case.
  # - id: answers
  #   title: Calculator answers
  #   skills: [python-basics]
  #   points: 10
  #   check:
  #     io: python calculator.py
  #     timeout: 10                   # seconds per case, unless a case sets its own
  #     cases:                        # comparison: included (default), exact or regex (re.search)
  #       - {name: adds, input: "2 + 3\\n", expected: "5", points: 4}
  #       - {name: divides, input: "7 / 2\\n", expected: '^3\\.5$', comparison: regex, points: 6}
"""


def write_skeleton(root: Path) -> list[Path]:
    """Write a course skeleton into an empty or new folder; never overwrite anything.

    On a failure the files this call wrote are removed again, so running it again starts afresh.
    """
    targets = {
        root / "course.yaml": COURSE_YAML,
        root / "roster.csv": ROSTER_CSV,
        root / "rubrics" / "calculator.yaml": RUBRIC_YAML,
        root / ".gitignore": ".grader/\nexports/\n",
    }
    existing = [p for p in targets if p.exists()]
    if existing:
        raise GraderError(
            f"{existing[0]} already exists; grader init never overwrites files (choose an empty folder)"
        )
    written: list[Path] = []
    try:
        for path, text in targets.items():
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise GraderError(f"cannot create {path.parent}: {exc.strerror}") from None
            write_shared_text(path, text, exclusive=True)
            written.append(path)
    except TargetExists as exc:
        _remove(written)
        raise GraderError(
            f"{exc.display} already exists; grader init never overwrites files (choose an empty folder)"
        ) from None
    except BaseException:
        _remove(written)
        raise
    return written


def _remove(paths: list[Path]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink()
