"""`kpidesk selftest`: what a support desk asks a customer to run, in the bundle as in development.

It builds a small demo installation in a temporary folder, runs a real calculation, renders
"Dagens KPI" offscreen to a PNG and checks the picture, printing each check. Exit 0 when all
pass; 1 with the failing check otherwise. Nothing outside the temporary folder is touched.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from kpidesk import __version__, paths
from kpidesk.cli.common import ExitCode

RENDER_TIMEOUT_S = 30.0
DEMO_USER = "mette"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("selftest", help="check this installation end to end (offscreen)")
    parser.add_argument(
        "--keep", metavar="DIR", help="keep the database and the rendered PNG in DIR"
    )
    parser.set_defaults(handler=cmd_selftest)


class CheckFailed(Exception):
    """A check found the installation wrong; its message says how."""


def cmd_selftest(args: argparse.Namespace) -> int:
    # Before Qt is imported: the selftest never needs (or opens) a screen.
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    workdir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="kpidesk-selftest-"))
    workdir.mkdir(parents=True, exist_ok=True)
    frozen = "bundle" if paths.is_frozen() else "development"
    print(f"kpidesk {__version__} selftest ({frozen}, Python {sys.version.split()[0]})")
    state: dict[str, object] = {"workdir": workdir}
    checks: list[tuple[str, Callable[[dict[str, object]], str]]] = [
        ("user data folder outside the program", _check_user_data_dir),
        ("database dialects", _check_dialects),
        ("schema from the migrations", _check_migrations),
        ("demo data and KPI setup", _check_demo),
        ("KPI calculation", _check_calculation),
        ("stored data (kpidesk db check)", _check_database),
        ("nightly schedule", _check_scheduler),
        ("translations", _check_translations),
        ('"Dagens KPI" rendered offscreen', _check_render),
    ]
    failed = False
    try:
        for title, check in checks:
            started = time.perf_counter()
            try:
                detail = check(state)
            except Exception as exc:  # noqa: BLE001 - every failure is reported, then exit 1
                print(f"FAIL  {title}: {exc}")
                if not isinstance(exc, CheckFailed):
                    traceback.print_exc(file=sys.stdout)
                failed = True
                break
            print(f"ok    {title}: {detail} ({time.perf_counter() - started:.1f} s)")
    finally:
        db = state.get("db")
        if db is not None:
            db.dispose()  # type: ignore[attr-defined]
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    if failed:
        print("selftest FAILED")
        return ExitCode.ERROR
    print("selftest passed" + (f"; files kept in {workdir}" if args.keep else ""))
    return ExitCode.OK


def _check_user_data_dir(state: dict[str, object]) -> str:
    data = paths.user_data_dir().resolve()
    program = paths.bundle_root().resolve()
    if paths.is_frozen() and program in (data, *data.parents):
        raise CheckFailed(f"user data folder {data} lies inside the program folder {program}")
    return str(data)


def _check_dialects(state: dict[str, object]) -> str:
    from kpidesk.services.maintenance import loadable_dialects

    return ", ".join(loadable_dialects())


def _check_migrations(state: dict[str, object]) -> str:
    from kpidesk.services.maintenance import create_sqlite

    workdir = state["workdir"]
    assert isinstance(workdir, Path)
    db, revision = create_sqlite(workdir / "selftest.sqlite3")
    state["db"] = db
    if not revision:
        raise CheckFailed("no revision after upgrade")
    return f"revision {revision} from {paths.migrations_path()}"


def _check_demo(state: dict[str, object]) -> str:
    from kpidesk.services import settings
    from kpidesk.services.demo import build_demo
    from kpidesk.services.maintenance import counts

    db = state["db"]
    today = settings.today(db)  # type: ignore[arg-type]
    state["today"] = today
    build_demo(db, today=today, history_days=10)  # type: ignore[arg-type]
    found = counts(db)  # type: ignore[arg-type]
    text = f"{found.users} users, {found.activities} activities, {found.rules} rules"
    if not found.users or not found.activities or not found.rules:
        raise CheckFailed(f"demo incomplete: {text}")
    return text


def _check_calculation(state: dict[str, object]) -> str:
    from kpidesk.services.maintenance import selftest_run

    summary = selftest_run(state["db"], state["today"])  # type: ignore[arg-type]
    if summary.status != "success" or summary.results == 0:
        raise CheckFailed(f"run {summary.status}: {summary.reason}")
    return f"{summary.users} users × {summary.rules} rules → {summary.results} results"


def _check_database(state: dict[str, object]) -> str:
    from kpidesk.services.maintenance import check_database

    report = check_database(state["db"])  # type: ignore[arg-type]
    if not report.ok:
        raise CheckFailed("; ".join(str(problem) for problem in report.problems))
    return f"{', '.join(report.checks)}: no problems"


def _check_scheduler(state: dict[str, object]) -> str:
    from zoneinfo import ZoneInfo

    from apscheduler.triggers.cron import CronTrigger

    tz = ZoneInfo("Europe/Copenhagen")
    trigger = CronTrigger(hour=2, minute=0, timezone=tz)
    now = dt.datetime.now(tz)
    fire = trigger.get_next_fire_time(None, now)
    if fire is None or fire <= now:
        raise CheckFailed("the nightly trigger gives no next run")
    return f"next 02:00 run {fire:%Y-%m-%d %H:%M %Z}"


def _check_translations(state: dict[str, object]) -> str:
    folder = paths.resource_path("i18n")
    found = sorted(path.name for path in folder.glob("*_da.qm"))
    if not found:
        raise CheckFailed(f"no Danish translations in {folder}")
    return ", ".join(found)


def _check_render(state: dict[str, object]) -> str:
    from PySide6.QtCore import QCoreApplication, QEventLoop
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QApplication, QWidget

    from kpidesk.gui import runner
    from kpidesk.gui.context import AppContext
    from kpidesk.gui.formatting import set_display_timezone
    from kpidesk.gui.i18n import install_translations
    from kpidesk.gui.today_dialog import TodayKpiDialog
    from kpidesk.services import settings
    from kpidesk.services.auth import authenticate
    from kpidesk.services.demo import DEMO_PASSWORD
    from kpidesk.services.desk import KpiDesk

    app = QApplication.instance() or QApplication([sys.argv[0], "-platform", "offscreen"])
    install_translations(app, "da")  # type: ignore[arg-type]
    db = state["db"]
    set_display_timezone(settings.timezone(db))  # type: ignore[arg-type]
    caller = authenticate(db, DEMO_USER, DEMO_PASSWORD)  # type: ignore[arg-type]
    expected = len(KpiDesk(db, caller).kpi.today().kpis)  # type: ignore[arg-type]
    if expected == 0:
        raise CheckFailed(f"{DEMO_USER} has no KPIs to show")
    dialog = TodayKpiDialog(AppContext(db=db, caller=caller), None)  # type: ignore[arg-type]
    dialog.resize(1000, 700)
    dialog.show()
    deadline = time.monotonic() + RENDER_TIMEOUT_S
    cards: list[QWidget] = []
    while time.monotonic() < deadline:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        cards = [w for w in dialog.findChildren(QWidget, "kpiCard") if w.isVisible()]
        if len(cards) >= expected and not runner.busy():
            break
        time.sleep(0.02)
    if len(cards) != expected:
        raise CheckFailed(f"{len(cards)} KPI cards shown, expected {expected}")
    QCoreApplication.processEvents()
    workdir = state["workdir"]
    assert isinstance(workdir, Path)
    png = workdir / "dagens-kpi.png"
    if not dialog.grab().save(str(png)):
        raise CheckFailed(f"could not write {png}")
    image = QImage(str(png))
    if image.isNull() or image.width() < 400 or image.height() < 300:
        raise CheckFailed(
            f"rendered image unreadable or too small: {image.width()}×{image.height()}"
        )
    colours = {
        image.pixel(x, y)
        for x in range(0, image.width(), max(1, image.width() // 80))
        for y in range(0, image.height(), max(1, image.height() // 60))
    }
    if len(colours) < 8:
        raise CheckFailed(f"rendered image looks blank ({len(colours)} colours)")
    names = ", ".join(card.accessibleName() for card in cards)
    dialog.close()
    return (
        f"{image.width()}×{image.height()} PNG, {len(colours)} colours sampled, "
        f"{len(cards)} cards ({names})"
    )
