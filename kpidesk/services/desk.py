"""`KpiDesk(db, caller)`: the one typed way in for the GUI and the command line.

One object per logged-in person (or the command line, `SYSTEM_CLI`): it holds the database,
the caller and the clock, and groups the services by what people do, `desk.setup`,
`desk.people`, `desk.kpi`, `desk.team`, `desk.forecasts`, `desk.runs`, `desk.crm`,
`desk.imports`, `desk.source`, `desk.settings`, `desk.account`. Every method is a short,
explicitly typed call of a `@checked` service function, so permissions, the account check and
the audit stay in the services; the façade only spares the callers the `(db, caller, …)`
and gives them one place to read what they may do. Results are the services' frozen data
objects. The clock decides "today" everywhere the façade computes it (`desk.today()`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from kpidesk.domain.clock import Clock, system_clock
from kpidesk.services.caller import Caller

if TYPE_CHECKING:
    from kpidesk.data.crm_import import ImportProgress, ImportReport
    from kpidesk.data.crm_import import Mapping as ImportMapping
    from kpidesk.data.db import Database
    from kpidesk.data.source import ImportInfo, SyncResult
    from kpidesk.domain.templates import TemplateSpec
    from kpidesk.engine.explain import Explanation
    from kpidesk.engine.preview import PreviewRow
    from kpidesk.engine.summary import RunSummary
    from kpidesk.services.auth import Account
    from kpidesk.services.crm import ActivityPage, CompanyRow, OpportunityRow
    from kpidesk.services.forecasting import BacktestProgress, BacktestReport
    from kpidesk.services.kpi import HistoryPoint, LastRun, TodayKpis
    from kpidesk.services.people import ProfileInfo, UserInfo
    from kpidesk.services.run_control import RunListener
    from kpidesk.services.runs import QueuedRun, RunLogRow
    from kpidesk.services.setup import RuleDraft, RuleInfo
    from kpidesk.services.setup_io import SetupImportReport
    from kpidesk.services.source import SourceView
    from kpidesk.services.team import TeamScores

# The services load on first use, so that holding a KpiDesk (e.g. in the GUI's context before
# the main window) imports neither SQLAlchemy's ORM nor the engine.


class _Part:
    """One namespace of the façade: the desk's database, caller and clock."""

    __slots__ = ("caller", "clock", "db")

    def __init__(self, db: Database, caller: Caller, clock: Clock) -> None:
        self.db = db
        self.caller = caller
        self.clock = clock


class Setup(_Part):
    """KPI rules, the template catalogue and the live preview (administrators)."""

    __slots__ = ()

    def rules(self) -> list[RuleInfo]:
        from kpidesk.services import setup

        return setup.list_rules(self.db, self.caller)

    def create_rule(self, draft: RuleDraft) -> RuleInfo:
        from kpidesk.services import setup

        return setup.create_rule(self.db, self.caller, draft)

    def update_rule(self, rule_id: int, draft: RuleDraft) -> RuleInfo:
        from kpidesk.services import setup

        return setup.update_rule(self.db, self.caller, rule_id, draft)

    def duplicate_rule(self, rule_id: int) -> RuleInfo:
        from kpidesk.services import setup

        return setup.duplicate_rule(self.db, self.caller, rule_id)

    def delete_rule(self, rule_id: int) -> None:
        from kpidesk.services import setup

        setup.delete_rule(self.db, self.caller, rule_id)

    def set_rule_active(self, rule_id: int, active: bool) -> RuleInfo:
        from kpidesk.services import setup

        return setup.set_rule_active(self.db, self.caller, rule_id, active)

    def activity_types(self) -> list[str]:
        from kpidesk.services import setup

        return setup.activity_types(self.db, self.caller)

    def preview(
        self,
        template_key: str,
        params: Mapping[str, Any],
        target: float,
        profile_ids: Sequence[int],
        run_date: dt.date | None = None,
    ) -> list[PreviewRow]:
        """What the rule gives for each user of its profiles as of run_date (default: today
        by the desk's clock)."""
        from kpidesk.services import setup

        day = run_date if run_date is not None else today(self.db, self.clock)
        return setup.preview(self.db, self.caller, template_key, params, target, profile_ids,
                             day)  # fmt: skip

    def templates(self) -> list[TemplateSpec]:
        from kpidesk.services import setup

        return setup.template_specs()

    def export(self) -> dict[str, Any]:
        """The setup as the JSON file `kpidesk setup export` writes."""
        from kpidesk.services import setup_io

        return setup_io.export_setup(self.db, self.caller)

    def import_(self, data: dict[str, Any]) -> SetupImportReport:
        """A setup file's content, checked whole, then written (audited) or nothing."""
        from kpidesk.services import setup_io

        return setup_io.import_setup(self.db, self.caller, data)


