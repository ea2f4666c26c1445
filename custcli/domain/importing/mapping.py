"""Which column is which field: header meaning, the sheet, the header row and the kind.

Testable without a database: `match(kind, header)` says what one header means and how it
was decided; `plan(book, …)` finds the sheet, the header row and the kind of a workbook.

A header is normalised (half-width, lower case, no spaces, units or brackets), then looked
up among the registry's aliases of each field (the earlier alias the more specific), then
read by the fields' rules: a role word (日期, 人, 价, 金额…) with a qualifier (拜访, 订货,
批发, 客户…). Where two columns claim one field, the more specific wins (规格名称 over 品牌).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from custcli import kinds
from custcli.errors import BadInput, Said
from custcli.kinds import Kind
from custcli.kinds.fields import Field
from custcli.kinds.normalize import clean_text

HEADER_SCAN_ROWS = 30
MAX_HEADER_CHARS = 100  # longer text is data, not a column name
IGNORE = "ignore"
EXTRA = "extra"
ALIAS_SCORE = 1_000_000  # an alias beats any rule; earlier aliases beat later ones
# Headers that are yes/no flags or plans say nothing a rule may read as a field.
_NEVER_BY_RULE = ("是否", "is", "has")

_BRACKETED_RE = re.compile(r"[(\[【（].*?[)\]】）]")


def normalize_header(header: object) -> str:
    """A header as the matcher reads it: half-width, lower-case, no spaces, no "(条)" units."""
    text = unicodedata.normalize("NFKC", str(header or "")).strip().lower()
    text = _BRACKETED_RE.sub("", text)
    return re.sub(r"[\s*:：_/\-]+", "", text)


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
    """What a header means in a file of this kind."""
    text = normalize_header(header)
    if not text:
        return NO_MATCH
    if overrides and text in overrides:
        key = overrides[text]
        return Match(None if key in (IGNORE, EXTRA) else key, "map", ALIAS_SCORE * 2)
    if text in _aliases(kind):
        key, score = _aliases(kind)[text]
        return Match(key, "alias", score)
    if text.startswith(_NEVER_BY_RULE):
        return NO_MATCH
    best: tuple[int, Field] | None = None
    for f in kind.fields:
        score = f.rule.score(text) if f.rule else 0
        if score and (best is None or score > best[0]):
            best = (score, f)
    return Match(best[1].key, "rule", best[0]) if best else NO_MATCH


@dataclass
class Mapping:
    kind: Kind
    sheet: str
    header_row: int  # as the spreadsheet shows it (1-based)
    headers: list[str]  # the header cells as written
    columns: dict[int, str]  # column index → field key
    extra: dict[int, str] = field(default_factory=dict)  # column index → header kept as extra
    ignored: list[str] = field(default_factory=list)
    how: dict[int, str] = field(default_factory=dict)  # column index → alias, rule or map
    guessed: bool = False  # the kind was told by the headers, not by --kind

    def describe(self) -> list[dict]:
        """Every named column with the field it feeds and how that was decided."""
        described = []
        for index, header in enumerate(self.headers):
            if index in self.columns:
                target, how = self.columns[index], self.how.get(index, "")
            elif index in self.extra:
                target, how = f"extra.{self.extra[index]}", "extra"
            elif header:
                target, how = None, ""
            else:
                continue
            described.append({"column": header, "field": target, "how": how})
        return described

    def field_of(self, key: str) -> Field:
        return self.kind.field(key)


def parse_overrides(items: Iterable[str]) -> dict[str, str]:
    """--map "表头=key" (key may be extra or ignore) → {normalised header: key}."""
    overrides = {}
    for item in items:
        header, sep, key = item.rpartition("=")
        if not sep or not header.strip() or not key.strip():
            raise BadInput('--map takes "表头=key", got {item!r}', item=item)
        overrides[normalize_header(header)] = key.strip()
    return overrides


def _header_text(cell: object) -> str:
    if isinstance(cell, str) and len(cell) > MAX_HEADER_CHARS:
        return ""
    return clean_text(cell) or ""


def map_headers(cells: Sequence, kind: Kind, overrides: dict[str, str] | None = None) -> Mapping:
    """Map one row of header cells: each field goes to the column that says it most
    specifically; unknown columns of a roster are kept in the card's extra."""
    overrides = overrides or {}
    headers = [_header_text(c) for c in cells]
    mapping = Mapping(kind, "", 0, headers, {})
    matches = {col: match(kind, h, overrides) for col, h in enumerate(headers) if h}
    best: dict[str, int] = {}
    for col, found in matches.items():
        if found.key and (found.key not in best or found.score > matches[best[found.key]].score):
            best[found.key] = col
    for col, found in matches.items():
        header = headers[col]
        if found.key and best[found.key] == col:
            mapping.columns[col] = found.key
            mapping.how[col] = found.how
        elif kind.keeps_extra and overrides.get(normalize_header(header)) != IGNORE:
            mapping.extra[col] = header
        else:
            mapping.ignored.append(header)
    return mapping


