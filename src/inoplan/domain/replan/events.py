"""What happened during a course: the event types, and the one parser from a record.

An event is a dose given on a date, a dose held, a dose moved inside its window
before it is given (``inoplan balance``), an interruption for toxicity,
a response assessment, an HSCT decision, a permanent discontinuation, a new
weight (and height) measurement, or one of
the clinician's choices the rules ask for (which 2 days remain at 2 doses per
cycle; how a 25% reduction is split).

Every entry point goes through one parser, :func:`event_from_record`: options
(``--given C1D8=2026-12-10``), a CSV row and an object of a JSON events file
are first turned into the same records
(``{"event": "given", "dose": "C1D8", "date": "2026-12-10"}``) by
:mod:`inoplan.inputs.event_files`, as is an entry of the ``events`` list of a
saved plan. So every source accepts and refuses the same values with the same
words, and a saved plan is re-read exactly as it was made. Errors name the
event (``--given C1D8=2026-12-40`` or ``events.csv row 3``) and say why.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

from inoplan.domain import rules
from inoplan.domain.errors import InputError
from inoplan.domain.replan.event_values import (
    DoseRef,
    parse_category,
    parse_dose_days,
    parse_dose_ref,
    parse_reason,
    parse_reduced_doses,
)
from inoplan.domain.rules import Mrd, Response
from inoplan.domain.units import (
    Measure,
    fmt_decimal,
    parse_bool,
    parse_choice,
    parse_date,
    parse_int,
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
    "moved",
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
    "moved",
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
    "moved": (("dose", "date"), ("reason",)),
}


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
class Moved(_Base):
    """Day 8 or 15, still to give, moved to ``date`` inside its window (+/- 2 days).

    ``inoplan balance --apply`` records one for each dose it moves, with why
    (``reason``). The re-planning engine dates the dose on ``date`` while the
    move still fits the rules (window, 6 days from the dose before, clinic
    days, interruptions); a later move of the same dose replaces an earlier
    one; a dose given, held or interrupted follows that event instead.
    """

    dose: DoseRef
    date: date
    reason: str | None = None


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
    | Moved
)


#: Events that record what happened, and so cannot be dated after today; an
#: interruption and a discontinuation may be planned ahead [inoplan].
PAST_ONLY = (Given, Assessment, HsctDecision, Measured)


def check_not_future(events: Iterable[Event], today: date) -> None:
    """Refuse a new record of something that happened, dated after ``today`` (spec 3).

    A dose "given" tomorrow, an assessment or an HSCT decision next week have
    not happened. Interruptions and discontinuations may be planned ahead.
    """
    for ev in events:
        if isinstance(ev, PAST_ONLY) and ev.date > today:
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
    if kind == "moved":
        dose = parse_dose_ref(text("dose"), f("dose"))
        if rules.DOSE_WINDOW_DAYS[dose.day] == 0:
            raise InputError(
                f("dose"),
                f"{dose.label}: day {dose.day} has no window and is not moved; record the day "
                "it was given instead",
            )
        return Moved(
            source,
            rev,
            dose,
            parse_date(text("date"), f("date")),
            parse_reason(text("reason"), f("reason")) if text("reason").strip() else None,
        )
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
    elif isinstance(event, Moved):
        out |= {"event": "moved", "dose": event.dose.label, "date": event.date.isoformat()}
        if event.reason is not None:
            out["reason"] = event.reason
    elif isinstance(event, Measured):
        out |= {"event": "measured", "date": event.date.isoformat(), "weight": event.weight.typed}
        if event.height is not None:
            out["height"] = event.height.typed
        if event.threshold_pct is not None:
            out["threshold"] = fmt_decimal(event.threshold_pct)
    else:
        out |= {
            "event": "reduced_doses",
            "mg_per_m2": "/".join(fmt_decimal(v) for _, v in event.mg_per_m2),
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
        return f"{rules.TWO_DOSES_TEXT} on days {event.days[0]} and {event.days[1]}"
    if isinstance(event, Moved):
        why = f" ({event.reason})" if event.reason else ""
        return f"{event.dose.label} moved to {event.date.isoformat()}{why}"
    if isinstance(event, Measured):
        height = f", height {event.height.shown}" if event.height is not None else ""
        return f"weight {event.weight.shown}{height} measured on {event.date.isoformat()}"
    return "reduced doses " + "/".join(fmt_decimal(v) for _, v in event.mg_per_m2) + " mg/m2"


def _why(category: str | None, reason: str | None) -> str:
    if category is None:
        return reason or ""
    return f"{category}: {reason}" if reason else category


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
