"""The 一口清 drill (岗位练兵): name a shop, ask for its facts, check the answers kindly."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections.abc import Callable

from custcli.db import drill as q
from custcli.db.connection import write_transaction
from custcli.domain.business import add_months, month_start
from custcli.domain.normalize import halfwidth
from custcli.domain.schedule import order_weekday
from custcli.domain.search import pinyin_keys

WEEKDAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
LABELS = {
    "owner": "店主",
    "phone": "电话",
    "visit_day": "拜访日",
    "tier": "档位",
    "settlement": "结算方式",
    "last_month_qty": "上月购进(条)",
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
    return order_weekday(halfwidth(answer).replace("星期", "周")) == order_weekday(expected)


def questions(conn: sqlite3.Connection, shop: dict, as_of: dt.date) -> list[dict]:
    """The facts to ask about one shop; facts the card does not hold are not asked."""
    asked = []

    def ask(field: str, question: str, answer, check: Callable[[str], bool]) -> None:
        if answer not in (None, ""):
            asked.append({"field": field, "question": question, "answer": answer, "check": check})

    ask("owner", "店主是谁？", shop["owner"], lambda a: _matches_name(a, shop["owner"]))
    ask("phone", "电话多少？", shop["phone"], lambda a: _plain(a) == _plain(shop["phone"] or ""))
    weekday = order_weekday(shop["order_cycle"])
    if weekday is not None:
        visit_day = WEEKDAY_NAMES[(weekday - 1) % 7]
        ask(
            "visit_day",
            "哪天去拜访（订货日前一天）？",
            visit_day,
            lambda a: _matches_weekday(a, visit_day),
        )
    ask("tier", "几档？", shop["tier"], lambda a: _matches_number(a, shop["tier"]))
    ask(
        "settlement",
        "结算方式？",
        shop["settlement"],
        lambda a: _matches_text(a, shop["settlement"]),
    )
    this_month = month_start(as_of)
    volume = q.month_volume(
        conn, shop["id"], add_months(this_month, -1).isoformat(), this_month.isoformat()
    )
    ask(
        "last_month_qty",
        "上月购进多少条？",
        volume,
        lambda a: _matches_number(a, volume, VOLUME_TOLERANCE),
    )
    return asked


def pick(conn: sqlite3.Connection, district: str | None, count: int, as_of: dt.date) -> list[dict]:
    return [
        {
            "code": s["code"],
            "name": s["name"],
            "id": s["id"],
            "questions": questions(conn, s, as_of),
        }
        for s in q.candidates(conn, district, count)
    ]


def run(conn: sqlite3.Connection, shops: list[dict], ask: Callable[[str, str], str]) -> dict:
    """Ask every question through `ask(shop name, question)`; record what was missed."""
    right, missed = 0, []
    with write_transaction(conn):
        for shop in shops:
            misses = 0
            for item in shop["questions"]:
                if item["check"](ask(shop["name"], item["question"])):
                    right += 1
                else:
                    misses += 1
                    missed.append(
                        {
                            "code": shop["code"],
                            "name": shop["name"],
                            "field": item["field"],
                            "answer": item["answer"],
                        }
                    )
            q.record(conn, shop["id"], misses)
    total = right + len(missed)
    return {
        "right": right,
        "asked": total,
        "score": round(right / total * 100) if total else None,
        "missed": missed,
    }


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
