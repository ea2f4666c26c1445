"""Which column is which field: what its header says and what its values look like, the
sheet, the header row and the kind of file.

Testable without a database: `match(kind, header)` says what one header means and how it
was decided; `map_headers(cells, kind, samples)` maps a header row with the columns' values;
`plan(book, …)` finds the sheet, the header row and the kind of a workbook.

A header is normalised (half-width, lower case, no spaces or brackets; a unit in it, 数量(箱),
is read first), then looked up among the registry's aliases of each field (the earlier alias
the more specific), then read by the fields' rules: a role word (日期, 人, 价, 金额…) with a
qualifier (拜访, 订货, 批发, 客户…). A column's values are profiled (custcli.kinds.shapes): 11-
digit mobiles, 12-digit codes, dates, shop names, scores… Each column and field get one score
from the two, a value that rules a field out (a business licence for the tobacco licence, a
class name for a shop's name) ruling it out whatever the header; and the fields are given
to the columns as a matching: each field once, the best total.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from custcli import kinds
from custcli.errors import BadInput, Said
from custcli.i18n import _noop
from custcli.kinds import Kind
from custcli.kinds.fields import Field
from custcli.kinds.normalize import clean_text, header_text, normalize_header
from custcli.kinds.shapes import FEW_JUDGED, SAMPLE, profile, shapes_of
from custcli.kinds.units import unit_factor, unit_of_header

HEADER_SCAN_ROWS = 30
IGNORE = "ignore"
EXTRA = "extra"
ALIAS_SCORE = 1_000_000  # what match() reports for an alias: above any rule's
# Headers that are yes/no flags or plans say nothing a rule may read as a field.
_NEVER_BY_RULE = ("是否", "is", "has")
# How sure a header makes a field (0..1): an alias, a rule, a person's --map.
ALIAS, RULE, FORCED = 1.0, 0.72, 10.0
ENOUGH = 0.35  # the least score a column is given a field for
WEAK = 0.6  # under it, a field given is a guess a person should see
VALUES_ALONE = 0.75  # what values say without a header, at most
VETO = -1.0
# Headers that say a column is something else than the known fields: their values never
# make them one (a column 其他 of landlines is not the shop's phone).
_OTHER_WORDS = ("其他", "其它", "备用", "附加", "自定义", "扩展", "other", "extra")
# Shapes that tell a field by themselves, under a header that names none: a column of 11-digit
# mobiles is the phone whatever it is called; a column of small numbers may be anything.
TELLING = frozenset(
    {"mobile", "landline", "uscc", "id_card", "digits12", "zero_led", "longitude", "latitude",
     "shop", "address", "datetime", "brand"}
)  # fmt: skip


@dataclass(frozen=True)
class Match:
    """What one header means: the field key (None for nothing), how it was decided
    ("alias", "rule", "map" for --map, or "" for no match) and how specifically."""

    key: str | None
    how: str = ""
    score: int = 0


NO_MATCH = Match(None)


def _aliases(kind: Kind) -> dict[str, tuple[str, int]]:
    return _aliases_of(kind.fields)


@functools.cache
def _aliases_of(fields: tuple[Field, ...]) -> dict[str, tuple[str, int]]:
    """Normalised alias → (field key, score) for one kind's fields; the first to claim wins."""
    found: dict[str, tuple[str, int]] = {}
    for f in fields:
        for index, alias in enumerate(f.names()):
            found.setdefault(normalize_header(alias), (f.key, ALIAS_SCORE - index))
    return found


def match(kind: Kind, header: object, overrides: dict[str, str] | None = None) -> Match:
    """What a header alone means in a file of this kind: its best field."""
    found = header_matches(kind, header, overrides)
    if not found:
        return NO_MATCH
    key, (score, how) = max(found.items(), key=lambda item: item[1][0])
    return Match(key, how, ALIAS_SCORE if how == "alias" else int(score * 1000))


