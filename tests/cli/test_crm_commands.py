"""`kpidesk import-crm DIR` and `kpidesk demo`: exit codes, messages, a real subprocess run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kpidesk.cli.main import main
from kpidesk.data.db import Database
from kpidesk.data.models import Activity, User
from tests.data.test_importer import base_export, snapshot, write


def test_import_crm_prints_counts_per_file(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = base_export(tmp_path / "export")
    assert main(["--db", db_url, "import-crm", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "users.csv: 3 rows (UTF-8, ','): 3 inserted, 0 updated, 0 unchanged" in out
    assert "activity_participants.csv: 4 rows (UTF-8, ','): 4 inserted" in out
    assert "profiles created: Salg, Support" in out
    assert main(["import-crm", str(folder), "--db", db_url]) == 0
    again = capsys.readouterr().out
    assert "activities.csv: 3 rows (UTF-8, ','): 0 inserted, 0 updated, 3 unchanged" in again


def test_import_crm_names_the_windows_1252_encoding(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "export"
    write(folder, "users.csv", "login;name;email\nsoeren;Søren Ærø;s@x.dk\n", encoding="cp1252")
    assert main(["--db", db_url, "import-crm", str(folder)]) == 0
    assert "users.csv: 1 rows (Windows-1252, ';'): 1 inserted" in capsys.readouterr().out


def test_import_crm_lists_every_error_and_changes_nothing(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", db_url, "import-crm", str(base_export(tmp_path / "good"))]) == 0
    capsys.readouterr()
    db = Database(db_url)
    before = snapshot(db)
    folder = tmp_path / "bad"
    write(
        folder,
        "activities.csv",
        "id,type,status,start_at,owner\n"
        "10,Salgsmøde,done,2026-12-01 10:00,anna\n"
        "11,Opgave,later,2026-11-02 09:00,bo\n"
        "12,Opgave,done,yesterday,nobody\n",
    )
    assert main(["--db", db_url, "import-crm", str(folder)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        "activities.csv:3: status: unknown value 'later': use one of planned, done, cancelled",
        "activities.csv:4: start_at: invalid date-time 'yesterday': use ISO 8601, "
        "e.g. 2026-03-14 09:30, 2026-03-14T09:30:00+01:00 or a plain date 2026-03-14 (00:00)",
        "activities.csv:4: owner: unknown user 'nobody' (neither in users.csv nor in the database)",
        "kpidesk: error: import aborted, nothing was changed: 3 errors",
    ]
    assert snapshot(db) == before
    db.dispose()


def test_import_crm_missing_folder_is_one_line(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", db_url, "import-crm", str(tmp_path / "nowhere")]) == 1
    err = capsys.readouterr().err
    assert err == f"kpidesk: error: {tmp_path / 'nowhere'}: folder not found\n"


def _kpidesk() -> str:
    return str(Path(sys.executable).with_name("kpidesk"))


def test_import_crm_as_a_real_process(db_url: str, tmp_path: Path) -> None:
    folder = base_export(tmp_path / "export")
    env = {**os.environ, "KPIDESK_DATABASE_URL": db_url}
    done = subprocess.run(
        [_kpidesk(), "import-crm", str(folder)], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    assert "opportunities.csv: 2 rows (UTF-8, ','): 2 inserted" in done.stdout
    assert done.stderr == ""  # no progress bar when stderr is not a terminal
    write(folder, "companies.csv", "id,name,is_customer\n1,X,perhaps\n")
    failed = subprocess.run(
        [_kpidesk(), "import-crm", str(folder)], capture_output=True, text=True, env=env
    )
    assert failed.returncode == 1
    assert "Traceback" not in failed.stderr
    assert failed.stderr.splitlines()[0].startswith("companies.csv:2: is_customer: invalid boolean")


def test_demo_fills_an_empty_database_and_refuses_a_second_time(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--db", db_url, "demo", "--users", "6", "--activities", "400", "--as-of", "2026-03-30"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "activities.csv: 400 rows (UTF-8, ','): 400 inserted" in out
    assert "login mette: Mette Kristensen" in out
    db = Database(db_url)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(User)) == 6
        assert s.scalar(select(func.count()).select_from(Activity)) == 400
    before = snapshot(db)
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("kpidesk: error: database ")
    assert "already holds CRM data (6 users, 120 companies, 400 activities)" in err
    assert len(err.splitlines()) == 1
    assert snapshot(db) == before
    db.dispose()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--users", "2"], "must be at least 3"),
        (["--activities", "-1"], "must be at least 0"),
        (["--as-of", "30-03-2026"], "invalid date '30-03-2026'"),
    ],
)
def test_demo_rejects_bad_options(
    args: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--db", f"sqlite:///{tmp_path / 'x.sqlite3'}", "demo", *args])
    assert info.value.code == 2
    assert message in capsys.readouterr().err


def test_import_crm_with_a_mapping_check_writes_nothing(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.data.test_mapping import crm_export, mapping_file

    export = crm_export(tmp_path / "export")
    mapping = str(mapping_file(tmp_path))
    args = ["--db", db_url, "import-crm", str(export), "--mapping", mapping]
    assert main([*args, "--check"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("mapping Test CRM: checked, nothing was written\n")
    assert "activities.csv from Meetings.csv, Calls_2017.csv: 3 of 3 rows map" in out
    assert "  left out: 1 rows (Deleted = '1')" in out
    db = Database(db_url)
    try:
        with db.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(User)) == 0
        assert main(args) == 0
        assert "companies.csv from Accounts.csv: 3 rows" in capsys.readouterr().out
        with db.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(Activity)) == 3
    finally:
        db.dispose()


def test_a_broken_mapping_is_one_line_per_problem(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.data.test_mapping import crm_export, mapping_file

    export = crm_export(tmp_path / "export")
    mapping = mapping_file(tmp_path, '[mapping]\ntimezone = "Nowhere/City"\n')
    assert main(["--db", db_url, "import-crm", str(export), "--mapping", str(mapping)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "crm.toml: timezone: unknown time zone 'Nowhere/City'",
        "crm.toml: no [[users]], [[companies]], [[activities]] … table",
        "kpidesk: error: the mapping has 2 problems",
    ]


def test_mapping_init_drafts_a_mapping_that_check_accepts_once_completed(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.data.test_mapping import crm_export

    export = crm_export(tmp_path / "export")
    target = tmp_path / "draft.toml"
    assert main(["mapping", "init", str(export), "-o", str(target)]) == 0
    capsys.readouterr()
    draft = target.read_text(encoding="utf-8")
    # The values that need a map are listed with counts; the obvious ones are filled in.
    assert "# values found: Prospecting (2), Closed Won (1), Closed Lost (1)" in draft
    assert 'map = { "Prospecting" = "?", "Closed Won" = "won", "Closed Lost" = "lost" }' in draft
    assert 'start_at = { column = "Start Date", formats = ["%m/%d/%Y %H:%M", "%m/%d/%Y"] }' in draft
    # As drafted, the check refuses the "?" still to decide.
    args = ["--db", db_url, "import-crm", str(export), "--mapping", str(target), "--check"]
    assert main(args) == 1
    assert "'Prospecting' = '?': unknown value '?'" in capsys.readouterr().err
    # Decided: the check reads every file; the undecided amount format is an error then.
    completed = draft.replace('"Prospecting" = "?"', '"Prospecting" = "open"').replace(
        "# [mapping.number]", "[mapping.number]"
    )
    completed = completed.replace('# decimal = "."', 'decimal = "."').replace(
        '# thousands = ","', 'thousands = ","'
    )
    completed = completed.replace('# currency = ["$", "USD"]', 'currency = ["$", "USD"]')
    completed = completed.replace(
        "[opportunities.columns.stage]",
        'closed_at = { column = "Date Closed", formats = ["%Y-%m-%d %H:%M:%S"] }\n'
        "[opportunities.columns.stage]",
    )
    target.write_text(completed, encoding="utf-8")
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "opportunities.csv from Opportunities.csv: 3 of 4 rows map" not in out
    assert "opportunities.csv from Opportunities.csv: 4 of 4 rows map" in out
    assert main(["mapping", "init", str(export), "-o", str(target)]) == 1  # not overwritten


def test_mapping_init_names_what_it_could_not_read_and_drafts_skips(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Links out of DIR, folders named x.csv and unreadable files are named, never followed
    or left out silently; a column flagging deleted records becomes a `skip`."""
    outside = tmp_path / "elsewhere"
    write(outside, "Users.csv", "Id,Full Name,Email\nu-1,Anna Berg,anna@x.dk\n")
    export = tmp_path / "export"
    write(export, "Accounts.csv", "ID,Name,Type,Deleted\na-1,N,Customer,0\na-2,O,Customer,1\n")
    write(export, "Opportunities.csv",
          "Id,Opportunity Name,Account Id,Owner Id,Amount,Sales Stage,Date Created,Close Date\n"
          "o-1,Big,a-1,,588,Closed Won,2017-01-02 10:00:00,2017-03-01\n")  # fmt: skip
    (export / "Calls.csv").write_bytes(b"ID,Subject\nc-1,S\xc3\xb8ren\nc-2,M\xe6tte\n")
    (export / "Users.csv").symlink_to(outside / "Users.csv")
    (export / "x.csv").mkdir()
    target = tmp_path / "draft.toml"
    assert main(["mapping", "init", str(export), "-o", str(target)]) == 0
    out = capsys.readouterr().out.splitlines()
    link = (
        f"Users.csv is a link to {(outside / 'Users.csv').resolve()}, outside the folder: "
        "not followed"
    )
    assert out[:3] == [
        "not read: Calls.csv:3: mixes UTF-8 (e.g. line 2) with bytes that are not UTF-8 on line "
        "3: save the file again as UTF-8 (or correct those lines)",
        f"not read: {link}",
        "not read: x.csv is a folder, not a file",
    ]
    draft = target.read_text(encoding="utf-8")
    assert f"# not read: {link}" in draft and "Anna Berg" not in draft
    skip = 'skip = [{ column = "Deleted", values = ["1"] }]'
    assert f'[[companies]]\nfile = "Accounts.csv"\n{skip}' in draft
    assert '# closed_at = "?"  # TODO: won and lost deals need when they closed' in draft
    # An import that fails names them as well.
    args = ["--db", db_url, "import-crm", str(export), "--mapping", str(target)]
    assert main(args) == 1
    err = capsys.readouterr().err.splitlines()
    assert f"not read: {link}" in err and "not read: x.csv is a folder, not a file" in err
