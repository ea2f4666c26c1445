"""Chinese first: one catalogue, every word a manager reads in Chinese, JSON the same in both.

Run without a language and with a plain C.UTF-8 locale, every command speaks Chinese (codes,
units, command and option names aside); --lang en speaks English; --json does not change.
"""

from __future__ import annotations

import re
import shutil
import string
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

from custcli import kinds
from custcli.cli import COMMANDS
from custcli.kinds.fields import VISIT_KINDS

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import messages  # noqa: E402  (tools/messages.py: the catalogue's own tool)

# ASCII words that may stand in Chinese output: codes, units, file kinds, command and option
# names (anything after -- or in backquotes is dropped before looking), placeholders.
ALLOWED = {
    "cust", "json", "csv", "tsv", "xlsx", "xls", "xlsm", "xlsb", "ods", "excel", "wps", "utf",
    "gbk", "mb", "id", "yyyy", "mm", "dd", "aaa", "aa", "zh", "en", "lang", "db", "ok", "key",
    "extra", "ignore", "code", "name", "tier", "phone", "wal", "delete", "wholesale_price",
    "retail_price", "price_class", "features", "promotion", "customers", "orders", "visits",
    "brands", "complaints", "cust_lang", "cust_db", "text", "integer", "path", "float",
    "boolean", "bool", "str", "int", "range", "file", "ref", "day", "label", "visit_id",
    "complaint_id", "followup_id", "import_id", "assignments", "source", "year", "min", "max",
    "chmod", "rejects", "sqlite", "backup", "rm", "d", "x", "on", "off", "postgresql", "pg_dump",
    "pg_restore", "zsyjd", "zhangsan",  # pinyin the user may type
}  # fmt: skip
ALLOWED |= {f.key for kind in kinds.KINDS for f in kind.fields}  # field keys are codes
ALLOWED |= {c.code for c in VISIT_KINDS}
ALLOWED |= set(COMMANDS) | {"log", "list", "edit", "rm", "done", "add", "resolve", "set", "show"}
ALLOWED |= {"monthly", "placeholders", "undo", "path", "status", "backup", "restore", "check"}
ALLOWED |= {"grant", "grants", "revoke", "datasette", "metadata", "weekly", "drop", "close"}
ALLOWED |= {"coverage", "import"}  # subcommands: typed as they are
WORD_RE = re.compile(r"[A-Za-z][A-Za-z_']+")
CJK_RE = re.compile(r"[\u4e00-\u9fff]")


def english_words(text: str) -> set[str]:
    """The English words a text shows a reader: options, commands in backquotes, file names,
    paths and codes taken out first."""
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"'[^']*'", " ", text)  # what the user typed, quoted back
    text = re.sub(r"(?<![\w-])--?[\w-]+", " ", text)  # --kind, -o
    text = re.sub(r"\S*[/\\.]\S*", " ", text)  # paths, file names, decimals
    text = re.sub(r"<[^>]*>", " ", text)  # Typer's metavars <str>
    text = re.sub(r"\b[A-Z][A-Z_]+\b", " ", text)  # metavars, env vars: TEXT, CUST_DB
    return {w for w in WORD_RE.findall(text) if w.lower() not in ALLOWED}


# --- the catalogue ----------------------------------------------------------------------------


def test_every_message_has_chinese_and_the_compiled_catalogue_is_current():
    catalog = messages.load_po()
    assert messages.missing(catalog) == []
    assert messages.is_current(catalog), "run python tools/messages.py"


def test_translations_keep_every_placeholder():
    fields = string.Formatter()

    def names(text: str) -> list:
        return sorted((n, c, s) for _, n, s, c in fields.parse(text) if n is not None)

    wrong = [
        m.id for m in messages.load_po() if m.id and m.string and names(m.id) != names(m.string)
    ]
    assert wrong == []


