"""Students as the roster names them."""

from __future__ import annotations

from dataclasses import dataclass

LMS_COLUMNS = ("canvas_id", "sis_user_id", "sis_login_id", "moodle_idnumber")


@dataclass(frozen=True)
class Student:
    student_id: str
    name: str
    email: str
    github: str
    section: str = ""
    canvas_id: str = ""
    sis_user_id: str = ""
    sis_login_id: str = ""
    moodle_idnumber: str = ""