class People(_Part):
    """Profiles and users' profiles and passwords (administrators)."""

    __slots__ = ()

    def profiles(self) -> list[ProfileInfo]:
        from kpidesk.services import people

        return people.list_profiles(self.db, self.caller)

    def create_profile(self, name: str) -> ProfileInfo:
        from kpidesk.services import people

        return people.create_profile(self.db, self.caller, name)

    def rename_profile(self, profile_id: int, name: str) -> None:
        from kpidesk.services import people

        people.rename_profile(self.db, self.caller, profile_id, name)

    def delete_profile(self, profile_id: int) -> None:
        from kpidesk.services import people

        people.delete_profile(self.db, self.caller, profile_id)

    def users(self, profile_id: int | None = None) -> list[UserInfo]:
        from kpidesk.services import people

        return people.list_users(self.db, self.caller, profile_id)

    def set_user_profile(self, user_id: int, profile_id: int | None) -> None:
        from kpidesk.services import people

        people.set_user_profile(self.db, self.caller, user_id, profile_id)

    def set_user_password(self, user_id: int, password: str) -> None:
        from kpidesk.services import people

        people.set_user_password(self.db, self.caller, user_id, password)


class Kpi(_Part):
    """Stored KPI results: "Dagens KPI", the history, explanations, the last run."""

    __slots__ = ()

    def today(self, login: str | None = None, as_of: dt.date | None = None) -> TodayKpis:
        """A user's KPIs (default: the caller's own) from the latest successful run on or
        before as_of (default: today by the desk's clock)."""
        from kpidesk.services import kpi

        return kpi.todays_kpis(self.db, self.caller, login or self.caller.login, as_of,
                               clock=self.clock)  # fmt: skip

    def has_rules(self, login: str | None = None) -> bool:
        from kpidesk.services import kpi

        return kpi.has_rules(self.db, self.caller, login or self.caller.login)

    def history(
        self, user_id: int, rule_id: int, days: int = 120, *, until: dt.date | None = None
    ) -> list[HistoryPoint]:
        from kpidesk.services import kpi

        return kpi.history(self.db, self.caller, user_id, rule_id, days, until=until)

    def explain(
        self, user_id: int, rule_id: int, run_date: dt.date, *, lang: str = "da"
    ) -> Explanation:
        from kpidesk.services import kpi

        return kpi.explain_result(self.db, self.caller, user_id, rule_id, run_date, lang=lang)

    def run_status(self) -> LastRun | None:
        from kpidesk.services import kpi

        return kpi.run_status(self.db, self.caller)


class Team(_Part):
    """Every user × rule (administrators), and its CSV export."""

    __slots__ = ()

    def scores(self, profile_id: int | None = None, as_of: dt.date | None = None) -> TeamScores:
        from kpidesk.services import team

        return team.team_scores(self.db, self.caller, profile_id, as_of, clock=self.clock)


