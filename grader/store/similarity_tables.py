"""Similar submissions' tables (migration 0012), registered on the gradebook's METADATA.

Imported by grader.store.tables, so every user of METADATA sees them.
"""

from __future__ import annotations

from sqlalchemy import Index, Integer, Text
from sqlmodel import Field

from grader.store.tables import METADATA, GradebookTable


class SimilarityPairRow(GradebookTable, table=True):
    """One compared pair's result, cached by both sides' commits and the run's settings."""

    __tablename__ = "similarity_pair"
    __table_args__ = (
        Index(
            "ix_similarity_pair_key",
            "assignment_id",
            "student_a",
            "student_b",
            "commit_a",
            "commit_b",
            "cache_key",
            unique=True,
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    assignment_id: str = Field(sa_type=Text)
    student_a: str = Field(sa_type=Text)
    student_b: str = Field(sa_type=Text)
    commit_a: str = Field(sa_type=Text)
    commit_b: str = Field(sa_type=Text)
    cache_key: str = Field(sa_type=Text)
    source_b: str = Field(sa_type=Text)
    similarity_a: str = Field(sa_type=Text)
    similarity_b: str = Field(sa_type=Text)
    fragments: str = Field(sa_type=Text)
    computed_at: str = Field(sa_type=Text)


class SimilarityRunRow(GradebookTable, table=True):
    """One run of ``grader similarity``: its settings and the pairs it found."""

    __tablename__ = "similarity_run"
    __table_args__ = (Index(None, "assignment_id"),)

    id: int | None = Field(default=None, primary_key=True)
    assignment_id: str = Field(sa_type=Text)
    at: str = Field(sa_type=Text)
    actor: str = Field(sa_type=Text)
    settings: str = Field(sa_type=Text)
    pair_ids: str = Field(sa_type=Text)
    compared: int = Field(sa_type=Integer)
    reused: int = Field(sa_type=Integer)


class SimilarityVerdictRow(GradebookTable, table=True):
    """A grader's verdict on a pair. Append-only: triggers refuse UPDATE and DELETE."""

    __tablename__ = "similarity_verdict"
    __table_args__ = (Index(None, "assignment_id", "student_a", "student_b"),)

    id: int | None = Field(default=None, primary_key=True)
    at: str = Field(sa_type=Text)
    actor: str = Field(sa_type=Text)
    assignment_id: str = Field(sa_type=Text)
    student_a: str = Field(sa_type=Text)
    student_b: str = Field(sa_type=Text)
    verdict: str = Field(sa_type=Text)
    note: str = Field(sa_type=Text)


SIMILARITY_PAIR = METADATA.tables["similarity_pair"]
SIMILARITY_RUN = METADATA.tables["similarity_run"]
SIMILARITY_VERDICT = METADATA.tables["similarity_verdict"]
