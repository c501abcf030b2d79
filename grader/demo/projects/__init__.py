"""Realistic student work for each demo assignment, as steps of commits."""

from __future__ import annotations

import random
from collections.abc import Callable

from grader.demo.outcomes import Work
from grader.demo.projects import calculator, dataanalysis, webpage
from grader.demo.projects.common import Step

StepsFactory = Callable[[str, random.Random, Work, int], list[Step]]

PROJECTS: dict[str, StepsFactory] = {
    "a1-calculator": calculator.steps,
    "a2-webpage": lambda name, rng, work, variant: webpage.steps(name, rng, work),
    "a3-dataanalysis": lambda name, rng, work, variant: dataanalysis.steps(name, rng, work),
}
"""Steps of work by assignment id: called with the author's name, a seeded generator, what the
author's code does under its tests and the author's variant (distinct per student: how they write
it, where the project varies its structure)."""
