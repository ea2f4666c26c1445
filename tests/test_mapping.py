"""Header meaning: every real header of the vocabulary maps right, and so do others like them.

The vocabulary (shared/vocabulary/real-headers.tsv) lists headers public tobacco and retail
systems use, with the field each means ("a|b": either is right; extra and ignore: no field).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from custcli import kinds
from custcli.domain.importing.mapping import map_headers, match

VOCABULARY = Path(__file__).resolve().parents[2] / "shared" / "vocabulary" / "real-headers.tsv"
NO_FIELD = {"extra", "ignore"}
# The vocabulary predates 诚信等级 having a field of its own (credit_grade, beside 守法情况):
# where it says compliance for a credit grade, credit_grade is the right answer.
SPLIT = {"compliance": {"compliance", "credit_grade"}}
# It also predates the card's coordinates and delivery route (which the field day's route
# needs): a header naming one of them may map to it where the vocabulary says extra.
ADDED = {"经度": "longitude", "纬度": "latitude", "线路": "delivery_route"}


def _vocabulary() -> list[tuple[str, str, set[str | None]]]:
    if not VOCABULARY.exists():
        return []
    with open(VOCABULARY, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    table = []
    for row in rows:
        wanted = {
            None if f in NO_FIELD else f.removesuffix("(customer)") for f in row["field"].split("|")
        }
        wanted |= {f for key in list(wanted) for f in SPLIT.get(key, ())}
        if wanted == {None}:
            wanted |= {key for word, key in ADDED.items() if word in row["header"]}
        table.append((row["kind"], row["header"], wanted))
    return table


@pytest.mark.skipif(not VOCABULARY.exists(), reason="shared vocabulary not present")
def test_the_whole_vocabulary_maps_right():
    wrong = [
        (kind, header, match(kinds.BY_NAME[kind], header).key, wanted)
        for kind, header, wanted in _vocabulary()
        if match(kinds.BY_NAME[kind], header).key not in wanted
    ]
    assert wrong == [], f"{len(wrong)} of {len(_vocabulary())} headers map wrong"


@pytest.mark.parametrize(
    ("kind", "header", "key"),
    [
        # Not in the vocabulary: the same roles and qualifiers, other words around them.
        ("orders", "下单时间", "date"),
        ("orders", "订购日期（yyyy-mm-dd）", "date"),
        ("orders", "交易日期", "date"),
        ("orders", "配送日期", "date"),  # a delivery file's lines are dated by it
        ("orders", "零售户编码", "code"),
        ("orders", "客户许可证号", "license_no"),
        ("orders", "购进金额合计", "amount"),
        ("orders", "订货数量（条）", "qty"),
        ("orders", "卷烟品名", "brand"),
        ("orders", "商户名称", "name"),
        ("orders", "order_date", "date"),
        ("visits", "走访时间", "date"),
        ("visits", "检查日期", "date"),
        ("visits", "下次拜访日期", None),
        ("visits", "走访人员", "manager"),
        ("visits", "检查人姓名", "manager"),
        ("visits", "巡店记录", "note"),
        ("visits", "拜访形式", "kind"),
        ("visits", "存在的问题", "found"),
        ("visits", "客户满意程度", "satisfaction"),
        ("visits", "零售户许可证号", "license_no"),
        ("customers", "店铺地址", "address"),
        ("customers", "经营者姓名", "owner"),
        ("customers", "负责人电话", "phone"),
        ("customers", "经营者手机", "phone"),
        ("customers", "零售户代码", "code"),
        ("customers", "终端编号", "code"),
        ("customers", "许可证号码", "license_no"),
        ("customers", "走访频次", "visit_cycle_days"),
        ("customers", "订货周期（天）", "order_cycle"),
        ("customers", "订货日期（周几）", None),
        ("customers", "诚信等级（2024）", "credit_grade"),
        ("customers", "违规情况", "compliance"),
        ("customers", "客户经营状态", "status"),
        ("customers", "开户日期", "opened_on"),
        ("customers", "所属片区名称", "district"),
        ("customers", "法定代表人姓名", "legal_rep"),
        ("customers", "是否有冰柜", None),
        ("customers", "小组编号", None),
        ("customers", "许可证有效期", None),
        ("customers", "身份证号", None),
        ("brands", "调拨价（元/条）", "allocation_price"),  # what the company pays, not the shop
        ("brands", "零售指导价(元/条)", "retail_price"),
        ("brands", "卷烟品名", "name"),
        ("brands", "产品名称", "name"),
        ("brands", "卷烟条码", None),
    ],
)
def test_headers_beyond_the_vocabulary_map_by_their_parts(kind, header, key):
    assert match(kinds.BY_NAME[kind], header).key == key


def test_the_more_specific_header_wins_a_field_and_the_other_is_left():
    mapping = map_headers(["品牌", "规格名称", "批发价"], kinds.BRANDS)
    assert mapping.columns == {1: "name", 2: "wholesale_price"}
    assert mapping.ignored == ["品牌"]
    described = {d["column"]: (d["field"], d["how"]) for d in mapping.describe()}
    assert described == {
        "品牌": (None, ""),
        "规格名称": ("name", "alias"),
        "批发价": ("wholesale_price", "alias"),
    }


def test_every_decision_says_how_it_was_made():
    mapping = map_headers(["订单时间", "客户ID", "品名", "订货数量（条）", "备注"], kinds.ORDERS)
    assert [(d["field"], d["how"]) for d in mapping.describe()] == [
        ("date", "alias"),
        ("code", "alias"),
        ("brand", "alias"),
        ("qty", "rule"),
        (None, ""),
    ]
    forced = map_headers(["订单时间", "杂项"], kinds.ORDERS, {"杂项": "brand"})
    assert forced.how == {0: "alias", 1: "map"}
