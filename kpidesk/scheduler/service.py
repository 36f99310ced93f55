"""`kpidesk scheduler`: the nightly schedule without a GUI, for a server beside a shared database.

Logs to stdout and to `scheduler.log` in the user log directory. SIGTERM or SIGINT stop it
cleanly with exit code 0: a run in progress is interrupted at its next step and rolled back
(the run row ends `failed` "interrupted"); if the run does not get there within the grace
period the process exits anyway, the database rolls the open transaction back, and the next
run marks the stale row failed.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from kpidesk import paths
from kpidesk.data.db import ENV_URL, open_database
from kpidesk.data.sql_source import PASSWORD_ENV
from kpidesk.engine.run import fail_stopped_runs
from kpidesk.scheduler.nightly import NightlyRunner, NightlyScheduler
from kpidesk.scheduler.plan import RetryPolicy

log = logging.getLogger("kpidesk.scheduler")

LOG_FILE_NAME = "scheduler.log"
STOP_GRACE_SECONDS = 30.0
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Where the Linux package's kpidesk-scheduler.service reads its environment from.
LINUX_SERVICE_ENV_FILE = "/etc/kpidesk/kpidesk.env"
URL_EXAMPLE = f"{ENV_URL}=postgresql://kpidesk:PASSWORD@dbhost/kpidesk"


class EnvFileError(Exception):
    """A line of an env file that is not NAME=VALUE; the message names file and line."""


class NoDatabaseConfigured(Exception):
    """A service was told to insist on a database URL and has none; one line says where."""


def read_env_file(path: Path) -> dict[str, str]:
    """NAME=VALUE lines as systemd's EnvironmentFile reads them, so one file suits both."""
    values: dict[str, str] = {}
    text = path.read_text(encoding="utf-8-sig")
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        name, equals, value = line.partition("=")
        if not equals or not name.strip():
            raise EnvFileError(f"{path}:{number}: expected NAME=VALUE, e.g. {URL_EXAMPLE}")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[name.strip()] = value
    return values


def service_database_url(db_url: str | None, *, env_file: Path | None, require: bool
                         ) -> str | None:  # fmt: skip
    """The URL a service runs on: --db, else the env file's, else the environment's.

    With `require` (implied by an env file) no URL at all is NoDatabaseConfigured, checked
    before anything starts: a service must not fall back to a SQLite file in its own home.
    """
    if db_url:
        return db_url
    if env_file is not None:
        url = read_env_file(env_file).get(ENV_URL, "").strip()
        if url:
            return url
        raise NoDatabaseConfigured(f"{env_file} sets no {ENV_URL}: add a line {URL_EXAMPLE}")
    if require and not os.environ.get(ENV_URL, "").strip():
        raise NoDatabaseConfigured(
            f"{ENV_URL} is not set (the Linux package's kpidesk-scheduler service reads it from "
            f"{LINUX_SERVICE_ENV_FILE}): add a line {URL_EXAMPLE} there"
        )
    return None


def source_password_from(env_file: Path) -> None:
    """KPIDESK_SOURCE_PASSWORD from the env file into this process's environment.

    systemd's EnvironmentFile= sets it for the Linux service; `--env-file` (Windows' task)
    does the same here, so the `sql` data source's password can live in that one root-only
    file instead of kpidesk's database. A value already in the environment wins.
    """
    value = read_env_file(env_file).get(PASSWORD_ENV, "")
    if value and not os.environ.get(PASSWORD_ENV):
        os.environ[PASSWORD_ENV] = value


def log_file_path() -> Path:
    return paths.user_log_dir() / LOG_FILE_NAME


