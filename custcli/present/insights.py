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
