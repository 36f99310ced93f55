"""How figures read: Danish and English formatting, scores, and traffic-light colours."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest
from PySide6.QtGui import QColor, QPalette

from kpidesk.gui.formatting import (
    format_date,
    format_score,
    format_value,
    from_display,
    level_colour,
    locale_for,
    score_level,
    to_display,
)


@pytest.mark.parametrize(
    ("value", "unit", "danish", "english"),
    [
        (1234567, "currency", "1.234.567 kr.", "DKK 1,234,567"),
        (1234567.4, "currency", "1.234.567 kr.", "DKK 1,234,567"),
        (0.6, "percent", "60 %", "60%"),
        (0.625, "percent", "62,5 %", "62.5%"),
        (6, "count", "6", "6"),
        (6.0, "count", "6", "6"),
        (6.5, "count", "6,5", "6.5"),
        (12000, "count", "12.000", "12,000"),
        (None, "count", "–", "–"),
        (None, "percent", "–", "–"),
        (float("nan"), "currency", "–", "–"),
        (0, "percent", "0 %", "0%"),
    ],
)
def test_format_value(
    qapp: object, value: float | None, unit: str, danish: str, english: str
) -> None:
    assert format_value(value, unit, locale_for("da")) == danish
    assert format_value(value, unit, locale_for("en")) == english


def test_other_currency_is_named(qapp: object) -> None:
    assert format_value(1500, "currency", locale_for("da"), "EUR") == "1.500 EUR"
    assert format_value(1500, "currency", locale_for("en"), "EUR") == "EUR 1,500"


def test_scores_and_percent_round_trip(qapp: object) -> None:
    assert format_score(0.6, locale_for("da")) == "60 %"
    assert format_score(1.25, locale_for("en")) == "125%"
    assert format_score(None, locale_for("da")) == "–"
    assert to_display(0.6, "percent") == pytest.approx(60)
    assert from_display(60, "percent") == pytest.approx(0.6)
    assert to_display(10, "count") == 10 and from_display(10, "currency") == 10


def test_dates_use_danish_month_names(qapp: object) -> None:
    day = dt.date(2026, 11, 28)
    assert format_date(day, locale_for("da")) == "28. nov. 2026"
    assert "november" in format_date(day, locale_for("da"), long=True)
    assert "lørdag" in format_date(day, locale_for("da"), long=True)
    assert format_date(day, locale_for("en")) == "28 Nov 2026"


@pytest.mark.parametrize(
    ("score", "level"),
    [(None, None), (0.0, "red"), (0.49, "red"), (0.5, "amber"), (0.99, "amber"),
     (1.0, "green"), (1.7, "green")],
)  # fmt: skip
def test_score_levels(score: float | None, level: str | None) -> None:
    assert score_level(score) == level


def contrast_ratio(first: QColor, second: QColor) -> float:
    """WCAG 2 contrast ratio of two colours (1 … 21), as accessibility checkers compute it."""

    def luminance(colour: QColor) -> float:
        def channel(c: int) -> float:
            s = c / 255.0
            return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

        return (
            0.2126 * channel(colour.red())
            + 0.7152 * channel(colour.green())
            + 0.0722 * channel(colour.blue())
        )

    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("dark", [False, True])
def test_traffic_lights_have_contrast_in_light_and_dark(qapp: object, dark: bool) -> None:
    palette = QPalette()
    background = QColor("#1e1e1e") if dark else QColor("#ffffff")
    palette.setColor(QPalette.ColorRole.Window, background)
    palette.setColor(QPalette.ColorRole.Base, background)
    for level in ("red", "amber", "green"):
        assert contrast_ratio(level_colour(level, palette), background) >= 4.5, level


KPI_SOURCES = ("setup_models", "setup/dialog", "setup/profiles_page", "setup/users_page",
               "setup/rules_page", "rule_editor", "today_dialog", "kpi_card", "kpi_chart",
               "team_view")  # fmt: skip


def _messages(ts: Path) -> dict[str, list[str]]:
    root = ElementTree.parse(ts).getroot()
    found: dict[str, list[str]] = {}
    for message in root.iter("message"):
        translation = message.find("translation")
        assert translation is not None
        texts = [form.text or "" for form in translation.findall("numerusform")] or [
            translation.text or ""
        ]
        if translation.get("type") in ("unfinished", "obsolete", "vanished"):
            texts = []
        found[message.findtext("source") or ""] = texts
    return found


def test_danish_translation_is_complete_and_current(tmp_path: Path) -> None:
    """Every string of the KPI windows is in kpi_da.ts with a Danish translation."""
    root = Path(__file__).resolve().parents[2]
    shipped = _messages(root / "resources" / "i18n" / "kpi_da.ts")
    assert shipped and all(texts and all(texts) for texts in shipped.values()), [
        source for source, texts in shipped.items() if not texts or not all(texts)
    ]
    lupdate = Path(sys.executable).with_name("pyside6-lupdate")
    fresh = tmp_path / "kpi_da.ts"
    sources = [str(root / "kpidesk" / "gui" / f"{name}.py") for name in KPI_SOURCES]
    subprocess.run([str(lupdate), "-silent", *sources, "-ts", str(fresh)], check=True)
    assert set(_messages(fresh)) <= set(shipped), set(_messages(fresh)) - set(shipped)
    assert (root / "resources" / "i18n" / "kpi_da.qm").stat().st_size > 1000


def test_moments_show_in_the_installation_time_zone(qapp: object) -> None:
    from zoneinfo import ZoneInfo

    from PySide6.QtCore import QLocale

    from kpidesk.gui.formatting import format_datetime, set_display_timezone

    danish = QLocale(QLocale.Language.Danish, QLocale.Country.Denmark)
    computed = dt.datetime(2026, 11, 28, 1, 0, tzinfo=dt.UTC)  # 02:00 in Copenhagen
    set_display_timezone(ZoneInfo("Europe/Copenhagen"))
    try:
        assert format_datetime(computed, danish) == "28. nov. 2026 02:00"
        set_display_timezone(ZoneInfo("America/New_York"))
        assert format_datetime(computed, danish) == "27. nov. 2026 20:00"
    finally:
        set_display_timezone(None)


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_pure_formatter_writes_qlocales_digits(qapp: object, language: str) -> None:
    """The one formatter is pure Python; QLocale, independent of it, writes the same digits."""
    from kpidesk.domain.display import format_number

    locale = locale_for(language)
    zero = locale.toString(0.0, "f", 1)[1:]  # ",0" / ".0": a decimal the value has not
    values = [0, 7, 62.5, 62.25, 62.35, 999.9, 999.96, 1000, 1234.5, -1500, -1500.5, 12000,
              12500.5, 987654.3, 1234567, 250000, 0.605 * 100, 2 / 3 * 100]  # fmt: skip
    for value in values:
        qt = locale.toString(float(value), "f", 1).removesuffix(zero)
        assert format_number(value, language, 1) == qt, value
        assert format_number(value, language, 0) == locale.toString(float(value), "f", 0), value


ENVIRONMENTS = [
    {"LANG": "en_US.UTF-8"},
    {"LANG": "da_DK.UTF-8"},
    {"LC_ALL": "en_GB.UTF-8", "LANG": "da_DK.UTF-8"},
    {"LC_MESSAGES": "en_US.UTF-8", "LANG": "da_DK.UTF-8"},
    {"LC_NUMERIC": "en_US.UTF-8", "LANG": "da_DK.UTF-8"},
    {"LANGUAGE": "en:da", "LANG": "da_DK.UTF-8"},
    {"LANGUAGE": "da", "LANG": "en_US.UTF-8"},
    {"LANGUAGE": "en", "LANG": "C"},
    {"LC_ALL": "C.UTF-8", "LANG": "en_US.UTF-8"},
    {"LANG": "fr_FR.UTF-8"},
    {},
]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Qt reads the environment on Unix")
def test_the_cli_chooses_the_language_the_gui_would(tmp_path: Path) -> None:
    """`language_from_environment` (CLI, no Qt) against `i18n.system_language` (Qt) in fresh
    processes with each locale environment."""
    import os

    from kpidesk.domain.messages import language_from_environment

    probe = "from kpidesk.gui.i18n import system_language; print(system_language())"
    base = {k: v for k, v in os.environ.items()
            if k not in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE", "LC_NUMERIC")}  # fmt: skip
    for environ in ENVIRONMENTS:
        result = subprocess.run([sys.executable, "-c", probe], env={**base, **environ},
                                capture_output=True, text=True, check=True)  # fmt: skip
        assert result.stdout.strip() == language_from_environment(environ), environ


def test_english_plurals_come_from_the_english_plural_files(qapp: object) -> None:
    """`%n` strings have their English forms ("1 run", "3 runs"): every plural message of a
    Danish `.ts` is in its English sibling, with both forms filled in."""
    from PySide6.QtCore import QCoreApplication

    from kpidesk.gui import i18n

    root = Path(__file__).resolve().parents[2] / "resources" / "i18n"
    for danish in sorted(root.glob("*_da.ts")):
        plurals = {
            message.findtext("source")
            for message in ElementTree.parse(danish).getroot().iter("message")
            if message.get("numerus") == "yes"
        }
        if not plurals:
            continue
        english = danish.with_name(danish.name.replace("_da.ts", "_en.ts"))
        assert english.exists(), f"{danish.name} has plurals but no {english.name}"
        forms = _messages(english)
        assert plurals <= set(forms), plurals - set(forms)
        assert all(len(forms[source]) == 2 and all(forms[source]) for source in plurals)
    app = QCoreApplication.instance()
    assert app is not None
    try:
        i18n.install_translations(app, "en")  # type: ignore[arg-type]
        say = QCoreApplication.translate
        assert say("RunLogWidget", "%n run(s)", "", 1) == "1 run"
        assert say("RunLogWidget", "%n run(s)", "", 3) == "3 runs"
        assert say("DataSourcePage", "%n import(s)", "", 1) == "1 import"
        i18n.install_translations(app, "da")  # type: ignore[arg-type]
        assert say("RunLogWidget", "%n run(s)", "", 1) == "1 kørsel"
    finally:
        i18n.install_translations(app, "en")  # type: ignore[arg-type]
        i18n.remove_translations(app)  # type: ignore[arg-type]
