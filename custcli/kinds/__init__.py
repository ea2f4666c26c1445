"""The record kinds, in one registry: what cust keeps, each as one object.

As django-import-export gives each model a Resource and tablib each format a class, a kind
holds everything the rest of cust asks about it: its table and fields, how one of its rows
finds its shop and what makes it itself (the columns its key hashes, that a merge copies),
what an import of it needs and what tells a file of it from another, how an import writes
it (its store, whose undo goes with it), the sheet an export of it fills, and its words
(message ids: the catalogue says them). Code that used to switch on a kind's name asks the
kind instead:

    kind = kinds.named("订单")          # its code or any word a person types for it
    kind.fields, kind.table, kind.needs, kind.store, kind.sheet_id …
    kinds.IMPORTED, kinds.MERGED, kinds.EXPORTED

Adding a field is one entry in custcli.kinds.fields and one step in custcli.db.schema;
adding a kind, one entry here (and its table in the schema).
"""

from __future__ import annotations

import functools
import unicodedata
from typing import NamedTuple

from custcli.errors import Said
from custcli.i18n import _noop, said_in
from custcli.kinds.fields import (
    BRAND_FIELDS,
    COMPLAINT_FIELDS,
    CUSTOMER_FIELDS,
    ORDER_FIELDS,
    SECTIONS,
    SUPPLY_FIELDS,
    VISIT_FIELDS,
    Field,
)

# How an import writes a kind (custcli.domain.importing.targets has one store of each):
CARDS = "cards"  # the cards themselves: found by code or licence, changed field by field
LINES = "lines"  # lines that hang on a shop, keyed so that the same file adds nothing twice
CATALOG = "catalog"  # the department's own list (brands): found by name, its changes kept
ALLOWANCES = "allowances"  # the company's supply: brands × tiers → cartons, for a period

SHOP_KEYS = ("code", "license_no", "name")  # how a line finds its shop, in this order


class Needs(NamedTuple):
    """What a header row must map for a file to be of a kind: every field of `all_of`, one
    field of each group of `any_of` (a shop's code, licence or name; a quantity ordered or
    delivered), and at least `count` fields in all."""

    all_of: frozenset[str] = frozenset()
    any_of: tuple[frozenset[str], ...] = ()
    count: int = 0
    said_id: str = ""  # the need, said (a message id)

    def met(self, keys: set[str]) -> bool:
        return not self.missing(keys) and len(keys) >= self.count

    def missing(self, keys: set[str]) -> list[tuple[str, ...]]:
        """What the mapped keys lack: each field of all_of alone, each group none of whose
        fields is there as the group (any one of it would do)."""
        lacking = [(key,) for key in sorted(self.all_of - keys)]
        return lacking + [tuple(sorted(group)) for group in self.any_of if not keys & group]


class Evidence(NamedTuple):
    """What tells a header row is of a kind beyond meeting its needs: its telltale words
    (twice each), the fields only it has (`strong`, twice each) and those it is likelier to
    have than another (`weak`, once each; EVERY_FIELD: each of its fields but the shop's
    keys, as a roster's)."""

    words: tuple[str, ...] = ()
    strong: frozenset[str] = frozenset()
    weak: frozenset[str] = frozenset()


EVERY_FIELD = frozenset({"*"})


