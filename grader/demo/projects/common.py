"""What the demo projects are made of: steps of work, each a commit message and changed files."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

LONG_NAME = (
    "assignment_final_version_really_final_this_time_v2_"
    "after_office_hours_with_the_TA_fixed_the_last_bug_and_added_more_tests_"
    "please_ignore_the_other_copies_in_this_folder_they_are_old_and_do_not_work_"
    "keep_only_this_one_for_grading_thanks_2026.txt"
)
"""A 243-byte file name: long, yet short enough (< 255 bytes) for common file systems."""

ODD_FILES = {
    "notes for the TA (draft 2).txt": "Questions for office hours:\n- is rounding allowed?\n",
    "Übung 1 – Lösung ✓.md": "# Übung 1\n\nMeine Lösung, mit Umlauten und einem Häkchen ✓.\n",
    "数据/说明.txt": "这是我的笔记。\n",
    "-old-version.txt": "an older attempt, kept by accident\n",
    LONG_NAME: "see README.md\n",
}
"""File names that break naive tools: spaces, non-Latin scripts, a leading dash, great length."""

TERSE_MESSAGES = ("wip", "update", "fix", "more changes", "fixes", "asdf", "stuff")
TERSE_LAST = ("final", "done i think", "finished", "submit")


@dataclass(frozen=True)
class Step:
    message: str
    files: dict[str, str] = field(default_factory=dict)
    """Files added or replaced by this step."""


def with_odd_files(steps: list[Step]) -> list[Step]:
    """The same work, plus a step that adds oddly named files before the last step."""
    odd = Step("Add my notes and an old copy", dict(ODD_FILES))
    return [*steps[:-1], odd, steps[-1]]


def terse(steps: list[Step], rng: random.Random) -> list[Step]:
    """The same work described the way a hurried student writes commit messages."""
    messages = [rng.choice(TERSE_MESSAGES) for _ in steps[:-1]] + [rng.choice(TERSE_LAST)]
    return [Step(message, step.files) for message, step in zip(messages, steps, strict=True)]
