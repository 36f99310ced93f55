"""Adding a template is adding one module: the README's example, dropped into the package."""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from kpidesk.data.db import Database
from kpidesk.data.models import KpiResult
from kpidesk.engine import catalogue
from kpidesk.engine import templates as templates_package
from kpidesk.engine.run import run_for_date
from kpidesk.services import setup
from tests.engine.builders import Builder, local

README = Path(__file__).resolve().parents[2] / "README.md"
D = dt.date(2026, 3, 29)


def readme_example() -> str:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("**Adding a template**") :]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "the README shows the example module"
    return match.group(1)


def test_the_readme_example_is_found_and_computed(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "planned_calls.py").write_text(readme_example(), encoding="utf-8")
    monkeypatch.setattr(templates_package, "__path__", [*templates_package.__path__, str(tmp_path)])
    monkeypatch.delitem(sys.modules, "kpidesk.engine.templates.planned_calls", raising=False)
    found = catalogue.discover()
    assert list(found)[-1] == "planned_calls" and len(found) == len(catalogue.TEMPLATES) + 1
    monkeypatch.setattr(catalogue, "TEMPLATES", found)

    b = Builder(db)
    salg = b.profile("Salg")
    anna = b.user("anna", salg)
    b.activity(local(D, 8), [anna], type="Telefonmøde")
    b.activity(local(D + dt.timedelta(days=7)), [anna], type="Telefonmøde")  # D+7 00:00: out
    b.rule("Opkald", "planned_calls", None, 2, [salg])
    assert run_for_date(db, D).results == 1
    with db.connect() as conn:
        assert conn.execute(select(KpiResult.value, KpiResult.score)).one() == (1.0, 0.5)
    monkeypatch.delitem(sys.modules, "kpidesk.engine.templates.planned_calls", raising=False)


def test_a_new_template_takes_its_place_from_its_own_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its `spec.order` alone places it in the editor's list and `kpidesk templates`."""
    module = readme_example().replace("order=11,", "order=2,")  # kam_coverage's place
    assert "order=2," in module
    (tmp_path / "planned_calls.py").write_text(module, encoding="utf-8")
    monkeypatch.setattr(templates_package, "__path__", [*templates_package.__path__, str(tmp_path)])
    monkeypatch.delitem(sys.modules, "kpidesk.engine.templates.planned_calls", raising=False)
    before = [spec.key for spec in setup.template_specs()]
    monkeypatch.setattr(catalogue, "TEMPLATES", catalogue.discover())
    keys = [spec.key for spec in setup.template_specs()]
    assert before[:2] == ["planned_meetings", "kam_coverage"]
    assert keys == [*before[:2], "planned_calls", *before[2:]]  # a tie goes by key
    assert [spec.order for spec in setup.template_specs()] == sorted(
        spec.order for spec in setup.template_specs()
    )
    monkeypatch.delitem(sys.modules, "kpidesk.engine.templates.planned_calls", raising=False)
