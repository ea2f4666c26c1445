"""The one-breath card (一口清) as a person reads it: on a screen, as one sentence, as JSON."""

from __future__ import annotations

from custcli import i18n, render
from custcli.i18n import _, _noop, tr
from custcli.kinds import CUSTOMERS, NOTES, VISITS, card_sections
from custcli.kinds.fields import VISIT_KIND
from custcli.kinds.normalize import render_yearday
from custcli.present import words

# The basics a manager recites first, in order (零售客户基本资料).
BASICS = (
    "owner",
    "phone",
    "address",
    "license_no",
    "settlement",
    "category",
    "format",
    "credit_grade",
    "compliance",
    "status",
)


# The basics on one screen: the person, how to reach them, what the shop is.
COMPACT_BASICS = ("owner", "phone", "format", "credit_grade", "settlement", "status")


def card_json(customer: dict) -> dict:
    return {k: customer.get(k) for k in ("id", *CUSTOMERS.keys, "extra")}


def full_sections(customer: dict) -> list[render.Section]:
    """Every card field, labelled as the registry says, grouped as it says; empty ones left
    out; the roster's own columns last."""
    sections = []
    for title, keys in card_sections():
        pairs = [
            (CUSTOMERS.field(k).label(), CUSTOMERS.field(k).render(customer.get(k)))
            for k in keys
            if customer.get(k) is not None
        ]
        sections.append((title, pairs))
    extra = customer.get("extra") or {}
    sections.append((_noop("Other"), [(k, str(v)) for k, v in extra.items()]))
    return sections


def shown(customer: dict, profile: dict, full: bool = False) -> None:
    """The card on the screen: its title, then the basics (every field with `full`), the
    business of the last months, the visits, the dealings and the warnings."""
    title = " · ".join(
        filter(
            None,
            [
                customer["name"],
                customer["code"],
                tr("tier {tier}", tier=customer["tier"]) if customer.get("tier") else None,
                customer.get("district"),
            ],
        )
    )
    if full or not render.to_terminal():
        head = full_sections(customer) if full else [(_noop("Basics"), _basics(customer, profile))]
        render.card(title, [*head, *_profile_sections(profile)])
        return
    width, height = render.size()
    render.framed(*compact(customer, profile, width, height))


# --- the card on one screen ------------------------------------------------------------------

GUTTER = 4  # a section's name in the left margin: two Chinese characters
FRAME = 2 + 2 + GUTTER + 1  # the frame's borders and padding, the margin and its gap
BREAKS = "，,；;、。） "  # where a long line may end: after these (never inside a number or date)
OPENERS = "（("  # and before these
KEEP = 10  # a line never dropped to fit (the basics, the warnings)


def _WORDLIKE(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char in ",.:-/%+")


def compact(
    customer: dict, profile: dict, width: int, height: int
) -> tuple[str, list[tuple[str, str, bool]]]:
    """The card fitted to a terminal of `width` × `height`: its title, and the frame, the
    margin and every line within the width, no value broken inside, and as many lines as the
    screen holds under the command's own line (the least important dropped first, and
    counted)."""
    sections = _compact_sections(customer, profile)
    title = [customer["name"], customer["code"]]
    title += [tr("tier {tier}", tier=customer["tier"])] if customer.get("tier") else []
    title += [customer["district"]] if customer.get("district") else []
    while len(title) > 1 and render.cells(" · ".join(title)) > width - 6:
        title.pop()  # the district, the tier, then the code (said on the first line below)
    if customer["code"] not in title:
        first = sections[0][1][0]
        sections[0][1][0] = (first[0], [customer["code"], *first[1]], *first[2:])
    gutter = max([GUTTER, *(render.cells(_(name)) for name, _items in sections)])
    room = max(width - FRAME - (gutter - GUTTER), 20)
    budget = max(height - 1 - 2, 6)  # the prompt's line, the frame's two
    lines: list[tuple[int, str, str, bool]] = []  # (priority, section, text, warning)
    for section, items in sections:
        for priority, text, packed, warn in items:
            for piece in _fitted(text, room, packed):
                lines.append((priority, section, piece, warn))
    dropped = 0
    while len(lines) > budget:
        if not dropped:
            budget -= 1  # a line to say what --full adds
        droppable = [i for i, line in enumerate(lines) if line[0] < KEEP]
        if not droppable:
            break
        lowest = min(droppable, key=lambda i: (lines[i][0], -i))
        del lines[lowest]
        dropped += 1
    shown_lines, last = [], None
    for _priority, section, text, warn in lines:
        shown_lines.append((_(section) if section != last else "", text, warn))
        last = section
    if dropped:
        shown_lines.append(("", tr("{count} more lines: --full shows them", count=dropped), False))
    return " · ".join(title), shown_lines


