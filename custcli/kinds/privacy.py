"""What `--redact` hides: phones, licence and ID numbers, bank accounts.

A card's own fields say how they are masked (the registry's `redact`); the columns a roster
brought along (extra) are masked by what their header means and by what a value looks like,
so a phone number in a column called 备用收货电话 or 其他 is hidden all the same; and every
free text (a note, a visit's content, a WeChat column) by the shape of what it holds: a run
of digits that is a phone, an ID or an account number is masked where it stands.
"""

from __future__ import annotations

import re

from custcli.patterns import lazy

_ID_RE = lazy(r"\d{17}[\dXx]|\d{15}")  # a resident ID card: 18 digits (or 15, old)
_MOBILE_RE = lazy(r"(?:\+?86)?1[3-9]\d{9}")
_LANDLINE_RE = lazy(r"0\d{2,3}-?\d{7,8}")
_ACCOUNT_RE = lazy(r"\d{12,30}")  # bank cards 16-19 digits, accounts longer
_PHONE_WORDS = ("电话", "手机", "联系方式", "tel", "phone", "mobile")
_ID_WORDS = ("身份证", "证件号", "身份号", "idcard", "id_card")
_ACCOUNT_WORDS = ("银行", "账号", "帐号", "账户", "帐户", "卡号", "account")


# What the masks below leave: digits beside a run of stars (138****5678, 5301******01,
# ****1234). A cell that holds one is a masked value (cust's own --redact, or a company
# system's export that hides phones the same way): it says nothing of the real value.
_MASKED_RE = lazy(r"\d[*＊]{3,}|[*＊]{3,}\d")


def is_masked(value: object) -> bool:
    """Whether a cell is a masked value, to be left out rather than stored over the real one."""
    if value.__class__ is not str or ("*" not in value and "＊" not in value):
        return False
    return _MASKED_RE.search(value) is not None


def mask_phone(phone: str | None) -> str | None:
    """138****5678; a landline keeps its area code: 0871-****5678."""

    def one(number: str) -> str:
        if "-" in number:
            area, local = number.split("-", 1)
            return f"{area}-****{local[-4:]}"
        return (number[:3] if len(number) == 11 else "") + "****" + number[-4:]

    return "/".join(one(p) for p in phone.split("/")) if phone else phone


def mask_license(number: str | None) -> str | None:
    """530102100001 → 5301******01."""
    if not number or len(number) < 7:
        return number
    return number[:4] + "*" * (len(number) - 6) + number[-2:]


def mask_tail(number: str, keep: int = 4) -> str:
    """All but the last digits: an ID number or a bank account (****************1234)."""
    return "*" * max(len(number) - keep, 0) + number[-keep:]


def redact_extra(header: str, value: object) -> object:
    """A roster's own column, masked by its header's meaning or its value's shape."""
    if value is None:
        return None
    text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    plain = re.sub(r"[\s\-]", "", text)
    name = header.lower()
    if any(w in name for w in _ID_WORDS) or _ID_RE.fullmatch(plain):
        return mask_tail(plain)
    if any(w in name for w in _ACCOUNT_WORDS) and plain.isdigit():
        return mask_tail(plain)
    if any(w in name for w in _PHONE_WORDS) or _MOBILE_RE.fullmatch(plain):
        return mask_phone(plain[-11:] if _MOBILE_RE.fullmatch(plain) else text)
    if _LANDLINE_RE.fullmatch(text.replace(" ", "")):
        return mask_phone(text.replace(" ", ""))
    if _ACCOUNT_RE.fullmatch(plain):
        return mask_tail(plain)
    return redact_text(value)


# What a phone, an ID or an account looks like inside free text, written as people write
# them (138 1234 5678, 0871-65123456, 6222 0212 3456 7890), never inside a longer word or
# number: an ID, a mobile, a landline, an account number, tried in that order.
_IN_TEXT = lazy(
    r"(?<![0-9A-Za-z])(?:"
    r"(?P<id>\d{6}[ -]?\d{8}[ -]?\d{3}[\dXx]|\d{15})"
    r"|(?P<mobile>(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d){8})"
    r"|(?P<landline>0\d{2,3}[- ]?\d{7,8})"
    r"|(?P<account>\d{4}(?:[ -]?\d{4}){2,6}(?:[ -]?\d{1,4})?|\d{12,30})"
    r")(?![0-9A-Za-z])"
)


def redact_text(text: object) -> object:
    """Free text with every phone-, ID- or account-shaped number in it masked."""
    if not isinstance(text, str):
        return text

    def one(match) -> str:
        plain = re.sub(r"[\s\-]", "", match.group())
        if match.group("mobile"):
            return mask_phone(plain[-11:])
        if match.group("landline"):
            return mask_phone(match.group().replace(" ", "-"))
        return mask_tail(plain)

    return _IN_TEXT.sub(one, text)
