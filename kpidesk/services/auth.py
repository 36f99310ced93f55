"""Logins and passwords: argon2 hashes, one calm failure message, a growing delay.

Nothing here tells a caller whether a login exists: an unknown login, a user without a
password, a wrong password and an inactive user all fail with the same `LoginFailed`
message, after a hash verification of the same cost and the same growing delay.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import literal_column, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from kpidesk.data.db import Database, DatabaseError, has_server_roles, normalise_url, upgrade
from kpidesk.data.models import User
from kpidesk.data.pgroles import SET_PASSWORD_FUNCTION, scram_verifier
from kpidesk.domain.names import name_key
from kpidesk.domain.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from kpidesk.services.audit import record
from kpidesk.services.caller import Caller, PermissionDenied, checked

# Delay after the n-th consecutive failure of one login: 0.5 s, 1 s, 2 s, 4 s, then 5 s.
FIRST_DELAY_S = 0.5
MAX_DELAY_S = 5.0
# Serialises concurrent "first administrator" set-ups on a shared PostgreSQL database.
FIRST_ADMIN_LOCK_KEY = 0x6B706964_61646D6E

LOGIN_FAILED_MESSAGE = "The login or the password is not right."

SleepFn = Callable[[float], None]

_hasher = PasswordHasher()
_dummy_hash: str | None = None
_dummy_lock = threading.Lock()
_failures: dict[str, int] = {}
_failures_lock = threading.Lock()


class LoginFailed(Exception):
    """The one message for every failed login; it never says why."""

    def __init__(self) -> None:
        super().__init__(LOGIN_FAILED_MESSAGE)


class PasswordPolicyError(ValueError):
    """The new password is refused; the message says what to change."""


class LoginTaken(PasswordPolicyError):
    """The first administrator must be a new login (or an imported one without a password)."""


class UnknownLogin(LookupError):
    """No user has this login (said only to administrators and the command line)."""


class FirstAdminExists(PermissionError):
    """The first administrator can be created only while no administrator can log in."""


@dataclass(frozen=True)
class Account:
    """Who is logged in, as the status bar shows it."""

    login: str
    name: str
    role: str
    profile: str | None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def prepare_decoy() -> str:
    """The hash verified when a login has none, built once and before any verification.

    Building it costs as much as a verification; were it built on first use, the first
    failed login of a process would take visibly longer for an unknown login than for a
    wrong password. `authenticate` builds it before looking anyone up, and the login
    dialog builds it in the background as soon as it opens.
    """
    global _dummy_hash
    with _dummy_lock:
        if _dummy_hash is None:
            _dummy_hash = _hasher.hash("kpidesk-no-such-user")
        return _dummy_hash


def _dummy() -> str:
    return prepare_decoy()


def _verify(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _dummy(), password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def failure_delay(failures: int) -> float:
    """Seconds to wait after the `failures`-th consecutive failure of one login."""
    if failures <= 0:
        return 0.0
    return min(FIRST_DELAY_S * 2.0 ** (failures - 1), MAX_DELAY_S)


def _key(login: str) -> str:
    return name_key(login)


def reset_failures() -> None:
    """Forget every counter (a new process starts with none; tests start clean)."""
    with _failures_lock:
        _failures.clear()


def find_user(session: Session, login: str) -> User | None:
    """The user of a login: the exact spelling first, else the one match by `name_key`.

    Compared in Python, not with SQL `lower()`: SQLite folds ASCII only, so `ØSTER` and
    `øster` would be one login on PostgreSQL and two on SQLite.
    """
    login = login.strip()
    if not login:
        return None
    user = session.scalar(select(User).where(User.login == login))
    if user is not None:
        return user
    key = name_key(login)
    ids = [
        i for i, stored in session.execute(select(User.id, User.login)) if name_key(stored) == key
    ]
    return session.get(User, ids[0]) if len(ids) == 1 else None


def authenticate(db: Database, login: str, password: str, *, sleep: SleepFn = time.sleep) -> Caller:
    """Check a login; raise `LoginFailed` (always the same message) when it is not right.

    Call it off the GUI thread: hashing takes a moment and failures sleep on purpose.
    """
    prepare_decoy()  # before the lookup, so no path pays for it alone
    with db.session() as session:
        user = find_user(session, login)
        stored = user.password_hash if user is not None else None
        ok = _verify(stored, password) and user is not None and user.active
        caller = Caller(login=user.login, role=user.role, user_id=user.id) if ok and user else None
        needs_rehash = bool(ok and stored and _hasher.check_needs_rehash(stored))
    if caller is None:
        with _failures_lock:
            count = _failures.get(_key(login), 0) + 1
            _failures[_key(login)] = count
        sleep(failure_delay(count))
        raise LoginFailed()
    with _failures_lock:
        _failures.pop(_key(login), None)
    if needs_rehash:
        with db.session(write=True) as session:
            fresh = session.get(User, caller.user_id)
            if fresh is not None:
                fresh.password_hash = hash_password(password)
    return caller


def server_login_url(url: str | None) -> bool:
    """Whether a URL asks for logins through the PostgreSQL server: it names no user.

    That is how a shared installation with `kpidesk db roles` is meant to be reached from
    desktops: `postgresql://dbhost/kpidesk`, no user, no password in any file.
    """
    if not url:
        return False
    try:
        parsed = make_url(normalise_url(url))
    except DatabaseError:
        return False
    return parsed.get_backend_name() == "postgresql" and not parsed.username


_SERVER_REFUSALS = (
    "password authentication failed",
    "does not exist",
    "is not permitted to log in",
    "no password supplied",
    "permission denied for database",
)


def server_login(
    url: str, login: str, password: str, *, sleep: SleepFn = time.sleep
) -> tuple[Database, Caller]:
    """Log in as one's own PostgreSQL role: the server checks the password (SCRAM).

    Returns the database connected as that role and the caller; `LoginFailed` (the same
    message and delay as ever) when the server refuses or the role is no active kpidesk user.
    """
    prepare_decoy()
    login = login.strip()
    parsed = make_url(normalise_url(url))
    db: Database | None = None
    caller: Caller | None = None
    if login and not any(ch.isspace() for ch in login) and len(login) <= 100:
        db = Database(parsed.set(username=login, password=password).render_as_string(False))
        db.login_role = login
        try:
            with db.session() as session:
                row = session.execute(
                    select(User.id, User.login, User.role, User.active).where(
                        User.login == literal_column("session_user")
                    )
                ).one_or_none()
            if row is not None and row.active:
                caller = Caller(login=row.login, role=row.role, user_id=row.id)
                upgrade(db)  # at head: nothing; else one line asking IT to upgrade
        except DatabaseError as exc:
            cause = str(exc.__cause__ or exc)
            if not any(refusal in cause for refusal in _SERVER_REFUSALS):
                db.dispose()
                raise
    if caller is None:
        if db is not None:
            db.dispose()
        with _failures_lock:
            count = _failures.get(_key(login), 0) + 1
            _failures[_key(login)] = count
        sleep(failure_delay(count))
        raise LoginFailed()
    assert db is not None
    with _failures_lock:
        _failures.pop(_key(login), None)
    return db, caller


def check_policy(password: str, login: str = "") -> None:
    """Raise `PasswordPolicyError` for a password too short, too long or equal to the login."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordPolicyError(
            f"the password must have at least {MIN_PASSWORD_LENGTH} characters"
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise PasswordPolicyError(
            f"the password must have at most {MAX_PASSWORD_LENGTH} characters"
        )
    if not password.strip():
        raise PasswordPolicyError("the password must not be only spaces")
    if login and password.strip().casefold() == login.strip().casefold():
        raise PasswordPolicyError("the password must not be the login")


