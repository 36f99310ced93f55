"""The Debian package: built from the bundle, installed into a scratch root, upgraded, removed.

Everything happens in a root of its own with its own dpkg database (`dpkg --root`), never in
this machine's /opt, /usr or dpkg database. The maintainer scripts run chrootless and honour
$DPKG_ROOT, as Debian asks of scripts that may install into another root. Run by
`make test-dist` (marker `dist`) on the session's one bundle.
"""

from __future__ import annotations

import configparser
import os
import shlex
import shutil
import sqlite3
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from kpidesk import __version__
from tests.packaging.util import bare_env

pytestmark = pytest.mark.dist

DEB = f"kpidesk_{__version__}_amd64.deb"
NEWER = f"{__version__}+rebuild1"  # sorts above __version__ for dpkg
UNIT = "usr/lib/systemd/system/kpidesk-scheduler.service"
ENV_FILE = "etc/kpidesk/kpidesk.env"


@pytest.fixture(scope="module")
def debs(clean_tree: Path, bundle: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """`make deb` on the session's bundle, and the same bundle again as a higher version."""
    subprocess.run(["make", "-o", ".venv/.installed-test", "-o", "dist", "deb"], cwd=clean_tree,
                   check=True, capture_output=True, timeout=600)  # fmt: skip
    first = clean_tree / "dist" / DEB
    out = tmp_path_factory.mktemp("newer-deb")
    env = {**os.environ, "DEB_VERSION": NEWER, "DEB_COMPRESSION": "none"}
    script = ["bash", "packaging/linux/build-deb.sh", str(bundle), str(out)]
    subprocess.run(script, cwd=clean_tree, env=env, check=True, capture_output=True, timeout=600)
    return [first, out / f"kpidesk_{NEWER}_amd64.deb"]


class ScratchRoot:
    """A directory with a dpkg database of its own; dpkg installs into it and nowhere else."""

    def __init__(self, path: Path) -> None:
        self.path = path
        admin = path / "var" / "lib" / "dpkg"
        for sub in ("info", "updates", "triggers"):
            (admin / sub).mkdir(parents=True, exist_ok=True)
        for name in ("status", "available"):
            (admin / name).touch()
        (path / "var" / "log").mkdir(parents=True, exist_ok=True)

    def dpkg(self, *args: str) -> subprocess.CompletedProcess[str]:
        # --force-depends: the scratch database knows no libc6 or Qt's system libraries
        # (test_depends_are_known_packages checks those names against this machine's apt).
        command = ["dpkg", f"--root={self.path}", f"--log={self.path}/var/log/dpkg.log",
                   "--force-script-chrootless", "--force-depends", *args]  # fmt: skip
        result = subprocess.run(command, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
        return result

    def version(self) -> str:
        result = subprocess.run(
            ["dpkg-query", f"--admindir={self.path}/var/lib/dpkg", "-W", "-f=${Status} ${Version}",
             "kpidesk"], capture_output=True, text=True,
        )  # fmt: skip
        return result.stdout.strip()

    def kpidesk(self, env: dict[str, str], *args: str, timeout: int = 120
                ) -> subprocess.CompletedProcess[str]:  # fmt: skip
        """The installed command, the way users start it: through usr/bin/kpidesk."""
        return subprocess.run([str(self.path / "usr" / "bin" / "kpidesk"), *args], env=env,
                              capture_output=True, text=True, timeout=timeout)  # fmt: skip


@pytest.fixture(scope="module")
def installed(debs: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScratchRoot]:
    root = ScratchRoot(tmp_path_factory.mktemp("scratch-root"))
    root.dpkg("--install", str(debs[0]))
    yield root


def test_package_fields_and_files(debs: list[Path]) -> None:
    fields = subprocess.run(["dpkg-deb", "-f", str(debs[0]), "Package", "Version", "Architecture"],
                            capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert fields.split() == ["Package:", "kpidesk", "Version:", __version__,
                              "Architecture:", "amd64"]  # fmt: skip
    listing = subprocess.run(["dpkg-deb", "-c", str(debs[0])], capture_output=True, text=True,
                             check=True).stdout.splitlines()  # fmt: skip
    paths = {line.split()[5].removeprefix("./") for line in listing}
    owners = {line.split()[1] for line in listing}
    assert owners == {"root/root"}
    assert {"opt/kpidesk/kpidesk", "usr/share/applications/kpidesk.desktop", UNIT,
            "usr/share/icons/hicolor/48x48/apps/kpidesk.png",
            "usr/share/icons/hicolor/scalable/apps/kpidesk.svg",
            "usr/share/metainfo/dk.kpidesk.kpidesk.metainfo.xml"} <= paths  # fmt: skip
    link = next(line for line in listing if " ./usr/bin/kpidesk " in line)
    assert link.endswith("-> ../../opt/kpidesk/kpidesk")  # relative: also inside a root
    # Nothing in /etc (the env file is made by postinst, so no conffile prompt ever), nothing
    # where data lives.
    assert not [p for p in paths if p.startswith(("etc/", "var/", "home/", "root/"))]


def test_depends_are_known_packages(debs: list[Path]) -> None:
    if not shutil.which("apt-cache"):
        pytest.skip("no apt-cache on this machine")
    depends = subprocess.run(["dpkg-deb", "-f", str(debs[0]), "Depends"], capture_output=True,
                             text=True, check=True).stdout  # fmt: skip
    names = [item.split()[0] for item in depends.split(",")]
    assert "libc6" in names and "libegl1" in names
    for name in names:
        policy = subprocess.run(["apt-cache", "policy", name], capture_output=True, text=True)
        assert "Candidate: (none)" not in policy.stdout and policy.stdout.strip(), name


def test_installed_command_runs_and_selftests(installed: ScratchRoot, tmp_path: Path) -> None:
    assert installed.version() == f"install ok installed {__version__}"
    env = bare_env(tmp_path)
    version = installed.kpidesk(env, "--version")
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"kpidesk {__version__}"
    keep = tmp_path / "selftest"
    result = installed.kpidesk(env, "selftest", "--keep", str(keep), timeout=300)
    print(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "selftest passed" in result.stdout
    assert (keep / "dagens-kpi.png").stat().st_size > 10_000


def test_desktop_entry_icons_and_metainfo_validate(installed: ScratchRoot) -> None:
    share = installed.path / "usr" / "share"
    desktop = share / "applications" / "kpidesk.desktop"
    result = subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True,
                            text=True)  # fmt: skip
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(desktop, encoding="utf-8")
    section = entry["Desktop Entry"]
    # The command is on the PATH the package installs; the icon is in every hicolor size.
    assert (installed.path / "usr" / "bin" / shlex.split(section["Exec"])[0]).exists()
    icons = share.glob(f"icons/hicolor/*x*/apps/{section['Icon']}.png")
    sizes = sorted(int(p.parent.parent.name.split("x")[0]) for p in icons)
    assert sizes == [16, 24, 32, 48, 64, 128, 256, 512]
    metainfo = share / "metainfo" / "dk.kpidesk.kpidesk.metainfo.xml"
    result = subprocess.run(["appstreamcli", "validate", "--no-net", str(metainfo)],
                            capture_output=True, text=True)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert f'version="{__version__}"' in metainfo.read_text(encoding="utf-8")
    assert '<launchable type="desktop-id">kpidesk.desktop</launchable>' in metainfo.read_text(
        encoding="utf-8"
    )


def unit_values(root: ScratchRoot, key: str) -> list[str]:
    lines = (root.path / UNIT).read_text(encoding="utf-8").splitlines()
    return [line.split("=", 1)[1] for line in lines if line.startswith(f"{key}=")]


def test_service_unit_verifies_and_is_not_enabled(installed: ScratchRoot, tmp_path: Path) -> None:
    if not shutil.which("systemd-analyze"):
        pytest.skip("systemd-analyze is not installed here")
    # `verify` checks that ExecStart's program exists on this machine, where kpidesk is not
    # installed: the copy it checks points into the scratch root instead, nothing else differs.
    unit = (installed.path / UNIT).read_text(encoding="utf-8")
    assert unit.count("\nExecStart=/usr/bin/kpidesk ") == 1
    copy = tmp_path / "kpidesk-scheduler.service"
    copy.write_text(unit.replace("\nExecStart=/usr/bin/kpidesk ",
                                 f"\nExecStart={installed.path}/usr/bin/kpidesk "),
                    encoding="utf-8")  # fmt: skip
    result = subprocess.run(["systemd-analyze", "verify", str(copy)], capture_output=True,
                            text=True)  # fmt: skip
    # Unknown keys or values are only warnings ("ignoring"): no output at all is the bar.
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr
    assert not list(installed.path.glob("etc/systemd/system/*/kpidesk-scheduler.service"))
    assert unit_values(installed, "EnvironmentFile") == ["/" + ENV_FILE]
    assert unit_values(installed, "RestartPreventExitStatus") == ["78"]


def test_env_file_is_private_and_empty(installed: ScratchRoot) -> None:
    env_file = installed.path / ENV_FILE
    mode = env_file.stat()
    assert stat.S_IMODE(mode.st_mode) == 0o600
    assert (mode.st_uid, mode.st_gid) == (0, 0)
    settings = [line for line in env_file.read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.startswith("#")]  # fmt: skip
    assert settings == ["KPIDESK_DATABASE_URL="]


def test_empty_env_file_is_one_clear_line_and_no_restart(installed: ScratchRoot,
                                                         tmp_path: Path) -> None:  # fmt: skip
    """The service's own command line, with the variables of an empty env file."""
    (command,) = unit_values(installed, "ExecStart")
    argv = shlex.split(command)
    assert argv[0] == "/usr/bin/kpidesk"
    for contents in ("", "KPIDESK_DATABASE_URL=\n"):
        env = bare_env(tmp_path)
        for line in contents.splitlines():
            name, _, value = line.partition("=")
            env[name] = value
        result = installed.kpidesk(env, *argv[1:])
        assert str(result.returncode) in unit_values(installed, "RestartPreventExitStatus")
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("kpidesk: error: no database configured"
                                                       ), result.stderr  # fmt: skip
        assert "/etc/kpidesk/kpidesk.env" in lines[0]
        assert not list(tmp_path.rglob("*.sqlite3"))


USERS_CSV = "login,name,email\nmette,Mette Kristensen,mette@example.com\nole,Ole Bøgh,ole@x.dk\n"
COMPANIES_CSV = (
    "id,name,is_customer,key_account_manager\n101,Ærø Træ ApS,ja,mette\n102,Nord A/S,nej,\n"
)


def table_rows(database: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, read with plain sqlite3: the state to compare over upgrades."""
    with sqlite3.connect(database) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: sorted(map(repr, conn.execute(f'SELECT * FROM "{t}"'))) for t in tables}


def test_upgrade_keeps_data_remove_keeps_it_purge_says_where(
    debs: list[Path], tmp_path: Path
) -> None:
    root = ScratchRoot(tmp_path / "root")
    root.dpkg("--install", str(debs[0]))
    env = bare_env(tmp_path)
    export = tmp_path / "export"
    export.mkdir()
    (export / "users.csv").write_text(USERS_CSV, encoding="utf-8")
    (export / "companies.csv").write_text(COMPANIES_CSV, encoding="utf-8")
    imported = root.kpidesk(env, "import-crm", str(export))
    assert imported.returncode == 0, imported.stderr
    database = Path(env["XDG_DATA_HOME"]) / "kpidesk" / "kpidesk.sqlite3"
    before = table_rows(database)
    assert len(before["users"]) == 2 and len(before["companies"]) == 2
    # IT's edit of the env file, and the service's own data folder.
    env_file = root.path / ENV_FILE
    configured = "KPIDESK_DATABASE_URL=postgresql://kpidesk:s3cret@dbhost/kpidesk\n"
    env_file.write_text(configured, encoding="utf-8")
    service_data = root.path / "var" / "lib" / "kpidesk" / "kpidesk.sqlite3"
    service_data.parent.mkdir(parents=True)
    shutil.copy2(database, service_data)

    upgrade = root.dpkg("--install", str(debs[1]))
    assert root.version() == f"install ok installed {NEWER}"
    assert "conffile" not in upgrade.stdout.lower()  # no prompt for IT
    assert env_file.read_text(encoding="utf-8") == configured
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    assert table_rows(database) == before
    # The upgraded program opens the same database and finds every row already there.
    again = root.kpidesk(env, "import-crm", str(export))
    assert again.returncode == 0, again.stderr
    assert "0 inserted, 0 updated" in again.stdout, again.stdout
    after = table_rows(database)
    assert {t: rows for t, rows in after.items() if t != "audit_log"} == {
        t: rows for t, rows in before.items() if t != "audit_log"
    }

    root.dpkg("--remove", "kpidesk")
    assert not (root.path / "opt" / "kpidesk").exists()
    assert not (root.path / "usr" / "bin" / "kpidesk").is_symlink()
    assert not (root.path / UNIT).exists()
    assert env_file.read_text(encoding="utf-8") == configured
    assert database.exists() and service_data.exists()

    purge = root.dpkg("--purge", "kpidesk")
    assert not env_file.exists()
    assert "/var/lib/kpidesk" in purge.stdout and "~/.local/share/kpidesk" in purge.stdout
    assert table_rows(database) == after and service_data.exists()
    assert root.version() == ""
