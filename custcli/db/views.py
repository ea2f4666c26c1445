"""The file as a person reads it without cust (Datasette, a SQL console): a view for each
record kind, named as the trade names it (客户, 拜访, 订单…), its columns labelled in Chinese,
its codes said as words (在营, 电话, 农历三月初八: each field type's `sql_words`), the
shop's code and name beside each record, and none of cust's internal columns (ids, keys,
search text, the import a row came with).

Built from the kinds registry and the tables as they are, so that a new field is in its
view once its migration step has run: the views are put up again after every migration of a
SQLite file to the latest schema. A department's PostgreSQL has none: a view there would
read with its owner's rights, around the managers' fence.
"""

from __future__ import annotations

from custcli import kinds
from custcli.i18n import said_in

# What a record holds that a person never reads.
INTERNAL = ("id", "uid", "customer_id", "row_key", "search_text", "import_id", "extra")
# Columns of a table that are one field between them.
_DERIVED = {
    ("supply", "tiers"): "CASE WHEN r.tier_low = r.tier_high THEN r.tier_low || '档'"
    " ELSE r.tier_low || '-' || r.tier_high || '档' END",
}
_SHOP = ("code", "name")  # the shop's, beside each of its records


def name(kind: kinds.Kind) -> str:
    """A kind's view: its export sheet's title (客户, 拜访…), else what its records are."""
    return said_in("zh", kind.sheet_id or kind.noun_id)


def _quoted(label: str) -> str:
    return '"' + label.replace('"', '""') + '"'


def _said(field, column: str) -> str:
    return field.type.sql_words(column) if field.type.sql_words else column


def definition(kind: kinds.Kind, columns: set[str]) -> str | None:
    """The SELECT of a kind's view over its table's `columns`; None when none of its
    fields is a column."""
    on_a_shop = kind in kinds.ON_A_SHOP
    shown, labels = [], set()
    if on_a_shop:
        for key in _SHOP:
            field = kinds.CUSTOMERS.field(key)
            shown.append(f"c.{key} AS {_quoted(field.label('zh'))}")
            labels.add(field.label("zh"))
    for field in kind.fields:
        derived = _DERIVED.get((kind.table, field.key))
        if field.key in INTERNAL or (field.key not in columns and not derived):
            continue
        if on_a_shop and field.key in _SHOP:
            continue  # the shop's own, above
        label = field.label("zh")
        if label in labels:
            continue
        labels.add(label)
        shown.append(f"{derived or _said(field, 'r.' + field.key)} AS {_quoted(label)}")
    if len(shown) <= (len(_SHOP) if on_a_shop else 0):
        return None
    source = f"{kind.table} r"
    if on_a_shop:
        source += " JOIN customers c ON c.id = r.customer_id"
    return f"SELECT {', '.join(shown)} FROM {source}"


def names() -> list[str]:
    """Every view this cust puts up (a kind without a field column has none)."""
    return [*_history(), *(name(k) for k in kinds.KINDS if k.fields)]


def put(conn) -> list[str]:
    """Put up every kind's view, and the history's, as this cust writes them (in the
    caller's transaction); the names of the views."""
    made = []
    for view, sql in _history().items():
        conn.execute(f"DROP VIEW IF EXISTS {_quoted(view)}")
        conn.execute(f"CREATE VIEW {_quoted(view)} AS {sql}")
        made.append(view)
    for kind in kinds.KINDS:
        columns = {row[1] for row in conn.execute(f"PRAGMA table_info({kind.table})")}
        sql = definition(kind, columns)
        conn.execute(f"DROP VIEW IF EXISTS {_quoted(name(kind))}")
        if sql:
            conn.execute(f"CREATE VIEW {_quoted(name(kind))} AS {sql}")
            made.append(name(kind))
    return made


def _history() -> dict[str, str]:
    """The card history and the imports, as people read them: each changed field and each
    import's kind in words."""
    from custcli.glossary import CREATED, OWN_TABLES, SOURCES
    from custcli.kinds.normalize import sql_case

    said = {"(created)": said_in("zh", CREATED),
            **{f.key: f.label("zh") for f in kinds.CUSTOMERS.fields}}  # fmt: skip
    fields = sql_case("h.field", said, "h.field")
    sources = {code: said_in("zh", word) for code, word in SOURCES.items()}
    source = sql_case("h.source", sources, "h.source")
    kind = sql_case("i.kind", {k.name: name(k) for k in kinds.KINDS}, "i.kind")
    return {
        said_in("zh", OWN_TABLES["changes"]): (
            f'SELECT c.code AS "客户编码", c.name AS "客户名称", {fields} AS "字段",'
            ' h.old AS "原值", h.new AS "新值", h.changed_at AS "修改时间",'
            f' h.true_at AS "数据日期", {source} AS "来源"'
            " FROM changes h JOIN customers c ON c.id = h.customer_id"
        ),
        said_in("zh", OWN_TABLES["imports"]): (
            f'SELECT i.id AS "编号", i.file_name AS "文件", {kind} AS "类型",'
            ' i.sheet AS "工作表", i.counts AS "数目", i.imported_at AS "导入时间",'
            ' i.undone_at AS "撤销时间", i.made_by AS "导入人" FROM imports i'
        ),
    }
