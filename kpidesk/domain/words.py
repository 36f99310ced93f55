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
define("words", {"yes": Msg(da="ja", en="yes"), "no": Msg(da="nej", en="no")})
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


def cell_words(key: str, value: object, lang: str = "da") -> str:
    """An explanation cell that is a word: yes/no, an activity's status, a deal's stage."""
    if isinstance(value, bool):
        return say("words.yes" if value else "words.no", lang)
    msg_id = f"crm.{key}.{value}"
    return say(msg_id, lang) if key in ("status", "stage") and msg_id in CATALOGUE else str(value)


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


# --- the forecast in the windows: a few words on a card, one sentence in the chart window ----
# Fields: dates and values come formatted by the window (its QLocale's month names).
define(
    "forecast.card",
    {
        "too_little": Msg(
            da="For lidt historik til en prognose endnu.",
            en="Too little history for a forecast yet.",
        ),
        "pace": Msg(
            da="Med tempoet indtil nu: {value} pr. {end}", en="At the pace so far: {value} by {end}"
        ),
        "unchanged": Msg(
            da="Omtrent uændret pr. {end} ({low}–{high})",
            en="About unchanged by {end} ({low}–{high})",
        ),
        "projected": Msg(da="Prognose {end}: {value}", en="Forecast {end}: {value}"),
        "known": Msg(da="{value} kendt", en="{value} known"),
        "on_pace": Msg(da="i takt med målet", en="on pace"),
        "behind": Msg(da="bagud i forhold til målet", en="behind pace"),
    },
)
define(
    "forecast.sentence",
    {
        "undefined": Msg(
            da="Ingen prognose: værdien er udefineret i dag.",
            en="No forecast: the value is undefined today.",
        ),
        "too_little": Msg(
            da=(
                "Ingen prognose endnu: for få tidligere nætter viser, hvordan nøgletallet ændrer "
                "sig ({count} nat indtil nu).",
                "Ingen prognose endnu: for få tidligere nætter viser, hvordan nøgletallet ændrer "
                "sig ({count} nætter indtil nu).",
            ),
            en=(
                "No forecast yet: too few past nights show how this KPI changes ({count} night "
                "so far).",
                "No forecast yet: too few past nights show how this KPI changes ({count} nights "
                "so far).",
            ),
        ),
        "period": Msg(
            da="{known} indtil nu plus de åbne salgsmuligheder, der forventes lukket i perioden "
            "({open}) × din hitrate {rate}, med det, der plejer at komme oveni: ca. {projected} "
            "pr. {end} (sandsynligvis {low} til {high}); med tempoet indtil nu {pace}.",
            en="{known} so far plus the open deals expected this period ({open}) × your win "
            "rate {rate}, with what usually comes on top: about {projected} by {end} (likely "
            "{low} to {high}); at the pace so far {pace}.",
        ),
        "planned_meetings": Msg(
            da="{known} allerede planlagt i vinduet pr. {end}; med den sædvanlige ændring inden "
            "da ({change}): ca. {projected} (sandsynligvis {low} til {high}).",
            en="{known} already planned for the window on {end}; with the usual change before "
            "then ({change}): about {projected} (likely {low} to {high}).",
        ),
        "pipeline_value": Msg(
            da="{known} i åbne salgsmuligheder med forventet lukning i vinduet pr. {end}; "
            "korrigeret for, hvordan dine salgsmuligheder plejer at skride, lukke eller tabes "
            "({change}): ca. {projected} (sandsynligvis {low} til {high}).",
            en="{known} in open deals expected to close in the window on {end}; corrected by "
            "how your deals usually slip, close or are lost ({change}): about {projected} "
            "(likely {low} to {high}).",
        ),
        "known": Msg(
            da="{known} kendt for vinduet pr. {end}; med den sædvanlige ændring ({change}): ca. "
            "{projected} (sandsynligvis {low} til {high}).",
            en="{known} known for the window on {end}; with the usual change ({change}): about "
            "{projected} (likely {low} to {high}).",
        ),
        # Coverage: the customers still covered at the horizon by what is done, and those
        # with something planned before it, each with its own count (and so its own plural).
        "kam_coverage": Msg(
            da="Pr. {end} tæller {covered}, og {more}, talt med din gennemførelsesgrad på "
            "{rate}: {known}; med den sædvanlige ændring ({change}) ca. {projected} "
            "(sandsynligvis {low} til {high}).",
            en="On {end}, {covered} and {more}, counted at your completion rate of {rate}: "
            "{known}; with the usual change ({change}) about {projected} (likely {low} to "
            "{high}).",
        ),
        "kam_coverage.covered": Msg(
            da=(
                "{count} kunde stadig som dækket af møder, der allerede er holdt",
                "{count} kunder stadig som dækket af møder, der allerede er holdt",
            ),
            en=(
                "{count} customer still counts as covered by meetings already held",
                "{count} customers still count as covered by meetings already held",
            ),
        ),
        "kam_coverage.more": Msg(
            da=("{count} mere har et planlagt inden da", "{count} flere har et planlagt inden da"),
            en=(
                "{count} more has one planned before then",
                "{count} more have one planned before then",
            ),
        ),
        "neglected_accounts": Msg(
            da="Pr. {end} tæller {covered}, og {more}, talt med din gennemførelsesgrad på "
            "{rate}: {known} uden besøg; med den sædvanlige ændring ({change}) ca. {projected} "
            "(sandsynligvis {low} til {high}).",
            en="On {end}, {covered} and {more}, counted at your completion rate of {rate}: "
            "{known} without a visit; with the usual change ({change}) about {projected} "
            "(likely {low} to {high}).",
        ),
        "neglected_accounts.covered": Msg(
            da=(
                "{count} kunde stadig som besøgt af det, der allerede er gennemført",
                "{count} kunder stadig som besøgt af det, der allerede er gennemført",
            ),
            en=(
                "{count} customer still counts as visited by what is already done",
                "{count} customers still count as visited by what is already done",
            ),
        ),
        "neglected_accounts.more": Msg(
            da=(
                "{count} mere har noget planlagt inden da",
                "{count} flere har noget planlagt inden da",
            ),
            en=(
                "{count} more has something planned before then",
                "{count} more have something planned before then",
            ),
        ),
        "pace_unchecked": Msg(
            da="Med tempoet indtil nu: {pace} pr. {end}. Prognosen ud fra åbne salgsmuligheder "
            "vises ikke: ingen backtest har kontrolleret den endnu.",
            en="At the pace so far: {pace} by {end}. The forecast from open deals is not shown: "
            "no backtest has checked it yet.",
        ),
        "pace_better": Msg(
            da="Med tempoet indtil nu: {pace} pr. {end}. Prognosen ud fra åbne salgsmuligheder "
            "vises ikke: i backtesten ramte den mere ved siden af end tempolinjen ({error} mod "
            "{baseline}).",
            en="At the pace so far: {pace} by {end}. The forecast from open deals is not shown: "
            "in the backtest it erred more than the pace line ({error} against {baseline}).",
        ),
        "no_change": Msg(
            da="Forventes at blive omtrent, hvor den er (sandsynligvis {low} til {high} pr. "
            "{end}): intet af det, CRM'et ved om fremtiden, siger mere om dette nøgletal end "
            "værdien i dag.",
            en="Expected to stay about where it is (likely {low} to {high} on {end}): nothing "
            "the CRM knows ahead tells more about this KPI than its value today.",
        ),
        "unchecked": Msg(
            da="Forventes at blive omtrent, hvor den er (sandsynligvis {low} til {high} pr. "
            "{end}): prognosen ud fra det, CRM'et ved, vises først, når en backtest har "
            "kontrolleret den.",
            en="Expected to stay about where it is (likely {low} to {high} on {end}): the "
            "forecast from what the CRM knows is not shown until a backtest has checked it.",
        ),
        "no_change_better": Msg(
            da="Forventes at blive omtrent, hvor den er (sandsynligvis {low} til {high} pr. "
            "{end}): i backtesten ramte prognosen ud fra det, CRM'et ved, mere ved siden af end "
            '"ingen ændring" ({error} mod {baseline}).',
            en="Expected to stay about where it is (likely {low} to {high} on {end}): in the "
            'backtest the forecast from what the CRM knows erred more than "no change" '
            "({error} against {baseline}).",
        ),
    },
)
