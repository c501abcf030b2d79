"""An autograded criterion's check: the instructor's command and how its run is scored."""

from __future__ import annotations

import hashlib
import json
import shlex
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

MAX_TIMEOUT = 3600
"""The longest a check (or one io case) may run, in seconds."""


class CheckKind(StrEnum):
    RUN = "run"  # exit status 0 earns the criterion's points, anything else 0
    JUNIT = "junit"  # points in proportion to the passed tests of a JUnit XML report
    IO = "io"  # the command runs once per case; stdout is compared with the case's expectation


class Comparison(StrEnum):
    EXACT = "exact"  # equal, after normalising line endings and surrounding whitespace
    INCLUDED = "included"  # the expected text occurs in the output
    REGEX = "regex"  # a Python regular expression found (re.search) in the output


@dataclass(frozen=True)
class IoCase:
    """One input/output case of an io check.

    ``points`` is the case's share: the criterion's points × points / the cases' total (the case
    points add up to the criterion's points when the rubric gives them; each is 1 when it gives none).
    """

    name: str
    input: str
    expected: str
    comparison: str = Comparison.INCLUDED.value
    points: Decimal = Decimal(1)
    timeout: int = 60


@dataclass(frozen=True)
class Check:
    """An instructor's command, split into arguments (never run by a shell) and run sandboxed."""

    run: str
    timeout: int = 60
    kind: CheckKind = CheckKind.RUN
    report: str = ""
    """junit: where the command writes its JUnit XML, relative to the checkout copy."""
    weights: tuple[tuple[str, Decimal], ...] = ()
    """junit: (glob on a test's ``classname.name`` or ``name``, weight); the first match wins, else 1."""
    cases: tuple[IoCase, ...] = ()
    """io: the input/output cases, run in order."""

    def argv(self) -> list[str]:
        """The command as an argument list (rubric validation made sure it splits)."""
        return shlex.split(self.run)

    def encode(self) -> list[Any]:
        """A JSON-ready list; a plain run check stays ``[run, timeout]`` (what older rubrics hashed)."""
        if self.kind is CheckKind.RUN and not (self.report or self.weights or self.cases):
            return [self.run, self.timeout]
        return [
            self.run,
            self.timeout,
            self.kind.value,
            self.report,
            [[glob, str(weight)] for glob, weight in self.weights],
            [[c.name, c.input, c.expected, c.comparison, str(c.points), c.timeout] for c in self.cases],
        ]

    @classmethod
    def decode(cls, data: list[Any]) -> Check:
        """The check of ``encode()``."""
        if len(data) == 2:
            return cls(str(data[0]), int(data[1]))
        run, timeout, kind, report, weights, cases = data
        return cls(
            run=run,
            timeout=int(timeout),
            kind=CheckKind(kind),
            report=report,
            weights=tuple((glob, Decimal(weight)) for glob, weight in weights),
            cases=tuple(
                IoCase(name, given, expected, comparison, Decimal(points), int(case_timeout))
                for name, given, expected, comparison, points, case_timeout in cases
            ),
        )

    @property
    def digest(self) -> str:
        """sha256 of the definition: a changed check is a different check (and runs again)."""
        canonical = json.dumps(self.encode(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()
