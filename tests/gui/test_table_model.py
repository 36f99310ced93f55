"""The one base of kpidesk's tables: columns declared once, one sort role, text collated by the
language (QCollator), selection and sort kept when rows change."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, QLocale, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from kpidesk.cli.main import main
from kpidesk.data.db import Database
from kpidesk.gui.context import AppContext
from kpidesk.gui.crm_models import CompanyModel
from kpidesk.gui.crm_views import CompaniesTab
from kpidesk.gui.kpi_chart import RowsModel
from kpidesk.gui.run_log import RunLogModel
from kpidesk.gui.setup.datasource_form import ImportsModel
from kpidesk.gui.setup_models import ProfilesModel, RulesModel, TeamModel, UsersModel
from kpidesk.gui.table_model import (
    ALIGN_RIGHT,
    ROW_ROLE,
    SORT_ROLE,
    Column,
    TableModel,
    sort_texts,
)
from kpidesk.services.caller import Caller

DANISH = QLocale(QLocale.Language.Danish, QLocale.Country.Denmark)
ENGLISH = QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)
# The CRM's names, as an export has them: Danish letters, "aa" for å, mixed case.
COMPANIES = ["Åse Auto", "Zealand Marine", "Ærø Færger", "aa Consult", "Øster Bageri",
             "Bager Bent", "Aabenraa Is"]  # fmt: skip


@pytest.fixture
def locale() -> Iterator[None]:
    before = QLocale()
    yield
    QLocale.setDefault(before)


def import_companies(db_url: str, folder: Path) -> None:
    """The companies enter the way users bring them: `kpidesk import-crm`."""
    folder.mkdir()
    lines = ["id,name,is_customer"] + [f"{n},{name},ja" for n, name in enumerate(COMPANIES, 1)]
    (folder / "companies.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["--db", db_url, "import-crm", str(folder)]) == 0


def shown_names(tab: CompaniesTab) -> list[str]:
    return [tab.proxy.index(r, CompanyModel.COL_NAME).data() for r in range(tab.proxy.rowCount())]


@pytest.mark.usefixtures("locale")
def test_the_companies_tab_sorts_names_by_the_language(
    db_url: str, db: Database, qtbot: QtBot, tmp_path: Path
) -> None:
    import_companies(db_url, tmp_path / "export")
    QLocale.setDefault(DANISH)
    tab = CompaniesTab(AppContext(db=db, caller=Caller("admin", "admin", None)))
    qtbot.addWidget(tab)
    with qtbot.waitSignal(tab.loaded, timeout=10_000):
        tab.reload()
    # Danish: æ, ø, å after z, and "aa" is å (Aabenraa among the å's).
    assert shown_names(tab) == ["Bager Bent", "Zealand Marine", "Ærø Færger", "Øster Bageri",
                                "aa Consult", "Aabenraa Is", "Åse Auto"]  # fmt: skip
    assert shown_names(tab) == sort_texts(COMPANIES, DANISH)
    tab.table.sortByColumn(CompanyModel.COL_NAME, Qt.SortOrder.DescendingOrder)
    assert shown_names(tab)[:2] == ["Åse Auto", "Aabenraa Is"]

    # English: the same letters sort with their base letter; nothing follows z.
    QLocale.setDefault(ENGLISH)
    tab.table.sortByColumn(CompanyModel.COL_NAME, Qt.SortOrder.AscendingOrder)
    names = shown_names(tab)
    assert names[-1] == "Zealand Marine"
    assert names.index("aa Consult") < names.index("Aabenraa Is") < names.index("Åse Auto")
    assert names.index("Ærø Færger") < names.index("Bager Bent") < names.index("Øster Bageri")


@pytest.mark.usefixtures("locale")
def test_a_reload_keeps_the_sort_and_the_selection_follows_its_row(
    db_url: str, db: Database, qtbot: QtBot, tmp_path: Path
) -> None:
    import_companies(db_url, tmp_path / "export")
    QLocale.setDefault(DANISH)
    tab = CompaniesTab(AppContext(db=db, caller=Caller("admin", "admin", None)))
    qtbot.addWidget(tab)
    with qtbot.waitSignal(tab.loaded, timeout=10_000):
        tab.reload()
    tab.table.sortByColumn(CompanyModel.COL_NAME, Qt.SortOrder.DescendingOrder)
    ærø = shown_names(tab).index("Ærø Færger")
    tab.table.selectionModel().setCurrentIndex(
        tab.proxy.index(ærø, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    tab.table.sortByColumn(CompanyModel.COL_NAME, Qt.SortOrder.AscendingOrder)
    assert tab.proxy.data(tab.table.currentIndex(), ROW_ROLE).name == "Ærø Færger"
    with qtbot.waitSignal(tab.loaded, timeout=10_000):
        tab.reload()  # new rows come in the database's order; the table keeps its own
    assert shown_names(tab) == sort_texts(COMPANIES, DANISH)


class _Numbers(TableModel[tuple[str, int | None]]):
    def __init__(self) -> None:
        super().__init__()
        self.set_columns([
            Column("Name", lambda r: r[0]),
            Column("Count", lambda r: "" if r[1] is None else str(r[1]), sort=lambda r: r[1],
                   align=ALIGN_RIGHT, header_tooltip="How many"),
        ])  # fmt: skip


def test_one_sort_role_and_empty_cells_last(qtmodeltester: ModelTester) -> None:
    model = _Numbers()
    rows = [("b", 10), ("a", None), ("c", 2), ("", 5)]
    model.set_rows(rows)
    qtmodeltester.check(model)
    assert model.index(0, 1).data(SORT_ROLE) == 10
    assert model.headerData(1, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) == (
        "How many"
    )
    assert model.index(0, 1).data(Qt.ItemDataRole.TextAlignmentRole) == ALIGN_RIGHT
    for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
        model.sort(1, order)
        counts = [r[1] for r in model.rows()]
        assert counts[-1] is None  # empty last either way
        known = [c for c in counts if c is not None]
        assert known == sorted(known, reverse=order == Qt.SortOrder.DescendingOrder)
        model.sort(0, order)
        assert model.rows()[-1][0] == ""  # an empty name last too


def test_every_table_is_built_on_the_base(qapp: object) -> None:
    """Each window's table model is a TableModel: one set of roles, one sort, one row_at."""
    locale = DANISH
    models = [CompanyModel(), ProfilesModel(), UsersModel(), RulesModel({}, locale),
              TeamModel(locale), RunLogModel(), ImportsModel(),
              RowsModel(locale, "da", "DKK")]  # fmt: skip
    for model in models:
        assert isinstance(model, TableModel)
        assert model.rowCount() == 0 and model.row_item(0) is None
