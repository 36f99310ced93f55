"""Where kpidesk finds its resources and keeps its files, in development and when frozen."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "kpidesk"
APP_AUTHOR = "kpidesk"
ENV_DATABASE_URL = "KPIDESK_DATABASE_URL"


def is_frozen() -> bool:
    return bool(getattr(sys, "frozen", False))


def bundle_root() -> Path:
    """The folder holding `resources/` and the migrations: the bundle when frozen, else the repo."""
    if is_frozen():
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent))
    return Path(__file__).resolve().parent.parent


def resource_path(*parts: str) -> Path:
    return bundle_root().joinpath("resources", *parts)


def migrations_path() -> Path:
    if is_frozen():
        return bundle_root() / "kpidesk" / "data" / "migrations"
    return Path(__file__).resolve().parent / "data" / "migrations"


def user_data_dir() -> Path:
    """Never the bundle's folder: IT installs it read-only."""
    path = Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))
    path.mkdir(parents=True, exist_ok=True)
    return path


def user_log_dir() -> Path:
    path = Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_database_url() -> str:
    return f"sqlite:///{(user_data_dir() / 'kpidesk.sqlite3').as_posix()}"


def resolve_database_url(url: str | None = None) -> str:
    """The URL given, else $KPIDESK_DATABASE_URL, else the SQLite file in the user data folder.

    Here rather than in `data.db` so the app can choose its login dialog before it loads
    SQLAlchemy (start-up time)."""
    return url or os.environ.get(ENV_DATABASE_URL) or default_database_url()


def demo_database_url() -> str:
    """A separate file, so the demo never mixes with a real installation's data."""
    return f"sqlite:///{(user_data_dir() / 'kpidesk-demo.sqlite3').as_posix()}"