class Kind:
    """One record kind. Its fields can grow (`extend`): everything else asks for them when it
    needs them, never keeps its own copy."""

    def __init__(
        self,
        name: str,  # its code: --kind, imports.kind, --json
        table: str,
        label_id: str,  # what a file of it is (a message id): "a visit log"
        noun_id: str,  # what its records are, counted: "visits"
        sheet_id: str = "",  # the title of an export's sheet of it ("" for none)
        fields: tuple[Field, ...] = (),
        words: tuple[str, ...] = (),  # what else a person types for it (拜访, 订单…)
        *,
        store: str = "",  # how an import writes it ("" for a kind no file brings)
        columns: tuple[str, ...] = (),  # what a record holds beside its shop: its key, a merge
        needs: Needs = Needs(),
        evidence: Evidence = Evidence(),
        essential: frozenset[str] = frozenset(),  # fields whose unreadable value refuses a row
        export: tuple[str, ...] | None = (),  # its export sheet's columns (None: every field)
        merged: bool = False,  # a merge brings its records (matched by their stable ids)
        keeps_extra: bool = False,  # a file's columns no field takes are kept (a roster's)
        rolled_up: bool = False,  # its lines are summed into the monthly rollups
        line: str = "",  # how a row of it becomes a line (an order, a visit, a complaint)
        # its last columns, added after its lines were first keyed: left out of a line's key
        # while empty, so that the same file adds nothing when imported again
        late: tuple[str, ...] = (),
    ) -> None:
        self.name, self.table, self.label_id, self.noun_id = name, table, label_id, noun_id
        self.sheet_id, self.words, self.store, self.columns = sheet_id, words, store, columns
        self.needs, self.evidence, self.essential = needs, evidence, essential
        self._export, self.merged, self.keeps_extra = export, merged, keeps_extra
        self.rolled_up, self.line, self.late = rolled_up, line, late
        assert columns[len(columns) - len(late) :] == late, name
        self.fields: tuple[Field, ...] = ()
        self._by_key: dict[str, Field] = {}
        self.extend(*fields)

    def __repr__(self) -> str:
        return f"Kind({self.name!r})"

    def extend(self, *fields: Field) -> None:
        """Give the kind more fields (a new field's whole behaviour is in its entry)."""
        self.fields = (*self.fields, *fields)
        self._by_key = {f.key: f for f in self.fields}

    def field(self, key: str) -> Field:
        return self._by_key[key]

    def has(self, key: str) -> bool:
        return key in self._by_key

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(self._by_key)

    @property
    def export(self) -> tuple[str, ...]:
        return self.keys if self._export is None else self._export

    def weigh(self, keys: set[str], headers: str) -> int:
        """How strongly a header row's fields and words say it is of this kind."""
        evidence = self.evidence
        weak = set(self.keys) - set(SHOP_KEYS) if evidence.weak == EVERY_FIELD else evidence.weak
        return (
            2 * sum(1 for word in evidence.words if word in headers)
            + 2 * len(keys & evidence.strong)
            + len(keys & weak)
        )

    def label(self, lang: str | None = None) -> str:
        from custcli.i18n import lang as language

        return said_in(lang or language(), self.label_id)


