"""What an import, a merge, an undo and the list of imports print: their result, in the words
of the kinds they brought (custcli.kinds)."""

from __future__ import annotations

from custcli import kinds, render
from custcli.errors import words
from custcli.i18n import _, _noop, tr
from custcli.present.words import history_field

SKIP_REASONS = {
    "blank": _noop("blank"),
    "totals": _noop("totals"),
    "repeated header": _noop("repeated header"),
}
COUNT_WORDS = {
    "new": _noop("new"),
    "updated": _noop("updated"),
    "unchanged": _noop("unchanged"),
    "rejected": _noop("rejected"),
    "skipped": _noop("skipped"),
    "kept_as_written": _noop("kept as written"),
    "masked": _noop("masked values left out"),
    # what a merge brings besides the records of each kind
    "cards new": _noop("new cards"),
    "cards updated": _noop("cards updated"),
    "values changed": _noop("values changed"),
    "cards not yours": _noop("cards of another manager left out"),
}
UNDO_WORDS = {
    "kept": _noop("cards kept"),
    "customers removed": _noop("cards removed"),
    "values restored": _noop("values restored"),
}
HOW_WORDS = {
    "alias": _noop("header"),
    "rule": _noop("rule"),
    "value": _noop("values"),
    "map": _noop("--map"),
    "extra": "",
    "check": _noop("checks another column"),
}
MERGE_WORDS = _noop("a manager's file (merge)")


def counted(key: str) -> str:
    """A count's name: an import's outcome, or the records of a kind a merge brought."""
    if key in COUNT_WORDS:
        return _(COUNT_WORDS[key])
    kind = kinds.BY_NAME.get(key)
    return _(kind.noun_id) if kind else key


def removed(key: str) -> str:
    """An undo's count's name: the records of a kind removed, or the cards kept or put back."""
    if key in UNDO_WORDS:
        return _(UNDO_WORDS[key])
    kind = kinds.BY_NAME.get(key) or next((k for k in kinds.KINDS if k.table == key), None)
    return tr("{what} removed", what=_(kind.noun_id)) if kind else key


def kind_words(code: str) -> str:
    """What an import's kind says: a customer roster, order lines…, or a merge."""
    kind = kinds.BY_NAME.get(code)
    return kind.label() if kind else _(MERGE_WORDS) if code == "merge" else code


def result(plan, outcome) -> None:
    """An import's result: its head line, the mapping (for a dry run or one held back), the
    counts, and the warnings and rejects, the first five of each."""
    if outcome.dry_run:
        head = _("dry run: nothing written")
    elif outcome.held_back:
        head = _("held back: nothing written")
    else:
        head = tr("import #{id}", id=outcome.import_id)
    kind = plan.kind.label() + (_(" (told by the headers)") if plan.guessed else "")
    render.line(
        tr(
            "{head} · {file} · sheet {sheet} · header row {row} · {kind}",
            head=head,
            file=outcome.file,
            sheet=plan.sheet,
            row=plan.header_row,
            kind=kind,
        )
    )
    if plan.remembered:
        render.line(tr("remembered mapping (confirmed {date})", date=plan.remembered))
    if outcome.dry_run or outcome.held_back:
        described = [
            {
                "column": d["column"],
                "field": _field_words(d["field"], plan.kind),
                "how": how_said(d),
            }
            for d in plan.describe()
        ]
        render.table(described, [("column", _("column")), ("field", _("field")), ("how", _("how"))])
    counts = outcome.summary()
    why = _(", ").join(f"{_(SKIP_REASONS[r])} {n}" for r, n in outcome.skipped.items())
    line = " · ".join(f"{counted(k)} {v}" for k, v in counts.items())
    render.line(line + (tr(" ({why})", why=why) if why else ""))
    for key, n in outcome.kept.items():
        render.line(
            tr(
                "  {field}: {count} values not understood, kept as other with their text",
                field=plan.kind.field(key).label(),
                count=n,
            )
        )
    if outcome.unnamed:
        render.line(
            tr(
                "  {count} new cards have no store name; `cust edit` adds one",
                count=outcome.unnamed,
            )
        )
    for sample in outcome.samples if outcome.dry_run or outcome.held_back else []:
        render.line(f"  {words(sample)}")
    for row_no, column, reason in outcome.warnings[:5]:
        render.line(
            tr(
                "  row {row}, {column}: kept as written ({reason})",
                row=row_no,
                column=column,
                reason=words(reason),
            )
        )
    if len(outcome.warnings) > 5:
        render.line(
            tr("  … and {count} more values kept as written", count=len(outcome.warnings) - 5)
        )
    for row_no, _values, reason in outcome.rejects[:5]:
        render.line(tr("  row {row}: {reason}", row=row_no, reason=words(reason)))
    if len(outcome.rejects) > 5:
        render.line(tr("  … and {count} more", count=len(outcome.rejects) - 5))
    if outcome.rejects_file:
        render.line(
            tr("rejected rows and values kept as written are in {file}", file=outcome.rejects_file)
        )
    if outcome.rejects_file_error:
        render.error(
            tr(
                "the import landed, but its rejects file could not be written ({why})",
                why=outcome.rejects_file_error,
            )
        )


