"""Forward-only schema migrations (sqlite-utils' Migrations).

Each migration is frozen once released: it names its columns and types itself rather than
reading the field registry, so that a file made by any earlier cust upgrades the same way.
Codes, phones and licence numbers are TEXT: type guessing would eat their leading zeros.
"""

from __future__ import annotations

import hashlib
import sqlite3

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("cust")

_NOW = "(strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime'))"


@migrations()
def m001_customers(db: Database) -> None:
    db.execute(f"""
        CREATE TABLE customers (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            owner TEXT, phone TEXT, address TEXT, license_no TEXT, district TEXT,
            account_manager TEXT, tier INTEGER, category TEXT, format TEXT, market TEXT,
            visit_cycle_days INTEGER, order_method TEXT, order_cycle TEXT, delivery_day TEXT,
            settlement TEXT, business_hours TEXT, facility TEXT, signage TEXT, legal_rep TEXT,
            store_manager TEXT, compliance TEXT, status TEXT NOT NULL DEFAULT 'active',
            opened_on TEXT, birthday TEXT, preferences TEXT, notes TEXT,
            extra TEXT NOT NULL DEFAULT '{{}}',
            search_text TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL DEFAULT {_NOW},
            updated_at TEXT NOT NULL DEFAULT {_NOW}
        )""")
    db.execute("CREATE INDEX idx_customers_license ON customers(license_no)")
    db.execute("CREATE INDEX idx_customers_district ON customers(district, tier)")
    db.execute("""
        CREATE TABLE imports (
            id INTEGER PRIMARY KEY,
            file_name TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            kind TEXT NOT NULL,
            sheet TEXT,
            counts TEXT NOT NULL DEFAULT '{}',
            imported_at TEXT NOT NULL,
            undone_at TEXT
        )""")
    db.execute(f"""
        CREATE TABLE changes (
            id INTEGER PRIMARY KEY,
            customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
            field TEXT NOT NULL,
            old TEXT,
            new TEXT,
            changed_at TEXT NOT NULL DEFAULT {_NOW},
            source TEXT NOT NULL,
            import_id INTEGER REFERENCES imports(id)
        )""")
    db.execute("CREATE INDEX idx_changes_customer ON changes(customer_id, id)")
    db.execute("CREATE INDEX idx_changes_import ON changes(import_id)")


@migrations()
def m002_orders_visits_brands(db: Database) -> None:
    db.execute("""
        CREATE TABLE orders (
            id INTEGER PRIMARY KEY,
            customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
            date TEXT NOT NULL,
            brand TEXT NOT NULL,
            qty REAL NOT NULL,
            amount REAL,
            unit_price REAL,
            import_id INTEGER REFERENCES imports(id),
            row_key TEXT UNIQUE
        )""")
    db.execute("CREATE INDEX idx_orders_customer_date ON orders(customer_id, date)")
    db.execute("CREATE INDEX idx_orders_date ON orders(date)")
    db.execute("CREATE INDEX idx_orders_import ON orders(import_id)")
    db.execute(f"""
        CREATE TABLE visits (
            id INTEGER PRIMARY KEY,
            customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
            date TEXT NOT NULL,
            kind TEXT NOT NULL DEFAULT '实地',
            note TEXT,
            found TEXT,
            satisfaction INTEGER,
            manager TEXT,
            import_id INTEGER REFERENCES imports(id),
            row_key TEXT UNIQUE,
            created_at TEXT NOT NULL DEFAULT {_NOW}
        )""")
    db.execute("CREATE INDEX idx_visits_customer_date ON visits(customer_id, date)")
    db.execute("CREATE INDEX idx_visits_date ON visits(date)")
    db.execute("CREATE INDEX idx_visits_import ON visits(import_id)")
    db.execute(f"""
        CREATE TABLE brands (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            wholesale_price REAL,
            retail_price REAL,
            price_class INTEGER,
            features TEXT,
            promotion TEXT,
            import_id INTEGER REFERENCES imports(id),
            updated_at TEXT NOT NULL DEFAULT {_NOW}
        )""")


