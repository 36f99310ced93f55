"""A deterministic, realistic Danish sales organisation, imported through the real CSV path.

The generator writes an export exactly as a CRM would (users, companies, activities,
participants, opportunities as CSV files) and hands it to `import_crm`, so the demo exercises
the same code as real data. Each person gets a few traits (how busy, how well they cover their
accounts, how many tasks they let slip, how often they win) so the KPI templates give varied,
believable values per person. Generation streams user by user, so 2,000 users and 2 million
activities need little memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import random
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from kpidesk.data import settings
from kpidesk.data.crm_import import (
    ACTIVITIES,
    COMPANIES,
    OPPORTUNITIES,
    PARTICIPANTS,
    USERS,
    BeforeCommit,
    ImportProgress,
    ImportReport,
    crm_row_counts,
    import_crm,
)
from kpidesk.data.db import Database
from kpidesk.domain.clock import local_today, system_clock

DEMO_LOGINS = {
    "admin": "Karen Holm, administrator, profile Ledelse",
    "mette": "Mette Kristensen, sales person, profile Salg",
    "jonas": "Jonas Nielsen, support, profile Support",
}
EMAIL_DOMAIN = "nordlys.dk"  # the invented organisation: Nordlys Software A/S
PROFILES = ("Ledelse", "Salg", "Support")
ACTIVITY_TYPES = ("Salgsmøde", "Telefonmøde", "Opgave", "E-mail")
DAYS_BACK = 730
DAYS_AHEAD = 60
COMPANIES_PER_USER = 20
CUSTOMER_SHARE = 0.8
COVERAGE_DAYS = 90  # the window the KAM coverage traits are built for (issue 3's default)
OVERDUE_DAYS = 45  # tasks left planned are at most this old

# Relative activity volume per profile and each profile's mix of activity types.
PROFILE_WEIGHT = {"Salg": 1.3, "Support": 1.0, "Ledelse": 0.4}
TYPE_MIX = {
    "Salg": (0.30, 0.27, 0.16, 0.27),
    "Support": (0.03, 0.35, 0.27, 0.35),
    "Ledelse": (0.20, 0.30, 0.30, 0.20),
}

FIRST_NAMES = (
    "Anne", "Kirsten", "Hanne", "Anna", "Helle", "Susanne", "Lene", "Maria", "Marianne",
    "Lone", "Camilla", "Pia", "Louise", "Charlotte", "Tina", "Gitte", "Bente", "Jette", "Ida",
    "Emma", "Sofie", "Julie", "Line", "Signe", "Maja", "Peter", "Jens", "Lars", "Michael",
    "Henrik", "Thomas", "Søren", "Jan", "Niels", "Christian", "Martin", "Anders", "Morten",
    "Jesper", "Mads", "Rasmus", "Per", "Hans", "Ole", "Kasper", "Jakob", "Frederik", "Mikkel",
    "Emil", "Bjørn", "Jørgen", "Åse", "Birgitte", "Torben", "Steen",
)  # fmt: skip
SURNAMES = (
    "Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen",
    "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen", "Thomsen",
    "Christiansen", "Poulsen", "Johansen", "Møller", "Mortensen", "Knudsen", "Jakobsen",
    "Mikkelsen", "Olesen", "Frederiksen", "Laursen", "Henriksen", "Lund", "Holm", "Schmidt",
    "Eriksen", "Clausen", "Simonsen", "Svendsen", "Andreasen", "Iversen", "Jeppesen",
    "Vestergaard", "Mogensen", "Nissen", "Lauridsen", "Kjær", "Dahl", "Bach", "Friis", "Skov",
    "Bruun", "Vinther", "Østergaard", "Lindberg", "Bøgh", "Ravn",
)  # fmt: skip
PLACES = (
    "Nordhavn", "Vesterbro", "Aarhus", "Odense", "Aalborg", "Esbjerg", "Randers", "Kolding",
    "Horsens", "Vejle", "Roskilde", "Herning", "Silkeborg", "Næstved", "Fredericia", "Viborg",
    "Køge", "Holstebro", "Taastrup", "Slagelse", "Hillerød", "Svendborg", "Sønderborg",
    "Hjørring", "Frederikshavn", "Skive", "Ringsted", "Haderslev", "Nyborg", "Middelfart",
    "Thisted", "Aabenraa", "Grenaa", "Nakskov", "Ribe", "Tønder", "Skagen", "Hobro",
    "Ebeltoft", "Bornholm", "Amager", "Valby", "Lyngby", "Ballerup", "Glostrup", "Brøndby",
    "Hvidovre", "Nørresundby", "Vordingborg", "Faaborg", "Kalundborg", "Holbæk", "Struer",
    "Lemvig", "Brande", "Ikast", "Give", "Billund", "Varde", "Fanø",
)  # fmt: skip
TRADES = (
    "Logistik", "Byg", "VVS", "El-service", "Maskinfabrik", "Revision", "Tømrerfirma",
    "Transport", "Auto", "Foderstof", "Energi", "Ejendomme", "Rådgivning", "IT", "Møbler",
    "Trykkeri", "Køleteknik", "Metal", "Emballage", "Isenkram", "Fiskeeksport", "Mejeri",
    "Bryggeri", "Vinduer", "Malerfirma", "Anlæg", "Teknik", "Data", "Medico", "Plast",
    "Entreprise", "Gartneri", "Catering", "Rengøring", "Installation", "Værktøj", "Stål",
    "Handel", "Vikarservice", "Advokater",
)  # fmt: skip
LEGAL_FORMS = ("A/S", "ApS", "ApS", "A/S", "I/S", "K/S")
PRODUCTS = (
    "CRM-licenser", "Serviceaftale", "Udvidelse", "Konsulentydelser", "Supportpakke",
    "Opgradering", "Rammeaftale", "Pilotprojekt", "Kursuspakke", "Integration",
    "Hostingaftale", "Mobiladgang",
)  # fmt: skip
_ASCII = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "é": "e", "ü": "u", "ö": "oe"})

# stage, done, total (the import's own stages follow "generating")
DemoProgress = ImportProgress


class DemoRefused(Exception):
    """The database already holds CRM data; the demo never mixes with real data."""


@dataclass
class _Person:
    login: str
    name: str
    profile: str
    role: str = "user"
    active: bool = True
    busy: float = 1.0  # share of the activity volume, relative to the profile
    coverage: float = 1.0  # Salg: share of managed customers met in the last 90 days
    slack: float = 0.0  # chance that a recent task is left planned (overdue)
    win_rate: float = 0.45
    customers: list[int] = field(default_factory=list)  # managed customers (Salg)
    covered: list[int] = field(default_factory=list)


@dataclass
class _Org:
    people: list[_Person]
    customers: list[int]
    prospects: list[int]
    company_names: dict[int, str]


def generate_demo(
    db: Database,
    *,
    users: int = 25,
    activities: int = 20_000,
    seed: int = 1,
    as_of: dt.date | None = None,
    progress: DemoProgress | None = None,
    before_commit: BeforeCommit | None = None,
) -> ImportReport:
    """Fill an empty database with the demo organisation (deterministic per seed and as_of).

    Raises DemoRefused, saying why, when the database already holds users, companies or
    activities. Only CRM data and profiles are written; KPI rules and history are not.
    """
    started = time.monotonic()
    counts = {name: count for name, count in crm_row_counts(db).items() if count}
    if counts:
        held = ", ".join(f"{count} {name}" for name, count in counts.items())
        raise DemoRefused(
            f"database {db.display_url()} already holds CRM data ({held}); the demo only fills "
            "an empty database so real data is never mixed with invented data"
        )
    if as_of is None:
        with db.session() as session:
            as_of = local_today(system_clock(), settings.timezone(session))
    with tempfile.TemporaryDirectory(prefix="kpidesk-demo-") as folder:
        write_demo_export(
            Path(folder),
            users=users,
            activities=activities,
            seed=seed,
            as_of=as_of,
            progress=progress,
        )
        report = import_crm(db, Path(folder), progress=progress, before_commit=before_commit)
    report.seconds = time.monotonic() - started
    return report


def write_demo_export(
    directory: Path,
    *,
    users: int = 25,
    activities: int = 20_000,
    seed: int = 1,
    as_of: dt.date,
    progress: DemoProgress | None = None,
) -> None:
    """Write the demo organisation as a CRM export (five CSV files, UTF-8, local times)."""
    if users < 3:
        raise ValueError("the demo needs at least 3 users (admin, mette and jonas)")
    if activities < 0:
        raise ValueError("the number of activities cannot be negative")
    rng = random.Random(f"kpidesk-demo-{seed}")
    # Its own stream, so the history timestamps leave the rest of the data as it always was.
    history = random.Random(f"kpidesk-demo-history-{seed}")
    org = _organisation(rng, users)
    directory.mkdir(parents=True, exist_ok=True)
    _write_users(directory / USERS, org)
    _write_companies(directory / COMPANIES, org)
    with (
        (directory / ACTIVITIES).open("w", encoding="utf-8", newline="") as act_file,
        (directory / PARTICIPANTS).open("w", encoding="utf-8", newline="") as part_file,
    ):
        _write_activities(rng, history, org, as_of, activities, act_file, part_file, progress)
    _write_opportunities(rng, org, as_of, activities, directory / OPPORTUNITIES)


# --- the organisation -----------------------------------------------------------------------


def _login_for(first: str, last: str, taken: set[str]) -> str:
    base = (first + last[0]).lower().translate(_ASCII)
    login, number = base, 2
    while login in taken:
        login, number = f"{base}{number}", number + 1
    taken.add(login)
    return login


def _split(users: int) -> dict[str, int]:
    ledelse = max(1, round(users * 0.12))
    support = max(1, round(users * 0.3))
    return {"Ledelse": ledelse, "Salg": users - ledelse - support, "Support": support}


def _spread(rng: random.Random, count: int, low: float, high: float) -> list[float]:
    """Evenly spread values in [low, high] in random order: every demo shows the whole range."""
    values = [low + (high - low) * (k + 0.5) / count for k in range(count)]
    rng.shuffle(values)
    return values


def _organisation(rng: random.Random, users: int) -> _Org:
    """People with their traits, and the companies with their key account managers."""
    split = _split(users)
    taken = {"admin", "mette", "jonas"}
    people: list[_Person] = []
    fixed = {
        "Ledelse": ("admin", "Karen Holm"),
        "Salg": ("mette", "Mette Kristensen"),
        "Support": ("jonas", "Jonas Nielsen"),
    }
    used_names = {name for _, name in fixed.values()}
    for profile in PROFILES:
        for k in range(split[profile]):
            if k == 0:
                login, name = fixed[profile]
            else:
                while True:
                    first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
                    name = f"{first} {last}"
                    if name not in used_names or len(used_names) > 2000:
                        break
                used_names.add(name)
                login = _login_for(first, last, taken)
            person = _Person(login, name, profile, busy=rng.uniform(0.6, 1.4))
            if login == "admin":
                person.role = "admin"
            people.append(person)
    # A few former colleagues (not the three demo logins): inactive, history only.
    others = [p for p in people if p.login not in DEMO_LOGINS]
    for person in rng.sample(others, min(len(others), users // 25)):
        person.active = False
    salg = [p for p in people if p.profile == "Salg"]
    for person, coverage in zip(salg, _spread(rng, len(salg), 0.3, 1.0), strict=True):
        person.coverage = coverage
        person.win_rate = rng.uniform(0.25, 0.65)
    for person in people:
        person.slack = 0.0 if rng.random() < 0.35 else rng.uniform(0.05, 0.45)

    company_count = COMPANIES_PER_USER * users
    names = _company_names(rng, company_count)
    company_names = {1001 + k: name for k, name in enumerate(names)}
    ids = list(company_names)
    customers = [cid for cid in ids if rng.random() < CUSTOMER_SHARE]
    customer_set = set(customers)
    prospects = [cid for cid in ids if cid not in customer_set]
    managers = [p for p in salg if p.active] or salg
    weights = [p.busy for p in managers]
    for cid in customers:
        rng.choices(managers, weights)[0].customers.append(cid)
    for person in managers:
        order = list(person.customers)
        rng.shuffle(order)
        person.covered = sorted(order[: round(person.coverage * len(order))])
    return _Org(people, customers, prospects, company_names)


def _company_names(rng: random.Random, count: int) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    for _ in range(count):
        for _attempt in range(6):
            pattern = rng.random()
            if pattern < 0.5:
                name = f"{rng.choice(PLACES)} {rng.choice(TRADES)} {rng.choice(LEGAL_FORMS)}"
            elif pattern < 0.8:
                name = f"{rng.choice(SURNAMES)} {rng.choice(TRADES)} {rng.choice(LEGAL_FORMS)}"
            else:
                first, second = rng.sample(SURNAMES, 2)
                name = f"{first} & {second} {rng.choice(LEGAL_FORMS)}"
            if name not in seen:
                break
        seen.add(name)
        names.append(name)
    return names


def _write_users(path: Path, org: _Org) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["login", "name", "email", "role", "active", "profile"])
        for p in org.people:
            email = f"{p.login}@{EMAIL_DOMAIN}"
            writer.writerow([p.login, p.name, email, p.role, str(p.active).lower(), p.profile])


def _write_companies(path: Path, org: _Org) -> None:
    manager = {cid: p.login for p in org.people for cid in p.customers}
    customers = set(org.customers)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "is_customer", "key_account_manager"])
        for cid, name in org.company_names.items():
            writer.writerow([cid, name, str(cid in customers).lower(), manager.get(cid, "")])


# --- activities -----------------------------------------------------------------------------


def _allocate(total: int, weights: Sequence[float]) -> list[int]:
    """Split `total` in proportion to `weights`, exactly (largest remainder)."""
    whole = sum(weights) or 1.0
    shares = [total * w / whole for w in weights]
    counts = [math.floor(s) for s in shares]
    order = sorted(range(len(shares)), key=lambda k: shares[k] - counts[k], reverse=True)
    for k in order[: total - sum(counts)]:
        counts[k] += 1
    return counts


def _weekday(day: dt.date, first: dt.date, last: dt.date) -> dt.date:
    """Move a weekend day to the nearest weekday inside [first, last]."""
    weekday = day.weekday()
    if weekday == 5:
        day -= dt.timedelta(days=1)
    elif weekday == 6:
        day += dt.timedelta(days=1)
    if day > last:
        day -= dt.timedelta(days=3)
    if day < first:
        day += dt.timedelta(days=3)
    return day


@dataclass
class _Slot:
    day: dt.date
    type: str
    status: str = "done"
    company: int | None = None


def _write_activities(
    rng: random.Random,
    history: random.Random,
    org: _Org,
    as_of: dt.date,
    total: int,
    act_file: TextIO,
    part_file: TextIO,
    progress: DemoProgress | None,
) -> None:
    activities = csv.writer(act_file)
    participants = csv.writer(part_file)
    activities.writerow(
        ["id", "type", "status", "start_at", "end_at", "company_id", "owner", "created_at",
         "completed_at"]
    )  # fmt: skip
    participants.writerow(["activity_id", "login"])
    weights = [PROFILE_WEIGHT[p.profile] * p.busy * (1.0 if p.active else 0.5) for p in org.people]
    per_person = _allocate(total, weights)
    active = [p for p in org.people if p.active]
    colleagues = {
        "Salg": [p.login for p in active if p.profile in ("Salg", "Ledelse")],
        "Support": [p.login for p in active if p.profile in ("Support", "Salg")],
        "Ledelse": [p.login for p in active if p.profile in ("Salg", "Ledelse")],
    }
    next_id = 100_001
    for done, (person, count) in enumerate(zip(org.people, per_person, strict=True)):
        slots = _slots(rng, org, person, as_of, count)
        for slot in slots:
            start, end = _times(rng, slot)
            created, completed = _history(history, slot, start, as_of, person.slack)
            activities.writerow(
                [next_id, slot.type, slot.status, start, end, slot.company or "", person.login,
                 created, completed]
            )  # fmt: skip
            participants.writerow([next_id, person.login])
            extra = _extra_participants(rng, slot.type)
            if extra:
                pool = [login for login in colleagues[person.profile] if login != person.login]
                for login in rng.sample(pool, min(extra, len(pool))):
                    participants.writerow([next_id, login])
            next_id += 1
        if progress is not None:
            progress("generating", done + 1, len(org.people))


def _slots(
    rng: random.Random, org: _Org, person: _Person, as_of: dt.date, count: int
) -> list[_Slot]:
    """One person's activities: days, types, statuses, companies, consistent with their traits."""
    first = as_of - dt.timedelta(days=DAYS_BACK)
    last = as_of + dt.timedelta(days=DAYS_AHEAD - 1)
    if not person.active:
        last = as_of - dt.timedelta(days=366)  # left the company a year ago
    span = (last - first).days + 1
    mix = TYPE_MIX[person.profile]
    slots: list[_Slot] = []
    for k in range(count):
        # Jittered, evenly spaced days: a steady workload without chance clumps of meetings.
        offset = int((k + rng.random()) * span / count)
        day = _weekday(first + dt.timedelta(days=offset), first, last)
        slots.append(_Slot(day, rng.choices(ACTIVITY_TYPES, mix)[0]))
    slots.sort(key=lambda s: s.day)

    window = as_of - dt.timedelta(days=COVERAGE_DAYS)
    overdue_from = as_of - dt.timedelta(days=OVERDUE_DAYS)
    for slot in slots:
        if slot.day >= as_of:
            slot.status = "planned"
        elif slot.type == "E-mail":
            slot.status = "done"
        elif slot.type == "Opgave" and slot.day >= overdue_from and rng.random() < person.slack:
            slot.status = "planned"  # overdue
        else:
            slot.status = "cancelled" if rng.random() < 0.08 else "done"

    meetings: list[_Slot] = []  # done sales meetings in the coverage window
    if person.profile == "Salg" and person.covered:
        meetings = [
            s
            for s in slots
            if window <= s.day < as_of and s.type == "Salgsmøde" and s.status == "done"
        ]
        spare = [
            s
            for s in slots
            if window <= s.day < as_of and s.type != "Salgsmøde" and s.status == "done"
        ]
        rng.shuffle(spare)
        while len(meetings) < len(person.covered) and spare:
            slot = spare.pop()
            slot.type = "Salgsmøde"
            meetings.append(slot)
        if len(meetings) < len(person.covered):
            person.covered = person.covered[: len(meetings)]
        targets = list(person.covered)
        rng.shuffle(targets)
        for slot, company in zip(meetings, targets, strict=False):
            slot.company = company
        for slot in meetings[len(targets) :]:
            slot.company = rng.choice(person.covered)

    for slot in slots:
        if slot.company is not None:
            continue
        if person.profile == "Salg":
            in_window = window <= slot.day < as_of and slot.status == "done"
            if slot.type == "Salgsmøde" and in_window:
                # A done meeting in the window at a customer would change the coverage.
                slot.company = rng.choice(org.prospects) if org.prospects else None
            elif person.customers and rng.random() < 0.75:
                slot.company = rng.choice(person.customers)
            elif org.prospects:
                slot.company = rng.choice(org.prospects)
        elif org.customers and rng.random() < 0.85:
            slot.company = rng.choice(org.customers)
        elif org.prospects and slot.type != "Opgave":
            slot.company = rng.choice(org.prospects)
    return slots


