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
from typing import Any, NamedTuple

import custcli.kinds.normalize as n
from custcli.errors import Said
from custcli.i18n import _noop, said_in
from custcli.i18n import lang as language
from custcli.kinds.privacy import mask_license, mask_phone


# The registry's records are NamedTuples, as are the other immutable records `cust show` loads
# (Scope, ChurnRules): a frozen dataclass generates and compiles six methods when its module
# is imported, about a millisecond each class, 9 ms of show's start-up for eight of them.
class FieldType(NamedTuple):
    name: str
    sql: str
    parse: Callable[[object], Any]
    render: Callable[[Any, str], str]  # (stored value, lang) -> display text
    hint: str
    # What a value typed by a person must be besides what a file's may (a licence typed is
    # whole; one from a file may have lost its zeros): checks the parsed value, or raises.
    typed: Callable[[Any], None] | None = None
    # How an exported cell shows the stored number (0"天": a cycle of 14 reads 14天 and
    # imports back as 14).
    cell_format: str | None = None
    # SQL that says a stored code as a person reads it in Chinese (active → 在营), for
    # those who read the file without cust (custcli.db.views); None: the value as stored.
    sql_words: Callable[[str], str] | None = None


TEXT = FieldType("text", "TEXT", n.parse_text, n.render_text, "any text")
CODE = FieldType(
    "code", "TEXT", n.parse_code, n.render_text, "letters and digits, e.g. 000100000001"
)
LICENSE = FieldType(
    "license", "TEXT", n.parse_license, n.render_text, "12 digits", typed=n.typed_license
)
WEEKDAYS = FieldType(
    "weekdays", "TEXT", n.parse_weekdays, n.render_text, "weekdays: 周二, 周二、周五, 单周周四"
)
CREDIT = FieldType("credit", "TEXT", n.parse_credit, n.render_text, "AAA, AA, A, B, C or D")
PHONE = FieldType(
    "phone",
    "TEXT",
    n.parse_phone,
    n.render_text,
    "an 11-digit mobile or a landline with area code (0871-12345678)",
)
NUMBER = FieldType("number", "REAL", n.parse_number, n.render_number, "a number, e.g. 1234.5")
PRICE = FieldType(
    "price", "REAL", n.parse_price, n.render_number, "yuan a carton, e.g. 260",
    cell_format="#,##0.00",
)  # fmt: skip
LONGITUDE = FieldType(
    "longitude", "REAL", n.parse_longitude, n.render_number, "degrees east, e.g. 102.71234"
)
LATITUDE = FieldType(
    "latitude", "REAL", n.parse_latitude, n.render_number, "degrees north, e.g. 25.04123"
)
TIER = FieldType(
    "tier", "INTEGER", n.parse_tier, n.render_int, "a tier from 1 to 30 (12, 12档)",
    cell_format='0"档"',
)  # fmt: skip
CYCLE = FieldType(
    "cycle", "INTEGER", n.parse_cycle, n.render_int, "days (7, 10天) or 每周, 双周, 每月",
    cell_format='0"天"',
)  # fmt: skip
DATE = FieldType(
    "date", "TEXT", n.parse_date, n.render_text, "a date such as 2024-03-05",
    cell_format="yyyy-mm-dd",
)  # fmt: skip
YEARDAY = FieldType(
    "yearday",
    "TEXT",
    n.parse_yearday,
    n.render_yearday,
    "1975-04-12, 04-12 or a lunar day such as 农历三月初八",
    sql_words=n.sql_yearday,
)
STATUS = FieldType(
    "status",
    "TEXT",
    n.parse_status,
    n.render_status,
    "active (在营), suspended (暂停) or closed (关闭)",
    sql_words=n.sql_status,
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


TIERS = FieldType(
    "tiers", "TEXT", n.parse_tiers, n.render_text, "tiers: 12, D12, 26-30档, 26档及以上"
)


class Choice(NamedTuple):
    """One allowed value of a choice field: a stable code (stored, and in --json), its label
    (a message id: the catalogue says it in Chinese), and what else people and files write
    for it."""

    code: str
    label_id: str
    aliases: tuple[str, ...] = ()

    def words(self) -> tuple[str, ...]:
        return (self.code, said_in("zh", self.label_id), self.label_id, *self.aliases)


def _fold_choice(value: object) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value))).lower()


def choice_type(name: str, choices: tuple[Choice, ...]) -> FieldType:
    """A field type whose values are codes: parse takes any word for one, render says it."""
    by_code = {c.code: c for c in choices}

    @functools.cache
    def by_word() -> dict[str, str]:  # its labels from the catalogue, read when first parsed
        return {_fold_choice(word): c.code for c in choices for word in c.words()}

    def parse(value: object) -> str | None:
        text = n.clean_text(value)
        if text is None:
            return None
        code = by_word().get(_fold_choice(text))
        if code is None:
            hint = ", ".join(f"{said_in('zh', c.label_id)} ({c.code})" for c in choices)
            raise ValueError(Said("one of {choices}", choices=hint))
        return code

    def render(value: str | None, lang: str | None = None) -> str:
        if value is None:
            return ""
        choice = by_code.get(value)
        return value if choice is None else said_in(lang or language(), choice.label_id)

    def sql_words(column: str) -> str:
        words = {c.code: said_in("zh", c.label_id) for c in choices}
        return n.sql_case(column, words, column)

    hint = ", ".join(c.code for c in choices)
    return FieldType(name, "TEXT", parse, render, hint, sql_words=sql_words)


