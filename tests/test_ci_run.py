""".ci/run's package step: each package installed on its own and reported, one failure voiding none.

The script is sourced in bash with a PATH that holds only a few utilities, a fake apt-get that
"installs" a package by creating its tool (or fails for the packages it is told to), and a fake
`id`; CI_ROOT points the file checks (fonts, PostgreSQL) at a scratch folder.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parents[1] / ".ci" / "run"
UTILITIES = ("ls", "sort", "tail", "find", "mktemp", "rm", "mkdir", "touch", "chmod", "dirname")
FAKE_APT = """#!{bash}
echo "$*" >> "{calls}"
[ "$1" = update ] && exit 0
package=${{@: -1}}
case " {failing} " in *" $package "*) echo "E: Unable to locate package $package" >&2; exit 100 ;; esac
case " {hollow} " in *" $package "*) exit 0 ;; esac
tool() {{ printf '#!/bin/sh\\n' > "{bin}/$1"; chmod +x "{bin}/$1"; }}
case "$package" in
    poppler-utils) tool pdftoppm; tool pdftotext ;;
    fonts-noto-cjk) mkdir -p "{root}/usr/share/fonts/opentype/noto"
        touch "{root}/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc" ;;
    postgresql) mkdir -p "{root}/usr/lib/postgresql/15/bin" ;;
    bubblewrap) tool bwrap ;;
    *) tool "$package" ;;
esac
"""


def machine(tmp_path: Path, *, failing: str = "", hollow: str = "", uid: int = 0) -> tuple[Path, Path, Path]:
    """A bin folder (utilities, fake apt-get and id), a root folder, and apt-get's call log.

    apt-get fails for the packages in ``failing`` and "succeeds" without their tool for ``hollow``.
    """
    bash = shutil.which("bash")
    assert bash is not None
    bin_dir, root, calls = tmp_path / "bin", tmp_path / "root", tmp_path / "apt-calls"
    bin_dir.mkdir()
    root.mkdir()
    for name in UTILITIES:
        found = shutil.which(name)
        assert found is not None, name
        (bin_dir / name).symlink_to(found)
    fake = FAKE_APT.format(bash=bash, calls=calls, failing=failing, hollow=hollow, bin=bin_dir, root=root)
    (bin_dir / "apt-get").write_text(fake)
    (bin_dir / "id").write_text(f"#!{bash}\necho {uid}\n")
    for name in ("apt-get", "id"):
        (bin_dir / name).chmod(0o755)
    calls.touch()
    return bin_dir, root, calls


def install(bin_dir: Path, root: Path) -> list[str]:
    bash = shutil.which("bash")
    assert bash is not None
    done = subprocess.run(
        [bash, "-c", f'source "{SCRIPT}" && install_system_packages'],
        env={"PATH": str(bin_dir), "CI_ROOT": str(root)},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stderr == ""
    return done.stdout.splitlines()


def test_one_package_that_fails_voids_none_of_the_others(tmp_path: Path) -> None:
    bin_dir, root, calls = machine(tmp_path, failing="fonts-noto-cjk", hollow="chromium")
    (bin_dir / "openssl").write_text("#!/bin/sh\n")
    (bin_dir / "openssl").chmod(0o755)
    assert install(bin_dir, root) == [
        "ci: openssl: already installed",
        "ci: poppler-utils: installed",
        "ci: fonts-noto-cjk: MISSING, apt-get install failed: E: Unable to locate package fonts-noto-cjk",
        "ci: chromium: MISSING, installed but its tool is not found",
        "ci: postgresql: installed",
        "ci: bubblewrap: installed",
    ]
    assert calls.read_text().splitlines() == [
        "update -qq",
        *(
            f"install -y -qq {package}"
            for package in ("poppler-utils", "fonts-noto-cjk", "chromium", "postgresql", "bubblewrap")
        ),
    ]
    assert (bin_dir / "bwrap").exists() and (root / "usr/lib/postgresql/15/bin").is_dir()


def test_nothing_is_asked_of_apt_get_when_everything_is_there(tmp_path: Path) -> None:
    bin_dir, root, calls = machine(tmp_path)
    assert len(install(bin_dir, root)) == 6  # the first run installs all six
    calls.write_text("")
    assert install(bin_dir, root) == [
        f"ci: {package}: already installed"
        for package in ("openssl", "poppler-utils", "fonts-noto-cjk", "chromium", "postgresql", "bubblewrap")
    ]
    assert calls.read_text() == ""


@pytest.mark.parametrize(
    ("uid", "apt", "why"), [(1000, True, "apt-get needs root"), (0, False, "no apt-get")]
)
def test_without_apt_get_or_root_each_missing_package_is_named(
    tmp_path: Path, uid: int, apt: bool, why: str
) -> None:
    bin_dir, root, calls = machine(tmp_path, uid=uid)
    if not apt:
        (bin_dir / "apt-get").unlink()
    lines = install(bin_dir, root)
    assert len(lines) == 6
    assert all(line.startswith("ci: ") and f": MISSING, not installed: {why}" in line for line in lines)
    assert calls.read_text() == ""
