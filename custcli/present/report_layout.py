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
from custcli.io.report_template import Value
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
NUMBER_FORMATS = {
    COUNT: "#,##0",
    CARTONS: "#,##0",
    MONEY: "#,##0.00",
    DAYS: "0.0",
    RATE: "0.0%",
    CHANGE: "+0.0%;-0.0%;0.0%",
    DATE: "yyyy-mm-dd",
}


@dataclass(frozen=True)
class Figure:
    key: str  # in the report's summary
    label: str  # message id
    kind: str
    placeholder: str  # as a template names it: {{ 应访户数 }}


HEADLINES = (
    Figure(kinds.CUSTOMERS.name, _noop("shops served"), COUNT, "客户户数"),
    Figure("due", _noop("shops due"), COUNT, "应访户数"),
    Figure("visited", _noop("shops visited"), COUNT, "实访户数"),
    Figure("not_visited", _noop("due, not visited"), COUNT, "逾期未访"),
    Figure("coverage_pct", _noop("coverage"), RATE, "覆盖率"),
    Figure(kinds.VISITS.name, kinds.VISITS.noun_id, COUNT, "拜访次数"),
    Figure("visits_with_problem", _noop("visits that found a problem"), COUNT, "发现问题次数"),
    Figure("overdue_at_month_end", _noop("overdue at the period's end"), COUNT, "期末逾期户数"),
    Figure("followups_made", _noop("follow-ups made"), COUNT, "新增跟进"),
    Figure("followups_closed", _noop("follow-ups done"), COUNT, "已办结跟进"),
    Figure("complaints_opened", kinds.COMPLAINTS.noun_id, COUNT, "投诉件数"),
    Figure("complaints_resolved", _noop("complaints settled"), COUNT, "办结投诉件数"),
    Figure("avg_days_to_resolve", _noop("average days to settle"), DAYS, "平均处理天数"),
    Figure("order_qty", _noop("cartons bought"), CARTONS, "订货量"),
    Figure("order_amount", _noop("amount bought (yuan)"), MONEY, "订货金额"),
)
# What each headline figure counts, printed under them (说明): a figure a head signs says
# what it is, and every figure that names shops is the row count of the sheet listing them.
DEFINITIONS = {
    kinds.CUSTOMERS.name: _noop(
        "shops in business in the period, with the district and account manager they had at"
        " its end (the Customers sheet)"
    ),
    "due": _noop("shops whose visit fell due by the period's end under the due rule"),
    "visited": _noop("shops due that had a field visit in the period"),
    "not_visited": _noop(
        "shops due with no field visit in the period: shops due minus shops visited (the Not"
        " visited sheet)"
    ),
    "coverage_pct": _noop("shops visited ÷ shops due"),
    kinds.VISITS.name: _noop(
        "every visit logged in the period, of each kind (the Visit details sheet)"
    ),
    "visits_with_problem": _noop("visits whose record says what was found"),
    "overdue_at_month_end": _noop(
        "shops past their due day at the period's end, visited in it or not (a weekly shop"
        " visited early in the month is due again)"
    ),
    "avg_days_to_resolve": _noop("days from opening to settling, of the complaints settled"),
    "order_qty": _noop(
        "cartons bought in the period as far as the order data runs; 环比 and 同比 compare the"
        " same days of the month before and of the year before"
    ),
}
# The visits of each kind, under 拜访次数 (their placeholders: 实地拜访次数 …).
VISIT_KIND_ROWS = {
    "field": "实地拜访次数",
    "phone": "电话拜访次数",
    "online": "线上拜访次数",
    "abnormal": "异常拜访次数",
}
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


def title(month: str, through: str | None = None) -> str:
    """The report's title; a month under way says how far it runs (截至 12月7日)."""
    year, number = month.split("-")
    said = tr("Visit report for {month_name}", month_name=month_name(int(year), int(number)))
    if through:
        said += tr(" (to {day})", day=short_day(through))
    return said


def short_day(day: str) -> str:
    """12月7日 / 7 Dec: a day of the period, as a title says it."""
    when = dt.date.fromisoformat(day)
    return tr("{month}/{day}", month=when.month, day=when.day)


def report_title(summary: dict) -> str:
    """The title of a report from its summary: a month or a week under way runs to its day."""
    through = None if summary.get("complete", True) else summary["through"]
    if "week" in summary:
        return week_title(summary["week"], through)
    return title(summary["month"], through)


