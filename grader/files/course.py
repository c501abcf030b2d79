"""A course folder (course.yaml, roster, rubrics) read as a whole, reporting every problem."""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import string
from dataclasses import replace
from pathlib import Path

from grader.domain.course import Assignment, Badge, ChecksConfig, Course, Issuer, LatePolicy, Sources
from grader.domain.errors import GraderError, Problem, ValidationFailed
from grader.domain.exposure import exposure_problem
from grader.domain.roster import Student
from grader.domain.rubric import Rubric
from grader.files.check_spec import ChecksSpec
from grader.files.loaded import CourseFiles as CourseFiles
from grader.files.reading import recording_digests
from grader.files.roster import load_roster
from grader.files.rubric import load_rubric
from grader.files.schema import CourseSpec
from grader.files.strict_yaml import PathKey, YamlDocument, field_path, load_yaml, show
from grader.files.validate import validate

COURSE_FILE = "course.yaml"
PLACEHOLDERS = frozenset({"github", "student_id", "course"})


def _placeholder_problems(doc: YamlDocument, index: int, template: str) -> list[Problem]:
    path = ("assignments", index, "repo")
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError as exc:
        return [Problem(doc.file, doc.line(path), field_path(path), f"has a broken placeholder: {exc}")]
    unknown = sorted(names - PLACEHOLDERS)
    if unknown:
        allowed = ", ".join("{" + p + "}" for p in sorted(PLACEHOLDERS))
        return [
            Problem(
                doc.file,
                doc.line(path),
                field_path(path),
                f"unknown placeholder {{{unknown[0]}}} (expected {allowed})",
            )
        ]
    if re.search(r"[\x00-\x20]", template.replace(" ", "")) or template.startswith("-"):
        return [
            Problem(
                doc.file,
                doc.line(path),
                field_path(path),
                "expected a URL or path without control characters or a leading '-'",
            )
        ]
    return []


def _duplicates(doc: YamlDocument, section: str, ids: list[str], what: str) -> list[Problem]:
    problems: list[Problem] = []
    first: dict[str, int] = {}
    for index, item_id in enumerate(ids):
        line = doc.line((section, index, "id"))
        if item_id in first:
            problems.append(
                Problem(
                    doc.file,
                    line,
                    field_path((section, index, "id")),
                    f"{what} id '{item_id}' is used twice (lines {first[item_id]} and {line})",
                )
            )
        first.setdefault(item_id, line)
    return problems


def _problems_of_named_files(root: Path, data: object) -> list[Problem]:
    """When course.yaml itself is invalid, still check the rubrics and roster it names."""
    if not isinstance(data, dict):
        return []
    problems: list[Problem] = []
    roster = data.get("roster", "roster.csv")
    if isinstance(roster, str) and roster.strip():
        try:
            load_roster(root / roster, roster)
        except ValidationFailed as exc:
            problems += exc.problems
    assignments = data.get("assignments")
    for entry in assignments if isinstance(assignments, list) else []:
        rubric = entry.get("rubric") if isinstance(entry, dict) else None
        if isinstance(rubric, str) and rubric.strip():
            try:
                load_rubric(root / rubric, rubric)
            except ValidationFailed as exc:
                problems += exc.problems
    return problems


def _home_folders() -> tuple[Path, ...]:
    """The home folder by $HOME and by the user database (they differ under a test's HOME)."""
    found: set[Path] = set()
    with contextlib.suppress(RuntimeError):
        found.add(Path.home().resolve())
    with contextlib.suppress(KeyError):
        found.add(Path(pwd.getpwuid(os.getuid()).pw_dir).resolve())
    return tuple(sorted(found))


def _checks_problems(doc: YamlDocument, root: Path, checks: ChecksSpec) -> list[Problem]:
    """checks.python and checks.paths name folders that exist and keep the course's secrets out."""
    problems: list[Problem] = []

    def add(path: PathKey, message: str) -> None:
        problems.append(Problem(doc.file, doc.line(path), field_path(path), message))

    named: list[tuple[PathKey, str]] = [(("checks", "paths", i), p) for i, p in enumerate(checks.paths)]
    if checks.python not in ("grader", "system"):
        named.insert(0, (("checks", "python"), checks.python))
    homes = _home_folders()
    for path, written in named:
        given = Path(written).expanduser()
        resolved = (given if given.is_absolute() else root / given).resolve()
        interpreters = (resolved / "bin" / "python", resolved / "bin" / "python3")
        if path[1] == "python" and not any(p.exists() for p in interpreters):
            add(
                path,
                "expected grader, system, or a virtual environment (absolute, or relative to the "
                f"course folder) holding bin/python, got {show(written)}",
            )
        elif not resolved.exists():
            add(path, f"{show(written)} does not exist (absolute, or relative to the course folder)")
        elif why := exposure_problem(resolved, root, homes):
            add(path, f"{show(written)} may not be shown to the checks: {why}")
    return problems


def rubric_target(root: Path, assignment_id: str) -> tuple[str, str]:
    """The rubric file (as course.yaml names it) and title of an assignment, reading only
    course.yaml: the rubric file itself may not exist yet."""
    doc = load_yaml(root / COURSE_FILE, COURSE_FILE)
    problems: list[Problem] = []
    spec = validate(CourseSpec, doc, problems)
    if spec is None:
        raise ValidationFailed(problems)
    found = next((a for a in spec.assignments if a.id == assignment_id), None)
    if found is None:
        known = ", ".join(a.id for a in spec.assignments)
        raise GraderError(f"course.yaml has no assignment '{assignment_id}' (it has: {known})")
    return found.rubric, found.title


