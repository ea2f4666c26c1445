"""Who matters and who is slipping away, on a screen: the pyramid, churn warnings, loyal
customers, the managers' evaluation."""

from __future__ import annotations

from custcli import render
from custcli.i18n import _noop, tr
from custcli.kinds import BRANDS, COMPLAINTS, CUSTOMERS
from custcli.present import words
from custcli.present.lists import more, shown


def pyramid(result: dict, limit: int | None, as_json: bool) -> None:
    if as_json:
        render.emit_json({k: result[k] for k in ("as_of", "tiers", CUSTOMERS.name, "top20_share")})
        return
    rows = [
        {"tier": words.pyramid_tier(tier), **figures} for tier, figures in result["tiers"].items()
    ]
    render.table(
        rows,
        [
            ("tier", _noop("tier")),
            ("count", CUSTOMERS.noun_id),
            ("amount", _noop("amount 12m")),
            ("share", _noop("share %")),
        ],
        title=tr("pyramid as of {day}", day=result["as_of"]),
    )
    if result["top20_share"] is not None:
        render.line(
            tr(
                "the top 20% of active customers bring {share}% of the revenue"
                " (the 80/20 rule says 80%)",
                share=f"{result['top20_share']:g}",
            )
        )
    kept, left_out = shown(result["moved"], limit, as_json)
    moved = [
        {
            **m,
            "previous_tier": words.pyramid_tier(m["previous_tier"]),
            "tier": words.pyramid_tier(m["tier"]),
        }
        for m in kept
    ]
    render.table(
        moved,
        [
            ("code", _noop("code")),
            ("name", _noop("store")),
            ("previous_tier", _noop("a quarter ago")),
            ("tier", _noop("now")),
            ("amount_12m", _noop("amount 12m")),
        ],
        title=tr("moved tier since a quarter ago ({count})", count=len(result["moved"])),
    )
    more(left_out, shops=True)


def churn(day: str, kept: list[dict], count: int, as_json: bool) -> None:
    left_out = count - len(kept)
    if as_json:
        render.emit_json(kept)
        return
    render.line(tr("order data up to {day}", day=day))
    rows = [{**w, "why": words.reasons(w["reasons"])} for w in kept]
    render.table(
        rows,
        [
            ("code", _noop("code")),
            ("name", _noop("store")),
            ("district", _noop("district")),
            ("loss_per_month", _noop("loss/month")),
            ("why", _noop("why")),
        ],
    )
    more(left_out, shops=True)


def loyal(found: list[dict], as_json: bool) -> None:
    render.rows(
        found,
        [
            ("code", _noop("code")),
            ("name", _noop("store")),
            ("amount_12m", _noop("amount 12m")),
            ("growth_pct", _noop("growth %")),
            (BRANDS.name, BRANDS.noun_id),
        ],
        as_json,
    )


def managers(evaluated: list[dict], as_json: bool) -> None:
    render.rows(
        evaluated,
        [
            ("manager", _noop("manager")),
            (CUSTOMERS.name, CUSTOMERS.noun_id),
            ("coverage_pct", _noop("coverage %")),
            ("followups_on_time_pct", _noop("follow-ups on time %")),
            (COMPLAINTS.name, COMPLAINTS.noun_id),
            ("avg_days_to_resolve", _noop("days to resolve")),
            ("volume_change_pct", _noop("volume vs last month %")),
            ("avg_satisfaction", _noop("satisfaction")),
        ],
        as_json,
    )


GAP_COLUMNS = [
    ("brand", _noop("Brand")),
    ("share", _noop("peers carrying")),
]


