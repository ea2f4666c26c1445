"""The field registry is the one source of keys, labels, aliases and column types."""

from __future__ import annotations

import pytest

from custcli import kinds
from custcli.db.opening import open_db
from custcli.domain.importing.mapping import match, normalize_header
from custcli.kinds import card_sections
from custcli.kinds.fields import CUSTOMER_FIELDS

ISSUE_KEYS = [
    "code", "name", "owner", "phone", "address", "license_no", "district", "account_manager",
    "tier", "category", "format", "market", "visit_cycle_days", "order_method", "order_cycle",
    "order_day", "delivery_day", "settlement", "business_hours", "facility", "signage",
    "legal_rep", "store_manager", "credit_grade", "compliance", "status", "delivery_route",
    "longitude", "latitude", "opened_on", "birthday", "preferences", "notes",
]  # fmt: skip  # the documented keys; order_day and credit_grade split off in schema 11, the
# delivery route and coordinates (the field day's route) added in schema 18


def test_customer_keys_are_the_documented_ones():
    assert [f.key for f in CUSTOMER_FIELDS] == ISSUE_KEYS


def test_every_field_appears_once_on_the_card():
    on_card = [key for _title, keys in card_sections() for key in keys]
    assert sorted(on_card) == sorted(ISSUE_KEYS)


@pytest.mark.parametrize("kind", kinds.IMPORTED, ids=lambda k: k.name)
def test_no_alias_means_two_fields_within_a_kind(kind):
    seen: dict[str, str] = {}
    for field in kind.fields:
        for alias in field.names():
            header = normalize_header(alias)
            assert seen.setdefault(header, field.key) == field.key, (kind.name, alias)


def test_every_field_has_a_column_of_its_declared_type(tmp_path):
    conn = open_db(tmp_path / "x.db")
    columns = {r["name"]: r["type"] for r in conn.execute("PRAGMA table_info(customers)")}
    for field in CUSTOMER_FIELDS:
        assert columns[field.key] == field.type.sql, field.key
    assert columns["code"] == columns["phone"] == columns["license_no"] == "TEXT"


@pytest.mark.parametrize(
    ("header", "kind", "key"),
    [
        ("客户编码", "customers", "code"),
        ("零售户名称", "customers", "name"),
        ("专卖许可证号", "customers", "license_no"),
        ("联系电话 ", "customers", "phone"),
        ("客户名称*", "customers", "name"),
        ("ＣＵＳＴ＿ＩＤ", "customers", "code"),
        ("CUST_CODE", "customers", "license_no"),  # as Robin-Jason's tobacco system names it
        ("CUST_FORMAT", "customers", "format"),
        ("订购量(条)", "orders", "qty"),
        ("订购量（条）", "orders", "qty"),
        ("批发价(元/条)", "brands", "wholesale_price"),
        ("金额(元)", "orders", "amount"),
        ("拜访日期", "visits", "date"),
        ("档 位", "customers", "tier"),
    ],
)
def test_headers_map_through_aliases_after_normalising(header, kind, key):
    kind = kinds.BY_NAME[kind]
    assert match(kind, header).key == key and match(kind, header).how == "alias"
