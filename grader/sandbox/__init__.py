"""The only code that runs a command from a rubric: in a fresh copy of a checkout, sandboxed."""

from grader.sandbox.capture import stop_all_runs
from grader.sandbox.errors import CheckoutTooLarge, SandboxFailed, SandboxUnavailable
from grader.sandbox.policy import Limits, SandboxPolicy, policy_for
from grader.sandbox.probe import sandbox_kind
from grader.sandbox.run import run_in_sandbox

__all__ = [
    "CheckoutTooLarge",
    "Limits",
    "SandboxFailed",
    "SandboxPolicy",
    "SandboxUnavailable",
    "policy_for",
    "run_in_sandbox",
    "sandbox_kind",
    "stop_all_runs",
]
