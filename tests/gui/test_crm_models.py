"""The CRM views' data: services.crm on both backends, the Qt models and their filters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QLocale, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from kpidesk.data.crm_import import import_crm, load_mapping
from kpidesk.data.db import Database
from kpidesk.data.models import (
    Activity,
    ActivityParticipant,
    Company,
    Opportunity,
    Profile,
    User,
)
from kpidesk.gui.context import AppContext
from kpidesk.gui.crm_models import (
    ROW_ROLE,
    ActivityFilter,
    ActivityModel,
    CompanyModel,
    OpportunityModel,
    RowFilterProxy,
)
from kpidesk.gui.crm_views import ActivitiesTab, CompaniesTab, OpportunitiesTab
from kpidesk.gui.table_model import sort_texts
from kpidesk.services import crm
from kpidesk.services.auth import hash_password
from kpidesk.services.caller import Caller

CPH = ZoneInfo("Europe/Copenhagen")
TODAY = dt.date(2026, 11, 27)


@dataclass
class Crm:
    admin: Caller
    mette: Caller
    jonas: Caller


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=CPH)


def seed_crm(db: Database, password: str = "rigtig-kode") -> Crm:
    """A small CRM: three users in two profiles, four companies, activities, opportunities."""
    with db.session(write=True) as session:
        salg, support = Profile(name="Salg"), Profile(name="Support")
        hashed = hash_password(password)
        admin = User(login="admin", name="Anne Admin", role="admin", password_hash=hashed)
        mette = User(login="mette", name="Mette Hansen", profile=salg, password_hash=hashed)
        jonas = User(login="jonas", name="Jonas Ørsted", profile=support, password_hash=hashed)
        session.add_all([salg, support, admin, mette, jonas])
        session.flush()
        session.add_all([
            Company(id=1, name="Ålborg Auto", is_customer=True, key_account_manager_id=mette.id),
            Company(id=2, name="Bager Bent", is_customer=True, key_account_manager_id=jonas.id),
            Company(id=3, name="Æble ApS", is_customer=False, key_account_manager_id=None),
            Company(id=4, name="Zebra A/S", is_customer=True, key_account_manager_id=mette.id),
        ])  # fmt: skip
        session.flush()
        activities = [
            # id, type, status, start, end, company, owner, participants
            (10, "Salgsmøde", "planned", at(TODAY, 9), at(TODAY, 10), 1, mette, [mette, jonas]),
            (11, "Salgsmøde", "done", at(TODAY - dt.timedelta(3), 13), None, 2, jonas, [jonas]),
            (12, "Opgave", "cancelled", at(TODAY + dt.timedelta(2), 8), None, None, admin, []),
            (13, "Telefonmøde", "planned", at(TODAY + dt.timedelta(5), 15), None, 4, jonas,
             [mette]),
            # Outside the default window of the tests below: 40 days back.
            (14, "Opgave", "done", at(TODAY - dt.timedelta(40), 11), None, 1, mette, [mette]),
            # Local midnight at the range's first day is in; the day after the last is out.
            (15, "Opgave", "planned", at(TODAY - dt.timedelta(7), 0), None, 3, admin, []),
            (16, "Opgave", "planned", at(TODAY + dt.timedelta(8), 0), None, 3, admin, []),
        ]  # fmt: skip
        for aid, type_, status, start, end, company, owner, people in activities:
            session.add(Activity(id=aid, type=type_, status=status, start_at=start, end_at=end,
                                 company_id=company, owner_id=owner.id))  # fmt: skip
            session.flush()
            for person in people:
                session.add(ActivityParticipant(activity_id=aid, user_id=person.id))
        created = at(TODAY - dt.timedelta(20), 12)
        session.add_all([
            Opportunity(id=100, name="Ny flåde", company_id=1, owner_id=mette.id,
                        amount=Decimal("1234567.50"), stage="open", created_at=created,
                        expected_close=TODAY + dt.timedelta(10)),
            Opportunity(id=101, name="Brød til kantinen", company_id=2, owner_id=jonas.id,
                        amount=Decimal("25000"), stage="won", created_at=created,
                        closed_at=at(TODAY - dt.timedelta(2), 10)),
            Opportunity(id=102, name="Reservedele", company_id=4, owner_id=mette.id,
                        amount=Decimal("99000"), stage="lost", created_at=at(TODAY, 8),
                        closed_at=at(TODAY, 9)),
        ])  # fmt: skip
        session.flush()
        return Crm(
            admin=Caller("admin", "admin", admin.id),
            mette=Caller("mette", "user", mette.id),
            jonas=Caller("jonas", "user", jonas.id),
        )


# --- the service ------------------------------------------------------------------------------


def test_companies_with_key_account_manager(db: Database) -> None:
    people = seed_crm(db)
    rows = crm.companies(db, people.mette)  # the database's collation orders them; the view sorts
    assert sorted((r.id, r.name, r.kam_name, r.mine) for r in rows) == [
        (1, "Ålborg Auto", "Mette Hansen", True),
        (2, "Bager Bent", "Jonas Ørsted", False),
        (3, "Æble ApS", None, False),
        (4, "Zebra A/S", "Mette Hansen", True),
    ]
    by_id = {r.id: r for r in rows}
    assert by_id[3].is_customer is False and by_id[3].kam_login is None
    assert by_id[1].mine and by_id[4].mine and not by_id[2].mine


def test_activities_in_a_local_date_range(db: Database) -> None:
    people = seed_crm(db)
    page = crm.activities(db, people.mette, TODAY - dt.timedelta(7), TODAY + dt.timedelta(7))
    assert not page.truncated
    assert [r.id for r in page.rows] == [15, 11, 10, 12, 13]  # by start time; 14 and 16 out
    first = page.rows[2]
    assert first.start_at == at(TODAY, 9) and first.start_at.tzinfo is not None
    assert first.start_at.utcoffset() == dt.timedelta(hours=1)  # shown in Copenhagen time
    assert first.company == "Ålborg Auto" and first.owner == "Mette Hansen"
    assert first.participants == "Jonas Ørsted, Mette Hansen"
    mine = {r.id for r in page.rows if r.mine}
    assert mine == {10, 13}  # owner of 10, participant of 13
    assert {r.id for r in crm.activities(db, people.jonas, TODAY, TODAY).rows if r.mine} == {10}
    assert crm.activity_types(db) == ["Opgave", "Salgsmøde", "Telefonmøde"]


def test_activities_limit_says_truncated(db: Database) -> None:
    people = seed_crm(db)
    page = crm.activities(db, people.admin, TODAY - dt.timedelta(60), TODAY + dt.timedelta(60),
                          limit=3)  # fmt: skip
    assert page.truncated and [r.id for r in page.rows] == [14, 15, 11]


def test_opportunities(db: Database) -> None:
    people = seed_crm(db)
    rows = crm.opportunities(db, people.mette)
    assert [r.id for r in rows] == [102, 100, 101]  # newest first
    flåde = rows[1]
    assert flåde.amount == Decimal("1234567.50") and flåde.company == "Ålborg Auto"
    assert flåde.expected_close == TODAY + dt.timedelta(10) and flåde.closed_at is None
    assert [r.mine for r in rows] == [True, True, False]


# --- the models ---------------------------------------------------------------------------------


def test_models_pass_the_model_tester(db: Database, qtmodeltester: ModelTester) -> None:
    people = seed_crm(db)
    company_model = CompanyModel()
    company_model.set_rows(crm.companies(db, people.admin))
    qtmodeltester.check(company_model)
    activity_model = ActivityModel()
    activity_model.set_rows(crm.activities(db, people.admin, TODAY - dt.timedelta(60),
                                           TODAY + dt.timedelta(60)).rows)  # fmt: skip
    qtmodeltester.check(activity_model)
    opportunity_model = OpportunityModel()
    opportunity_model.set_rows(crm.opportunities(db, people.admin))
    qtmodeltester.check(opportunity_model)
    proxy = RowFilterProxy(activity_model)
    proxy.set_predicate(ActivityFilter(types={"Opgave"}))
    qtmodeltester.check(proxy)


@pytest.fixture
def british() -> Iterator[None]:
    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    yield
    QLocale.setDefault(before)


@pytest.fixture
def danish() -> Iterator[None]:
    """The app sets its language's locale at start (gui/i18n.py); text sorts by it."""
    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.Danish, QLocale.Country.Denmark))
    yield
    QLocale.setDefault(before)


