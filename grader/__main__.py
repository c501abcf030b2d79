"""`python -m grader`."""

from grader.cli.main import run

run()