def header_matches(
    kind: Kind, header: object, overrides: dict[str, str] | None = None
) -> dict[str, tuple[float, str]]:
    """Every field a header may mean in a file of this kind, each with how sure (0..1, or
    FORCED by --map) and how it was decided: its alias, else its rules."""
    text = normalize_header(header)
    if not text:
        return {}
    if overrides and text in overrides:
        key = overrides[text]
        return {} if key in (IGNORE, EXTRA) else {key: (FORCED, "map")}
    aliases = _aliases(kind)
    if text in aliases:
        key, score = aliases[text]
        return {key: (ALIAS - (ALIAS_SCORE - score) / 1000, "alias")}
    if text.startswith(_NEVER_BY_RULE):
        return {}
    scored = {f.key: f.rule.score(text) for f in kind.fields if f.rule and f.rule.score(text)}
    if not scored:
        return {}
    best = max(scored.values())
    # the most specific rule keeps RULE; the others a little less, by how much less specific
    return {key: (RULE - 0.1 * (best - s) / max(best, 1), "rule") for key, s in scored.items()}


def value_score(f: Field, shares: dict[str, float]) -> float | None:
    """What a column's values say of a field: VETO when they rule it out, the share of them
    that look like it, None when they say nothing of it (no values, or a field of any text)."""
    if not shares:
        return None
    if any(shares.get(shape, 0) > 0.5 for shape in f.never):
        return VETO
    if not f.looks:
        return None
    if set(f.looks) <= {"few"} and shares.get("filled", 0) < FEW_JUDGED:
        return None  # too few values to say whether they repeat
    share = min(1.0, sum(shares.get(shape, 0.0) for shape in f.looks))
    if f.key == "code":  # a code often starts with 0; a licence never does
        share *= 0.75 + 0.25 * shares.get("zero_led", 0)
    elif f.key == "license_no":
        share *= 1 - 0.5 * shares.get("zero_led", 0)
    return share


def score(
    header: tuple[float, str] | None,
    values: float | None,
    index: int,
    telling: bool = True,
    other: bool = True,
) -> float:
    """One column's score for one field: the header's say and the values' together. Under
    a header that names nothing, the values alone count only when `telling` (their shapes
    tell the field by themselves). Values that do not look like the field lower a rule's
    say only when they look like something else (`other`: a shape that tells another
    field); a short note is still a note."""
    if header is not None and header[0] >= FORCED:
        return FORCED
    if values == VETO:
        return 0.0
    if header is None:  # the values alone: only when they are clear, and never beyond
        if values is None or values < 0.75 or not telling:
            return 0.0
        return VALUES_ALONE * values - 0.001 * index  # of two alike, the registry's first
    if values is None:
        return header[0]
    if values < 0.2:  # the header says it, the values do not look it
        if header[1] == "alias" or not other:  # values only veto a trade's header
            return header[0]
        return 0.6 * (0.7 * header[0] + 0.3 * values)
    return 0.7 * header[0] + 0.3 * values


@dataclass
class Mapping:
    kind: Kind
    sheet: str
    header_row: int  # as the spreadsheet shows it (1-based; 0: the sheet has none)
    headers: list[str]  # the header cells as written
    columns: dict[int, str]  # column index → field key
    extra: dict[int, str] = field(default_factory=dict)  # column index → header kept as extra
    ignored: list[str] = field(default_factory=list)
    how: dict[int, str] = field(default_factory=dict)  # column index → alias, rule, map, value
    guessed: bool = False  # the kind was told by the file, not by --kind
    confidence: dict[int, float] = field(default_factory=dict)  # column index → 0..1
    shares: dict[int, dict[str, float]] = field(default_factory=dict)  # the values' profiles
    samples: dict[int, list] = field(default_factory=dict)  # the first few values of each
    units: dict[int, float] = field(default_factory=dict)  # column → its cells × this = 条, 元
    # column → (the field it measures too, × factor): a second unit to check the first by
    checks: dict[int, tuple[str, float]] = field(default_factory=dict)
    sure: bool = True  # the kind beyond doubt
    # field → (column, score): the column that came nearest each field it was not given
    near: dict[str, tuple[int, float]] = field(default_factory=dict)
    remembered: str | None = None  # the day a person confirmed this layout
    layout_id: int | None = None  # the remembered layout it came from

    def describe(self) -> list[dict]:
        """Every named column with the field it feeds, how that was decided and the evidence."""
        described = []
        for index, header in enumerate(self.headers):
            if index in self.columns:
                target, how = self.columns[index], self.how.get(index, "")
            elif index in self.extra:
                target, how = f"extra.{self.extra[index]}", "extra"
            elif index in self.checks:
                target, how = None, "check"
            elif header:
                target, how = None, ""
            else:
                continue
            described.append(
                {
                    "column": header or f"({index + 1})",
                    "field": target,
                    "how": how,
                    "confidence": round(self.confidence.get(index, 0.0), 2),
                    "evidence": _evidence(self.shares.get(index, {})),
                    "samples": [_sample(v) for v in self.samples.get(index, [])[:3]],
                }
            )
        return described

    def field_of(self, key: str) -> Field:
        return self.kind.field(key)

    @property
    def weak(self) -> list[int]:
        """The columns given a field on evidence a person should see: weak evidence, or
        values alone under a header that names no field."""
        return [
            c
            for c in self.columns
            if self.confidence.get(c, 1.0) < WEAK
            or (self.how.get(c) == "value" and self.headers[c])
        ]


