"""The patients CSV: one row per patient, read alike by ``batch``, ``worklist`` and ``balance``.

One header row names the columns (:data:`COLUMNS`: the ``schedule`` options
with ``_`` for ``-``, and the calendar columns ``time``, ``tz``, ``location``).
Every command that reads the format goes through :func:`read_rows` and
:func:`parse_row`, so they accept the same columns, fill in the same defaults,
refuse the same cells with the same words and read within the same limits:

- UTF-8, with or without a byte-order mark; a line longer than
  :data:`~inoplan.domain.limits.MAX_CSV_LINE_CHARS` characters is refused
  (:func:`inoplan.inputs.reading.bounded_lines`), so ``/dev/zero`` is too. A
  command that keeps every row (``worklist``, ``balance``) also stops at
  :data:`~inoplan.domain.limits.MAX_PATIENTS_CSV_BYTES`; ``batch`` reads row by
  row and has no total limit.
- The header is checked before the first row is read: an unknown, repeated or
  missing column is a usage error (exit 2).
- Row numbers are line numbers in the file, the header being row 1, as a
  spreadsheet shows them. Blank rows are skipped.
- Each row is parsed by :func:`inoplan.inputs.plan_request.request_from_strings`
  with the column names as field names, so a cell is accepted or refused as the
  same value typed as an option would be; a blank cell takes the default of
  ``inoplan schedule`` (:data:`DEFAULTS`), so a row's plan records the same
  inputs as ``schedule`` with those options. A cell may hold a name (an id typed
  as a name, columns shifted): messages name the row and the column, never the
  value.

What a refused row does is the command's choice: ``batch`` lists it and goes on;
``worklist`` stops, as a worklist silently missing a patient would be worse.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final, NamedTuple

from inoplan.domain import rules
from inoplan.domain.errors import InputError, quoted, values_unquoted
from inoplan.domain.limits import MAX_PATIENTS_CSV_BYTES
from inoplan.domain.plan import Plan, PlanRequest
from inoplan.inputs.plan_request import FIELDS, parse_patient_id, parse_text, request_from_strings
from inoplan.inputs.reading import bounded_lines, not_utf8, open_text


class Column(NamedTuple):
    """One column of the patients CSV, as the README's table shows it."""

    name: str
    #: "yes", "no", or when it is required.
    required: str
    #: What a blank cell means.
    blank: str
    meaning: str


#: Every column, in the README's order. The plan inputs are exactly
#: :data:`inoplan.inputs.plan_request.FIELDS` (a test checks it).
COLUMNS: Final = (
    Column("patient_id", "yes", "refused", "A pseudonymous id, never a name; names the plan file"),
    Column("start", "yes", "refused", "Cycle 1 day 1, YYYY-MM-DD"),
    Column(
        "height",
        "unless `bsa`",
        "refused",
        "As `--height`: `170`, `170cm`, `5ft7in`",
    ),
    Column("weight", "unless `bsa`", "refused", "As `--weight`: `70`, `70kg`, `154lb`"),
    Column("bsa", "no", "from height and weight", "A BSA in m2, instead of height and weight"),
    Column(
        "bsa_formula",
        "no",
        f"`{rules.DEFAULT_BSA_FORMULA}`",
        "One of " + ", ".join(f"`{f}`" for f in rules.BSA_FORMULAS),
    ),
    Column("bsa_cap", "no", "no cap", "Cap the BSA at this many m2 (with a warning)"),
    Column(
        "response",
        "yes",
        "`pending`",
        "Response status: " + ", ".join(f"`{r.value}`" for r in rules.Response),
    ),
    Column("hsct", "no", "`no`", "Proceeding to HSCT: yes or no"),
    Column(
        "mrd",
        "no",
        "`unknown`",
        "MRD status: " + ", ".join(f"`{m.value}`" for m in rules.Mrd),
    ),
    Column("cycles", "no", "as `schedule`", "Cycles to plan, within the rules' limit"),
    Column(
        "first_cycle_days",
        "no",
        f"`{rules.FIRST_CYCLE_LENGTHS[0]}`",
        "Length of cycle 1: " + " or ".join(str(n) for n in rules.FIRST_CYCLE_LENGTHS),
    ),
    Column("blasts", "no", "not given", "Peripheral blast count per mm3"),
    Column("clinic_days", "no", "every day", "As `--clinic-days`: `mon-fri`"),
    Column("holidays", "no", "none", "As `--holidays`: `DE-BY`, `US`"),
    Column(
        "time",
        "no",
        "`--time`, or no time",
        "HH:MM: the planned time of every infusion (worklist order and vial sessions; "
        "batch calendars)",
    ),
    Column(
        "tz",
        "no",
        "`--tz`, or this machine's zone",
        "IANA time zone of `time` (batch `--format ics`)",
    ),
    Column("location", "no", "`--location`", "Where the infusions take place (batch calendars)"),
)
#: The column names, in order.
COLUMN_NAMES: Final = tuple(c.name for c in COLUMNS)
#: Per-patient calendar settings, besides the plan's inputs.
CALENDAR_COLUMNS: Final = ("time", "tz", "location")
#: Columns the header must name; ``height`` and ``weight`` may be replaced by ``bsa``.
REQUIRED_COLUMNS: Final = ("patient_id", "start", "height", "weight", "response")
#: What a blank cell of a plan input means: the defaults ``inoplan schedule``
#: records, so a row's plan records the same inputs as the same options would.
DEFAULTS: Final = {"response": "pending", "mrd": "unknown", "first_cycle_days": "21"}