@pytest.mark.usefixtures("british")
def test_activity_cells_read_like_a_calendar(db: Database) -> None:
    people = seed_crm(db)
    model = ActivityModel()
    model.set_rows(crm.activities(db, people.admin, TODAY, TODAY).rows)
    assert model.rowCount() == 1 and model.columnCount() == 7
    cell = model.index(0, ActivityModel.COL_DATE)
    assert model.data(cell) == "Fri 27/11/2026"
    assert model.data(model.index(0, ActivityModel.COL_TIME)) == "09:00–10:00"
    assert model.data(model.index(0, ActivityModel.COL_STATUS)) == "Planned"
    assert model.headerData(ActivityModel.COL_PARTICIPANTS, Qt.Orientation.Horizontal) == (
        "Participants"
    )
    assert model.data(cell, ROW_ROLE).id == 10


@pytest.mark.usefixtures("danish")
def test_filters_and_sorting(db: Database) -> None:
    people = seed_crm(db)
    model = ActivityModel()
    model.set_rows(crm.activities(db, people.mette, TODAY - dt.timedelta(60),
                                  TODAY + dt.timedelta(60)).rows)  # fmt: skip
    proxy = RowFilterProxy(model)

    def shown() -> list[int]:
        return [proxy.data(proxy.index(i, 0), ROW_ROLE).id for i in range(proxy.rowCount())]

    assert shown() == [14, 15, 11, 10, 12, 13, 16]
    proxy.set_predicate(ActivityFilter(types={"Opgave"}))
    assert shown() == [14, 15, 12, 16]
    proxy.set_predicate(ActivityFilter(types={"Opgave"}, statuses={"planned"}))
    assert shown() == [15, 16]
    proxy.set_predicate(ActivityFilter(mine=True))
    assert shown() == [14, 10, 13]
    proxy.set_text("ørsted")  # a participant of 10, the owner of 13
    assert shown() == [10, 13]
    proxy.set_text("ørsted zebra")  # every word must match
    assert shown() == [13]
    proxy.set_text("")
    proxy.set_predicate(None)
    proxy.sort(ActivityModel.COL_COMPANY, Qt.SortOrder.AscendingOrder)
    companies = [proxy.index(i, ActivityModel.COL_COMPANY).data() for i in range(7)]
    assert companies == ["Bager Bent", "Zebra A/S", "Æble ApS", "Æble ApS", "Ålborg Auto",
                         "Ålborg Auto", ""]  # fmt: skip
    # Filters still apply after a sort: the mask follows the rows.
    proxy.set_predicate(ActivityFilter(statuses={"cancelled"}))
    assert shown() == [12]
    proxy.set_predicate(None)
    proxy.sort(ActivityModel.COL_DATE, Qt.SortOrder.DescendingOrder)
    assert shown() == [16, 13, 12, 10, 11, 15, 14]


