"""Logins and passwords on both backends: one message for every failure, growing delays."""

from __future__ import annotations

import getpass
import io
import subprocess
import sys
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from kpidesk.cli.main import main as cli_main
from kpidesk.data.db import Database
from kpidesk.data.models import AuditEntry, Profile, User
from kpidesk.services import auth
from kpidesk.services.caller import SYSTEM_CLI, Caller, PermissionDenied


@pytest.fixture(autouse=True)
def _clean_counters() -> Iterator[None]:
    auth.reset_failures()
    yield
    auth.reset_failures()


def add_user(db: Database, login: str, *, role: str = "user", active: bool = True,
             password: str | None = None, profile: str | None = None) -> int:  # fmt: skip
    with db.session(write=True) as session:
        prof = None
        if profile is not None:
            prof = session.scalar(select(Profile).where(Profile.name == profile))
            if prof is None:
                prof = Profile(name=profile)
        user = User(login=login, name=login.title(), role=role, active=active, profile=prof,
                    password_hash=auth.hash_password(password) if password else None)  # fmt: skip
        session.add(user)
        session.flush()
        return user.id


class Sleeps:
    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def test_right_password_logs_in(db: Database) -> None:
    user_id = add_user(db, "mette", password="rigtig-kode", profile="Salg")
    caller = auth.authenticate(db, "mette", "rigtig-kode", sleep=Sleeps())
    assert caller == Caller(login="mette", role="user", user_id=user_id)
    assert auth.account(db, caller) == auth.Account("mette", "Mette", "user", "Salg")


def test_login_is_case_insensitive_and_trimmed(db: Database) -> None:
    add_user(db, "jonas", password="rigtig-kode")
    assert auth.authenticate(db, "  Jonas ", "rigtig-kode", sleep=Sleeps()).login == "jonas"


def test_every_failure_has_the_same_message(db: Database) -> None:
    add_user(db, "mette", password="rigtig-kode")
    add_user(db, "imported")  # no password yet
    add_user(db, "left", password="rigtig-kode", active=False)
    messages = set()
    for login, password in [("mette", "forkert"), ("nobody", "rigtig-kode"),
                            ("imported", ""), ("imported", "x"), ("left", "rigtig-kode"),
                            ("", "")]:  # fmt: skip
        with pytest.raises(auth.LoginFailed) as info:
            auth.authenticate(db, login, password, sleep=Sleeps())
        messages.add(str(info.value))
    assert messages == {auth.LOGIN_FAILED_MESSAGE}


def test_failures_grow_the_delay_and_success_resets_it(db: Database) -> None:
    add_user(db, "mette", password="rigtig-kode")
    sleeps = Sleeps()
    for _ in range(6):
        with pytest.raises(auth.LoginFailed):
            auth.authenticate(db, "mette", "forkert", sleep=sleeps)
    assert sleeps.calls == [0.5, 1.0, 2.0, 4.0, 5.0, 5.0]
    with pytest.raises(auth.LoginFailed):  # the same login in other letters counts on
        auth.authenticate(db, "METTE", "forkert", sleep=sleeps)
    assert sleeps.calls[-1] == 5.0
    auth.authenticate(db, "mette", "rigtig-kode", sleep=sleeps)
    assert len(sleeps.calls) == 7  # success does not sleep
    with pytest.raises(auth.LoginFailed):
        auth.authenticate(db, "mette", "forkert", sleep=sleeps)
    assert sleeps.calls[-1] == 0.5


def test_unknown_login_is_delayed_like_a_known_one(db: Database) -> None:
    sleeps = Sleeps()
    for _ in range(3):
        with pytest.raises(auth.LoginFailed):
            auth.authenticate(db, "nobody", "whatever", sleep=sleeps)
    assert sleeps.calls == [0.5, 1.0, 2.0]


