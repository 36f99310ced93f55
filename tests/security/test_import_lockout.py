"""An import can never lock the administrators out or hand over an account."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from kpidesk.cli.main import main
from kpidesk.data.db import Database
from kpidesk.data.models import User
from kpidesk.services import auth
from kpidesk.services.caller import SYSTEM_CLI

HEADER = "login,name,email,role,active,profile\n"
PASSWORD = "rigtig-kode"


class Importer:
    def __init__(self, db_url: str, tmp_path: Path) -> None:
        self.db_url, self.tmp_path, self.count = db_url, tmp_path, 0

    def __call__(self, rows: str, header: str = HEADER) -> int:
        self.count += 1
        folder = self.tmp_path / f"export{self.count}"
        folder.mkdir()
        (folder / "users.csv").write_text(header + rows, encoding="utf-8")
        return main(["--db", self.db_url, "import-crm", str(folder)])


def people(db: Database) -> dict[str, tuple[str, bool]]:
    with db.session() as session:
        return {u.login: (u.role, u.active) for u in session.scalars(select(User))}


@pytest.fixture
def installed(db_url: str, db: Database, tmp_path: Path) -> Importer:
    """Karen is the only administrator and can log in; Mette is a user who can too."""
    run = Importer(db_url, tmp_path)
    assert run("karen,Karen Holm,,admin,true,\nmette,Mette Sørensen,,user,true,Salg\n") == 0
    auth.set_password(db, SYSTEM_CLI, "karen", PASSWORD)
    auth.set_password(db, SYSTEM_CLI, "mette", PASSWORD)
    return run


def test_empty_role_and_active_keep_the_stored_values(installed: Importer, db: Database) -> None:
    assert installed("karen,Karen Holm,,,,\nmette,Mette S.,,,,Salg\nny,Ny Bruger,,,,\n") == 0
    assert people(db) == {
        "karen": ("admin", True), "mette": ("user", True), "ny": ("user", True),
    }  # fmt: skip
    # A file without the columns at all keeps them too.
    assert installed("karen,Karen H.,\n", header="login,name,email\n") == 0
    assert people(db)["karen"] == ("admin", True)
    assert installed("mette,Mette S.,,,false,Salg\n") == 0  # a real value still counts
    assert people(db)["mette"] == ("user", False)


@pytest.mark.parametrize(
    "row", ["karen,Karen Holm,,user,true,", "karen,Karen Holm,,admin,false,",
            "karen,Karen Holm,,user,,"],
    ids=["demoted", "deactivated", "demoted-active-empty"],
)  # fmt: skip
def test_the_last_administrator_cannot_be_removed(
    installed: Importer, db: Database, row: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = people(db)
    capsys.readouterr()
    assert installed(row + "\nny,Ny Bruger,,user,true,\n") == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    problem = [line for line in err.splitlines() if "administrator" in line]
    assert len(problem) == 1, err
    assert "no active administrator who can log in" in problem[0]
    assert "karen" in problem[0]
    assert people(db) == before  # all or nothing: "ny" was not added either
    assert auth.authenticate(db, "karen", PASSWORD, sleep=lambda _s: None).is_admin


def test_one_of_two_administrators_may_go(installed: Importer, db: Database) -> None:
    assert installed("anna,Anna Berg,,admin,true,\n") == 0
    auth.set_password(db, SYSTEM_CLI, "anna", PASSWORD)
    assert installed("karen,Karen Holm,,user,true,\n") == 0
    assert people(db)["karen"] == ("user", True)
    # An administrator without a password cannot log in: she does not count.
    assert installed("bo,Bo Ny,,admin,true,\n") == 0
    assert installed("anna,Anna Berg,,admin,false,\n") == 1
    assert people(db)["anna"] == ("admin", True)


def test_no_first_administrator_dialog_while_anyone_can_log_in(
    installed: Importer, db: Database
) -> None:
    """The take-over found in the probe: an empty role demoted the only administrator and
    every desktop then offered to re-enable `karen` with a new password."""
    assert installed("karen,Karen Holm,,,,\n") == 0
    assert not auth.needs_first_admin(db)
    with pytest.raises(auth.FirstAdminExists):
        auth.create_first_admin(db, "karen", "Karen", "ny-hemmelig-kode")
    with pytest.raises(auth.FirstAdminExists):
        auth.create_first_admin(db, "mette", "Mette", "ny-hemmelig-kode")
    with pytest.raises(auth.LoginFailed):
        auth.authenticate(db, "karen", "ny-hemmelig-kode", sleep=lambda _s: None)


def test_first_administrator_never_takes_over_an_account(db_url: str, db: Database,
                                                          tmp_path: Path) -> None:  # fmt: skip
    """Nobody can log in (the only account with a password is inactive): the set-up is
    offered, but not for that account; an imported login without a password may be used."""
    run = Importer(db_url, tmp_path)
    assert run("karen,Karen Holm,,admin,false,\nmette,Mette S.,,user,true,\n") == 0
    auth.set_password(db, SYSTEM_CLI, "karen", PASSWORD)
    assert auth.needs_first_admin(db)
    with pytest.raises(auth.LoginTaken, match="belongs to an existing account"):
        auth.create_first_admin(db, "karen", "Karen", "ny-hemmelig-kode")
    assert people(db)["karen"] == ("admin", False)
    caller = auth.create_first_admin(db, "mette", "", "ny-hemmelig-kode")
    assert caller.is_admin
    assert not auth.needs_first_admin(db)
