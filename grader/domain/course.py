"""A course: its issuer, assignments, late policy and badges."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class Issuer:
    """Who signs the course's credentials."""

    name: str
    url: str
    email: str = ""
    did: str = ""
    """``did:web:DOMAIN`` when the course publishes a DID document; else a did:key is used."""
    site: str = ""
    """Where `grader publish` output is hosted (verification pages, status list), e.g.
    ``https://badges.example.edu``; empty: derived from ``did`` (did:web), else ``url``."""
    auto_issue: bool = True
    """Issue a credential the moment a badge is earned (else only on `grader certify`)."""

    @property
    def site_url(self) -> str:
        if self.site:
            return self.site
        if self.did.startswith("did:web:"):
            domain, *path = self.did.removeprefix("did:web:").split(":")
            return "/".join([f"https://{domain}", *path])
        return self.url.rstrip("/")


@dataclass(frozen=True)
class LatePolicy:
    """Grace, then a fraction of the earned total off per started day, up to max_days.

    Past max_days the submission scores 0 but stays gradable.
    """

    grace_minutes: int = 0
    penalty_per_day: Decimal = Decimal(0)
    max_days: int | None = None


@dataclass(frozen=True)
class Assignment:
    id: str
    title: str
    rubric_path: str
    repo: str
    deadline: datetime
    late: LatePolicy = field(default_factory=LatePolicy)
    canvas_id: str = ""
    """The assignment's id in Canvas, for grade exports; empty when not given."""
    moodle_name: str = ""
    """The assignment's grade item name in Moodle, when it differs from the title."""
    anonymous: bool = False
    """Graders see a pseudonym for each student until ``grader reveal`` (LMS exports keep ids)."""
    starter: str = ""
    """A folder (relative to the course folder) holding the code students began from (the
    assignment's template): left out when comparing submissions for similarity. Empty: the
    first commit of a student's history when the class shares its files."""


@dataclass(frozen=True)
class Badge:
    """A microcredential: skill thresholds (fractions in [0, 1]) and assignments to be graded."""

    id: str
    title: str
    description: str
    criteria: str
    skill_thresholds: dict[str, Decimal]
    assignments: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sources:
    """Where student repositories may come from, and how much of them grader accepts."""

    allow_local: bool = False
    max_size_mb: int = 200
    max_files: int = 20_000
    timeout_seconds: int = 300


@dataclass(frozen=True)
class ChecksConfig:
    """How autograded checks run (course.yaml ``checks:``); the sandbox turns it into a policy."""

    trust: bool = False
    """When no sandbox works, run checks unsandboxed (shown with every result, audited)."""
    python: str = "grader"
    """"grader" (the environment grader runs in), "system" (/usr/bin/python3), or the path of a
    virtual environment, as written (absolute, or relative to the course folder)."""
    paths: tuple[str, ...] = ()
    """Extra read-only paths inside the sandbox, as written (absolute, or relative to the course)."""
    jobs: int = 4
    memory_mb: int = 1024
    processes: int = 128
    file_size_mb: int = 64
    output_kb: int = 256
    cpu_seconds: int = 0
    """0: the check's timeout."""


@dataclass(frozen=True)
class Course:
    id: str
    title: str
    term: str
    issuer: Issuer
    roster_path: str
    sources: Sources
    assignments: tuple[Assignment, ...]
    badges: tuple[Badge, ...] = ()
    checks: ChecksConfig = field(default_factory=ChecksConfig)

    def assignment(self, assignment_id: str) -> Assignment | None:
        return next((a for a in self.assignments if a.id == assignment_id), None)