@migrations()
def m003_relationship(db: Database) -> None:
    db.execute(f"""
        CREATE TABLE followups (
            id INTEGER PRIMARY KEY,
            customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
            visit_id INTEGER REFERENCES visits(id) ON DELETE SET NULL,
            text TEXT NOT NULL,
            due TEXT,
            done_on TEXT,
            created_at TEXT NOT NULL DEFAULT {_NOW}
        )""")
    db.execute("CREATE INDEX idx_followups_open ON followups(done_on, due)")
    db.execute("CREATE INDEX idx_followups_customer ON followups(customer_id)")
    db.execute("""
        CREATE TABLE complaints (
            id INTEGER PRIMARY KEY,
            customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
            kind TEXT NOT NULL DEFAULT '其他',
            text TEXT NOT NULL,
            opened_on TEXT NOT NULL,
            resolved_on TEXT,
            resolution TEXT
        )""")
    db.execute("CREATE INDEX idx_complaints_customer ON complaints(customer_id)")
    db.execute("CREATE INDEX idx_complaints_open ON complaints(resolved_on, opened_on)")
    db.execute("""
        CREATE TABLE key_dates (
            id INTEGER PRIMARY KEY,
            customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
            label TEXT NOT NULL,
            day TEXT NOT NULL
        )""")
    db.execute("CREATE INDEX idx_key_dates_customer ON key_dates(customer_id)")
    db.execute(f"""
        CREATE TABLE notes (
            id INTEGER PRIMARY KEY,
            customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
            text TEXT NOT NULL,
            noted_on TEXT NOT NULL,
            created_at TEXT NOT NULL DEFAULT {_NOW}
        )""")
    db.execute("CREATE INDEX idx_notes_customer ON notes(customer_id)")


@migrations()
def m004_plans_policies_drill(db: Database) -> None:
    db.execute("""
        CREATE TABLE plans (
            year INTEGER PRIMARY KEY,
            volume_cases REAL NOT NULL,
            revenue REAL NOT NULL,
            avg_price REAL
        )""")
    db.execute(f"""
        CREATE TABLE policies (
            month TEXT PRIMARY KEY,
            text TEXT NOT NULL,
            updated_at TEXT NOT NULL DEFAULT {_NOW}
        )""")
    db.execute(f"""
        CREATE TABLE drill_misses (
            customer_id INTEGER PRIMARY KEY REFERENCES customers(id) ON DELETE CASCADE,
            missed INTEGER NOT NULL DEFAULT 0,
            asked INTEGER NOT NULL DEFAULT 0,
            last_at TEXT NOT NULL DEFAULT {_NOW}
        )""")


@migrations()
def m005_pyramid(db: Database) -> None:
    # Derived from orders and refreshed whenever they change, so that `cust show` can name a
    # shop's pyramid tier without ranking every order line at the shop's door.
    db.execute("""
        CREATE TABLE pyramid (
            customer_id INTEGER PRIMARY KEY REFERENCES customers(id) ON DELETE CASCADE,
            tier TEXT NOT NULL,
            amount_12m REAL NOT NULL,
            as_of TEXT NOT NULL
        )""")


@migrations()
def m006_code_without_zeros(db: Database) -> None:
    # Imports look a code up with its leading zeros dropped (Excel drops them from codes
    # stored as numbers); without this index that is a scan of every card per row.
    db.execute("CREATE INDEX idx_customers_code_nozeros ON customers(ltrim(code, '0'))")


@migrations()
def m007_covering_indexes(db: Database) -> None:
    # Pyramid, churn, the report and the card's figures read only these columns of an order
    # line, per customer and date (4 s became 1 s at city scale); the due list wants each
    # customer's last field visit (2.1 s became 0.3 s over a million visits).
    db.execute(
        "CREATE INDEX idx_orders_customer_cover ON orders(customer_id, date, amount, qty, brand)"
    )
    db.execute("DROP INDEX idx_orders_customer_date")
    db.execute("CREATE INDEX idx_visits_kind_customer ON visits(kind, customer_id, date)")


@migrations()
def m008_drop_code_without_zeros(db: Database) -> None:
    # Imports now keep the file's codes in a dictionary, zeros dropped or not; the index of
    # migration 6 only cost every insert.
    db.execute("DROP INDEX idx_customers_code_nozeros")


# Visit kinds as migration 9 found them written, and the code each became. Frozen here: the
# registry's aliases may grow, this table may not.
_M009_KINDS = {
    "field": ("实地", "实地拜访", "上门", "上门拜访", "走访", "现场", "到店", "巡店", "拜访"),
    "phone": ("电话", "电话拜访", "电话回访", "电联"),
    "online": ("微信", "微信拜访", "视频", "线上", "网络"),
}


