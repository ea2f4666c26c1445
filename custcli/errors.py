"""The failures a user can cause and fix: each carries one line for stderr and an exit code.

Anything else that escapes is a bug and keeps its traceback.
"""


class CustError(Exception):
    """An expected failure: `str(error)` is the whole message shown to the user."""

    exit_code = 2


class NotFound(CustError):
    """Nothing matched what the user asked for (exit 1)."""

    exit_code = 1


class BadInput(CustError):
    """A value, option or file the user gave cannot be used (exit 2)."""

    exit_code = 2


class Ambiguous(CustError):
    """A reference matched several customers; `matches` lists them for the user to choose."""

    exit_code = 1

    def __init__(self, message: str, matches: list[dict]):
        super().__init__(message)
        self.matches = matches