# What a value shape is, said: --dry-run gives each column's strongest shapes.
SHAPE_WORDS = {
    "mobile": _noop("11-digit mobiles"),
    "landline": _noop("landlines"),
    "digits12": _noop("12-digit numbers"),
    "zero_led": _noop("codes led by 0"),
    "uscc": _noop("business-licence codes"),
    "id_card": _noop("ID numbers"),
    "date": _noop("dates"),
    "datetime": _noop("times of day"),
    "money": _noop("amounts"),
    "whole": _noop("whole numbers"),
    "score5": _noop("scores 1-5"),
    "score100": _noop("scores out of 100"),
    "tier": _noop("tiers"),
    "brand": _noop("brand names"),
    "person": _noop("people's names"),
    "shop": _noop("shop names"),
    "address": _noop("addresses"),
    "prose": _noop("sentences"),
    "few": _noop("a few values repeated"),
    "longitude": _noop("longitudes"),
    "latitude": _noop("latitudes"),
    "weekday": _noop("weekdays"),
    "status": _noop("business states"),
    "format": _noop("shop formats"),
    "market": _noop("market types"),
    "credit": _noop("credit grades"),
    "visit_kind": _noop("visit kinds"),
    "complaint_type": _noop("complaint types"),
}


def _evidence(shares: dict[str, float]) -> list[tuple[str, int]]:
    """A column's strongest value shapes: (shape, percent of its values), at most two."""
    ranked = sorted(
        (
            (shape, share)
            for shape, share in shares.items()
            if shape in SHAPE_WORDS and share >= 0.5
        ),
        key=lambda item: -item[1],
    )
    return [(shape, round(share * 100)) for shape, share in ranked[:2]]


def _sample(value: object) -> object:
    text = clean_text(value) if not isinstance(value, int | float) else value
    return text[:20] if isinstance(text, str) else text


def parse_overrides(items: Iterable[str]) -> dict[str, str]:
    """--map "表头=key" (key may be extra or ignore) → {normalised header: key}."""
    overrides = {}
    for item in items:
        header, sep, key = item.rpartition("=")
        if not sep or not header.strip() or not key.strip():
            raise BadInput('--map takes "表头=key", got {item!r}', item=item)
        overrides[normalize_header(header)] = key.strip()
    return overrides


def _columns_of(rows: Sequence[Sequence], width: int) -> list[list]:
    return [[row[c] if c < len(row) else None for row in rows[:SAMPLE]] for c in range(width)]


