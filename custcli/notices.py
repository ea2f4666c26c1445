"""What the store has to tell a person while it works (it waits for an import under way; it
made a file others could read private): said through whatever the edge listens with (the
command line prints it on stderr), never printed by the store itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Listener = Callable[[str, dict[str, Any]], None]
_listener: Listener | None = None


def listen(listener: Listener | None) -> None:
    """Hear what the store tells from now on: (message id, its values)."""
    global _listener
    _listener = listener


def tell(template: str, **params: Any) -> None:
    if _listener is not None:
        _listener(template, params)