VISIT_KINDS = (
    Choice(
        "field",
        _noop("field visit"),
        (
            "实地拜访",
            "上门",
            "上门拜访",
            "走访",
            "现场",
            "到店",
            "巡店",
            "拜访",
            "field",
            "visit",
        ),
    ),
    Choice("phone", _noop("phone call"), ("电话拜访", "电话回访", "电联", "call", "telephone")),
    Choice("online", _noop("online"), ("微信", "微信拜访", "视频", "网络", "qq", "wechat")),
    Choice("other", _noop("other way"), ("其它",)),
    # 关门, 拒访, 未见到人 (its reason in kind_text): recorded, but not a visit that counts
    # for the cycle, so the shop stays due
    Choice("abnormal", _noop("abnormal visit"), ("异常拜访", "异常")),
)
VISIT_KIND = choice_type("visit_kind", VISIT_KINDS)


class Rule(NamedTuple):
    """How a header that no alias names is still read as a field: it holds one of `roles`
    (what the value is: 日期, 人, 价, 金额…), one of `qualifiers` when any are given (whose or
    which: 拜访, 订货, 批发, 客户…), and none of `unless`. Words are matched in the header's
    normalised form (half-width, lower case, no spaces, units or brackets)."""

    roles: tuple[str, ...]
    qualifiers: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()

    def score(self, header: str) -> int:
        """How surely the header says this field; 0 for not at all. A Chinese compound names
        its thing last (负责人电话 is a phone, 电话负责人 a person): the later a role word ends,
        the surer; then the longer the words matched, the more specific."""
        if any(word in header for word in self.unless):
            return 0
        roles = [(header.rfind(w) + len(w), len(w)) for w in self.roles if w in header]
        if not roles:
            return 0
        end, role = max(roles)
        qualifier = max((len(w) for w in self.qualifiers if w in header), default=0)
        if self.qualifiers and not qualifier:
            return 0
        return end * 100 + role + qualifier

    def declines(self, header: str) -> bool:
        """Whether the header names this field's thing and says it is another's: 备用收货电话
        is a phone, not the shop's. Its values may then not make it this field either."""
        named = any(w in header for w in self.roles)
        return named and not self.score(header) and any(w in header for w in self.unless)


class Field(NamedTuple):
    """One field of a record kind: its key (in --json and the database), its label (a
    message id: the catalogue says it in Chinese), its type, and the headers files write
    for it beside its label."""

    key: str
    label_id: str
    type: FieldType = TEXT
    aliases: tuple[str, ...] = ()
    help: str = ""
    in_list: bool = False
    required: bool = False
    # Where an import meets a value it cannot read: the code it keeps instead, the text
    # written kept beside it as "<key>_text" (a visit of kind 巡查 is "other", 巡查).
    other: str | None = None
    rule: Rule | None = None  # how a header no alias names can still mean this field
    # The field that takes the weekdays this one's text names: a visit cycle written 单周周四
    # is every 14 days, on the order day 单周周四.
    weekdays_to: str | None = None
    redact: Callable[[Any], Any] | None = None  # how `--redact` masks it (privacy)
    # The longest text it holds, in characters: a longer value is refused where it is typed
    # and kept as written (in the card's extra) from a file. Names are worked into pinyin
    # and shown on one line; nothing a person writes on a card runs to thousands.
    most: int = 200
    section: str | None = None  # where the card shows it (a message id); None: not on it
    in_report: bool = False  # a column of the monthly report's customer sheet
    # What a column's values look like when they are this field, and what rules it out
    # (custcli.kinds.shapes: a column of business-licence numbers is never the tobacco
    # licence, scores out of 100 never a 1-5 satisfaction).
    looks: tuple[str, ...] = ()
    never: tuple[str, ...] = ()
    # What a file's quantity or money is counted in unless its header or cell says (条, 元).
    unit: str | None = None

    def label(self, lang: str | None = None) -> str:
        """The field's name in a language (default: the one in use)."""
        return said_in(lang or language(), self.label_id)

    def names(self) -> tuple[str, ...]:
        """Every name a file or a person gives this field: its label in Chinese and in
        English, its key, then its aliases (the more specific first)."""
        return (said_in("zh", self.label_id), self.label_id, self.key, *self.aliases)

    def parse(self, value: object) -> Any:
        parsed = self.type.parse(value)
        if isinstance(parsed, str) and len(parsed) > self.most:
            raise ValueError(Said("at most {most} characters", most=self.most))
        return parsed

    def parse_typed(self, value: object) -> Any:
        """A value a person typed (on the command line): parsed, then held to what a person
        can be asked to type whole."""
        parsed = self.parse(value)
        if parsed is not None and self.type.typed is not None:
            self.type.typed(parsed)
        return parsed

    def render(self, value: Any, lang: str | None = None) -> str:
        """A stored value as the language in use (or `lang`) writes it."""
        return self.type.render(value, lang or language())

    def derived(self, raw: object) -> dict[str, Any]:
        """Values of other fields that this field's text also gives (see weekdays_to)."""
        if self.weekdays_to and isinstance(raw, str):
            days = n.weekday_text(n.halfwidth(raw))
            if days:
                return {self.weekdays_to: days}
        return {}


