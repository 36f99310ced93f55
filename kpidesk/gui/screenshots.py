"""`make screenshots`: render the real windows on a real demo database into PNG files.

Run offscreen (`QT_QPA_PLATFORM=offscreen python -m kpidesk.gui.screenshots docs/screenshots`),
on a 1366×768 screen (the smallest kpidesk is made for): every window is shown at the size it
opens at for a person who never resized it, so the pictures show what users get.
The demo database is built once into `~/.cache/kpidesk/screenshots/` and rebuilt when its last
calculation is not from today, so the status bar and "Dagens KPI" read as they would this
morning. The person's own settings are never touched (QSettings go to a temporary folder).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, QSettings
from PySide6.QtWidgets import QApplication, QWidget

from kpidesk.gui import i18n, runner
from kpidesk.gui.context import AppContext
from kpidesk.services import auth, settings
from kpidesk.services.caller import Caller
from kpidesk.services.database import Database, open_installation

SETTLE_TIMEOUT_S = 120.0
SCREEN = (1366, 768)  # the offscreen screen the windows open on (geometry.SMALL_SCREEN)
ADMIN, SALES = "admin", "mette"
SETUP_RULE = "Planlagte salgsmøder"  # the README's seed example
EXPORT_FOLDER, EXPORT_MAPPING = "/srv/crm-export", "suitecrm"  # the README's data source example
PREVIEW_BUSY = "Calculating the preview…"  # what the rule detail says until its preview is in


class ScreenshotError(RuntimeError):
    """A window did not reach the state worth a picture; the message says which."""


def settle(condition: Callable[[], bool] = lambda: True, what: str = "the window",
           timeout: float = SETTLE_TIMEOUT_S) -> None:  # fmt: skip
    """Process events until background work is delivered and `condition()` holds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        if not runner.busy() and condition():
            for _ in range(5):  # let layouts and paints catch up
                QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
                time.sleep(0.02)
            if not runner.busy():
                return
        time.sleep(0.01)
    raise ScreenshotError(f"{what} did not finish loading within {timeout:.0f} s")


def shoot(widget: QWidget, folder: Path, name: str) -> Path:
    path = folder / f"{name}.png"
    image = widget.grab()
    if image.isNull() or not image.save(str(path), "PNG"):
        raise ScreenshotError(f"could not write {path}")
    print(f"  {path} ({image.width()}×{image.height()})")
    return path


def demo_database(folder: Path) -> Database:
    """The demo database of today (built, or rebuilt when its figures are not from today)."""
    from kpidesk.services.demo import ensure_demo_database
    from kpidesk.services.kpi import last_run_status

    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "kpidesk-demo.sqlite3"
    url = f"sqlite:///{target.as_posix()}"
    if target.exists():
        db = open_installation(url)
        last = last_run_status(db)
        fresh = last is not None and last.last_success_date == settings.today(db)
        db.dispose()
        if not fresh:
            for stale in folder.glob("kpidesk-demo.sqlite3*"):
                stale.unlink()
    if not target.exists():
        print(f"building the demo database in {target} (once; takes a while) …")
    ensure_demo_database(url)
    return open_installation(url)


