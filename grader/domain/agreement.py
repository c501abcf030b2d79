"""How far second marks agree with the first: per criterion and per (first, second) marker.

Exact agreement: the second mark chose the same level, the same set of ticked items or the
same points as the first mark's current choice. The point difference is the second mark's
score minus the first's (the first with its adjustment, as the student sees it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from grader.domain.choices import CriterionChoice
from grader.domain.rubric import Criterion, CriterionKind
from grader.domain.scoring import score_criterion


@dataclass(frozen=True)
class MarkPair:
    """One criterion of one moderated submission: the first mark and the second."""

    student_id: str
    criterion: Criterion
    first: CriterionChoice
    first_marker: str
    second: CriterionChoice
    second_marker: str

    @property
    def agrees(self) -> bool:
        if self.criterion.kind is CriterionKind.LEVELS:
            return self.first.level == self.second.level
        if self.criterion.kind is CriterionKind.CHECKLIST:
            return set(self.first.items or ()) == set(self.second.items or ()) and (
                (self.first.items is None) == (self.second.items is None)
            )
        return self.first.points == self.second.points

    @property
    def difference(self) -> Decimal | None:
        """Second minus first, in points; None when either is not scored."""
        first = score_criterion(self.criterion, self.first)
        second = score_criterion(self.criterion, self.second)
        return None if first is None or second is None else second - first


@dataclass(frozen=True)
class Agreement:
    """The figures of one group of pairs (a criterion, or a pair of markers)."""

    key: str
    marks: int
    agreed: int
    mean_difference: Decimal | None

    @property
    def share(self) -> Decimal:
        """Exact agreement as a share in [0, 1] (0 when there is nothing to compare)."""
        return Decimal(self.agreed) / self.marks if self.marks else Decimal(0)


@dataclass(frozen=True)
class AgreementReport:
    overall: Agreement
    by_criterion: tuple[Agreement, ...]
    by_markers: tuple[Agreement, ...]
    """Keyed "first → second"."""
    disagreements: tuple[MarkPair, ...]


def agreement(key: str, pairs: Iterable[MarkPair]) -> Agreement:
    listed = list(pairs)
    differences = [d for p in listed if (d := p.difference) is not None]
    mean = sum(differences, Decimal(0)) / len(differences) if differences else None
    return Agreement(key, len(listed), sum(1 for p in listed if p.agrees), mean)


def agreement_report(pairs: Sequence[MarkPair], criterion_order: Sequence[str]) -> AgreementReport:
    """The report: criteria in rubric order, marker pairs by name, disagreements by student."""
    by_criterion = [
        agreement(cid, [p for p in pairs if p.criterion.id == cid])
        for cid in criterion_order
        if any(p.criterion.id == cid for p in pairs)
    ]
    markers = sorted({(p.first_marker, p.second_marker) for p in pairs})
    by_markers = [
        agreement(
            f"{first} → {second}", [p for p in pairs if (p.first_marker, p.second_marker) == (first, second)]
        )
        for first, second in markers
    ]
    order = {cid: n for n, cid in enumerate(criterion_order)}
    disagreements = sorted(
        (p for p in pairs if not p.agrees),
        key=lambda p: (p.student_id, order.get(p.criterion.id, len(order))),
    )
    return AgreementReport(
        agreement("all", pairs), tuple(by_criterion), tuple(by_markers), tuple(disagreements)
    )
