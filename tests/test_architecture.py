"""The core is importable without the TUI or the CLI libraries loaded."""

from __future__ import annotations

import subprocess
import sys

CORE = [
    "grader.domain.scoring",
    "grader.files.course",
    "grader.store",
    "grader.git",
    "grader.gradebook.status",
    "grader.gradebook.mastery",
    "grader.demo",
]


def test_core_modules_do_not_load_textual_or_click() -> None:
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in CORE)
        + "print(sorted(m for m in ('textual', 'click') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_domain_loads_no_database_or_yaml_library() -> None:
    code = (
        "import sys, grader.domain.scoring, grader.domain.events\n"
        "print(sorted(m for m in ('sqlalchemy', 'sqlmodel', 'yaml', 'subprocess') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_commands_that_need_no_gradebook_do_not_load_the_database_libraries(course_dir) -> None:  # type: ignore[no-untyped-def]
    code = (
        "import sys\nfrom grader.cli.main import main\n"
        f"code = main(['--course', {str(course_dir)!r}, 'check'])\n"
        "print(code, 'sqlalchemy' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "0 False"


def test_every_command_is_registered_where_the_lazy_map_says() -> None:
    import importlib

    from grader.cli.main import COMMANDS, cli

    for module in set(COMMANDS.values()):
        importlib.import_module(module)
    assert set(cli.commands) == set(COMMANDS), "a command missing from COMMANDS would not load lazily"


def test_a_command_loads_only_what_it_needs(course_dir) -> None:  # type: ignore[no-untyped-def]
    heavy = ("pyld", "fpdf", "PIL", "segno", "sqlalchemy")
    code = (
        "import sys\nfrom grader.cli.main import main\n"
        f"code = main(['--course', {str(course_dir)!r}, 'check'])\n"
        f"print(code, sorted(m for m in {heavy!r} if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "0 []"


def test_a_grade_that_issues_nothing_loads_no_signing_or_pdf_library(course_dir) -> None:  # type: ignore[no-untyped-def]
    code = (
        "import sys\nfrom grader.cli.main import main\n"
        f"code = main(['--course', {str(course_dir)!r}, 'grade', 'a1-calculator', '--student', '00123', "
        "'--criterion', 'correctness', '--level', 'Proficient'])\n"
        "print(code, sorted(m for m in ('pyld', 'fpdf', 'PIL', 'segno') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "0 []", done.stderr
