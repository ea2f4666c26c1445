"""Managers fenced by PostgreSQL itself: a login sees and changes only the shops whose account
manager it was granted, and everything that hangs on them.

Row-level security on `customers` lets a login through where `cust_sees(account_manager)`
says so: a SECURITY DEFINER function that reads `cust_grants` for the session's login (the
logins never read that table themselves). Every table that holds a shop's data lets a row
through when its shop is visible, so the fence follows the card. The database's owner (the
department head) is not fenced: PostgreSQL does not apply a table's policies to its owner.
"""

from __future__ import annotations

from custcli.db.connection import is_postgres, write_transaction
from custcli.db.rows import record, scope_conditions, where
from custcli.db.schema_pg import SHOP_TABLES
from custcli.domain.scope import OPEN, Scope
from custcli.errors import BadInput, NotFound

POLICIES = """
CREATE FUNCTION cust_sees(manager text) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}
    AS 'SELECT EXISTS (SELECT 1 FROM cust_grants WHERE login = session_user AND manager = $1)';
REVOKE ALL ON FUNCTION cust_sees(text) FROM PUBLIC;
ALTER TABLE customers ENABLE ROW LEVEL SECURITY;
CREATE POLICY fence ON customers
    USING (cust_sees(account_manager)) WITH CHECK (cust_sees(account_manager));
"""
SHOP_POLICY = """
ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
CREATE POLICY fence ON {table}
    USING (EXISTS (SELECT 1 FROM customers c WHERE c.id = {table}.customer_id))
    WITH CHECK (EXISTS (SELECT 1 FROM customers c WHERE c.id = {table}.customer_id));
"""


def fenced(conn) -> bool:
    """Whether this login sees only the shops granted to it: PostgreSQL with the fence up,
    and the login neither the tables' owner nor one that bypasses row-level security."""
    if not is_postgres(conn):
        return False
    return conn.execute(
        "SELECT c.relrowsecurity AND NOT (c.relowner = r.oid OR r.rolsuper OR r.rolbypassrls)"
        " FROM pg_class c JOIN pg_roles r ON r.rolname = current_user"
        " WHERE c.oid = 'customers'::regclass"
    ).fetchone()[0]


def _require_postgres(conn) -> None:
    if not is_postgres(conn):
        raise BadInput(
            "a SQLite file has one user; grants are for a department's PostgreSQL database"
            " (--db postgresql://…)"
        )


def _fence(conn) -> None:
    """Create the policies once (the first grant), in the current transaction."""
    exists = conn.execute(
        "SELECT 1 FROM pg_policies WHERE tablename = 'customers' AND policyname = 'fence'"
    ).fetchone()
    if exists:
        return
    from psycopg import sql

    schema = conn.execute("SELECT current_schema()").fetchone()[0]
    conn.raw.execute(POLICIES.format(schema=sql.Identifier(schema).as_string(conn.raw)))
    for table in SHOP_TABLES:
        conn.raw.execute(SHOP_POLICY.format(table=table))


def let_at_tables(conn, login: str, tables: tuple[str, ...]) -> None:
    """Give a login what `grant` gives it on every table, on tables made after its grant."""
    from psycopg import sql

    conn.raw.execute(
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON {tables} TO {login}").format(
            tables=sql.SQL(", ").join(map(sql.Identifier, tables)), login=sql.Identifier(login)
        )
    )


def grant(conn, manager: str, role: str) -> dict:
    """Let the PostgreSQL login `role` see and change the shops whose account manager is
    `manager` (and only those: a login granted nothing sees none)."""
    _require_postgres(conn)
    from psycopg import sql

    if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = ?", (role,)).fetchone():
        raise NotFound(
            "no PostgreSQL login {role}; create it first (CREATE ROLE … LOGIN)", role=role
        )
    with write_transaction(conn):
        _fence(conn)
        conn.execute(
            "INSERT INTO cust_grants (login, manager) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (role, manager),
        )
        login = sql.Identifier(role)
        schema = sql.Identifier(conn.execute("SELECT current_schema()").fetchone()[0])
        for statement in (
            "GRANT USAGE ON SCHEMA {schema} TO {login}",
            "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {login}",
            "GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema} TO {login}",
            "REVOKE ALL ON cust_grants, cust_meta FROM {login}",
            "GRANT SELECT ON cust_meta TO {login}",
            "GRANT EXECUTE ON FUNCTION cust_sees(text) TO {login}",
        ):
            conn.raw.execute(sql.SQL(statement).format(schema=schema, login=login))
    return {"login": role, "manager": manager, "shops": _shops(conn, manager)}


def revoke(conn, manager: str, role: str) -> bool:
    _require_postgres(conn)
    with write_transaction(conn):
        return bool(
            conn.execute(
                "DELETE FROM cust_grants WHERE login = ? AND manager = ?", (role, manager)
            ).rowcount
        )


def grants(conn) -> list[dict]:
    """Who sees what: each login, the account manager whose shops it sees, how many shops."""
    _require_postgres(conn)
    counted, params = where(*scope_conditions(Scope(shops=OPEN)))
    rows = conn.execute(
        "SELECT g.login, g.manager, g.granted_at, count(c.id) AS shops FROM cust_grants g"
        f" LEFT JOIN customers c ON c.account_manager = g.manager AND {counted}"
        " GROUP BY g.login, g.manager, g.granted_at ORDER BY g.login, g.manager",
        params,
    )
    return [record(r) for r in rows]


def _shops(conn, manager: str) -> int:
    """How many shops a grant of this manager lets through (closed ones not counted)."""
    counted, params = where(*scope_conditions(Scope(manager=manager, shops=OPEN), alias=""))
    return conn.execute(f"SELECT count(*) FROM customers WHERE {counted}", params).fetchone()[0]
