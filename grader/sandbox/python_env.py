"""Which Python environment the checks run with (course.yaml ``checks.python``), and what it needs.

A virtual environment's ``bin/python`` is a link to a base interpreter that may live anywhere
(pyenv puts it under the home folder); exactly the prefixes along that chain are shown read-only,
never a folder above them.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from grader.domain.errors import GraderError

SYSTEM_DIRS = (Path("/usr"), Path("/bin"), Path("/sbin"), Path("/lib"), Path("/lib32"), Path("/lib64"))
SYSTEM_PYTHON = Path("/usr/bin/python3")
LINK_HOPS = 16


@dataclass(frozen=True)
class PythonEnvironment:
    described: str
    readonly_paths: tuple[Path, ...]
    path_prefix: tuple[Path, ...]
    python_alias: Path | None


def python_environment(setting: str, course_root: Path) -> PythonEnvironment:
    """``grader`` (grader's own), ``system`` (/usr/bin/python3) or a virtual environment's path."""
    if setting == "grader":
        prefixes = [Path(sys.prefix), Path(sys.base_prefix), *_link_prefixes(Path(sys.executable))]
        return _environment("grader's own", Path(sys.prefix), prefixes, Path(sys.executable))
    if setting == "system":
        alias = SYSTEM_PYTHON if SYSTEM_PYTHON.exists() else None
        return PythonEnvironment("the system's /usr/bin/python3", (), (), alias)
    venv = Path(setting).expanduser()
    venv = (venv if venv.is_absolute() else course_root / venv).resolve()
    python = venv / "bin" / "python"
    if not python.exists() and not (venv / "bin" / "python3").exists():
        raise GraderError(
            f"course.yaml checks.python: {setting!r} is not a virtual environment "
            f"(no {python}); write grader, system, or the path of a virtual environment"
        )
    if not python.exists():
        python = venv / "bin" / "python3"
    prefixes = [venv, *_link_prefixes(python), *_home_prefix(venv)]
    return _environment(str(venv), venv, prefixes, python)


def _environment(described: str, prefix: Path, prefixes: list[Path], python: Path) -> PythonEnvironment:
    shown = tuple(dict.fromkeys(p.resolve() for p in prefixes if not _is_system(p.resolve())))
    bin_dir = prefix / "bin"
    has_python = (bin_dir / "python").exists()
    path_prefix = (bin_dir,) if not _is_system(bin_dir.resolve()) else ()
    return PythonEnvironment(described, shown, path_prefix, None if has_python else python)


def _is_system(path: Path) -> bool:
    return any(path.is_relative_to(system) for system in SYSTEM_DIRS)


def _link_prefixes(executable: Path) -> list[Path]:
    """The prefix (the folder above ``bin``) of every hop of an interpreter's chain of links."""
    prefixes: list[Path] = []
    current = Path(os.path.abspath(executable))  # noqa: PTH100 - absolute, links kept
    for _ in range(LINK_HOPS):
        if current.parent.name == "bin":
            prefixes.append(current.parent.parent)
        if not current.is_symlink():
            break
        current = Path(os.path.normpath(current.parent / current.readlink()))
    real = executable.resolve()
    if real.parent.name == "bin":
        prefixes.append(real.parent.parent)
    return prefixes


def _home_prefix(venv: Path) -> list[Path]:
    """The base interpreter's prefix named by pyvenv.cfg's ``home`` (its bin folder)."""
    try:
        lines = (venv / "pyvenv.cfg").read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    for line in lines:
        key, _, value = line.partition("=")
        if key.strip() == "home" and value.strip():
            home = Path(value.strip())
            return [home.parent] if home.name == "bin" else [home]
    return []