@migrations()
def m009_visit_kind_codes(db: Database) -> None:
    # Kinds become stable codes (field, phone, online, other), so an imported 实地拜访 counts
    # as a field visit; a kind no word of which is known is kept as "other" with its text.
    db.execute("ALTER TABLE visits ADD COLUMN kind_text TEXT")
    for code, words in _M009_KINDS.items():
        marks = ", ".join("?" for _ in words)
        db.execute(f"UPDATE visits SET kind = ? WHERE kind IN ({marks})", [code, *words])
    db.execute(
        "UPDATE visits SET kind_text = kind, kind = 'other'"
        " WHERE kind NOT IN ('field', 'phone', 'online', 'other')"
    )
    # An imported line's key hashes its content, which now holds the code and kind_text:
    # recompute the keys so that importing the same file again still adds nothing.
    seen: dict[tuple, int] = {}
    keys = []
    for row in db.execute(
        "SELECT id, customer_id, date, kind, kind_text, note, found, satisfaction, manager"
        " FROM visits WHERE row_key IS NOT NULL ORDER BY id"
    ).fetchall():
        content = "|".join(map(str, row[2:]))
        seen[(row[1], content)] = seen.get((row[1], content), 0) + 1
        digest = hashlib.sha1(f"{row[1]}|{content}|{seen[(row[1], content)]}".encode())
        keys.append((digest.hexdigest(), row[0]))
    db.execute("UPDATE visits SET row_key = NULL WHERE row_key IS NOT NULL")
    db.conn.executemany("UPDATE visits SET row_key = ? WHERE id = ?", keys)


@migrations()
def m010_brand_history_and_order_notes(db: Database) -> None:
    # Undoing an import puts back the brand prices it changed: each change is kept, as the
    # cards' are. An order line keeps, in its note, a value of its row that could not be read.
    db.execute(f"""
        CREATE TABLE brand_changes (
            id INTEGER PRIMARY KEY,
            brand_id INTEGER NOT NULL REFERENCES brands(id) ON DELETE CASCADE,
            field TEXT NOT NULL,
            old TEXT,
            new TEXT,
            changed_at TEXT NOT NULL DEFAULT {_NOW},
            import_id INTEGER REFERENCES imports(id)
        )""")
    db.execute("CREATE INDEX idx_brand_changes_import ON brand_changes(import_id)")
    db.execute("ALTER TABLE orders ADD COLUMN note TEXT")


@migrations()
def m011_order_day_and_credit_grade(db: Database) -> None:
    # 订货周期 (a cycle, in days) and 订货日 (weekdays) are different things, and so are 诚信等级
    # (the company's credit grade) and 守法情况 (the compliance record). The old order_cycle
    # column always held the weekday text: it becomes order_day, and the cycle a new column.
    db.execute("ALTER TABLE customers RENAME COLUMN order_cycle TO order_day")
    db.execute("ALTER TABLE customers ADD COLUMN order_cycle INTEGER")
    db.execute("ALTER TABLE customers ADD COLUMN credit_grade TEXT")
    # Credit grades (AAA … D) that rosters had put under 守法情况 move to their own field.
    db.execute(
        "UPDATE customers SET credit_grade = upper(trim(compliance)), compliance = NULL"
        " WHERE upper(trim(compliance)) IN ('AAA', 'AA', 'A', 'B', 'C', 'D')"
    )


@migrations()
def m012_order_months(db: Database) -> None:
    # Monthly rollups of the order lines (custcli.db.rollups keeps them), built from the lines.
    db.execute("""
        CREATE TABLE order_months (
            customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
            month TEXT NOT NULL,
            qty REAL NOT NULL,
            amount REAL NOT NULL,
            lines INTEGER NOT NULL,
            days INTEGER NOT NULL,
            brands INTEGER NOT NULL,
            first_day TEXT NOT NULL,
            last_day TEXT NOT NULL,
            qty_class_1 REAL NOT NULL,
            qty_class_2 REAL NOT NULL,
            qty_class_3 REAL NOT NULL,
            qty_class_4 REAL NOT NULL,
            qty_class_5 REAL NOT NULL,
            PRIMARY KEY (customer_id, month)
        ) WITHOUT ROWID
    """)
    db.execute("CREATE INDEX idx_order_months_month ON order_months(month, customer_id)")
    db.execute("""
        INSERT INTO order_months SELECT o.customer_id, substr(o.date, 1, 7),
            round(total(o.qty), 3), round(total(o.amount), 2), count(*),
            count(DISTINCT o.date), count(DISTINCT o.brand), min(o.date), max(o.date),
            round(total(CASE WHEN b.price_class = 1 THEN o.qty END), 3),
            round(total(CASE WHEN b.price_class = 2 THEN o.qty END), 3),
            round(total(CASE WHEN b.price_class = 3 THEN o.qty END), 3),
            round(total(CASE WHEN b.price_class = 4 THEN o.qty END), 3),
            round(total(CASE WHEN b.price_class = 5 THEN o.qty END), 3)
        FROM orders o LEFT JOIN brands b ON b.name = o.brand
        GROUP BY o.customer_id, substr(o.date, 1, 7)
    """)


