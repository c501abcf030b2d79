"""The small, valid course folder most tests start from (the skeleton `grader init` writes and a
five-student roster with names in several scripts), and copying a course built once."""

from __future__ import annotations

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
    shutil.copytree(source, root, symlinks=True)
    return root