@checked
def set_password(
    db: Database, caller: Caller, login: str, password: str, *, enforce_policy: bool = True
) -> None:
    """Set a user's password: an administrator for anyone, a user only for themselves.

    `enforce_policy=False` is for the demo set-up, whose documented password is `demo`.
    """
    with db.session(write=True) as session:
        user = session.scalar(select(User).where(User.login == login.strip()))
        if not caller.is_admin and (user is None or user.id != caller.user_id):
            raise PermissionDenied("you may only change your own password")
        if user is None:
            raise UnknownLogin(f"no user has the login {login.strip()!r}")
        if enforce_policy:
            check_policy(password, user.login)
        if has_server_roles(db):
            # The server's password (its function checks the rights and writes the audit).
            session.execute(
                text(f"SELECT {SET_PASSWORD_FUNCTION}(:login, :verifier)"),
                {"login": user.login, "verifier": scram_verifier(password)},
            )
        else:
            user.password_hash = hash_password(password)
            record(
                session, actor=caller.login, action="set_password", entity="user", key=user.login
            )
    with _failures_lock:
        _failures.pop(_key(login), None)


@checked
def has_login(db: Database, caller: Caller, login: str) -> bool:
    """Whether a login exists (administrators only: users must not learn who exists)."""
    caller.require_admin()
    with db.session() as session:
        return session.scalar(select(User.id).where(User.login == login.strip())) is not None


