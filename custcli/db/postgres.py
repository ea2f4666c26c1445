"""PostgreSQL, for a department on one database: the same queries as SQLite, through a
connection that speaks like sqlite3's.

The queries are written once, in the SQL both engines speak. What differs lives here:
- placeholders: `?` and `:name` become psycopg's `%s` and `%(name)s`;
- `BEGIN IMMEDIATE` is SQLite's way to take the write lock first; PostgreSQL locks rows;
- LIKE is case-blind for ASCII in SQLite: ILIKE here;
- the few SQLite functions the queries use (total, round of a float, julianday, strftime of
  the local time, instr, sum of a comparison) are created in the database by `custcli.db.schema`;
- rows answer to `row[0]`, `row["name"]` and `dict(row)`, as sqlite3.Row does.

psycopg is imported only when a PostgreSQL URL is given (`pip install 'yikouqing[postgres]'`):
SQLite's start-up never pays for it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from custcli.errors import BadInput

URL = re.compile(r"^postgres(?:ql)?://", re.IGNORECASE)


def is_url(text: object) -> bool:
    return bool(URL.match(str(text)))


_SECRET_PARAMS = ("password", "sslpassword")


def _parts(url: str) -> tuple[str, str, str, str]:
    """A URL's scheme, the user info before its host (everything up to the last @ before
    the path), the host and path after it, and its query."""
    scheme, _, rest = url.partition("://")
    rest, _, query = rest.partition("?")
    userinfo, at, place = rest.rpartition("@")
    return scheme, userinfo if at else "", place, query


def secrets_in(url: str) -> list[str]:
    """Every password a URL may hold, as written and decoded: the part after the first ':'
    of its user info, and the values of its password parameters."""
    from urllib.parse import parse_qsl, unquote

    _scheme, userinfo, _place, query = _parts(url)
    found = []
    if ":" in userinfo:
        found.append(userinfo.split(":", 1)[1])
    found += [v for k, v in parse_qsl(query, keep_blank_values=True) if k in _SECRET_PARAMS]
    found += [unquote(v) for v in found]
    return sorted({v for v in found if v}, key=len, reverse=True)


def masked(url: str) -> str:
    """A URL fit to print: its user, host, database and parameters, never a password (in
    the user info, raw @ and / included, or as a parameter)."""
    from urllib.parse import parse_qsl, urlencode

    scheme, userinfo, place, query = _parts(url)
    user = userinfo.split("@", 1)[0].split(":", 1)[0]
    kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k not in _SECRET_PARAMS]
    shown = f"{scheme}://{user + '@' if user else ''}{place}"
    return shown + (f"?{urlencode(kept, safe='/')}" if kept else "")


def scrubbed(text: str, url: str) -> str:
    """A message about a URL (a server's refusal) with any password of it taken out."""
    for secret in secrets_in(url):
        text = text.replace(secret, "…")
    return text


def _ambiguous(url: str) -> bool:
    """Whether the user info holds a raw @ or / (a password written unencoded): libpq would
    read part of the password as the host, and say it in its errors."""
    rest = url.partition("://")[2].partition("?")[0]
    userinfo = rest.rpartition("@")[0]
    return "@" in userinfo or "/" in userinfo


class Row:
    """One result row: by position, by column name, or as a dict (keys())."""

    __slots__ = ("_index", "_values")

    def __init__(self, values: Sequence, index: dict[str, int]):
        self._values, self._index = values, index

    def __getitem__(self, key: int | str | slice) -> Any:
        if isinstance(key, str):
            return self._values[self._index[key]]
        return self._values[key]

    def keys(self) -> list[str]:
        return list(self._index)

    def __iter__(self) -> Iterator:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Row({dict(zip(self._index, self._values, strict=True))!r})"


def _rows(cursor):
    names = {column.name: i for i, column in enumerate(cursor.description or ())}
    return lambda values: Row(values, names)


_TOKENS = re.compile(
    r"'(?:[^']|'')*'|\?|(?<![:\w]):([A-Za-z_]\w*)|%|\bLIKE\b"
    r"|^\s*BEGIN IMMEDIATE|\s*\bWITHOUT ROWID\b"
)


@functools.lru_cache(maxsize=512)
def translate(sql: str) -> str:
    """SQLite's SQL as psycopg takes it (see the module's docstring)."""

    def one(match: re.Match) -> str:
        token = match.group(0)
        if token.startswith("'"):
            return token.replace("%", "%%")
        if token == "?":
            return "%s"
        if token == "%":
            return "%%"
        if token == "LIKE":
            return "ILIKE"
        if token.strip() == "BEGIN IMMEDIATE":
            return "BEGIN"
        if token.strip() == "WITHOUT ROWID":  # a table layout PostgreSQL has no word for
            return ""
        return f"%({match.group(1)})s"

    return _TOKENS.sub(one, sql)


class Connection:
    """A psycopg connection in autocommit, as cust's sqlite3 connections are: writers open
    their own transactions with BEGIN … COMMIT (custcli.db.engine.write_transaction)."""

    engine = "postgresql"

    def __init__(self, raw, url: str):
        self.raw, self.url = raw, url

    def execute(self, sql: str, params: Sequence | dict = ()):
        cursor = self.raw.cursor(row_factory=_rows)
        # Parameters always, none included: psycopg undoubles the %% translate() wrote for a
        # literal % only when it is given some (without, '50%' would be stored as '50%%').
        cursor.execute(translate(sql), params)
        return cursor

    def executemany(self, sql: str, params: Iterable[Sequence | dict]):
        cursor = self.raw.cursor(row_factory=_rows)
        cursor.executemany(translate(sql), list(params))
        return cursor

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        return self.raw.info.transaction_status != TransactionStatus.IDLE

    def close(self) -> None:
        self.raw.close()


def connect(url: str) -> Connection:
    """Open a PostgreSQL database named by a URL (custcli.db.opening migrates it)."""
    try:
        import psycopg
        from psycopg.types.numeric import FloatLoader
    except ImportError:
        raise BadInput(
            "{url} is a PostgreSQL database; install cust's PostgreSQL support:"
            " pip install 'yikouqing[postgres]'",
            url=masked(url),
        ) from None
    if _ambiguous(url):
        raise BadInput(
            "{url}: a password in the URL holds @ or /; write @ as %40 and / as %2F",
            url=masked(url),
        )
    try:
        raw = psycopg.connect(url, autocommit=True, connect_timeout=10)
    except psycopg.Error as error:
        said = str(error).strip()
        raise BadInput(
            "cannot open {url}: {error}",
            url=masked(url),
            error=scrubbed(said.splitlines()[0], url) if said else type(error).__name__,
        ) from None
    # avg() and sums of integers come back as numeric: cust's figures are floats, as in SQLite.
    raw.adapters.register_loader("numeric", FloatLoader)
    # cust's statements are short and planned anew each time: JIT compiling them cost the
    # due ranking 0.3–0.5 s a run at city scale and saved nothing measurable
    raw.execute("SET jit = off")
    return Connection(raw, url)