class Shown(NamedTuple):
    """A stored value of a field, said when read, in the language in use (a message's value:
    an import's sample line says 状态：在营 → 暂停 in Chinese, active → suspended in English)."""

    field: Field
    value: Any

    def said(self) -> str:
        return "" if self.value is None else self.field.render(self.value)

    def __str__(self) -> str:
        return "" if self.value is None else self.field.render(self.value, "en")


def _f(key, label, type_=TEXT, aliases=(), **kw) -> Field:
    return Field(key, label, type_, tuple(aliases), **kw)


# Words the header rules share. A shop is named many ways; so is "the code of".
_SHOP = (
    "客户",
    "零售户",
    "顾客",
    "商户",
    "店铺",
    "商铺",
    "门店",
    "终端",
    "店",
    "户",
    "cust",
    "customer",
    "client",
    "shop",
    "store",
    "retailer",
)
_CODE_ROLES = ("编码", "代码", "编号", "id", "号", "code")
_NOT_A_SHOP_CODE = (
    "许可",
    "证",
    "小组",
    "线路",
    "电话",
    "手机",
    "身份",
    "银行",
    "账",
    "帐",
    "商品",
    "卷烟",
    "订单",
    "条码",
    "产品",
    "sku",
    "phone",
    "tel",
    "地址",
    "区",
)
_DATE_ROLES = ("日期", "时间", "date", "time")
_PERSON_ROLES = ("人", "姓名", "员", "者")
_NOT_DONE = ("计划", "预计", "下次", "完成", "录入", "创建", "填报", "plan", "next")
_NAME_ROLES = ("名称", "店名", "名字", "字号", "name")
_NOT_A_SHOP_NAME = (
    "小组", "线路", "品牌", "商品", "卷烟", "规格", "部门", "产品", "group", "分类", "类别",
    "类型", "等级", "业态", "档", "级别", "片区", "区域", "经理", "员",
)  # fmt: skip
_BRAND_NAME_QUALIFIERS = ("卷烟", "商品", "产品", "规格", "品牌", "货品", "品种")

_CODE = Rule(_CODE_ROLES, _SHOP, _NOT_A_SHOP_CODE)
# What a column of shop names is never like: a few class names, people, addresses, dates.
NEVER_NAME = (
    "few", "person", "address", "date", "number", "format", "status", "market", "brand",
    "digits",
)  # fmt: skip
_LICENSE = Rule(
    ("许可证", "证号", "license", "licence"),
    (),
    ("身份", "日期", "时间", "有效期", "发证", "营业执照", "执照", "信用代码", "工商", "注册号",
     "税"),
)  # fmt: skip
_SHOP_NAME = Rule(_NAME_ROLES, _SHOP, _NOT_A_SHOP_NAME)
_BRAND_NAME = Rule(
    ("名称", "规格", "品规", "品名", "name", "spec"),
    _BRAND_NAME_QUALIFIERS,
    ("编码", "代码", "条码", "类型"),
)

_CODE_ALIASES = (
    "客户编码",
    "客户代码",
    "客户编号",
    "零售户编码",
    "客户号",
    "客户id",
    "顾客id",
    "编码",
    "cust_id",
    "customer_code",
    "customer code",
    "customer id",
)
_NAME_ALIASES = (
    "客户名称",
    "零售户名称",
    "商户名称",
    "店铺名称",
    "门店名称",
    "店名",
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
    "领取客户的人",
    "管户人",
    "manager",
    "account manager",
)
_LICENSE_ALIASES = (
    "许可证编号",
    "零售户许可证号",
    "专卖许可证号",
    "烟草专卖许可证号",
    "证号",
    "cust_code",  # Robin-Jason's tobacco system: CUST_CODE is the licence, CUST_ID the code
    "license",
    "licence",
    "license no",
    "licence no",
)

# Where the card shows a field: its sections, in order (message ids).
BASIC = _noop("Basic information")
BUSINESS = _noop("Business process")
RELATIONSHIP = _noop("Relationship")
SECTIONS = (BASIC, BUSINESS, RELATIONSHIP)

