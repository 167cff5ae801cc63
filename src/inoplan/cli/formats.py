"""Output formats: what each command writes, and the one rule that picks the format.

Each command's ``--format`` offers exactly the formats it can write (its help
and completion list only those); anything else is a usage error, exit 2. With
``-o FILE`` and no ``--format``, :func:`choose_format` takes the format from the
file name. The README's format table is generated from :data:`COMMAND_FORMATS`.
"""

# No ``from __future__ import annotations``: Typer reads these enums at each start.
from enum import Enum
from typing import Any


class PlanFormat(str, Enum):
    """``schedule`` and ``replan``: a whole plan."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    ICS = "ics"
    FHIR = "fhir"
    HTML = "html"


class BatchFormat(str, Enum):
    """``batch``: the format of each patient's file."""

    JSON = "json"
    CSV = "csv"
    ICS = "ics"


class PrepFormat(str, Enum):
    """``prep``: the compounding worksheet."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"


class WorklistFormat(str, Enum):
    """``worklist``: the day's infusions."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"


class BalanceFormat(str, Enum):
    """``balance``: the moves and the load per day."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"


class CheckFormat(str, Enum):
    """``check``: the decision and the rules quoted."""

    TABLE = "table"
    JSON = "json"


class VerifyFormat(str, Enum):
    """``verify``: the report (the human format was called ``text`` before; now ``table``)."""

    TABLE = "table"
    JSON = "json"


class BsaFormat(str, Enum):
    """``bsa``: the BSA with its working."""

    TABLE = "table"
    JSON = "json"


#: Every command's formats, in the order the help lists commands (the README's
#: format table is generated from this).
COMMAND_FORMATS: dict[str, type[Enum]] = {
    "schedule": PlanFormat,
    "replan": PlanFormat,
    "bsa": BsaFormat,
    "prep": PrepFormat,
    "worklist": WorklistFormat,
    "check": CheckFormat,
    "verify": VerifyFormat,
    "batch": BatchFormat,
    "balance": BalanceFormat,
}

#: File name endings and the format each names, longest first: with ``-o FILE``
#: and no ``--format`` the format is taken from the name.
SUFFIX_FORMATS: tuple[tuple[str, str], ...] = (
    (".fhir.json", "fhir"),
    (".json", "json"),
    (".csv", "csv"),
    (".ics", "ics"),
    (".html", "html"),
)


def format_of_name(output: str) -> tuple[str, str] | None:
    """``(suffix, format)`` named by the file name ``output``, or ``None`` (``-``, ``.txt``)."""
    if output == "-":
        return None
    name = output.replace("\\", "/").rsplit("/", 1)[-1].lower()
    for suffix, fmt in SUFFIX_FORMATS:
        if name.endswith(suffix) and len(name) > len(suffix):
            return suffix, fmt
    return None


def choose_format(fmt: Any, output: str, formats: Any, default: Any) -> Any:
    """The format to write: ``--format`` if given, else the one ``-o`` names, else ``default``.

    One rule for every command that writes a file. ``fmt`` is ``None`` when
    ``--format`` was not given. A file name that names a format the command
    cannot write, or one that contradicts an explicit ``--format``, is refused
    (:class:`InputError`: one line, exit 2, before anything is computed or
    written). A ``.json`` name also fits ``--format fhir`` (a FHIR bundle is
    JSON); a name that names no format (``worklist.txt``) fits any.
    """
    from inoplan.domain.errors import InputError

    named = format_of_name(output)
    if fmt is None:
        if named is None:
            return default
        suffix, implied = named
        allowed = [str(f.value) for f in formats]
        if implied not in allowed:
            raise InputError(
                "--output",
                f"a {suffix} file would be {implied}, which this command does not write; "
                f"give --format ({', '.join(allowed)}) or another file name",
            )
        return formats(implied)
    if named is not None:
        suffix, implied = named
        given = str(fmt.value)
        if implied != given and not (given == "fhir" and suffix == ".json"):
            raise InputError(
                "--output",
                f"the file name ends in {suffix} but --format is {given}; "
                "make them agree (or leave out --format)",
            )
    return fmt


def format_help(formats: type[Enum], default: str = "table") -> str:
    """The help of a ``--format`` option that writes to ``-o``."""
    return (
        f"Output format (default: {default}, or the one the -o file name ends in: "
        + ", ".join(f"{s} {f}" for s, f in SUFFIX_FORMATS if f in {str(x.value) for x in formats})
        + ")."
    )
