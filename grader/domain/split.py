"""Splitting one assignment's grading across a team: pure, deterministic, stable when re-run.

Work is either each submission (``SUBMISSIONS``; ``SECTIONS`` keeps each roster section with one
grader) or each manually graded criterion (``CRITERIA``: its grader grades it on every
submission). Started work keeps its grader: the one the previous split gave it, else the one who
last changed it. Only unstarted work is (re)balanced, counting what each grader already holds.

The same inputs always give the same split: the team is taken in name order whatever order it
was given in, work in roster (or rubric) order. Each grader's share is computed first (the
least loaded grader gets the next item, ties to the first name), then unstarted work stays with
its previous grader while that share allows, and the rest is dealt like cards, in roster order,
to the graders in name order who still have room.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from grader.domain.errors import GraderError
from grader.domain.split_balance import deal, home_grader, shares

MAX_NAME = 100
"""Characters in a grader's name."""


class SplitMode(StrEnum):
    SUBMISSIONS = "submissions"
    SECTIONS = "sections"
    """Submissions, each roster section with one grader."""
    CRITERIA = "criteria"

    @property
    def noun(self) -> str:
        """What one item of work is, in messages."""
        return "criterion" if self is SplitMode.CRITERIA else "submission"

    @property
    def plural(self) -> str:
        return "criteria" if self is SplitMode.CRITERIA else "submissions"


@dataclass(frozen=True)
class WorkItem:
    """One submission (by student id) or one criterion (by criterion id) to split."""

    item_id: str
    started: bool = False
    """Grading began (or needs none: excused); it keeps its grader."""
    last_grader: str = ""
    """Who last changed it: its grader when no earlier split names one."""
    previous: str = ""
    """Its grader in the split being replaced ("" when none)."""
    section: str = ""

    @property
    def keeper(self) -> str:
        """The grader started work stays with ("" for unstarted work, or started work nobody
        did: an excused submission never graded)."""
        return (self.previous or self.last_grader) if self.started else ""


@dataclass(frozen=True)
class GraderShare:
    """What one grader holds in a split."""

    grader: str
    assigned: int
    started: int
    in_team: bool
    """Named in this run's team (else: a grader who keeps started work only)."""


@dataclass(frozen=True)
class SplitPlan:
    assignment_id: str
    mode: SplitMode
    team: tuple[str, ...]
    """The graders of this run, in name order."""
    owners: dict[str, str]
    """Item id → grader, in roster (or rubric) order; items nobody needs are absent."""
    started: frozenset[str]
    moved: int
    """Unstarted items the previous split gave to another grader."""
    notes: tuple[str, ...]

    def shares(self) -> list[GraderShare]:
        """Each team member (in name order), then each other grader keeping started work."""
        assigned = Counter(self.owners.values())
        started = Counter(g for item, g in self.owners.items() if item in self.started)
        others = sorted(set(assigned) - set(self.team))
        return [GraderShare(g, assigned[g], started[g], g in self.team) for g in (*self.team, *others)]


def parse_team(text: str) -> tuple[str, ...]:
    """The graders of ``--graders a,b,c``, in name order; refuses empty, duplicate (also when
    differing only in case) and unprintable names."""
    names = [part.strip() for part in text.split(",")]
    if not text.strip():
        raise GraderError("no grader is named: give names separated by commas, e.g. ta-ann,ta-ben")
    seen: dict[str, str] = {}
    for position, name in enumerate(names, start=1):
        if not name:
            raise GraderError(
                f"name {position} of {len(names)} is empty (two commas in a row, or a comma at an "
                "end?): give names separated by single commas"
            )
        if len(name) > MAX_NAME or not name.isprintable():
            raise GraderError(
                f"name {position} of {len(names)} is not usable: give at most {MAX_NAME} printable "
                "characters, the name each grader gives with --as or GRADER_USER"
            )
        twin = seen.get(name.casefold())
        if twin is not None:
            same = (
                f"{name!r} is named twice" if twin == name else f"{twin!r} and {name!r} differ only in case"
            )
            raise GraderError(f"{same}: give each grader once")
        seen[name.casefold()] = name
    return tuple(sorted(seen.values()))


