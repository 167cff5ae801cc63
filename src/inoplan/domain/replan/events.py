"""What happened during a course: events, and how they are read.

An event is a dose given on a date, a dose held, an interruption for toxicity,
a response assessment, an HSCT decision, a permanent discontinuation, a new
weight (and height) measurement, or one of
the clinician's choices the rules ask for (which 2 days remain at 2 doses per
cycle; how a 25% reduction is split).

Every entry point goes through one parser, :func:`event_from_record`: options
(``--given C1D8=2026-12-10``) are first turned into the same records
(``{"event": "given", "dose": "C1D8", "date": "2026-12-10"}``) as a CSV row,
an object of a JSON events file, or an entry of the ``events`` list of a saved
plan. So every source accepts and refuses the same values with the same words,
and a saved plan is re-read exactly as it was made. Errors name the event
(``--given C1D8=2026-12-40`` or ``events.csv row 3``) and say why.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Literal

from inoplan.domain import rules
from inoplan.domain.errors import InputError, quoted, quoted_path
from inoplan.domain.rules import Mrd, Response
from inoplan.domain.units import (
    Measure,
    parse_bool,
    parse_choice,
    parse_date,
    parse_decimal,
    parse_int,
    parse_text,
    read_height,
    read_weight,
)

EventKind = Literal[
    "given",
    "held",
    "interrupt",
    "assessment",
    "hsct",
    "discontinue",
    "two_dose_days",
    "reduced_doses",
    "measured",
]
EVENT_KINDS: tuple[EventKind, ...] = (
    "given",
    "held",
    "interrupt",
    "assessment",
    "hsct",
    "discontinue",
    "two_dose_days",
    "reduced_doses",
    "measured",
)

#: The keys a record may carry, in the order they are written out.
RECORD_KEYS = (
    "event",
    "dose",
    "date",
    "days",
    "reason",
    "category",
    "response",
    "mrd",
    "decision",
    "dose_days",
    "mg_per_m2",
    "weight",
    "height",
    "threshold",
    "revision",
)
#: Which keys each kind needs (required, optional).
KIND_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "given": (("dose", "date"), ()),
    "held": (("dose", "reason"), ("category",)),
    "interrupt": (("dose", "days"), ("date", "reason", "category")),
    "assessment": (("date", "response"), ("mrd",)),
    "hsct": (("date", "decision"), ()),
    "discontinue": (("date", "reason"), ("category",)),
    "two_dose_days": (("dose_days",), ()),
    "reduced_doses": (("mg_per_m2",), ()),
    "measured": (("date", "weight"), ("height", "threshold")),
}
MAX_REASON_LENGTH = 200
MAX_CYCLE = 99
_DOSE_RE = re.compile(r"C([0-9]{1,2})D([0-9]{1,2})", re.ASCII | re.IGNORECASE)


@dataclass(frozen=True, order=True)
class DoseRef:
    """A dose by cycle and day (``C2D8``)."""

    cycle: int
    day: int

    @property
    def label(self) -> str:
        return f"C{self.cycle}D{self.day}"


@dataclass(frozen=True)
class _Base:
    #: How the user sees this event in an error: an option, a file row, a plan entry.
    source: str = field(compare=False)
    #: The re-plan in which the event was recorded (1 for the first ``inoplan replan``).
    revision: int


@dataclass(frozen=True)
class Given(_Base):
    """The dose was given on ``date`` (days 8 and 15 within +/- 2 days)."""

    dose: DoseRef
    date: date


@dataclass(frozen=True)
class Held(_Base):
    """The dose (day 8 or 15) was not given, for ``reason``."""

    dose: DoseRef
    reason: str
    #: One of :data:`rules.REASON_CATEGORIES`, or ``None`` when not given.
    category: str | None = None


@dataclass(frozen=True)
class Interruption(_Base):
    """Treatment interrupted for ``days`` days for toxicity, before ``dose``.

    ``start`` is the first day without treatment; ``None`` means the day the
    dose was due.
    """

    dose: DoseRef
    days: int
    start: date | None
    reason: str | None
    category: str | None = None


@dataclass(frozen=True)
class Assessment(_Base):
    """A response assessment on ``date``: it sets the regimen of cycles starting from then."""

    date: date
    response: Response
    mrd: Mrd | None


@dataclass(frozen=True)
class HsctDecision(_Base):
    """Decided on ``date``: proceeding to HSCT or not (changes the cycle limit)."""

    date: date
    hsct: bool


@dataclass(frozen=True)
class Discontinuation(_Base):
    """Treatment stopped permanently on ``date`` (no dose on or after it)."""

    date: date
    reason: str
    category: str | None = None


@dataclass(frozen=True)
class TwoDoseDays(_Base):
    """The clinician's choice of the 2 days kept at 2 doses per cycle."""

    days: tuple[int, int]


