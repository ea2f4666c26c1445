"""The failures a user can cause and fix: each carries one line for stderr and an exit code.

A message is an English template (the catalogue's message id) and its values, so that the
edge says it in the language in use: `error.said()`. `str(error)` is the English. Anything
else that escapes is a bug and keeps its traceback.
"""

from __future__ import annotations

from typing import Any

from custcli.i18n import _noop


def words(value: Any) -> Any:
    """A reason in the language in use: a Said or an error of ours by its template, another
    error (a parser's ValueError) by its message; anything else as it is."""
    from custcli.i18n import _

    if hasattr(value, "said"):
        return value.said()
    if isinstance(value, Exception) and value.args and hasattr(value.args[0], "said"):
        return value.args[0].said()  # a parser's ValueError(Said(…))
    return _(str(value)) if isinstance(value, Exception) else value


def say(template: str, params: dict[str, Any]) -> str:
    """A template in the language in use, its values filled in (reasons said too)."""
    from custcli.i18n import _

    if not params:  # a sentence without values: never formatted, braces and all
        return _(template)
    return _(template).format(**{k: words(v) for k, v in params.items()})


class Said:
    """A sentence kept as its English template and values until someone reads it."""

    def __init__(self, template: str, **params: Any):
        self.template, self.params = template, params

    def __str__(self) -> str:
        return self.template.format(**self.params) if self.params else self.template

    def said(self) -> str:
        return say(self.template, self.params)


class CustError(Exception):
    """An expected failure: the whole message shown to the user, and its exit code."""

    exit_code = 2

    def __init__(self, message: str, **params: Any):
        self.message = Said(message, **params)
        super().__init__(str(self.message))

    def said(self) -> str:
        return self.message.said()


class NotFound(CustError):
    """Nothing matched what the user asked for (exit 1)."""

    exit_code = 1


class BadInput(CustError):
    """A value, option or file the user gave cannot be used (exit 2)."""

    exit_code = 2


class Ambiguous(CustError):
    """A reference matched several customers; `matches` lists them for the user to choose."""

    exit_code = 1

    def __init__(self, message: str, matches: list[dict], ref: str | None = None, **params: Any):
        super().__init__(message, **params)
        self.matches = matches
        self.ref = ref  # what was typed, to put the one picked in its place


DISK_FULL = _noop("the disk is full ({where}); nothing was changed: free some space and try again")


class DiskFull(BadInput):
    """The disk a file is written to has no room left: nothing was changed (exit 2)."""

    def __init__(self, where: object):
        super().__init__(DISK_FULL, where=where)