CUSTOMER_FIELDS: tuple[Field, ...] = (
    _f(
        "code",
        _noop("Customer code"),
        CODE,
        _CODE_ALIASES,
        required=True,
        in_list=True,
        help="Customer code (kept as text: leading zeros stay).",
        rule=_CODE,
        section=BASIC,
        in_report=True,
        looks=("digits", "zero_led"),
        never=("uscc", "id_card", "mobile", "date", "landline"),
    ),
    _f(
        "name",
        _noop("Customer name"),
        TEXT,
        (*_NAME_ALIASES, "名称", "公司名称"),
        required=True,
        in_list=True,
        help="Store name.",
        rule=_SHOP_NAME,
        most=100,
        section=BASIC,
        in_report=True,
        looks=("shop",),
        never=NEVER_NAME,
    ),
    _f(
        "owner",
        _noop("Owner"),
        TEXT,
        ("负责人", "店主", "经营人", "业主", "联系人", "老板", "零售户姓名", "经营者姓名", "户主"),
        in_list=True,
        rule=Rule(
            ("姓名", "人", "名字"), ("经营", "店主", "业主", "负责", "零售户", "老板", "户主")
        ),
        most=50,
        section=BASIC,
        looks=("person",),
        never=("shop", "address", "digits", "date", "mobile"),
    ),
    _f(
        "phone",
        _noop("Phone"),
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
        rule=Rule(
            ("电话", "手机", "联系方式", "tel", "phone", "mobile"),
            (),
            ("备用", "开票", "发票", "税", "来电", "投诉人", "举报人", "紧急"),
        ),
        redact=mask_phone,
        section=BASIC,
        looks=("mobile", "landline"),
        never=("id_card", "uscc", "date", "zero_led", "digits12"),
    ),
    _f(
        "address",
        _noop("Address"),
        TEXT,
        ("地址", "详细地址", "门店地址", "商铺地址", "addr"),
        rule=Rule(
            ("地址", "住址", "address", "addr"),
            (),
            (
                "邮箱",
                "网址",
                "email",
                "ip",
                "经度",
                "纬度",
                "坐标",
                "定位",
                "邮编",
                "来电",
                "投诉人",
            ),
        ),
        most=200,
        section=BASIC,
        looks=("address",),
        never=("longitude", "latitude", "number", "date", "person", "mobile"),
    ),
    _f(
        "license_no",
        _noop("Licence no."),
        LICENSE,
        _LICENSE_ALIASES,
        rule=_LICENSE,
        redact=mask_license,
        section=BASIC,
        looks=("digits12",),
        never=("uscc", "id_card", "zero_led", "mobile", "date"),
    ),
    _f(
        "district",
        _noop("District"),
        TEXT,
        ("区域", "所属片区", "所属区域", "辖区", "市场部", "market_department", "area"),
        in_list=True,
        rule=Rule(("片区", "区域", "大区", "辖区", "市场部"), (), ("类型", "编码", "代码", "行政")),
        section=BUSINESS,
        in_report=True,
        looks=("few",),
        never=("date", "number", "mobile"),
    ),
    _f(
        "account_manager",
        _noop("Account manager"),
        TEXT,
        _MANAGER_ALIASES,
        rule=Rule(("经理", "业务员", "管户", "专员"), (), ("电话", "手机", "编码", "工号")),
        section=BUSINESS,
        in_report=True,  # the department's report says whose each shop is
        looks=("person",),
        never=("shop", "address", "digits", "date", "mobile"),
    ),
    _f(
        "tier",
        _noop("Tier"),
        TIER,
        ("客户档位", "档次", "新档位", "grade", "tier"),
        rule=Rule(("档位", "档次", "档级"), (), ("信用", "诚信", "终端", "经销商", "原", "旧")),
        section=BUSINESS,
        in_report=True,
        looks=("tier",),
        never=("date", "money", "mobile", "digits"),
    ),
    _f(
        "category",
        _noop("Category"),
        TEXT,
        ("标准分类", "分类", "客户类别", "客户类型", "classification", "classification_code"),
        section=BUSINESS,
        looks=("few",),
        never=("date", "mobile"),
    ),
    _f(
        "format",
        _noop("Format"),
        TEXT,
        ("业态", "业态类型", "客户格式", "cust_format"),
        rule=Rule(("业态",), (), ("细分",)),
        section=BUSINESS,
        looks=("format",),
        never=("date", "number"),
    ),
    _f(
        "market",
        _noop("Market"),
        TEXT,
        ("城乡分类", "城乡类型", "城网农网", "market_type"),
        rule=Rule(("市场类型", "城乡", "城网", "农网"), (), ("代码", "编码")),
        section=BUSINESS,
        looks=("market",),
        never=("date", "number"),
    ),
    _f(
        "visit_cycle_days",
        _noop("Visit cycle (days)"),
        CYCLE,
        ("拜访周期(天)", "拜访周期类型", "走访周期", "拜访频次", "visit cycle", "visit_cycle"),
        help="Days between field visits; 每周, 双周, 每月, 单周周四 are understood.",
        rule=Rule(("周期", "频次", "频率"), ("拜访", "走访", "巡店", "服务"), ("订货", "订单")),
        weekdays_to="order_day",
        section=BUSINESS,
        looks=("cycle", "weekday"),
        never=("date",),
    ),
    _f(
        "order_method",
        _noop("Order method"),
        TEXT,
        ("订单采集方式", "订货方式"),
        section=BUSINESS,
        looks=("order_method",),
        never=("date",),
    ),
    _f(
        "order_cycle",
        _noop("Order cycle (days)"),
        CYCLE,
        ("订单周期", "order_cycle", "order cycle"),
        help="Days between the shop's orders: 7, 每周, 双周; 周四 is weekly on Thursday.",
        rule=Rule(("周期", "频次"), ("订货", "订单")),
        weekdays_to="order_day",
        section=BUSINESS,
        looks=("cycle", "weekday"),
        never=("date",),
    ),
    _f(
        "order_day",
        _noop("Order day"),
        WEEKDAYS,
        ("订货时间", "订单日", "order day", "order_day"),
        help="The weekday(s) the shop orders: 周二, 周二、周五, 单周周四 (visits fall due on it).",
        rule=Rule(("日", "时间"), ("订货", "订单"), ("日期", "返销", "方式", "周期")),
        section=BUSINESS,
        looks=("weekday",),
        never=("date", "datetime"),
    ),
    _f(
        "delivery_day",
        _noop("Delivery day"),
        TEXT,
        ("送货时间", "配送日", "配送周期", "送货周期", "delivery_day"),
        rule=Rule(
            ("周期", "日", "时间"), ("送货", "配送"), ("地址", "线路", "电话", "收货", "日期")
        ),
        section=BUSINESS,
        looks=("weekday", "cycle"),
        never=("date", "datetime"),
    ),
    _f(
        "settlement",
        _noop("Settlement"),
        TEXT,
        ("结算类型", "付款方式"),
        rule=Rule(("结算", "付款", "支付"), (), ("账", "帐", "银行", "金额", "日期")),
        section=BUSINESS,
        looks=("settlement",),
        never=("date",),
    ),
    _f("business_hours", _noop("Business hours"), TEXT, ("营业时段",), section=BASIC),
    _f("facility", _noop("Facilities"), TEXT, ("设施类型", "经营设施"), section=BASIC),
    _f("signage", _noop("Shop sign"), TEXT, ("门头", "招牌"), section=BASIC),
    _f(
        "legal_rep",
        _noop("Legal representative"),
        TEXT,
        ("法人", "法定代表人", "法人姓名"),
        rule=Rule(("法人", "法定代表"), (), ("身份", "证件", "电话", "手机")),
        section=BASIC,
        looks=("person",),
        never=("shop", "address", "uscc", "id_card", "digits"),
    ),
    _f(
        "store_manager",
        _noop("Store manager"),
        TEXT,
        ("店长",),
        section=BASIC,
        looks=("person",),
        never=("shop", "address", "digits"),
    ),
    _f(
        "credit_grade",
        _noop("Credit grade"),
        CREDIT,
        ("信用等级", "诚信等级", "信用级别", "credit_level", "credit grade"),
        help="The company's credit grade: AAA, AA, A, B, C or D.",
        rule=Rule(("信用", "诚信"), (), ("代码", "编码", "小组", "互助", "指标")),
        section=BUSINESS,
        looks=("credit",),
        never=("date", "number"),
    ),
    _f(
        "compliance",
        _noop("Compliance"),
        TEXT,
        ("守法经营", "违规记录", "合规情况", "违规情况"),
        help="The compliance record with the monopoly rules, e.g. 无违规, 有违规记录.",
        rule=Rule(("守法", "违规", "合规"), (), ("代码", "编码")),
        section=BUSINESS,
        looks=(),
        never=("credit", "date"),
    ),
    _f(
        "status",
        _noop("Status"),
        STATUS,
        ("经营状态", "客户状态", "business_status"),
        in_list=True,
        rule=Rule(("状态",), ("经营", "营业", "客户", "门店", "店铺")),
        section=BUSINESS,
        looks=("status",),
        never=("date",),
    ),
    _f(
        "delivery_route",
        _noop("Delivery route"),
        TEXT,
        ("配送线路", "送货线路", "营销线路", "线路", "配送路线", "route"),
        rule=Rule(("线路", "路线"), (), ("顺序", "编码", "代码", "车")),
        section=BUSINESS,
        looks=("few",),
        never=("date", "mobile", "address"),
    ),
    _f(
        "longitude",
        _noop("Longitude"),
        LONGITUDE,
        ("经度", "lng", "lon", "longitude"),
        rule=Rule(("经度",)),
        section=BASIC,
        looks=("longitude",),
        never=("date", "mobile", "latitude"),
    ),
    _f(
        "latitude",
        _noop("Latitude"),
        LATITUDE,
        ("纬度", "lat", "latitude"),
        rule=Rule(("纬度",)),
        section=BASIC,
        looks=("latitude",),
        never=("date", "mobile", "longitude"),
    ),
    _f(
        "opened_on",
        _noop("Opened on"),
        DATE,
        ("开业时间", "建档日期", "入网日期"),
        rule=Rule(_DATE_ROLES, ("开业", "入网", "建档", "开户", "注册")),
        section=BASIC,
        looks=("date",),
        never=("mobile", "digits12"),
    ),
    _f(
        "birthday",
        _noop("Owner's birthday"),
        YEARDAY,
        ("生日", "经营者生日", "出生日期"),
        help="Owner's birthday: 1975-04-12, 04-12 or 农历三月初八.",
        rule=Rule(("生日", "出生")),
        section=RELATIONSHIP,
        looks=("date",),
        never=("mobile",),
    ),
    _f(
        "preferences",
        _noop("Preferences"),
        TEXT,
        ("偏好", "爱好", "兴趣"),
        most=2000,
        section=RELATIONSHIP,
        looks=("prose",),
        never=(),
    ),
    _f(
        "notes",
        _noop("Notes"),
        TEXT,
        ("说明", "remark", "remarks"),
        most=2000,
        section=RELATIONSHIP,
        looks=("prose",),
        never=(),
    ),
)

