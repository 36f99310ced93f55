"""Start-up cost: the parser and `kpidesk --version` load no SQLAlchemy, Qt or pyqtgraph.

Those three are most of a cold start (≈0.6 s here); timings are in benchmarks/README.md,
this test checks the cause, which does not depend on how busy the machine is.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from kpidesk import __version__

HEAVY = ("sqlalchemy", "PySide6", "pyqtgraph", "alembic", "apscheduler")


def imported_modules(*args: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Runs `kpidesk ARGS` in a fresh interpreter; returns it and every module it imported."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "kpidesk", *args],
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )  # fmt: skip
    modules = {
        line.rsplit("|", 1)[1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    return result, modules


def heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY)


def test_version_imports_no_database_or_qt() -> None:
    result, modules = imported_modules("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"kpidesk {__version__}"
    assert "kpidesk.cli.main" in modules  # the probe sees the real command's imports
    assert heavy(modules) == []


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("source", "set", "folder", "--help"),
        ("config", "set", "--help"),
        ("recalc", "--help"),
    ],
)
def test_help_imports_no_database_or_qt(args: tuple[str, ...]) -> None:
    """Every subcommand's parser is built for any help; none may pull in the layers below."""
    result, modules = imported_modules(*args)
    assert result.returncode == 0, result.stderr
    assert "usage: kpidesk" in result.stdout
    assert heavy(modules) == []


def test_a_command_still_loads_the_database(tmp_path: os.PathLike[str]) -> None:
    """The lazy imports are really reached: a command that needs the database gets it."""
    url = f"sqlite:///{os.fspath(tmp_path)}/kpi.sqlite3"
    result, modules = imported_modules("db", "upgrade", "--db", url)
    assert result.returncode == 0, result.stderr
    assert "revision" in result.stdout
    assert "sqlalchemy" in modules
    assert not any(m.split(".")[0] in ("PySide6", "pyqtgraph") for m in modules)


def test_login_dialog_needs_no_database_layer() -> None:
    """What the app imports on the GUI thread up to the login dialog: Qt, but no SQLAlchemy,
    argon2 or charts. The database opens behind the dialog, on a worker thread."""
    probe = (
        "import sys\n"
        "from kpidesk.cli.main import build_parser\n"
        "build_parser()\n"
        "import kpidesk.gui.app, kpidesk.gui.login\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    modules = set(result.stdout.split())
    assert "PySide6.QtWidgets" in modules
    loaded = sorted(
        m for m in modules if m.split(".")[0] in ("sqlalchemy", "argon2", "pyqtgraph", "numpy")
    )
    assert loaded == []


@pytest.mark.parametrize(
    ("url", "server"),
    [
        ("sqlite:///kpi.sqlite3", False),
        ("postgresql://dbhost/kpidesk", True),
        ("postgresql://kpi:secret@dbhost/kpidesk", False),
        ("postgresql+psycopg://dbhost/kpidesk", True),
    ],
)
def test_server_login_is_told_apart_as_before(url: str, server: bool) -> None:
    """The cheap pre-check in the app agrees with the auth service's own rule."""
    from kpidesk.gui.app import _server_login_url
    from kpidesk.services.auth import server_login_url

    assert server_login_url(url) is server
    assert (_server_login_url(url) == url) is server