#: The field name of a row whose cells do not match the header.
ROW_FIELD: Final = "row"


@dataclass(frozen=True)
class Row:
    """One data row as read: its row number and its cells by column (picklable)."""

    number: int
    cells: dict[str, str]
    #: Set when the row has more or fewer cells than the header.
    problem: str | None = None


@dataclass(frozen=True)
class Patient:
    """One row parsed: the plan request and the row's calendar settings."""

    row: int
    patient_id: str
    request: PlanRequest
    time: dt.time | None
    tz: str | None
    location: str | None

    def plan(self, today: dt.date | None = None) -> Plan:
        """The plan, as ``inoplan schedule`` makes it (clinic-day moves included)."""
        from inoplan.domain.clinic import plan_course

        return plan_course(self.request, today)


def check_header(header: list[str] | None, field: str) -> list[str]:
    """Normalised column names; refuse a missing, unknown or repeated column (usage error)."""
    if not header or not any(h.strip() for h in header):
        raise InputError(field, "the file is empty; expected a header row")
    names = [h.strip().lower() for h in header]
    for name in names:
        if name not in COLUMN_NAMES:
            raise InputError(
                field,
                f"unknown column {quoted(name)}; allowed columns: {', '.join(COLUMN_NAMES)}",
            )
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise InputError(field, f"column {quoted(name)} appears twice")
        seen.add(name)
    required = [c for c in REQUIRED_COLUMNS if not ("bsa" in seen and c in ("height", "weight"))]
    missing = [c for c in required if c not in seen]
    if missing:
        raise InputError(
            field,
            f"missing column {quoted(missing[0])}; required: {', '.join(REQUIRED_COLUMNS)} "
            "(or bsa instead of height and weight)",
        )
    return names


def read_rows(path: str | Path, field: str, keep_all: bool = False) -> Iterator[Row]:
    """Each non-blank data row of the CSV at ``path``, read lazily.

    The header is checked before the first row is yielded. ``keep_all``: the
    caller keeps every row, so the file is refused above
    :data:`~inoplan.domain.limits.MAX_PATIENTS_CSV_BYTES`.
    """
    total = MAX_PATIENTS_CSV_BYTES if keep_all else None
    with open_text(path, field) as fh:
        reader = csv.reader(bounded_lines(fh, field, total=total), strict=True)
        try:
            names = check_header(next(reader, None), field)
            line = reader.line_num
            for cells in reader:
                number = line + 1
                line = reader.line_num
                if not any(c.strip() for c in cells):
                    continue
                problem = None
                if len(cells) != len(names):
                    problem = f"has {len(cells)} cells; the header has {len(names)}"
                yield Row(number, dict(zip(names, cells, strict=False)), problem)
        except csv.Error as e:
            raise InputError(field, f"not a readable CSV at row {reader.line_num}: {e}") from None
        except UnicodeDecodeError:
            raise not_utf8(path, field) from None


def count_rows(path: str | Path, field: str) -> int:
    """The number of data rows, for a progress bar (a quick pass that parses no cell)."""
    return sum(1 for _ in read_rows(path, field))


def valid_id(text: str | None) -> str | None:
    """The row's patient id if it is a valid one; a refused id may be a name, kept nowhere."""
    if not (text or "").strip():
        return None
    try:
        return parse_patient_id(text or "", "patient_id")
    except InputError:
        return None


def parse_row(row: Row) -> Patient:
    """One row parsed; raises :class:`InputError` naming the column (never the value)."""
    with values_unquoted():
        return _parse(row)


def _parse(row: Row) -> Patient:
    if row.problem is not None:
        raise InputError(ROW_FIELD, row.problem)
    cells = row.cells
    if not (cells.get("patient_id") or "").strip():
        raise InputError("patient_id", "required; a pseudonymous id (never a name)")
    values = {k: v for k, v in cells.items() if k in FIELDS and v.strip()}
    for name, default in DEFAULTS.items():
        values.setdefault(name, default)
    if "bsa" not in values:
        values.setdefault("bsa_formula", rules.DEFAULT_BSA_FORMULA)
    request = request_from_strings(values, lambda name: name)
    assert request.patient_id is not None
    time_text = (cells.get("time") or "").strip()
    tz_text = (cells.get("tz") or "").strip()
    location = parse_text(cells.get("location") or "", "location") or None
    return Patient(
        row=row.number,
        patient_id=request.patient_id,
        request=request,
        time=_clock(time_text) if time_text else None,
        tz=_zone(tz_text) if tz_text else None,
        location=location,
    )


def _clock(text: str) -> dt.time:
    from inoplan.domain.pharmacy import parse_clock

    return parse_clock(text, "time")


def _zone(text: str) -> str:
    """An IANA zone name the zone database knows."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise InputError(
            "tz", f"{quoted(text)} is not a known time zone; use an IANA name such as Europe/Berlin"
        ) from None
    return text


def in_file(path: str | Path, row: int, e: InputError) -> InputError:
    """``e`` with the file and row in front of the column: ``patients.csv row 3: weight``."""
    where = f"{Path(path).name} row {row}"
    return InputError(where if e.field == ROW_FIELD else f"{where}: {e.field}", e.detail)


def patients(path: str | Path, field: str) -> Iterator[Patient]:
    """Every row parsed, for a command that keeps them all; the first bad cell stops it."""
    for row in read_rows(path, field, keep_all=True):
        try:
            yield parse_row(row)
        except InputError as e:
            raise in_file(path, row.number, e) from None