def _anyone_can_log_in(session: Session) -> bool:
    query = select(User.id).where(User.active.is_(True), User.password_hash.is_not(None))
    return session.scalar(query.limit(1)) is not None


def needs_first_admin(db: Database) -> bool:
    """Whether nobody can log in yet (a new installation): then the app asks for the first
    administrator. Once anyone can log in, only an administrator or `kpidesk passwd` (IT,
    with the database's own rights) can make another; an import cannot demote the last one.
    Never through a server login: there IT makes the first one (`kpidesk passwd`).
    """
    if db.login_role is not None:
        return False
    with db.session() as session:
        return not _anyone_can_log_in(session)


def create_first_admin(db: Database, login: str, name: str, password: str) -> Caller:
    """Create the first administrator on a new installation, and log them in.

    Refused once anybody can log in, so it cannot be used to take over an installation, and
    refused for a login that already has a password (it never takes over an account); an
    imported login that has none yet may become the administrator. Checked inside the
    writing transaction, under a lock on PostgreSQL.
    """
    login = login.strip()
    name = name.strip()
    if not login:
        raise PasswordPolicyError("the login must not be empty")
    if len(login) > 100 or any(ch.isspace() for ch in login):
        raise PasswordPolicyError("the login must be one word of at most 100 characters")
    check_policy(password, login)
    with db.session(write=True) as session:
        if db.dialect == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": FIRST_ADMIN_LOCK_KEY})
        if _anyone_can_log_in(session):
            raise FirstAdminExists("an administrator already exists: log in as them")
        user = session.scalar(select(User).where(User.login == login))
        if user is not None and user.password_hash is not None:
            raise LoginTaken(f"the login {login!r} belongs to an existing account: choose another")
        if user is None:
            user = User(login=login, name=name or login, role="admin", active=True)
            session.add(user)
        else:
            user.role = "admin"
            user.active = True
            if name:
                user.name = name
        user.password_hash = hash_password(password)
        session.flush()
        record(session, actor=login, action="create_first_admin", entity="user", key=login)
        return Caller(login=user.login, role="admin", user_id=user.id)


@checked
def account(db: Database, caller: Caller) -> Account:
    """The logged-in person's name, role and profile (for the status bar and title)."""
    with db.session() as session:
        user = session.get(User, caller.user_id) if caller.user_id is not None else None
        if user is None:
            return Account(login=caller.login, name=caller.login, role=caller.role, profile=None)
        profile = user.profile.name if user.profile is not None else None
        return Account(login=user.login, name=user.name or user.login, role=user.role,
                       profile=profile)  # fmt: skip
