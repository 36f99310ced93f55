"""The layers stay apart: the domain knows neither Qt nor SQL; only the GUI knows Qt."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "kpidesk"

FORBIDDEN = {
    "domain": ("PySide6", "pyqtgraph", "sqlalchemy", "alembic", "kpidesk.data", "kpidesk.engine",
               "kpidesk.services", "kpidesk.gui", "kpidesk.cli", "kpidesk.scheduler"),
    "data": ("PySide6", "pyqtgraph", "kpidesk.engine", "kpidesk.gui", "kpidesk.cli",
             "kpidesk.scheduler"),
    "engine": ("PySide6", "pyqtgraph", "kpidesk.services", "kpidesk.gui", "kpidesk.cli",
               "kpidesk.scheduler"),
    "services": ("PySide6", "pyqtgraph", "kpidesk.gui", "kpidesk.cli"),
    "scheduler": ("PySide6", "pyqtgraph", "kpidesk.gui", "kpidesk.cli"),
    # The GUI talks to services; it never builds queries or runs the engine itself.
    "gui": ("sqlalchemy", "kpidesk.engine", "kpidesk.data.models", "kpidesk.data.crm_import"),
}  # fmt: skip


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports(layer: str) -> None:
    offenders = []
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        for module in imported_modules(path):
            for forbidden in FORBIDDEN[layer]:
                if module == forbidden or module.startswith(forbidden + "."):
                    offenders.append(f"{path.relative_to(PACKAGE.parent)} imports {module}")
    assert offenders == []
