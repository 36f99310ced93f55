"""What the packaging tests share besides fixtures."""

from __future__ import annotations

from pathlib import Path


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def bare_env(tmp_path: Path) -> dict[str, str]:
    """No venv, no PYTHONPATH, a fresh home: what a customer's machine looks like."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
        "LANG": "C.UTF-8",
    }
