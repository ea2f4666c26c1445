"""A field day: which shops to visit and why, in the order a manager walks them, kept for the
day and closed in one line.

Choosing: the shops overdue and due on the day, those whose 订货日 is the day after (visited
the day before they order), promises (follow-ups) falling due, complaints open and the
dates (birthdays) of the day; the most pressing first, up to `most`.

Ordering: grouped by 配送线路 (else 片区); inside a group, by coordinates when the cards have
them — nearest neighbour from every start, then 2-opt, the shortest kept — else by street
and house number (同一条路的店挨着, 门牌号从小到大). A day is 10–40 stops: the whole search is a
few milliseconds of pure Python, so no solver is worth its dependency (OR-Tools is ~100 MB
and answers the same at this size).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
import sqlite3
from collections.abc import Sequence
from typing import NamedTuple

from custcli.db import routes as q
from custcli.db import visits as visit_q
from custcli.db.engine import write_transaction
from custcli.domain import schedule
from custcli.domain.customers import resolve
from custcli.errors import BadInput, NotFound
from custcli.kinds import VISITS
from custcli.kinds.normalize import WEEKDAY_NAMES, weekdays
from custcli.scope import Scope

MOST = 25  # stops a day, unless --max says
# Why a shop is on the plan, most pressing first: (code, weight).
REASONS = ("complaint", "overdue", "promise", "orders_tomorrow", "date", "due", "added")
_WEIGHT = {reason: len(REASONS) - n for n, reason in enumerate(REASONS)}


class Stop(NamedTuple):
    customer_id: int
    code: str
    name: str
    reasons: tuple[str, ...]  # each "code" or "code:detail" (overdue:12, promise:送样品)
    group: str  # 配送线路, else 片区, else ""
    address: str | None
    longitude: float | None
    latitude: float | None
    weight: float


# --- choosing ------------------------------------------------------------------------------


def choose(
    conn: sqlite3.Connection,
    day: dt.date,
    scope: Scope,
    most: int = MOST,
    planned: frozenset[int] = frozenset(),
) -> list[Stop]:
    """The shops a day's route visits, each with its reasons, the most pressing `most`
    (leaving out the shops `planned` on earlier days of the same week)."""
    where = ("delivery_route", "address", "longitude", "latitude")
    cards = {c["id"]: c for c in visit_q.active_customers(conn, scope, where)}
    reasons: dict[int, list[str]] = {}
    weight: dict[int, float] = {}

    def add(customer_id: int, reason: str, extra: float = 0.0) -> None:
        if customer_id not in cards:
            return
        reasons.setdefault(customer_id, []).append(reason)
        code = reason.split(":", 1)[0]
        weight[customer_id] = max(weight.get(customer_id, 0.0), _WEIGHT[code] + extra)

    last = visit_q.last_field_visits(conn, day.isoformat())
    for row in schedule.due_list(list(cards.values()), last, day):
        customer_id = _id_of(cards, row["code"])
        if row["days_overdue"] > 0:
            add(customer_id, f"overdue:{row['days_overdue']}", min(row["days_overdue"], 99) / 100)
        else:
            add(customer_id, "due")
    tomorrow = (day + dt.timedelta(days=1)).weekday()
    for card in cards.values():
        if tomorrow in weekdays(card.get("order_day")):
            add(card["id"], f"orders_tomorrow:{WEEKDAY_NAMES[tomorrow]}")
    for f in visit_q.followups(conn, open_only=True, due_by=day.isoformat(), scope=scope):
        add(_id_of(cards, f["code"]), f"promise:{f['text']}")
    for c in visit_q.complaints(conn, open_only=True, opened_by=day.isoformat(), scope=scope):
        add(_id_of(cards, c["code"]), f"complaint:{c['text']}")
    from custcli.domain.visits import upcoming

    for d in upcoming(conn, day, 0, scope=scope):
        add(_id_of(cards, d["code"]), f"date:{d.get('label') or ''}")
    chosen = sorted(
        (cid for cid in reasons if cid not in planned),
        key=lambda cid: (-weight[cid], cards[cid]["code"]),
    )[:most]
    return [_stop(cards[cid], reasons[cid], weight[cid]) for cid in chosen]


def _id_of(cards: dict[int, dict], code: str) -> int:
    return next((cid for cid, c in cards.items() if c["code"] == code), -1)


def _stop(card: dict, reasons: Sequence[str], weight: float = 0.0) -> Stop:
    return Stop(
        card["id"],
        card["code"],
        card["name"],
        tuple(dict.fromkeys(reasons)),
        card.get("delivery_route") or card.get("district") or "",
        card.get("address"),
        card.get("longitude"),
        card.get("latitude"),
        weight,
    )


# --- ordering ------------------------------------------------------------------------------


def ordered(stops: Sequence[Stop]) -> list[Stop]:
    """The stops as a walk: group by group (配送线路 or 片区), each group in route order."""
    groups: dict[str, list[Stop]] = {}
    for stop in stops:
        groups.setdefault(stop.group, []).append(stop)
    walk: list[Stop] = []
    for name in sorted(groups):
        walk += _in_group(groups[name])
    return walk


def _in_group(stops: list[Stop]) -> list[Stop]:
    placed = [s for s in stops if s.longitude is not None and s.latitude is not None]
    if len(placed) == len(stops) and len(stops) > 2:
        points = [(s.longitude, s.latitude) for s in stops]
        return [stops[i] for i in shortest_path(points)]
    # without coordinates (or only some): by street, then house number
    return sorted(stops, key=lambda s: street_key(s.address))


_HOUSE_RE = re.compile(r"^(.*?(?:路|街|道|巷|弄|胡同|大道|村|镇|组))\s*(\d+)\s*(?:号|栋|幢)?")


def street_key(address: str | None) -> tuple[str, int, str]:
    """(street, house number, the rest) of a Chinese address: 北京路12号 → (北京路, 12);
    one with no number sorts after its street's numbered ones."""
    text = (address or "").strip()
    match = _HOUSE_RE.match(text)
    if match:
        return match.group(1), int(match.group(2)), text
    return text, 10**9, text


def distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Metres between two (longitude, latitude) points (an equirectangular projection:
    within a city it differs from the great circle by far less than a street's width)."""
    mean_lat = math.radians((a[1] + b[1]) / 2)
    dx = math.radians(b[0] - a[0]) * math.cos(mean_lat)
    dy = math.radians(b[1] - a[1])
    return 6_371_000 * math.hypot(dx, dy)


def path_length(points: Sequence[tuple[float, float]], order: Sequence[int]) -> float:
    return sum(distance(points[i], points[j]) for i, j in itertools.pairwise(order))


def shortest_path(points: Sequence[tuple[float, float]]) -> list[int]:
    """An open path through every point, short: nearest neighbour from each start, each
    improved by 2-opt, the shortest kept (never longer than the points as given)."""
    n = len(points)
    if n <= 2:
        return list(range(n))
    near = [[distance(points[i], points[j]) for j in range(n)] for i in range(n)]
    best = _two_opt(list(range(n)), near)
    for start in range(n):
        left, path = set(range(n)) - {start}, [start]
        while left:
            nxt = min(left, key=lambda j: near[path[-1]][j])
            path.append(nxt)
            left.remove(nxt)
        path = _two_opt(path, near)
        if _length(path, near) < _length(best, near):
            best = path
    return best


def _length(path: list[int], near: list[list[float]]) -> float:
    return sum(near[i][j] for i, j in itertools.pairwise(path))


def _two_opt(path: list[int], near: list[list[float]]) -> list[int]:
    """Reverse any stretch of the path that makes it shorter, until none does (an open
    path: the ends are free)."""
    improved = True
    while improved:
        improved = False
        for i in range(len(path) - 1):
            for j in range(i + 1, len(path)):
                a, b = path[i - 1] if i else None, path[i]
                c, d = path[j], path[j + 1] if j + 1 < len(path) else None
                before = (near[a][b] if a is not None else 0) + (near[c][d] if d is not None else 0)
                after = (near[a][c] if a is not None else 0) + (near[b][d] if d is not None else 0)
                if after < before - 1e-9:
                    path[i : j + 1] = reversed(path[i : j + 1])
                    improved = True
    return path


# --- the kept route ------------------------------------------------------------------------


WORKING_DAYS = 6  # Monday to Saturday: a manager's week on foot


def plan_week(
    conn: sqlite3.Connection, day: dt.date, scope: Scope, most: int = MOST
) -> list[tuple[dt.date, list[dict]]]:
    """A route for each working day from `day` to the week's Saturday, no shop twice: each
    day takes the most pressing shops the days before it left."""
    monday = day - dt.timedelta(days=day.weekday())
    days = [monday + dt.timedelta(days=n) for n in range(WORKING_DAYS)]
    planned: set[int] = set()
    week = []
    for each in (d for d in days if d >= day):
        stops = plan(conn, each, scope, most, frozenset(planned))
        planned |= {s["customer_id"] for s in stops}
        week.append((each, stops))
    return week


def plan(
    conn: sqlite3.Connection,
    day: dt.date,
    scope: Scope,
    most: int = MOST,
    planned: frozenset[int] = frozenset(),
) -> list[dict]:
    """Choose and order the day's stops and keep them (a plan made again replaces the day's
    open plan; a closed day is kept as it was)."""
    stops = ordered(choose(conn, day, scope, most, planned))
    with write_transaction(conn):
        if q.closed(conn, day.isoformat()):
            raise BadInput(
                "the route of {day} is closed; `cust imports undo` reopens it", day=day.isoformat()
            )
        q.replace(conn, day.isoformat(), [(s.customer_id, ",".join(s.reasons)) for s in stops])
    return shown(conn, day)


def shown(conn: sqlite3.Connection, day: dt.date) -> list[dict]:
    """The day's kept route, stop by stop (its number, the shop, why)."""
    return q.stops(conn, day.isoformat())


def add(conn: sqlite3.Connection, day: dt.date, ref: str) -> dict:
    with write_transaction(conn):
        _open(conn, day)
        customer = resolve(conn, ref)
        q.add(conn, day.isoformat(), customer["id"], "added")
    return customer


def drop(conn: sqlite3.Connection, day: dt.date, ref: str) -> dict:
    with write_transaction(conn):
        _open(conn, day)
        customer = resolve(conn, ref)
        if not q.drop(conn, day.isoformat(), customer["id"]):
            raise NotFound(
                "{code} is not on the route of {day}", code=customer["code"], day=day.isoformat()
            )
    return customer


def _open(conn, day: dt.date) -> None:
    if q.closed(conn, day.isoformat()):
        raise BadInput(
            "the route of {day} is closed; `cust imports undo` reopens it", day=day.isoformat()
        )


def route_cards(conn: sqlite3.Connection, day: dt.date, today: dt.date) -> list[dict]:
    """The day's stops, each with its card and its one-breath profile (as `cust show` has
    them), for the pack the manager carries."""
    from custcli.db import customers as customer_q
    from custcli.domain.profile import one_breath

    carried = []
    for stop in q.stops(conn, day.isoformat()):
        customer = customer_q.by_id(conn, stop["customer_id"])
        carried.append(
            {**stop, "customer": customer, "profile": one_breath(conn, customer, today, 3)}
        )
    return carried


# --- closing the day -----------------------------------------------------------------------

# What a stop's outcome may be written as, and what it is recorded as: a field visit done, a
# phone call instead, or an abnormal visit (异常拜访) with its reason, which leaves the visit
# cycle as it was.
OUTCOMES = {
    "到访": ("field", None),
    "完成": ("field", None),
    "电话": ("phone", None),
    "关门": ("abnormal", "关门"),
    "闭店": ("abnormal", "关门"),
    "拒访": ("abnormal", "拒访"),
    "未见到人": ("abnormal", "未见到人"),
    "没人": ("abnormal", "未见到人"),
}


def parse_outcomes(words: Sequence[str], numbers: set[int]) -> dict[int, tuple[str, str | None]]:
    """`1-9,11 10=关门 12=电话` → {stop number: (visit kind, reason)}; every number must be on
    the route and said once."""
    said: dict[int, tuple[str, str | None]] = {}
    for word in " ".join(words).replace("，", ",").split():
        spec, _eq, outcome = word.partition("=")
        if outcome and outcome not in OUTCOMES:
            raise BadInput(
                "{outcome} is not an outcome; say 关门, 拒访, 未见到人 or 电话 (nothing: visited)",
                outcome=outcome,
            )
        recorded = OUTCOMES[outcome] if outcome else ("field", None)
        for n in _numbers(spec):
            if n not in numbers:
                raise BadInput("the route has no stop {n}", n=n)
            if n in said:
                raise BadInput("stop {n} is named twice", n=n)
            said[n] = recorded
    if not said:
        raise BadInput("say which stops were visited: 1-9,11 10=关门 12=电话")
    return said


def _numbers(spec: str) -> list[int]:
    found = []
    for part in filter(None, spec.split(",")):
        first, dash, last = part.partition("-")
        if not first.isdigit() or (dash and not last.isdigit()):
            raise BadInput("{part} is not a stop number or a range such as 1-9", part=part)
        found += range(int(first), int(last or first) + 1)
    return found


def close(conn: sqlite3.Connection, day: dt.date, today: dt.date, words: Sequence[str]) -> dict:
    """Record the day from the route's numbers, as one change `cust imports undo` takes back:
    visits done, calls made, abnormal visits with their reason."""
    if day > today:
        raise BadInput(
            "the route of {day} is not over yet; close it on the day or after", day=day.isoformat()
        )
    with write_transaction(conn):
        stops = q.stops(conn, day.isoformat())
        if not stops:
            raise NotFound(
                "there is no route for {day}; `cust route` plans one", day=day.isoformat()
            )
        if q.closed(conn, day.isoformat()):
            raise BadInput("the route of {day} is closed already", day=day.isoformat())
        outcomes = parse_outcomes(words, {s["n"] for s in stops})
        by_number = {s["n"]: s for s in stops}
        records = [
            (by_number[n]["customer_id"], kind, reason, by_number[n].get("account_manager"))
            for n, (kind, reason) in sorted(outcomes.items())
        ]
        import_id = q.close(conn, day.isoformat(), records, VISITS.name)
    counts = {"field": 0, "phone": 0, "abnormal": 0}
    for _cid, kind, _reason, _manager in records:
        counts[kind] += 1
    return {
        "day": day.isoformat(),
        "import_id": import_id,
        "counts": counts,
        "left": len(stops) - len(records),
    }
