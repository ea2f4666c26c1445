"""Output: rich panels and tables on a terminal, plain tab-separated text when piped, JSON.

rich is imported only when stdout is a terminal: piped output and --json never pay for it.
NO_COLOR is honoured by rich itself.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TextIO

from custcli.i18n import _
from custcli.patterns import lazy
from custcli.text import readable

Column = tuple[str, str]  # (key in the row, header label)
Section = tuple[str, Sequence[tuple[str, str]]]  # (title, [(label, value), …])


def to_terminal() -> bool:
    return sys.stdout.isatty()


def console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


# Characters that drive a terminal rather than show something: C0 and C1 controls (ESC
# starts OSC 52 clipboard writes and screen clears) and the bidirectional overrides.
_CONTROL_RE = lazy("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def shown(text: str) -> str:
    """Text as a terminal may safely print it: control characters written as \\x1b, bytes
    that were not UTF-8 (a GBK file name) read as GBK (custcli.text)."""
    return _CONTROL_RE.sub(
        lambda m: (
            f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256 else f"\\u{ord(m.group()):04x}"
        ),
        readable(text),
    )


def line(text: str = "") -> None:
    """One line of ordinary output."""
    sys.stdout.write(shown(text) + "\n")


def error(text: str) -> None:  # already in the language in use
    """One line on stderr, as every expected failure is reported."""
    sys.stderr.write(f"cust: {shown(text)}\n")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return shown(value)
    if isinstance(value, float):
        return (
            f"{value:,.2f}".rstrip("0").rstrip(".") if not value.is_integer() else f"{value:,.0f}"
        )
    return str(value)


def table(
    rows: Iterable[dict],
    columns: Sequence[Column],
    title: str | None = None,
    cell: Callable[[str, Any], str] | None = None,
    stream: TextIO | None = None,
) -> None:
    """Rows as a table on stdout (or `stream`); `cell(key, value)` may format a value.
    Column labels and the title are message ids, said in the language in use."""
    out = stream or sys.stdout
    columns = [(key, _(label)) for key, label in columns]
    title = _(title) if title else title
    fmt = cell or (lambda _key, value: _cell(value))
    rendered = [[shown(fmt(key, row.get(key))) for key, _label in columns] for row in rows]
    title = shown(title) if title else title
    if not out.isatty():
        if title:
            out.write(f"# {title}\n")
        out.write("\t".join(label for _key, label in columns) + "\n")
        for values in rendered:
            out.write("\t".join(v.replace("\t", " ").replace("\n", " ") for v in values) + "\n")
        return
    from rich.table import Table
    from rich.text import Text

    grid = Table(
        title=Text(title) if title else None,
        title_justify="left",
        header_style="bold",
        pad_edge=False,
        box=None,
    )
    for _key, label in columns:
        grid.add_column(label, overflow="fold")
    for values in rendered:
        grid.add_row(*(Text(v) for v in values))  # Text: a "[b]" in a shop name is not markup
    console(stderr=out is sys.stderr).print(grid)


def rows(
    data: list[dict], columns: Sequence[Column], as_json: bool, title: str | None = None
) -> None:
    """What every listing command prints: the rows as JSON, or as a table."""
    if as_json:
        emit_json(data)
    else:
        table(data, columns, title=title)


def size() -> tuple[int, int]:
    """The terminal's columns and lines (80×24 when it cannot say)."""
    import shutil

    got = shutil.get_terminal_size((80, 24))
    return got.columns, got.lines


def cells(text: str) -> int:
    """How many terminal cells a text takes (a Chinese character takes two)."""
    from rich.cells import cell_len

    return cell_len(text)


def framed(title: str, lines: Sequence[tuple[str, str, bool]]) -> None:
    """Lines already fitted to the terminal in a frame: each a gutter word (a section's name,
    on its first line), the line, and whether it is a warning. Nothing here wraps."""
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(no_wrap=True, overflow="ellipsis")
    for gutter, text, warn in lines:
        grid.add_row(Text(shown(gutter)), Text(shown(text), style="yellow" if warn else ""))
    head = Text(shown(title), style="bold")
    console().print(Panel(grid, title=head, title_align="left", expand=False, padding=(0, 1)))


def card(title: str, sections: Sequence[Section]) -> None:
    """Labelled values in titled sections; empty sections are left out. Section titles and
    labels are message ids, said in the language in use."""
    sections = [
        (_(name), [(_(label), value) for label, value in pairs])
        for name, pairs in sections
        if pairs
    ]
    if not to_terminal():
        line(title)
        for name, pairs in sections:
            line(f"[{name}]")
            for label, value in pairs:
                line(f"  {label}: {value}")
        return
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column(overflow="fold")
    for index, (name, pairs) in enumerate(sections):
        if index:
            grid.add_row("", "")
        grid.add_row(f"[bold]{name}[/bold]", "")
        for label, value in pairs:
            grid.add_row(Text(shown(label)), Text(shown(value)))
    title = Text(shown(title), style="bold")
    console().print(Panel(grid, title=title, title_align="left", expand=False))
