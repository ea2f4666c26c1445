"""Managers fenced by PostgreSQL itself: a login sees and changes only the shops whose account
manager it was granted, and everything that hangs on them; the department's shared tables
are the owner's to write.

Row-level security on `customers` lets a login through where the shop's account manager is
one of `cust_managers()`: a SECURITY DEFINER function that reads `cust_grants` for the
session's login (the logins never read that table themselves). It takes no argument, and
the policies call it in a scalar subquery, so that PostgreSQL runs it once per statement
and can use the account manager's index (called bare, it ran once per card). Every table
that holds a shop's data lets a row through when its shop is visible, so the fence follows
the card. The database's owner (the department head) is not fenced: PostgreSQL does not
apply a table's policies to its owner.

What a manager's login may do with each table is `MANAGER_TABLES`, and nothing more: the
shared tables (brands, plans, policies, the pyramid, the kept figures) it may read, never
write; imports it may read only as far as they concern its shops (`import_managers`), and
undo only its own. No table holds SQL that cust runs later: what a manager can write is data.
"""

from __future__ import annotations

from custcli import kinds
from custcli.db import counter, schema
from custcli.db.engine import is_postgres, write_transaction
from custcli.db.rows import record, scope_conditions, where
from custcli.errors import BadInput, NotFound
from custcli.scope import OPEN, Scope

_ALL = ("SELECT", "INSERT", "UPDATE", "DELETE")
_READ = ("SELECT",)
# What a manager's login may do with each table: what its commands need, no more. A table
# not named here is the owner's alone (cust_grants, brand_changes: a manager never undoes a
# price list). A test holds every table of the schema to this list, so that a new table
# says what a manager may do with it.
MANAGER_TABLES: dict[str, tuple[str, ...]] = {
    # a shop's records: a manager's commands read and write those of its own shops
    **{kind.table: _ALL for kind in (kinds.CUSTOMERS, *kinds.ON_A_SHOP)},
    kinds.BRANDS.table: _READ,  # the department's price list: the owner's to write
    "changes": ("SELECT", "INSERT"),
    "drill_misses": _ALL,
    "order_months": _ALL,  # the rollups of the lines a manager imports, of its own shops
    "pyramid": _READ,  # ranked among the whole department: the owner's refresh writes it
    "shop_figures": _READ,
    "figure_sets": _READ,
    "churn_findings": _READ,
    "finding_sets": _READ,
    "data_versions": _READ,  # raised through cust_orders_changed(), never written directly
    "plans": _READ,
    "policies": _READ,
    "imports": ("SELECT", "INSERT", "UPDATE"),  # its own, fenced by the policies below
    "import_managers": ("SELECT", "INSERT"),
    "layouts": _ALL,  # each login its own (a policy), so that none maps another's file
    "route_stops": _ALL,  # a day's route, of its own shops
    "supply": _READ,  # the company's supply: the owner imports it
    "cust_meta": _READ,
}
OWNER_ONLY = ("cust_grants", "brand_changes")
# Every table that holds a shop's data, by how it names the shop: each lets a row through
# when its shop is visible.
SHOP_TABLES = (
    "changes",
    *(kind.table for kind in kinds.ON_A_SHOP),
    "drill_misses",
    "pyramid",
    "order_months",
    "shop_figures",
    "churn_findings",
    "route_stops",
)
FUNCTIONS = ("cust_managers()", "cust_orders_changed()", *counter.FUNCTIONS)
SINCE = 17  # the schema from which the fence's functions and tables are all there


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


def _schema(conn) -> str:
    from psycopg import sql

    name = conn.execute("SELECT current_schema()").fetchone()[0]
    return sql.Identifier(name).as_string(conn.raw)


def is_up(conn) -> bool:
    """Whether the fence has been put up (the first grant does it)."""
    return bool(
        conn.execute(
            "SELECT 1 FROM pg_policies WHERE tablename = 'customers' AND policyname = 'fence'"
        ).fetchone()
    )


def put_functions(conn) -> None:
    """The functions the fence, the writers of order lines and a fenced login's peer
    figures call (every database has them from schema 17, the peer figures from 22: the
    owner's commands call cust_orders_changed() too)."""
    conn.raw.execute(schema.FENCE_FUNCTIONS.format(schema=_schema(conn)))
    for statement in counter.functions(_schema(conn)):  # the peer figures (schema 22)
        conn.raw.execute(statement)