def gaps(found: dict, as_json: bool) -> None:
    """What to suggest at the counter, and against whom it was measured."""
    if as_json:
        render.emit_json(found)
        return
    render.line(
        tr(
            "{code} {name}: brands at least {share}% of its {peers} peers (tier {tier}, {district})"
            " ordered from {first} to {last} and it did not",
            code=found["code"],
            name=found["name"],
            share=f"{found['share_at_least']:g}",
            peers=found["peers"],
            tier=found["tier"] if found["tier"] is not None else "—",
            district=found["district"] or "—",
            first=found["window"]["first"],
            last=found["window"]["before"],
        )
    )
    if found["peers"] < 3:
        render.line(tr("too few peers (shops in business of its tier in its district) to say"
                       " what they carry"))  # fmt: skip
        return
    if not found["gaps"]:
        render.line(tr("no gap: it carries what its peers carry"))
        return
    rows = [
        {
            "brand": g["brand"],
            "share": f"{g['share_pct']:g}% ({g['peers_carrying']}/{found['peers']})",
        }
        for g in found["gaps"]
    ]
    render.table(rows, GAP_COLUMNS)


COVERAGE_COLUMNS = [
    ("district", _noop("district")),
    ("tier", _noop("tier")),
    ("shops", _noop("shops")),
    ("share", _noop("shelf share")),
]


def coverage(found: dict, as_json: bool) -> None:
    if as_json:
        render.emit_json(found)
        return
    rows = [
        {**r, "tier": r["tier"] if r["tier"] is not None else "—",
         "share": f"{r['share_pct']:g}% ({r['carrying']}/{r['shops']})"}
        for r in found["rows"]
    ]  # fmt: skip
    render.table(rows, COVERAGE_COLUMNS, title=tr("{brand} carried, {first} to {last}",
                 brand=found["brand"], first=found["window"]["first"],
                 last=found["window"]["before"]))  # fmt: skip


SURGE_COLUMNS = [
    ("code", _noop("code")),
    ("name", _noop("store")),
    ("tier", _noop("tier")),
    ("brand", _noop("Brand")),
    ("qty", _noop("cartons")),
    ("why", _noop("why")),
]


def _why(surge: dict) -> str:
    if surge["rule"] == "jump":
        return tr("{times} times its usual {average} cartons a month", times=f"{surge['times']:g}",
                  average=f"{surge['average']:g}")  # fmt: skip
    return tr("outside its tier's band ({mean} ± 3 × {sd} cartons)", mean=f"{surge['mean']:g}",
              sd=f"{surge['sd']:g}")  # fmt: skip


def anomalies(found: dict, output, as_json: bool) -> None:
    """The month's order surges on a screen, as JSON, or as the 销售异动反馈表."""
    rows = [
        {**s, "brand": s["brand"] or _noop("all brands"), "why": _why(s)} for s in found["surges"]
    ]
    if output is not None:
        from custcli.io.book import write_workbook

        labels = [tr(label) for _key, label in SURGE_COLUMNS]
        write_workbook(
            output,
            [(tr("Order surges"), labels, [[r[k] for k, _l in SURGE_COLUMNS] for r in rows])],
            title=tr("Sales anomaly report, {month}", month=found["month"]),
        )
        render.line(tr("wrote {count} surges to {file}", count=len(rows), file=output))
        return
    if as_json:
        render.emit_json(found)
        return
    render.table(rows, SURGE_COLUMNS, title=tr("order surges of {month}", month=found["month"]))


TIER_STATUS = {
    "down": _noop("at risk of a lower tier"),
    "up": _noop("estimated higher"),
    "near_up": _noop("near the next tier"),
}
TIER_COLUMNS = [
    ("code", _noop("code")),
    ("name", _noop("store")),
    ("tier", _noop("tier")),
    ("estimated", _noop("estimated tier")),
    ("score", _noop("score")),
    ("status", _noop("watch")),
]


def tiers(found: dict, as_json: bool) -> None:
    if as_json:
        render.emit_json(found)
        return
    rows = [{**r, "status": tr(TIER_STATUS[r["status"]])} for r in found["shops"]]
    render.table(rows, TIER_COLUMNS, title=tr(
        "tiers estimated from orders, {first} to {last} (an estimate; the company's tiers stand)",
        first=found["window"]["first"], last=found["window"]["before"]))  # fmt: skip