# --- which language ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "args", "word"),
    [
        ({}, [], "用法"),  # C.UTF-8, nothing asked: Chinese
        ({"LANG": "zh_CN.UTF-8"}, [], "用法"),
        ({"LANG": "en_US.UTF-8"}, [], "Usage"),
        ({"CUST_LANG": "en"}, [], "Usage"),
        ({"LANG": "en_US.UTF-8", "CUST_LANG": "zh"}, [], "用法"),
        ({}, ["--lang", "en"], "Usage"),
    ],
)
def test_chinese_is_the_default_and_english_is_asked_for(cli, env, args, word):
    result = cli.runner.invoke(
        __import__("custcli.cli", fromlist=["app"]).app,
        ["--db", str(cli.db), *args, "show", "--help"],
        env=env,
    )
    assert result.exit_code == 0 and word in result.stdout


# --- every command, in Chinese and in English -------------------------------------------------


def _zh(cli, *args: str, code: int = 0):
    result = cli.runner.invoke(
        __import__("custcli.cli", fromlist=["app"]).app, ["--db", str(cli.db), *args], env={}
    )
    assert result.exit_code == code, (args, result.stdout, result.stderr, result.exception)
    return result.stdout + result.stderr


SCREENS = [
    ["show", "{code}"],
    ["show", "{code}", "--full"],
    ["show", "{code}", "--say"],
    ["list", "--limit", "3"],
    ["find", "{code}"],
    ["history", "{code}"],
    ["today", "--limit", "2"],
    ["due", "--limit", "2"],
    ["visit", "list", "{code}"],
    ["followup", "list", "--all"],
    ["complaint", "list"],
    ["date", "list", "--days", "365"],
    ["brief"],
    ["brand", "list"],
    ["pyramid"],
    ["churn"],
    ["loyal"],
    ["managers"],
    ["imports"],
    ["report", "monthly", "--month", "上月"],
    ["db", "status"],
    ["db", "check"],
    ["visit", "log", "{code}", "--note", "补价签", "--follow-up", "带样品", "--due", "+3d"],
    ["followup", "done", "1"],
    ["complaint", "add", "{code}", "--text", "送货晚", "--kind", "送货"],
    ["complaint", "resolve", "1", "--how", "调线路"],
    ["note", "{code}", "爱喝普洱"],
    ["date", "add", "{code}", "开业纪念日", "2015-06-18"],
    ["edit", "{code}", "--set", "档位=14"],
    ["import", "{dir}/roster.xlsx", "--dry-run"],
    ["route", "--max", "5"],
    ["route", "show"],
    ["route", "close", "1-3", "4=关门"],
    ["report", "weekly", "--week", "上周"],
    ["supply"],
    ["gaps", "{code}"],
    ["anomalies"],
    ["tiers"],
    ["visit", "log", "{code}", "{other}", "--note", "两家一起"],
]
MISTAKES = [
    (2, ["show", "#x"]),
    (1, ["show", "无此店"]),
    (2, ["visit", "log", "{code}", "--date", "明年"]),
    (2, ["visit", "log", "{code}", "--kind", "飞鸽"]),
    (2, ["edit", "{code}", "--set", "颜色=红"]),
    (2, ["report", "monthly", "--month", "Oct"]),
    (2, ["list", "--sort", "colour"]),
    (2, ["import", "{dir}/nothing.xlsx"]),
    (2, ["show", "{code}", "--months", "99"]),
    (2, ["show"]),
    (2, ["nosuchcommand"]),
    (2, ["route", "close", "1", "--date", "明天"]),
    (1, ["route", "show", "--date", "2020-01-01"]),
    (2, ["report", "weekly", "--week", "下周"]),
]


@pytest.fixture
def busy_cli(sample_cli, sample_files, tmp_path):
    code, other = (c["code"] for c in sample_cli.json("list", "--limit", "2"))
    folder = tmp_path / "files"
    shutil.copytree(sample_files, folder)
    return sample_cli, {"code": code, "other": other, "dir": str(folder)}


