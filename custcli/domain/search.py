"""Pinyin search keys and ranking for `cust find` and REF resolution.

Pinyin is worked out when a card is written and stored in customers.search_text, so that
reading commands never import pypinyin (~320 ms).
"""

from __future__ import annotations

import functools

from custcli.patterns import lazy

_HAN_RE = lazy(r"[\u3400-\u9fff]")
# The characters of a name worked into pinyin: a person types the first few to find a shop,
# and a character of several readings adds a spelling for each, so the keys grow with the
# square of the length (20,000 of 长 took 5.6 GB).
PINYIN_CHARS = 32


@functools.cache
def _char_readings(char: str) -> tuple[str, ...]:
    """The common reading first, then up to two others (行: xing, hang)."""
    from pypinyin import Style, pinyin

    readings = pinyin(char, style=Style.NORMAL, heteronym=True, errors="ignore")[0] or [""]
    return tuple(dict.fromkeys(readings))[:3]


@functools.lru_cache(maxsize=65_536)
def pinyin_keys(text: str | None) -> tuple[str, ...]:
    """Full pinyin and initials of a name: 张三烟酒店 → ("zhangsanyanjiudian", "zsyjd").

    Characters are read one at a time through a cache (0.26 s for 100k names, against 14 s
    for pypinyin's phrase reading name by name). A character with several readings adds a
    key for each other reading in its place (五金行: wujinxing and wujinhang), so that the
    contextual reading a person types matches as well as the common one. Remembered per
    text: a roster's 100,000 owners are a few tens of thousands of names.
    """
    if not text or not _HAN_RE.search(text):
        return ()
    chars = [c for c in text if _HAN_RE.match(c) or c.isalnum()][:PINYIN_CHARS]
    readings = [_char_readings(c) if _HAN_RE.match(c) else (c.lower(),) for c in chars]
    common = [r[0] for r in readings]
    spellings = [common] + [
        [*common[:i], other, *common[i + 1 :]]
        for i, options in enumerate(readings)
        for other in options[1:]
    ]
    keys: list[str] = []
    for syllables in spellings:
        keys.append("".join(syllables))
        keys.append("".join(s[:1] for s in syllables))
    return tuple(dict.fromkeys(keys))


def may_be_in_search_text(text: str) -> bool:
    """Whether a text can be part of a card's search text at all. The search text holds
    pinyin, and the name's and owner's other letters and digits; a Han character of
    _HAN_RE's range is always read as pinyin, so a text that has one is never in it (a
    Chinese name looked up skips a city's longest column)."""
    return not _HAN_RE.search(text)


def search_text(name: str | None, owner: str | None) -> str:
    """The stored search key of a card: pinyin of store name and owner, space-separated."""
    return " ".join(pinyin_keys(name) + pinyin_keys(owner))


def rank(customer: dict, query: str) -> int | None:
    """How well a customer answers a query: 0 is best, None is no match."""
    q = query.strip()
    ql = q.lower()
    phone = customer.get("phone") or ""
    phones = phone.split("/") if phone else []
    plain_phones = [p.replace("-", "") for p in phones]
    keys = (customer.get("search_text") or "").split()
    if q in (customer.get("code"), customer.get("license_no")):
        return 0
    bare = q.lstrip("0") if q.isdigit() else ""
    if bare and bare in (
        (customer.get("code") or "").lstrip("0"),
        (customer.get("license_no") or "").lstrip("0"),
    ):
        return 0  # a code that lost its leading zeros (Excel, or a hurried thumb)
    if q in phones or q in plain_phones:
        return 1
    if q in (customer.get("name"), customer.get("owner")):
        return 2
    if ql in keys:
        return 3
    if len(q) >= 4 and q.isdigit() and any(p.endswith(q) for p in plain_phones):
        return 4
    if (customer.get("name") or "").startswith(q) or any(k.startswith(ql) for k in keys):
        return 5
    if q in (customer.get("name") or "") or q in (customer.get("owner") or ""):
        return 6
    if any(ql in k for k in keys):
        return 7
    if q in (customer.get("address") or "") or any(q in p for p in phones):
        return 8
    if (customer.get("code") or "").startswith(q):
        return 9
    return None