class Sampled:
    """The data rows under a header row, profiled column by column; each cell's shapes
    worked out once, however many header rows and kinds are tried over the same cells."""

    def __init__(self, rows: Sequence[Sequence]):
        self.rows = rows
        self._shapes: dict[tuple, frozenset] = {}
        self._columns: dict[tuple, tuple[list[dict], list[list]]] = {}

    def _shaped(self, cell: object) -> frozenset:
        key = (cell.__class__, cell)
        found = self._shapes.get(key)
        if found is None:
            from custcli.kinds.shapes import shapes_of

            found = self._shapes[key] = frozenset(shapes_of(cell))
        return found

    def columns(
        self, start: int, width: int, header: Sequence = ()
    ) -> tuple[list[dict], list[list]]:
        """The profiles and the first values of each column, of the rows from `start`; the
        header repeated among them (as exports repeat it down the sheet) is not a value.
        Worked out once for every kind tried over the same rows (read, never changed)."""
        key = (start, width, tuple(header))
        found = self._columns.get(key)
        if found is None:
            found = self._columns[key] = self._profiled(start, width, header)
        return found

    def _profiled(self, start: int, width: int, header: Sequence) -> tuple[list[dict], list[list]]:
        rows = self.rows[start : start + SAMPLE]
        if header:
            rows = [r for r in rows if list(r[: len(header)]) != list(header)]
        cells = _columns_of(rows, width)
        return (
            [profile(column, self._shaped) for column in cells],
            [[v for v in column if v not in (None, "")][:3] for column in cells],
        )


def map_headers(
    cells: Sequence,
    kind: Kind,
    overrides: dict[str, str] | None = None,
    samples: Sequence[Sequence] | Sampled = (),
    start: int = 0,
) -> Mapping:
    """Map one row of header cells, with the data rows under it (`samples`, from `start`):
    each field to the column whose header and values say it best, as a matching; unknown
    columns of a roster are kept in the card's extra."""
    overrides = overrides or {}
    sampled = samples if isinstance(samples, Sampled) else Sampled(samples)
    rows = sampled.rows[start : start + SAMPLE]
    headers = [header_text(c) for c in cells]
    width = max([len(headers), *(len(r) for r in rows)])
    headers += [""] * (width - len(headers))
    profiles, firsts = sampled.columns(start, width, cells)
    mapping = Mapping(kind, "", 0, headers, {})
    fields = list(kind.fields)
    board: dict[tuple[int, int], tuple[float, str]] = {}
    for col in range(width):
        shares = profiles[col]
        mapping.shares[col] = shares
        mapping.samples[col] = firsts[col]
        said = header_matches(kind, headers[col], overrides) if headers[col] else {}
        for index, f in enumerate(fields):
            heard = said.get(f.key)
            if headers[col] and not said and normalize_header(headers[col]) in overrides:
                continue  # --map said ignore or extra
            value = value_score(f, shares)
            if heard and value != VETO:
                best = mapping.near.get(f.key)
                if best is None or heard[0] > best[1]:
                    mapping.near[f.key] = (col, heard[0])
            telling = not headers[col] or (
                not normalize_header(headers[col]).startswith(_OTHER_WORDS)
                and any(shares.get(shape, 0) >= 0.75 for shape in TELLING.intersection(f.looks))
                and not (f.rule and f.rule.declines(normalize_header(headers[col])))
            )
            other = any(shares.get(shape, 0) >= 0.5 for shape in TELLING.difference(f.looks))
            total = score(heard, value, index, telling, other)
            if total >= ENOUGH:
                how = heard[1] if heard else "value"
                if heard and value not in (None, VETO) and value >= 0.5 and how != "map":
                    how += "+value"
                board[col, index] = (total + _unit_preference(f, headers[col]), how)
    for (col, index), (total, how) in _assign(board).items():
        mapping.near.pop(fields[index].key, None)
        mapping.columns[col] = fields[index].key
        mapping.how[col] = how
        mapping.confidence[col] = min(total, 1.0)
        factor = unit_factor(fields[index].unit, unit_of_header(headers[col]))
        if factor != 1:
            mapping.units[col] = factor
    _checks(mapping, board, fields)
    for col, header in enumerate(headers):
        if col in mapping.columns or col in mapping.checks or not header:
            continue
        if kind.keeps_extra and overrides.get(normalize_header(header)) != IGNORE:
            mapping.extra[col] = header
        else:
            mapping.ignored.append(header)
    return mapping


def _unit_preference(f: Field, header: str) -> float:
    """Of two columns of one quantity, the one in the field's own unit (条) comes first."""
    if not f.unit or not header:
        return 0.0
    unit = unit_of_header(header)
    return 0.05 if unit in (None, f.unit) else 0.0