def test_set_password_by_admin_and_by_self(db: Database) -> None:
    admin_id = add_user(db, "admin", role="admin", password="admin-kode")
    mette_id = add_user(db, "mette")
    admin = Caller("admin", "admin", admin_id)
    auth.set_password(db, admin, "mette", "ny-kode-123")
    assert auth.authenticate(db, "mette", "ny-kode-123", sleep=Sleeps()).user_id == mette_id
    mette = Caller("mette", "user", mette_id)
    auth.set_password(db, mette, "mette", "endnu-en-kode")
    assert auth.authenticate(db, "mette", "endnu-en-kode", sleep=Sleeps()).login == "mette"
    with db.session() as session:
        actions = session.execute(
            select(AuditEntry.actor, AuditEntry.action, AuditEntry.entity_key).order_by(
                AuditEntry.id
            )
        ).all()
    assert [tuple(a) for a in actions] == [
        ("admin", "set_password", "mette"),
        ("mette", "set_password", "mette"),
    ]


def test_user_cannot_set_someone_elses_password(db: Database) -> None:
    add_user(db, "admin", role="admin", password="admin-kode")
    mette_id = add_user(db, "mette")
    mette = Caller("mette", "user", mette_id)
    with pytest.raises(PermissionDenied):
        auth.set_password(db, mette, "admin", "overtaget-kode")
    with pytest.raises(PermissionDenied):  # an unknown login looks the same to a user
        auth.set_password(db, mette, "nobody", "overtaget-kode")
    assert auth.authenticate(db, "admin", "admin-kode", sleep=Sleeps()).role == "admin"


def test_policy_and_unknown_login(db: Database) -> None:
    add_user(db, "mette")
    with pytest.raises(auth.PasswordPolicyError, match="at least 8"):
        auth.set_password(db, SYSTEM_CLI, "mette", "kort")
    with pytest.raises(auth.PasswordPolicyError, match="not be the login"):
        auth.set_password(db, SYSTEM_CLI, "mette", "METTE   ")
    with pytest.raises(auth.UnknownLogin):
        auth.set_password(db, SYSTEM_CLI, "nobody", "lang-nok-kode")
    auth.set_password(db, SYSTEM_CLI, "mette", "demo", enforce_policy=False)
    assert auth.authenticate(db, "mette", "demo", sleep=Sleeps()).login == "mette"


def test_first_admin_on_an_empty_database(db: Database) -> None:
    assert auth.needs_first_admin(db)
    with pytest.raises(auth.PasswordPolicyError):
        auth.create_first_admin(db, "boss", "Chefen", "kort")
    assert auth.needs_first_admin(db)
    caller = auth.create_first_admin(db, "boss", "Chefen", "hemmelig-kode")
    assert caller.is_admin and caller.login == "boss"
    assert not auth.needs_first_admin(db)
    assert auth.authenticate(db, "boss", "hemmelig-kode", sleep=Sleeps()) == caller
    with pytest.raises(auth.FirstAdminExists):
        auth.create_first_admin(db, "thief", "Tyv", "hemmelig-kode")
    with db.session() as session:
        assert session.scalar(select(User).where(User.login == "thief")) is None


def test_first_admin_promotes_an_imported_login(db: Database) -> None:
    add_user(db, "admin", role="admin")  # imported, no password: nobody can log in as admin
    add_user(db, "mette")
    assert auth.needs_first_admin(db)
    caller = auth.create_first_admin(db, "mette", "", "hemmelig-kode")
    assert caller.is_admin
    assert auth.account(db, caller).name == "Mette"
    assert not auth.needs_first_admin(db)


