"""The state of a course as the re-plan walks it, and the small steps that read it.

The recorded events are checked and grouped (:class:`_Index`); :class:`Course`
holds what the walk has decided so far; the functions here answer its
questions: the dose before, the modification level of a cycle, the mg/m2 of a
dose, whether an event falls after the end of treatment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from inoplan.domain import rules
from inoplan.domain.clinic import WhyClosed, calendar_for
from inoplan.domain.errors import InputError
from inoplan.domain.plan import CycleLimit, Dose, PlanRequest, dose_mg, is_course_warning, make_plan
from inoplan.domain.replan.event_values import DoseRef
from inoplan.domain.replan.events import (
    Assessment,
    Discontinuation,
    Event,
    Given,
    Held,
    HsctDecision,
    Interruption,
    Measured,
    Moved,
    ReducedDoses,
    TwoDoseDays,
    describe,
)
from inoplan.domain.rules import Regimen
from inoplan.domain.units import fmt_decimal, iso

DAY = timedelta(days=1)
MIN_GAP = timedelta(days=rules.MIN_DAYS_BETWEEN_DOSES)


@dataclass
class _Index:
    """The events, checked for duplicates and grouped for the builder."""

    given: dict[DoseRef, Given]
    held: dict[DoseRef, Held]
    interrupt: dict[DoseRef, Interruption]
    status: list[Assessment | HsctDecision]
    discontinue: Discontinuation | None
    two_days: TwoDoseDays | None
    reduced: ReducedDoses | None
    #: New weights (and heights): :mod:`inoplan.domain.replan.remeasure` decides what they change.
    measured: list[Measured] = field(default_factory=list)
    #: Moves inside a window (``inoplan balance``): the newest revision's for each dose.
    moved: dict[DoseRef, Moved] = field(default_factory=dict)


def _index(events: Sequence[Event]) -> _Index:
    idx = _Index({}, {}, {}, [], None, None, None)
    seen: dict[DoseRef, Event] = {}
    status_dates: dict[tuple[type, date], Event] = {}
    for ev in events:
        if isinstance(ev, (Given, Held, Interruption)):
            other = seen.get(ev.dose)
            if other is not None and not ({type(other), type(ev)} == {Given, Interruption}):
                raise InputError(
                    ev.source, f"{ev.dose.label} already has an event ({other.source})"
                )
            seen[ev.dose] = ev
            if isinstance(ev, Given):
                idx.given[ev.dose] = ev
            elif isinstance(ev, Held):
                idx.held[ev.dose] = ev
            else:
                idx.interrupt[ev.dose] = ev
        elif isinstance(ev, (Assessment, HsctDecision)):
            key = (type(ev), ev.date)
            if key in status_dates:
                raise InputError(
                    ev.source,
                    f"a second {ev.__class__.__name__.lower()} on {iso(ev.date)} "
                    f"({status_dates[key].source})",
                )
            status_dates[key] = ev
            idx.status.append(ev)
        elif isinstance(ev, Discontinuation):
            if idx.discontinue is not None:
                raise InputError(
                    ev.source, f"treatment was already discontinued ({idx.discontinue.source})"
                )
            idx.discontinue = ev
        elif isinstance(ev, Measured):
            idx.measured.append(ev)
        elif isinstance(ev, Moved):
            prior = idx.moved.get(ev.dose)
            if prior is not None and prior.revision == ev.revision:
                raise InputError(ev.source, f"{ev.dose.label} is already moved ({prior.source})")
            if prior is None or ev.revision > prior.revision:
                idx.moved[ev.dose] = ev
        elif isinstance(ev, TwoDoseDays):
            if idx.two_days is not None and idx.two_days.days != ev.days:
                raise InputError(
                    ev.source, f"the 2 days were already chosen ({idx.two_days.source})"
                )
            idx.two_days = ev
        else:
            if idx.reduced is not None and idx.reduced.mg_per_m2 != ev.mg_per_m2:
                raise InputError(ev.source, f"the split was already chosen ({idx.reduced.source})")
            idx.reduced = ev
    idx.status.sort(key=lambda e: (e.date, isinstance(e, HsctDecision)))
    return idx


@dataclass
class Modification:
    """A modification level that applies from ``cycle`` on (never lowered)."""

    cycle: int
    level: int
    because: str


class Course:
    """The course as it is walked in date order: the state every step reads and changes."""

    def __init__(self, request: PlanRequest, events: Sequence[Event], clinic: bool = True) -> None:
        self.request = request
        calendar = calendar_for(request)
        #: Closed days, when the plan has clinic days and moves are wanted.
        self.why_closed: WhyClosed | None = (
            calendar.why_closed if clinic and calendar.restricts else None
        )
        #: The cycle being built: its length, its dose days and whether a next one is planned.
        self.length = 0
        self.dose_days: tuple[int, ...] = rules.DOSE_DAYS
        self.has_next = False
        self.events = list(events)
        self.idx = _index(events)
        self.base = make_plan(request)
        from inoplan.domain.replan.remeasure import timeline

        self.body = timeline(request, self.idx.measured, self.idx.given.values())
        self.base_dates = {(d.cycle, d.day): d.date for d in self.base.doses}
        self.response = request.response
        self.mrd = request.mrd
        self.hsct = request.hsct
        self.status_pos = 0
        self.mods: list[Modification] = []
        self.doses: list[Dose] = []
        self.omitted: list[Dose] = []
        self.cycles: list[tuple[int, date, int, Regimen, list[Dose]]] = []
        # The boxed-warning points of HSCT intent and of 3+ cycles follow the course as
        # re-planned (see assemble), not the request alone.
        self.warnings: list[str] = [
            *(w for w in self.base.warnings if not is_course_warning(w)),
            *self.body.warnings,
        ]
        self.notes: list[str] = list(self.body.notes)
        self.used: set[int] = set()  # ids of dose events that were applied
        self.blocked_until: date | None = None
        self.blocked_by: Interruption | None = None
        self.stopped: str | None = None
        self.limit: CycleLimit = self.base.limit
        self.reg_day1: Decimal | None = None


# --- status ---------------------------------------------------------------------


def apply_status_until(c: Course, day: date) -> None:
    """Apply every assessment and HSCT decision dated on or before ``day``."""
    while c.status_pos < len(c.idx.status):
        ev = c.idx.status[c.status_pos]
        if ev.date > day:
            break
        if isinstance(ev, Assessment):
            c.response = ev.response
            if ev.mrd is not None:
                c.mrd = ev.mrd
        else:
            c.hsct = ev.hsct
        c.notes.append(f"{describe(ev)}: applies to the cycles starting on or after that date")
        c.status_pos += 1


def next_assessment(c: Course) -> Assessment | None:
    for ev in c.idx.status[c.status_pos :]:
        if isinstance(ev, Assessment):
            return ev
    return None


def modification_at(c: Course, cycle: int) -> Modification | None:
    hits = [m for m in c.mods if m.cycle <= cycle]
    return max(hits, key=lambda m: m.level) if hits else None


# --- doses ------------------------------------------------------------------------


def previous_dose(c: Course) -> Dose | None:
    return c.doses[-1] if c.doses else None


def mg_per_m2_for(c: Course, regimen: Regimen, day: int, cycle: int) -> tuple[Decimal, str | None]:
    full = regimen.mg_per_m2[day]
    mod = modification_at(c, cycle)
    if mod is None:
        return full, None
    if c.idx.reduced is None:
        value = (full * rules.REDUCED_TOTAL_FRACTION).normalize()
        how = f"x {fmt_decimal(rules.REDUCED_TOTAL_FRACTION)}"
    else:
        split = c.idx.reduced.as_dict()
        want = regimen.total_mg_per_m2 * rules.REDUCED_TOTAL_FRACTION
        total = sum(split.values(), Decimal(0))
        if total != want or any(split[d] > regimen.mg_per_m2[d] for d in split):
            raise InputError(
                c.idx.reduced.source,
                f"cycle {cycle} ({regimen.label}, {fmt_decimal(regimen.total_mg_per_m2)} mg/m2) "
                "needs "
                f"doses totalling {fmt_decimal(want)} mg/m2 ({rules.REDUCED_TOTAL_TEXT}), "
                "none above the regimen's own; "
                f"these total {fmt_decimal(total)}",
            )
        value = split[day]
        how = "split " + "/".join(fmt_decimal(v) for _, v in c.idx.reduced.mg_per_m2)
    note = f"reduced {rules.REDUCTION_TEXT} ({how}) after the {mod.because}; not re-escalated"
    if mod.level == 2 and c.idx.two_days is not None:
        kept = " and ".join(str(d) for d in c.idx.two_days.days)
        note += f"; {rules.TWO_DOSES_TEXT} (days {kept}, the clinician's choice)"
    return value, note


def make_dose(
    c: Course,
    ref: DoseRef,
    when: date,
    mg_per_m2: Decimal,
    notes: list[str],
    status: str = "planned",
) -> Dose:
    base = c.base_dates.get((ref.cycle, ref.day))
    # A new weight beyond the threshold changes the BSA from its date on (remeasure).
    change = c.body.at(when)
    bsa_m2 = c.request.bsa.m2 if change is None else change.bsa.m2
    if change is not None:
        notes = [*notes, change.note]
    return Dose(
        cycle=ref.cycle,
        day=ref.day,
        date=when,
        mg_per_m2=mg_per_m2,
        mg=dose_mg(mg_per_m2, bsa_m2),
        notes=tuple(notes),
        planned_date=base if base is not None and base != when else None,
        status=status,
        bsa_m2=None if change is None else change.bsa.m2,
    )


def check_not_after_stop(c: Course, ev: Event, when: date) -> None:
    disc = c.idx.discontinue
    if disc is not None and when >= disc.date:
        raise InputError(
            ev.source,
            f"{iso(when)} is on or after the permanent discontinuation on {iso(disc.date)} "
            f"({disc.source})",
        )


def stop_course(c: Course, reason: str) -> None:
    c.stopped = reason


def reason_text(ev: Held | Interruption) -> str:
    reason = ev.reason or ""
    if ev.category is None:
        return reason
    return f"{ev.category}: {reason}" if reason else ev.category
