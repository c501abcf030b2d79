"""Realistic student work for each demo assignment, as steps of commits."""

from __future__ import annotations

import random
from collections.abc import Callable

from grader.demo.outcomes import Work
from grader.demo.projects import calculator, dataanalysis, webpage
from grader.demo.projects.common import Step

StepsFactory = Callable[[str, random.Random, Work], list[Step]]

PROJECTS: dict[str, StepsFactory] = {
    "a1-calculator": calculator.steps,
    "a2-webpage": webpage.steps,
    "a3-dataanalysis": dataanalysis.steps,
}
"""Steps of work by assignment id: called with the author's name, a seeded generator and what
the author's code does under its tests."""