def _assign(board: dict[tuple[int, int], tuple[float, str]]) -> dict[tuple[int, int], tuple]:
    """The matching of columns to fields with the best total score, each at most once (the
    Hungarian algorithm, by munkres)."""
    if not board:
        return {}
    from munkres import Munkres

    cols = sorted({c for c, _f in board})
    fields = sorted({f for _c, f in board})
    cost = [[-board[c, f][0] if (c, f) in board else 0.0 for f in fields] for c in cols]
    return {
        (cols[r], fields[p]): board[cols[r], fields[p]]
        for r, p in Munkres().compute(cost)
        if (cols[r], fields[p]) in board
    }


def _checks(mapping: Mapping, board: dict, fields: list[Field]) -> None:
    """A column left over that measures a field already given, in another unit (订购量(箱)
    beside 订购量(条)): kept to check the given one by, never to take its place."""
    given = {key: col for col, key in mapping.columns.items()}
    for (col, index), (total, how) in board.items():
        f = fields[index]
        if col in mapping.columns or not f.unit or f.key not in given or how == "value":
            continue
        theirs = unit_factor(f.unit, unit_of_header(mapping.headers[given[f.key]]))
        ours = unit_factor(f.unit, unit_of_header(mapping.headers[col]))
        if ours != theirs and total >= ENOUGH:
            mapping.checks[col] = (f.key, ours)


# --- which kind a header row is --------------------------------------------------------------

_SHOP_KEYS = frozenset(kinds.SHOP_KEYS)


def meets_needs(kind: Kind, keys: set[str]) -> bool:
    """Whether the mapped fields are enough for a file of this kind."""
    return kind.needs.met(keys)


def evidence(kind: Kind, mapping: Mapping) -> float:
    """How strongly a header row says it is of this kind, beyond meeting its needs: its
    telltale words and the fields only it has (custcli.kinds), and how surely each column
    was given its field."""
    keys = set(mapping.columns.values())
    text = " ".join(normalize_header(h) for h in mapping.headers)
    return kind.weigh(keys, text) + sum(min(c, 1.0) for c in mapping.confidence.values())


# Files that are none of the kinds, told by their headers' words: refused, never guessed.
NOT_KINDS = (
    (("案件", "涉案", "查获", "案由", "罚没", "立案", "扣押", "没收", "违法行为", "案值"),
     _noop("a file of cases and seizures")),
    (("工号", "员工", "职工", "岗位", "入职", "职务", "人员编号"), _noop("a staff list")),
    (("送货顺序", "配送顺序", "车牌", "车辆", "司机", "装车", "车次", "送货员", "配送员",
      "线路编码", "线路名称", "线路编号"),
     _noop("a list of delivery routes")),
)  # fmt: skip


def _not_a_kind(headers: Sequence[str]) -> str | None:
    """What a header row says a file is when it is none of the kinds (two of its words)."""
    text = " ".join(normalize_header(h) for h in headers if h)
    for words, what in NOT_KINDS:
        if sum(1 for w in words if w in text) >= 2:
            return what
    return None


def _refused(book, what: str) -> BadInput:
    return BadInput(
        "{file} is {what}, not a file cust imports (customers, orders, visits, brands or"
        " complaints); nothing was imported",
        file=book.path.name,
        what=Said(what),
    )


def _refusal(book) -> BadInput | None:
    """A refusal for a file whose first rows say it is none of the kinds, if they do."""
    for name in book.sheets[:3]:
        for row in _head(book.rows(name), HEADER_SCAN_ROWS):
            what = _not_a_kind([header_text(c) for c in row])
            if what:
                return _refused(book, what)
    return None


def _validate_overrides(overrides: dict[str, str], kind: Kind | None) -> None:
    among = [kind] if kind else kinds.IMPORTED
    valid = {IGNORE, EXTRA} | {f.key for k in among for f in k.fields}
    for key in overrides.values():
        if key not in valid:
            raise BadInput(
                "--map: unknown field {key!r}; fields are: {value}",
                key=key,
                value=", ".join(sorted(valid)),
            )