# A line (an order, a visit) finds its shop by code, then licence, then its exact name.
_LINE_SHOP_FIELDS = (
    _f(
        "code",
        _noop("Customer code"),
        CODE,
        _CODE_ALIASES,
        rule=_CODE,
        looks=("digits", "zero_led"),
        never=("uscc", "id_card", "mobile", "date", "landline"),
    ),
    _f(
        "license_no",
        _noop("Licence no."),
        LICENSE,
        _LICENSE_ALIASES,
        rule=_LICENSE,
        looks=("digits12",),
        never=("uscc", "id_card", "zero_led", "mobile", "date"),
    ),
)

ORDER_FIELDS: tuple[Field, ...] = (
    _f(
        "date",
        _noop("Order date"),
        DATE,
        ("日期", "订单日期", "购进日期", "下单日期", "订购日期", "订单时间", "购买日期"),
        required=True,
        rule=Rule(
            _DATE_ROLES,
            (
                "订单",
                "订货",
                "订购",
                "购买",
                "下单",
                "结账",
                "销售",
                "购进",
                "交易",
                "采购",
                "配送",
                "送货",
                "到货",
                "发货",
                "order",
            ),
            (*_NOT_DONE, "付款"),
        ),
        looks=("date", "datetime"),
        never=("mobile", "digits12"),
    ),
    *_LINE_SHOP_FIELDS,
    _f(
        "name",
        _noop("Customer name"),
        TEXT,
        (*_NAME_ALIASES, "零售户", "商户"),
        rule=Rule(_NAME_ROLES, _SHOP, _NOT_A_SHOP_NAME),
        looks=("shop",),
        never=NEVER_NAME,
    ),
    _f(
        "brand",
        _noop("Brand"),
        TEXT,
        (
            "规格名称",
            "卷烟规格",
            "卷烟品规",
            "品规",
            "品名",
            "商品名称",
            "商品",
            "规格",
            "名称",
            "品牌",
            "卷烟",
            "卷烟名称",
            "品种",
            "卷烟品种",
        ),
        required=True,
        rule=_BRAND_NAME,
        looks=("brand",),
        never=("date", "number", "person", "address", "mobile"),
    ),
    _f(
        "qty",
        _noop("Quantity (条)"),
        NUMBER,
        ("数量", "订货量", "购进量", "条数", "销量", "订购数量", "qty", "quantity"),
        required=True,
        rule=Rule(
            ("量", "数量", "条数", "qty", "quantity"),
            (),
            (*_NOT_DONE, "入库", "库存", "包装", "件", "箱", "重量"),
        ),
        looks=("whole", "number"),
        never=("date", "digits", "mobile", "brand"),
        unit="条",
    ),
    _f(
        "requested",
        _noop("Requested (条)"),
        NUMBER,
        (
            "需求量",
            "要货量",
            "申报量",
            "预订量",
            "需求数量",
            "要货数量",
            "申报数量",
            "预订数量",
            "需求",
            "要货",
        ),
        rule=Rule(("量", "数量", "数"), ("需求", "要货", "申报", "预订", "预定", "意向")),
        looks=("whole", "number"),
        never=("date", "digits", "mobile", "brand"),
        unit="条",
    ),
    _f(
        "delivered",
        _noop("Delivered (条)"),
        NUMBER,
        ("实发量", "到货量", "配送量", "送货量", "签收量", "实发数量", "发货量", "出库量"),
        rule=Rule(("量", "数量", "数"), ("实发", "到货", "配送", "送货", "签收", "发货", "出库")),
        looks=("whole", "number"),
        never=("date", "digits", "mobile", "brand"),
        unit="条",
    ),
    _f(
        "amount",
        _noop("Amount (元)"),
        NUMBER,
        ("订货金额", "购进金额", "销售金额", "订购金额", "amount"),
        rule=Rule(("金额", "总价", "总额", "货款", "小计", "amount", "total"), (), ("单价",)),
        looks=("money", "number"),
        never=("date", "digits", "mobile"),
        unit="元",
    ),
    _f(
        "unit_price",
        _noop("Unit price (元/条)"),
        NUMBER,
        ("批发价", "价格", "price"),
        rule=Rule(("单价", "价格", "批发价", "price"), (), ("零售", "建议", "指导")),
        looks=("money", "number"),
        never=("date", "digits", "mobile"),
    ),
)