def _times(rng: random.Random, slot: _Slot) -> tuple[str, str]:
    """Local start and end as the CRM exports them (naive, the installation's time zone)."""
    if slot.type == "Salgsmøde":
        hour, minute, length = rng.randint(8, 15), rng.choice((0, 30)), rng.choice((60, 90))
    elif slot.type == "Telefonmøde":
        hour, minute, length = rng.randint(8, 16), rng.choice((0, 15, 30, 45)), 30
    elif slot.type == "Opgave":
        hour, minute, length = rng.randint(8, 15), 0, 0
    else:
        hour, minute, length = rng.randint(8, 16), rng.randrange(60), 0
    start = dt.datetime.combine(slot.day, dt.time(hour, minute))
    end = (start + dt.timedelta(minutes=length)).strftime("%Y-%m-%d %H:%M") if length else ""
    return start.strftime("%Y-%m-%d %H:%M"), end


# How far ahead each type is put in the CRM (days, fewest to most) and how long after its time
# a done one is ticked off at the latest (minutes; tasks also up to two days early).
BOOKED_AHEAD = {"Salgsmøde": (7, 42), "Telefonmøde": (1, 14), "Opgave": (0, 14), "E-mail": (0, 0)}
TICKED_OFF = {"Salgsmøde": 2 * 1440, "Telefonmøde": 1440, "Opgave": 3 * 1440, "E-mail": 0}


