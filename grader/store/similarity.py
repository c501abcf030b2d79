"""The store's part of similar submissions: cached pair results, runs, and verdicts (each
verdict append-only, with its audit entry in the same transaction)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import insert, select
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from grader.domain.similarity import VERDICT_RECORDED
from grader.domain.similarity_pairs import PairScore
from grader.domain.similarity_records import (
    PairKey,
    SimilarityRun,
    StoredPair,
    Verdict,
    fragments_from_json,
    fragments_to_json,
)
from grader.store import records
from grader.store.base import ID_CHUNK, StoreBase, serialise
from grader.store.codec import dump_json, load_json_dict, parse_timestamp, timestamp
from grader.store.similarity_tables import SIMILARITY_PAIR, SIMILARITY_RUN, SIMILARITY_VERDICT

NewPair = tuple[PairKey, PairScore, str]
"""A pair computed by this run: its key, its score, where b's files are."""


class SimilarityAccess(StoreBase):
    """Similarity runs, their cached pairs and the verdicts; one unit of work per method."""

    def cached_pairs(self, assignment_id: str, cache_keys: Sequence[str]) -> dict[PairKey, StoredPair]:
        """The stored pairs of the assignment computed under any of ``cache_keys``."""
        c = SIMILARITY_PAIR.c
        wanted = sorted(set(cache_keys))
        found: dict[PairKey, StoredPair] = {}
        with self._reading() as session:
            for start in range(0, len(wanted), ID_CHUNK):
                chunk = wanted[start : start + ID_CHUNK]
                rows = session.execute(
                    select(SIMILARITY_PAIR).where(c.assignment_id == assignment_id, c.cache_key.in_(chunk))
                )
                for row in rows:
                    pair = _pair(row)
                    found[pair.key] = pair
        return found

    def save_similarity_run(
        self,
        assignment_id: str,
        new_pairs: Sequence[NewPair],
        reused_ids: Sequence[int],
        settings: dict[str, object],
        *,
        actor: str,
        now: datetime,
    ) -> SimilarityRun:
        """Keep the pairs this run computed (one already kept by a run at the same time is
        reused) and the run itself, in one transaction."""
        at = timestamp(now)
        ids = list(reused_ids)
        with self._writing() as session:
            serialise(session, "similarity", assignment_id)
            keys = {key for key, _, _ in new_pairs}
            kept = _ids_of(session, assignment_id, keys)  # kept by a run at the same time
            rows = [_pair_values(key, s, source, at) for key, s, source in new_pairs if key not in kept]
            for start in range(0, len(rows), ID_CHUNK):
                session.execute(insert(SIMILARITY_PAIR), rows[start : start + ID_CHUNK])
            kept = _ids_of(session, assignment_id, keys)
            ids.extend(kept[key] for key, _, _ in new_pairs)
            session.execute(
                insert(SIMILARITY_RUN).values(
                    assignment_id=assignment_id,
                    at=at,
                    actor=actor,
                    settings=dump_json(settings),
                    pair_ids=json.dumps(ids),
                    compared=len(new_pairs),
                    reused=len(reused_ids),
                )
            )
        return SimilarityRun(
            assignment_id, parse_timestamp(at), actor, settings, tuple(ids), len(new_pairs), len(reused_ids)
        )

    def latest_similarity_run(self, assignment_id: str) -> tuple[SimilarityRun, list[StoredPair]] | None:
        """The assignment's latest run and its pairs, or None when it was never run."""
        c = SIMILARITY_RUN.c
        with self._reading() as session:
            row = session.execute(
                select(SIMILARITY_RUN).where(c.assignment_id == assignment_id).order_by(c.id.desc()).limit(1)
            ).one_or_none()
            if row is None:
                return None
            ids = [int(value) for value in json.loads(row.pair_ids)]
            pairs: list[StoredPair] = []
            for start in range(0, len(ids), ID_CHUNK):
                chunk = ids[start : start + ID_CHUNK]
                found = session.execute(select(SIMILARITY_PAIR).where(SIMILARITY_PAIR.c.id.in_(chunk)))
                pairs.extend(_pair(pair) for pair in found)
        run = SimilarityRun(
            assignment_id,
            parse_timestamp(row.at),
            row.actor,
            load_json_dict(row.settings),
            tuple(ids),
            row.compared,
            row.reused,
        )
        return run, pairs

    def record_similarity_verdict(self, verdict: Verdict, details: dict[str, object]) -> Verdict:
        """Append a verdict on a pair, with its audit entry (``details``), in one transaction."""
        at = timestamp(verdict.at)
        with self._writing() as session:
            session.execute(
                insert(SIMILARITY_VERDICT).values(
                    at=at,
                    actor=verdict.actor,
                    assignment_id=verdict.assignment_id,
                    student_a=verdict.a,
                    student_b=verdict.b,
                    verdict=verdict.verdict,
                    note=verdict.note,
                )
            )
            records.append_audit(session, VERDICT_RECORDED, details, actor=verdict.actor, at=at)
        return verdict

    def similarity_verdicts(self, assignment_id: str) -> dict[tuple[str, str], Verdict]:
        """The verdict in force (the latest) on each pair of the assignment that has one."""
        c = SIMILARITY_VERDICT.c
        found: dict[tuple[str, str], Verdict] = {}
        with self._reading() as session:
            rows = session.execute(
                select(SIMILARITY_VERDICT).where(c.assignment_id == assignment_id).order_by(c.id)
            )
            for row in rows:
                found[(row.student_a, row.student_b)] = Verdict(
                    row.assignment_id,
                    row.student_a,
                    row.student_b,
                    row.verdict,
                    row.note,
                    row.actor,
                    parse_timestamp(row.at),
                )
        return found


