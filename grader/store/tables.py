"""The gradebook's tables. ORM rows stay inside grader.store; callers get domain dataclasses.

Decimals are TEXT so they stay exact; timestamps are UTC ISO-8601 TEXT (see ``codec``) so both
SQLite and PostgreSQL keep the offset and sort them chronologically.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

METADATA = MetaData(naming_convention=NAMING_CONVENTION)
"""The gradebook's own metadata, apart from SQLModel's default, so migrations compare cleanly."""


class GradebookTable(SQLModel, registry=registry(metadata=METADATA)):
    """Base of every gradebook table."""


class SubmissionRow(GradebookTable, table=True):
    __tablename__ = "submission"
    __table_args__ = (UniqueConstraint("assignment_id", "student_id"),)

    id: int | None = Field(default=None, primary_key=True)
    assignment_id: str = Field(sa_type=Text)
    student_id: str = Field(sa_type=Text)
    version: int = Field(default=0, sa_type=Integer, sa_column_kwargs={"server_default": "0"})
    updated_by: str = Field(default="", sa_type=Text, sa_column_kwargs={"server_default": ""})
    updated_at: str | None = Field(default=None, sa_type=Text)
    flags: str = Field(default="[]", sa_type=Text, sa_column_kwargs={"server_default": "[]"})
    excused: bool = Field(default=False, sa_type=Boolean, sa_column_kwargs={"server_default": false()})


class ChoiceRow(GradebookTable, table=True):
    """The current choice for one criterion of one submission (absent when empty)."""

    __tablename__ = "criterion_choice"
    __table_args__ = (ForeignKeyConstraint(["submission_id"], ["submission.id"]),)

    submission_id: int = Field(primary_key=True, sa_type=Integer)
    criterion_id: str = Field(primary_key=True, sa_type=Text)
    level: str | None = Field(default=None, sa_type=Text)
    items: str | None = Field(default=None, sa_type=Text)
    points: str | None = Field(default=None, sa_type=Text)
    adjustment: str = Field(default="0", sa_type=Text, sa_column_kwargs={"server_default": "0"})
    adjustment_comment: str = Field(default="", sa_type=Text, sa_column_kwargs={"server_default": ""})
    comment: str = Field(default="", sa_type=Text, sa_column_kwargs={"server_default": ""})
    updated_by: str = Field(sa_type=Text)
    updated_at: str = Field(sa_type=Text)


class GradeEventRow(GradebookTable, table=True):
    """One grading change or refused attempt. Append-only: triggers refuse UPDATE and DELETE."""

    __tablename__ = "grade_event"
    __table_args__ = (
        ForeignKeyConstraint(["submission_id"], ["submission.id"]),
        CheckConstraint("outcome IN ('applied', 'conflict')", name="outcome"),
        Index(None, "assignment_id", "student_id"),
        Index(None, "submission_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: str = Field(sa_type=Text)
    actor: str = Field(sa_type=Text)
    submission_id: int = Field(sa_type=Integer)
    assignment_id: str = Field(sa_type=Text)
    student_id: str = Field(sa_type=Text)
    criterion_id: str = Field(sa_type=Text)
    old: str = Field(sa_type=Text)
    new: str = Field(sa_type=Text)
    rubric_hash: str = Field(sa_type=Text)
    source: str = Field(sa_type=Text)
    outcome: str = Field(sa_type=Text)
    version: int = Field(sa_type=Integer)


class AuditEventRow(GradebookTable, table=True):
    """A non-grade action (rubric accepted, backup taken, …). Append-only like grade events."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: str = Field(sa_type=Text)
    actor: str = Field(sa_type=Text)
    action: str = Field(sa_type=Text)
    details: str = Field(default="{}", sa_type=Text, sa_column_kwargs={"server_default": "{}"})