def _fitted(text: str | list[str], room: int, packed: bool) -> list[str]:
    """A line as it fits: items (a list) packed side by side, a long text ended at a natural
    break and carried on, a one-line text cut with … at the end."""
    if isinstance(text, list):
        return _packed(text, room)
    if render.cells(text) <= room:
        return [text]
    if not packed:  # one line at most (an old visit's note): cut
        return [_cut(text, room)]
    out, rest = [], text
    while render.cells(rest) > room:
        at = _break_before(rest, room)
        out.append(rest[:at].rstrip())
        rest = rest[at:].lstrip()
    return [*out, rest] if rest else out


def _packed(items: list[str], room: int) -> list[str]:
    out, line = [], ""
    for item in items:
        if render.cells(item) > room:
            item = _cut(item, room)
        joined = f"{line}   {item}" if line else item
        if render.cells(joined) <= room:
            line = joined
        else:
            out.append(line)
            line = item
    return [*out, line] if line else out


def _break_before(text: str, room: int) -> int:
    """Where to end a line of `text` within `room` cells: after the last natural break that
    fits, else at the room's end."""
    fit, used = 0, 0
    for index, char in enumerate(text):
        used += render.cells(char)
        if used > room:
            break
        fit = index + 1
    breaks = [i + 1 for i in range(fit) if text[i] in BREAKS]
    breaks += [i for i in range(1, fit) if text[i] in OPENERS]
    if breaks and max(breaks) > fit // 3:
        return max(breaks)
    while 0 < fit < len(text) and _WORDLIKE(text[fit - 1]) and _WORDLIKE(text[fit]):
        fit -= 1  # never inside a number, a date or a word of Latin letters
    return fit or 1


def _cut(text: str, room: int) -> str:
    out, used = "", 0
    for char in text:
        used += render.cells(char)
        if used > room - 1:
            return out + "…"
        out += char
    return out