def load_course(root: Path) -> CourseFiles:
    """Read and cross-check a course folder; raises ValidationFailed with every problem."""
    root = root.resolve()
    if not (root / COURSE_FILE).is_file():
        raise GraderError(f"{root} has no {COURSE_FILE}: run 'grader init {root}' or pass --course DIR")
    with recording_digests() as digests:
        files = _load_course(root)
    return replace(files, digests=dict(digests))


def _checks_config(spec: ChecksSpec) -> ChecksConfig:
    limits = spec.limits
    return ChecksConfig(
        trust=spec.trust,
        python=spec.python,
        paths=tuple(spec.paths),
        jobs=spec.jobs,
        memory_mb=limits.memory_mb,
        processes=limits.processes,
        file_size_mb=limits.file_size_mb,
        output_kb=limits.output_kb,
        cpu_seconds=limits.cpu_seconds,
    )


def _load_course(root: Path) -> CourseFiles:
    doc = load_yaml(root / COURSE_FILE, COURSE_FILE)
    problems: list[Problem] = []
    spec = validate(CourseSpec, doc, problems)
    if spec is None:
        raise ValidationFailed(problems + _problems_of_named_files(root, doc.data))
    problems += _duplicates(doc, "assignments", [a.id for a in spec.assignments], "assignment")
    problems += _duplicates(doc, "badges", [b.id for b in spec.badges], "badge")
    rubrics: dict[str, Rubric] = {}
    for index, a in enumerate(spec.assignments):
        problems += _placeholder_problems(doc, index, a.repo)
        try:
            rubrics[a.id] = load_rubric(root / a.rubric, a.rubric)
        except ValidationFailed as exc:
            problems += exc.problems
    students: tuple[Student, ...] = ()
    try:
        students = load_roster(root / spec.roster, spec.roster)
    except ValidationFailed as exc:
        problems += exc.problems
    problems += _checks_problems(doc, root, spec.checks)
    problems += _badge_problems(doc, spec, rubrics)
    problems += _handle_problems(spec, students)
    if problems:
        raise ValidationFailed(problems)
    return CourseFiles(root=root, course=_course_of(spec), rubrics=rubrics, students=students)


def _badge_problems(doc: YamlDocument, spec: CourseSpec, rubrics: dict[str, Rubric]) -> list[Problem]:
    """Each badge names skills the rubrics define and assignments the course has."""
    problems: list[Problem] = []
    all_skills = {skill for r in rubrics.values() for skill in r.skills}
    assignment_ids = {a.id for a in spec.assignments}
    rubrics_complete = len(rubrics) == len(spec.assignments)
    for index, badge in enumerate(spec.badges):
        for skill in badge.requires.skills:
            if rubrics_complete and skill not in all_skills:
                path: PathKey = ("badges", index, "requires", "skills", skill)
                problems.append(
                    Problem(
                        doc.file,
                        doc.line(path),
                        field_path(path),
                        f"badge '{badge.id}' names unknown skill '{skill}' (the rubrics "
                        f"define: {', '.join(sorted(all_skills)) or 'none'})",
                    )
                )
        for a_index, assignment_id in enumerate(badge.requires.assignments):
            if assignment_id not in assignment_ids:
                path = ("badges", index, "requires", "assignments", a_index)
                problems.append(
                    Problem(
                        doc.file,
                        doc.line(path),
                        field_path(path),
                        f"badge '{badge.id}' names unknown assignment '{assignment_id}'",
                    )
                )
    return problems


def _handle_problems(spec: CourseSpec, students: tuple[Student, ...]) -> list[Problem]:
    """When a repo URL uses {github}, every student needs a handle."""
    if not any("{github}" in a.repo for a in spec.assignments):
        return []
    return [
        Problem(
            spec.roster,
            0,
            "github",
            f"student '{s.student_id}' has no GitHub handle, which the repo URLs need",
        )
        for s in students
        if not s.github
    ]


def _course_of(spec: CourseSpec) -> Course:
    """The validated course.yaml as a domain Course."""
    return Course(
        id=spec.course.id,
        title=spec.course.title,
        term=spec.course.term,
        issuer=Issuer(
            spec.issuer.name,
            spec.issuer.url,
            spec.issuer.email,
            spec.issuer.did,
            spec.issuer.site,
            spec.issuer.auto_issue,
        ),
        roster_path=spec.roster,
        sources=Sources(
            allow_local=spec.sources.allow_local,
            max_size_mb=spec.sources.max_size_mb,
            max_files=spec.sources.max_files,
            timeout_seconds=spec.sources.timeout_seconds,
        ),
        assignments=tuple(
            Assignment(
                id=a.id,
                title=a.title,
                rubric_path=a.rubric,
                repo=a.repo,
                deadline=a.deadline,
                late=LatePolicy(a.late.grace_minutes, a.late.penalty_per_day, a.late.max_days),
                canvas_id=a.canvas_id,
                moodle_name=a.moodle_name,
                anonymous=a.anonymous,
                starter=a.starter,
            )
            for a in spec.assignments
        ),
        badges=tuple(
            Badge(
                id=b.id,
                title=b.title,
                description=b.description,
                criteria=b.criteria,
                skill_thresholds=dict(b.requires.skills),
                assignments=tuple(b.requires.assignments),
            )
            for b in spec.badges
        ),
        checks=_checks_config(spec.checks),
    )
