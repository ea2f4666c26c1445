"""The trade's units (see "Words of exports" in shared/domain.md): a quantity is kept in 条
(cartons) and money in 元, whatever a file counts in. A header (数量(箱), 订货量（件）, 金额(万元))
or a cell ("2件") says the unit; 1 箱 = 250 条, 1 件 = 50 条, 1 条 = 10 包 = 200 支,
1 万支 = 50 条; 1 万元 = 10,000 元."""

from __future__ import annotations

import re

import custcli.kinds.normalize as n

# How many of the field's unit one of each is.
PER = {
    "条": {"条": 1.0, "箱": 250.0, "件": 50.0, "包": 0.1, "盒": 0.1, "支": 0.005, "万支": 50.0},
    "元": {"元": 1.0, "万元": 10_000.0, "千元": 1_000.0},
}
_IN_HEADER = re.compile(
    r"[(（\[【/]\s*(万支|万元|千元|条|箱|件|包|盒|支|元)[^)）\]】]*[)）\]】]?\s*$"
)
_AS_NOUN = re.compile(r"(万支|箱|件|条|包|盒|支)数$")  # 箱数, 件数: a count of cases
_IN_CELL = re.compile(r"^\s*([-+]?\d+(?:\.\d+)?)\s*(万支|万元|千元|条|箱|件|包|盒|支|元)\s*$")


def unit_of_header(header: str | None) -> str | None:
    """The unit a header names: 数量(箱) → 箱; 件数 → 件; 金额（万元） → 万元; None when none."""
    if not header:
        return None
    text = n.halfwidth(header).strip()
    found = _IN_HEADER.search(text) or _AS_NOUN.search(text)
    return found.group(1) if found else None


def unit_factor(base: str | None, unit: str | None) -> float:
    """What one `unit` is in the field's `base` unit (1 when either is unknown or they are the
    same, or the unit does not measure that: a count of cases for money)."""
    if not base or not unit:
        return 1.0
    return PER.get(base, {}).get(unit, 1.0)


def in_cell(value: object, base: str | None) -> float | None:
    """A cell that carries its unit ("2件", "3箱") in the field's base unit; None when it
    carries none (a plain number is the column's)."""
    if not base or not isinstance(value, str):
        return None
    found = _IN_CELL.match(n.halfwidth(value))
    if not found or found.group(2) not in PER.get(base, {}):
        return None
    return float(found.group(1)) * PER[base][found.group(2)]