# --- which kind a header row is --------------------------------------------------------------


def meets_needs(kind: Kind, keys: set[str]) -> bool:
    """Whether the mapped fields are enough for a file of this kind."""
    return kind.needs.met(keys)


def evidence(kind: Kind, mapping: Mapping) -> int:
    """How strongly a header row says it is of this kind, beyond meeting its needs: the
    fields only this kind has, and its telltale words (a visit log names visits, a person
    and a date; an order list a brand, a quantity and a date)."""
    keys = set(mapping.columns.values())
    text = " ".join(normalize_header(h) for h in mapping.headers)
    return kind.weigh(keys, text)


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
    row meets is weighed by its evidence, and the strongest is taken (a guess, which the
    run will not let change existing cards unasked).
    """
    overrides = overrides or {}
    _validate_overrides(overrides, kind)
    if sheet is not None and sheet not in book.sheets + book.hidden_sheets:
        raise BadInput(
            "no sheet named {sheet!r}; sheets are: {value}",
            sheet=sheet,
            value=", ".join(book.sheets),
        )
    candidates = [kind] if kind else list(kinds.IMPORTED)
    best: tuple | None = None
    nearest: tuple | None = None  # the most promising row that fell short, to explain why
    for name in [sheet] if sheet else book.sheets:
        for row_index, cells in enumerate(_head(book.rows(name))):
            for candidate in candidates:
                mapping = map_headers(cells, candidate, overrides)
                keys = set(mapping.columns.values())
                if not meets_needs(candidate, keys):
                    if keys and (nearest is None or len(keys) > nearest[0]):
                        nearest = (len(keys), candidate, mapping)
                    continue
                order = -kinds.IMPORTED.index(candidate)
                score = (evidence(candidate, mapping), len(keys), order)
                if best is None or score > best[0]:
                    mapping.sheet, mapping.header_row = name, row_index + 1
                    mapping.guessed = kind is None
                    best = (score, mapping)
    if best is None:
        raise _no_header_message(book, sheet, kind, nearest)
    return best[1]


def _no_header_message(book, sheet: str | None, kind: Kind | None, nearest: tuple | None):
    """Why no header row was found, as the error that says so."""
    if nearest is not None and nearest[0] >= 2:
        _count, candidate, mapping = nearest
        known = ", ".join(h for i, h in enumerate(mapping.headers) if i in mapping.columns)
        return BadInput(
            "{file} looks like {kind} ({known}) but lacks {needs};"
            ' name columns with --map "表头=key", or give --kind',
            file=book.path.name,
            kind=Said(candidate.label_id),
            known=known,
            needs=Said(candidate.needs.said_id),
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


def _head(rows: Iterable[list]) -> list[list]:
    head = []
    for row in rows:
        head.append(row)
        if len(head) >= HEADER_SCAN_ROWS:
            break
    return head
