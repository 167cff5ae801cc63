"""Shell completion: value completers for options, and the shell classes.

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
"""

from __future__ import annotations

import re
from typing import Any

from typer._click.shell_completion import CompletionItem
from typer._completion_classes import (
    BashComplete,
    FishComplete,
    PowerShellComplete,
    ZshComplete,
)

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


# --- completion classes that never import Rich ---------------------------------------
# Typer's zsh, fish and PowerShell classes pass every help text through Rich, which
# costs a Rich import on each Tab press. inoplan's help texts carry no Rich markup, so
# these subclasses print them as they are. Bash shows no help texts and needs no change.


def _plain_help(item: CompletionItem) -> str | None:
    return " ".join(item.help.split()) if item.help else None


class PlainZshComplete(ZshComplete):
    def format_completion(self, item: CompletionItem) -> str:
        value = super().format_completion(CompletionItem(item.value))
        help_text = _plain_help(item)
        if help_text is None:
            return value
        # The parent's formatting of a help-less item is the quoted, escaped value;
        # format the help the same way.
        return f"{value}:{super().format_completion(CompletionItem(help_text))}"


class PlainFishComplete(FishComplete):
    def format_completion(self, item: CompletionItem) -> str:
        help_text = _plain_help(item)
        return f"{item.value}\t{help_text}" if help_text else str(item.value)


class PlainPowerShellComplete(PowerShellComplete):
    def format_completion(self, item: CompletionItem) -> str:
        return f"{item.value}:::{_plain_help(item) or ' '}"


def prepare_completion() -> None:
    """Make this process a quick completion answerer; call only for a Tab press.

    Registers the Rich-free shell classes (after Typer registered its own), and
    stops option values being checked while the command line is parsed for
    completion: Typer checks them with pydantic, which is most of a Tab press's
    time, and a completion needs only which options were given, never their
    checked values. It also keeps eager callbacks such as ``--version`` from
    printing into the list of completions.
    """
    from typer._click.shell_completion import add_completion_class
    from typer.core import _TyperParameter

    checked = _TyperParameter.process_value
    if not getattr(checked, "_inoplan_completion", False):

        def process_value(self: _TyperParameter, ctx: Any, value: Any) -> Any:
            if ctx.resilient_parsing:  # set by Click only while completing
                return value
            return checked(self, ctx, value)

        process_value._inoplan_completion = True  # type: ignore[attr-defined]
        _TyperParameter.process_value = process_value  # type: ignore[method-assign]

    classes: dict[str, Any] = {
        "bash": BashComplete,
        "zsh": PlainZshComplete,
        "fish": PlainFishComplete,
        "powershell": PlainPowerShellComplete,
        "pwsh": PlainPowerShellComplete,
    }
    for name, cls in classes.items():
        add_completion_class(cls, name)
