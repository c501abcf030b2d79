"""The unshare fallback: the same rules as bwrap, set up in two stages.

Stage one (a new mount namespace, privileged there) runs ``mount_root.py``, which builds the new
root in a tmpfs: the system folders, the made-up /etc, the policy's paths read-only, a private
/tmp and /dev, the copy as the only writable folder. It then executes stage two: (as an unused
uid when grader is root) ``unshare`` into new user, pid, net, uts, ipc and mount namespaces,
chrooted into that root with a fresh /proc. Stage two's mount namespace belongs to a newer user
namespace, so every mount it inherits is locked: the program cannot unmount or remount any.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

from grader.sandbox.bwrap import DEVICE_LINKS, DEVICES, system_mounts
from grader.sandbox.layout import ALIAS_BIN_INSIDE, CHECKOUT_INSIDE, RunFolder
from grader.sandbox.policy import SandboxPolicy

HELPER = Path(__file__).with_name("mount_root.py")


def unshare_argv(
    tools: dict[str, str],
    folder: RunFolder,
    policy: SandboxPolicy,
    command: Sequence[str],
    tmp_bytes: int,
) -> list[str]:
    """``tools``: absolute paths of unshare and (when grader is root) setpriv."""
    root = folder.path / "root"
    root.mkdir(mode=0o755)
    stage_one = [tools["unshare"], "--mount", "--propagation", "private"]
    if folder.owner is None:
        stage_one[1:1] = ["--user", "--map-root-user"]
    spec = {
        "root": str(root),
        "tmp_bytes": tmp_bytes,
        "links": [[str(Path(p).readlink()), p] for kind, p in system_mounts() if kind == "link"],
        "binds": _binds(folder, policy),
        "devices": [f"/dev/{name}" for name in DEVICES],
        "device_links": [list(link) for link in DEVICE_LINKS],
        "then": _stage_two(tools, folder, str(root), command),
    }
    return [*stage_one, "--", sys.executable, "-I", "-S", str(HELPER), json.dumps(spec)]


def _binds(folder: RunFolder, policy: SandboxPolicy) -> list[list[object]]:
    """[source, destination, read-only] in mount order."""
    binds: list[list[object]] = [[path, path, True] for kind, path in system_mounts() if kind == "dir"]
    binds.append([str(folder.etc), "/etc", True])
    binds += [[f"/etc/{name}", f"/etc/{name}", True] for name in folder.host_etc]
    if folder.alias_bin is not None:
        binds.append([str(folder.alias_bin), ALIAS_BIN_INSIDE, True])
    binds += [[str(path), str(path), True] for path in policy.readonly_paths]
    binds.append([str(folder.checkout), CHECKOUT_INSIDE, False])
    return binds


def _stage_two(tools: dict[str, str], folder: RunFolder, root: str, command: Sequence[str]) -> list[str]:
    drop: list[str] = []
    if folder.owner is not None:
        owner = str(folder.owner)
        drop = [tools["setpriv"], "--reuid", owner, "--regid", owner, "--clear-groups", "--"]
    confine = [tools["unshare"], "--user", "--map-root-user", "--pid", "--fork", "--kill-child"]
    confine += ["--net", "--uts", "--ipc", "--mount", "--propagation", "private"]
    confine += ["--mount-proc=/proc", f"--root={root}", f"--wd={CHECKOUT_INSIDE}", "--"]
    return [*drop, *confine, *command]
