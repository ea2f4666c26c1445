"""The message catalogue: extract every message id, merge them into the Chinese .po, compile.

    python tools/messages.py            # extract, update custcli/locale/zh/…/cust.po, compile
    python tools/messages.py --check    # exit 1 if a message lacks Chinese or the .mo is stale

Message ids come from three places: the calls that mark them in the code (`_`, `_noop`,
`tr`, the error classes, `Said`, and the parsers' `ValueError`s), the help of every command
and option (the docstrings and help= texts, walked from the command tree), and the words
Click and Typer print themselves (listed below). Babel extracts and compiles; the standard
library's gettext reads the .mo at run time.
"""

from __future__ import annotations

import argparse
import inspect
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "custcli"
PO = PACKAGE / "locale" / "zh" / "LC_MESSAGES" / "cust.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {
    name: None
    for name in (
        "_",
        "_noop",
        "tr",
        "Said",
        "BadInput",
        "NotFound",
        "UnreadableFile",
        "CellTooLarge",
        "RowRejected",
        "Ambiguous",
        "CustError",
        "ValueError",
    )
}
KEYWORDS["pgettext"] = ((1, "c"), 2)
# What Typer prints itself, through the catalogue (custcli.i18n and the error translator in
# custcli.cli route it): its rich help's words, and the "Usage:" before every usage line.
LIBRARY = [
    "Usage:",
    "Options",
    "Commands",
    "Arguments",
    "Error",
    "Aborted.",
    "[default: {}]",
    "[env var: {}]",
    "[required]",
    "(deprecated) ",
    "Try [blue]'{command_path} {help_option}'[/] for help.",
    "Show this message and exit.",
]


Key = tuple[str, str | None]  # (message id, context)


def code_messages() -> dict[Key, list[str]]:
    found: dict[Key, list[str]] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        if isinstance(message, str) and message.strip():
            found.setdefault((message, context), []).append(f"custcli/{filename}:{lineno}")
    return found


def help_messages() -> list[str]:
    """Every command's and option's help, as `cust --help` and each `--help` show them."""
    from custcli import cli, i18n

    i18n.use("en")
    found = [cli.ROOT_HELP]

    def walk(command) -> None:
        if command.help:
            found.append(inspect.cleandoc(command.help))
        for param in command.params:
            if getattr(param, "help", None):
                found.append(param.help)
        for sub in getattr(command, "commands", {}).values():
            walk(sub)

    root = cli.typer.main.get_command(cli.app)
    for param in root.params:
        if getattr(param, "help", None):
            found.append(param.help)
    for name in cli.COMMANDS:
        walk(cli._load(name, "en"))
    return found


def all_messages() -> dict[Key, list[str]]:
    messages = code_messages()
    for text in help_messages():
        messages.setdefault((text, None), []).append("help")
    for text in LIBRARY:
        messages.setdefault((text, None), []).append("click/typer")
    return messages


def load_po() -> Catalog:
    if not PO.exists():
        return Catalog(locale="zh_Hans_CN", domain="cust", project="cust")
    with open(PO, "rb") as handle:
        return read_po(handle, locale="zh_Hans_CN", domain="cust")


def compiled(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def translations(catalog: Catalog) -> dict[Key, str]:
    """Each message's Chinese, keyed by (id, context): what gettext will read, header aside."""
    return {(m.id, m.context): m.string for m in catalog if m.id and m.string}


def is_current(catalog: Catalog) -> bool:
    """Whether the compiled .mo holds exactly the .po's translations.

    Compares messages, not bytes: the .mo's header names the Babel that compiled it, and a
    newer Babel in a fresh environment is not a stale catalogue.
    """
    if not MO.exists():
        return False
    with open(MO, "rb") as handle:
        return translations(read_mo(handle)) == translations(catalog)


def update() -> Catalog:
    old = load_po()
    new = Catalog(locale="zh_Hans_CN", domain="cust", project="cust", fuzzy=False)
    for (message, context), places in sorted(all_messages().items(), key=lambda i: str(i[0])):
        before = old.get(message, context=context)
        new.add(
            message,
            before.string if before else "",
            locations=[(p, 0) for p in sorted(set(places))[:3]],
            context=context,
        )
    return new


def missing(catalog: Catalog) -> list[str]:
    """The message ids (with their context) that have no Chinese."""
    return sorted(
        f"{context}|{message}" if context else message
        for message, context in all_messages()
        if not (catalog.get(message, context=context) and catalog.get(message, context).string)
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.check:
        catalog = load_po()
        lacking = missing(catalog)
        for message in lacking:
            print(f"no Chinese for: {message!r}")
        stale = not is_current(catalog)
        if stale:
            print(f"{MO} is out of date: run python tools/messages.py")
        return 1 if lacking or stale else 0
    catalog = update()
    PO.parent.mkdir(parents=True, exist_ok=True)
    with open(PO, "wb") as handle:
        write_po(handle, catalog, width=100, sort_output=True, omit_header=False)
    MO.write_bytes(compiled(load_po()))
    lacking = missing(load_po())
    print(f"{len(catalog)} messages, {len(lacking)} without Chinese; wrote {PO.name}, {MO.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