def take_all(db: Database, folder: Path, language: str) -> list[Path]:
    """Every window worth showing, in the order the README shows them."""
    from kpidesk.gui.login import LoginDialog
    from kpidesk.gui.main_window import MainWindow
    from kpidesk.gui.team_view import TeamViewDialog
    from kpidesk.gui.today_dialog import TodayKpiDialog
    from kpidesk.services.demo import DEMO_PASSWORD

    folder.mkdir(parents=True, exist_ok=True)
    taken: list[Path] = []
    admin: Caller = auth.authenticate(db, ADMIN, DEMO_PASSWORD)
    sales: Caller = auth.authenticate(db, SALES, DEMO_PASSWORD)

    login = LoginDialog(db)
    login.user.setText(SALES)
    login.password.setText(DEMO_PASSWORD)
    login.show()
    settle(what="the login dialog")
    taken.append(shoot(login, folder, "login"))
    login.close()

    from kpidesk.gui.formatting import set_display_timezone

    set_display_timezone(settings.timezone(db))
    ctx = AppContext(db=db, caller=admin, language=language)
    window = MainWindow(ctx, start_scheduler=False)
    window.show()
    settle(lambda: window.my_kpi_action.isVisible() and not window.companies.loading,
           "the main window")  # fmt: skip
    taken.append(shoot(window, folder, "main-companies"))
    window.tabs.setCurrentWidget(window.activities)
    settle(lambda: window.activities.model.rowCount() > 0, "the activities")
    window.activities.go_to_today()
    settle(what="the activities")
    taken.append(shoot(window, folder, "main-activities"))
    window.tabs.setCurrentWidget(window.opportunities)
    settle(lambda: window.opportunities.model.rowCount() > 0, "the opportunities")
    taken.append(shoot(window, folder, "main-opportunities"))

    setup = window.open_setup()
    assert setup is not None
    rules = setup.rulesPage  # type: ignore[attr-defined]
    settle(lambda: rules.model.rowCount() > 0, "the KPI setup")
    names = [rule.name for rule in rules.model.rows()]
    rules.select(SETUP_RULE if SETUP_RULE in names else names[0])
    status = rules.detail.previewStatus
    busy = rules.tr(PREVIEW_BUSY)  # the setup dialog's own words, in the current language
    settle(lambda: status.text() != busy, "the rule preview")
    taken.append(shoot(setup, folder, "kpi-setup"))
    source = setup.dataSourcePage  # type: ignore[attr-defined]
    setup.tabs.setCurrentWidget(source)  # type: ignore[attr-defined]
    settle(lambda: source.view is not None, "the data source")
    # As an administrator fills it in for a folder export (shown, not saved).
    source.kind.setCurrentIndex(source.kind.findData("folder"))
    source.path.setText(EXPORT_FOLDER)
    source.mapping.setCurrentIndex(max(source.mapping.findData(EXPORT_MAPPING), 0))
    source.marker.setText("done")
    settle(what="the data source")
    taken.append(shoot(setup, folder, "kpi-setup-datasource"))
    source.revertButton.click()  # the demo database keeps no data source
    setup.close()

    team = TeamViewDialog(ctx, window)
    team.show()
    settle(lambda: team.table.model() is not None and team.table.model().rowCount() > 0,
           "the team view")  # fmt: skip
    taken.append(shoot(team, folder, "team-view"))
    team.close()
    window.close()

    today = TodayKpiDialog(AppContext(db=db, caller=sales, language=language))
    today.show()
    settle(lambda: bool(today.cards), "Dagens KPI")
    taken.append(shoot(today, folder, "dagens-kpi"))
    # A KPI whose forecast is shown with its known part, else the one whose history moves most.
    item = max(
        today.today.kpis,
        key=lambda kpi: (
            kpi.forecast.shown and kpi.forecast.method == "known",
            len({point[1] for point in kpi.history}),
        ),
    )
    today.open_chart(item)
    chart = today.chart
    assert chart is not None
    settle(what="the KPI chart")
    taken.append(shoot(chart, folder, "kpi-chart"))
    chart.close()
    today.close()
    return taken


def use_small_screen() -> None:
    """Offscreen, Qt's one screen is 800×800 unless a config file names another: 1366×768."""
    if os.environ.get("QT_QPA_PLATFORM", "offscreen") != "offscreen":
        return  # a real screen (or a configured offscreen one) is what it is
    config = Path(tempfile.mkdtemp(prefix="kpidesk-screen-")) / "screen.json"
    width, height = SCREEN
    screen = {"name": "laptop", "x": 0, "y": 0, "width": width, "height": height,
              "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}  # fmt: skip
    config.write_text(json.dumps({"screens": [screen]}), encoding="utf-8")
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config.as_posix()}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kpidesk.gui.screenshots",
        description="Render kpidesk's windows on the demo database into PNG files (offscreen).",
    )
    parser.add_argument("folder", nargs="?", default="docs/screenshots", type=Path)
    parser.add_argument("--language", choices=i18n.LANGUAGES, default="da")
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path.home() / ".cache" / "kpidesk" / "screenshots",
        help="where the demo database is kept between runs (the login picture shows it)",
    )
    args = parser.parse_args(argv)
    # Every window then shows times as a desk in the installation's time zone would.
    os.environ.setdefault("TZ", "Europe/Copenhagen")
    if hasattr(time, "tzset"):  # not on Windows
        time.tzset()

    use_small_screen()
    from kpidesk.gui.app import make_application

    settings_dir = tempfile.mkdtemp(prefix="kpidesk-screenshots-")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings_dir)
    app = make_application([sys.argv[0]])
    QApplication.setFont(app.font())
    i18n.install_translations(app, args.language)
    db = demo_database(args.cache)
    try:
        print(f"rendering into {args.folder}:")
        take_all(db, args.folder, args.language)
    except ScreenshotError as exc:
        print(f"screenshots: error: {exc}", file=sys.stderr)
        return 1
    finally:
        db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
