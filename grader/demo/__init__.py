"""The built-in demo course: rubrics, a roster in many scripts, real local repositories."""

from grader.demo.build import build_demo_course

__all__ = ["build_demo_course"]
