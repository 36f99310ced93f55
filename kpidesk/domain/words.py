"""Words the windows and the `kpidesk` command share: explanation columns, CRM states, the
summary of an explanation and a forecast in a few words.

Defined once in the message catalogue (`domain.messages`), said in Danish or English.
"""

from __future__ import annotations

from kpidesk.domain.display import UNDEFINED, format_score, format_value
from kpidesk.domain.forecast import Forecast
from kpidesk.domain.messages import CATALOGUE, Msg, define, say

define(
    "column",
    {
        "activity": Msg(da="Aktivitet", en="Activity"),
        "start": Msg(da="Start", en="Start"),
        "type": Msg(da="Type", en="Type"),
        "status": Msg(da="Status", en="Status"),
        "company": Msg(da="Firma", en="Company"),
        "company_id": Msg(da="Firma-id", en="Company id"),
        "last_activity": Msg(da="Seneste i perioden", en="Latest in period"),
        "last_ever": Msg(da="Seneste nogensinde", en="Latest ever"),
        "opportunity_id": Msg(da="Salgsmulighed-id", en="Opportunity id"),
        "opportunity": Msg(da="Salgsmulighed", en="Opportunity"),
        "amount": Msg(da="Beløb", en="Amount"),
        "stage": Msg(da="Fase", en="Stage"),
        "closed": Msg(da="Lukket", en="Closed"),
        "created": Msg(da="Oprettet", en="Created"),
        "expected_close": Msg(da="Forventet lukning", en="Expected close"),
    },
)
define(
    "crm.status",
    {
        "planned": Msg(da="planlagt", en="planned"),
        "done": Msg(da="gennemført", en="done"),
        "cancelled": Msg(da="aflyst", en="cancelled"),
    },
)
define(
    "crm.stage",
    {
        "open": Msg(da="åben", en="open"),
        "won": Msg(da="vundet", en="won"),
        "lost": Msg(da="tabt", en="lost"),
    },
)
define(
    "explain",
    {
        "no_value": Msg(da="Ingen værdi", en="No value"),
        "against": Msg(da="{value} mod målet {target}", en="{value} against a target of {target}"),
        "missing": Msg(
            da="{gaps} af {managed} kunder mangler", en="{gaps} of {managed} customers missing"
        ),
    },
)
define(
    "forecast.brief",
    {
        "too_little": Msg(
            da=("for lidt historik ({n} nat)", "for lidt historik ({n} nætter)"),
            en=("too little history ({n} night)", "too little history ({n} nights)"),
        ),
        "in_days": Msg(da=("om {n} dag", "om {n} dage"), en=("in {n} day", "in {n} days")),
        "period_end": Msg(da="ved periodens slut", en="at the end of the period"),
        "pace": Msg(da="tempo: {value} {when}", en="pace: {value} {when}"),
        "unchanged": Msg(da="omtrent uændret{band} {when}", en="about unchanged{band} {when}"),
        "projected": Msg(da="{value}{band} {when}", en="{value}{band} {when}"),
        "on_pace": Msg(da="{text}, på sporet", en="{text}, on pace"),
        "behind": Msg(da="{text}, bagud", en="{text}, behind"),
    },
)


def column_label(key: str, lang: str = "da") -> str:
    """An explanation column's heading; an unknown key is shown as it is."""
    msg_id = f"column.{key}"
    return say(msg_id, lang) if msg_id in CATALOGUE else key


def explanation_summary(
    lang: str,
    unit: str,
    currency: str,
    value: float | None,
    target: float,
    score: float | None,
    undefined: str,
    gaps: int | None,
    managed: int,
) -> str:
    """`6 mod målet 10 (60 %); 2 af 5 kunder mangler`, or why there is no value."""
    if value is None:
        reason = f" ({undefined})" if undefined else ""
        return say("explain.no_value", lang) + reason
    text = say(
        "explain.against",
        lang,
        value=format_value(value, unit, lang, currency),
        target=format_value(target, unit, lang, currency),
    )
    if score is not None:
        text += f" ({format_score(score, lang)})"
    if gaps is not None:
        text += "; " + say("explain.missing", lang, gaps=gaps, managed=managed)
    return text


def forecast_brief(
    result: Forecast | None, unit: str, lang: str = "da", currency: str = "DKK"
) -> str:
    """A forecast in a few words: projection and band, or, where the backtest found no
    forecast better than "no change" (a period: the pace line), that instead."""
    if result is None:
        return UNDEFINED
    if result.status == "insufficient_history":
        return say("forecast.brief.too_little", lang, n=result.nights)
    if result.status != "ok":
        return UNDEFINED

    def value(number: float | None) -> str:
        return format_value(number, unit, lang, currency)

    band = ""
    if result.low is not None and result.high is not None and result.high > result.low:
        band = f" ({value(result.low)}–{value(result.high)})"
    if result.horizon.kind == "window":
        days = (result.horizon.end - result.horizon.start).days
        when = say("forecast.brief.in_days", lang, n=days)
    else:
        when = say("forecast.brief.period_end", lang)
    if not result.shown:
        if result.horizon.kind == "period" and result.pace is not None:
            return say("forecast.brief.pace", lang, value=value(result.pace), when=when)
        return say("forecast.brief.unchanged", lang, band=band, when=when)
    text = say("forecast.brief.projected", lang, value=value(result.projected), band=band,
               when=when)  # fmt: skip
    if result.on_pace is not None:
        text = say("forecast.brief.on_pace" if result.on_pace else "forecast.brief.behind",
                   lang, text=text)  # fmt: skip
    return text