def put_up(conn) -> None:
    """The functions and every policy, as this version of cust writes them (in the current
    transaction): the first grant calls it, and a migration of a fenced database again."""
    put_functions(conn)
    for statement in schema.fence(SHOP_TABLES):
        conn.raw.execute(statement)


def logins(conn) -> list[str]:
    """The logins granted some manager's shops."""
    return [r[0] for r in conn.execute("SELECT DISTINCT login FROM cust_grants ORDER BY 1")]


def apply_privileges(conn, login: str) -> None:
    """Give a login exactly MANAGER_TABLES and the fence's functions; take away anything
    else it was given on the schema's tables, sequences and functions before."""
    from psycopg import sql

    who = sql.Identifier(login)
    schema = sql.SQL(_schema(conn))
    take_back(conn, login)
    conn.raw.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(schema, who))
    for table, privileges in MANAGER_TABLES.items():
        conn.raw.execute(
            sql.SQL("GRANT {} ON {} TO {}").format(
                sql.SQL(", ").join(map(sql.SQL, privileges)), sql.Identifier(table), who
            )
        )
    for function in FUNCTIONS:
        conn.raw.execute(sql.SQL(f"GRANT EXECUTE ON FUNCTION {function} TO {{}}").format(who))


def take_back(conn, login: str) -> None:
    """Every privilege a login holds on the schema's tables, sequences and functions."""
    from psycopg import sql

    who = sql.Identifier(login)
    schema = sql.SQL(_schema(conn))
    for statement in (
        "REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {who}",
        "REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {who}",
        "REVOKE ALL ON ALL FUNCTIONS IN SCHEMA {schema} FROM {who}",
        "REVOKE ALL ON SCHEMA {schema} FROM {who}",
    ):
        conn.raw.execute(sql.SQL(statement).format(schema=schema, who=who))


def refresh_privileges(conn) -> None:
    """After a migration of a fenced database: the policies as this cust writes them, and
    every granted login given exactly what MANAGER_TABLES says of the tables as they are."""
    if not is_up(conn):
        return
    put_up(conn)
    for login in logins(conn):
        apply_privileges(conn, login)


def own_managers(conn) -> list[str]:
    """The account managers whose shops this login was granted (none on SQLite, or for the
    database's owner, who sees every shop)."""
    if not fenced(conn):
        return []
    return list(conn.execute("SELECT cust_managers()").fetchone()[0] or [])


def grant(conn, manager: str, role: str, new_manager: bool = False) -> dict:
    """Let the PostgreSQL login `role` see and change the shops whose account manager is
    `manager` (and only those: a login granted nothing sees none). A manager no card names
    is most likely mistyped: refused, unless `new_manager` says it is a manager to come."""
    _require_postgres(conn)
    if not new_manager and not _shops(conn, manager):
        known = [m for (m,) in conn.execute(
            "SELECT DISTINCT account_manager FROM customers WHERE account_manager IS NOT NULL"
            " ORDER BY 1 LIMIT 8")]  # fmt: skip
        raise NotFound(
            "no shop has account manager {manager} (managers: {known}); check the name, or"
            " grant a manager whose shops are still to come with --yes",
            manager=manager,
            known=", ".join(known) or "—",
        )
    if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = ?", (role,)).fetchone():
        raise NotFound(
            "no PostgreSQL login {role}; create it first (CREATE ROLE … LOGIN)", role=role
        )
    if _is_owner(conn, role):
        raise BadInput(
            "{role} owns the database and sees every shop already; grant a manager's own login",
            role=role,
        )
    with write_transaction(conn):
        if not is_up(conn):
            put_up(conn)
        conn.execute(
            "INSERT INTO cust_grants (login, manager) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (role, manager),
        )
        apply_privileges(conn, role)
    return {"login": role, "manager": manager, "shops": _shops(conn, manager)}


def _is_owner(conn, role: str) -> bool:
    return bool(
        conn.execute(
            "SELECT 1 FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner"
            " WHERE c.oid = 'customers'::regclass AND r.rolname = ?",
            (role,),
        ).fetchone()
    )


def revoke(conn, manager: str, role: str) -> bool:
    """Take a grant back; a login left with no grant loses every privilege a grant gave."""
    _require_postgres(conn)
    with write_transaction(conn):
        gone = bool(
            conn.execute(
                "DELETE FROM cust_grants WHERE login = ? AND manager = ?", (role, manager)
            ).rowcount
        )
        if gone and role not in logins(conn):
            take_back(conn, role)
    return gone


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
