"""The bundle is built once per test session: the bundle, .deb and installer tests share it."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.packaging.util import folder_size

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def clean_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the tracked files: nothing left over from development."""
    tree = tmp_path_factory.mktemp("clean-tree")
    listing = ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"]
    files = subprocess.run(listing, cwd=REPO, capture_output=True, check=True).stdout.split(b"\0")
    for name in filter(None, files):
        source = REPO / name.decode()
        if source.is_file():
            target = tree / name.decode()
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    (tree / ".venv").symlink_to(REPO / ".venv")
    return tree


@pytest.fixture(scope="session")
def bundle(clean_tree: Path) -> Iterator[Path]:
    """`make dist` in the clean tree, once for the whole session."""
    started = time.perf_counter()
    # `-o`: use the project's venv as it is; reinstalling from the copy would re-point the
    # editable install at a folder that is deleted after the test.
    subprocess.run(["make", "-o", ".venv/.installed-test", "dist"], cwd=clean_tree, check=True,
                   capture_output=True, timeout=600)  # fmt: skip
    build_seconds = time.perf_counter() - started
    folder = clean_tree / "dist" / "kpidesk"
    size_mb = folder_size(folder) / 1e6
    print(f"\nbundle built in {build_seconds:.0f} s, {size_mb:.0f} MB unpacked")
    yield folder
