"""Regular expressions compiled on first use.

`cust show` is timed against a bare Typer app; compiling the two dozen patterns its modules
hold cost 4 ms at import (one Unicode range alone 1.4 ms), most of them for parsing it never
does. A `lazy` pattern compiles when first used, then hands out the compiled pattern's own
methods, so a loop over a million cells pays nothing for it.
"""

from __future__ import annotations

import re

_METHODS = ("search", "match", "fullmatch", "sub", "subn", "split", "findall", "finditer")


class lazy:
    def __init__(self, pattern: str, flags: int = 0):
        self._source = (pattern, flags)

    def __getattr__(self, name: str):
        # Only reached while an attribute is missing: on first use, or for a rare one.
        compiled = re.compile(*self._source)
        for method in _METHODS:
            setattr(self, method, getattr(compiled, method))
        return getattr(compiled, name)
