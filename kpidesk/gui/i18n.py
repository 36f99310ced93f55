"""The app's language: Danish first, English complete; chosen once at start.

Source strings are English inside `tr()`; every `resources/i18n/*_{lang}.qm` (the shell's, the
KPI windows', the scheduler's …) and Qt's own qtbase translations are loaded for the chosen
language, and `QLocale.setDefault` makes numbers and dates follow it.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

from kpidesk import paths
from kpidesk.gui.formatting import locale_for

log = logging.getLogger("kpidesk.gui")

LANGUAGES = ("da", "en")
SETTINGS_KEY = "language"
# The languages' own names, as the menu shows them (never translated).
NATIVE_NAMES = {"da": "Dansk", "en": "English"}

_installed: list[QTranslator] = []


def system_language(system: QLocale | None = None) -> str:
    """English for an English system locale, Danish for any other (the product's language)."""
    locale = system if system is not None else QLocale.system()
    return "en" if locale.language() == QLocale.Language.English else "da"


def saved_language(settings: QSettings | None = None) -> str | None:
    """The language chosen in the menu, if any (per person, in QSettings)."""
    value = (settings or QSettings()).value(SETTINGS_KEY)
    return str(value) if value in LANGUAGES else None


def save_language(language: str, settings: QSettings | None = None) -> None:
    """Remember the menu's choice; it applies at the next start."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}")
    store = settings or QSettings()
    store.setValue(SETTINGS_KEY, language)
    store.sync()


def choose_language(settings: QSettings | None = None, system: QLocale | None = None) -> str:
    """The saved choice, else what the system locale suggests."""
    return saved_language(settings) or system_language(system)


def remove_translations(app: QCoreApplication) -> None:
    """Take out what `install_translations` put in (tests switch languages)."""
    while _installed:
        app.removeTranslator(_installed.pop())


def install_translations(app: QCoreApplication, language: str) -> list[str]:
    """Load the app's and Qt's translations for `language`; returns the files loaded.

    The sources are English; English still loads its `*_en.qm`, which hold only the plural
    forms of `%n` strings ("1 run", "3 runs"), and Qt's own English needs no file.
    """
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}")
    remove_translations(app)
    QLocale.setDefault(locale_for(language))
    loaded: list[str] = []
    folder = paths.resource_path("i18n")
    for qm in sorted(folder.glob(f"*_{language}.qm")):
        translator = QTranslator(app)
        if translator.load(str(qm)):
            app.installTranslator(translator)
            _installed.append(translator)
            loaded.append(qm.name)
        else:
            log.warning("could not load translation %s", qm)
    if language == "en":
        return loaded
    qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    qtbase = QTranslator(app)
    if qtbase.load(locale_for(language), "qtbase", "_", qt_folder):
        app.installTranslator(qtbase)
        _installed.append(qtbase)
        loaded.append(f"qtbase_{language}.qm")
    return loaded
