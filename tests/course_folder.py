"""The small, valid course folder most tests start from (the skeleton `grader init` writes and a
five-student roster with names in several scripts), and copying a course built once."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from grader.files.skeleton import write_skeleton

ROSTER = """\
student_id,name,email,github,section
00123,Zoë Ångström,zoe@example.edu,zoe-a,A
00124,Γιώργος Παπαδόπουλος,giorgos@example.edu,giorgosp,A
00125,Анна Иванова,anna@example.edu,anna-iv,B
00126,محمد علي,mohammed@example.edu,m-ali,B
00127,张伟,zhang@example.edu,zhangwei,B
"""


def write_course_folder(root: Path) -> Path:
    """The skeleton course with ``ROSTER``, written at ``root``."""
    write_skeleton(root)
    (root / "roster.csv").write_text(ROSTER, encoding="utf-8")
    return root


def copy_course(source: Path, root: Path) -> Path:
    """A private copy of a course folder (its gradebook, mirrors, checkouts and remotes, keys)."""
    shutil.copytree(source, root, symlinks=True, copy_function=_copy_file)
    return root


def _copy_file(source: str, target: str) -> None:
    """A git repository's objects are linked (git never changes one in place: it writes new files
    and renames them); everything else is copied, so a test's writes never reach the original."""
    if f".git{os.sep}objects{os.sep}" in source:
        try:
            os.link(source, target)
            return
        except OSError:
            pass  # another file system: copy it
    shutil.copy2(source, target)
