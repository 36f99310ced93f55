"""The command line and "Dagens KPI" show the same value the same way, in Danish and English.

The data take the users' path: a CRM export through `kpidesk import-crm`, the KPI setup
through `kpidesk setup import`, the currency through `kpidesk config set`, the run through
`kpidesk recalc`; then `kpidesk kpi` prints its table and the window shows its cards.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from kpidesk.cli.main import main
from kpidesk.data.db import Database
from kpidesk.data.models import KpiRule, User
from kpidesk.gui.context import AppContext
from kpidesk.gui.formatting import locale_for
from kpidesk.gui.kpi_chart import RowsModel
from kpidesk.gui.today_dialog import TodayKpiDialog
from kpidesk.services import kpi, settings
from kpidesk.services.caller import Caller

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

AS_OF = dt.date(2026, 3, 20)
CUSTOMERS = 8
COVERED = 3  # customers with a done sales meeting with mette in the last 90 days
WON = (12500.50, 100000.25)  # won this month
RULES = {
    "KAM-dækning": ("kam_coverage", {"activity_types": ["Salgsmøde"], "days": 90}, 0.8),
    "Vundet omsætning": ("won_revenue", {"period": "month"}, 250000),
    "Planlagte salgsmøder": ("planned_meetings", {"activity_types": ["Salgsmøde"], "days": 14}, 10),
}
PLANNED = 5


def write_export(folder: Path) -> Path:
    folder.mkdir()
    (folder / "users.csv").write_text(
        "login,name,email,role,profile\n"
        "karen,Karen Holm,karen@x.dk,admin,Ledelse\n"
        "mette,Mette Kristensen,mette@x.dk,user,Salg\n",
        encoding="utf-8",
    )
    companies = ["id,name,is_customer,key_account_manager"]
    companies += [f"{n},Kunde {n} A/S,true,mette" for n in range(1, CUSTOMERS + 1)]
    (folder / "companies.csv").write_text("\n".join(companies) + "\n", encoding="utf-8")
    activities = ["id,type,status,start_at,company_id,owner"]
    participants = ["activity_id,login"]
    for n in range(1, COVERED + 1):  # done, 10·n days ago
        day = AS_OF - dt.timedelta(days=10 * n)
        activities.append(f"{n},Salgsmøde,done,{day.isoformat()} 10:00,{n},mette")
        participants.append(f"{n},mette")
    for n in range(1, PLANNED + 1):  # planned in the next days
        day = AS_OF + dt.timedelta(days=n)
        activities.append(f"{100 + n},Salgsmøde,planned,{day.isoformat()} 10:00,{n},mette")
        participants.append(f"{100 + n},mette")
    (folder / "activities.csv").write_text("\n".join(activities) + "\n", encoding="utf-8")
    (folder / "activity_participants.csv").write_text(
        "\n".join(participants) + "\n", encoding="utf-8"
    )
    opportunities = ["id,name,company_id,owner,amount,stage,created_at,expected_close,closed_at"]
    for n, amount in enumerate(WON, start=1):
        closed = AS_OF - dt.timedelta(days=n)
        opportunities.append(
            f"{n},Ordre {n},{n},mette,{amount:.2f},won,2026-01-05,{closed},{closed} 12:00"
        )
    (folder / "opportunities.csv").write_text("\n".join(opportunities) + "\n", encoding="utf-8")
    return folder


def setup_file(path: Path) -> Path:
    rules = [
        {"name": name, "template": template, "params": params, "target": target,
         "profiles": ["Salg"], "active": True}
        for name, (template, params, target) in RULES.items()
    ]  # fmt: skip
    data = {"version": 1, "profiles": ["Salg"], "rules": rules, "assignments": {}}
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def imported(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["--db", db_url, "import-crm", str(write_export(tmp_path / "export"))]) == 0
    assert main(["--db", db_url, "setup", "import", str(setup_file(tmp_path / "s.json"))]) == 0
    assert main(["--db", db_url, "config", "set", "currency", "EUR"]) == 0
    assert main(["--db", db_url, "recalc", "--date", AS_OF.isoformat()]) == 0
    capsys.readouterr()
    return db_url


def cli_table(capsys: pytest.CaptureFixture[str], url: str, lang: str) -> dict[str, list[str]]:
    """`kpidesk kpi`'s rows by rule: value, target, score (columns split on 2+ spaces)."""
    argv = ["--db", url, "--lang", lang, "kpi", "--user", "mette", "--date", AS_OF.isoformat()]
    assert main(argv) == 0
    out = capsys.readouterr().out
    rows: dict[str, list[str]] = {}
    for line in out.splitlines():
        for name in RULES:
            if line.startswith(name):
                cells = [cell for cell in line[len(name) :].split("  ") if cell.strip()]
                rows[name] = [cell.strip() for cell in cells[:3]]
    return rows


