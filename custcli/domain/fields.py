"""The field registry: every field of every record kind is defined here, once.

A field knows its key (used in --json and the database), its Chinese and English labels, its
type (how a value is parsed, stored and rendered) and the spreadsheet headers it answers to.
add/edit options, the card, list columns, import mapping and export headers all read it.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from custcli.domain import normalize as n


@dataclass(frozen=True)
class FieldType:
    name: str
    sql: str
    parse: Callable[[object], Any]
    render: Callable[[Any, str], str]  # (stored value, lang) -> display text
    hint: str


TEXT = FieldType("text", "TEXT", n.parse_text, n.render_text, "any text")
CODE = FieldType(
    "code", "TEXT", n.parse_code, n.render_text, "letters and digits, e.g. 000100000001"
)
LICENSE = FieldType("license", "TEXT", n.parse_license, n.render_text, "12 digits")
PHONE = FieldType(
    "phone",
    "TEXT",
    n.parse_phone,
    n.render_text,
    "an 11-digit mobile or a landline with area code (0871-12345678)",
)
NUMBER = FieldType("number", "REAL", n.parse_number, n.render_number, "a number, e.g. 1234.5")
TIER = FieldType("tier", "INTEGER", n.parse_tier, n.render_int, "a tier from 1 to 30 (12, 12档)")
CYCLE = FieldType(
    "cycle", "INTEGER", n.parse_cycle, n.render_int, "days (7, 10天) or 每周, 双周, 每月"
)
DATE = FieldType("date", "TEXT", n.parse_date, n.render_text, "a date such as 2024-03-05")
YEARDAY = FieldType(
    "yearday",
    "TEXT",
    n.parse_yearday,
    n.render_yearday,
    "1975-04-12, 04-12 or a lunar day such as 农历三月初八",
)
STATUS = FieldType(
    "status",
    "TEXT",
    n.parse_status,
    n.render_status,
    "active (在营), suspended (暂停) or closed (关闭)",
)
PRICE_CLASS = FieldType(
    "price_class",
    "INTEGER",
    n.parse_price_class,
    n.render_int,
    "a price class 1 to 5 (一类 … 五类)",
)
SATISFACTION = FieldType(
    "satisfaction", "INTEGER", n.parse_satisfaction, n.render_int, "a score from 1 to 5"
)


@dataclass(frozen=True)
class Choice:
    """One allowed value of a choice field: a stable code (stored, and in --json), its words
    in Chinese and English, and what else people and files write for it."""

    code: str
    zh: str
    en: str
    aliases: tuple[str, ...] = ()


def _fold_choice(value: object) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value))).lower()


def choice_type(name: str, choices: tuple[Choice, ...]) -> FieldType:
    """A field type whose values are codes: parse takes any word for one, render says it."""
    by_word = {
        _fold_choice(word): c.code for c in choices for word in (c.code, c.zh, c.en, *c.aliases)
    }
    by_code = {c.code: c for c in choices}
    hint = ", ".join(f"{c.zh} ({c.code})" for c in choices)

    def parse(value: object) -> str | None:
        text = n.clean_text(value)
        if text is None:
            return None
        code = by_word.get(_fold_choice(text))
        if code is None:
            raise ValueError(f"one of {hint}")
        return code

    def render(value: str | None, lang: str = "en") -> str:
        if value is None:
            return ""
        choice = by_code.get(value)
        return value if choice is None else (choice.zh if lang == "zh" else choice.en)

    return FieldType(name, "TEXT", parse, render, hint)


VISIT_KINDS = (
    Choice(
        "field",
        "实地",
        "field visit",
        ("实地拜访", "上门", "上门拜访", "走访", "现场", "到店", "巡店", "拜访", "field", "visit"),
    ),
    Choice("phone", "电话", "phone", ("电话拜访", "电话回访", "电联", "call", "telephone")),
    Choice("online", "线上", "online", ("微信", "微信拜访", "视频", "网络", "qq", "wechat")),
    Choice("other", "其他", "other", ("其它",)),
)
VISIT_KIND = choice_type("visit_kind", VISIT_KINDS)


@dataclass(frozen=True)
class Field:
    key: str
    zh: str
    en: str
    type: FieldType = TEXT
    aliases: tuple[str, ...] = ()
    help: str = ""
    in_list: bool = False
    required: bool = False
    # Where an import meets a value it cannot read: the code it keeps instead, the text
    # written kept beside it as "<key>_text" (a visit of kind 巡查 is "other", 巡查).
    other: str | None = None

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def parse(self, value: object) -> Any:
        return self.type.parse(value)

    def render(self, value: Any, lang: str = "en") -> str:
        return self.type.render(value, lang)


def _f(key, zh, en, type_=TEXT, aliases=(), **kw) -> Field:
    return Field(key, zh, en, type_, (zh, en, key, *aliases), **kw)


_CODE_ALIASES = (
    "客户编码",
    "客户代码",
    "客户编号",
    "零售户编码",
    "客户号",
    "编码",
    "cust_code",
    "customer_code",
    "customer code",
)
_NAME_ALIASES = (
    "客户名称",
    "零售户名称",
    "商户名称",
    "店铺名称",
    "门店名称",
    "店名",
    "名称",
    "cust_name",
    "customer",
    "customer name",
    "store",
    "shop",
)
_MANAGER_ALIASES = (
    "客户经理",
    "负责客户经理",
    "客户经理姓名",
    "业务员",
    "manager",
    "account manager",
)

CUSTOMER_FIELDS: tuple[Field, ...] = (
    _f(
        "code",
        "客户编码",
        "Code",
        CODE,
        _CODE_ALIASES,
        required=True,
        in_list=True,
        help="Customer code (kept as text: leading zeros stay).",
    ),
    _f(
        "name",
        "店名",
        "Store",
        TEXT,
        _NAME_ALIASES,
        required=True,
        in_list=True,
        help="Store name.",
    ),
    _f(
        "owner",
        "经营者",
        "Owner",
        TEXT,
        ("负责人", "店主", "经营人", "业主", "联系人", "老板"),
        in_list=True,
    ),
    _f(
        "phone",
        "联系电话",
        "Phone",
        PHONE,
        (
            "联系方式",
            "电话",
            "手机",
            "手机号",
            "手机号码",
            "订货电话",
            "电话号码",
            "tel",
            "mobile",
            "telephone",
        ),
        in_list=True,
    ),
    _f("address", "经营地址", "Address", TEXT, ("地址", "详细地址", "门店地址", "addr")),
    _f(
        "license_no",
        "许可证号",
        "Licence no.",
        LICENSE,
        (
            "许可证编号",
            "零售户许可证号",
            "专卖许可证号",
            "烟草专卖许可证号",
            "证号",
            "license",
            "licence",
            "license no",
            "licence no",
        ),
    ),
    _f(
        "district",
        "片区",
        "District",
        TEXT,
        ("区域", "所属片区", "所属区域", "辖区", "市场部", "market_department", "area"),
        in_list=True,
    ),
    _f("account_manager", "客户经理", "Account manager", TEXT, _MANAGER_ALIASES),
    _f("tier", "档位", "Tier", TIER, ("客户档位", "档次", "grade", "tier")),
    _f(
        "category",
        "客户分类",
        "Category",
        TEXT,
        ("标准分类", "分类", "客户类别", "客户类型", "classification", "classification_code"),
    ),
    _f("format", "经营业态", "Format", TEXT, ("业态", "业态类型", "cust_format")),
    _f("market", "市场类型", "Market", TEXT, ("城乡分类", "城乡类型", "城网农网", "market_type")),
    _f(
        "visit_cycle_days",
        "拜访周期",
        "Visit cycle (days)",
        CYCLE,
        ("拜访周期(天)", "拜访周期类型", "走访周期", "visit cycle", "visit_cycle"),
        help="Days between field visits; 每周, 双周, 每月 are understood.",
    ),
    _f("order_method", "订货方式", "Order method", TEXT, ("订单采集方式", "订货方式")),
    _f(
        "order_cycle",
        "订货周期",
        "Order day",
        TEXT,
        ("订货日", "订单周期", "订货时间", "order_cycle", "order day"),
        help="The day the shop orders, e.g. 周二 (the visit falls due the day before).",
    ),
    _f(
        "delivery_day",
        "送货日",
        "Delivery day",
        TEXT,
        ("送货时间", "配送日", "配送周期", "送货周期", "delivery_day"),
    ),
    _f("settlement", "结算方式", "Settlement", TEXT, ("结算类型", "付款方式")),
    _f("business_hours", "营业时间", "Business hours", TEXT, ("营业时段",)),
    _f("facility", "经营设施类型", "Facilities", TEXT, ("设施类型", "经营设施")),
    _f("signage", "门头标识", "Shop sign", TEXT, ("门头", "招牌")),
    _f("legal_rep", "法人代表", "Legal representative", TEXT, ("法人", "法定代表人")),
    _f("store_manager", "管理者", "Store manager", TEXT, ("店长",)),
    _f(
        "compliance",
        "守法情况",
        "Compliance",
        TEXT,
        ("守法经营", "违规记录", "合规情况", "信用等级", "诚信等级", "credit_level"),
    ),
    _f(
        "status",
        "状态",
        "Status",
        STATUS,
        ("经营状态", "客户状态", "business_status"),
        in_list=True,
    ),
    _f("opened_on", "开业日期", "Opened on", DATE, ("开业时间", "建档日期")),
    _f(
        "birthday",
        "店主生日",
        "Owner's birthday",
        YEARDAY,
        ("生日", "经营者生日", "出生日期"),
        help="Owner's birthday: 1975-04-12, 04-12 or 农历三月初八.",
    ),
    _f("preferences", "喜好", "Preferences", TEXT, ("偏好", "爱好", "兴趣")),
    _f("notes", "备注", "Notes", TEXT, ("说明", "remark", "remarks")),
)

ORDER_FIELDS: tuple[Field, ...] = (
    _f(
        "date",
        "订货日期",
        "Date",
        DATE,
        ("日期", "订单日期", "购进日期", "下单日期", "订购日期"),
        required=True,
    ),
    _f("code", "客户编码", "Code", CODE, _CODE_ALIASES, required=True),
    _f(
        "brand",
        "卷烟名称",
        "Brand",
        TEXT,
        ("品牌", "品规", "规格", "卷烟品规", "品名", "商品名称", "卷烟规格", "商品"),
        required=True,
    ),
    _f(
        "qty",
        "订购量",
        "Quantity (条)",
        NUMBER,
        ("数量", "订货量", "购进量", "条数", "销量", "订购数量", "qty", "quantity"),
        required=True,
    ),
    _f(
        "amount",
        "金额",
        "Amount (元)",
        NUMBER,
        ("订货金额", "购进金额", "销售金额", "订购金额", "amount"),
    ),
    _f("unit_price", "单价", "Unit price (元/条)", NUMBER, ("批发价", "价格", "price")),
)

VISIT_FIELDS: tuple[Field, ...] = (
    _f("date", "拜访日期", "Date", DATE, ("日期", "走访日期", "拜访时间"), required=True),
    _f("code", "客户编码", "Code", CODE, _CODE_ALIASES),
    _f("name", "店名", "Store", TEXT, _NAME_ALIASES),
    _f(
        "kind",
        "拜访方式",
        "Kind",
        VISIT_KIND,
        ("方式", "拜访类型", "走访方式", "拜访形式"),
        other="other",
    ),
    _f("note", "拜访内容", "Note", TEXT, ("内容", "拜访记录", "记录", "工作内容", "备注")),
    _f("found", "发现问题", "Found", TEXT, ("问题", "存在问题")),
    _f("satisfaction", "满意度", "Satisfaction", SATISFACTION, ("客户满意度", "评分")),
    _f("manager", "客户经理", "Manager", TEXT, ("拜访人", *_MANAGER_ALIASES)),
)

BRAND_FIELDS: tuple[Field, ...] = (
    _f(
        "name",
        "卷烟名称",
        "Brand",
        TEXT,
        ("品牌", "品规", "规格", "卷烟品规", "品名", "商品名称", "卷烟规格"),
        required=True,
    ),
    _f(
        "wholesale_price",
        "批发价",
        "Wholesale (元/条)",
        NUMBER,
        ("调拨价", "批发价格", "进货价", "wholesale", "wholesale price"),
    ),
    _f(
        "retail_price",
        "零售价",
        "Retail (元/条)",
        NUMBER,
        ("建议零售价", "零售指导价", "零售价格", "retail", "retail price"),
    ),
    _f("price_class", "价类", "Price class", PRICE_CLASS, ("类别", "价格类别", "价位段")),
    _f("features", "特点", "Features", TEXT, ("卖点", "产品特点", "特色")),
    _f("promotion", "促销", "Promotion", TEXT, ("促销政策", "促销活动", "活动")),
)

# Complaints are exported, not imported: their fields give the export its headers.
COMPLAINT_FIELDS: tuple[Field, ...] = (
    _f("opened_on", "投诉日期", "Opened", DATE),
    _f("code", "客户编码", "Code", CODE),
    _f("name", "店名", "Store", TEXT),
    _f("kind", "投诉类别", "Kind", TEXT),
    _f("text", "投诉内容", "Complaint", TEXT),
    _f("resolved_on", "解决日期", "Resolved", DATE),
    _f("resolution", "处理结果", "Resolution", TEXT),
    _f("days_to_resolve", "处理天数", "Days to resolve", NUMBER),
)

KINDS: dict[str, tuple[Field, ...]] = {
    "customers": CUSTOMER_FIELDS,
    "orders": ORDER_FIELDS,
    "visits": VISIT_FIELDS,
    "brands": BRAND_FIELDS,
}

CUSTOMER_KEYS = tuple(f.key for f in CUSTOMER_FIELDS)
FIELDS_BY_KEY = {f.key: f for f in CUSTOMER_FIELDS}


def customer_field(key: str) -> Field:
    """The customer field for a key, or ValueError listing the valid keys."""
    try:
        return FIELDS_BY_KEY[key]
    except KeyError:
        raise ValueError(f"unknown field {key!r}; fields are: {', '.join(CUSTOMER_KEYS)}") from None


_BRACKETED_RE = re.compile(r"[(\[【（].*?[)\]】）]")


def normalize_header(header: object) -> str:
    """A header as the alias index knows it: half-width, lower-case, no spaces, no "(条)" units."""
    text = unicodedata.normalize("NFKC", str(header or "")).strip().lower()
    text = _BRACKETED_RE.sub("", text)
    return re.sub(r"[\s*:：_]+", "", text.replace("-", ""))


@dataclass
class AliasIndex:
    """Header → field key for one record kind."""

    fields: tuple[Field, ...]
    by_header: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for f in self.fields:
            for alias in f.aliases:
                self.by_header.setdefault(normalize_header(alias), f.key)

    def key_for(self, header: object) -> str | None:
        return self.by_header.get(normalize_header(header))


@functools.cache
def alias_index(kind: str) -> AliasIndex:
    """Header → field key for one kind; built on first use (only imports need it)."""
    return AliasIndex(KINDS[kind])


# How the card groups its fields: (zh title, en title, keys).
CARD_SECTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "基本信息",
        "Basics",
        (
            "code",
            "name",
            "owner",
            "phone",
            "address",
            "license_no",
            "legal_rep",
            "store_manager",
            "business_hours",
            "signage",
            "facility",
            "opened_on",
        ),
    ),
    (
        "业务信息",
        "Business process",
        (
            "district",
            "account_manager",
            "tier",
            "category",
            "format",
            "market",
            "visit_cycle_days",
            "order_method",
            "order_cycle",
            "delivery_day",
            "settlement",
            "compliance",
            "status",
        ),
    ),
    ("关系", "Relationship", ("birthday", "preferences", "notes")),
)