VISIT_FIELDS: tuple[Field, ...] = (
    _f(
        "date",
        _noop("Visit date"),
        DATE,
        ("日期", "走访日期", "拜访时间", "本次拜访日期", "实际巡店时间", "签到时间", "签到日期"),
        required=True,
        rule=Rule(
            _DATE_ROLES,
            (
                "拜访",
                "巡店",
                "走访",
                "检查",
                "稽查",
                "巡查",
                "服务",
                "访问",
                "签到",
                "进店",
                "到店",
                "visit",
            ),
            _NOT_DONE,
        ),
        looks=("date", "datetime"),
        never=("mobile", "digits12"),
    ),
    *_LINE_SHOP_FIELDS,
    _f(
        "name",
        _noop("Customer name"),
        TEXT,
        _NAME_ALIASES,
        rule=_SHOP_NAME,
        looks=("shop",),
        never=NEVER_NAME,
    ),
    _f(
        "kind",
        _noop("Visit kind"),
        VISIT_KIND,
        ("方式", "拜访类型", "走访方式", "拜访形式"),
        other="other",
        rule=Rule(("方式", "类型", "形式"), ("拜访", "走访", "巡店")),
        looks=("visit_kind",),
        never=("date", "number"),
    ),
    _f(
        "note",
        _noop("Visit note"),
        TEXT,
        ("内容", "拜访记录", "记录", "工作内容", "备注"),
        rule=Rule(
            ("内容", "记录", "情况", "工作", "note"),
            ("拜访", "巡店", "走访", "检查", "visit"),
            ("人", "时间", "日期", "位置"),
        ),
        most=2000,
        looks=("prose",),
        never=("date",),
    ),
    _f(
        "found",
        _noop("Problems found"),
        TEXT,
        ("问题", "存在问题"),
        rule=Rule(("问题",), (), ("类型",)),
        most=2000,
        looks=("prose",),
        never=("date",),
    ),
    _f(
        "satisfaction",
        _noop("Satisfaction"),
        SATISFACTION,
        ("客户满意度", "评分"),
        rule=Rule(("满意",)),
        looks=("score5",),
        never=("score100", "date"),
    ),
    _f(
        "manager",
        _noop("Account manager"),
        TEXT,
        ("拜访人", "巡店人", "评估人姓名", "销售", *_MANAGER_ALIASES),
        rule=Rule(
            (*_PERSON_ROLES, "经理"),
            (
                "拜访",
                "巡店",
                "走访",
                "评估",
                "检查",
                "稽查",
                "巡查",
                "记录",
                "督导",
                "业务",
                "客户经理",
            ),
            ("电话", "手机", "编码", "工号"),
        ),
        looks=("person",),
        never=("shop", "address", "digits", "date", "mobile"),
    ),
)

