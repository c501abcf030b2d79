"""Which credentials to issue, keep or flag for review, from the badge evaluations and those issued.

A credential is issued only for a badge earned (every requirement met on final grades); one whose
holder no longer meets its badge is flagged for a person to review, never revoked automatically.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from grader.domain.mastery import BadgeEvaluation, BadgeStatus


@dataclass(frozen=True)
class ReviewDue:
    """An issued credential whose holder no longer meets its badge: for a person to review."""

    student_id: str
    badge_id: str
    reasons: tuple[str, ...]
    evaluation: BadgeEvaluation | None
    """None when the badge or the student is no longer in the course."""


@dataclass(frozen=True)
class CredentialPlan:
    issue: tuple[BadgeEvaluation, ...]
    """Earned and not issued yet."""
    keep: tuple[BadgeEvaluation, ...]
    """Issued and still earned (or undetermined for now)."""
    review: tuple[ReviewDue, ...]
    """Issued but no longer earned: flag for review, never revoke automatically."""


def plan_credentials(
    issued: Iterable[tuple[str, str]], evaluations: Iterable[BadgeEvaluation]
) -> CredentialPlan:
    """Compare issued (student id, badge id) pairs with the current evaluations."""
    already = set(issued)
    issue: list[BadgeEvaluation] = []
    keep: list[BadgeEvaluation] = []
    review: list[ReviewDue] = []
    seen: set[tuple[str, str]] = set()
    for evaluation in evaluations:
        key = (evaluation.student_id, evaluation.badge_id)
        seen.add(key)
        status = evaluation.status
        if key not in already:
            if status is BadgeStatus.EARNED:
                issue.append(evaluation)
        elif status is BadgeStatus.NOT_YET:
            review.append(ReviewDue(*key, evaluation.shortfalls(), evaluation))
        else:
            keep.append(evaluation)
    for student_id, badge_id in sorted(already - seen):
        review.append(
            ReviewDue(student_id, badge_id, ("the badge or the student is no longer in the course",), None)
        )
    return CredentialPlan(tuple(issue), tuple(keep), tuple(review))