def cli_json(capsys: pytest.CaptureFixture[str], url: str) -> dict[str, dict[str, float]]:
    argv = ["--db", url, "kpi", "--user", "mette", "--date", AS_OF.isoformat(), "--json"]
    assert main(argv) == 0
    return {item["rule"]: item for item in json.loads(capsys.readouterr().out)["kpis"]}


def open_today(qtbot: QtBot, db: Database, lang: str) -> TodayKpiDialog:
    with db.session() as session:
        mette = session.scalar(select(User.id).where(User.login == "mette"))
    ctx = AppContext(db=db, caller=Caller("mette", "user", mette), language=lang,
                     clock=lambda: dt.datetime(2026, 3, 20, 9, 0, tzinfo=dt.UTC))  # fmt: skip
    dialog = TodayKpiDialog(ctx)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=20_000):
        dialog.show()
    return dialog


def gui_cards(qtbot: QtBot, db: Database, lang: str) -> dict[str, list[str]]:
    dialog = open_today(qtbot, db, lang)
    cards: dict[str, list[str]] = {}
    for name in RULES:
        card = dialog.card(name)
        assert card is not None, name
        target = card.targetLabel.text().split(": ", 1)[1]  # "Target: 80 %" / "Mål: 80 %"
        cards[name] = [card.valueLabel.text(), target, card.scoreLabel.text()]
    dialog.close()
    return cards


def test_the_values_are_those_of_the_export(
    imported: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The numbers themselves, counted from the export by hand."""
    kpis = cli_json(capsys, imported)
    assert kpis["KAM-dækning"]["value"] == pytest.approx(COVERED / CUSTOMERS)
    assert kpis["Vundet omsætning"]["value"] == pytest.approx(sum(WON))
    assert kpis["Planlagte salgsmøder"]["value"] == PLANNED


@pytest.mark.parametrize("lang", ["da", "en"])
def test_cli_and_window_print_the_same_value_the_same_way(
    qtbot: QtBot, imported: str, db: Database, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    table = cli_table(capsys, imported, lang)
    cards = gui_cards(qtbot, db, lang)
    assert table == cards
    # one decimal where the value has it, the installation's currency, whole-percent scores
    coverage, revenue = table["KAM-dækning"], table["Vundet omsætning"]
    if lang == "da":
        assert coverage == ["37,5 %", "80 %", "47 %"]
        assert revenue[:2] == ["112.501 EUR", "250.000 EUR"]
    else:
        assert coverage == ["37.5%", "80%", "47%"]
        assert revenue[:2] == ["EUR 112,501", "EUR 250,000"]


@pytest.mark.parametrize("lang", ["da", "en"])
def test_explanation_cells_read_the_same(
    qapp: object, imported: str, db: Database, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    """The records behind "Vundet omsætning": headings, amounts and stages as the chart
    window's table model shows them (dates differ by design: month names there, digits here)."""
    argv = ["--db", imported, "--lang", lang, "kpi", "--user", "mette", "--date",
            AS_OF.isoformat(), "--explain", "Vundet omsætning"]  # fmt: skip
    assert main(argv) == 0
    out = capsys.readouterr().out
    with db.session() as session:
        mette = session.scalar(select(User.id).where(User.login == "mette"))
        rule = session.scalar(select(KpiRule.id).where(KpiRule.name == "Vundet omsætning"))
    assert mette is not None and rule is not None
    caller = Caller("mette", "user", mette)
    explanation = kpi.explain_result(db, caller, mette, rule, AS_OF, lang=lang)
    model = RowsModel(locale_for(lang), lang, settings.currency(db))
    model.set_table(explanation.columns, explanation.column_labels(lang), explanation.rows)
    headings = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert all(heading in out for heading in headings), (headings, out)
    shown = [model.index(r, explanation.columns.index(key)).data()
             for r in range(model.rowCount()) for key in ("amount", "stage")]  # fmt: skip
    assert len(shown) == 2 * len(WON)
    for text in shown:
        assert f"  {text}" in out, (text, out)
    assert ("vundet" if lang == "da" else "won") in shown
    assert ("12.501 EUR" if lang == "da" else "EUR 12,501") in shown  # 12.500,50: half up
