"""Facts of the trade: units and price classes (see shared/domain.md)."""

from __future__ import annotations

CARTONS_PER_CASE = 250  # 1 箱 = 250 条

# 价类 by the wholesale allocation price per carton (调拨价, 元/条): lower bounds, class 1 first.
PRICE_CLASS_FLOORS = ((1, 100.0), (2, 70.0), (3, 30.0), (4, 16.5), (5, 0.0))
# Price classes as --json and the domain name them; custcli.present.words says them (一类).
PRICE_CLASS_CODES = {1: "class_1", 2: "class_2", 3: "class_3", 4: "class_4", 5: "class_5"}
UNKNOWN_CLASS = "unknown"
# A complaint's types, as the card keeps them (the words are the codes: 类型 on screen).
COMPLAINT_KINDS = ("货源", "送货", "价格", "服务", "其他")
OTHER_COMPLAINT = "其他"


def price_class_of(wholesale_price: float) -> int:
    """一类 ≥ 100 元/条; 二类 70–100; 三类 30–70; 四类 16.5–30; 五类 < 16.5."""
    for price_class, floor in PRICE_CLASS_FLOORS:
        if wholesale_price >= floor:
            return price_class
    return 5
