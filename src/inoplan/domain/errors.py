"""The exceptions inoplan raises for a user to read.

The CLI catches :class:`InoplanError` in one place and prints its message on
one line with its exit status; nothing below the CLI prints.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from inoplan.domain.limits import QUOTE_CHARS, QUOTE_PATH_CHARS

#: Set while a value that may be a name is parsed (a batch row): no value is quoted.
_UNQUOTED: ContextVar[bool] = ContextVar("inoplan_unquoted", default=False)


def quoted(value: object, limit: int = QUOTE_CHARS) -> str:
    """A refused value as an error message shows it: quoted, and cut if long.

    A value refused as input is never echoed back in full: a message quotes at
    most :data:`inoplan.domain.limits.QUOTE_CHARS` characters of it, then says how long
    it was. Within :func:`values_unquoted` (a batch row, whose cells may hold a
    name) it is not quoted at all: the message says "the value", and the row
    and column tell the user where to look.
    """
    if _UNQUOTED.get():
        return "the value"
    if not isinstance(value, str):
        text = repr(value)
        return text if len(text) <= limit else f"{text[:limit]}..."
    if len(value) <= limit:
        return repr(value)
    return f"{value[:limit]!r}... ({len(value)} characters)"


def quoted_path(path: object) -> str:
    """A file name as an error message shows it (cut only when very long)."""
    return quoted(str(path), QUOTE_PATH_CHARS)


@contextmanager
def values_unquoted() -> Iterator[None]:
    """Within this block, :func:`quoted` names no value (see there)."""
    token = _UNQUOTED.set(True)
    try:
        yield
    finally:
        _UNQUOTED.reset(token)


class InoplanError(Exception):
    """An error meant for the user; ``exit_code`` is the process status."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InputError(InoplanError):
    """Bad or implausible input, or a request the rules forbid.

    ``field`` names the option or column (``--height``, ``weight``) so the
    message tells the user exactly what to change.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.detail = message


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the process was, so clean-up runs as for Ctrl-C.

    The entry point then ends the process by SIGTERM, as it would have died.
    """