DANISH = QLocale(QLocale.Language.Danish, QLocale.Country.Denmark)
ENGLISH = QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)
NAMES = ["Åse", "Zealand", "Ærø", "aa", "Øster", "Bager", "Zebra", "anders", "Aabenraa"]


def test_danish_sorts_æ_ø_å_after_z_and_aa_as_å(qapp: object) -> None:
    """Danish collation (Retskrivningsordbogen): … z, æ, ø, å; "aa" is å, so it comes last."""
    assert sort_texts(NAMES, DANISH) == ["anders", "Bager", "Zealand", "Zebra", "Ærø", "Øster",
                                         "aa", "Aabenraa", "Åse"]  # fmt: skip


def test_english_sorts_accented_letters_with_their_base_letter(qapp: object) -> None:
    """English: å is an a with a ring, æ sorts as "ae", ø as o; nothing after z."""
    ordered = sort_texts(NAMES, ENGLISH)
    assert ordered[-2:] == ["Zealand", "Zebra"]
    assert ordered.index("aa") < ordered.index("Aabenraa") < ordered.index("Ærø")
    assert ordered.index("Ærø") < ordered.index("anders") < ordered.index("Åse")
    assert ordered.index("Åse") < ordered.index("Bager") < ordered.index("Øster")


def test_models_sort_by_the_locales_rules(qtbot: QtBot) -> None:
    names = ["Aalborg Data", "Viborg Vin", "Aabenraa Is", "Bager", "Ærø Færgen", "Zealand"]
    rows = [crm.CompanyRow(i, str(i), name, True, None, None, False)
            for i, name in enumerate(names)]  # fmt: skip
    model = CompanyModel()
    model.set_rows(rows)
    before = QLocale()
    try:
        QLocale.setDefault(DANISH)
        model.sort(CompanyModel.COL_NAME)
        assert [r.name for r in model.rows()] == ["Bager", "Viborg Vin", "Zealand", "Ærø Færgen",
                                                  "Aabenraa Is", "Aalborg Data"]  # fmt: skip
        model.sort(CompanyModel.COL_NAME, Qt.SortOrder.DescendingOrder)
        assert [r.name for r in model.rows()][:2] == ["Aalborg Data", "Aabenraa Is"]
        QLocale.setDefault(ENGLISH)
        model.sort(CompanyModel.COL_NAME)
        assert [r.name for r in model.rows()] == ["Aabenraa Is", "Aalborg Data", "Ærø Færgen",
                                                  "Bager", "Viborg Vin", "Zealand"]  # fmt: skip
    finally:
        QLocale.setDefault(before)


