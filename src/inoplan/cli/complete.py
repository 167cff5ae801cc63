"""Shell completion: value completers for options.

Every Tab press runs ``inoplan`` in a completion mode, so everything here is
cheap to import: the standard-library ``zoneinfo`` and the ``holidays``
package are imported inside the completer that needs them, and nothing here
imports Rich.

Value completers take the word typed so far and return the values that start
with it, sorted; attach them to an option with ``autocompletion=``::

    typer.Option("--tz", autocompletion=complete_timezone)

Choice (enum) options complete without a completer. File paths are left to the
shell on purpose: an option typed ``str`` or ``Path`` answers a completion
request with nothing, and every script in ``completions/`` then falls back to
the shell's own file-name completion, which handles ``~``, spaces and
directories better than a list printed from here could. Never type a file
option ``typer.FileText``: that answers with the typed word itself and stops
bash from completing file names.

The shell classes and the set-up of a Tab press use Typer internals and live
in :mod:`inoplan.cli.typer_speedups`.
"""

from __future__ import annotations

import re

#: Names ``zoneinfo`` lists that are not places a clinic is in.
_NOT_ZONES = frozenset({"Factory", "localtime", "posixrules"})


def complete_timezone(incomplete: str) -> list[str]:
    """IANA time-zone names starting with ``incomplete`` (``Europe/Pa`` -> ``Europe/Paris``)."""
    from zoneinfo import available_timezones

    return sorted(
        z for z in available_timezones() if z.startswith(incomplete) and z not in _NOT_ZONES
    )


def _spaced(class_name: str) -> str:
    """``BosniaAndHerzegovina`` -> ``Bosnia and Herzegovina``: a name from a class name."""
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", class_name).split(" ")
    return " ".join(
        w.lower() if i and w in {"And", "Of", "The"} else w for i, w in enumerate(words)
    )


def complete_country(incomplete: str) -> list[tuple[str, str]]:
    """Two-letter codes of the countries ``holidays`` knows, with their names as help.

    Upper-case, as ``holidays`` spells them. Returns nothing (so the shell
    offers nothing) when the ``holidays`` package is not installed.
    """
    try:
        from holidays.registry import COUNTRIES
    except ImportError:
        return []
    found = {
        entry[1]: _spaced(entry[0])
        for entry in COUNTRIES.values()
        if len(entry[1]) == 2 and entry[1].startswith(incomplete)
    }
    return sorted(found.items())
