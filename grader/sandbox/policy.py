"""What a run may see and use: the course's ``checks:`` settings turned into a sandbox policy."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from grader.domain.course import ChecksConfig
from grader.domain.errors import GraderError
from grader.sandbox.forbidden import refuse_secret
from grader.sandbox.python_env import PythonEnvironment, python_environment


@dataclass(frozen=True)
class Limits:
    memory_mb: int = 1024
    processes: int = 128
    file_size_mb: int = 64
    output_kb: int = 256
    cpu_seconds: int = 0
    """0: the run's timeout."""

    def cpu_for(self, timeout: float) -> int:
        """The CPU seconds a run may use: the configured limit, else its timeout (at least 1)."""
        return max(1, self.cpu_seconds or int(timeout + 0.999))


@dataclass(frozen=True)
class SandboxPolicy:
    readonly_paths: tuple[Path, ...] = ()
    """Host paths visible read-only at the same path inside, beyond the system directories."""
    path_prefix: tuple[Path, ...] = ()
    """Prepended to PATH inside (for example a virtual environment's bin)."""
    limits: Limits = Limits()
    trust: bool = False
    """When no sandbox works, run unsandboxed (the course said it trusts its code)."""
    python_alias: Path | None = None
    """An interpreter that ``python`` and ``python3`` name inside, when no PATH entry has one."""


def policy_for(course_root: Path, config: ChecksConfig) -> SandboxPolicy:
    """The policy of a course's checks; refuses paths that would expose secrets, saying which."""
    course_root = course_root.resolve()
    environment = python_environment(config.python, course_root)
    extra = tuple(_configured_path(course_root, written) for written in config.paths)
    readonly = _unique(environment.readonly_paths + extra)
    for path in readonly:
        refuse_secret(path, course_root, _origin(path, environment, extra))
    return SandboxPolicy(
        readonly_paths=readonly,
        path_prefix=environment.path_prefix,
        limits=Limits(
            memory_mb=config.memory_mb,
            processes=config.processes,
            file_size_mb=config.file_size_mb,
            output_kb=config.output_kb,
            cpu_seconds=config.cpu_seconds,
        ),
        trust=config.trust,
        python_alias=environment.python_alias,
    )


def _configured_path(course_root: Path, written: str) -> Path:
    path = Path(written).expanduser()
    path = path if path.is_absolute() else course_root / path
    if not path.exists():
        raise GraderError(
            f"course.yaml checks.paths: {written!r} does not exist ({path}); "
            "list folders or files the checks need to read"
        )
    return path.resolve()


def _origin(path: Path, environment: PythonEnvironment, extra: tuple[Path, ...]) -> str:
    if path in extra:
        return "course.yaml checks.paths"
    return f"the Python environment of checks.python ({environment.described})"


def _unique(paths: tuple[Path, ...]) -> tuple[Path, ...]:
    """Each path once; a path inside another listed path is dropped (the outer one shows it)."""
    ordered = sorted(set(paths), key=lambda p: (len(p.parts), str(p)))
    kept: list[Path] = []
    for path in ordered:
        if not any(path.is_relative_to(outer) for outer in kept):
            kept.append(path)
    return tuple(kept)