@dataclass(frozen=True)
class ReducedDoses(_Base):
    """How a 25% reduction is split: mg/m2 for days 1, 8 and 15."""

    mg_per_m2: tuple[tuple[int, Decimal], ...]

    def as_dict(self) -> dict[int, Decimal]:
        return dict(self.mg_per_m2)


@dataclass(frozen=True)
class Measured(_Base):
    """Weight (and height) measured on ``date`` (spec section 8, weight changes).

    ``threshold_pct`` is the site's recalculation threshold in force when the
    measurement was recorded (``None`` until ``inoplan replan`` sets it): a weight
    that differs by at least that much from the weight the doses are based on
    recomputes the BSA and every dose from ``date`` on.
    """

    date: date
    weight: Measure
    height: Measure | None
    threshold_pct: Decimal | None


Event = (
    Given
    | Held
    | Interruption
    | Assessment
    | HsctDecision
    | Discontinuation
    | TwoDoseDays
    | ReducedDoses
    | Measured
)


# --- parsing single values -------------------------------------------------------------


def parse_dose_ref(text: str, field: str) -> DoseRef:
    """``C2D8`` (any case) to a :class:`DoseRef`; day must be 1, 8 or 15."""
    m = _DOSE_RE.fullmatch(text.strip())
    days = ", ".join(str(d) for d in rules.DOSE_DAYS)
    if not m:
        raise InputError(field, f"{quoted(text)} is not a dose; use C<cycle>D<day>, e.g. C1D8")
    cycle, day = int(m[1]), int(m[2])
    if not 1 <= cycle <= MAX_CYCLE:
        raise InputError(
            field, f"{quoted(text)}: cycle {cycle} is not allowed; cycles are 1-{MAX_CYCLE}"
        )
    if day not in rules.DOSE_DAYS:
        raise InputError(
            field, f"{quoted(text)}: day {day} is not a dose day; doses are on days {days}"
        )
    return DoseRef(cycle, day)


def parse_reason(text: str, field: str) -> str:
    value = " ".join(parse_text(text.replace("\n", " ").replace("\r", " "), field).split())
    if not value:
        raise InputError(field, "a reason is required")
    if len(value) > MAX_REASON_LENGTH:
        raise InputError(field, f"the reason is longer than {MAX_REASON_LENGTH} characters")
    return value


def parse_dose_days(text: str, field: str) -> tuple[int, int]:
    """Two distinct dose days such as ``1,8``."""
    parts = [p.strip() for p in re.split(r"[,/ ]+", text.strip()) if p.strip()]
    allowed = ", ".join(str(d) for d in rules.DOSE_DAYS)
    if len(parts) != rules.TWO_DOSES_PER_CYCLE:
        raise InputError(field, f"{quoted(text)}: give exactly 2 of the days {allowed}, e.g. 1,8")
    days = sorted(parse_int(p, field, 1, 28) for p in parts)
    if any(d not in rules.DOSE_DAYS for d in days) or days[0] == days[1]:
        raise InputError(field, f"{quoted(text)}: give 2 different days among {allowed}, e.g. 1,8")
    return days[0], days[1]


def parse_reduced_doses(text: str, field: str) -> tuple[tuple[int, Decimal], ...]:
    """Three mg/m2 values for days 1/8/15, such as ``0.6/0.375/0.375``."""
    parts = [p.strip() for p in text.strip().split("/")]
    if len(parts) != len(rules.DOSE_DAYS):
        raise InputError(
            field,
            f"{quoted(text)}: give mg/m2 for days 1/8/15 separated by /, e.g. 0.6/0.375/0.375",
        )
    values = [parse_decimal(p, field, "mg/m2 such as 0.375") for p in parts]
    if any(v <= 0 for v in values):
        raise InputError(field, f"{quoted(text)}: every dose must be above 0 mg/m2")
    return tuple(zip(rules.DOSE_DAYS, values, strict=True))