def how_said(described: dict) -> str:
    """How a column's field was decided, with its evidence: "规则 + 值: 98% 是11位手机号"."""
    from custcli.domain.importing.mapping import SHAPE_WORDS

    how = " + ".join(
        _(HOW_WORDS[part]) for part in described["how"].split("+") if part in HOW_WORDS
    )
    if described["field"] and described["evidence"]:
        shape, percent = described["evidence"][0]
        how += tr(": {percent}% are {what}", percent=percent, what=_(SHAPE_WORDS[shape]))
    return how


def proposal(plan) -> None:
    """The mapping proposed for a person to confirm: the kind, then each column numbered with
    its field, how sure, and three of its values."""
    kind = plan.kind.label() + (_(" (told by the headers)") if plan.guessed else "")
    render.line(tr("0  kind: {kind}", kind=kind))
    rows = []
    for number, d in enumerate(plan.describe(), 1):
        rows.append(
            {
                "n": str(number),
                "column": d["column"],
                "field": _field_words(d["field"], plan.kind),
                "sure": f"{round(d['confidence'] * 100)}%" if d["field"] else "",
                "samples": " / ".join(str(v) for v in d["samples"]),
            }
        )
    render.table(
        rows,
        [
            ("n", _noop("#")),
            ("column", _noop("column")),
            ("field", _noop("field")),
            ("sure", _noop("sure")),
            ("samples", _noop("values")),
        ],
    )


def layouts(rows: list[dict], as_json: bool) -> None:
    """The layouts remembered: number, kind, confirmed, used, and its columns."""
    if as_json:
        render.emit_json(rows)
        return
    if not rows:
        render.line(_("no layout remembered yet: one is, when --map gives or a prompt confirms it"))
        return
    shown_rows = [
        {
            "id": str(row["id"]),
            "kind": kind_words(row["kind"]),
            "confirmed_at": row["confirmed_at"],
            "used": tr("{count} times", count=row["used"]),
            "headers": _(", ").join(row["headers"][:6]) + ("…" if len(row["headers"]) > 6 else ""),
        }
        for row in rows
    ]
    render.table(
        shown_rows,
        [
            ("id", _noop("#")),
            ("kind", _noop("kind")),
            ("confirmed_at", _noop("confirmed")),
            ("used", _noop("used")),
            ("headers", _noop("columns")),
        ],
    )


def _field_words(target: str | None, kind: kinds.Kind) -> str:
    if target is None:
        return _("(not imported)")
    if target.startswith("extra."):
        return tr("extra: {name}", name=target[6:])
    if target in kind.keys:
        return f"{kind.field(target).label()} ({target})"
    return target


def listing(rows: list[dict], as_json: bool) -> None:
    """The imports done so far, each with its kind and what it did."""
    if as_json:
        render.emit_json(rows)
        return
    for row in rows:
        row["result"] = " ".join(
            f"{counted(k)} {v}" for k, v in row["counts"].items() if k != "skipped_why" and v
        )
        row["kind"] = kind_words(row["kind"])
    render.table(
        rows,
        [
            ("id", _noop("#")),
            ("imported_at", _noop("when")),
            ("file_name", _noop("file")),
            ("kind", _noop("kind")),
            ("result", _noop("result")),
            ("undone_at", _noop("undone")),
        ],
    )


def undone(import_id: int, counts: dict[str, int]) -> None:
    done = _(", ").join(f"{removed(k)} {v}" for k, v in counts.items() if v)
    render.line(
        tr("undid import #{id}: {done}", id=import_id, done=done or _("nothing to reverse"))
    )


def merged(outcome: dict, as_json: bool, dry_run: bool) -> None:
    if as_json:
        render.emit_json(outcome)
        return
    done = _(", ").join(f"{counted(k)} {v}" for k, v in outcome["counts"].items()) or _(
        "nothing new"
    )
    if dry_run:
        render.line(
            tr("dry run, nothing written · {file}: {done}", file=outcome["file"], done=done)
        )
    else:
        render.line(
            tr(
                "merge #{id} · {file}: {done}",
                id=outcome["import_id"],
                file=outcome["file"],
                done=done,
            )
        )
    for card in outcome.get("not_merged", []):
        render.line(
            tr("  left out: {code} {name} is another manager's shop", code=card["code"],
               name=card["name"] or "")
        )  # fmt: skip
    for value in outcome.get("not_applied", []):
        render.line(
            tr("  not applied: {code} {field} {theirs} (this database's {ours} is newer, {day})",
               code=value["code"], field=history_field(value["field"]),
               theirs=value["theirs"],
               ours=value["ours"] if value["ours"] is not None else "", day=value["ours_at"])
        )  # fmt: skip