class Forecasts(_Part):
    """The forecasts' backtest and the verdicts the cards use (administrators)."""

    __slots__ = ()

    def backtest(
        self,
        *,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
        rule_name: str | None = None,
        save: bool = True,
        progress: BacktestProgress | None = None,
    ) -> BacktestReport:
        from kpidesk.services import forecasting

        return forecasting.backtest(self.db, self.caller, date_from=date_from, date_to=date_to,
                                    rule_name=rule_name, save=save,
                                    progress=progress)  # fmt: skip


class Runs(_Part):
    """KPI calculations by hand and the run log (administrators)."""

    __slots__ = ()

    def run_now(
        self,
        run_date: dt.date | None = None,
        progress: Callable[[int, int], None] | None = None,
        *,
        listener: RunListener | None = None,
    ) -> RunSummary:
        """Calculate one date now ("Beregn nu"; default: today by the desk's clock), queued by
        the run controller; `listener` hears its queue state and progress."""
        from kpidesk.services import runs

        day = run_date if run_date is not None else today(self.db, self.clock)
        return runs.run_now(self.db, self.caller, day, progress, listener=listener)

    def calculate(
        self, dates: Sequence[dt.date], *, listener: RunListener | None = None
    ) -> list[RunSummary]:
        """`kpidesk recalc`: the dates as one request, oldest first (see `runs.calculate`)."""
        from kpidesk.services import runs

        return runs.calculate(self.db, self.caller, dates, listener=listener)

    def cancel(self, request_id: int | None = None) -> bool:
        """Stop a calculation of this process (default: the one in front); False: none."""
        from kpidesk.services import runs

        return runs.cancel_run(self.db, self.caller, request_id)

    def queue(self) -> list[QueuedRun]:
        """This process's calculations, running or waiting their turn."""
        from kpidesk.services import runs

        return runs.run_queue(self.db, self.caller)

    def recalculate(self, run_date: dt.date, *, waiting: Callable[[], None]) -> RunSummary:
        from kpidesk.services import runs

        return runs.recalculate(self.db, self.caller, run_date, waiting=waiting)

    def log(self, limit: int = 100) -> list[RunLogRow]:
        from kpidesk.services import runs

        return runs.run_log(self.db, self.caller, limit)


class Crm(_Part):
    """The CRM data as the main window lists it."""

    __slots__ = ()

    def companies(self) -> list[CompanyRow]:
        from kpidesk.services import crm

        return crm.companies(self.db, self.caller)

    def activities(self, first_day: dt.date, last_day: dt.date) -> ActivityPage:
        from kpidesk.services import crm

        return crm.activities(self.db, self.caller, first_day, last_day)

    def opportunities(self) -> list[OpportunityRow]:
        from kpidesk.services import crm

        return crm.opportunities(self.db, self.caller)

    def activity_types(self) -> list[str]:
        from kpidesk.services import crm

        return crm.activity_types(self.db)


class Imports(_Part):
    """CRM data in: a CSV export folder, or the demo organisation (audited)."""

    __slots__ = ()

    def load_mapping(self, name_or_file: str) -> ImportMapping:
        """A preset's or a TOML file's mapping (ImportFailed lists its problems)."""
        from kpidesk.services import imports

        return imports.load_mapping(name_or_file)

    def import_crm(
        self,
        directory: Path,
        *,
        mapping: ImportMapping | None = None,
        check: bool = False,
        progress: ImportProgress | None = None,
    ) -> ImportReport:
        from kpidesk.services import imports

        return imports.import_crm(self.db, self.caller, directory, mapping=mapping, check=check,
                                  progress=progress)  # fmt: skip

    def demo(
        self,
        *,
        users: int = 25,
        activities: int = 20_000,
        seed: int = 1,
        as_of: dt.date | None = None,
        progress: ImportProgress | None = None,
    ) -> ImportReport:
        from kpidesk.services import imports

        day = as_of if as_of is not None else today(self.db, self.clock)
        return imports.demo(self.db, self.caller, users=users, activities=activities, seed=seed,
                            as_of=day, progress=progress)  # fmt: skip


