"""Write real bare repositories fast: one ``git fast-import`` process per repository.

Used by the demo course and by tests that need repositories with exact authors, dates, file
names and histories, including a branch rewritten by a force-push.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

from grader.domain.errors import GraderError
from grader.git.env import run_git

DEFAULT_TIMEOUT = 60.0
_BRANCH = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._/-]*")


@dataclass(frozen=True)
class Person:
    name: str
    email: str


@dataclass(frozen=True)
class Symlink:
    """A symbolic link entry (mode 120000) pointing at ``target``."""

    target: str


@dataclass(frozen=True)
class Gitlink:
    """A submodule entry (mode 160000) recording ``commit``, which need not exist anywhere."""

    commit: str


@dataclass(frozen=True)
class StoredBlob:
    """A blob already written to the repository (e.g. by ``git hash-object -w``), by its SHA."""

    sha: str


FileContent = str | bytes | Symlink | Gitlink | StoredBlob
"""What a path in ``CommitSpec.files`` holds: text, bytes, or one of the special entries."""


@dataclass(frozen=True)
class CommitSpec:
    """One commit; ``files`` is the complete tree (path -> content), not a change set."""

    message: str
    author: Person
    authored_at: datetime
    """Timezone-aware; its UTC offset is recorded in the commit."""
    files: Mapping[str, FileContent]
    committer: Person | None = None
    """Defaults to the author."""
    committed_at: datetime | None = None
    """Defaults to ``authored_at``."""


@dataclass(frozen=True)
class Push:
    """Commits that move the branch, in order, each the parent of the next.

    ``keep`` is None for a fast-forward on top of the current head; an int rewrites the branch
    first (a force-push), keeping only its first ``keep`` commits (0: an unrelated history).
    """

    commits: tuple[CommitSpec, ...]
    keep: int | None = None


@dataclass(frozen=True)
class Fabricated:
    shas: tuple[str, ...]
    """One SHA per CommitSpec, in the order given."""
    heads: tuple[str | None, ...]
    """The branch head after each push."""
    history: tuple[str, ...] = field(default=())
    """The branch's final first-parent history, oldest first."""

    @property
    def head(self) -> str | None:
        return self.heads[-1] if self.heads else None


class FabricationError(GraderError):
    """A repository could not be written as specified."""


def fabricate(
    path: Path,
    pushes: Sequence[Push],
    *,
    branch: str = "main",
    timeout: float = DEFAULT_TIMEOUT,
) -> Fabricated:
    """Create a new bare repository at ``path`` whose ``branch`` went through ``pushes``.

    No pushes leaves an empty repository (no refs). Objects of rewritten commits stay in the
    repository, unreachable, as they would on a server after a force-push.
    """
    ref = _ref(branch)
    if path.exists():
        raise FabricationError(f"cannot create a repository at {path}: it already exists")
    path.parent.mkdir(parents=True, exist_ok=True)
    run_git(
        ["init", "--quiet", "--bare", "--template=", f"--initial-branch={branch}", str(path)],
        timeout=timeout,
    )
    if not pushes:
        return Fabricated(shas=(), heads=())
    stream = _Stream(ref)
    heads: list[int | None] = []
    chain: list[int] = []
    for push in pushes:
        if push.keep is not None:
            if push.keep > len(chain):
                raise FabricationError(f"cannot keep {push.keep} of {len(chain)} commits")
            chain = chain[: push.keep]
            stream.reset(chain[-1] if chain else None)
        for commit in push.commits:
            chain.append(stream.commit(commit, parent=chain[-1] if chain else None))
        heads.append(chain[-1] if chain else None)
    marks = _import(path, stream, timeout)
    shas = tuple(marks[m] for m in range(1, stream.count + 1))
    return Fabricated(
        shas=shas,
        heads=tuple(marks[h] if h else None for h in heads),
        history=tuple(marks[m] for m in chain),
    )


def push(
    path: Path,
    commits: Sequence[CommitSpec],
    *,
    onto: str | None,
    branch: str = "main",
    timeout: float = DEFAULT_TIMEOUT,
) -> tuple[str, ...]:
    """Move ``branch`` of an existing bare repository to new commits built on ``onto``.

    ``onto`` is a commit SHA (the current head for a normal push, an older commit for a
    force-push) or None for an unrelated history. Returns the new commits' SHAs.
    """
    if not commits:
        raise FabricationError("a push needs at least one commit")
    stream = _Stream(_ref(branch))
    stream.reset(None, onto=onto)
    parent: int | None = None
    for commit in commits:
        parent = stream.commit(commit, parent=parent)
    marks = _import(path, stream, timeout)
    return tuple(marks[m] for m in range(1, stream.count + 1))