@migrations()
def m013_record_ids_and_merge_provenance(db: Database) -> None:
    # Every record a stable id, so that a manager's file merged into the department's twice
    # adds nothing the second time; and the import (or merge) that brought notes, follow-ups,
    # complaints and dates, so that a merge can be undone like an import.
    for table in ("customers", "visits", "orders", "notes", "followups", "complaints",
                  "key_dates"):  # fmt: skip
        db.execute(f"ALTER TABLE {table} ADD COLUMN uid TEXT")
        db.execute(f"UPDATE {table} SET uid = lower(hex(randomblob(16)))")
        db.execute(f"CREATE UNIQUE INDEX idx_{table}_uid ON {table}(uid)")
    for table in ("notes", "followups", "complaints", "key_dates"):
        db.execute(f"ALTER TABLE {table} ADD COLUMN import_id INTEGER REFERENCES imports(id)")
        db.execute(f"CREATE INDEX idx_{table}_import ON {table}(import_id)")


@migrations()
def m014_line_keys_per_shop(db: Database) -> None:
    rekey_lines_per_shop(db.conn)


@migrations()
def m015_orders_by_date_cover(db: Database) -> None:
    # The pyramid, churn and today read the months a window edge cuts from the lines by date:
    # through the date index alone, each line cost a lookup of its row (0.75 s for three
    # months at city scale, 0.21 s from this index, which holds what those sums read).
    db.execute("DROP INDEX idx_orders_date")
    db.execute(
        "CREATE INDEX idx_orders_date_cover ON orders(date, customer_id, amount, qty, brand)"
    )


@migrations()
def m016_shop_figures_kept(db: Database) -> None:
    # Every shop's figures over a window (the pyramid's, churn's) read 1.6 million rollup rows
    # at city scale, ~1.5 s, each time they were asked for the same day. The figures one
    # query gave are kept per shop (custcli.db.figures) while the order data's version,
    # raised by every write of order lines, stays what it was when they were kept.
    db.execute("CREATE TABLE data_versions (name TEXT PRIMARY KEY, version INTEGER NOT NULL)")
    db.execute("INSERT INTO data_versions (name, version) VALUES ('orders', 0)")
    db.execute("""
        CREATE TABLE figure_sets (
            id INTEGER PRIMARY KEY,
            version INTEGER NOT NULL,
            digest TEXT NOT NULL,
            query TEXT NOT NULL,
            params TEXT NOT NULL,
            columns TEXT NOT NULL,
            UNIQUE (digest, version)
        )
    """)
    db.execute("""
        CREATE TABLE shop_figures (
            set_id INTEGER NOT NULL REFERENCES figure_sets(id) ON DELETE CASCADE,
            customer_id INTEGER NOT NULL,
            a0 REAL, a1 REAL, a2 REAL, a3 REAL,
            first_order TEXT, last_order TEXT, first_order_12m TEXT,
            order_days_12m INTEGER, months_12m INTEGER,
            PRIMARY KEY (set_id, customer_id)
        ) WITHOUT ROWID
    """)


@migrations()
def m017_imports_by_login_and_figures_as_data(db: Database) -> None:
    # On a department's database each import says which login made it (a manager undoes
    # only its own) and whose shops it touched (a manager reads only those). The figures
    # kept per shop are keyed by what was asked (a recipe of windows and days), never by
    # the text of a query: nothing a table holds is run as SQL.
    db.execute("ALTER TABLE imports ADD COLUMN made_by TEXT")
    db.execute("""
        CREATE TABLE import_managers (
            import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
            manager TEXT NOT NULL,
            records INTEGER NOT NULL,
            PRIMARY KEY (import_id, manager)
        ) WITHOUT ROWID
    """)
    db.execute(_M017_IMPORT_MANAGERS)
    db.execute("DROP TABLE shop_figures")
    db.execute("DROP TABLE figure_sets")
    db.execute("""
        CREATE TABLE figure_sets (
            id INTEGER PRIMARY KEY,
            version INTEGER NOT NULL,
            digest TEXT NOT NULL,
            recipe TEXT NOT NULL,
            columns TEXT NOT NULL,
            UNIQUE (digest, version)
        )
    """)
    db.execute("""
        CREATE TABLE shop_figures (
            set_id INTEGER NOT NULL REFERENCES figure_sets(id) ON DELETE CASCADE,
            customer_id INTEGER NOT NULL,
            a0 REAL, a1 REAL, a2 REAL, a3 REAL,
            first_order TEXT, last_order TEXT, first_order_12m TEXT,
            order_days_12m INTEGER, months_12m INTEGER,
            PRIMARY KEY (set_id, customer_id)
        ) WITHOUT ROWID
    """)


