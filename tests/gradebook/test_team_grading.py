"""A team of 8 graders in 8 processes on one gradebook (an SQLite file, then PostgreSQL): 400+
choices on a few shared submissions, most on different criteria, some on the same one. No update
is lost, every refused attempt is recorded, nothing is "database is locked", and `grader log`
lists every change."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from itertools import pairwise
from pathlib import Path

import pytest
from summary_helpers import BACKENDS, database, opened

from grader.cli.main import main
from grader.domain.choices import CriterionChoice
from grader.domain.events import EventOutcome, EventSource, GradeEvent

A1 = "a1-calculator"
GRADERS = 8
CHOICES = 55  # each: 440 in all, before the choices kept over a conflict

Attempt = tuple[str, str, str, str, int, int | None, dict[str, object]]
"""(outcome, actor, student, criterion, based on, version made, choice) as a worker reported it."""


def _run_team(course_dir: Path, url: str | None) -> list[Attempt]:
    worker = Path(__file__).with_name("team_worker.py")
    processes = [
        subprocess.Popen(
            [sys.executable, str(worker), str(course_dir), url or "-", str(n), str(CHOICES)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(GRADERS)
    ]
    try:
        for process in processes:
            assert process.stdout is not None and process.stdout.readline().strip() == "ready"
        for process in processes:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        attempts: list[Attempt] = []
        for n, process in enumerate(processes):
            out, err = process.communicate(timeout=300)
            assert "locked" not in err.lower(), err
            assert process.returncode == 0, err
            for line in out.splitlines():
                outcome, student, criterion, based_on, version, choice = json.loads(line)
                attempts.append((outcome, f"ta-{n}", student, criterion, based_on, version, choice))
        return attempts
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)


def _key(event: GradeEvent) -> tuple[str, str, str, int, str]:
    return (event.actor, event.student_id, event.criterion_id, event.version, json.dumps(event.new.to_dict()))


@pytest.mark.parametrize("backend", BACKENDS)
def test_eight_graders_lose_nothing_and_the_log_lists_every_change(
    course_dir: Path, backend: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with database(backend) as url:
        with opened(course_dir, url):
            pass  # the gradebook exists before the graders open it
        attempts = _run_team(course_dir, url)
        with opened(course_dir, url) as ctx:
            events = ctx.store.events(A1)
            grades = ctx.store.grades(A1)
        database_args = ["--db", url] if url else []
        assert main(["--course", str(course_dir), *database_args, "log", "--json", "--grades-only"]) == 0
    logged = [json.loads(line) for line in capsys.readouterr().out.splitlines()]

    outcomes = Counter(attempt[0] for attempt in attempts)
    assert len(attempts) >= GRADERS * CHOICES >= 400
    assert outcomes["saved"] > 200 and outcomes["conflict"] > 10, outcomes
    assert {e.source for e in events} == {EventSource.GRADER}

    # Every refused attempt is recorded, as the attempt it was (the version it was based on).
    refused = Counter(_key(e) for e in events if e.outcome is EventOutcome.CONFLICT)
    reported = Counter((a[1], a[2], a[3], a[4], json.dumps(a[6])) for a in attempts if a[0] == "conflict")
    assert refused == reported

    # Every change is a save a grader was told of (a save equal to the choice there makes none).
    applied = [e for e in events if e.outcome is EventOutcome.APPLIED]
    saves = {(a[1], a[2], a[3], a[5], json.dumps(a[6])): a for a in attempts if a[0] == "saved"}
    assert all(_key(e) in saves for e in applied)
    assert len(applied) > 200

    # No lost update: nobody else changed the criterion between the version a save was based on
    # and the version it made; and each criterion's choice is its latest change.
    by_criterion: dict[tuple[str, str], list[GradeEvent]] = {}
    for event in applied:
        by_criterion.setdefault((event.student_id, event.criterion_id), []).append(event)
    for event in applied:
        based_on = saves[_key(event)][4]
        between = [
            other
            for other in by_criterion[(event.student_id, event.criterion_id)]
            if based_on < other.version < event.version
        ]
        assert between == [], f"{event} overwrote {between} unseen"
    for (student, criterion), changes in by_criterion.items():
        for before, after in pairwise(changes):
            assert after.old == before.new
        assert grades[student].choices.get(criterion, CriterionChoice()) == changes[-1].new

    # `grader log --json` lists every event, in order.
    assert [entry["id"] for entry in logged] == [e.id for e in events]
    assert Counter(entry["outcome"] for entry in logged) == Counter(e.outcome.value for e in events)
