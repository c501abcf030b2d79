"""The core is importable without the TUI or the CLI libraries loaded; modules and functions stay small."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

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


MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def oversized(package: Path) -> list[str]:
    """Each module over MAX_MODULE_LINES and each function or method over MAX_FUNCTION_LINES."""
    found = []
    for path in sorted(package.rglob("*.py")):
        if "migrations" in path.relative_to(package).parts:
            continue
        source = path.read_text(encoding="utf-8")
        name = path.relative_to(package.parent).as_posix()
        lines = source.count("\n")
        if lines > MAX_MODULE_LINES:
            found.append(f"{name}: {lines} lines (module limit {MAX_MODULE_LINES})")
        for node in ast.walk(ast.parse(source, filename=str(path))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    found.append(
                        f"{name}:{node.lineno} {node.name}: {length} lines (function limit {MAX_FUNCTION_LINES})"
                    )
    return found


def test_no_module_or_function_in_grader_is_oversized() -> None:
    package = Path(__file__).resolve().parent.parent / "grader"
    found = oversized(package)
    assert not found, "split these by responsibility:\n" + "\n".join(found)


def test_the_size_check_names_a_long_module_and_a_long_method(tmp_path: Path) -> None:
    package = tmp_path / "grader"
    (package / "store" / "migrations").mkdir(parents=True)
    body = "".join(f"        x = {i}\n" for i in range(60))
    (package / "widgets.py").write_text(f"class Panel:\n    def refresh(self):\n{body}")
    (package / "big.py").write_text("".join(f"X{i} = {i}\n" for i in range(401)))
    (package / "fine.py").write_text("".join(f"X{i} = {i}\n" for i in range(400)))
    (package / "store" / "migrations" / "0001.py").write_text("".join(f"X{i} = {i}\n" for i in range(900)))
    assert oversized(package) == [
        "grader/big.py: 401 lines (module limit 400)",
        "grader/widgets.py:2 refresh: 61 lines (function limit 60)",
    ]


def test_the_size_check_accepts_a_function_of_exactly_the_limit(tmp_path: Path) -> None:
    package = tmp_path / "grader"
    package.mkdir()
    body = "".join(f"    x = {i}\n" for i in range(59))
    (package / "steps.py").write_text(f"async def step():\n{body}")
    assert oversized(package) == []