class RubricSnapshotRow(GradebookTable, table=True):
    """A rubric as accepted for an assignment; ``is_current`` marks the one in force."""

    __tablename__ = "rubric_snapshot"
    __table_args__ = (
        UniqueConstraint("assignment_id", "rubric_hash"),
        Index(
            "uq_rubric_snapshot_current",
            "assignment_id",
            unique=True,
            sqlite_where=text("is_current"),
            postgresql_where=text("is_current"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    assignment_id: str = Field(sa_type=Text)
    rubric_hash: str = Field(sa_type=Text)
    content: str = Field(sa_type=Text)
    accepted_at: str = Field(sa_type=Text)
    accepted_by: str = Field(sa_type=Text)
    is_current: bool = Field(default=False, sa_type=Boolean, sa_column_kwargs={"server_default": false()})


class RubricCheckRow(GradebookTable, table=True):
    """The last verification that every choice in use of an assignment fits a rubric.

    Says: with every applied grade event up to ``event_id`` saved, no choice in use was stale
    under the rubric with ``rubric_hash`` (checked in full at ``checked_at``). Replaced, not
    appended: a cache that a new process extends with the events saved since.
    """

    __tablename__ = "rubric_check"

    assignment_id: str = Field(primary_key=True, sa_type=Text)
    rubric_hash: str = Field(sa_type=Text)
    event_id: int = Field(sa_type=Integer)
    checked_at: str = Field(sa_type=Text)


class CourseSnapshotRow(GradebookTable, table=True):
    """The course files last validated in full: each file's SHA-256, the course and rubrics as JSON.

    One row (id 1), replaced when a file's bytes change. The TUI opens from it (grader.store.quick)
    only while every file still has exactly these bytes; ``roster_generation`` names the
    ``roster_entry`` rows of the roster those bytes hold.
    """

    __tablename__ = "course_snapshot"
    __table_args__ = (CheckConstraint("id = 1", name="single"),)

    id: int = Field(primary_key=True, sa_type=Integer, sa_column_kwargs={"autoincrement": False})
    files: str = Field(sa_type=Text)
    course: str = Field(sa_type=Text)
    rubrics: str = Field(sa_type=Text)
    roster_generation: int = Field(sa_type=Integer)
    roster_size: int = Field(sa_type=Integer)
    written_at: str = Field(sa_type=Text)


class RosterEntryRow(GradebookTable, table=True):
    """One student of the snapshot's roster, at its position in the roster file."""

    __tablename__ = "roster_entry"

    generation: int = Field(primary_key=True, sa_type=Integer, sa_column_kwargs={"autoincrement": False})
    position: int = Field(primary_key=True, sa_type=Integer, sa_column_kwargs={"autoincrement": False})
    student_id: str = Field(sa_type=Text)
    name: str = Field(sa_type=Text)
    email: str = Field(sa_type=Text)
    github: str = Field(sa_type=Text)
    section: str = Field(sa_type=Text)
    canvas_id: str = Field(sa_type=Text)
    sis_user_id: str = Field(sa_type=Text)
    sis_login_id: str = Field(sa_type=Text)
    moodle_idnumber: str = Field(sa_type=Text)


class ObservationRow(GradebookTable, table=True):
    """What one pull saw of one repository. Append-only: the proof of which commit was there."""

    __tablename__ = "observation"
    __table_args__ = (Index(None, "assignment_id", "student_id"),)

    id: int | None = Field(default=None, primary_key=True)
    assignment_id: str = Field(sa_type=Text)
    student_id: str = Field(sa_type=Text)
    observed_at: str = Field(sa_type=Text)
    result: str = Field(sa_type=Text)
    reason: str = Field(default="", sa_type=Text, sa_column_kwargs={"server_default": ""})
    ref: str | None = Field(default=None, sa_type=Text)
    sha: str | None = Field(default=None, sa_type=Text)


class ExtensionRow(GradebookTable, table=True):
    """A deadline extension for one student; the latest one granted is in force. Append-only."""

    __tablename__ = "extension"
    __table_args__ = (Index(None, "assignment_id", "student_id"),)

    id: int | None = Field(default=None, primary_key=True)
    assignment_id: str = Field(sa_type=Text)
    student_id: str = Field(sa_type=Text)
    until: str = Field(sa_type=Text)
    reason: str = Field(default="", sa_type=Text, sa_column_kwargs={"server_default": ""})
    granted_by: str = Field(sa_type=Text)
    granted_at: str = Field(sa_type=Text)


class PullStateRow(GradebookTable, table=True):
    """The latest pull of one repository and the graded commit resolved from all observations."""

    __tablename__ = "pull_state"

    assignment_id: str = Field(primary_key=True, sa_type=Text)
    student_id: str = Field(primary_key=True, sa_type=Text)
    result: str = Field(sa_type=Text)
    reason: str = Field(default="", sa_type=Text, sa_column_kwargs={"server_default": ""})
    graded_commit: str | None = Field(default=None, sa_type=Text)
    late_minutes: int | None = Field(default=None, sa_type=Integer)
    flags: str = Field(default="[]", sa_type=Text, sa_column_kwargs={"server_default": "[]"})
    pulled_at: str = Field(sa_type=Text)
    checked_out: str | None = Field(default=None, sa_type=Text)
    basis: str = Field(default="", sa_type=Text, sa_column_kwargs={"server_default": ""})


class SubmissionSummaryRow(GradebookTable, table=True):
    """One submission's status, score and mastery evidence: a cache of its choices and pull state.

    Derived, never a record: ``stamp`` names what it was computed from (summary format, rubric,
    late policy); triggers set it to '' (stale) whenever a choice, a flag, an excuse or a pull
    state of the submission changes, and the saving transaction then writes it afresh. Scores
    are exact decimal TEXT; ``skills`` is "SKILL EARNED POSSIBLE;…" (skill ids hold neither a
    space nor a semicolon), ``unscored`` a JSON
    list of the criteria a grade with scores still lacks before it is final.
    """

    __tablename__ = "submission_summary"

    assignment_id: str = Field(primary_key=True, sa_type=Text)
    student_id: str = Field(primary_key=True, sa_type=Text)
    stamp: str = Field(default="", sa_type=Text, sa_column_kwargs={"server_default": ""})
    status: str = Field(default="", sa_type=Text, sa_column_kwargs={"server_default": ""})
    score: str | None = Field(default=None, sa_type=Text)
    max_score: str = Field(default="0", sa_type=Text, sa_column_kwargs={"server_default": "0"})
    final: bool = Field(default=False, sa_type=Boolean, sa_column_kwargs={"server_default": false()})
    pulled: bool = Field(default=False, sa_type=Boolean, sa_column_kwargs={"server_default": false()})
    excused: bool = Field(default=False, sa_type=Boolean, sa_column_kwargs={"server_default": false()})
    flagged: bool = Field(default=False, sa_type=Boolean, sa_column_kwargs={"server_default": false()})
    mastery_graded: bool = Field(default=False, sa_type=Boolean, sa_column_kwargs={"server_default": false()})
    skills: str = Field(default="", sa_type=Text, sa_column_kwargs={"server_default": ""})
    unscored: str = Field(default="[]", sa_type=Text, sa_column_kwargs={"server_default": "[]"})
    changed_at: str = Field(default="", sa_type=Text, sa_column_kwargs={"server_default": ""}, index=True)
    """The database's clock at the row's latest write, set by triggers (0008): what changed since T."""


# Core views of the tables, for set-based queries and executemany writes.
SUBMISSION = METADATA.tables["submission"]
CHOICE = METADATA.tables["criterion_choice"]
GRADE_EVENT = METADATA.tables["grade_event"]
AUDIT_EVENT = METADATA.tables["audit_event"]
RUBRIC_SNAPSHOT = METADATA.tables["rubric_snapshot"]
RUBRIC_CHECK = METADATA.tables["rubric_check"]
COURSE_SNAPSHOT = METADATA.tables["course_snapshot"]
ROSTER_ENTRY = METADATA.tables["roster_entry"]

# The columns that make up one CriterionChoice, in codec.choice_from_columns order.
CHOICE_VALUES = (
    CHOICE.c.level,
    CHOICE.c["items"],
    CHOICE.c.points,
    CHOICE.c.adjustment,
    CHOICE.c.adjustment_comment,
    CHOICE.c.comment,
)
OBSERVATION = METADATA.tables["observation"]
EXTENSION = METADATA.tables["extension"]
PULL_STATE = METADATA.tables["pull_state"]
SUMMARY = METADATA.tables["submission_summary"]


class CredentialRow(GradebookTable, table=True):
    """A signed microcredential, issued once per (student, badge). Append-only."""

    __tablename__ = "credential"
    __table_args__ = (UniqueConstraint("student_id", "badge_id"), UniqueConstraint("status_index"))

    id: str = Field(primary_key=True, sa_type=Text)
    student_id: str = Field(sa_type=Text)
    badge_id: str = Field(sa_type=Text)
    status_index: int = Field(sa_type=Integer)
    issued_at: str = Field(sa_type=Text)
    issued_by: str = Field(sa_type=Text)
    key_id: str = Field(sa_type=Text)
    document: str = Field(sa_type=Text)
    """The signed credential JSON, exactly as handed to the learner."""


class CredentialReviewRow(GradebookTable, table=True):
    """A credential flagged for review (reason) or cleared (empty reason); the latest row stands."""

    __tablename__ = "credential_review"
    __table_args__ = (
        Index(None, "credential_id"),
        ForeignKeyConstraint(["credential_id"], ["credential.id"]),
    )

    id: int | None = Field(default=None, primary_key=True)
    credential_id: str = Field(sa_type=Text)
    reason: str = Field(sa_type=Text)
    at: str = Field(sa_type=Text)
    by: str = Field(sa_type=Text)


class RevocationRow(GradebookTable, table=True):
    """A revoked credential. Append-only: a revocation cannot be undone."""

    __tablename__ = "revocation"
    __table_args__ = (ForeignKeyConstraint(["credential_id"], ["credential.id"]),)

    credential_id: str = Field(primary_key=True, sa_type=Text)
    revoked_at: str = Field(sa_type=Text)
    reason: str = Field(sa_type=Text)
    revoked_by: str = Field(sa_type=Text)


CREDENTIAL = METADATA.tables["credential"]
CREDENTIAL_REVIEW = METADATA.tables["credential_review"]
REVOCATION = METADATA.tables["revocation"]

# The autograde layer's tables live in their own module; importing it registers them on METADATA.
from grader.store import (  # noqa: E402, F401  (after METADATA and GradebookTable exist)
    anonymity_tables,
    autograde_tables,
    claim_tables,
    moderation_tables,
    similarity_tables,
    split_tables,
)