def test_every_screen_and_error_speaks_chinese_with_no_language_set(busy_cli):
    cli, values = busy_cli
    english: dict[str, set[str]] = {}
    for args in SCREENS:
        shown = _zh(cli, *(a.format(**values) for a in args))
        if english_words(shown):
            english[" ".join(args)] = english_words(shown)
    for code, args in MISTAKES:
        shown = _zh(cli, *(a.format(**values) for a in args), code=code)
        assert CJK_RE.search(shown), (args, shown)
        if english_words(shown):
            english[" ".join(args)] = english_words(shown)
    assert english == {}, "\n".join(f"{k}: {sorted(v)}" for k, v in english.items())


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_help_speaks_chinese_and_english(cli, name):
    shown = _zh(cli, name, "--help")
    assert english_words(shown) == set(), shown
    english = cli("--lang", "en", name, "--help").stdout
    assert "Usage" in english and not CJK_RE.search(
        re.sub(r"[^\s]*[\u4e00-\u9fff][^\s]*(?=[,.)]|\s|$)", "", english.split("Options")[0])
    )


READING = [
    ["show", "{code}"],
    ["list"],
    ["find", "{code}"],
    ["history", "{code}"],
    ["today"],
    ["due"],
    ["visit", "list"],
    ["followup", "list", "--all"],
    ["complaint", "list"],
    ["date", "list", "--days", "365"],
    ["brief"],
    ["brand", "list"],
    ["pyramid"],
    ["churn"],
    ["loyal"],
    ["managers"],
    ["imports"],
    ["report", "monthly", "--month", "上月"],
    ["db", "check"],
]


def test_json_is_the_same_in_both_languages(busy_cli):
    cli, values = busy_cli
    cli.ok("complaint", "add", values["code"], "--text", "送货晚", "--kind", "送货")
    for args in READING:
        args = [a.format(**values) for a in args]
        zh = cli.ok("--lang", "zh", *args, "--json").stdout
        en = cli.ok("--lang", "en", *args, "--json").stdout
        assert zh == en, args


# --- what a person types, in Chinese ------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "offset"),
    [
        ("今天", 0),
        ("昨天", -1),
        ("前天", -2),
        ("3天前", -3),
        ("三天前", -3),
        ("２天前", -2),
        ("today", 0),
        ("-3d", -3),
    ],
)
def test_days_typed_in_chinese(cli, add_shop, today, typed, offset):
    add_shop()
    cli.ok("--lang", "zh", "visit", "log", "000100000001", "--date", typed)
    day = today + __import__("datetime").timedelta(days=offset)
    assert cli.json("visit", "list")[0]["date"] == day.isoformat()


def test_weekdays_and_calendar_days_typed_in_chinese(today):
    import datetime as dt

    from custcli.domain.dates import parse_when

    monday = today - dt.timedelta(days=today.weekday())
    assert parse_when("下周一", today) == monday + dt.timedelta(days=7)
    assert parse_when("本周五", today) == monday + dt.timedelta(days=4)
    assert parse_when("上周三", today) == monday - dt.timedelta(days=5)
    assert parse_when("星期日", today) == monday + dt.timedelta(days=6)
    assert parse_when("12月1日", today) == dt.date(today.year, 12, 1)
    assert parse_when("2026年12月1日", today) == dt.date(2026, 12, 1)
    assert parse_when("2天后", today) == today + dt.timedelta(days=2)


def test_months_typed_in_chinese(today):
    from custcli.domain.dates import month_typed

    this = today.isoformat()[:7]
    assert month_typed("本月", today) == this
    assert month_typed("上月", today) < this and month_typed("上个月", today) < this
    assert month_typed("2026年10月", today) == "2026-10"
    assert month_typed("10月", today) == f"{today.year}-10"
    assert month_typed("2026/9", today) == "2026-09"


