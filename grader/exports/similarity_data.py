"""What the similarity page shows, as plain values: the gradebook fills them (names already
pseudonyms where they must be, student text already scrubbed), the page only renders them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from grader.domain.similarity_figures import PairFigures


@dataclass(frozen=True)
class Person:
    """One side of a pair as the page names it."""

    label: str
    """Roster id, pseudonym, or an earlier submission's ``ASSIGNMENT/WHO`` / ``FOLDER/NAME``."""
    name: str
    """The roster name; "" when it must not be shown (anonymous, not revealed) or is not known."""
    about: str = ""
    """What the label is when it is not a student of this class ("earlier submission …")."""


@dataclass(frozen=True)
class Excerpt:
    """One side of a matching fragment: a line range of one file and its text."""

    path: str
    first: int
    last: int
    text: str


@dataclass(frozen=True)
class SideBySide:
    a: Excerpt
    b: Excerpt


@dataclass(frozen=True, kw_only=True)
class PairFacts(PairFigures):
    """A pair's figures and verdict, for the summary table and its own section."""

    number: int
    a: Person
    b: Person


@dataclass(frozen=True)
class PairPage:
    facts: PairFacts
    fragments: tuple[SideBySide, ...]


@dataclass(frozen=True)
class RunFacts:
    """The run the pairs come from, as the gradebook stored it."""

    at: datetime
    by: str
    settings: Mapping[str, object]
    compared: int
    reused: int


@dataclass(frozen=True)
class PageHead:
    """Everything above the pairs."""

    course_id: str
    course_title: str
    term: str
    assignment_id: str
    assignment_title: str
    generated_at: datetime
    run: RunFacts
    selection: str
    """Which pairs the page holds and why (most similar N of M, confirmed only…)."""
    pseudonyms: bool
    """Students are shown by pseudonym (anonymous assignment, identities not revealed)."""
    pairs: tuple[PairFacts, ...]
    starter_folder: str = ""
    """The assignment's configured starter folder (course.yaml ``starter:``), if any."""