def parse_category(text: str, field: str) -> str | None:
    """A reason category (:data:`rules.REASON_CATEGORIES`), or ``None`` for an empty cell."""
    value = text.strip().lower().replace("_", "-").replace(" ", "-")
    if not value:
        return None
    if value not in rules.REASON_CATEGORIES:
        raise InputError(
            field,
            f"{text[:40]!r} is not allowed; choose one of {', '.join(rules.REASON_CATEGORIES)}",
        )
    return value


def split_category(reason: str) -> tuple[str | None, str]:
    """``hematologic: ANC 0.4`` -> (``hematologic``, ``ANC 0.4``), as options write it.

    Only a known category before the first colon is taken; any other text stays the reason.
    """
    head, sep, rest = reason.partition(":")
    key = head.strip().lower().replace("_", "-").replace(" ", "-")
    if sep and key in rules.REASON_CATEGORIES:
        return key, rest.strip()
    return None, reason.strip()


_WORD_RE = re.compile(r"[a-z]+")


def is_low_count(reason: str | None, category: str | None) -> bool:
    """Whether a reason is a low blood count: the hematologic category, or its words.

    Words (:data:`rules.LOW_COUNT_WORDS`: neutropenia, thrombocytopenia, ANC,
    platelets) count as whole words, so "planned" never reads as "ANC".
    """
    if category == "hematologic":
        return True
    if category is not None or not reason:
        return False
    return any(w in rules.LOW_COUNT_WORDS for w in _WORD_RE.findall(reason.lower()))


#: Events that record what happened, and so cannot be dated after today; an
#: interruption and a discontinuation may be planned ahead [inoplan].
PAST_ONLY = ("given", "assessment", "hsct", "measured")


def check_not_future(events: Iterable[Event], today: date) -> None:
    """Refuse a new record of something that happened, dated after ``today`` (spec 3).

    A dose "given" tomorrow, an assessment or an HSCT decision next week have
    not happened. Interruptions and discontinuations may be planned ahead.
    """
    for ev in events:
        if isinstance(ev, (Given, Assessment, HsctDecision, Measured)) and ev.date > today:
            raise InputError(
                ev.source,
                f"{ev.date.isoformat()} is after today ({today.isoformat()}); record a dose, "
                "an assessment, a decision or a measurement once it has happened",
            )


def parse_threshold(text: str, field: str) -> Decimal:
    """A recalculation threshold: a percentage above 0 and below 100 (``10``, ``10%``, ``7.5``)."""
    from inoplan.domain.pharmacy import parse_percent

    try:
        return parse_percent(text, field)
    except InputError:
        raise InputError(
            field, "not allowed; give a percentage above 0 and below 100, such as 10%"
        ) from None


def _fmt_decimal(value: Decimal) -> str:
    return f"{value.normalize():f}"


# --- records: the one shape every source is turned into ----------------------------------

Record = Mapping[str, str | None]