def plan(
    book,
    kind: Kind | None = None,
    sheet: str | None = None,
    overrides: dict[str, str] | None = None,
) -> Mapping:
    """Find the sheet, the header row and the kind; map every column.

    With --kind the best header row for that kind wins. Without it, every kind whose needs a
    row meets is weighed by its evidence, and the strongest is taken; it is `sure` when no
    other kind comes near. A sheet whose first rows are data already is read without a
    header row, by its values alone. A file whose headers say it is none of the kinds (cases
    and seizures, a staff list, delivery routes) is refused."""
    overrides = overrides or {}
    _validate_overrides(overrides, kind)
    if sheet is not None and sheet not in book.sheets + book.hidden_sheets:
        raise BadInput(
            "no sheet named {sheet!r}; sheets are: {value}",
            sheet=sheet,
            value=", ".join(book.sheets),
        )
    candidates = [kind] if kind else list(kinds.IMPORTED)
    scored: list[tuple[tuple, Mapping]] = []
    nearest: tuple | None = None  # the most promising row that fell short, to explain why
    for name in [sheet] if sheet else book.sheets:
        rows = _head(book.rows(name), HEADER_SCAN_ROWS + SAMPLE)
        _not_too_wide(book, name, rows)
        sampled = Sampled(rows)
        seen: set[tuple[str, ...]] = set()
        for row_index in [*range(min(HEADER_SCAN_ROWS, len(rows))), -1]:
            cells = rows[row_index] if row_index >= 0 else []
            if row_index >= 0:
                signature = tuple(normalize_header(header_text(c)) for c in cells)
                if not any(signature) or signature in seen:
                    continue  # blank, or the header repeated down the sheet: the first counts
                seen.add(signature)
            for candidate in candidates:
                mapping = map_headers(cells, candidate, overrides, sampled, row_index + 1)
                keys = set(mapping.columns.values())
                if row_index < 0 and (not keys or min(mapping.confidence.values()) < 0.5):
                    continue  # read without headers only where the values are clear
                if not meets_needs(candidate, keys):
                    if keys and (nearest is None or len(keys) > nearest[0]):
                        nearest = (len(keys), candidate, mapping)
                    continue
                mapping.sheet, mapping.header_row = name, row_index + 1
                mapping.guessed = kind is None
                weight = evidence(candidate, mapping) - (
                    0.5 if row_index < 0 else DATA_IN_HEADER * _data_cells(cells)
                )
                scored.append(((weight, len(keys), -kinds.IMPORTED.index(candidate)), mapping))
    if not scored:
        refusal = _refusal(book)
        if refusal and kind is None:
            raise refusal
        raise _no_header_message(book, sheet, kind, nearest)
    scored.sort(key=lambda item: item[0], reverse=True)
    best = scored[0][1]
    if kind is None and _not_a_kind(best.headers):
        raise _refused(book, _not_a_kind(best.headers))
    rivals = [  # another kind read from the same header row, nearly as well
        m
        for s, m in scored[1:]
        if m.kind is not best.kind
        and m.header_row == best.header_row
        and s[0] > scored[0][0][0] - 2
    ]
    best.sure = kind is not None or not rivals
    return best


# Columns no company export comes near (a city roster has ~100, a wide supply sheet ~40): a
# sheet with more filled columns in its first rows is answered at once, not weighed for a
# minute column by column.
MOST_COLUMNS = 500


def _not_too_wide(book, sheet: str, rows: Sequence[Sequence]) -> None:
    filled = max(
        (max((n for n, c in enumerate(r) if c not in (None, "")), default=-1) for r in rows),
        default=-1,
    )
    if filled + 1 > MOST_COLUMNS:
        raise BadInput(
            "{file}: sheet {sheet} has {count} filled columns, more than any company export"
            " ({most} at most); is it the right file?",
            file=book.path.name,
            sheet=sheet,
            count=filled + 1,
            most=MOST_COLUMNS,
        )


DATA_IN_HEADER = 0.6  # what each cell that looks like data costs a row taken for the header
DATA_SHAPES = frozenset(
    {"mobile", "landline", "uscc", "id_card", "digits12", "zero_led", "longitude", "latitude",
     "date", "datetime"}
)  # fmt: skip


