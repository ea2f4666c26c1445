"""Text that comes from outside as bytes: command-line arguments and file names.

Python reads an argument that is not UTF-8 with its bytes kept as lone surrogates
(\\udcd6\\udcd0): on a Chinese system those bytes are nearly always GBK, typed in a GBK
terminal or named by a Windows zip. Such text can be neither stored nor printed as it is.
"""

from __future__ import annotations

from custcli.patterns import lazy

_ESCAPED = lazy("[\udc80-\udcff]+")


def has_raw_bytes(text: str) -> bool:
    return bool(_ESCAPED.search(text))


def readable(text: str) -> str:
    """Text fit to store and print: bytes that were not UTF-8 read as GB18030 (which holds
    GBK), and what is not GB18030 either shown as �."""
    if not has_raw_bytes(text):
        return text
    return _ESCAPED.sub(
        lambda m: bytes(ord(c) - 0xDC00 for c in m.group()).decode("gb18030", errors="replace"),
        text,
    )


def argument(text: str, exists) -> str | None:
    """A command-line argument as cust takes it: as it is when it is UTF-8 or names a file
    that exists (`exists(text)`: the file is opened by its bytes), else read as GB18030;
    None when it is neither."""
    if not has_raw_bytes(text) or exists(text):
        return text
    try:
        return text.encode("utf-8", "surrogateescape").decode("gb18030")
    except UnicodeDecodeError:
        return None
