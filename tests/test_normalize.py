"""Normalisers: the forms real spreadsheets hold, and parse(render(x)) == x."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custcli.kinds import normalize as n
from custcli.kinds.fields import CUSTOMER_FIELDS


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("000100000001", "000100000001"),
        (530102100001.0, "530102100001"),
        ("530102100001.0", "530102100001"),
        (" 0001 ", "0001"),
        ("０００１", "0001"),
        ("'000123", "000123"),
        (12, "12"),
        ("\u3000A01\u3000", "A01"),
        ("12E34", "12E34"),  # letters and digits: a code, not a number
        ("0e1", "0e1"),
        ("", None),
        (None, None),
    ],
)
def test_codes_stay_text(raw, code):
    assert n.parse_code(raw) == code


@pytest.mark.parametrize("raw", ["5.3e+11", "1.1812E+11", 12.5, "张三"])
def test_codes_that_lost_digits_or_are_not_codes_are_refused(raw):
    with pytest.raises(ValueError):
        n.parse_code(raw)


def test_licence_from_a_number_gets_its_leading_zeros_back():
    assert n.parse_license(53010210001.0) == "053010210001"
    assert n.parse_license("53010210001") == "53010210001"  # text is kept as written


@pytest.mark.parametrize(
    ("raw", "phone"),
    [
        ("138 0013 8000", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("１３８００１３８０００", "13800138000"),
        (13800138000.0, "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("0871-12345678", "0871-12345678"),
        ("087112345678", "0871-12345678"),
        ("(010)12345678", "010-12345678"),
        ("02112345678", "021-12345678"),
        ("0871 1234567", "0871-1234567"),
        ("（0871）12345678", "0871-12345678"),
        ("13800138000/0871-1234567", "13800138000/0871-1234567"),
        ("13800138000、13912345678", "13800138000/13912345678"),
        ("", None),
    ],
)
def test_phones(raw, phone):
    assert n.parse_phone(raw) == phone


@pytest.mark.parametrize("raw", ["abc", "138001380", "1380013800012345"])
def test_bad_phones_are_refused(raw):
    with pytest.raises(ValueError):
        n.parse_phone(raw)


@pytest.mark.parametrize(
    ("raw", "date"),
    [
        ("2024/3/5", "2024-03-05"),
        ("2024-03-05", "2024-03-05"),
        ("2024年3月5日", "2024-03-05"),
        ("20240305", "2024-03-05"),
        (20240305, "2024-03-05"),
        (45356, "2024-03-05"),
        (45356.75, "2024-03-05"),
        ("45356", "2024-03-05"),
        (dt.date(2024, 3, 5), "2024-03-05"),
        (dt.datetime(2024, 3, 5, 9, 30), "2024-03-05"),
        ("2024.03.05", "2024-03-05"),
        ("2024-03-05 09:30:00", "2024-03-05"),
        ("２０２４年３月５日", "2024-03-05"),
        ("", None),
    ],
)
def test_dates(raw, date):
    assert n.parse_date(raw) == date


# 73051 and 99999: five digits past the last Excel serial (9999-12-31), as numbers or text.
@pytest.mark.parametrize(
    "raw", ["2024-02-30", "yesterday-ish", "3/5", 12.5, 73051, "73051", 99999.5, "99999"]
)
def test_bad_dates_are_refused(raw):
    with pytest.raises(ValueError):
        n.parse_date(raw)


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        ("1,234.50元", 1234.5),
        ("52条", 52.0),
        ("￥30", 30.0),
        ("１２", 12.0),
        (7, 7.0),
        ("120元/条", 120.0),
        ("", None),
    ],
)
def test_numbers(raw, number):
    assert n.parse_number(raw) == number


@pytest.mark.parametrize(
    ("raw", "tier"),
    [
        ("12档", 12),
        ("D12", 12),
        ("九档", 9),
        ("十四档", 14),
        ("二十六档", 26),
        ("第3档", 3),
        (5.0, 5),
        ("30", 30),
    ],
)
def test_tiers(raw, tier):
    assert n.parse_tier(raw) == tier


@pytest.mark.parametrize("raw", ["31", "0档", "高档", "1.5"])
def test_bad_tiers_are_refused(raw):
    with pytest.raises(ValueError):
        n.parse_tier(raw)


@pytest.mark.parametrize(
    ("raw", "days"),
    [
        ("每周", 7),
        ("一周一次", 7),
        ("双周", 14),
        ("每月", 30),
        ("10天", 10),
        ("两周一次", 14),
        (14, 14),
        ("每3天", 3),
        ("半月", 15),
    ],
)
def test_visit_cycles(raw, days):
    assert n.parse_cycle(raw) == days


@pytest.mark.parametrize(
    ("raw", "stored", "zh"),
    [
        ("农历三月初八", "lunar:--03-08", "农历三月初八"),
        ("农历正月十五", "lunar:--01-15", "农历正月十五"),
        ("农历1975年腊月廿三", "lunar:1975-12-23", "农历1975年腊月廿三"),
        ("农历3月8日", "lunar:--03-08", "农历三月初八"),
        ("1975-04-12", "1975-04-12", "1975-04-12"),
        ("4月12日", "--04-12", "04-12"),
        ("04-12", "--04-12", "04-12"),
        ("02-29", "--02-29", "02-29"),
    ],
)
def test_days_in_the_year_solar_and_lunar(raw, stored, zh):
    assert n.parse_yearday(raw) == stored
    assert n.render_yearday(stored, "zh") == zh


def test_texts_lose_every_kind_of_outer_space():
    assert n.parse_text("\u3000 张三 \u00a0") == "张三"
    assert n.parse_text("  ") is None


def test_cn_numbers():
    assert [n.cn_number(t) for t in ("九", "十", "十四", "二十", "二十六", "百", "")] == [
        9,
        10,
        14,
        20,
        26,
        None,
        None,
    ]


# --- round trips: every field type renders to a form it parses back -------------------------

_codes = st.from_regex(r"[0-9A-Za-z][0-9A-Za-z_-]{0,15}", fullmatch=True)
_mobiles = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
_landlines = st.from_regex(r"0[3-9][0-9]{2}-[1-9][0-9]{6,7}", fullmatch=True)
_dates = st.dates(dt.date(1930, 1, 1), dt.date(2099, 12, 31)).map(dt.date.isoformat)
_texts = st.text(min_size=1).map(str.strip).filter(bool)
_lunar = st.builds(
    lambda y, m, d: f"lunar:{y}-{m:02d}-{d:02d}",
    st.sampled_from(["-", "1975", "1990"]),
    st.integers(1, 12),
    st.integers(1, 30),
)
_solar_days = st.dates(dt.date(2000, 1, 1), dt.date(2000, 12, 31)).map(
    lambda d: f"--{d.month:02d}-{d.day:02d}"
)

STORED_VALUES = {
    "text": _texts.filter(lambda t: t == n.parse_text(t)),
    "code": _codes,
    "license": _codes,
    "phone": st.one_of(
        _mobiles, _landlines, st.lists(_mobiles, min_size=2, max_size=3).map("/".join)
    ),
    "int": st.integers(-(10**9), 10**9),
    "number": st.floats(-1e9, 1e9, allow_nan=False).map(lambda x: round(x, 2)),
    "tier": st.integers(1, 30),
    "cycle": st.integers(1, 366),
    "date": _dates,
    "yearday": st.one_of(_dates, _lunar, _solar_days),
    "status": st.sampled_from(list(n.STATUSES)),
    "price_class": st.integers(1, 5),
    "satisfaction": st.integers(1, 5),
    "longitude": st.floats(73, 136).map(lambda x: round(x, 6)),
    "latitude": st.floats(3, 54).map(lambda x: round(x, 6)),
    "weekdays": st.builds(
        lambda every, days: every + "、".join(n.WEEKDAY_NAMES[d] for d in sorted(days)),
        st.sampled_from(["", "单周", "双周", "隔周"]),
        st.sets(st.integers(0, 6), min_size=1),
    ),
    "credit": st.sampled_from(["AAA", "AA", "A", "BBB", "BB", "B", "C", "D"]),
}


@pytest.mark.parametrize("field", CUSTOMER_FIELDS, ids=lambda f: f.key)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_customer_field_round_trips(field, lang):
    """Every value a field can store (text no longer than the field holds) is read back as
    itself from what it renders; a longer text is refused."""
    stored = STORED_VALUES[field.type.name].filter(
        lambda v: not isinstance(v, str) or len(v) <= field.most
    )

    @given(stored)
    def check(value):
        assert field.parse(field.render(value, lang)) == value

    check()
    if field.type.name == "text":
        with pytest.raises(ValueError):
            field.parse("长" * (field.most + 1))


@given(st.text())
def test_parsers_raise_only_value_error(text):
    for parse in (
        n.parse_code,
        n.parse_phone,
        n.parse_date,
        n.parse_number,
        n.parse_tier,
        n.parse_cycle,
        n.parse_yearday,
        n.parse_status,
        n.parse_price_class,
    ):
        with contextlib.suppress(ValueError):
            parse(text)


def test_a_lazy_pattern_compiles_on_first_use_and_then_is_the_pattern():
    from custcli.patterns import lazy

    pattern = lazy(r"(\d+)\s*条")
    assert "search" not in vars(pattern)  # nothing compiled at import
    assert pattern.fullmatch("12 条").group(1) == "12"
    assert vars(pattern)["search"].__self__ is vars(pattern)["sub"].__self__  # one compile
    assert pattern.sub("", "3条") == "" and pattern.pattern == r"(\d+)\s*条"


# What the views (custcli.db.views) say of a stored value is what cust says in Chinese.
def _worded() -> dict[str, tuple]:
    """Each field type that says its codes in SQL, with the codes it stores."""
    from custcli.kinds import KINDS
    from custcli.kinds.fields import PERIODS, VISIT_KINDS

    codes = {"status": tuple(n.STATUSES), "visit_kind": tuple(c.code for c in VISIT_KINDS),
             "period": tuple(c.code for c in PERIODS), "yearday": ()}  # fmt: skip
    types = {f.type.name: f.type for kind in KINDS for f in kind.fields if f.type.sql_words}
    assert set(types) == set(codes), "a new type that says its codes: give its codes here"
    return {name: (types[name], codes[name]) for name in sorted(types)}


def _yeardays():
    days = st.dates(dt.date(1930, 1, 1), dt.date(2010, 12, 31))
    return st.one_of(
        days.map(dt.date.isoformat),
        days.map(lambda d: f"--{d.month:02d}-{d.day:02d}"),
        st.tuples(st.integers(1, 12), st.integers(1, 30), st.booleans(), days).map(
            lambda t: f"lunar:{t[3].year if t[2] else '-'}-{t[0]:02d}-{t[1]:02d}"
        ),
    )


@pytest.mark.parametrize("name", sorted(_worded()))
@given(data=st.data())
def test_a_views_words_are_what_cust_says_in_chinese(name, data):
    import sqlite3

    field_type, codes = _worded()[name]
    if codes:  # a code it stores, or anything else, said as it is
        value = data.draw(st.one_of(st.sampled_from(codes), st.text(max_size=8)))
    else:
        value = data.draw(_yeardays())
    sql = f"SELECT {field_type.sql_words(':value')}"
    said = sqlite3.connect(":memory:").execute(sql, {"value": value}).fetchone()[0]
    assert said == field_type.render(value, "zh")
