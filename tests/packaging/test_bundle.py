"""The PyInstaller bundle, built from a clean tree, runs with no Python environment around it.

Run by `make test-dist` (marker `dist`); `make test` leaves it out because the build takes
about a minute. The bundle fixture (conftest.py) builds it once per session.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from kpidesk import __version__
from tests.packaging.util import bare_env, folder_size

pytestmark = pytest.mark.dist

SIZE_LIMIT_MB = 160
UNWANTED = ("Qt6Qml", "Qt6Quick", "Qt6WebEngine", "Qt6Pdf", "Qt6Multimedia", "Qt63D",
            "Qt6Designer", "_pytest", "pytestqt", "pytest_postgresql", "tkinter")  # fmt: skip


def test_archive_is_built(bundle: Path) -> None:
    machine = os.uname().machine
    archive = bundle.parent / f"kpidesk-{__version__}-{sys.platform}-{machine}.tar.gz"
    assert archive.exists(), sorted(p.name for p in bundle.parent.iterdir())
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "kpidesk/kpidesk" in names


def test_bundle_is_lean(bundle: Path) -> None:
    size_mb = folder_size(bundle) / 1e6
    assert size_mb <= SIZE_LIMIT_MB, f"bundle is {size_mb:.0f} MB"
    present = [p.name for p in bundle.rglob("*") if any(u in p.name for u in UNWANTED)]
    assert present == []
    migrations = bundle / "_internal" / "kpidesk" / "data" / "migrations" / "versions"
    assert sorted(p.name for p in migrations.glob("0*.py"))
    assert list((bundle / "_internal" / "resources" / "i18n").glob("*_da.qm"))
    mappings = bundle / "_internal" / "resources" / "mappings"
    assert {
        "suitecrm.toml",
        "suitecrm-sql.toml",
        "salesforce.toml",
        "hubspot.toml",
        "pipedrive.toml",
    } <= {p.name for p in mappings.glob("*.toml")}


def test_version_without_python(bundle: Path, tmp_path: Path) -> None:
    result = subprocess.run([str(bundle / "kpidesk"), "--version"], env=bare_env(tmp_path),
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"kpidesk {__version__}"


def test_selftest_without_python(bundle: Path, tmp_path: Path) -> None:
    keep = tmp_path / "selftest"
    result = subprocess.run([str(bundle / "kpidesk"), "selftest", "--keep", str(keep)],
                            env=bare_env(tmp_path), capture_output=True, text=True,
                            timeout=300)  # fmt: skip
    print(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "selftest passed" in result.stdout
    assert "mysql+pymysql" in result.stdout  # the `sql` data source's MySQL/MariaDB driver
    assert (keep / "dagens-kpi.png").stat().st_size > 10_000


def test_default_database_in_user_data_dir(bundle: Path, tmp_path: Path) -> None:
    env = bare_env(tmp_path)
    result = subprocess.run([str(bundle / "kpidesk"), "db", "upgrade"], env=env,
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (Path(env["XDG_DATA_HOME"]) / "kpidesk" / "kpidesk.sqlite3").exists()
    assert not list(bundle.rglob("*.sqlite3"))
