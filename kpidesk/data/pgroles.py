"""PostgreSQL's own roles, grants and row-level security for a shared installation.

On a shared database the kpidesk login is not a boundary by itself: anyone at a desktop
holding a URL with write rights could change anything. Here PostgreSQL enforces who may
do what. Each person connects as their own login role (the kpidesk login is the role's
name, the password is PostgreSQL's, SCRAM); three group roles carry the rights:

- `<db>_users`: read the CRM tables, the setup and the run log; read only their own results
  (row-level security); change only their own password (`kpidesk_set_password`).
- `<db>_admins` (also members of `<db>_users`): change the setup, users' profiles and anyone's
  password; read every result; calculate ("Beregn nu"): write runs and results.
- `<db>_scheduler`: read what a run needs, write runs and results.

Nobody but the owner reads password hashes (the column is not granted), updates or deletes
audit entries (append-only: only INSERT is granted, and the actor is stamped by the server),
changes CRM data (the import runs as the owner) or changes the schema. Everything here is
idempotent: `kpidesk db roles` revokes what it grants and grants it again.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.engine import Connection

SET_PASSWORD_FUNCTION = "kpidesk_set_password"
SCRAM_ITERATIONS = 4096  # PostgreSQL's own default (scram_iterations)

# What each group may do, table by table. A table kpidesk adds later and nobody lists here
# gets SELECT for users (read-only data), never more; the command says so.
CRM_TABLES = ("companies", "activities", "activity_participants", "opportunities")
SETUP_TABLES = ("profiles", "kpi_rules", "kpi_rule_profiles", "settings")
READ_ALL = (*CRM_TABLES, *SETUP_TABLES, "kpi_runs", "kpi_results", "alembic_version")
SOURCE_PASSWORD_KEY = "source_password"  # = data.sql_source.PASSWORD_KEY (a test checks)
HIDDEN_COLUMNS = ("password_hash",)  # of users: only the owner reads it
OWNER_ONLY = ("users", "audit_log")  # granted column by column or by action below


@dataclass(frozen=True)
class Groups:
    users: str
    admins: str
    scheduler: str

    @classmethod
    def for_database(cls, database: str) -> Groups:
        return cls(f"{database}_users", f"{database}_admins", f"{database}_scheduler")


@dataclass
class RolesReport:
    """What `install_roles` did, for the command's output."""

    groups: Groups
    created: list[str] = field(default_factory=list)
    admins: list[str] = field(default_factory=list)
    users: list[str] = field(default_factory=list)
    disabled: list[str] = field(default_factory=list)
    scheduler: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # roles kpidesk must not manage
    unlisted_tables: list[str] = field(default_factory=list)


class RolesError(Exception):
    """The roles cannot be installed (not the owner, not PostgreSQL); one clear line."""