def _compact_sections(customer: dict, profile: dict) -> list:
    """The card's sections as (section, [(priority, text or items, may wrap, warning)])."""
    biz, visits, rel = profile["business"], profile[VISITS.name], profile["relationship"]
    label = lambda key: CUSTOMERS.field(key).label()  # noqa: E731
    basics = [f"{label(k)} {CUSTOMERS.field(k).render(customer[k])}" for k in COMPACT_BASICS
              if customer.get(k) is not None]  # fmt: skip
    rhythm = [tr("visit every {days} days", days=visits["cycle_days"])]
    for key in ("order_day", "delivery_route", "license_no"):
        if customer.get(key):
            rhythm.append(f"{label(key)} {CUSTOMERS.field(key).render(customer[key])}")
    sections = [
        (
            _noop("Basics"),
            [
                (KEEP, basics, True, False),
                *(
                    [(KEEP, customer["address"], True, False)]  # an address says what it is
                    if customer.get("address")
                    else []
                ),
                (KEEP - 1, rhythm, True, False),
            ],
        )
    ]
    business = []
    if biz["monthly_avg_qty"] or biz["trend"]["sparkline"].strip("▁"):
        month = [
            f"{_('A month')} "
            + tr(
                "{qty} cartons · {amount} yuan",
                qty=words.number(biz["monthly_avg_qty"]),
                amount=words.money(biz["monthly_avg_amount"]),
            ),
            tr(
                "{count} brands · {price} yuan a carton",
                count=biz["brand_width"],
                price=words.money(biz["avg_price"]),
            ),
        ]
        if biz["pyramid"]:
            month.insert(0, tr("level {tier}", tier=words.pyramid_tier(biz["pyramid"]["tier"])))
        change = [
            tr(
                "month on month {change} · year on year {year}",
                change=words.pct_change(biz["change_vs_previous_pct"]),
                year=words.pct_change(biz["change_vs_year_ago_pct"]),
            ),
            f"{_('12 months')} {biz['trend']['sparkline']}",
        ]
        mix = [f"{words.price_class(k)}{v:.0f}%" for k, v in biz["structure"].items()]
        more = [f"{_('Mix')} {mix[0]}", *mix[1:]] if mix else []
        if biz["est_gross_profit"] is not None:
            more.append(
                tr(
                    "margin about {amount} yuan a month",
                    amount=words.money(biz["est_gross_profit"]),
                )
            )
        business = [(8, month, True, False), (6, change, True, False), (4, more, True, False)]
    from custcli.present.supply import may_order

    allowed = may_order(profile.get("supply") or {})
    if allowed:
        business.insert(1, (8, allowed, True, False))
    overdue = visits["days_overdue"]
    due = f"{_('Next visit')} {visits['next_due']}" + (
        tr(" ({days} days overdue)", days=overdue) if overdue else ""
    )
    visit_lines = [(9, due, True, False)]
    for rank, v in enumerate(visits["last"]):
        said = " ".join(
            filter(None, [words.day(v["date"]), VISIT_KIND.render(v["kind"]), v["kind_text"],
                          v["note"], v["found"]])
        )  # fmt: skip
        visit_lines.append((7 - 2 * rank, said, False, False))
    for f in visits["open_followups"]:
        deadline = words.day(f["due"]) if f["due"] else ""
        visit_lines.append((8, tr("follow-up #{id} {due} {text}", id=f["id"], due=deadline,
                                  text=f["text"]), False, False))  # fmt: skip
    dealings = []
    for c in rel["open_complaints"]:
        dealings.append((8, tr("complaint #{id} {day} {kind} {text}", id=c["id"],
                               day=words.day(c["opened_on"]), kind=c["kind"], text=c["text"]),
                         False, False))  # fmt: skip
    for d in rel["dates"]:
        name = label("birthday") if d["field"] == "birthday" else d["label"]
        yearday = render_yearday(d["day"], i18n.lang())
        dealings.append((5, [f"{name} {yearday}", f"→ {d['next']}"], True, False))
    if rel["preferences"]:
        dealings.append((5, f"{label('preferences')} {rel['preferences']}", False, False))
    for n in rel[NOTES.name][:3]:
        dealings.append((3, f"{words.day(n['noted_on'])} {n['text']}", False, False))
    if rel["last_satisfaction"]:
        sat = rel["last_satisfaction"]
        dealings.append((2, tr("satisfaction {score}/5 ({day})", score=sat["satisfaction"],
                               day=words.day(sat["date"])), False, False))  # fmt: skip
    warnings = [(KEEP, f"! {words.alert(a)}", True, True) for a in profile["alerts"]]
    sections += [
        (_noop("Business"), business),
        (_noop("Visits"), visit_lines),
        (_noop("Dealings"), dealings),
        (_noop("Warnings"), warnings),
    ]
    return [(name, items) for name, items in sections if items]


def sections(customer: dict, profile: dict) -> list[tuple[str, list[str], bool]]:
    """The card's sections as another page lays them out (the phone's pack): (title, lines,
    whether they are warnings), the same facts as the screen's, most important first."""
    laid = []
    for name, items in _compact_sections(customer, profile):
        lines = [" · ".join(text) if isinstance(text, list) else text
                 for _priority, text, _wrap, _warning in items]  # fmt: skip
        laid.append((_(name), lines, any(warning for *_rest, warning in items)))
    return laid


def said(customer: dict, profile: dict) -> str:
    """The card as one sentence to read aloud."""
    from custcli.present.supply import may_order

    return words.say(
        customer,
        profile["business"],
        profile[VISITS.name],
        profile["alerts"],
        may_order(profile.get("supply") or {}, most=2),
    )


def _basics(customer: dict, profile: dict) -> list[tuple[str, str]]:
    visits = profile[VISITS.name]
    pairs = [
        (CUSTOMERS.field(k).label(), CUSTOMERS.field(k).render(customer[k]))
        for k in BASICS
        if customer.get(k) is not None
    ]
    cycle = tr("every {days} days", days=visits["cycle_days"])
    if customer.get("order_day"):
        cycle += f" · {CUSTOMERS.field('order_day').label()} {customer['order_day']}"
    pairs.insert(3, (_noop("Visits"), cycle))
    return pairs