def test_field_names_and_choices_typed_in_chinese(cli, add_shop):
    add_shop("0001", "甲店", tier="3")
    add_shop("0002", "乙店", tier="20")
    cli.ok("edit", "0001", "--set", "档位=14", "--set", "经营业态=便利店", "--set", "诚信等级=AA")
    card = cli.json("show", "0001")["card"]
    assert (card["tier"], card["format"], card["credit_grade"]) == (14, "便利店", "AA")
    assert [c["code"] for c in cli.json("list", "--sort", "-档位")] == ["0002", "0001"]
    for kind, code in (("实地", "field"), ("电话", "phone"), ("微信", "online")):
        cli.ok("visit", "log", "0001", "--kind", kind)
        assert cli.json("visit", "list")[0]["kind"] == code


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["visit", "log", "0001", "--date", "大前年"], "不是日期"),
        (["visit", "log", "0001", "--kind", "飞鸽"], "应为以下之一"),
        (["edit", "0001", "--set", "颜色=红"], "没有字段 '颜色'"),
        (["edit", "0001", "--set", "档位=四十"], "档位："),
        (["list", "--sort", "-颜色"], "没有字段 '颜色'"),
        (["visit", "list", "--month", "十三月"], "不是月份"),
        (["report", "monthly", "--month", "明年"], "不是月份"),
    ],
)
def test_wrong_chinese_input_is_refused_in_one_chinese_line(cli, add_shop, args, said):
    add_shop("0001", "甲店")
    line = cli.fails(2, "--lang", "zh", *args)
    assert said in line and CJK_RE.search(line), line


# The one word for each thing (shared/domain.md, "Words on screen"): the words on the right
# never appear in what cust says, except where the table allows them.
NOT_SAID = {
    "店名": "客户名称",
    "店主": "经营者",
    "订货量": "购进量",
    "投诉类别": "类型",
}


def test_the_catalogue_says_one_word_for_one_thing():
    from babel.messages.pofile import read_po

    po = Path(__file__).resolve().parents[1] / "custcli/locale/zh/LC_MESSAGES/cust.po"
    catalogue = read_po(po.open("rb"))
    wrong = []
    for message in catalogue:
        said = message.string if isinstance(message.string, str) else " ".join(message.string)
        for word, instead in NOT_SAID.items():
            if word in (said or ""):
                wrong.append(f"{message.id!r}: {word} (say {instead})")
        if "老板" in (said or "") and message.id != "boss {name}":  # only in --say, spoken
            wrong.append(f"{message.id!r}: 老板 (say 经营者 on screen)")
    assert wrong == []


def _every_command_line() -> list[list[str]]:
    """Every command and subcommand, as typed."""
    from custcli.cli import _load

    lines = []
    for name in sorted(COMMANDS):
        command = _load(name, "en")
        subs = sorted(getattr(command, "commands", {}) or {})
        lines.append([name])
        lines += [[name, sub] for sub in subs]
    return lines


@pytest.mark.parametrize("args", _every_command_line(), ids=" ".join)
def test_every_help_at_80_columns_is_whole_and_says_no_type_names(cli, args):
    result = cli.runner.invoke(
        __import__("custcli.cli", fromlist=["app"]).app,
        ["--db", str(cli.db), *args, "--help"],
        env={"COLUMNS": "80", "CUST_LANG": "zh"},
    )
    assert result.exit_code == 0, result.stdout
    shown = result.stdout
    assert "…" not in shown, shown  # nothing cut
    assert not re.search(r"<(str|bool|int|float|path|text)[^>]*>|\d+<=x<=\d+", shown), shown
    for line in shown.splitlines():
        text = line.strip("│ ")
        assert not (text[:1] and text[0] in "、。，；：）"), line  # no line starts with a closer
        assert cell_len(line) <= 80, line  # in columns: a Chinese character takes two