# Whose shops each import touched, counted from what it left: the same on both engines.
_M017_IMPORT_MANAGERS = """
    INSERT INTO import_managers (import_id, manager, records)
    SELECT t.import_id, coalesce(c.account_manager, ''), count(*)
    FROM (SELECT import_id, customer_id FROM orders WHERE import_id IS NOT NULL
          UNION ALL SELECT import_id, customer_id FROM visits WHERE import_id IS NOT NULL
          UNION ALL SELECT import_id, customer_id FROM changes WHERE import_id IS NOT NULL
          UNION ALL SELECT import_id, customer_id FROM notes WHERE import_id IS NOT NULL
          UNION ALL SELECT import_id, customer_id FROM followups WHERE import_id IS NOT NULL
          UNION ALL SELECT import_id, customer_id FROM complaints WHERE import_id IS NOT NULL
          UNION ALL SELECT import_id, customer_id FROM key_dates WHERE import_id IS NOT NULL
    ) AS t JOIN customers c ON c.id = t.customer_id
    GROUP BY t.import_id, coalesce(c.account_manager, '')
"""


# The columns each kind's key hashed at migration 14 (an order's note only when it has one).
_M014_LINES = {
    "orders": ("date", "brand", "qty", "amount", "unit_price", "note"),
    "visits": ("date", "kind", "kind_text", "note", "found", "satisfaction", "manager"),
}


def rekey_lines_per_shop(conn) -> None:
    """Migration 14, on either engine: an imported line's key counted identical lines across
    the whole file (a merge cannot know the count, so could not key a laptop's lines for
    the department's cards); it now counts them per shop. Each shop's lines are keyed again
    import by import: the n-th identical line of an import takes the n-th key its shop
    does not hold yet, as importing that file again would find them. Frozen: it names
    its own columns."""
    conn.execute("CREATE TEMP TABLE m014_keys (id INTEGER PRIMARY KEY, row_key TEXT NOT NULL)")
    for table, columns in _M014_LINES.items():
        conn.execute("DELETE FROM m014_keys")
        rows = conn.execute(
            f"SELECT id, customer_id, import_id, {', '.join(columns)} FROM {table}"
            " WHERE row_key IS NOT NULL ORDER BY customer_id, import_id, id"
        )
        shop, taken, seen, batch = None, set(), {}, []
        for line_id, customer_id, import_id, *values in rows:
            if customer_id != shop:
                shop, taken, seen = customer_id, set(), {}
            if table == "orders" and values[-1] is None:
                values.pop()
            content = "|".join(map(str, values))
            n = seen.get((import_id, content), 0)
            while True:
                n += 1
                key = hashlib.sha1(f"{customer_id}|{content}|{n}".encode()).hexdigest()
                if key not in taken:
                    break
            seen[import_id, content] = n
            taken.add(key)
            batch.append((line_id, key))
            if len(batch) >= 50_000:
                conn.executemany("INSERT INTO m014_keys (id, row_key) VALUES (?, ?)", batch)
                batch = []
        if batch:
            conn.executemany("INSERT INTO m014_keys (id, row_key) VALUES (?, ?)", batch)
        conn.execute(f"UPDATE {table} SET row_key = NULL WHERE row_key IS NOT NULL")
        conn.execute(
            f"UPDATE {table} SET row_key = k.row_key FROM m014_keys k WHERE {table}.id = k.id"
        )
    conn.execute("DROP TABLE m014_keys")


def migrate(conn: sqlite3.Connection) -> None:
    """Apply what is pending, each migration in its own transaction, then stamp user_version.

    user_version lets open_db() see that nothing is pending without importing sqlite-utils.
    """
    db = Database(conn, execute_plugins=False)
    migrations.apply(db)
    conn.execute(f"PRAGMA user_version = {len(migrations.applied(db))}")