# --- `kpidesk passwd LOGIN` -------------------------------------------------------------------


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_passwd_reads_one_line_from_stdin(
    db: Database, db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    add_user(db, "mette")
    monkeypatch.setattr(sys, "stdin", io.StringIO("ny-kode-123\nignored\n"))
    assert cli_main(["passwd", "mette", "--db", db_url]) == 0
    assert "password of mette set" in capsys.readouterr().err
    assert auth.authenticate(db, "mette", "ny-kode-123", sleep=Sleeps()).login == "mette"


def test_passwd_errors_are_one_line(
    db: Database, db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    add_user(db, "mette")
    monkeypatch.setattr(sys, "stdin", io.StringIO("kort\n"))
    assert cli_main(["passwd", "mette", "--db", db_url]) == 1
    err = capsys.readouterr().err
    assert err == "kpidesk: error: the password must have at least 8 characters\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO("lang-nok-kode\n"))
    assert cli_main(["passwd", "nobody", "--db", db_url]) == 1
    assert capsys.readouterr().err == "kpidesk: error: no user has the login 'nobody'\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert cli_main(["passwd", "mette", "--db", db_url]) == 1
    assert "no password on standard input" in capsys.readouterr().err
    with db.session() as session:
        assert session.scalar(select(User.password_hash).where(User.login == "mette")) is None


def test_passwd_asks_twice_on_a_terminal(
    db: Database, db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    add_user(db, "mette")
    monkeypatch.setattr(sys, "stdin", FakeTerminal())
    answers = iter(["første-kode", "anden-kode", "samme-kode", "samme-kode"])
    prompts: list[str] = []

    def fake_getpass(prompt: str = "") -> str:
        prompts.append(prompt)
        return next(answers)

    monkeypatch.setattr(getpass, "getpass", fake_getpass)
    assert cli_main(["passwd", "mette", "--db", db_url]) == 1
    assert "the two passwords differ" in capsys.readouterr().err
    assert cli_main(["passwd", "mette", "--db", db_url]) == 0
    assert prompts == ["New password for mette: ", "Repeat the new password: "] * 2
    assert auth.authenticate(db, "mette", "samme-kode", sleep=Sleeps()).login == "mette"


def test_passwd_in_a_real_process(db: Database, db_url: str) -> None:
    add_user(db, "jonas")
    command = [sys.executable, "-m", "kpidesk", "--db", db_url, "passwd", "jonas"]
    done = subprocess.run(command, input="proces-kode-1\n", capture_output=True, text=True,
                          timeout=120, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert auth.authenticate(db, "jonas", "proces-kode-1", sleep=Sleeps()).login == "jonas"
    command[-1] = "ghost"
    done = subprocess.run(command, input="proces-kode-1\n", capture_output=True, text=True,
                          timeout=120, check=False)  # fmt: skip
    assert done.returncode == 1
    assert done.stderr == "kpidesk: error: no user has the login 'ghost'\n"


def test_two_first_admins_at_once_make_one(db_url: str) -> None:
    """Two desktops creating the first administrator at the same moment: one wins."""
    import threading

    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def create(login: str) -> None:
        own = Database(db_url)  # each desktop has its own connections
        try:
            barrier.wait(timeout=30)
            auth.create_first_admin(own, login, login.title(), "hemmelig-kode")
            outcomes[login] = "created"
        except auth.FirstAdminExists:
            outcomes[login] = "refused"
        finally:
            own.dispose()

    threads = [threading.Thread(target=create, args=(name,)) for name in ("anna", "bent")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes.values()) == ["created", "refused"]
    db = Database(db_url)
    try:
        with db.session() as session:
            admins = session.scalars(select(User.login).where(User.role == "admin")).all()
    finally:
        db.dispose()
    assert len(admins) == 1


def test_decoy_hash_is_built_before_any_verification(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A wrong password as the process's first attempt pays for the decoy just like an
    unknown login would: it is built before the user is looked up, whatever follows."""
    add_user(db, "mette", password="rigtig-kode")
    monkeypatch.setattr(auth, "_dummy_hash", None)
    built_before_lookup: list[bool] = []
    real_find = auth.find_user

    def spy(session, login):  # type: ignore[no-untyped-def]
        built_before_lookup.append(auth._dummy_hash is not None)
        return real_find(session, login)

    monkeypatch.setattr(auth, "find_user", spy)
    with pytest.raises(auth.LoginFailed):
        auth.authenticate(db, "mette", "forkert", sleep=Sleeps())
    assert built_before_lookup == [True]
    first = auth._dummy_hash
    with pytest.raises(auth.LoginFailed):
        auth.authenticate(db, "nobody", "forkert", sleep=Sleeps())
    assert auth._dummy_hash == first  # built once