class Source(_Part):
    """The data source the nightly run imports from (administrators)."""

    __slots__ = ()

    def show(self) -> SourceView:
        from kpidesk.services import source

        return source.show(self.db, self.caller)

    def set_folder(
        self, path: str, mapping: str = "kpidesk", marker: str = "",
        settle_seconds: int | None = None,
    ) -> list[str]:  # fmt: skip
        from kpidesk.services import source

        return source.set_folder(self.db, self.caller, path, mapping, marker, settle_seconds)

    def set_sql(self, url: str, mapping: str, timeout_seconds: int | None = None) -> list[str]:
        from kpidesk.services import source

        return source.set_sql(self.db, self.caller, url, mapping, timeout_seconds)

    def set_none(self) -> None:
        from kpidesk.services import source

        source.set_none(self.db, self.caller)

    def sync(self, progress: ImportProgress | None = None) -> SyncResult:
        from kpidesk.services import source

        return source.sync(self.db, self.caller, progress)

    def check_sql(self, progress: ImportProgress | None = None) -> ImportReport:
        from kpidesk.services import source

        return source.check_sql(self.db, self.caller, progress)

    def recent_imports(self, limit: int = 20) -> list[ImportInfo]:
        from kpidesk.services import source

        return source.recent_imports(self.db, self.caller, limit)


class Settings(_Part):
    """Installation settings (time zone, currency, nightly time, …)."""

    __slots__ = ()

    def timezone(self) -> ZoneInfo:
        from kpidesk.services import settings

        return settings.timezone(self.db)

    def currency(self) -> str:
        from kpidesk.services import settings

        return settings.currency(self.db)

    def get(self, key: str) -> str:
        from kpidesk.services import settings

        return settings.get(self.db, self.caller, key)

    def all(self) -> dict[str, str]:
        from kpidesk.services import settings

        return settings.get_all(self.db, self.caller)

    def set(self, key: str, value: str) -> str:
        """Validate, store and audit a setting; returns the value as stored."""
        from kpidesk.services import settings

        return settings.set_value(self.db, self.caller, key, value)


class Own(_Part):
    """The logged-in person's own account."""

    __slots__ = ()

    def details(self) -> Account:
        from kpidesk.services import auth

        return auth.account(self.db, self.caller)

    def set_password(self, login: str, password: str) -> None:
        from kpidesk.services import auth

        auth.set_password(self.db, self.caller, login, password)

    def has_login(self, login: str) -> bool:
        from kpidesk.services import auth

        return auth.has_login(self.db, self.caller, login)


def today(db: Database, clock: Clock = system_clock) -> dt.date:
    """Today in the installation's time zone by `clock` (the one `services.settings.today`)."""
    from kpidesk.services import settings

    return settings.today(db, clock)


class KpiDesk:
    """Everything one caller may do, by topic; `clock` decides "today" (tests move it)."""

    def __init__(self, db: Database, caller: Caller, *, clock: Clock = system_clock) -> None:
        self.db = db
        self.caller = caller
        self.clock = clock
        self.setup = Setup(db, caller, clock)
        self.people = People(db, caller, clock)
        self.kpi = Kpi(db, caller, clock)
        self.team = Team(db, caller, clock)
        self.forecasts = Forecasts(db, caller, clock)
        self.runs = Runs(db, caller, clock)
        self.crm = Crm(db, caller, clock)
        self.imports = Imports(db, caller, clock)
        self.source = Source(db, caller, clock)
        self.settings = Settings(db, caller, clock)
        self.account = Own(db, caller, clock)

    def today(self) -> dt.date:
        """Today in the installation's time zone, by the desk's clock."""
        return today(self.db, self.clock)

    def timezone(self) -> ZoneInfo:
        return self.settings.timezone()

    def display_url(self) -> str:
        """The database as people may see it (no password; a home-folder file as `~/…`)."""
        return self.db.display_url()