def _data_cells(cells: Sequence) -> int:
    """How many cells of a row look like data, not a column's name: numbers, dates, phones,
    codes (a header row is words)."""
    return sum(
        1
        for cell in cells
        if cell is not None and (not isinstance(cell, str) or DATA_SHAPES & shapes_of(cell))
    )


def doubtful(mapping: Mapping) -> bool:
    """Whether a person should see the mapping before it is used: the kind a guess with a
    rival near it, or a column given a field on weak evidence."""
    return (mapping.guessed and not mapping.sure) or bool(mapping.weak)


def doubts(file_name: str, mapping: Mapping) -> BadInput:
    """The error off a terminal for a doubtful mapping: what is a guess, and the exact
    --kind/--map that would say it."""
    kind = mapping.kind
    guesses = []
    args = []
    if mapping.guessed and not mapping.sure:
        guesses.append(kind.label())
        args.append(f"--kind {kind.name}")
    for col in sorted(mapping.weak):
        header, key = mapping.headers[col], mapping.columns[col]
        percent = round(mapping.confidence.get(col, 0.0) * 100)
        guesses.append(f"{header or f'({col + 1})'}→{kind.field(key).label()} {percent}%")
        if header:  # a sheet read without a header row has no name to --map
            args.append(f'--map "{header}={key}"')
    return BadInput(
        "{file}: {guesses} is a guess; see it with --dry-run, then run again with {args}"
        " (or --yes to take the guess)",
        file=file_name,
        guesses=", ".join(guesses),
        args=" ".join(args),
    )


def _lacking(kind: Kind, mapping: Mapping) -> str:
    """What a header row lacks for a kind: each field it must have, "a / b / c" where any
    one would do."""
    groups = kind.needs.missing(set(mapping.columns.values()))
    return " + ".join(" / ".join(kind.field(k).label() for k in group) for group in groups)


def _almost(kind: Kind, mapping: Mapping) -> Said | str:
    """The columns that came nearest what a header row lacks, with how near ("" for none)."""
    lacking = {k for group in kind.needs.missing(set(mapping.columns.values())) for k in group}
    near = [
        f"{mapping.headers[col]}→{kind.field(key).label()} {round(min(how, 1.0) * 100)}%"
        for key, (col, how) in sorted(mapping.near.items(), key=lambda item: -item[1][1])
        if key in lacking and mapping.headers[col]
    ]
    return Said("; nearest: {columns}", columns=", ".join(near[:3])) if near else ""


def _no_header_message(book, sheet: str | None, kind: Kind | None, nearest: tuple | None):
    """Why no header row was found, as the error that says so: what is missing, and which
    columns came nearest."""
    if nearest is not None and nearest[0] >= 2:
        _count, candidate, mapping = nearest
        return BadInput(
            "{file} looks like {kind} ({known}) but has no {missing}{almost};"
            ' name the column with --map "表头=key", or give --kind',
            file=book.path.name,
            kind=Said(candidate.label_id),
            known=", ".join(
                f"{mapping.headers[col]}→{candidate.field(key).label()}"
                for col, key in sorted(mapping.columns.items())
            ),
            missing=_lacking(candidate, mapping),
            almost=_almost(candidate, mapping),
        )
    where = (
        Said("sheet {sheet!r}", sheet=sheet)
        if sheet
        else Said("sheets {sheets}", sheets=", ".join(book.sheets[:6]) or "-")
    )
    if kind:
        return BadInput(
            "found no {kind} headers in {where} of {file};"
            ' name columns with --map "表头=key", or give --kind',
            kind=Said(kind.label_id),
            where=where,
            file=book.path.name,
        )
    return BadInput(
        "found no header row cust knows in {where} of {file};"
        ' name columns with --map "表头=key", or give --kind',
        where=where,
        file=book.path.name,
    )


def _head(rows: Iterable[list], count: int = HEADER_SCAN_ROWS) -> list[list]:
    head = []
    for row in rows:
        head.append(row)
        if len(head) >= count:
            break
    return head