def _profile_sections(profile: dict) -> list[render.Section]:
    biz, visits, rel = profile["business"], profile[VISITS.name], profile["relationship"]
    business_lines = []
    if biz["monthly_avg_qty"] or biz["trend"]["sparkline"].strip("▁"):
        business_lines = [
            (
                _noop("A month"),
                tr(
                    "{qty} cartons · {amount} yuan",
                    qty=f"{biz['monthly_avg_qty']:g}",
                    amount=words.money(biz["monthly_avg_amount"]),
                ),
            ),
            (
                _noop("Brands · per carton"),
                tr(
                    "{count} · {price} yuan",
                    count=biz["brand_width"],
                    price=words.money(biz["avg_price"]),
                ),
            ),
            (
                _noop("Mix"),
                " ".join(f"{words.price_class(k)} {v:.0f}%" for k, v in biz["structure"].items())
                or "—",
            ),
            (
                tr(
                    "{now} vs {before} · vs {year_ago}",
                    now=_period(biz),
                    before=_period(biz["previous"]),
                    year_ago=_period(biz["year_ago"]),
                ),
                f"{words.pct_change(biz['change_vs_previous_pct'])} · "
                f"{words.pct_change(biz['change_vs_year_ago_pct'])}",
            ),
            (_noop("12 months"), biz["trend"]["sparkline"]),
        ]
        if biz["pyramid"]:
            business_lines.insert(
                0,
                (
                    _noop("Pyramid"),
                    tr(
                        "{tier} · {amount} yuan in 12 months ({as_of})",
                        tier=words.pyramid_tier(biz["pyramid"]["tier"]),
                        amount=words.money(biz["pyramid"]["amount_12m"]),
                        as_of=biz["pyramid"]["as_of"],
                    ),
                ),
            )
        if biz["est_gross_profit"] is not None:
            business_lines.insert(
                3,
                (
                    _noop("Est. margin a month"),
                    tr("{amount} yuan", amount=words.money(biz["est_gross_profit"])),
                ),
            )
    supply = profile.get("supply") or {}
    if supply.get("allowances"):
        from custcli.present.supply import may_order

        business_lines.append((_noop("Supply"), may_order(supply, most=12)))
    overdue = visits["days_overdue"]
    due = visits["next_due"] + (tr(" ({days} days overdue)", days=overdue) if overdue else "")
    visit_lines = [(_noop("Next visit"), due)]
    visit_lines += [
        (
            v["date"],
            " ".join(
                filter(None, [VISIT_KIND.render(v["kind"]), v["kind_text"], v["note"], v["found"]])
            ),
        )
        for v in visits["last"]
    ]
    visit_lines += [
        (f"#{f['id']} {f['due'] or ''}".strip(), f["text"]) for f in visits["open_followups"]
    ]
    dealings = (
        [(CUSTOMERS.field("preferences").label(), rel["preferences"])] if rel["preferences"] else []
    )
    dealings += [(n["noted_on"], n["text"]) for n in rel[NOTES.name][:3]]
    for d in rel["dates"]:
        label = CUSTOMERS.field("birthday").label() if d["field"] == "birthday" else d["label"]
        dealings.append((label, f"{render_yearday(d['day'], i18n.lang())} → {d['next']}"))
    dealings += [
        (
            tr("Complaint #{id}", id=c["id"]),
            f"{c['opened_on']} {c['kind']} {c['text']}",
        )
        for c in rel["open_complaints"]
    ]
    if rel["last_satisfaction"]:
        sat = rel["last_satisfaction"]
        dealings.append((_noop("Satisfaction"), f"{sat['satisfaction']}/5 ({sat['date']})"))
    warnings = [("!", words.alert(a)) for a in profile["alerts"]]
    return [
        (tr("Business (last {months} months)", months=biz["months"]), business_lines),
        (_noop("Visits"), visit_lines),
        (_noop("Dealings"), dealings),
        (_noop("Warnings"), warnings),
    ]


def _period(window: dict) -> str:
    """A window of months as a label: 2026-08–10 (or 2026-08 for one month)."""
    first, last = window["from"][:7], window["to"][:7]
    return (
        first
        if first == last
        else f"{first}–{last[5:]}"
        if first[:4] == last[:4]
        else (f"{first}–{last}")
    )
