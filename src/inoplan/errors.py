"""The exceptions inoplan raises for a user to read.

The CLI catches :class:`InoplanError` in one place and prints its message on
one line with its exit status; nothing below the CLI prints.
"""

from __future__ import annotations


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