def week_title(week: str, through: str | None = None) -> str:
    """2026年第48周 客户拜访周报（11月23日—11月29日）."""
    year, number = week.split("-W")
    monday = dt.date.fromisocalendar(int(year), int(number), 1)
    last = through or (monday + dt.timedelta(days=6)).isoformat()
    return tr(
        "Weekly visit report, week {number} of {year} ({first} to {last})",
        number=int(number),
        year=year,
        first=short_day(monday.isoformat()),
        last=short_day(last),
    )


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
    ]
    summary = report["summary"]
    orders_to = summary.get("orders_through")
    if orders_to is None:
        lines.append((_("Orders"), _("no order data for the period yet")))
    elif orders_to != summary.get("through", orders_to):
        lines.append((_("Orders"), tr("order data up to {day}", day=orders_to)))
    lines.append((_("Made on"), made_on.isoformat()))
    return lines


def definitions() -> list[tuple[str, str]]:
    """(figure, what it counts) of the 说明 block."""
    labels = {f.key: f.label for f in HEADLINES}
    return [(_(labels[key]), _(meaning)) for key, meaning in DEFINITIONS.items()]


SIGNATURES = (_noop("Prepared by"), _noop("Checked by"), _noop("Date"))


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
        if figure.key not in summary:  # a week's report counts no orders
            continue
        value = summary[figure.key]
        if figure.kind == RATE and value is not None:
            value = value / 100
        rows.append((_(figure.label), value, figure.kind))
        if figure.key == kinds.VISITS.name:
            by_kind = summary.get("visits_by_kind", {})
            for code in VISIT_KIND_ROWS:
                rows.append(("  " + VISIT_KIND.render(code), by_kind.get(code, 0), COUNT))
        for key, label in zip(
            CHANGES.get(figure.key, ()),
            (_noop("vs last month"), _noop("vs a year before")),
            strict=False,
        ):
            change = summary[key]
            rows.append(("  " + _(label), None if change is None else change / 100, CHANGE))
    for key, label in WEEK_LABELS.items():
        if key in summary:
            rows.append((_(label), summary[key], COUNT))
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
    Column("account_manager", _noop("account manager"), TEXT, "客户经理"),
    Column("tier", _noop("tier"), COUNT, "档位"),
    Column("last_visit", _noop("last visit"), DATE, "上次拜访"),
    Column("due", _noop("due"), DATE, "应访日期"),
    Column("days_overdue", _noop("days overdue at the period's end"), COUNT, "逾期天数"),
]