BRAND_FIELDS: tuple[Field, ...] = (
    _f(
        "name",
        _noop("Brand"),
        TEXT,
        ("规格名称", "卷烟规格", "卷烟品规", "品规", "商品名称", "品名", "规格", "品牌"),
        required=True,
        rule=_BRAND_NAME,
        looks=("brand",),
        never=("number", "date", "person", "address"),
    ),
    _f(
        "wholesale_price",
        _noop("Wholesale (元/条)"),
        PRICE,
        (
            "批发价格",
            "批发指导价",
            "供货价",
            "进货价",
            "采购价",
            "单价",
            "wholesale",
            "wholesale price",
        ),
        rule=Rule(
            ("价",),
            ("批发", "进", "采购", "供货", "成本", "单"),
            ("调拨", "出厂", "不含税", "零售", "建议", "指导价格"),
        ),
        looks=("money", "number"),
        never=("date", "digits"),
    ),
    _f(
        "allocation_price",
        _noop("Allocation price (元/条)"),
        PRICE,
        ("调拨价", "调拨价格", "工业调拨价", "allocation price"),
        rule=Rule(("价",), ("调拨",)),
        looks=("money", "number"),
        never=("date", "digits"),
    ),
    _f(
        "retail_price",
        _noop("Retail (元/条)"),
        PRICE,
        ("建议零售价", "零售指导价", "零售价格", "售价", "retail", "retail price"),
        rule=Rule(("价",), ("零售", "售", "建议", "指导", "终端")),
        looks=("money", "number"),
        never=("date", "digits"),
    ),
    _f(
        "price_class",
        _noop("Price class"),
        PRICE_CLASS,
        ("类别", "价格类别", "价位段"),
        rule=Rule(("价类", "价位", "价格类")),
        looks=("few",),
        never=("date", "money"),
    ),
    _f(
        "features",
        _noop("Features"),
        TEXT,
        ("卖点", "产品特点", "特色"),
        rule=Rule(("特点", "卖点", "特色", "口感")),
        looks=("prose",),
        never=(),
    ),
    _f(
        "promotion",
        _noop("Promotion"),
        TEXT,
        ("促销政策", "促销活动", "活动"),
        rule=Rule(("促销", "活动")),
        looks=("prose",),
        never=(),
    ),
)

