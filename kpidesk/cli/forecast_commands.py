"""`kpidesk forecast backtest`: are the forecasts worth showing on this installation's data?"""

from __future__ import annotations

import argparse
import json
import sys

from kpidesk.cli.common import ExitCode, UserError, add_db_option, database, desk
from kpidesk.cli.engine_commands import parse_date
from kpidesk.cli.present import stage_bars


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    forecast = sub.add_parser("forecast", help="check the forecasts against the history")
    commands = forecast.add_subparsers(dest="forecast_command", metavar="COMMAND", required=True)
    backtest = commands.add_parser(
        "backtest",
        help="replay every night's forecast against what the nightly results later showed",
        description="For every active rule, user and night with enough history: the forecast "
        "made that night against the value at its horizon. Per rule the number of cases, the "
        "mean absolute error (MAE) of the forecast, of 'no change' and, for calendar periods, "
        "of the pace line, their ratio, and the share of outcomes inside the band (nominal "
        "80 %%). Run over every rule and the whole history, the verdicts decide which cards "
        "show a forecast.",
    )
    add_db_option(backtest)
    backtest.add_argument("--from", dest="date_from", type=parse_date, metavar="D1",
                          help="first night whose forecasts are replayed")  # fmt: skip
    backtest.add_argument("--to", dest="date_to", type=parse_date, metavar="D2",
                          help="last night whose forecasts are replayed")  # fmt: skip
    backtest.add_argument("--rule", metavar="NAME", help="only the rule with this name")
    backtest.add_argument("--json", action="store_true", help="print the figures as JSON")
    backtest.set_defaults(handler=cmd_backtest)


def _number(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f} %"


def cmd_backtest(args: argparse.Namespace) -> int:
    from kpidesk.services.forecasting import ForecastServiceError

    db = database(args)
    try:
        with stage_bars("backtest ", longest=30) as bars:
            report = desk(db).forecasts.backtest(
                date_from=args.date_from,
                date_to=args.date_to,
                rule_name=args.rule,
                progress=bars,
            )
    except ForecastServiceError as exc:
        raise UserError(str(exc)) from exc
    finally:
        db.dispose()
    if args.json:
        json.dump(report.to_json(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return ExitCode.OK
    header = (
        f"{'rule':<32} {'method':<9} {'cases':>7} {'MAE fc':>12} {'MAE no chg':>12} "
        f"{'MAE pace':>12} {'ratio':>6} {'in band':>8}  shown"
    )
    print(header)
    for rule in report.rules:
        print(
            f"{rule.rule[:32]:<32} {rule.method:<9} {rule.cases:>7} "
            f"{_number(rule.mae_forecast):>12} {_number(rule.mae_no_change):>12} "
            f"{_number(rule.mae_pace):>12} {_number(rule.ratio):>6} "
            f"{_percent(rule.coverage):>8}  {'yes' if rule.beats_baseline else 'no'}"
        )
    print(
        "ratio = forecast MAE / baseline MAE (no change; pace line for calendar periods); "
        "a forecast is shown only where it is below 1."
    )
    return ExitCode.OK