def _ids_of(session: Session, assignment_id: str, keys: set[PairKey]) -> dict[PairKey, int]:
    """The ids of the stored pairs among ``keys``."""
    c = SIMILARITY_PAIR.c
    wanted = sorted({key.cache_key for key in keys})
    found: dict[PairKey, int] = {}
    for start in range(0, len(wanted), ID_CHUNK):
        statement = select(c.id, *(getattr(c, name) for name in _KEY_COLUMNS)).where(
            c.assignment_id == assignment_id, c.cache_key.in_(wanted[start : start + ID_CHUNK])
        )
        for row in session.execute(statement):
            key = PairKey(
                assignment_id, row.student_a, row.student_b, row.commit_a, row.commit_b, row.cache_key
            )
            if key in keys:
                found[key] = int(row.id)
    return found


_KEY_COLUMNS = ("student_a", "student_b", "commit_a", "commit_b", "cache_key")


def _pair_values(key: PairKey, score: PairScore, source_b: str, at: str) -> dict[str, object]:
    return {
        "assignment_id": key.assignment_id,
        "student_a": key.a,
        "student_b": key.b,
        "commit_a": key.commit_a,
        "commit_b": key.commit_b,
        "cache_key": key.cache_key,
        "source_b": source_b,
        "similarity_a": str(score.similarity_a),
        "similarity_b": str(score.similarity_b),
        "fragments": json.dumps(fragments_to_json(score.fragments)),
        "computed_at": at,
    }


def _pair(row: Row[tuple[object, ...]]) -> StoredPair:
    m = row._mapping
    key = PairKey(
        str(m["assignment_id"]),
        str(m["student_a"]),
        str(m["student_b"]),
        str(m["commit_a"]),
        str(m["commit_b"]),
        str(m["cache_key"]),
    )
    score = PairScore(
        key.a,
        key.b,
        Decimal(str(m["similarity_a"])),
        Decimal(str(m["similarity_b"])),
        fragments_from_json(json.loads(str(m["fragments"]))),
    )
    return StoredPair(int(str(m["id"])), key, score, str(m["source_b"]))