def _import(path: Path, stream: _Stream, timeout: float) -> dict[int, str]:
    for mark in range(1, stream.count + 1):
        stream.write(f"get-mark :{mark}\n".encode())
    done = run_git(
        [
            "-c",
            "fastimport.unpackLimit=0",
            f"--git-dir={path}",
            "fast-import",
            "--quiet",
            "--force",
            "--cat-blob-fd=1",
        ],
        input=stream.data(),
        timeout=timeout,
    )
    lines = done.stdout.decode("ascii").split()
    if len(lines) != stream.count:
        raise FabricationError(f"git fast-import reported {len(lines)} of {stream.count} commits")
    return {index + 1: sha for index, sha in enumerate(lines)}


class _Stream:
    """A fast-import command stream for one branch; commits get marks 1, 2, …"""

    def __init__(self, ref: str) -> None:
        self.ref = ref
        self.count = 0
        self._parts: list[bytes] = []

    def write(self, part: bytes) -> None:
        self._parts.append(part)

    def data(self) -> bytes:
        return b"".join(self._parts)

    def reset(self, mark: int | None, *, onto: str | None = None) -> None:
        """Point the branch at ``mark`` (or the SHA ``onto``); with neither, the next is a root."""
        self.write(f"reset {self.ref}\n".encode())
        if mark is not None:
            self.write(f"from :{mark}\n\n".encode())
        elif onto is not None:
            self.write(f"from {_sha(onto)}\n\n".encode())
        else:
            self.write(b"\n")

    def commit(self, spec: CommitSpec, *, parent: int | None) -> int:
        self.count += 1
        committer = spec.committer or spec.author
        committed_at = spec.committed_at or spec.authored_at
        self.write(f"commit {self.ref}\nmark :{self.count}\n".encode())
        self.write(b"author " + _ident(spec.author, spec.authored_at) + b"\n")
        self.write(b"committer " + _ident(committer, committed_at) + b"\n")
        self._data(spec.message.encode())
        if parent is not None:
            self.write(f"from :{parent}\n".encode())
        self.write(b"deleteall\n")
        for name in sorted(spec.files):
            self._entry(name, spec.files[name])
        self.write(b"\n")
        return self.count

    def _entry(self, name: str, content: FileContent) -> None:
        path = _quote(name)
        if isinstance(content, Symlink):
            self.write(b"M 120000 inline " + path + b"\n")
            self._data(content.target.encode("utf-8", "surrogateescape"))
        elif isinstance(content, Gitlink):
            self.write(f"M 160000 {_sha(content.commit)} ".encode() + path + b"\n")
        elif isinstance(content, StoredBlob):
            self.write(f"M 100644 {_sha(content.sha)} ".encode() + path + b"\n")
        else:
            self.write(b"M 100644 inline " + path + b"\n")
            self._data(content.encode() if isinstance(content, str) else content)

    def _data(self, payload: bytes) -> None:
        self.write(f"data {len(payload)}\n".encode() + payload + b"\n")


def _ref(branch: str) -> str:
    if not _BRANCH.fullmatch(branch) or ".." in branch or branch.endswith((".", "/", ".lock")):
        raise FabricationError(f"not a usable branch name: {branch!r}")
    return f"refs/heads/{branch}"


def _sha(value: str) -> str:
    if len(value) != 40 or any(ch not in "0123456789abcdef" for ch in value):
        raise FabricationError(f"expected a full object SHA, got {value!r}")
    return value


def _ident(person: Person, moment: datetime) -> bytes:
    for part in (person.name, person.email):
        if any(ch in part for ch in "<>\n\0"):
            raise FabricationError(f"a name or email may not contain '<', '>' or a newline: {part!r}")
    offset = moment.utcoffset()
    if offset is None:
        raise FabricationError(f"commit date {moment} has no timezone")
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    zone = f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"
    return f"{person.name} <{person.email}> {int(moment.timestamp())} {zone}".encode()


def _quote(name: str) -> bytes:
    """A C-style quoted path, after refusing names git would not store."""
    parts = PurePosixPath(name).parts
    if (
        not name
        or name.startswith("/")
        or "\0" in name
        or any(p.lower() in {".", "..", ".git"} for p in parts)
        or "//" in name
        or name.endswith("/")
    ):
        raise FabricationError(f"not a valid file name in a repository: {name!r}")
    escaped = name.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return b'"' + escaped.encode("utf-8", "surrogateescape") + b'"'
