"""Reading a saved JSON plan back (``inoplan schedule --format json``).

A plan file is trusted only as far as it can be re-derived: its recorded
``inputs`` are parsed again with the same rules as the command line, so a plan
is always rebuilt from what the user asked for, never from numbers that may
have been edited by hand. A plan of an unknown or newer schema is refused.
:func:`recorded_doses` reads the doses as written, for ``inoplan verify`` to
compare with the rebuilt plan.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inoplan.domain.errors import InputError, quoted
from inoplan.domain.plan import Plan, PlanRequest, dose_label
from inoplan.inputs.plan_request import FIELDS, request_from_strings

if TYPE_CHECKING:
    from inoplan.domain.replan.events import Event

SCHEMA_FAMILY = "inoplan.plan/"
SUPPORTED_VERSIONS = (1,)


def read_plan_json(path: str | Path, field: str = "PLAN") -> dict[str, Any]:
    """Load and check a plan file; raise :class:`InputError` naming ``field``.

    Read within the limits of :mod:`inoplan.domain.limits` (size, nesting, numbers);
    a key given twice in one object is refused, and a leading UTF-8 byte-order
    mark is skipped, as in a CSV file.
    """
    from inoplan.domain.limits import MAX_PLAN_BYTES
    from inoplan.inputs.reading import read_json

    data = read_json(path, field, MAX_PLAN_BYTES)
    check_schema(data, field)
    return data  # type: ignore[no-any-return]


def check_schema(data: object, field: str = "PLAN") -> None:
    """Refuse anything that is not an ``inoplan.plan/N`` of a version this release reads."""
    if not isinstance(data, dict):
        raise InputError(field, "not an inoplan plan (expected a JSON object)")
    schema = data.get("schema")
    if not isinstance(schema, str) or not schema.startswith(SCHEMA_FAMILY):
        raise InputError(field, f"not an inoplan plan (schema {quoted(schema)})")
    version = schema[len(SCHEMA_FAMILY) :]
    # Compared as text: "01" is not version 1, an Arabic-Indic "1" (U+0661) is not
    # either, and a version of 5,000 digits is never turned into a number.
    if version not in {str(v) for v in SUPPORTED_VERSIONS}:
        raise InputError(
            field,
            f"schema {quoted(schema)} is not supported by this inoplan (reads "
            f"{', '.join(SCHEMA_FAMILY + str(v) for v in SUPPORTED_VERSIONS)}); "
            "upgrade inoplan or re-plan",
        )


def request_from_plan(data: dict[str, Any], field: str = "PLAN") -> PlanRequest:
    """The :class:`PlanRequest` recorded in a plan, parsed with today's rules."""
    inputs = check_inputs_shape(data, field)
    return request_from_strings(inputs, lambda name: f"{field}: inputs.{name}")


def check_inputs_shape(data: Mapping[str, Any], field: str = "PLAN") -> dict[str, str]:
    """The recorded ``inputs``: an object of texts, or :class:`InputError` naming ``field``."""
    inputs = data.get("inputs")
    if not isinstance(inputs, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in inputs.items()
    ):
        raise InputError(field, "the plan records no inputs (key 'inputs' with text values)")
    return inputs


def events_from_plan(data: dict[str, Any], field: str = "PLAN") -> list[Event]:
    """The events a re-planned plan records (``[]`` for a fresh plan), parsed as when recorded."""
    return events_from_saved(data.get("events"), field)


def events_from_saved(items: object, field: str = "PLAN") -> list[Event]:
    """The ``events`` list of a saved plan (each entry carries its revision)."""
    if items is None:
        return []
    if not isinstance(items, list):
        raise InputError(f"{field}: events", "expected a list of events")
    from inoplan.domain.replan.events import event_from_record
    from inoplan.inputs.event_files import cell_text

    out: list[Event] = []
    for i, item in enumerate(items):
        source = f"{field}: events[{i}]"
        if not isinstance(item, dict):
            raise InputError(source, "expected an object")
        record = {str(k): cell_text(v, f"{source}.{k}") for k, v in item.items()}
        if not record.get("revision"):
            raise InputError(f"{source}: revision", "required in a saved plan")
        out.append(event_from_record(record, source))
    return out


def revision_of(data: dict[str, Any], field: str = "PLAN") -> int:
    """How many times the plan was re-planned (0 for a fresh plan)."""
    value = data.get("revision", 0)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise InputError(f"{field}: revision", "expected a whole number 0 or more")
    return value


def plan_from_data(data: dict[str, Any], field: str = "PLAN") -> Plan:
    """The plan a saved file stands for, rebuilt from its inputs and its events."""
    from inoplan.domain.replan.engine import replan_history

    events = events_from_plan(data, field)
    revision = revision_of(data, field)
    if any(e.revision > revision for e in events):
        raise InputError(
            f"{field}: events", f"an event has a revision above the plan's ({revision})"
        )
    from inoplan.domain.replan.events import check_event_dates

    request = request_from_plan(data, field)
    check_event_dates(events, request.start)
    return replan_history(request, events)


# --- what the file says, read as it is written (for inoplan verify) ------------------


@dataclass(frozen=True)
class RecordedDose:
    """A dose as written in the file."""

    cycle: int
    day: int
    date: date
    mg_per_m2: Decimal
    mg: Decimal

    @property
    def label(self) -> str:
        return dose_label(self.cycle, self.day)


def json_number(value: object, where: str) -> Decimal:
    """A JSON number as an exact decimal (``1.1`` stays 1.1); anything else raises."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError(where, "expected a number")
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def _integer(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(where, "expected a whole number")
    return value


def _date(value: object, where: str) -> date:
    if not isinstance(value, str):
        raise InputError(where, "expected a date as YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(where, f"{quoted(value)} is not a date; expected YYYY-MM-DD") from None


def recorded_doses(data: Mapping[str, Any], field: str = "PLAN") -> list[RecordedDose]:
    """The doses written in the file, in file order; malformed ones raise :class:`InputError`."""
    cycles = data.get("cycles")
    if not isinstance(cycles, list):
        raise InputError(f"{field}: cycles", "the plan has no list of cycles")
    out: list[RecordedDose] = []
    for i, cycle in enumerate(cycles):
        where = f"{field}: cycles[{i}]"
        if not isinstance(cycle, dict) or not isinstance(cycle.get("doses"), list):
            raise InputError(where, "expected a cycle with a list of doses")
        for j, dose in enumerate(cycle["doses"]):
            at = f"{where}.doses[{j}]"
            if not isinstance(dose, dict):
                raise InputError(at, "expected a dose object")
            out.append(
                RecordedDose(
                    cycle=_integer(dose.get("cycle"), f"{at}.cycle"),
                    day=_integer(dose.get("day"), f"{at}.day"),
                    date=_date(dose.get("date"), f"{at}.date"),
                    mg_per_m2=json_number(dose.get("mg_per_m2"), f"{at}.mg_per_m2"),
                    mg=json_number(dose.get("mg"), f"{at}.mg"),
                )
            )
    return out


__all__ = [
    "FIELDS",
    "RecordedDose",
    "check_inputs_shape",
    "check_schema",
    "events_from_plan",
    "events_from_saved",
    "json_number",
    "plan_from_data",
    "read_plan_json",
    "recorded_doses",
    "request_from_plan",
    "revision_of",
]