def configure_logging(verbose: bool = False) -> Path:
    """Send kpidesk's log lines to stdout and a rotating file; returns the file's path."""
    path = log_file_path()
    formatter = logging.Formatter(LOG_FORMAT)
    handlers: list[logging.Handler] = [
        logging.handlers.RotatingFileHandler(
            path, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
        )
    ]
    if sys.stdout is not None:  # None in a frozen app without a console
        handlers.append(logging.StreamHandler(sys.stdout))
    for handler in handlers:
        handler.setFormatter(formatter)
        handler._kpidesk_service = True  # type: ignore[attr-defined]
    # kpidesk's own lines, and APScheduler's warnings (a skipped or failing job).
    levels = {"kpidesk": logging.DEBUG if verbose else logging.INFO,
              "apscheduler": logging.INFO if verbose else logging.WARNING}  # fmt: skip
    replaced: set[logging.Handler] = set()
    for name, level in levels.items():
        logger = logging.getLogger(name)
        logger.setLevel(level)
        logger.propagate = False  # not twice on the terminal through the root logger
        for old in list(logger.handlers):
            if getattr(old, "_kpidesk_service", False):
                logger.removeHandler(old)
                replaced.add(old)
        for handler in handlers:
            logger.addHandler(handler)
    for old in replaced:
        old.close()
    return path


class StopRequest:
    """Set by SIGTERM/SIGINT; the main thread waits on it between its checks."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.signal_name: str | None = None

    def __call__(self, signum: int, _frame: FrameType | None) -> None:
        self.signal_name = signal.Signals(signum).name
        self.event.set()


@contextmanager
def stop_signals(stop: StopRequest) -> Iterator[None]:
    """Route SIGTERM and SIGINT to `stop` for the duration, then restore the old handlers."""
    wanted = [signal.SIGINT, signal.SIGTERM]
    if hasattr(signal, "SIGBREAK"):  # Ctrl+Break in a Windows console
        wanted.append(signal.SIGBREAK)
    previous = {signum: signal.signal(signum, stop) for signum in wanted}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _wait(stop: StopRequest, done: threading.Event | None = None) -> None:
    """Wait for a stop signal (or `done`), waking regularly so signals are handled promptly."""
    while not stop.event.is_set() and (done is None or not done.is_set()):
        stop.event.wait(0.2)


def run_service(
    db_url: str | None,
    *,
    once: bool = False,
    retry: RetryPolicy | None = None,
    verbose: bool = False,
    grace_seconds: float = STOP_GRACE_SECONDS,
) -> int:
    """Run the schedule until stopped (or, with `once`, one catch-up pass); the exit code.

    With `once`, the code is 1 when a date is left without a successful run (so a task
    scheduler can notice), 0 otherwise or when stopped by a signal.
    """
    log_path = configure_logging(verbose)
    stop = StopRequest()
    with stop_signals(stop):  # from the start: a signal while connecting is a clean stop too
        db = open_database(db_url)
        try:
            fail_stopped_runs(db)
            # --once is one catch-up pass: no retries with backoff, the exit code tells.
            runner = NightlyRunner(db, retry=RetryPolicy(()) if once else retry)
            scheduler = NightlyScheduler(runner, catch_up=True)
            log.info("kpidesk scheduler started (pid %d), log file %s", os.getpid(), log_path)
            if not stop.event.is_set():
                scheduler.start()
                if once:
                    finished = threading.Event()
                    threading.Thread(
                        target=lambda: (scheduler.wait_idle(), finished.set()), daemon=True
                    ).start()
                    _wait(stop, finished)
                else:
                    _wait(stop)
            if stop.event.is_set():
                log.info("%s received: stopping", stop.signal_name)
            _shutdown(scheduler, grace_seconds)
        finally:
            db.dispose()
    if once and not stop.event.is_set():
        result = scheduler.last_pass
        if result is not None and not result.complete:
            log.error("dates still without a successful run: %s",
                      ", ".join(str(d) for d in result.missing) or result.error)  # fmt: skip
            return 1
    log.info("kpidesk scheduler stopped")
    return 0


def _shutdown(scheduler: NightlyScheduler, grace_seconds: float) -> None:
    """Interrupt a run in progress and wait for its rollback, at most `grace_seconds`."""
    stopper = threading.Thread(target=scheduler.shutdown, kwargs={"wait": True}, daemon=True)
    stopper.start()
    stopper.join(grace_seconds)
    if stopper.is_alive():
        # The run is inside one long statement: leaving closes its connection and the
        # database rolls the transaction back; the next run marks the row failed.
        log.warning("run did not stop within %.0f s; exiting, the database rolls it back",
                    grace_seconds)  # fmt: skip
        logging.shutdown()
        os._exit(0)