def event_from_record(record: Record, source: str, revision: int = 1) -> Event:
    """Parse one record; raise :class:`InputError` naming ``source`` and the bad key."""

    def f(key: str) -> str:
        return f"{source}: {key}"

    unknown = sorted(k for k in record if k not in RECORD_KEYS)
    if unknown:
        raise InputError(f(unknown[0]), f"unknown key; allowed {', '.join(RECORD_KEYS)}")
    kind_text = (record.get("event") or "").strip()
    if not kind_text:
        raise InputError(f("event"), f"required; one of {', '.join(EVENT_KINDS)}")
    kind = parse_choice(kind_text.replace("-", "_"), f("event"), EVENT_KINDS)
    required, optional = KIND_KEYS[kind]
    for key in required:
        if not (record.get(key) or "").strip():
            raise InputError(f(key), f"the {key} is required for a {kind!r} event")
    for key in RECORD_KEYS:
        if key in ("event", "revision") or key in required or key in optional:
            continue
        if (record.get(key) or "").strip():
            raise InputError(f(key), f"not used by a {kind!r} event; leave it empty")
    rev_text = (record.get("revision") or "").strip()
    rev = parse_int(rev_text, f("revision"), 1, 10_000) if rev_text else revision

    def text(key: str) -> str:
        return record.get(key) or ""

    if kind == "given":
        return Given(
            source,
            rev,
            parse_dose_ref(text("dose"), f("dose")),
            parse_date(text("date"), f("date")),
        )
    if kind == "held":
        dose = parse_dose_ref(text("dose"), f("dose"))
        if dose.day == 1:
            raise InputError(
                f("dose"),
                f"{dose.label}: day 1 starts the cycle and is not omitted; record the day it "
                "was given (a later day 1 moves the cycle) or an interruption",
            )
        return Held(
            source,
            rev,
            dose,
            parse_reason(text("reason"), f("reason")),
            parse_category(text("category"), f("category")),
        )
    if kind == "interrupt":
        return Interruption(
            source,
            rev,
            parse_dose_ref(text("dose"), f("dose")),
            parse_int(text("days"), f("days"), 1, rules.MAX_INTERRUPTION_DAYS),
            parse_date(text("date"), f("date")) if text("date").strip() else None,
            parse_reason(text("reason"), f("reason")) if text("reason").strip() else None,
            parse_category(text("category"), f("category")),
        )
    if kind == "assessment":
        response = Response(parse_choice(text("response"), f("response"), ("none", "cr", "cri")))
        mrd = (
            Mrd(parse_choice(text("mrd"), f("mrd"), tuple(m.value for m in Mrd)))
            if text("mrd").strip()
            else None
        )
        return Assessment(source, rev, parse_date(text("date"), f("date")), response, mrd)
    if kind == "hsct":
        return HsctDecision(
            source,
            rev,
            parse_date(text("date"), f("date")),
            parse_bool(text("decision"), f("decision")),
        )
    if kind == "discontinue":
        return Discontinuation(
            source,
            rev,
            parse_date(text("date"), f("date")),
            parse_reason(text("reason"), f("reason")),
            parse_category(text("category"), f("category")),
        )
    if kind == "two_dose_days":
        return TwoDoseDays(source, rev, parse_dose_days(text("dose_days"), f("dose_days")))
    if kind == "measured":
        return Measured(
            source,
            rev,
            parse_date(text("date"), f("date")),
            read_weight(text("weight"), f("weight")),
            read_height(text("height"), f("height")) if text("height").strip() else None,
            parse_threshold(text("threshold"), f("threshold"))
            if text("threshold").strip()
            else None,
        )
    return ReducedDoses(source, rev, parse_reduced_doses(text("mg_per_m2"), f("mg_per_m2")))


def event_to_record(event: Event) -> dict[str, str]:
    """The canonical record of an event, as saved in a plan; :func:`event_from_record` reads it."""
    out: dict[str, str] = {"revision": str(event.revision)}
    if isinstance(event, Given):
        out |= {"event": "given", "dose": event.dose.label, "date": event.date.isoformat()}
    elif isinstance(event, Held):
        out |= {"event": "held", "dose": event.dose.label, "reason": event.reason}
        if event.category is not None:
            out["category"] = event.category
    elif isinstance(event, Interruption):
        out |= {"event": "interrupt", "dose": event.dose.label, "days": str(event.days)}
        if event.start is not None:
            out["date"] = event.start.isoformat()
        if event.reason is not None:
            out["reason"] = event.reason
        if event.category is not None:
            out["category"] = event.category
    elif isinstance(event, Assessment):
        out |= {"event": "assessment", "date": event.date.isoformat()}
        out["response"] = event.response.value
        if event.mrd is not None:
            out["mrd"] = event.mrd.value
    elif isinstance(event, HsctDecision):
        out |= {"event": "hsct", "date": event.date.isoformat()}
        out["decision"] = "yes" if event.hsct else "no"
    elif isinstance(event, Discontinuation):
        out |= {"event": "discontinue", "date": event.date.isoformat(), "reason": event.reason}
        if event.category is not None:
            out["category"] = event.category
    elif isinstance(event, TwoDoseDays):
        out |= {"event": "two_dose_days", "dose_days": ",".join(str(d) for d in event.days)}
    elif isinstance(event, Measured):
        out |= {"event": "measured", "date": event.date.isoformat(), "weight": event.weight.typed}
        if event.height is not None:
            out["height"] = event.height.typed
        if event.threshold_pct is not None:
            out["threshold"] = _fmt_decimal(event.threshold_pct)
    else:
        out |= {
            "event": "reduced_doses",
            "mg_per_m2": "/".join(_fmt_decimal(v) for _, v in event.mg_per_m2),
        }
    return {k: out[k] for k in RECORD_KEYS if k in out}