def _history(
    rng: random.Random, slot: _Slot, start_text: str, as_of: dt.date, slack: float
) -> tuple[str, str]:
    """When the activity was put in the CRM and when it was marked done or cancelled (local).

    Meetings are booked one to six weeks ahead, calls and tasks up to two; an e-mail is logged
    when it is sent. Done activities are ticked off within a day or two (tasks sometimes
    early; a person who lets tasks slip, `slack`, leaves some open for weeks), cancellations
    come between the booking and the planned time. Nothing happened after the night of
    `as_of` began, so today's numbers are exactly what the statuses say, while a backfill
    sees each past night's planned meetings and open tasks as they were.
    """
    fmt = "%Y-%m-%d %H:%M"
    start = dt.datetime.strptime(start_text, fmt)
    night = dt.datetime.combine(as_of, dt.time())
    fewest, most = BOOKED_AHEAD[slot.type]
    created = start - dt.timedelta(minutes=rng.randint(fewest * 1440, most * 1440 + 480))
    created = min(created, night - dt.timedelta(minutes=rng.randint(1, 900)))
    if slot.status == "done":
        late = TICKED_OFF[slot.type]
        early = -2 * 1440 if slot.type == "Opgave" else 15 if late else 0
        if slot.type == "Opgave" and rng.random() < slack:
            early, late = 3 * 1440, OVERDUE_DAYS * 1440  # a task left lying for a while
        completed = start + dt.timedelta(minutes=rng.randint(min(early, late), late))
        completed = min(max(completed, created), night - dt.timedelta(minutes=1))
    elif slot.status == "cancelled":
        completed = created + (min(start, night) - created) * rng.random()
    else:
        return created.strftime(fmt), ""
    return created.strftime(fmt), max(completed, created).strftime(fmt)


