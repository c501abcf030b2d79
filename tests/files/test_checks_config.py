"""course.yaml's checks: settings: read, kept in the course snapshot, and never exposing secrets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grader.domain.course import ChecksConfig
from grader.domain.course_json import course_from_dict, course_to_dict, is_current
from grader.domain.errors import ValidationFailed
from grader.files.course import load_course


def set_checks(course_dir: Path, block: str) -> None:
    course_yaml = course_dir / "course.yaml"
    text = course_yaml.read_text()
    start = text.find("# How the rubrics' autograded checks run")
    start = start if start >= 0 else text.index("\nchecks:") + 1
    course_yaml.write_text(text[:start] + block)


def checks_problems(course_dir: Path, block: str) -> list[str]:
    set_checks(course_dir, block)
    with pytest.raises(ValidationFailed) as info:
        load_course(course_dir)
    return [str(p) for p in info.value.problems]


def test_the_skeleton_states_the_default_checks(course_dir: Path) -> None:
    assert load_course(course_dir).course.checks == ChecksConfig()


def test_checks_settings_are_read_and_kept_in_the_course_snapshot(course_dir: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").write_text("")
    (course_dir / "data").mkdir()
    set_checks(
        course_dir,
        f"checks:\n  trust: true\n  python: {venv}\n  paths: [data, /usr/share]\n  jobs: 8\n"
        "  limits: {memory_mb: 512, processes: 64, file_size_mb: 8, output_kb: 64, cpu_seconds: 30}\n",
    )
    course = load_course(course_dir).course
    checks = course.checks
    assert (checks.trust, checks.python, checks.paths, checks.jobs) == (
        True,
        str(venv),
        ("data", "/usr/share"),
        8,
    )
    assert (
        checks.memory_mb,
        checks.processes,
        checks.file_size_mb,
        checks.output_kb,
        checks.cpu_seconds,
    ) == (
        512,
        64,
        8,
        64,
        30,
    )
    stored = json.loads(json.dumps(course_to_dict(course)))
    assert is_current(stored) and course_from_dict(stored) == course
    older = {**stored, "format": stored["format"].rsplit(" ", 1)[0] + " 0"}
    assert not is_current(older)


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ("checks:\n  trust: yes\n", ['38 checks.trust: expected true or false, got "yes"']),
        ("checks:\n  jobs: 0\n", ["38 checks.jobs: expected a whole number from 1 to 64, got 0"]),
        (
            "checks:\n  limits: {memory_mb: 1}\n",
            ["38 checks.limits.memory_mb: expected a whole number from 32 to 65536, got 1"],
        ),
        (
            "checks:\n  limits: {processes: -1, output_kb: 10000000, cpu_seconds: 3601}\n",
            [
                "38 checks.limits.cpu_seconds: expected a whole number from 0 to 3600, got 3601",
                "38 checks.limits.output_kb: expected a whole number from 1 to 65536, got 10000000",
                "38 checks.limits.processes: expected a whole number from 1 to 4096, got -1",
            ],
        ),
        (
            "checks:\n  sandbox: none\n",
            ["38 checks.sandbox: unknown field (expected one of: jobs, limits, paths, python, trust)"],
        ),
        (
            "checks:\n  python: /nowhere/venv\n",
            [
                "38 checks.python: expected grader, system, or a virtual environment (absolute, or relative "
                'to the course folder) holding bin/python, got "/nowhere/venv"'
            ],
        ),
        (
            "checks:\n  paths: [missing]\n",
            ['38 checks.paths[0]: "missing" does not exist (absolute, or relative to the course folder)'],
        ),
    ],
)
def test_bad_checks_settings_are_located(course_dir: Path, block: str, expected: list[str]) -> None:
    assert checks_problems(course_dir, block) == ["course.yaml:" + e for e in expected]


@pytest.mark.parametrize(
    ("path", "why"),
    [
        (".", "it holds the course folder {course} (and its gradebook and keys)"),
        ("..", "it holds the course folder {course} (and its gradebook and keys)"),
        (".grader", "it holds {course}/.grader"),
        (".grader/keys", "it is inside {course}/.grader"),
        ("/", "it is the whole file system"),
        ("/proc/self", "it is inside /proc, which the sandbox makes anew"),
    ],
)
def test_checks_paths_never_expose_the_gradebook_or_keys(course_dir: Path, path: str, why: str) -> None:
    (course_dir / ".grader" / "keys").mkdir(parents=True)
    found = checks_problems(course_dir, f"checks:\n  paths: [{json.dumps(path)}]\n")
    resolved_why = why.format(course=course_dir.resolve())
    assert found == [
        f'course.yaml:38 checks.paths[0]: "{path}" may not be shown to the checks: {resolved_why}'
    ]


def test_a_venv_inside_grader_is_refused(course_dir: Path) -> None:
    venv = course_dir / ".grader" / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python3").write_text("")
    found = checks_problems(course_dir, "checks:\n  python: .grader/venv\n")
    assert found == [
        f'course.yaml:38 checks.python: ".grader/venv" may not be shown to the checks: it is inside '
        f"{course_dir.resolve()}/.grader"
    ]


def test_the_home_directory_is_refused(
    course_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    home = tmp_path / "home" / "ta"
    home.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    found = checks_problems(course_dir, f"checks:\n  paths: [{home}, {home.parent}, {home / '..' / 'ta'}]\n")
    assert [p.split(": ", 1)[0] for p in found] == [f"course.yaml:38 checks.paths[{i}]" for i in range(3)]
    assert all(p.endswith(f"may not be shown to the checks: it holds the home folder {home}") for p in found)
    (home / ".ssh").mkdir()
    found = checks_problems(course_dir, "checks:\n  paths: [~/.ssh]\n")
    assert found == [
        f'course.yaml:38 checks.paths[0]: "~/.ssh" may not be shown to the checks: it holds {home}/.ssh'
    ]