CUSTOMERS = Kind(
    "customers",
    "customers",
    _noop("a customer roster"),
    _noop("customers"),
    _noop("Customers"),
    CUSTOMER_FIELDS,
    ("客户", "零售户", "客户名册", "名册", "roster", "customer", "cards"),
    store=CARDS,
    needs=Needs(
        any_of=(frozenset({"code", "license_no"}),),
        count=2,
        said_id=_noop("a customer code or licence number column"),
    ),
    evidence=Evidence(weak=EVERY_FIELD),
    essential=frozenset({"code", "license_no"}),
    export=None,
    keeps_extra=True,
)
ORDERS = Kind(
    "orders",
    "orders",
    _noop("order lines"),
    _noop("order lines"),
    _noop("Orders"),
    ORDER_FIELDS,
    ("订单", "订货", "购进", "order", "order lines"),
    store=LINES,
    columns=("date", "brand", "qty", "amount", "unit_price", "note", "requested"),
    needs=Needs(
        all_of=frozenset({"date", "brand"}),
        any_of=(frozenset(SHOP_KEYS), frozenset({"qty", "delivered"})),
        said_id=_noop("date, customer (code, licence or name), brand and quantity columns"),
    ),
    evidence=Evidence(strong=frozenset({"brand", "qty"}), weak=frozenset({"amount", "unit_price"})),
    essential=frozenset({"date", "brand", "qty", "code", "license_no"}),
    export=("date", "code", "brand", "qty", "amount", "unit_price"),
    merged=True,
    rolled_up=True,
    line="order",
    late=("note", "requested"),
)
VISITS = Kind(
    "visits",
    "visits",
    _noop("a visit log"),
    _noop("visits"),
    _noop("Visits"),
    VISIT_FIELDS,
    ("拜访", "走访", "巡店", "visit", "visit log"),
    store=LINES,
    columns=("date", "kind", "kind_text", "note", "found", "satisfaction", "manager"),
    needs=Needs(
        all_of=frozenset({"date"}),
        any_of=(frozenset(SHOP_KEYS),),
        said_id=_noop("date and customer (code, licence or name) columns"),
    ),
    evidence=Evidence(
        words=("拜访", "巡店", "走访", "巡查", "检查", "稽查", "督导", "visit"),
        weak=frozenset({"manager", "note", "found", "kind", "satisfaction"}),
    ),
    essential=frozenset({"date", "code", "license_no"}),
    export=("date", "code", "name", "kind", "note", "found", "satisfaction", "manager"),
    merged=True,
    line="visit",
)
BRANDS = Kind(
    "brands",
    "brands",
    _noop("a price list"),
    _noop("brands"),
    fields=BRAND_FIELDS,
    words=("品牌", "卷烟", "价格表", "brand", "price list"),
    store=CATALOG,
    needs=Needs(
        all_of=frozenset({"name"}),
        any_of=(frozenset({"wholesale_price", "retail_price", "price_class", "allocation_price"}),),
        said_id=_noop("brand name and price columns"),
    ),
    evidence=Evidence(strong=frozenset({"wholesale_price", "retail_price", "price_class"})),
    essential=frozenset({"name"}),
)
COMPLAINTS = Kind(
    "complaints",
    "complaints",
    _noop("complaints"),
    _noop("complaints"),
    _noop("Complaints"),
    COMPLAINT_FIELDS,
    ("投诉", "complaint", "投诉记录", "12313", "热线", "工单"),
    store=LINES,
    columns=("kind", "text", "opened_on", "resolved_on", "resolution", "caller"),
    needs=Needs(
        all_of=frozenset({"opened_on"}),
        any_of=(frozenset(SHOP_KEYS), frozenset({"text", "kind", "resolution"})),
        said_id=_noop("date, customer (code, licence or name) and complaint columns"),
    ),
    evidence=Evidence(
        words=("投诉", "举报", "12313", "来电", "工单", "诉求", "受理", "办结", "热线", "咨询"),
        strong=frozenset({"text", "resolution", "caller", "resolved_on"}),
        weak=frozenset({"kind"}),
    ),
    essential=frozenset({"opened_on", "code", "license_no"}),
    export=(
        "opened_on",
        "code",
        "name",
        "kind",
        "text",
        "resolved_on",
        "resolution",
        "days_to_resolve",
    ),
    merged=True,
    line="complaint",
)
NOTES = Kind("notes", "notes", _noop("notes"), _noop("notes"), columns=("text", "noted_on"),
             merged=True)  # fmt: skip
FOLLOWUPS = Kind(
    "followups",
    "followups",
    _noop("follow-ups"),
    _noop("follow-ups"),
    columns=("visit_id", "text", "due", "done_on"),
    merged=True,
)
KEY_DATES = Kind("key_dates", "key_dates", _noop("dates"), _noop("dates"),
                 columns=("label", "day"), merged=True)  # fmt: skip

# The company's supply (货源投放): which brands a shop of a tier may order, how many cartons,
# in a week or a month, for a market type, 业态 or district or all. A sheet is long (a row a
# brand and tier range) or wide (tiers across: 30档, D29, 26-30档 …), read by `cust supply
# import`; never guessed for a file `cust import` meets.
SUPPLY = Kind(
    "supply",
    "supply",
    _noop("a supply sheet"),
    _noop("supply allowances"),
    _noop("Supply"),
    SUPPLY_FIELDS,
    ("货源", "投放", "货源投放", "供货", "可订量", "supply", "allowances"),
    store=ALLOWANCES,
    needs=Needs(all_of=frozenset({"brand"}), said_id=_noop("a brand column")),
    evidence=Evidence(
        words=("投放", "货源", "可订", "供货"), strong=frozenset({"tiers", "cartons"})
    ),
    essential=frozenset({"brand"}),
    export=None,
)

