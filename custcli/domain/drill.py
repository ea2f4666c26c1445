"""The 一口清 drill (岗位练兵): name a shop, ask for its facts, check the answers kindly."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections.abc import Callable

from custcli.db import drill as q
from custcli.db.engine import write_transaction
from custcli.domain.search import pinyin_keys
from custcli.i18n import _noop
from custcli.kinds.normalize import WEEKDAY_NAMES, halfwidth, weekdays
from custcli.months import add_months, month_start

# What each question asks about, as message ids (the edge says them).
LABELS = {
    "owner": _noop("owner"),
    "phone": _noop("phone"),
    "order_days": _noop("order day"),
    "tier": _noop("tier"),
    "settlement": _noop("settlement"),
    "last_month_qty": _noop("cartons last month"),
}
VOLUME_TOLERANCE = 0.1  # last month's volume within 10% counts as right


def _plain(text: str) -> str:
    return re.sub(r"[\s\-·,，。]", "", halfwidth(text)).lower()


def _matches_name(answer: str, expected: str) -> bool:
    given = _plain(answer)
    return given == _plain(expected) or given in pinyin_keys(expected)


def _matches_number(answer: str, expected: float, tolerance: float = 0.0) -> bool:
    digits = re.sub(r"[^\d.]", "", halfwidth(answer))
    try:
        value = float(digits)
    except ValueError:
        return False
    return abs(value - expected) <= max(tolerance * expected, 0.5)


def _matches_text(answer: str, expected: str) -> bool:
    given = _plain(answer)
    return bool(given) and (given == _plain(expected) or given in _plain(expected))


def _matches_weekday(answer: str, expected: str) -> bool:
    return bool(weekdays(expected)) and weekdays(halfwidth(answer)) == weekdays(expected)


def questions(conn: sqlite3.Connection, shop: dict, as_of: dt.date) -> list[dict]:
    """The facts to ask about one shop; facts the card does not hold are not asked."""
    asked = []

    def ask(field: str, question: str, answer, check: Callable[[str], bool]) -> None:
        if answer not in (None, ""):
            asked.append({"field": field, "question": question, "answer": answer, "check": check})

    ask("owner", _noop("Who owns it?"), shop["owner"], lambda a: _matches_name(a, shop["owner"]))
    ask(
        "phone",
        _noop("Its phone?"),
        shop["phone"],
        lambda a: _plain(a) == _plain(shop["phone"] or ""),
    )
    days = weekdays(shop["order_day"])
    if days:
        order_days = "、".join(WEEKDAY_NAMES[d] for d in days)
        ask(
            "order_days",
            _noop("Which day does it order?"),
            order_days,
            lambda a: _matches_weekday(a, order_days),
        )
    ask("tier", _noop("Which tier?"), shop["tier"], lambda a: _matches_number(a, shop["tier"]))
    ask(
        "settlement",
        _noop("How does it settle?"),
        shop["settlement"],
        lambda a: _matches_text(a, shop["settlement"]),
    )
    this_month = month_start(as_of)
    volume = q.month_volume(
        conn, shop["id"], add_months(this_month, -1).isoformat(), this_month.isoformat()
    )
    ask(
        "last_month_qty",
        _noop("Cartons bought last month?"),
        volume,
        lambda a: _matches_number(a, volume, VOLUME_TOLERANCE),
    )
    return asked


def pick(conn: sqlite3.Connection, district: str | None, count: int, as_of: dt.date) -> list[dict]:
    """The shops to ask about, with their questions; a shop whose name another shop shares
    is labelled with its code as well."""
    shops = q.candidates(conn, district, count)
    shared = q.shared_names(conn, [s["name"] for s in shops])
    return [
        {
            "code": s["code"],
            "name": s["name"],
            "label": f"{s['name']}（{s['code']}）" if s["name"] in shared else s["name"],
            "id": s["id"],
            "questions": questions(conn, s, as_of),
        }
        for s in shops
    ]


Ask = Callable[[dict, dict], str]  # (shop, question) → the answer typed
Tell = Callable[[dict, dict, bool], None]  # (shop, question, right?) → feedback shown


class Stopped(Exception):
    """The person stopped the drill (Ctrl-C, or the end of input): the answers given so far
    still count, and are kept."""


def run(shops: list[dict], ask: Ask, tell: Tell) -> dict:
    """Ask every question, say after each whether it was right; touches no database, so
    nothing waits on a person thinking. `record` writes the outcome afterwards. An `ask`
    that raises Stopped ends the drill there: what was answered is the result."""
    right, missed, misses_by_shop = 0, [], {}
    stopped = False
    for shop in shops:
        if stopped:
            break
        for item in shop["questions"]:
            try:
                answer = ask(shop, item)
            except Stopped:
                stopped = True
                break
            misses_by_shop.setdefault(shop["id"], 0)
            ok = bool(item["check"](answer or ""))
            tell(shop, item, ok)
            if ok:
                right += 1
                continue
            misses_by_shop[shop["id"]] += 1
            missed.append(
                {
                    "code": shop["code"],
                    "name": shop["name"],
                    "field": item["field"],
                    "label": LABELS[item["field"]],
                    "answer": item["answer"],
                }
            )
    total = right + len(missed)
    return {
        "right": right,
        "asked": total,
        "score": round(right / total * 100) if total else None,
        "missed": missed,
        "misses_by_shop": misses_by_shop,
        "stopped": stopped,
    }


def record(conn: sqlite3.Connection, result: dict) -> None:
    """Keep what was missed, in one short transaction, so those shops come back first."""
    with write_transaction(conn):
        for customer_id, misses in result["misses_by_shop"].items():
            q.record(conn, customer_id, misses)


def public(shops: list[dict]) -> list[dict]:
    """The questions and answers without the checking functions, for --json."""
    return [
        {
            "code": s["code"],
            "name": s["name"],
            "questions": [
                {k: v for k, v in item.items() if k != "check"} for item in s["questions"]
            ],
        }
        for s in shops
    ]