# --- the tabs, loaded off the GUI thread --------------------------------------------------------


def test_tabs_load_in_the_background_and_filter(db: Database, qtbot: QtBot) -> None:
    people = seed_crm(db)
    ctx = AppContext(db=db, caller=people.mette)
    companies = CompaniesTab(ctx)
    qtbot.addWidget(companies)
    with qtbot.waitSignal(companies.loaded, timeout=10_000):
        companies.reload()
    assert companies.proxy.rowCount() == 4
    companies.mine.setChecked(True)
    assert companies.proxy.rowCount() == 2
    assert companies.count.text() == "2 of 4 companies"
    companies.customers_only.setChecked(True)
    companies.mine.setChecked(False)
    assert companies.proxy.rowCount() == 3

    activities = ActivitiesTab(ctx, today=TODAY)
    qtbot.addWidget(activities)
    with qtbot.waitSignal(activities.loaded, timeout=10_000):
        activities.set_date_range(TODAY - dt.timedelta(7), TODAY + dt.timedelta(7))
    assert activities.proxy.rowCount() == 5
    assert [activities.type_filter.itemText(i) for i in range(activities.type_filter.count())] == [
        "All types", "Opgave", "Salgsmøde", "Telefonmøde"]  # fmt: skip
    activities.type_filter.setCurrentIndex(activities.type_filter.findData("Salgsmøde"))
    assert activities.proxy.rowCount() == 2
    activities.mine.setChecked(True)
    assert activities.proxy.rowCount() == 1
    assert activities.count.text() == "1 of 5 activities"
    activities.mine.setChecked(False)
    activities.type_filter.setCurrentIndex(0)
    activities.status_filter.setCurrentIndex(activities.status_filter.findData("planned"))
    assert activities.proxy.rowCount() == 3
    # A wider range reloads from the database and keeps the chosen filters.
    with qtbot.waitSignal(activities.loaded, timeout=10_000):
        activities.set_date_range(TODAY - dt.timedelta(60), TODAY + dt.timedelta(60))
    assert activities.model.rowCount() == 7 and activities.proxy.rowCount() == 4
    activities.status_filter.setCurrentIndex(0)
    activities.go_to_today()
    current = activities.table.currentIndex()
    assert activities.proxy.data(current, ROW_ROLE).id == 10

    opportunities = OpportunitiesTab(ctx)
    qtbot.addWidget(opportunities)
    with qtbot.waitSignal(opportunities.loaded, timeout=10_000):
        opportunities.reload()
    opportunities.stage_filter.setCurrentIndex(opportunities.stage_filter.findData("won"))
    assert opportunities.proxy.rowCount() == 1
    opportunities.stage_filter.setCurrentIndex(0)
    opportunities.mine.setChecked(True)
    assert opportunities.proxy.rowCount() == 2


def test_a_load_failure_is_said_in_place(db: Database, qtbot: QtBot) -> None:
    people = seed_crm(db)
    ctx = AppContext(db=db, caller=people.mette)
    tab = OpportunitiesTab(ctx)
    qtbot.addWidget(tab)
    with db.connect(write=True) as conn:
        conn.exec_driver_sql("DROP TABLE opportunities")
    with qtbot.waitSignal(tab.loadFailed, timeout=10_000) as blocker:
        tab.reload()
    assert blocker.args and tab.count.text().startswith("Could not load the data:")