# Every kind, in the order a merge brings them (a visit before the follow-ups naming it).
KINDS: tuple[Kind, ...] = (
    CUSTOMERS,
    VISITS,
    ORDERS,
    NOTES,
    FOLLOWUPS,
    COMPLAINTS,
    KEY_DATES,
    BRANDS,
    SUPPLY,
)
# What a file can bring, in the order a tie between them is settled.
IMPORTED: tuple[Kind, ...] = (CUSTOMERS, ORDERS, VISITS, BRANDS, COMPLAINTS)
MERGED: tuple[Kind, ...] = tuple(k for k in KINDS if k.merged)
EXPORTED: tuple[Kind, ...] = (CUSTOMERS, VISITS, ORDERS, COMPLAINTS)
# Kinds whose records hang on one shop (a customer_id), with a stable id each (uid).
ON_A_SHOP: tuple[Kind, ...] = MERGED
BY_NAME = {k.name: k for k in KINDS}


def _typed_name(name: str) -> str:
    return unicodedata.normalize("NFKC", name).strip().lower().replace(" ", "").replace("-", "_")


@functools.cache
def _customer_names(fields: tuple[Field, ...]) -> dict[str, str]:
    """Every name a person may type for a card field: its key, its Chinese and English
    labels and its aliases (档位, 客户档位, tier…), the first field to claim a name keeping it."""
    names: dict[str, str] = {}
    for f in fields:
        for name in f.names():
            names.setdefault(_typed_name(name), f.key)
    return names


def customer_field(name: str) -> Field:
    """The card field a person named (key, label or alias, Chinese or English), or
    ValueError listing the keys."""
    key = _customer_names(CUSTOMERS.fields).get(_typed_name(name))
    if key is None:
        raise ValueError(
            Said(
                "unknown field {name!r}; fields are: {keys}",
                name=name,
                keys=", ".join(CUSTOMERS.keys),
            )
        )
    return CUSTOMERS.field(key)


def card_sections() -> list[tuple[str, tuple[str, ...]]]:
    """How the card groups its fields: (title, keys), in the order of the sections and of
    the fields; a field no section names is not on the card."""
    return [
        (section, tuple(f.key for f in CUSTOMERS.fields if f.section == section))
        for section in SECTIONS
    ]


def _fold(word: str) -> str:
    return unicodedata.normalize("NFKC", word).strip().lower().replace(" ", "")


def named(word: str, among: tuple[Kind, ...] = KINDS) -> Kind:
    """The kind a person named: its code, its words in either language, or what else they
    type for it (订单, 拜访); ValueError naming the choices."""
    folded = _fold(word)
    for kind in among:
        names = (kind.name, said_in("zh", kind.label_id), kind.label_id,
                 said_in("zh", kind.noun_id), kind.noun_id, *kind.words)  # fmt: skip
        if folded in {_fold(n) for n in names}:
            return kind
    raise ValueError(word)


__all__ = [
    "BRANDS",
    "BY_NAME",
    "CARDS",
    "CATALOG",
    "COMPLAINTS",
    "CUSTOMERS",
    "EVERY_FIELD",
    "EXPORTED",
    "FOLLOWUPS",
    "IMPORTED",
    "KEY_DATES",
    "KINDS",
    "LINES",
    "MERGED",
    "NOTES",
    "ON_A_SHOP",
    "ORDERS",
    "SHOP_KEYS",
    "VISITS",
    "Evidence",
    "Kind",
    "Needs",
    "card_sections",
    "customer_field",
    "named",
]
