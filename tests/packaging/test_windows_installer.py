"""The Windows installer script compiles with makensis and installs exactly the bundle's files.

No Windows here: the script is compiled against a tree laid out like the Windows bundle
(kpidesk.exe, kpidesk-app.exe, _internal/ with the resources and migrations), and makensis's
own log of what it compiled is checked: every file of the tree is installed where it belongs,
the uninstaller deletes each of them and nothing else, and never deletes a folder wholesale.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

from kpidesk import __version__

pytestmark = pytest.mark.dist

REPO = Path(__file__).resolve().parents[2]
BUILD = REPO / "packaging" / "windows" / "build-installer.py"


def windows_bundle(folder: Path) -> Path:
    """The one-folder layout PyInstaller makes on Windows, with this repo's resources."""
    bundle = folder / "kpidesk"
    internal = bundle / "_internal"
    for name in ("kpidesk.exe", "kpidesk-app.exe"):
        (bundle / name).parent.mkdir(parents=True, exist_ok=True)
        (bundle / name).write_bytes(b"MZ" + name.encode())
    shutil.copytree(REPO / "resources", internal / "resources",
                    ignore=shutil.ignore_patterns("*.py", "*.ts"))  # fmt: skip
    shutil.copytree(REPO / "kpidesk" / "data" / "migrations", internal / "kpidesk" / "data" /
                    "migrations", ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    for name in ("python311.dll", "base_library.zip", "PySide6/Qt6Core.dll",
                 "PySide6/plugins/platforms/qwindows.dll", "tzdata/zoneinfo/Europe/Copenhagen",
                 "psycopg_binary.libs/libpq-$1.dll", "odd name (1).txt"):  # fmt: skip
        (internal / name).parent.mkdir(parents=True, exist_ok=True)
        (internal / name).write_bytes(name.encode())
    return bundle


def compile_log(bundle: Path, out: Path) -> list[str]:
    result = subprocess.run([sys.executable, str(BUILD), "--bundle", str(bundle), "--out",
                             str(out)], capture_output=True, text=True, timeout=300)  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr
    # build-installer.py compiles with -WX: a warning would have failed the build.
    return result.stdout.splitlines()


def test_installer_compiles_and_covers_every_file(tmp_path: Path) -> None:
    if not shutil.which("makensis"):
        pytest.fail("makensis is missing: `bash .ci/system-deps dist` installs nsis")
    bundle = windows_bundle(tmp_path / "bundle")
    log = compile_log(bundle, tmp_path / "out")
    setup = tmp_path / "out" / f"kpidesk-{__version__}-setup.exe"
    assert setup.read_bytes()[:2] == b"MZ"

    uninstall_at = log.index('Section: "Uninstall"')
    installer, uninstaller = log[:uninstall_at], log[uninstall_at:]
    installed: set[str] = set()
    folder = ""
    for line in installer:
        if line.startswith("SetOutPath: "):
            folder = line.split('"')[1]
        elif line.startswith("File: ") and "$PLUGINSDIR" not in line:
            name = line.split('"->"')[1].split('"')[0]
            installed.add(f"{folder}\\{name}")
    tree = {"$INSTDIR\\" + str(PureWindowsPath(PurePosixPath(p.relative_to(bundle).as_posix())))
            for p in bundle.rglob("*") if p.is_file()}  # fmt: skip
    # makensis logs `$` as it will be written, so compare with the names unescaped.
    assert {p.replace("$$", "$") for p in installed} == tree

    deleted = {line.split('"')[1].replace("$$", "$") for line in uninstaller
               if line.startswith("Delete: ")}  # fmt: skip
    removed_dirs = [line.split('"')[1] for line in uninstaller if line.startswith("RMDir: ")]
    assert tree <= deleted
    assert deleted - tree == {"$INSTDIR\\uninstall.exe", "$SMPROGRAMS\\kpidesk.lnk"}
    folders = {str(PureWindowsPath("$INSTDIR", *p.relative_to(bundle).parts))
               for p in bundle.rglob("*") if p.is_dir()}  # fmt: skip
    assert folders | {"$INSTDIR"} == set(removed_dirs)
    assert removed_dirs[-1] == "$INSTDIR"  # the program folder last, and only when empty
    assert not [line for line in log if line.startswith("RMDir: /r")]

    text = "\n".join(installer)
    assert 'CreateShortcut: "$SMPROGRAMS\\kpidesk.lnk"->"$INSTDIR\\kpidesk-app.exe"' in text
    assert 'WriteUninstaller: "$INSTDIR\\uninstall.exe"' in text
    assert 'schtasks /Create /F /TN "kpidesk scheduler" /XML' in text
    assert "QuietUninstallString" in text and "InstallLocation" in text
    # Upgrades: the old uninstaller runs in place with /UPGRADE, which keeps the task.
    assert "/S /UPGRADE _?=$PreviousDir" in text
    assert 'ExecToLog schtasks /Delete /F /TN "kpidesk scheduler"' in "\n".join(uninstaller)