@pytest.mark.parametrize("count", [100_000])
def test_a_large_model_filters_quickly(qtbot: QtBot, count: int) -> None:
    base = at(TODAY, 8)
    rows = [crm.ActivityRow(i, ("Salgsmøde", "Opgave", "E-mail")[i % 3], "planned",
                            base + dt.timedelta(minutes=i), None, f"Firma {i % 500}", "Ejer",
                            "", i % 7 == 0) for i in range(count)]  # fmt: skip
    model = ActivityModel()
    model.set_rows(rows)
    proxy = RowFilterProxy(model)
    assert proxy.rowCount() == count
    proxy.set_predicate(ActivityFilter(types={"Opgave"}, mine=True))
    assert proxy.rowCount() == len([r for r in rows if r.type == "Opgave" and r.mine])


@pytest.mark.usefixtures("danish")
def test_tabs_sort_their_natural_way(db: Database, qtbot: QtBot) -> None:
    people = seed_crm(db)
    tab = CompaniesTab(AppContext(db=db, caller=people.admin))
    qtbot.addWidget(tab)
    with qtbot.waitSignal(tab.loaded, timeout=10_000):
        tab.reload()
    names = [tab.proxy.index(i, CompanyModel.COL_NAME).data() for i in range(4)]
    assert names == ["Bager Bent", "Zebra A/S", "Æble ApS", "Ålborg Auto"]
    tab.table.sortByColumn(CompanyModel.COL_KAM, Qt.SortOrder.DescendingOrder)
    managers = [tab.proxy.index(i, CompanyModel.COL_KAM).data() for i in range(4)]
    assert managers == ["Mette Hansen", "Mette Hansen", "Jonas Ørsted", ""]


def test_companies_show_the_crms_own_id(db: Database, qtbot: QtBot, tmp_path: Path) -> None:
    """Users know their customers by the CRM's id (Salesforce's 18 characters, SuiteCRM's
    UUIDs, plain numbers): that is what the first column shows and sorts, never kpidesk's."""
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "User.csv").write_text(
        "Id,Username,FirstName,LastName,Email,IsActive\n"
        "0055g00000AbCdEAAZ,anna@firma.dk,Anna,Berg,anna@firma.dk,true\n",
        encoding="utf-8",
    )
    (folder / "Account.csv").write_text(
        "Id,Name,Type,OwnerId,IsDeleted\n"
        "0015g00000XyZaBAAV,Nordhavn A/S,Customer - Direct,0055g00000AbCdEAAZ,false\n"
        "0015g00000XyZaCAAV,Vejle ApS,Prospect,,false\n",
        encoding="utf-8",
    )
    import_crm(db, folder, mapping=load_mapping("salesforce"))
    (folder / "companies.csv").write_text("id,name,is_customer\n10,Ti,ja\n9,Ni,ja\n", "utf-8")
    import_crm(db, folder)  # kpidesk's own format: whole-number keys

    admin = Caller("admin", "admin", None)
    tab = CompaniesTab(AppContext(db=db, caller=admin))
    qtbot.addWidget(tab)
    with qtbot.waitSignal(tab.loaded, timeout=10_000):
        tab.reload()
    header = tab.proxy.headerData(CompanyModel.COL_ID, Qt.Orientation.Horizontal)
    assert header in ("CRM id", "CRM-id")
    tab.table.sortByColumn(CompanyModel.COL_ID, Qt.SortOrder.AscendingOrder)
    shown = [(tab.proxy.index(i, CompanyModel.COL_ID).data(),
              tab.proxy.index(i, CompanyModel.COL_NAME).data()) for i in range(4)]  # fmt: skip
    assert shown == [("9", "Ni"), ("10", "Ti"), ("0015g00000XyZaBAAV", "Nordhavn A/S"),
                     ("0015g00000XyZaCAAV", "Vejle ApS")]  # fmt: skip
    with db.connect() as conn:
        internal = {key: id for id, key in conn.execute(select(Company.id, Company.crm_key))}
    assert str(internal["0015g00000XyZaBAAV"]) not in {key for key, _name in shown}


