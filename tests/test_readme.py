"""The README matches the tool: every key of every screen is in its row of the key table, the
screenshot it shows exists, and every option of `grader grade` is in its command list."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from click.testing import CliRunner
from textual.binding import Binding

from grader.cli.main import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
sys.path.insert(0, str(ROOT / "tests" / "tui"))
from test_keymap import screen_classes  # noqa: E402

ROWS = {
    "Course": ["CourseScreen"],
    "Submissions": [
        "SubmissionsScreen",
        "FilterModal",
        "AutogradeScopeModal",
        "BatchModal",
        "ChoiceModal",
        "CriterionModal",
    ],
    "Similarity": ["SimilarityScreen"],
    "Similar pair": ["PairScreen"],
    "Grading": ["GradingScreen", "OutputModal"],
    "Claimed / conflict": ["ClaimedModal", "ConflictModal", "LeaveUnsavedModal"],
    "Student": ["StudentScreen"],
    "Students": ["StudentsScreen"],
    "Badges": ["BadgesScreen"],
    "Pull": ["PullScreen"],
    "Export": ["ExportModal", "OverwriteModal"],
    "Moderation queue": ["ModerationQueueScreen"],
    "Second marking": ["SecondMarkingScreen"],
    "Dialogs": ["NoteModal", "AdjustModal", "HistoryModal", "HelpScreen"],
}
SHOWN = {"slash": "/", "asterisk": "*", "right_square_bracket": "]", "left_square_bracket": "[", "1-9": "1"}


def row(name: str) -> str:
    found = re.search(rf"^\| {re.escape(name)} \| (.*) \|$", README, re.MULTILINE)
    assert found, f"the README's key table has no row for {name}"
    return found.group(1)


def test_every_key_of_every_screen_is_in_the_readme() -> None:
    screens = {cls.__name__: cls for cls in screen_classes()}
    covered = {name for names in ROWS.values() for name in names}
    with_keys = {name for name, cls in screens.items() if any(isinstance(b, Binding) for b in cls.BINDINGS)}
    assert with_keys <= covered, f"screens with keys the table does not cover: {with_keys - covered}"
    missing = []
    for title, names in ROWS.items():
        text = row(title)
        for name in names:
            for binding in screens[name].BINDINGS:
                assert isinstance(binding, Binding)
                if binding.key in "23456789" and len(binding.key) == 1:
                    continue  # `1`–`9`
                keys = [SHOWN.get(k, k) for k in (binding.key_display or binding.key).split(",")]
                if not any(f"`{key}`" in text for key in keys):
                    missing.append(f"{title}: {name} {'/'.join(keys)} ({binding.description})")
    assert not missing, "keys the README does not list:\n" + "\n".join(missing)


def test_the_screenshot_shown_exists() -> None:
    shown = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", README)
    assert shown and all((ROOT / path).is_file() for path in shown), shown


def test_every_option_of_grade_is_in_the_command_list() -> None:
    help_text = CliRunner().invoke(cli, ["grade", "--help"]).output
    options = set(re.findall(r"^\s+(--[a-z-]+)", help_text, re.MULTILINE)) - {"--help"}
    assert {"--student", "--criterion", "--level", "--points"} <= options
    listed = " ".join(line for line in README.splitlines() if line.startswith("grader grade "))
    assert {o for o in options if o not in listed} == set()