def plan_split(
    assignment_id: str, mode: SplitMode, team: Sequence[str], items: Sequence[WorkItem]
) -> SplitPlan:
    """Split ``items`` (in roster or rubric order) across ``team`` (see the module's rules)."""
    team = tuple(sorted(team))
    if not team:
        raise GraderError("a split needs at least one grader")
    if not items:
        raise GraderError(f"{assignment_id} has no {mode.plural} to split")
    owners = {item.item_id: item.keeper for item in items if item.keeper}
    free = [item for item in items if not item.started]
    held = Counter(owners.values())
    if mode is SplitMode.SECTIONS:
        given = _by_section(team, free, held, items)
    else:
        quota = shares({g: held[g] for g in team}, len(free))
        given = deal(team, [(i.item_id, i.previous) for i in free], quota)
    owners.update(given)
    ordered = {item.item_id: owners[item.item_id] for item in items if item.item_id in owners}
    moved = sum(1 for item in free if item.previous and item.previous != ordered[item.item_id])
    plan = SplitPlan(
        assignment_id,
        mode,
        team,
        ordered,
        frozenset(i.item_id for i in items if i.item_id in owners and i.started),
        moved,
        (),
    )
    return replace(plan, notes=_notes(plan, items))


def _by_section(
    team: tuple[str, ...], free: Sequence[WorkItem], held: Mapping[str, int], items: Sequence[WorkItem]
) -> dict[str, str]:
    """Each section's unstarted submissions to one grader, the largest sections first: first
    each to its home grader (who holds most of it already) while that keeps the split as
    balanced as a fresh split would be, then the rest each to the grader with the least work
    (ties: the first name)."""
    sections: dict[str, list[str]] = {}
    for item in free:
        sections.setdefault(item.section, []).append(item.item_id)
    whole: dict[str, list[WorkItem]] = {}
    for item in items:
        whole.setdefault(item.section, []).append(item)
    largest_first = sorted(sections.items(), key=lambda s: (-len(s[1]), s[0]))
    load = {g: held.get(g, 0) for g in team}
    fresh = dict(load)  # the busiest grader's work in a split that ignored where work was
    _least_loaded(team, fresh, [members for _, members in largest_first])
    target = max(fresh.values())
    given: dict[str, str] = {}
    homeless: list[list[str]] = []
    for section, members in largest_first:
        home = home_grader(team, whole[section])
        if home is None or load[home] + len(members) > target:
            homeless.append(members)
            continue
        load[home] += len(members)
        given.update(dict.fromkeys(members, home))
    given.update(_least_loaded(team, load, homeless))
    return given


def _least_loaded(team: Sequence[str], load: dict[str, int], groups: Sequence[list[str]]) -> dict[str, str]:
    """Each group of items, in order, to the grader with the least work (ties: the first name);
    ``load`` is updated."""
    given: dict[str, str] = {}
    for members in groups:
        grader = min(team, key=lambda g: load[g])
        load[grader] += len(members)
        given.update(dict.fromkeys(members, grader))
    return given


def _notes(plan: SplitPlan, items: Sequence[WorkItem]) -> tuple[str, ...]:
    notes = []
    noun, plural = plan.mode.noun, plan.mode.plural
    for share in plan.shares():
        if not share.in_team:
            notes.append(
                f"{share.grader} is not among the graders but keeps {share.started:,} started "
                f"{noun if share.started == 1 else plural} (started work never moves)"
            )
    idle = [s.grader for s in plan.shares() if s.in_team and s.assigned == 0]
    if idle:
        work = f"{len(plan.owners):,} {plural}"
        if plan.mode is SplitMode.SECTIONS:
            sections = len({i.section for i in items if not i.started})
            work = f"{sections:,} section{'' if sections == 1 else 's'} (each kept whole)"
        notes.append(f"{', '.join(idle)} got nothing to grade: {work} for {len(plan.team)} graders")
    nobody = [i.item_id for i in items if i.item_id not in plan.owners]
    if nobody:
        notes.append(f"{len(nobody):,} excused {plural} need no grader and are left out")
    if plan.moved:
        notes.append(f"{plan.moved:,} unstarted {noun if plan.moved == 1 else plural} changed grader")
    return tuple(notes)


@dataclass(frozen=True)
class StoredSplit:
    """The split in force for an assignment, as the gradebook keeps it."""

    assignment_id: str
    mode: SplitMode
    owners: dict[str, str]
    """Item id → grader, in the roster (or rubric) order the split was made in."""
    assigned_at: datetime
    assigned_by: str

    def items_of(self, grader: str) -> tuple[str, ...]:
        """The items split to ``grader`` (a name matching in any case), in order."""
        wanted = grader.strip().casefold()
        return tuple(item for item, owner in self.owners.items() if owner.casefold() == wanted)

    @property
    def graders(self) -> tuple[str, ...]:
        """Everyone the split names, in name order."""
        return tuple(sorted(set(self.owners.values())))