FOLLOWUP_COLUMNS = [
    Column("due", _noop("deadline"), DATE, "截止日期"),
    Column("code", _noop("code"), TEXT, "客户编码"),
    Column("name", _noop("store"), TEXT, "店名"),
    Column("text", _noop("follow-up"), TEXT, "内容"),
]
COMPLAINT_COLUMNS = [
    Column("opened_on", _noop("opened"), DATE, "受理日期"),
    Column("code", _noop("code"), TEXT, "客户编码"),
    Column("name", _noop("store"), TEXT, "店名"),
    Column("kind", _noop("Complaint type"), TEXT, "类型"),
    Column("text", _noop("complaint"), TEXT, "内容"),
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
    Column("not_visited", _noop("due, not visited"), COUNT),
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
    "followups_due": _noop("Follow-ups due next week"),
    "complaints_open": _noop("Complaints open"),
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


def footer(summary: dict) -> str:
    """The printed page's footer: the report on the left, the page in the middle."""
    page = _("Page &P of &N")
    return f"&L{report_title(summary)}&C{page}"


# --- a company's template -----------------------------------------------------------------


def typed(value: object, kind: str) -> Value:
    """A figure as a template's cell takes it: the value itself (a number, a fraction for a
    rate, a date) in the kind's number format where the cell has none of its own, and the
    text it is inside a sentence. No data is "—", not 0."""
    if value is None:
        return Value(NO_DATA if kind in (RATE, CHANGE, DAYS, MONEY, CARTONS) else None, shown(
            value, kind))  # fmt: skip
    if isinstance(value, dt.date):
        return Value(value, value.isoformat(), NUMBER_FORMATS[DATE])
    return Value(value, shown(value, kind), NUMBER_FORMATS.get(kind))


def placeholders(report: dict, company: str | None, made_on: dt.date) -> dict[str, Value]:
    """Every scalar placeholder a template may hold, with its value (Chinese names; their
    English names too, for templates written in English)."""
    summary = report["summary"]
    scope = summary["scope"]
    period = report["period"]
    values = {
        "报告期": typed(f"{period['first']} — {period['last']}", TEXT),
        "月份": typed(summary.get("month") or summary.get("week"), TEXT),
        "周次": typed(summary.get("week", ""), TEXT),
        "标题": typed(report_title(summary), TEXT),
        "单位": typed(company or "", TEXT),
        "客户经理": typed(scope.get("account_manager") or _("all account managers"), TEXT),
        "片区": typed(scope.get("district") or _("all districts"), TEXT),
        "制表日期": typed(made_on, DATE),
    }
    for figure in HEADLINES:
        if figure.key not in summary:
            continue
        value = summary[figure.key]
        if figure.kind == RATE and value is not None:
            value = value / 100
        values[figure.placeholder] = typed(value, figure.kind)
    for key, name in WEEK_FIGURES.items():
        if key in summary:
            values[name] = typed(summary[key], COUNT)
    for code, name in VISIT_KIND_ROWS.items():
        values[name] = typed(summary.get("visits_by_kind", {}).get(code, 0), COUNT)
    for key, name in CHANGE_PLACEHOLDERS.items():
        if key in summary:
            change = summary[key]
            values[name] = typed(None if change is None else change / 100, CHANGE)
    return {**values, **{ENGLISH[k]: v for k, v in values.items() if k in ENGLISH}}


ENGLISH = {
    "报告期": "period",
    "月份": "month",
    "标题": "title",
    "单位": "company",
    "客户经理": "manager",
    "片区": "district",
    "制表日期": "made_on",
    "周次": "week",
    "下周到期跟进": "followups_due_next_week",
    "待处理投诉": "complaints_open",
    "应访户数": "shops_due",
    "实访户数": "shops_visited",
    "覆盖率": "coverage",
    "拜访次数": kinds.VISITS.name,
    "逾期未访": "overdue",
    "新增跟进": "followups_made",
    "已办结跟进": "followups_done",
    "投诉件数": kinds.COMPLAINTS.name,
    "客户户数": "shops_served",
    "发现问题次数": "visits_with_problem",
    "期末逾期户数": "overdue_at_end",
    "办结投诉件数": "complaints_settled",
    "实地拜访次数": "field_visits",
    "电话拜访次数": "phone_visits",
    "线上拜访次数": "online_visits",
    "异常拜访次数": "abnormal_visits",
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
    "跟进": "followups_due",
    "投诉": "complaints_open",
}  # {{ 拜访.日期 }} rows, {{ 未访.店名 }}, and in a week's report {{ 跟进.内容 }}, {{ 投诉.内容 }}
# A week's own figures, and their placeholders.
WEEK_FIGURES = {"followups_due_next_week": "下周到期跟进", "complaints_open": "待处理投诉"}
WEEK_LABELS = {
    "followups_due_next_week": _noop("Follow-ups due next week"),
    "complaints_open": _noop("Complaints open"),
}


def row_placeholders(report: dict) -> dict[str, list[dict[str, Value]]]:
    """The repeated rows a template may hold: one per visit (拜访.…), one per shop due and not
    visited (未访.…), each field typed as its column is; 序号 numbers them."""
    groups = {
        "拜访": (report[kinds.VISITS.name], visit_columns()),
        "未访": (report["not_visited"], NOT_VISITED_COLUMNS),
        "跟进": (report.get("followups_due", []), FOLLOWUP_COLUMNS),
        "投诉": (report.get("complaints_open", []), COMPLAINT_COLUMNS),
    }
    found = {}
    for group, (rows, columns) in groups.items():
        found[group] = [
            {
                "序号": typed(number, COUNT),
                **{
                    column.placeholder: typed(value, column.kind)
                    for column, value in zip(columns, values, strict=True)
                    if column.placeholder
                },
            }
            for number, values in enumerate(detail_rows(rows, columns), 1)
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
        "周次": _("the week, YYYY-Www (weekly report)"),
        "下周到期跟进": _("follow-ups due the week after (weekly report)"),
        "待处理投诉": _("complaints open at the week's end (weekly report)"),
        **{f.placeholder: _(f.label) for f in HEADLINES},
        **{
            name: tr("{kind} visits", kind=VISIT_KIND.render(code))
            for code, name in VISIT_KIND_ROWS.items()
        },
        **{v: _(CHANGE_MEANINGS[k]) for k, v in CHANGE_PLACEHOLDERS.items()},
    }
    rows = [
        {"placeholder": f"{{{{ {name} }}}}", "english": f"{{{{ {ENGLISH[name]} }}}}", "holds": text}
        for name, text in meanings.items()
    ]
    for group, columns in (
        ("拜访", visit_columns()),
        ("未访", NOT_VISITED_COLUMNS),
        ("跟进", FOLLOWUP_COLUMNS),
        ("投诉", COMPLAINT_COLUMNS),
    ):
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


ROW_WORDS = {
    "拜访": _noop("visit of the month"),
    "未访": _noop("shop due and not visited"),
    "跟进": _noop("follow-up due the week after (weekly report)"),
    "投诉": _noop("complaint open at the end (weekly report)"),
}