def describe(event: Event) -> str:
    """One line for a person: ``C1D8 given on 2026-12-10``."""
    if isinstance(event, Given):
        return f"{event.dose.label} given on {event.date.isoformat()}"
    if isinstance(event, Held):
        return f"{event.dose.label} held: {_why(event.category, event.reason)}"
    if isinstance(event, Interruption):
        start = f" from {event.start.isoformat()}" if event.start else ""
        why = f" ({_why(event.category, event.reason)})" if event.reason or event.category else ""
        return f"{event.days}-day interruption before {event.dose.label}{start}{why}"
    if isinstance(event, Assessment):
        mrd = f", MRD {event.mrd.value}" if event.mrd else ""
        return f"response on {event.date.isoformat()}: {event.response.value}{mrd}"
    if isinstance(event, HsctDecision):
        return f"HSCT decision on {event.date.isoformat()}: {'yes' if event.hsct else 'no'}"
    if isinstance(event, Discontinuation):
        return (
            f"permanently discontinued on {event.date.isoformat()}: "
            f"{_why(event.category, event.reason)}"
        )
    if isinstance(event, TwoDoseDays):
        return f"2 doses per cycle on days {event.days[0]} and {event.days[1]}"
    if isinstance(event, Measured):
        height = f", height {event.height.shown}" if event.height is not None else ""
        return f"weight {event.weight.shown}{height} measured on {event.date.isoformat()}"
    return "reduced doses " + "/".join(_fmt_decimal(v) for _, v in event.mg_per_m2) + " mg/m2"


def _why(category: str | None, reason: str | None) -> str:
    if category is None:
        return reason or ""
    return f"{category}: {reason}" if reason else category


# --- options -------------------------------------------------------------------------------


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


def check_event_dates(events: Iterable[Event], start: date) -> None:
    """Refuse an event dated :data:`inoplan.domain.limits.MAX_EVENT_DAYS_AFTER_START` or more
    days after ``start`` (cycle 1 day 1): a typing error such as ``9999-12-31``."""
    from inoplan.domain.limits import MAX_EVENT_DAYS_AFTER_START

    for event in events:
        when = getattr(event, "date", None)
        if isinstance(when, date) and (when - start).days >= MAX_EVENT_DAYS_AFTER_START:
            raise InputError(
                event.source,
                f"{when.isoformat()} is {(when - start).days} days after cycle 1 day 1 "
                f"({start.isoformat()}); inoplan reads events less than "
                f"{MAX_EVENT_DAYS_AFTER_START} days after it",
            )


# --- files ---------------------------------------------------------------------------------


def _cell(value: object, field: str) -> str:
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
        out.append((source, {str(k): _cell(v, f"{source}: {k}") for k, v in item.items()}))
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
    from inoplan.domain.limits import MAX_EVENTS_BYTES
    from inoplan.inputs.reading import load_json, read_text

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
    for source, record in records:
        if (record.get("revision") or "").strip():
            raise InputError(
                f"{source}: revision", "set by inoplan when it saves a plan; leave it out"
            )
    return [event_from_record(r, s, revision) for s, r in records]


def events_from_saved(items: object, field: str = "PLAN") -> list[Event]:
    """The ``events`` list of a saved plan (each entry carries its revision)."""
    if items is None:
        return []
    if not isinstance(items, list):
        raise InputError(f"{field}: events", "expected a list of events")
    out: list[Event] = []
    for i, item in enumerate(items):
        source = f"{field}: events[{i}]"
        if not isinstance(item, dict):
            raise InputError(source, "expected an object")
        record = {str(k): _cell(v, f"{source}.{k}") for k, v in item.items()}
        if not record.get("revision"):
            raise InputError(f"{source}: revision", "required in a saved plan")
        out.append(event_from_record(record, source))
    return out
