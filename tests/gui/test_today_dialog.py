""" "Dagens KPI" as a sales person sees it: cards, the kind empty message, chart and explanation."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QGraphicsItem, QWidget
from pytestqt.qtbot import QtBot

from kpidesk.data.db import Database
from kpidesk.domain.forecast import Forecast, Horizon, hidden
from kpidesk.gui.context import AppContext
from kpidesk.gui.formatting import locale_for
from kpidesk.gui.kpi_card import KpiCard
from kpidesk.gui.kpi_chart import KpiChartDialog, LocaleDateAxis, date_to_x
from kpidesk.gui.today_dialog import TodayKpiDialog
from kpidesk.services import setup
from kpidesk.services.runs import run_now
from kpidesk.services.setup import RuleDraft
from tests.services.test_setup_service import Seed, meetings_draft, seed_small

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

WAIT = 20_000
NIGHTS = 10


@pytest.fixture
def seed(db: Database) -> Seed:
    return seed_small(db)


def set_up_rules(db: Database, seed: Seed) -> None:
    setup.create_rule(db, seed.admin, meetings_draft(seed))
    setup.create_rule(
        db, seed.admin,
        RuleDraft("KAM-dækning", "kam_coverage", {"activity_types": ["Salgsmøde"], "days": 90},
                  0.8, (seed.salg,)),
    )  # fmt: skip


def run_history(db: Database, seed: Seed, nights: int = NIGHTS) -> None:
    for offset in range(nights - 1, -1, -1):
        summary = run_now(db, seed.admin, seed.today - dt.timedelta(days=offset))
        assert summary.status == "success", summary.reason


def open_today(qtbot: QtBot, db: Database, seed: Seed, admin: bool = False) -> TodayKpiDialog:
    ctx = AppContext(db=db, caller=seed.admin if admin else seed.anna)
    dialog = TodayKpiDialog(ctx)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=WAIT):
        dialog.show()
    return dialog


def test_one_card_per_kpi_with_formatted_value_target_and_score(
    qtbot: QtBot, db: Database, seed: Seed
) -> None:
    set_up_rules(db, seed)
    run_history(db, seed)
    dialog = open_today(qtbot, db, seed)
    assert dialog.objectName() == "todayKpiDialog"
    cards = dialog.findChildren(KpiCard, "kpiCard")
    assert sorted(card.accessibleName() for card in cards) == [
        "KAM-dækning", "Planlagte salgsmøder",
    ]  # fmt: skip
    meetings = dialog.card("Planlagte salgsmøder")
    coverage = dialog.card("KAM-dækning")
    assert meetings is not None and coverage is not None
    assert meetings.valueLabel.text() == "6"
    assert meetings.targetLabel.text() == "Target: 10"
    assert meetings.scoreLabel.text() == "60 %"
    assert meetings.scoreBar.level() == "amber"
    assert coverage.valueLabel.text() == "66,7 %"
    assert coverage.targetLabel.text() == "Target: 80 %"
    assert coverage.scoreLabel.text() == "83 %"
    assert len(meetings.sparkline.values) == NIGHTS
    assert "28. nov. 2026" not in dialog.header.text() or seed.today == dt.date(2026, 11, 28)
    assert str(seed.today.year) in dialog.header.text()
    assert dialog.subheader.text()  # when the figures were calculated
    assert not dialog.teamButton.isVisible()  # a user has no team view


def test_no_results_yet_says_so_kindly(qtbot: QtBot, db: Database, seed: Seed) -> None:
    set_up_rules(db, seed)
    dialog = open_today(qtbot, db, seed)
    assert dialog.findChildren(KpiCard) == []
    assert dialog.stack.currentWidget() is dialog.emptyLabel
    assert "not been calculated yet" in dialog.emptyLabel.text()
    # a run finishing elsewhere refreshes the dialog
    run_history(db, seed, nights=1)
    with qtbot.waitSignal(dialog.loaded, timeout=WAIT):
        dialog.ctx.events.runFinished.emit(None)
    assert len(dialog.findChildren(KpiCard, "kpiCard")) == 2


def test_enter_on_a_card_opens_its_chart_with_explanation_and_call_list(
    qtbot: QtBot, qtmodeltester: object, db: Database, seed: Seed
) -> None:
    set_up_rules(db, seed)
    run_history(db, seed)
    dialog = open_today(qtbot, db, seed)
    coverage = dialog.card("KAM-dækning")
    assert coverage is not None
    coverage.setFocus()
    qtbot.keyClick(coverage, Qt.Key.Key_Return)
    chart = dialog.chart
    assert isinstance(chart, KpiChartDialog)
    qtbot.waitUntil(lambda: chart.explanation is not None, timeout=WAIT)
    assert chart.rowsModel.rowCount() == 3  # the three managed customers
    qtmodeltester.check(chart.rowsModel)  # type: ignore[attr-defined]
    qtmodeltester.check(chart.gapModel)  # type: ignore[attr-defined]
    assert chart.gapBox.isVisibleTo(chart)
    called = [chart.gapModel.index(r, c).data() for r in range(chart.gapModel.rowCount())
              for c in range(chart.gapModel.columnCount())]  # fmt: skip
    assert "Cph Consult" in called
    assert "Cph Consult" in chart.gapModel.as_text()
    assert chart.target_line.value() == pytest.approx(80)
    xs, ys = chart.history_curve.getData()
    assert len(xs) == NIGHTS and ys[-1] == pytest.approx(66.666, abs=0.01)
    chart.close()

    meetings = dialog.card("Planlagte salgsmøder")
    assert meetings is not None
    qtbot.mouseClick(meetings, Qt.MouseButton.LeftButton)
    chart = dialog.chart
    assert isinstance(chart, KpiChartDialog)
    qtbot.waitUntil(lambda: chart.explanation is not None, timeout=WAIT)
    assert chart.rowsModel.rowCount() == 6
    assert not chart.gapBox.isVisibleTo(chart)
    assert "6" in chart.summaryLabel.text()


def over(colour: QColor, background: QColor) -> QColor:
    """`colour` painted over an opaque `background` (source-over)."""
    alpha = colour.alphaF()
    return QColor(
        *(round(a * alpha + b * (1 - alpha)) for a, b in (
            (colour.red(), background.red()), (colour.green(), background.green()),
            (colour.blue(), background.blue()),
        ))
    )  # fmt: skip


def close(a: QColor, b: QColor, tolerance: int = 8) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a.getRgb()[:3], b.getRgb()[:3], strict=True))


def legend_pixel(chart: KpiChartDialog, swatch: QGraphicsItem) -> QColor:
    """The colour the chart shows at the middle of a legend sample."""
    image = chart.plot.grab().toImage()
    point = chart.plot.mapFromScene(swatch.mapToScene(QPointF(10, 10)))
    ratio = image.devicePixelRatio()
    return image.pixelColor(round(point.x() * ratio), round(point.y() * ratio))


def test_the_chart_draws_the_known_part_apart_from_the_expected_part_and_the_band(
    qtbot: QtBot, db: Database, seed: Seed
) -> None:
    set_up_rules(db, seed)
    run_history(db, seed)
    dialog = open_today(qtbot, db, seed)
    item = dialog.card("Planlagte salgsmøder").item  # type: ignore[union-attr]
    assert item.forecast.status == "insufficient_history"  # ten nights teach nothing yet
    end = seed.today + dt.timedelta(days=14)
    shown = Forecast(
        "ok", Horizon("window", seed.today, end), projected=7.0, low=5.0, high=9.0,
        on_pace=False, pace_target=None, target_date=None, nights=NIGHTS, method="known",
        known=4.0, addition=3.0, errors=40,
    )  # fmt: skip
    chart = KpiChartDialog(dialog.ctx, replace(item, forecast=shown), dialog.today.user_id,
                           dialog.today.run_date)  # fmt: skip
    qtbot.addWidget(chart)
    assert chart.forecast_curve is not None and chart.band is not None
    xs, ys = chart.forecast_curve.getData()
    assert xs[-1] == date_to_x(end) and ys[-1] == 7.0
    assert chart.forecast_curve.opts["pen"].style() == Qt.PenStyle.DashLine
    assert chart.known_bar is not None
    bar = chart.known_bar.opts
    assert list(bar["x"]) == [date_to_x(end)] and list(bar["height"]) == [4.0]
    # One sentence: the known part, the usual change, the projection and the band.
    text = chart.forecastLabel.text()
    assert text.startswith("4 ") and "(+3)" in text and " 7 " in text and "5" in text
    # The legend's samples are painted in the band's and the bar's own colours.
    chart.show()
    qtbot.waitExposed(chart)
    background = chart.palette().color(QPalette.ColorRole.Base)
    band_brush = chart.band.brush()
    bar_brush = chart.known_bar.opts["brush"]
    for swatch, brush in ((chart.band_swatch, band_brush), (chart.known_swatch, bar_brush)):
        assert swatch is not None
        painted = legend_pixel(chart, swatch)
        expected = over(brush.color(), background)
        assert close(painted, expected), (painted.getRgb(), expected.getRgb())
        assert not close(painted, over(QColor(100, 100, 150), background))  # pyqtgraph's grey
    chart.close()

    # Not shown (the backtest found it no better than "no change"): a flat line and the band.
    still = hidden(replace(shown, method="no_change", known=None, projected=6.0), 2.0, 1.5)
    chart = KpiChartDialog(dialog.ctx, replace(item, forecast=still), dialog.today.user_id,
                           dialog.today.run_date)  # fmt: skip
    qtbot.addWidget(chart)
    assert chart.forecast_curve is None and chart.known_bar is None
    assert chart.still_curve is not None and chart.band is not None
    _xs, ys = chart.still_curve.getData()
    assert ys[0] == ys[-1]
    card = KpiCard(replace(item, forecast=still), locale_for("en"))
    qtbot.addWidget(card)
    assert card.forecastLabel.text().startswith("About unchanged by")
    chart.close()


def test_date_axis_uses_danish_month_names(qapp: object) -> None:
    axis = LocaleDateAxis(locale_for("da"))
    day = 86_400.0
    assert axis.tickStrings([date_to_x(dt.date(2026, 5, 3))], 1.0, day) == ["3. maj"]
    assert axis.tickStrings([date_to_x(dt.date(2026, 10, 1))], 1.0, 30 * day) == ["okt. 2026"]


def test_admin_reaches_the_team_view_from_today(qtbot: QtBot, db: Database, seed: Seed) -> None:
    set_up_rules(db, seed)
    run_history(db, seed, nights=1)
    dialog = open_today(qtbot, db, seed, admin=True)
    assert dialog.teamButton.isVisible()
    assert "administrator" not in dialog.emptyLabel.text() or dialog.cards == []
    dialog.teamButton.click()
    view = dialog.findChild(QWidget, "teamViewDialog")
    assert view is not None
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=WAIT)  # type: ignore[attr-defined]


def test_english_cards_use_english_formats(qtbot: QtBot, db: Database, seed: Seed) -> None:
    set_up_rules(db, seed)
    setup.create_rule(
        db, seed.admin,
        RuleDraft("Won revenue", "won_revenue", {"period": "rolling", "days": 30}, 2_000_000,
                  (seed.salg,)),
    )  # fmt: skip
    run_history(db, seed, nights=1)
    ctx = AppContext(db=db, caller=seed.anna, language="en")
    dialog = TodayKpiDialog(ctx)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=WAIT):
        dialog.show()
    revenue = dialog.card("Won revenue")
    coverage = dialog.card("KAM-dækning")
    assert revenue is not None and coverage is not None
    assert revenue.valueLabel.text() == "DKK 1,234,567"
    assert revenue.targetLabel.text() == "Target: DKK 2,000,000"
    assert revenue.scoreLabel.text() == "62%" and revenue.scoreBar.level() == "amber"
    assert coverage.valueLabel.text() == "66.7%"
    assert "Too little history" in revenue.forecastLabel.text()


def test_a_coverage_forecast_says_what_is_certain_planned_and_weighted(
    qtbot: QtBot, db: Database, seed: Seed
) -> None:
    set_up_rules(db, seed)
    run_history(db, seed, nights=1)
    ctx = AppContext(db=db, caller=seed.anna, language="en")
    dialog = TodayKpiDialog(ctx)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=WAIT):
        dialog.show()
    item = dialog.card("KAM-dækning").item  # type: ignore[union-attr]
    end = seed.today + dt.timedelta(days=28)
    # 20 of 38 customers still covered on the horizon's night, 2 more with a meeting planned
    # before it at a 75 % completion rate: 21.5 of 38; with the usual +3 points.
    shown = Forecast(
        "ok", Horizon("window", seed.today, end), projected=21.5 / 38 + 0.03,
        low=21.5 / 38, high=0.7, on_pace=False, pace_target=None, target_date=None, nights=200,
        method="known", known=21.5 / 38, addition=0.03, errors=40, certain=20.0, planned=2.0,
        completion=0.75,
    )  # fmt: skip
    chart = KpiChartDialog(dialog.ctx, replace(item, forecast=shown), dialog.today.user_id,
                           dialog.today.run_date)  # fmt: skip
    qtbot.addWidget(chart)
    text = chart.forecastLabel.text()
    assert text.startswith("On ") and ", 20 customers still count as covered" in text
    assert "2 more have one planned" in text and "completion rate of 75%: 56.6%" in text
    assert "(+3%) about 59.6% (likely 56.6% to 70%)" in text
    assert chart.known_bar is not None and list(chart.known_bar.opts["height"]) == [
        pytest.approx(21.5 / 38 * 100)
    ]
    chart.close()


@pytest.mark.parametrize(
    ("certain", "planned", "nights", "english", "danish"),
    [
        (1, 1, 1,
         ("1 customer still counts as covered", "1 more has one planned", "(1 night so far)"),
         ("1 kunde stadig som dækket", "og 1 mere har et planlagt", "(1 nat indtil nu)")),
        (2, 3, 4,
         ("2 customers still count as covered", "3 more have one planned", "(4 nights so far)"),
         ("2 kunder stadig som dækket", "og 3 flere har et planlagt", "(4 nætter indtil nu)")),
    ],
)  # fmt: skip
def test_forecast_sentences_have_singulars(
    qapp: object,
    certain: int,
    planned: int,
    nights: int,
    english: tuple[str, str, str],
    danish: tuple[str, str, str],
) -> None:
    """One customer, one more, one night: no "1 customers", no "1 flere"."""
    from types import SimpleNamespace

    from kpidesk.gui.forecast_words import ForecastWords

    end = dt.date(2026, 4, 17)
    shown = Forecast(
        "ok", Horizon("window", dt.date(2026, 3, 20), end), projected=0.5, low=0.4, high=0.6,
        on_pace=None, pace_target=None, target_date=None, nights=200, method="known",
        known=0.45, addition=0.05, errors=40, certain=float(certain), planned=float(planned),
        completion=0.75,
    )  # fmt: skip
    young = replace(shown, status="insufficient_history", projected=None, nights=nights)
    for lang, expected in (("en", english), ("da", danish)):
        item = SimpleNamespace(forecast=shown, unit="percent", template="kam_coverage")
        text = ForecastWords(item, locale_for(lang)).sentence()
        assert expected[0] in text and expected[1] in text, text
        item = SimpleNamespace(forecast=young, unit="percent", template="kam_coverage")
        assert expected[2] in ForecastWords(item, locale_for(lang)).sentence()
