"""The command line: machine output on stdout, diagnostics on stderr, no tracebacks ever."""

from __future__ import annotations

from grader.cli.main import main

__all__ = ["main"]
