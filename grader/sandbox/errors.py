"""The sandbox's refusals: no sandbox works, or a run could not be set up."""

from __future__ import annotations

from grader.domain.errors import GraderError

INSTALL_HINT = (
    "install bubblewrap (`apt-get install bubblewrap`) and allow unprivileged user namespaces "
    "(`sysctl kernel.unprivileged_userns_clone=1` where that setting exists), or, if the course "
    "trusts its students' code, set `checks: {trust: true}` in course.yaml: the checks then run "
    "unsandboxed, and every result says so"
)


class SandboxUnavailable(GraderError):
    """Neither bwrap nor unshare could run a command here, and the course does not trust its code."""


class SandboxFailed(GraderError):
    """A run could not happen for a reason that is not the program's (a broken setup): no score."""


class CheckoutTooLarge(SandboxFailed):
    """The checkout is over the size a run copies; nothing ran."""