@pytest.mark.usefixtures("british")
@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_activity_dates_read_like_a_calendar(db: Database, qtbot: QtBot) -> None:
    """A day's first row shows the date (bold); the rows below it on the same day leave it blank."""
    from PySide6.QtWidgets import QStyleOptionViewItem

    people = seed_crm(db)
    with db.session(write=True) as session:  # a second activity on TODAY, after the 09:00 one
        session.add(Activity(id=20, type="Opgave", status="planned", start_at=at(TODAY, 13),
                             company_id=2, owner_id=people.mette.user_id))  # fmt: skip
    tab = ActivitiesTab(AppContext(db=db, caller=people.mette), today=TODAY)
    qtbot.addWidget(tab)
    tab.resize(900, 500)
    tab.show()
    with qtbot.waitSignal(tab.loaded, timeout=10_000):
        tab.set_date_range(TODAY - dt.timedelta(7), TODAY + dt.timedelta(7))
    delegate = tab.table.itemDelegateForColumn(ActivityModel.COL_DATE)

    def shown(row: int) -> tuple[str, bool]:
        option = QStyleOptionViewItem()
        index = tab.proxy.index(row, ActivityModel.COL_DATE)
        option.rect = tab.table.visualRect(index)
        delegate.initStyleOption(option, index)
        return option.text, option.font.bold()

    rows = [tab.proxy.data(tab.proxy.index(r, 0), ROW_ROLE).id for r in range(tab.proxy.rowCount())]
    assert rows[2:4] == [10, 20]
    assert shown(2) == ("Fri 27/11/2026", True)
    assert shown(3) == ("", False)
    assert shown(0)[1] and shown(0)[0]  # the top row always names its day


def test_today_moves_the_range_and_respects_sort_and_filters(db: Database, qtbot: QtBot) -> None:
    people = seed_crm(db)
    tab = ActivitiesTab(AppContext(db=db, caller=people.mette), today=TODAY)
    qtbot.addWidget(tab)
    with qtbot.waitSignal(tab.loaded, timeout=10_000):
        tab.set_date_range(TODAY - dt.timedelta(400), TODAY - dt.timedelta(300))
    assert tab.model.rowCount() == 0
    with qtbot.waitSignal(tab.loaded, timeout=10_000):
        tab.today_button.click()  # today is outside: the range moves around it, then selects
    qtbot.waitUntil(lambda: tab.table.currentIndex().isValid(), timeout=10_000)
    assert tab.date_range() == (TODAY - dt.timedelta(30), TODAY + dt.timedelta(60))
    assert tab.proxy.data(tab.table.currentIndex(), ROW_ROLE).id == 10
    # Sorted by company and showing only Telefonmøder: the next one after today is 13.
    tab.table.sortByColumn(ActivityModel.COL_COMPANY, Qt.SortOrder.AscendingOrder)
    tab.type_filter.setCurrentIndex(tab.type_filter.findData("Telefonmøde"))
    tab.go_to_today()
    assert tab.proxy.data(tab.table.currentIndex(), ROW_ROLE).id == 13


def test_painted_cells_show_what_data_answers(qtbot: QtBot) -> None:
    """A delegate fills a cell in one multiData call; it must read exactly like data()."""
    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

    base = at(TODAY, 8)
    statuses = ("planned", "done", "cancelled")
    rows = [crm.ActivityRow(i, ("Salgsmøde", "Opgave")[i % 2], statuses[i % 3],
                            base + dt.timedelta(hours=i), base + dt.timedelta(hours=i, minutes=30),
                            f"Firma {i % 5}", "Ejer", "Anna", i % 4 == 0)
            for i in range(30)]  # fmt: skip
    model = ActivityModel()
    model.set_rows(rows)
    proxy = RowFilterProxy(model)
    delegate = QStyledItemDelegate()

    def check() -> int:
        for row in range(proxy.rowCount()):
            for column in range(proxy.columnCount()):
                index = proxy.index(row, column)
                option = QStyleOptionViewItem()
                delegate.initStyleOption(option, index)
                assert option.text == proxy.data(index)  # type: ignore[attr-defined]
                alignment = proxy.data(index, Qt.ItemDataRole.TextAlignmentRole)
                assert int(option.displayAlignment.value) == alignment  # type: ignore[attr-defined]
                muted = proxy.data(index, Qt.ItemDataRole.ForegroundRole)
                if muted is not None:
                    palette = option.palette  # type: ignore[attr-defined]
                    assert QColor(palette.color(QPalette.ColorRole.Text)) == muted
        return proxy.rowCount()

    assert check() == 30  # unfiltered: the proxy's rows are the source's
    model.sort(ActivityModel.COL_COMPANY, Qt.SortOrder.DescendingOrder)
    assert check() == 30
    proxy.set_predicate(ActivityFilter(statuses={"cancelled"}))
    assert check() == 10
    proxy.set_text("firma 3")
    assert check() == 2
    proxy.set_predicate(None)
    proxy.set_text("")
    assert check() == 30
