"""The rule files a person gives cust (the tier watch's TOML), read as text: the file named,
or the documented example cust ships."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from custcli.errors import BadInput

EXAMPLE = "tiers.example.toml"


def example() -> str:
    """The shipped example rule's text."""
    return resources.files("custcli.rules").joinpath(EXAMPLE).read_text("utf-8")


def text(path: Path | None) -> tuple[str, str]:
    """(the text, the name to say) of a rule file, or of the example when none is given."""
    if path is None:
        return example(), EXAMPLE
    try:
        return Path(path).read_text(encoding="utf-8"), str(path)
    except FileNotFoundError:
        raise BadInput("{file}: no such file", file=path) from None
    except UnicodeDecodeError as error:
        raise BadInput("{file} is not a rule file cust can read ({error})", file=path,
                       error=error) from None  # fmt: skip