# Complaints, the 12313 hotline's tickets among them: the shop they are about (its code,
# licence or name), when, of what type, what was said and how it was settled. The caller's
# phone and address are the caller's, never the shop's.
_COMPLAINT_DATE = Rule(
    _DATE_ROLES, ("投诉", "受理", "来电", "登记", "反映", "工单", "创建", "提交"), ("办结", "回复")
)
COMPLAINT_FIELDS: tuple[Field, ...] = (
    _f(
        "opened_on",
        _noop("Complaint date"),
        DATE,
        (
            "投诉日期",
            "投诉时间",
            "受理时间",
            "受理日期",
            "来电时间",
            "来电日期",
            "登记时间",
            "登记日期",
            "反映时间",
            "工单日期",
            "日期",
        ),
        rule=_COMPLAINT_DATE,
        looks=("date", "datetime"),
        never=("mobile", "digits12"),
    ),
    *_LINE_SHOP_FIELDS,
    _f(
        "name",
        _noop("Customer name"),
        TEXT,
        (
            *_NAME_ALIASES,
            "被投诉对象",
            "被投诉单位",
            "被举报对象",
            "涉及零售户",
            "被投诉零售户",
            "被反映客户",
            "被投诉客户",
            "被举报客户",
            "被反映对象",
        ),
        rule=Rule(
            (*_NAME_ROLES, "对象", "单位", "客户", "零售户"),
            (*_SHOP, "被投诉", "被举报", "被反映", "涉及"),
            _NOT_A_SHOP_NAME,
        ),
        looks=("shop",),
        never=NEVER_NAME,
    ),
    _f(
        "kind",
        _noop("Complaint type"),
        TEXT,
        ("投诉类别", "投诉类型", "诉求类型", "工单类型", "来电类型", "业务类型", "类型", "类别"),
        rule=Rule(("类型", "类别", "分类"), ("投诉", "诉求", "工单", "来电", "业务", "事项")),
        looks=("complaint_type", "few"),
        never=("date", "mobile"),
    ),
    _f(
        "text",
        _noop("Complaint"),
        TEXT,
        (
            "投诉内容",
            "诉求内容",
            "来电内容",
            "问题描述",
            "反映问题",
            "反映内容",
            "举报内容",
            "内容",
            "事由",
            "具体内容",
        ),
        rule=Rule(("内容", "描述", "问题", "事由", "诉求"), (), ("处理", "办理", "回复", "结果")),
        most=2000,
        looks=("prose",),
        never=("date",),
    ),
    _f(
        "resolved_on",
        _noop("Resolved"),
        DATE,
        (
            "解决日期",
            "办结时间",
            "办结日期",
            "处理日期",
            "处理时间",
            "回复时间",
            "完成时间",
            "结案日期",
        ),
        rule=Rule(_DATE_ROLES, ("办结", "处理", "回复", "完成", "结案", "解决")),
        looks=("date", "datetime"),
        never=("mobile",),
    ),
    _f(
        "resolution",
        _noop("Resolution"),
        TEXT,
        (
            "处理结果",
            "办理结果",
            "回复内容",
            "处理意见",
            "处理情况",
            "办理情况",
            "答复",
            "办结情况",
            "办结结果",
        ),
        rule=Rule(
            ("结果", "意见", "情况", "回复", "答复"), ("处理", "办理", "办结", "回复", "答复")
        ),
        most=2000,
        looks=("prose",),
        never=("date",),
    ),
    _f(
        "caller",
        _noop("Caller"),
        TEXT,
        (
            "来电号码",
            "来电人",
            "投诉人",
            "举报人",
            "投诉人电话",
            "来电电话",
            "联系电话",
            "投诉人联系方式",
            "反映人",
        ),
        rule=Rule(("人", "号码", "电话", "联系方式"), ("来电", "投诉", "举报", "反映")),
        looks=("mobile", "landline", "person"),
    ),
    _f("days_to_resolve", _noop("Days to resolve"), NUMBER),
)


# --- the company's supply: what a shop of a tier may order in a period --------------------

PERIODS = (
    Choice("week", _noop("week"), ("周", "本周", "每周", "周投放", "weekly")),
    Choice("month", _noop("month"), ("月", "本月", "每月", "月投放", "monthly")),
)
PERIOD = choice_type("period", PERIODS)
SUPPLY_FIELDS: tuple[Field, ...] = (
    _f(
        "brand",
        _noop("Brand"),
        TEXT,
        (
            "卷烟名称",
            "卷烟规格",
            "规格名称",
            "卷烟品规",
            "品规",
            "品名",
            "规格",
            "品牌",
            "cig_name",
        ),
        required=True,
    ),
    _f("tiers", _noop("Tiers"), TIERS, ("档位", "档位段", "投放档位", "适用档位", "档级")),
    _f(
        "cartons",
        _noop("Cartons a shop may order"),
        NUMBER,
        ("可订量", "投放量", "限量", "每户限量", "户限量", "条数", "数量", "投放数量", "可订"),
        unit="条",
    ),
    _f("period", _noop("Period"), PERIOD, ("周期", "投放周期", "时段", "投放时段")),
    _f("market", _noop("Market"), TEXT, ("市场类型", "城乡分类", "城网农网", "城乡")),
    _f("format", _noop("Format"), TEXT, ("业态", "经营业态", "终端业态")),
    _f("district", _noop("District"), TEXT, ("片区", "区域", "投放区域")),
    _f("starts", _noop("From"), DATE, ("日期", "开始日期", "投放日期", "起始日期")),
)
