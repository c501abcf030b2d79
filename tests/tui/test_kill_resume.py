"""Killed mid-grading: every choice made before the kill is in the gradebook when the course reopens."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from grader.gradebook.context import open_course
from grader.gradebook.status import submission_statuses

A1 = "a1-calculator"

CHILD = r"""
import asyncio, json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from grading_harness import Harness
from grader.gradebook.context import open_course
from grader.tui.screens.grading import GradingScreen

async def settled(pilot, screen, student_id):
    for _ in range(1000):
        await pilot.pause(0.02)
        if screen.loaded and screen.loaded.student.student_id == student_id and screen.saves.pending == 0:
            return
    raise SystemExit("never settled")

async def main(root):
    with open_course(Path(root), actor="ta-kill") as ctx:
        roster = [s.student_id for s in ctx.files.students]
        screen = GradingScreen(ctx, "a1-calculator", roster[0])
        async with Harness(screen).run_test(size=(160, 45)) as pilot:
            await settled(pilot, screen, roster[0])
            await pilot.press("1", "2", "0", "3", "0", "n")
            await settled(pilot, screen, roster[1])
            await pilot.press("4", "3")
            await settled(pilot, screen, roster[1])
            print(json.dumps({"acknowledged": [roster[0], roster[1]]}), flush=True)
            await pilot.press("j")
            print(json.dumps({"grading": screen.state.focused.id}), flush=True)
            while True:  # mid-grading until killed
                await asyncio.sleep(1)

asyncio.run(main(sys.argv[1]))
"""


def test_a_killed_app_loses_no_choice(demo_root: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(demo_root), str(Path(__file__).parent)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "GRADER_USER": "ta-kill"},
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line, f"the child ended early: {child.stderr.read() if child.stderr else ''}"
        acknowledged = json.loads(line)["acknowledged"]
        still = child.stdout.readline()
        assert json.loads(still) == {"grading": "readme"}, "j moved on: the app still answers keys"
        assert child.poll() is None, "still running, mid-grading"
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    first, second = acknowledged
    with open_course(demo_root, actor="someone-else") as ctx:
        done = ctx.store.grade(A1, first).choices
        assert {cid: (c.level, c.items) for cid, c in done.items()} == {
            "correctness": ("Exemplary", None),
            "cli": ("Proficient", None),
            "code-quality": (None, ()),
            "readme": ("Minimal", None),
            "git-practice": (None, ()),
        }
        partial = ctx.store.grade(A1, second).choices
        assert {cid: c.level for cid, c in partial.items()} == {
            "correctness": "Beginning",
            "cli": "Developing",
        }
        statuses = {s.student_id: s for s in submission_statuses(ctx, [A1])}
        assert statuses[first].status == "graded" and statuses[first].graded_by == "ta-kill"
        assert statuses[second].status == "in progress"
        assert ctx.store.integrity_check() == "ok"
