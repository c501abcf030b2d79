"""grader: keyboard-first grading of student git repositories."""

__version__ = "0.1.0"
