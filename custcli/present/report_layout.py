"""The monthly report as a person reads it: its title, its headline figures and their kinds
(a count, money, a rate), its detail columns, and the placeholders a company's own template
may hold. Words come from the catalogue, in the language in use; present/report_book.py
lays the workbook out and io writes it."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from custcli import kinds
from custcli.i18n import _, _noop, tr
from custcli.kinds.fields import VISIT_FIELDS, VISIT_KIND
from custcli.present.words import price_class, pyramid_tier, reasons

# How a figure is written: a count (#,##0), cartons (#,##0), money (#,##0.00), days (0.0),
# a rate (0.0%), a change (+0.0%). None is written "—": no data is not zero.
COUNT, CARTONS, MONEY, DAYS, RATE, CHANGE, TEXT, DATE = (
    "count",
    "cartons",
    "money",
    "days",
    "rate",
    "change",
    "text",
    "date",
)
NO_DATA = "—"


@dataclass(frozen=True)
class Figure:
    key: str  # in the report's summary
    label: str  # message id
    kind: str
    placeholder: str  # as a template names it: {{ 应访户数 }}


HEADLINES = (
    Figure("due", _noop("shops due"), COUNT, "应访户数"),
    Figure("visited", _noop("shops visited"), COUNT, "实访户数"),
    Figure("coverage_pct", _noop("coverage"), RATE, "覆盖率"),
    Figure(kinds.VISITS.name, kinds.VISITS.noun_id, COUNT, "拜访次数"),
    Figure("overdue_at_month_end", _noop("overdue, not visited"), COUNT, "逾期未访"),
    Figure("followups_made", _noop("follow-ups made"), COUNT, "新增跟进"),
    Figure("followups_closed", _noop("follow-ups done"), COUNT, "已办结跟进"),
    Figure("complaints_opened", kinds.COMPLAINTS.noun_id, COUNT, "投诉件数"),
    Figure("avg_days_to_resolve", _noop("average days to settle"), DAYS, "平均处理天数"),
    Figure("order_qty", _noop("cartons bought"), CARTONS, "订货量"),
    Figure("order_amount", _noop("amount bought (yuan)"), MONEY, "订货金额"),
)
# The headline rows that have a 环比 and a 同比, and where they are in the summary.
CHANGES = {
    "order_qty": ("order_qty_change_pct", "order_qty_yoy_pct"),
    "order_amount": ("order_amount_change_pct", "order_amount_yoy_pct"),
}
CHANGE_PLACEHOLDERS = {
    "order_qty_change_pct": "订货量环比",
    "order_qty_yoy_pct": "订货量同比",
    "order_amount_change_pct": "订货金额环比",
    "order_amount_yoy_pct": "订货金额同比",
}
CHANGE_MEANINGS = {
    "order_qty_change_pct": _noop("cartons against last month"),
    "order_qty_yoy_pct": _noop("cartons against a year before"),
    "order_amount_change_pct": _noop("amount against last month"),
    "order_amount_yoy_pct": _noop("amount against a year before"),
}


def title(month: str) -> str:
    year, number = month.split("-")
    return tr("Visit report for {month_name}", month_name=month_name(int(year), int(number)))


def month_name(year: int, month: int) -> str:
    return tr("{month_number}/{year}", year=year, month_number=month)


def scope_lines(report: dict, company: str | None, made_on: dt.date) -> list[tuple[str, str]]:
    """The title block under the title: who, where, which period, when made."""
    scope = report["summary"]["scope"]
    period = report["period"]
    lines = [(_("Company"), company)] if company else []
    lines += [
        (_("District"), scope.get("district") or _("all districts")),
        (_("Account manager"), scope.get("account_manager") or _("all account managers")),
        (_("Period"), tr("{first} to {last}", first=period["first"], last=period["last"])),
        (_("Made on"), made_on.isoformat()),
    ]
    return lines


def attention_lines(report: dict) -> list[str]:
    """What needs attention, one line a shop: overdue, slipping away, complaints open."""
    attention = report["attention"]
    lines = [
        tr("{code} {name}: {days} days overdue", days=r["days_overdue"], **_shop(r))
        for r in attention["overdue"]
    ]
    lines += [  # the first reason is the largest loss: enough for a line
        tr("{code} {name}: {why}", why=reasons(w["reasons"][:1]), **_shop(w))
        for w in attention["churn"]
    ]
    lines += [
        tr(
            "{code} {name}: complaint open since {day} ({text})",
            day=c["opened_on"],
            text=c["text"],
            **_shop(c),
        )
        for c in attention[kinds.COMPLAINTS.name]
    ]
    return lines


def _shop(row: dict) -> dict:
    return {"code": row["code"], "name": row["name"]}


def summary_rows(report: dict) -> list[tuple[str, object, str]]:
    """(label, value, kind) of every headline figure, the changes after their figure."""
    summary = report["summary"]
    rows = []
    for figure in HEADLINES:
        value = summary[figure.key]
        if figure.kind == RATE and value is not None:
            value = value / 100
        rows.append((_(figure.label), value, figure.kind))
        for key, label in zip(
            CHANGES.get(figure.key, ()),
            (_noop("vs last month"), _noop("vs a year before")),
            strict=False,
        ):
            change = summary[key]
            rows.append(("  " + _(label), None if change is None else change / 100, CHANGE))
    return rows


def shown(value: object, kind: str) -> str:
    """A figure as text (for the terminal, and a template's cells)."""
    if value is None:
        return NO_DATA if kind in (RATE, CHANGE, DAYS, MONEY, CARTONS) else ""
    if kind in (COUNT, CARTONS):
        return f"{value:,.0f}"
    if kind == MONEY:
        return f"{value:,.2f}"
    if kind == DAYS:
        return f"{value:.1f}"
    if kind == RATE:
        return f"{value:.1%}"
    if kind == CHANGE:
        return f"{value:+.1%}"
    return str(value)


# --- the detail sheets --------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # message id, or a registry field's label
    kind: str = TEXT
    placeholder: str = ""  # the row placeholder's field: {{ 拜访.日期 }}


def visit_columns() -> list[Column]:
    fields = {f.key: f for f in VISIT_FIELDS}

    def field(key: str, kind: str, placeholder: str) -> Column:
        return Column(key, fields[key].label(), kind, placeholder)

    return [
        field("date", DATE, "日期"),
        field("code", TEXT, "客户编码"),
        field("name", TEXT, "店名"),
        field("kind", TEXT, "方式"),
        field("note", TEXT, "内容"),
        field("found", TEXT, "发现问题"),
        field("satisfaction", COUNT, "满意度"),
        field("manager", TEXT, "客户经理"),
    ]


NOT_VISITED_COLUMNS = [
    Column("code", _noop("code"), TEXT, "客户编码"),
    Column("name", _noop("store"), TEXT, "店名"),
    Column("district", _noop("district"), TEXT, "片区"),
    Column("tier", _noop("tier"), COUNT, "档位"),
    Column("last_visit", _noop("last visit"), DATE, "上次拜访"),
    Column("due", _noop("due"), DATE, "应访日期"),
    Column("days_overdue", _noop("days overdue at month end"), COUNT, "逾期天数"),
]


def customer_columns() -> list[Column]:
    """The customer sheet's columns: the card fields the registry puts in the report, then
    the month's figures."""
    fields = [
        Column(f.key, f.label_id, COUNT if f.type.sql == "INTEGER" else TEXT)
        for f in kinds.CUSTOMERS.fields
        if f.in_report
    ]
    return [
        *fields,
        Column(kinds.VISITS.name, _noop("visits this month"), COUNT),
        Column("last_visit", _noop("last visit"), DATE),
        Column("qty", _noop("cartons"), CARTONS),
        Column("amount", _noop("amount (yuan)"), MONEY),
        Column("avg_price", _noop("yuan per carton"), MONEY),
        Column("pyramid", _noop("pyramid tier")),
    ]


MANAGER_COLUMNS = [
    Column("manager", _noop("manager")),
    Column(kinds.CUSTOMERS.name, _noop("customers served"), COUNT),
    Column("due", _noop("shops due"), COUNT),
    Column("visited", _noop("shops visited"), COUNT),
    Column("coverage_pct", _noop("coverage"), RATE),
    Column(kinds.VISITS.name, kinds.VISITS.noun_id, COUNT),
    Column("overdue_at_month_end", _noop("overdue, not visited"), COUNT),
    Column("followups_made", _noop("follow-ups made"), COUNT),
    Column("complaints_opened", kinds.COMPLAINTS.noun_id, COUNT),
    Column("order_qty", _noop("cartons bought"), CARTONS),
    Column("order_amount", _noop("amount bought (yuan)"), MONEY),
]


def detail_rows(rows: list[dict], columns: list[Column]) -> list[list]:
    """Rows for a detail sheet: the codes said (visit kinds, pyramid tiers), dates as dates,
    rates as fractions."""
    out = []
    for row in rows:
        values = []
        for column in columns:
            value = row.get(column.key)
            if column.key == "kind" and value:
                value = VISIT_KIND.render(value) + (
                    f"（{row['kind_text']}）" if row.get("kind_text") else ""
                )
            elif column.key == "pyramid":
                value = pyramid_tier(value)
            elif column.kind == DATE and value:
                value = dt.date.fromisoformat(value)
            elif column.kind == RATE and value is not None:
                value = value / 100
            values.append(value)
        out.append(values)
    return out


def chart_rows(report: dict) -> list[list]:
    weeks = [[tr("week {n}", n=week), n] for week, n in report["visits_by_week"].items()]
    classes = [[price_class(code), qty] for code, qty in report["volume_by_class"].items()]
    return weeks + classes


SHEETS = {
    "summary": _noop("Summary"),
    "managers": _noop("Account managers"),
    kinds.VISITS.name: _noop("Visit details"),
    "not_visited": _noop("Not visited"),
    kinds.CUSTOMERS.name: _noop("Customers"),
    "charts": _noop("Charts"),
}


def sheet(name: str) -> str:
    return _(SHEETS[name])


_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\']")


def manager_sheet(manager: str, taken: set[str]) -> str:
    """The name of an account manager's own sheet: what Excel allows (31 characters, none
    of []:*?/\\ or an apostrophe), and not one of the names `taken` (which it joins)."""
    base = _NOT_IN_SHEET_NAMES.sub("_", tr("Manager {name}", name=manager))[:31]
    name, n = base, 1
    while name.lower() in {t.lower() for t in taken}:
        n += 1
        name = f"{base[: 31 - len(str(n)) - 1]}~{n}"
    taken.add(name)
    return name


def footer(month: str) -> str:
    """The printed page's footer: the report on the left, the page in the middle."""
    page = _("Page &P of &N")
    return f"&L{title(month)}&C{page}"


# --- a company's template -----------------------------------------------------------------


def placeholders(report: dict, company: str | None, made_on: dt.date) -> dict[str, str]:
    """Every scalar placeholder a template may hold, with its text (Chinese names; their
    English names too, for templates written in English)."""
    summary = report["summary"]
    scope = summary["scope"]
    period = report["period"]
    values = {
        "报告期": f"{period['first']} — {period['last']}",
        "月份": summary["month"],
        "标题": title(summary["month"]),
        "单位": company or "",
        "客户经理": scope.get("account_manager") or _("all account managers"),
        "片区": scope.get("district") or _("all districts"),
        "制表日期": made_on.isoformat(),
    }
    for figure in HEADLINES:
        value = summary[figure.key]
        if figure.kind == RATE and value is not None:
            value = value / 100
        values[figure.placeholder] = shown(value, figure.kind)
    for key, name in CHANGE_PLACEHOLDERS.items():
        change = summary[key]
        values[name] = shown(None if change is None else change / 100, CHANGE)
    return {**values, **{ENGLISH[k]: v for k, v in values.items() if k in ENGLISH}}


ENGLISH = {
    "报告期": "period",
    "月份": "month",
    "标题": "title",
    "单位": "company",
    "客户经理": "manager",
    "片区": "district",
    "制表日期": "made_on",
    "应访户数": "shops_due",
    "实访户数": "shops_visited",
    "覆盖率": "coverage",
    "拜访次数": kinds.VISITS.name,
    "逾期未访": "overdue",
    "新增跟进": "followups_made",
    "已办结跟进": "followups_done",
    "投诉件数": kinds.COMPLAINTS.name,
    "平均处理天数": "days_to_settle",
    "订货量": "cartons",
    "订货金额": "amount",
    "订货量环比": "cartons_vs_last_month",
    "订货量同比": "cartons_vs_a_year_before",
    "订货金额环比": "amount_vs_last_month",
    "订货金额同比": "amount_vs_a_year_before",
}
ROW_GROUPS = {
    "拜访": kinds.VISITS.name,
    "未访": "not_visited",
}  # {{ 拜访.日期 }} rows, {{ 未访.店名 }}


def row_placeholders(report: dict) -> dict[str, list[dict[str, str]]]:
    """The repeated rows a template may hold: one per visit (拜访.…), one per shop due and not
    visited (未访.…), each field as text."""
    groups = {
        "拜访": (report[kinds.VISITS.name], visit_columns()),
        "未访": (report["not_visited"], NOT_VISITED_COLUMNS),
    }
    found = {}
    for group, (rows, columns) in groups.items():
        found[group] = [
            {
                column.placeholder: shown(value, column.kind)
                if not isinstance(value, dt.date)
                else value.isoformat()
                for column, value in zip(columns, values, strict=True)
                if column.placeholder
            }
            for values in detail_rows(rows, columns)
        ]
    return found


def placeholder_catalogue() -> list[dict[str, str]]:
    """What `cust report placeholders` lists: every placeholder with what it holds."""
    meanings = {
        "报告期": _("the period, first to last day"),
        "月份": _("the month, YYYY-MM"),
        "标题": _("the report's title"),
        "单位": _("the company, from --company"),
        "客户经理": _("the account manager, or all"),
        "片区": _("the district, or all"),
        "制表日期": _("the day the report was made"),
        **{f.placeholder: _(f.label) for f in HEADLINES},
        **{v: _(CHANGE_MEANINGS[k]) for k, v in CHANGE_PLACEHOLDERS.items()},
    }
    rows = [
        {"placeholder": f"{{{{ {name} }}}}", "english": f"{{{{ {ENGLISH[name]} }}}}", "holds": text}
        for name, text in meanings.items()
    ]
    for group, columns in (("拜访", visit_columns()), ("未访", NOT_VISITED_COLUMNS)):
        rows += [
            {
                "placeholder": f"{{{{ {group}.{c.placeholder} }}}}",
                "english": "",
                "holds": tr(
                    "a row per {what}: {field}", what=_(ROW_WORDS[group]), field=_(c.label)
                ),
            }
            for c in columns
            if c.placeholder
        ]
    return rows


ROW_WORDS = {"拜访": _noop("visit of the month"), "未访": _noop("shop due and not visited")}