def _extra_participants(rng: random.Random, kind: str) -> int:
    draw = rng.random()
    if kind == "Salgsmøde":
        return 2 if draw < 0.05 else 1 if draw < 0.28 else 0
    if kind == "Telefonmøde":
        return 1 if draw < 0.12 else 0
    return 0


# --- opportunities --------------------------------------------------------------------------


def _write_opportunities(
    rng: random.Random, org: _Org, as_of: dt.date, activities: int, path: Path
) -> None:
    sellers = [p for p in org.people if p.profile == "Salg"]
    count = max(10 * len(sellers), activities // 20)
    per_seller = _allocate(count, [p.busy * (1.0 if p.active else 0.3) for p in sellers])
    header = ["id", "name", "company_id", "owner", "amount", "stage", "created_at"]
    header += ["expected_close", "closed_at"]
    next_id = 5001
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for person, number in zip(sellers, per_seller, strict=True):
            for _ in range(number):
                writer.writerow([next_id, *_opportunity(rng, org, person, as_of)])
                next_id += 1


def _opportunity(rng: random.Random, org: _Org, person: _Person, as_of: dt.date) -> list[Any]:
    latest = -1 if person.active else -366
    created_day = as_of + dt.timedelta(days=rng.randint(-DAYS_BACK, latest))
    created_day = _weekday(created_day, as_of - dt.timedelta(days=DAYS_BACK), as_of)
    if created_day >= as_of:
        created_day = as_of - dt.timedelta(days=3)
    created = dt.datetime.combine(created_day, dt.time(rng.randint(8, 16), rng.randrange(60)))
    cycle = rng.randint(14, 150)
    decided = created_day + dt.timedelta(days=cycle)
    if person.customers and rng.random() < 0.7:
        company: int | None = rng.choice(person.customers)
    else:
        company = rng.choice(org.prospects) if org.prospects else None
    name = f"{rng.choice(PRODUCTS)} – {org.company_names[company]}" if company else "Ny aftale"
    amount = min(5_000_000, max(5_000, round(math.exp(rng.gauss(math.log(120_000), 0.8)), -3)))
    stale = rng.random() < 0.05
    if decided < as_of and not stale:
        closed_day = _weekday(decided, created_day, as_of - dt.timedelta(days=1))
        closed = dt.datetime.combine(closed_day, dt.time(rng.randint(8, 16), rng.randrange(60)))
        stage = "won" if rng.random() < person.win_rate else "lost"
        expected = closed_day + dt.timedelta(days=rng.randint(-20, 20))
        closed_text = closed.strftime("%Y-%m-%d %H:%M")
    else:
        stage, expected, closed_text = "open", decided, ""
    return [
        name[:300],
        company or "",
        person.login,
        f"{amount:.2f}",
        stage,
        created.strftime("%Y-%m-%d %H:%M"),
        expected.isoformat(),
        closed_text,
    ]