def quote(name: str) -> str:
    """A PostgreSQL identifier, quoted (role and table names come from data)."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def scram_verifier(password: str, *, salt: bytes | None = None) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores for a password (RFC 5802/7677).

    Computed here so that the password itself never travels to the server nor lands in
    its statement log: `ALTER ROLE … PASSWORD 'SCRAM-SHA-256$…'` stores it as given.
    """
    salt = salt if salt is not None else secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, SCRAM_ITERATIONS)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()

    def b64(raw: bytes) -> str:
        return base64.b64encode(raw).decode("ascii")

    return f"SCRAM-SHA-256${SCRAM_ITERATIONS}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def install_roles(conn: Connection, scheduler_logins: tuple[str, ...] = ()) -> RolesReport:
    """Create or update groups, grants, policies, the password function and login roles.

    Run by the database's owner (a role with CREATEROLE, not a superuser), in one
    transaction: it either all applies or nothing does.
    """
    if conn.dialect.name != "postgresql":
        raise RolesError("database roles exist only on PostgreSQL; SQLite is the one-PC setup")
    database, owner, can_create = conn.execute(
        text(
            "SELECT current_database(), current_user, "
            "(SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user)"
        )
    ).one()
    real_owner = conn.scalar(
        text("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()")
    )
    tables_owner = conn.scalar(text("SELECT tableowner FROM pg_tables WHERE tablename = 'users'"))
    if tables_owner is None:
        raise RolesError("the database has no kpidesk tables yet: run `kpidesk db upgrade` first")
    if owner not in (real_owner, tables_owner) or owner != tables_owner:
        raise RolesError(
            f"run `kpidesk db roles` as the owner of the kpidesk tables ({tables_owner}), "
            f"not as {owner}"
        )
    if not can_create:
        raise RolesError(f"the owner {owner} needs CREATEROLE: ALTER ROLE {owner} CREATEROLE")
    groups = Groups.for_database(database)
    report = RolesReport(groups)
    g_users, g_admins, g_sched = (quote(g) for g in (groups.users, groups.admins, groups.scheduler))
    run = conn.exec_driver_sql

    for group in (groups.users, groups.admins, groups.scheduler):
        if not _role_exists(conn, group):
            run(f"CREATE ROLE {quote(group)} NOLOGIN")
            report.created.append(group)
    run(f"GRANT {g_users} TO {g_admins}")

    # The database and schema: only kpidesk's groups connect; nobody else creates anything.
    run(f"REVOKE ALL ON DATABASE {quote(database)} FROM PUBLIC")
    run(f"GRANT CONNECT ON DATABASE {quote(database)} TO {g_users}, {g_sched}")
    run("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    run(f"GRANT USAGE ON SCHEMA public TO {g_users}, {g_sched}")

    tables = list(conn.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")))
    everyone = f"{g_users}, {g_admins}, {g_sched}, PUBLIC"
    run(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {everyone}")
    run(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {everyone}")
    for table in tables:
        # Column grants are not removed by a table-level REVOKE ALL in every case: be explicit.
        if table == "users":
            columns = ", ".join(quote(c) for c in _columns(conn, "users"))
            run(f"REVOKE ALL ({columns}) ON users FROM {everyone}")
    for table in tables:
        if table in READ_ALL:
            run(f"GRANT SELECT ON {quote(table)} TO {g_users}, {g_sched}")
        elif table not in OWNER_ONLY:
            run(f"GRANT SELECT ON {quote(table)} TO {g_users}, {g_sched}")
            report.unlisted_tables.append(table)
    # Every column but the hash (columns added later, such as the CRM's key, are readable).
    visible = ", ".join(quote(c) for c in _columns(conn, "users") if c not in HIDDEN_COLUMNS)
    run(f"GRANT SELECT ({visible}) ON users TO {g_users}, {g_sched}")
    run(f"GRANT UPDATE (profile_id) ON users TO {g_admins}")
    for table in SETUP_TABLES:
        run(f"GRANT INSERT, UPDATE, DELETE ON {quote(table)} TO {g_admins}")
    for writer in (g_admins, g_sched):
        run(f"GRANT INSERT, UPDATE ON kpi_runs TO {writer}")
        run(f"GRANT INSERT, DELETE ON kpi_results TO {writer}")
        run(f"GRANT SELECT, INSERT ON audit_log TO {writer}")
    # The data source (migration 0008): a run notes the data it used, and an import attempt
    # is recorded, whoever runs them. The CRM's own tables stay the owner's.
    source_tables = [table for table in ("crm_imports", "kpi_run_data") if table in tables]
    for writer in (g_admins, g_sched):
        for table in source_tables:
            run(f"GRANT INSERT ON {table} TO {writer}")
    for table, writers in (
        ("profiles", g_admins), ("kpi_rules", g_admins), ("kpi_runs", f"{g_admins}, {g_sched}"),
        ("kpi_results", f"{g_admins}, {g_sched}"), ("audit_log", f"{g_admins}, {g_sched}"),
        *([("crm_imports", f"{g_admins}, {g_sched}")] if "crm_imports" in tables else []),
    ):  # fmt: skip
        sequence = conn.scalar(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table})
        if sequence:
            run(f"GRANT USAGE, SELECT ON SEQUENCE {sequence} TO {writers}")

    # Results: a user sees their own rows; administrators and the scheduler all of them.
    run("ALTER TABLE kpi_results ENABLE ROW LEVEL SECURITY")
    for policy in ("kpidesk_own_results", "kpidesk_admin_results", "kpidesk_scheduler_results"):
        run(f"DROP POLICY IF EXISTS {policy} ON kpi_results")
    run(
        f"CREATE POLICY kpidesk_own_results ON kpi_results FOR SELECT TO {g_users} "
        "USING (user_id = (SELECT u.id FROM users u WHERE u.login = session_user))"
    )
    run(
        f"CREATE POLICY kpidesk_admin_results ON kpi_results FOR ALL TO {g_admins} "
        "USING (true) WITH CHECK (true)"
    )
    run(
        f"CREATE POLICY kpidesk_scheduler_results ON kpi_results FOR ALL TO {g_sched} "
        "USING (true) WITH CHECK (true)"
    )

    # The data source's password (a settings row, data/sql_source.py) is for administrators
    # and the scheduler only: every other person reads every other setting.
    run("ALTER TABLE settings ENABLE ROW LEVEL SECURITY")
    for policy in ("kpidesk_settings_read", "kpidesk_admin_settings", "kpidesk_scheduler_settings"):
        run(f"DROP POLICY IF EXISTS {policy} ON settings")
    run(
        f"CREATE POLICY kpidesk_settings_read ON settings FOR SELECT TO {g_users} "
        f"USING (key <> {literal(SOURCE_PASSWORD_KEY)})"
    )
    run(
        f"CREATE POLICY kpidesk_admin_settings ON settings FOR ALL TO {g_admins} "
        "USING (true) WITH CHECK (true)"
    )
    run(
        f"CREATE POLICY kpidesk_scheduler_settings ON settings FOR SELECT TO {g_sched} USING (true)"
    )

    _install_audit_stamp(conn, owner)
    _install_password_function(conn, owner, groups)

    for login, role, active in conn.execute(
        text("SELECT login, role, active FROM users ORDER BY login")
    ).all():
        _sync_person(conn, report, groups, owner, str(login), str(role), bool(active))
    for login in scheduler_logins:
        if not _role_exists(conn, login):
            run(f"CREATE ROLE {quote(login)} LOGIN")
            report.created.append(login)
        elif _privileged(conn, login, owner):
            report.skipped.append(login)
            continue
        run(f"GRANT {g_sched} TO {quote(login)}")
        report.scheduler.append(login)
    return report


def _role_exists(conn: Connection, name: str) -> bool:
    return conn.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}) is not None


def _columns(conn: Connection, table: str) -> list[str]:
    return list(
        conn.scalars(
            text(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = 'public' AND table_name = :t ORDER BY ordinal_position"
            ),
            {"t": table},
        )
    )


def _privileged(conn: Connection, name: str, owner: str) -> bool:
    """A role kpidesk must never manage: the owner, superusers, role creators."""
    if name == owner:
        return True
    row = conn.execute(
        text(
            "SELECT rolsuper OR rolcreaterole OR rolreplication OR rolbypassrls "
            "FROM pg_roles WHERE rolname = :n"
        ),
        {"n": name},
    ).scalar()
    return bool(row)


def _sync_person(
    conn: Connection, report: RolesReport, groups: Groups, owner: str,
    login: str, role: str, active: bool,
) -> None:  # fmt: skip
    """One person's login role: exists, can log in only while active, in the right group."""
    run = conn.exec_driver_sql
    name = quote(login)
    if not _role_exists(conn, login):
        run(f"CREATE ROLE {name} {'LOGIN' if active else 'NOLOGIN'}")
        report.created.append(login)
    elif _privileged(conn, login, owner):
        report.skipped.append(login)
        return
    else:
        run(f"ALTER ROLE {name} {'LOGIN' if active else 'NOLOGIN'}")
    if role == "admin":
        run(f"GRANT {quote(groups.admins)} TO {name}")
        run(f"GRANT {quote(groups.users)} TO {name}")
        report.admins.append(login)
    else:
        run(f"REVOKE {quote(groups.admins)} FROM {name}")
        run(f"GRANT {quote(groups.users)} TO {name}")
        report.users.append(login)
    if not active:
        report.disabled.append(login)


def _raw(conn: Connection, sql: str) -> None:
    """A statement sent as is: a function body's `%` must not be read as a placeholder."""
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
    finally:
        cursor.close()


def _install_audit_stamp(conn: Connection, owner: str) -> None:
    """The audit log's actor is who is connected, not what the client says (no forging)."""
    conn.exec_driver_sql(
        f"""
        CREATE OR REPLACE FUNCTION kpidesk_audit_stamp() RETURNS trigger
        LANGUAGE plpgsql AS $f$
        BEGIN
            IF current_user <> {literal(owner)} THEN
                NEW.actor := session_user;
            END IF;
            RETURN NEW;
        END
        $f$
        """
    )
    conn.exec_driver_sql("DROP TRIGGER IF EXISTS kpidesk_audit_stamp ON audit_log")
    conn.exec_driver_sql(
        "CREATE TRIGGER kpidesk_audit_stamp BEFORE INSERT ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION kpidesk_audit_stamp()"
    )


def _install_password_function(conn: Connection, owner: str, groups: Groups) -> None:
    """Set a kpidesk login's PostgreSQL password: one's own, or anyone's as administrator.

    SECURITY DEFINER runs it with the owner's CREATEROLE, so nobody else needs that right.
    It takes a SCRAM verifier (never the password), touches only kpidesk's own login roles
    (never the owner, a superuser or a role creator) and writes the audit entry itself.
    """
    _raw(
        conn,
        f"""
        CREATE OR REPLACE FUNCTION {SET_PASSWORD_FUNCTION}(p_login text, p_verifier text)
        RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $f$
        BEGIN
            IF p_verifier !~ '^SCRAM-SHA-256\\$' THEN
                RAISE EXCEPTION 'the password must come as a SCRAM-SHA-256 verifier';
            END IF;
            IF p_login <> session_user AND session_user <> {literal(owner)}
               AND NOT pg_has_role(session_user, {literal(groups.admins)}, 'MEMBER') THEN
                RAISE EXCEPTION 'only an administrator may set another person''s password'
                    USING ERRCODE = '42501';
            END IF;
            IF NOT EXISTS (SELECT 1 FROM public.users WHERE login = p_login)
               OR NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_login)
               OR NOT pg_has_role(p_login, {literal(groups.users)}, 'MEMBER')
               OR p_login = {literal(owner)}
               OR EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_login
                          AND (rolsuper OR rolcreaterole OR rolreplication OR rolbypassrls))
            THEN
                RAISE EXCEPTION 'no kpidesk user has the login %', p_login
                    USING ERRCODE = '42501';
            END IF;
            EXECUTE format('ALTER ROLE %I PASSWORD %L', p_login, p_verifier);
            INSERT INTO public.audit_log (at, actor, action, entity, entity_key, details)
            VALUES (timezone('UTC', now()), session_user, 'set_password', 'user', p_login,
                    '{{}}');
        END
        $f$
        """,
    )
    signature = f"{SET_PASSWORD_FUNCTION}(text, text)"
    conn.exec_driver_sql(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC")
    conn.exec_driver_sql(f"GRANT EXECUTE ON FUNCTION {signature} TO {quote(groups.users)}")
