"""Events as a user gives them to ``inoplan replan``: options, and CSV or JSON files.

Each option value (``--given C1D8=2026-12-10``), CSV row or JSON object is
turned into a record and parsed by the one parser,
:func:`inoplan.domain.replan.events.event_from_record`, so every source accepts
and refuses the same values with the same words. The checks every new event
passes, :func:`check_event_dates` and :func:`check_not_future`, are re-exported
here: a command reads and checks its new events through this one module.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from inoplan.domain.errors import InputError, quoted_path
from inoplan.domain.limits import MAX_EVENTS_BYTES
from inoplan.domain.replan.event_values import split_category
from inoplan.domain.replan.events import (
    RECORD_KEYS,
    Event,
    check_event_dates,
    check_not_future,
    event_from_record,
)
from inoplan.inputs.reading import load_json, read_text


def _split(value: str, source: str, left: str, right: str) -> tuple[str, str]:
    if "=" not in value:
        raise InputError(source, f"expected {left}={right}")
    a, b = value.split("=", 1)
    return a.strip(), b.strip()


def _given(v: str, s: str) -> dict[str, str | None]:
    dose, day = _split(v, s, "DOSE", "DATE (e.g. C1D8=2026-12-10)")
    return {"event": "given", "dose": dose, "date": day}


def _held(v: str, s: str) -> dict[str, str | None]:
    dose, text = _split(v, s, "DOSE", "[CATEGORY:]REASON (e.g. C1D15=other:grade 2 mucositis)")
    category, reason = split_category(text)
    return {"event": "held", "dose": dose, "reason": reason, "category": category}


def _interrupt(v: str, s: str) -> dict[str, str | None]:
    dose, rest = _split(v, s, "DOSE", "DAYS[:[CATEGORY:]REASON] (e.g. C1D8=9:grade 3 rash)")
    days, _, text = rest.partition(":")
    category, reason = split_category(text)
    return {
        "event": "interrupt",
        "dose": dose,
        "days": days.strip(),
        "reason": reason,
        "category": category,
    }


def _assessment(v: str, s: str) -> dict[str, str | None]:
    day, rest = _split(v, s, "DATE", "RESPONSE[:MRD] (e.g. 2026-12-20=cr:negative)")
    response, _, mrd = rest.partition(":")
    return {"event": "assessment", "date": day, "response": response.strip(), "mrd": mrd.strip()}


def _hsct(v: str, s: str) -> dict[str, str | None]:
    day, decision = _split(v, s, "DATE", "yes|no (e.g. 2026-12-20=yes)")
    return {"event": "hsct", "date": day, "decision": decision}


def _discontinue(v: str, s: str) -> dict[str, str | None]:
    day, text = _split(v, s, "DATE", "[CATEGORY:]REASON (e.g. 2026-12-12=hepatic:VOD)")
    category, reason = split_category(text)
    return {"event": "discontinue", "date": day, "reason": reason, "category": category}


def _measured(v: str, s: str) -> dict[str, str | None]:
    day, rest = _split(v, s, "DATE", "WEIGHT[,HEIGHT] (e.g. 2027-01-05=62kg,170cm)")
    weight, _, height = rest.partition(",")
    return {
        "event": "measured",
        "date": day,
        "weight": weight.strip(),
        "height": height.strip(),
    }


def _two_days(v: str, s: str) -> dict[str, str | None]:
    return {"event": "two_dose_days", "dose_days": v}


def _reduced(v: str, s: str) -> dict[str, str | None]:
    return {"event": "reduced_doses", "mg_per_m2": v}


#: Option name -> how its value becomes a record.
OPTION_RECORDS: dict[str, Callable[[str, str], dict[str, str | None]]] = {
    "--given": _given,
    "--held": _held,
    "--interrupt": _interrupt,
    "--assessment": _assessment,
    "--hsct-decision": _hsct,
    "--discontinue": _discontinue,
    "--two-dose-days": _two_days,
    "--reduced-doses": _reduced,
    "--measured": _measured,
}


def events_from_options(options: Iterable[tuple[str, Sequence[str]]], revision: int) -> list[Event]:
    """``[("--given", ["C1D8=2026-12-10"]), ...]`` to events; errors name the option and value."""
    out: list[Event] = []
    for option, values in options:
        make = OPTION_RECORDS[option]
        for value in values:
            source = f"{option} {value}"
            record = make(value, source)
            try:
                out.append(event_from_record(record, source, revision))
            except InputError as e:
                # "--given C1D8=x: date: ..." reads badly; the option already says which part.
                raise InputError(source, e.detail) from None
    return out


def cell_text(value: object, field: str) -> str:
    """A JSON value as the text of a record: yes/no for a boolean, refused when nested."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float, str)):
        return str(value)
    raise InputError(field, "expected a text, number or yes/no value")


def records_from_json(data: object, name: str) -> list[tuple[str, dict[str, str | None]]]:
    """A JSON events file: a list of objects, or ``{"events": [...]}``."""
    items = data.get("events") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise InputError(name, 'expected a JSON list of events, or {"events": [...]}')
    out: list[tuple[str, dict[str, str | None]]] = []
    for i, item in enumerate(items):
        source = f"{name} event {i + 1}"
        if not isinstance(item, dict):
            raise InputError(source, "expected an object with an 'event' key")
        out.append((source, {str(k): cell_text(v, f"{source}: {k}") for k, v in item.items()}))
    return out


def records_from_csv(text: str, name: str) -> list[tuple[str, dict[str, str | None]]]:
    """A CSV events file with a header row naming :data:`RECORD_KEYS` columns."""
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    if "event" not in header:
        raise InputError(
            name, f"the header row must name an 'event' column; columns: {', '.join(RECORD_KEYS)}"
        )
    out: list[tuple[str, dict[str, str | None]]] = []
    for row in reader:
        source = f"{name} row {reader.line_num}"
        if None in row:
            raise InputError(source, "more cells than header columns")
        cells = {k: v for k, v in row.items() if k is not None}
        if not any((v or "").strip() for v in cells.values()):
            continue  # blank line
        out.append((source, cells))
    return out


def read_events_file(path: str, revision: int, field: str = "--events") -> list[Event]:
    """Events from a CSV or JSON file (by extension; otherwise by its first character)."""
    p = Path(path)
    text = read_text(p, field, MAX_EVENTS_BYTES)
    name = p.name
    is_json = p.suffix.lower() == ".json" or (
        p.suffix.lower() != ".csv" and text.lstrip()[:1] in ("[", "{")
    )
    if is_json:
        records = records_from_json(load_json(text, field, quoted_path(path)), name)
    else:
        records = records_from_csv(text, name)
    return events_from_records(records, revision)


def events_from_records(
    records: Iterable[tuple[str, dict[str, str | None]]], revision: int
) -> list[Event]:
    """New events from ``(source, record)`` pairs: a file's rows, or a Python list of objects.

    A new event never carries its own revision: inoplan sets it when it saves a plan.
    """
    records = list(records)
    for source, record in records:
        if (record.get("revision") or "").strip():
            raise InputError(
                f"{source}: revision", "set by inoplan when it saves a plan; leave it out"
            )
    return [event_from_record(r, s, revision) for s, r in records]


__all__ = [
    "OPTION_RECORDS",
    "cell_text",
    "check_event_dates",
    "check_not_future",
    "events_from_options",
    "events_from_records",
    "read_events_file",
    "records_from_csv",
    "records_from_json",
]
