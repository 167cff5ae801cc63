"""Re-planning: a saved plan meets what happened (pure, no I/O).

:func:`apply_events` rebuilds the course from the original request, dose by
dose in date order, applying the recorded events and the spec's rules
(sections 3, 4 and 6; the interruption table is data in :mod:`inoplan.domain.rules`):

- a dose is never less than 6 days after the previous one, across cycles too;
  a day 1 pushed later moves its whole cycle;
- days 8 and 15 are given within +/- 2 days of their cycle day; day 1 has no
  window (it may be given later, which moves the cycle, never earlier);
- an interruption of < 7 days delays the next dose; >= 7 days omits it (within
  the cycle; a day 1 is delayed instead, as the cycle waits), and a later dose
  of the cycle that would fall inside the interruption moves to its end when
  its window allows, or is omitted; >= 14 days modifies the next cycle: first a
  25% reduction, then 2 doses per cycle (the clinician's days), then permanent
  discontinuation; > 28 days warns "consider permanent discontinuation";
- a reduction is never undone (no re-escalation);
- a response assessment sets the regimen of the cycles that start on or after
  its date, and the cycle limit is recomputed; with the response pending, the
  next cycle waits for the assessment;
- a permanent discontinuation ends the course: no dose on or after its date;
- with clinic days (``--clinic-days``, ``--holidays`` in the plan's inputs),
  every dose still to give is placed as ``inoplan schedule`` places it, with
  the same functions of :mod:`inoplan.domain.clinic`; a dose given is never moved; a
  move never invalidates a dose recorded later; a dose with no open day left
  in its window keeps its date, says why, and is named in a warning.

Each changed dose carries notes saying why, its ``planned_date`` (the date of
the original plan) and its status. Events that contradict each other or the
plan raise :class:`InputError` naming the event. :func:`replan_history`
rebuilds every revision in turn so each dose's ``sequence`` counts the re-plans
that changed its date or milligrams: a calendar then updates its event.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

from inoplan.domain import rules
from inoplan.domain.clinic import (
    Bounds,
    Slot,
    WhyClosed,
    calendar_for,
    candidates,
    flag_closed_days,
    next_open_day,
    place_doses,
    plan_course,
    refusals,
    shift_text,
)
from inoplan.domain.errors import InputError
from inoplan.domain.plan import (
    Cycle,
    CycleLimit,
    Dose,
    Plan,
    PlanRequest,
    course_warnings,
    cycle_limit,
    dose_mg,
    effective_hsct,
    is_course_warning,
    make_plan,
    regimen_for,
)
from inoplan.domain.replan.event_values import DoseRef, is_low_count
from inoplan.domain.replan.events import (
    Assessment,
    Discontinuation,
    Event,
    Given,
    Held,
    HsctDecision,
    Interruption,
    Measured,
    ReducedDoses,
    TwoDoseDays,
    describe,
    event_to_record,
)
from inoplan.domain.rules import Regimen, Response

DAY = timedelta(days=1)
MIN_GAP = timedelta(days=rules.MIN_DAYS_BETWEEN_DOSES)


def _d(value: date) -> str:
    return value.isoformat()


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}"


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
                    f"a second {ev.__class__.__name__.lower()} on {_d(ev.date)} "
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
class _Modification:
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
        self.mods: list[_Modification] = []
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


def modification_at(c: Course, cycle: int) -> _Modification | None:
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
        how = f"x {_fmt(rules.REDUCED_TOTAL_FRACTION)}"
    else:
        split = c.idx.reduced.as_dict()
        want = regimen.total_mg_per_m2 * rules.REDUCED_TOTAL_FRACTION
        total = sum(split.values(), Decimal(0))
        if total != want or any(split[d] > regimen.mg_per_m2[d] for d in split):
            raise InputError(
                c.idx.reduced.source,
                f"cycle {cycle} ({regimen.label}, {_fmt(regimen.total_mg_per_m2)} mg/m2) needs "
                f"doses totalling {_fmt(want)} mg/m2 (75%), none above the regimen's own; "
                f"these total {_fmt(total)}",
            )
        value = split[day]
        how = "split " + "/".join(_fmt(v) for _, v in c.idx.reduced.mg_per_m2)
    note = f"reduced 25% ({how}) after the {mod.because}; not re-escalated"
    if mod.level == 2 and c.idx.two_days is not None:
        kept = " and ".join(str(d) for d in c.idx.two_days.days)
        note += f"; 2 doses per cycle (days {kept}, the clinician's choice)"
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
            f"{_d(when)} is on or after the permanent discontinuation on {_d(disc.date)} "
            f"({disc.source})",
        )


def apply_interruption(
    c: Course, ev: Interruption, due: date, ref: DoseRef
) -> tuple[date, date, list[str]]:
    """Check an interruption; return (start, resume date, notes) and record its effects."""
    prev = previous_dose(c)
    start = ev.start or due
    if prev is None:
        raise InputError(
            ev.source,
            f"{ref.label} is the first dose: there is no treatment to interrupt yet; "
            "plan again with a later --start",
        )
    if start <= prev.date:
        raise InputError(
            ev.source,
            f"starts {_d(start)}, not after the previous dose {prev.label} ({_d(prev.date)})",
        )
    if start > due:
        raise InputError(
            ev.source,
            f"starts {_d(start)}, after {ref.label} was due ({_d(due)}); an interruption "
            "before a dose starts on or before its date",
        )
    check_not_after_stop(c, ev, start)
    c.used.add(id(ev))
    resume = start + timedelta(days=ev.days)
    why = f" ({ev.reason})" if ev.reason else ""
    hits = rules.interruption_rules(ev.days)
    acted: list[str] = []
    for r in hits:
        if r.action == "omit_next" and ref.day == 1:
            # A day 1 is never omitted: the cycle waits for the end of the interruption.
            acted.append(
                f"{ref.label} waits for the end of the interruption (a day 1 is "
                "delayed, not omitted)"
            )
        elif r.action == "modify_next_cycle":
            target = ref.cycle if ref.day == 1 else ref.cycle + 1
            current = modification_at(c, 10_000)
            level = 1 if current is None else current.level + 1
            because = f"{ev.days}-day interruption before {ref.label}"
            c.mods.append(_Modification(target, min(level, 3), because))
            acted.append(_modification_text(min(level, 3), target))
        else:
            acted.append(r.short)
    notes = [
        f"{ev.days}-day interruption for toxicity from {_d(start)}{why}, resumes "
        f"{_d(resume)}: {'; '.join(acted)} ({rules.VERIFY_NOTE})"
    ]
    if any(r.action == "consider_discontinuation" for r in hits):
        c.warnings.append(
            f"{ref.label}: interruption of {ev.days} days (> 28): consider permanent "
            f"discontinuation; the clinician decides (record it with --discontinue) "
            f"({rules.VERIFY_NOTE})"
        )
    if ref.day != 1 and is_low_count(ev.reason, ev.category):
        c.warnings.append(
            f"{ref.label} interrupted for a low count ({_reason_text(ev)}): planned as "
            f"recorded; {rules.LOW_COUNT_DAYS_8_15}"
        )
    c.blocked_until = resume
    c.blocked_by = ev
    return start, resume, notes


def stop_course(c: Course, reason: str) -> None:
    c.stopped = reason


def build_cycle(c: Course, n: int, nominal: date, nominal_reason: str | None) -> bool:
    """Plan cycle ``n``; return False when the course has ended before it."""
    prev = previous_dose(c)
    start = nominal
    day1_notes: list[str] = []
    if nominal_reason:
        day1_notes.append(nominal_reason)
    if prev is not None and start < prev.date + MIN_GAP:
        start = prev.date + MIN_GAP
        day1_notes.append(
            f"cycle {n} starts {_d(start)}, at least 6 days after {prev.label} ({_d(prev.date)})"
        )
    if c.blocked_until is not None and start < c.blocked_until:
        start = c.blocked_until
        day1_notes.append(f"cycle {n} waits for the end of the interruption ({_d(start)})")
    apply_status_until(c, start)
    if n >= 2 and c.response is Response.PENDING:
        nxt = next_assessment(c)
        if nxt is not None:
            start = nxt.date
            day1_notes.append(f"cycle {n} waits for the response assessment on {_d(nxt.date)}")
            apply_status_until(c, start)
    ref = DoseRef(n, 1)
    interrupt = c.idx.interrupt.get(ref)
    given = c.idx.given.get(ref)
    pre = modification_at(c, n)
    two = c.idx.two_days
    no_day1 = pre is not None and pre.level == 2 and two is not None and 1 not in two.days
    if no_day1:
        interrupt = given = None  # no day 1 dose in this cycle: reported as unused
    disc = c.idx.discontinue
    # A day 1 still to give moves off a closed day before anything is dated from it
    # (an interruption starts the day the dose is due on the plan as shown).
    place = given is None and not no_day1 and c.why_closed is not None
    if place:
        start = open_day1(c, ref, start, day1_notes)
        apply_status_until(c, start)
    if interrupt is not None and not (disc is not None and start >= disc.date):
        _, resume, notes = apply_interruption(c, interrupt, start, ref)
        day1_notes.extend(notes)
        if resume > start:
            start = resume
            day1_notes.append(f"cycle {n} delayed to {_d(start)}")
            if place:
                start = open_day1(c, ref, start, day1_notes)
        apply_status_until(c, start)
    # The limit as it stands when this cycle would start.
    c.limit = cycle_limit(c.response, c.hsct, c.mrd, c.request.cycles)
    cap = c.limit.cycles
    if c.request.cycles is not None:
        cap = min(cap, c.request.cycles)
    if n > cap:
        return False
    if disc is not None and start >= disc.date:
        stop_course(c, f"permanently discontinued on {_d(disc.date)}: {disc.reason}")
        return False
    mod = modification_at(c, n)
    if mod is not None and mod.level >= 3:
        stop_course(
            c,
            f"permanently discontinued from cycle {n}: {mod.because} after the 25% reduction "
            f"and 2 doses per cycle (label: discontinue when that is not tolerated; "
            f"{rules.VERIFY_NOTE})",
        )
        c.warnings.append(c.stopped or "")
        return False
    if mod is not None and mod.level == 2 and c.idx.two_days is None:
        raise InputError(
            "--two-dose-days",
            f"{mod.because}: a second interruption of >= 14 days after the 25% reduction "
            f"means 2 doses per cycle from cycle {n}; which 2 of days 1, 8, 15 is the "
            "clinician's choice: give it, e.g. --two-dose-days 1,8",
        )
    if given is not None:
        check_not_after_stop(c, given, given.date)
        if given.date < start:
            raise InputError(
                given.source,
                f"day 1 has no window: {ref.label} is due {_d(start)}, not earlier",
            )
        c.used.add(id(given))
        if given.date > start:
            late = (given.date - start).days
            day1_notes.append(
                f"given {_d(given.date)}, {_days(late)} after it was due: cycle {n} moves with it"
            )
            if late > rules.LATE_CYCLE_DAYS:
                c.warnings.append(f"{ref.label} given {_days(late)} late: {rules.LATE_CYCLE_NOTE}")
            start = given.date
            apply_status_until(c, start)
            c.limit = cycle_limit(c.response, c.hsct, c.mrd, c.request.cycles)
    regimen = regimen_for(n, c.response)
    check_reescalation(c, n, regimen, mod)
    length = c.request.first_cycle_days if n == 1 else regimen.length_days
    cycle_doses: list[Dose] = []
    days: tuple[int, ...] = rules.DOSE_DAYS
    if mod is not None and mod.level == 2 and c.idx.two_days is not None:
        days = c.idx.two_days.days
    c.length, c.dose_days, c.has_next = length, days, n < cap
    for day in rules.DOSE_DAYS:
        dref = DoseRef(n, day)
        if day not in days:
            continue
        mg_m2, mod_note = mg_per_m2_for(c, regimen, day, n)
        if day == 1:
            notes = list(day1_notes)
            if mod_note:
                notes.append(mod_note)
            dose = make_dose(c, dref, start, mg_m2, notes, "given" if given else "planned")
            c.doses.append(dose)
            cycle_doses.append(dose)
            continue
        out = later_dose(c, dref, start, mg_m2, mod_note)
        if out is None:
            break
        if out.status != "omitted":
            cycle_doses.append(out)
    if mod is not None and mod.level == 2 and c.idx.two_days is not None:
        kept = " and ".join(str(d) for d in c.idx.two_days.days)
        c.notes.append(
            f"cycle {n}: 2 doses per cycle (days {kept}, the clinician's choice; {mod.because})"
        )
    c.cycles.append((n, start, length, regimen, cycle_doses))
    return c.stopped is None


def check_reescalation(c: Course, n: int, regimen: Regimen, mod: _Modification | None) -> None:
    day1 = regimen.mg_per_m2[1]
    if mod is not None and c.reg_day1 is not None and day1 > c.reg_day1:
        c.warnings.append(
            f"cycle {n}: day 1 rises to {_fmt(day1)} mg/m2 before reduction because the "
            f"response is now {c.response.value}; the 25% reduction is kept; confirm "
            "with the clinician"
        )
    if n >= 2:
        c.reg_day1 = day1


def later_dose(
    c: Course, ref: DoseRef, start: date, mg_m2: Decimal, mod_note: str | None
) -> Dose | None:
    """Day 8 or 15 of a cycle starting ``start``; ``None`` when the course stops here."""
    nominal = start + timedelta(days=ref.day - 1)
    w = timedelta(days=rules.DOSE_WINDOW_DAYS[ref.day])
    lo, hi = nominal - w, nominal + w
    notes: list[str] = []
    when = nominal
    prev = previous_dose(c)
    omit: str | None = None
    if prev is not None and when < prev.date + MIN_GAP:
        when = prev.date + MIN_GAP
        notes.append(f"moved to keep at least 6 days after {prev.label} ({_d(prev.date)})")
    if c.blocked_until is not None and when < c.blocked_until:
        if c.blocked_until <= hi:
            when = c.blocked_until
            notes.append(
                f"moved to {_d(when)}, the end of the interruption (window {_d(lo)} to {_d(hi)})"
            )
        else:
            by = describe(c.blocked_by) if c.blocked_by else "interruption"
            omit = (
                f"omitted: due inside the interruption ({by}), which ends after its "
                f"window ({_d(lo)} to {_d(hi)})"
            )
    # A dose still to give moves off a closed day (as inoplan schedule does) before
    # anything is dated from it: an interruption starts the day it is due.
    place = omit is None and c.why_closed is not None and ref not in c.idx.given
    if place:
        when = open_later(c, ref, start, when, prev, notes)
    disc = c.idx.discontinue
    recorded = ref in c.idx.given or ref in c.idx.held or ref in c.idx.interrupt
    if disc is not None and when >= disc.date and not recorded:
        stop_course(c, f"permanently discontinued on {_d(disc.date)}: {disc.reason}")
        return None
    interrupt = c.idx.interrupt.get(ref)
    if interrupt is not None and omit is None:
        _, resume, inotes = apply_interruption(c, interrupt, when, ref)
        notes.extend(inotes)
        if interrupt.days >= rules.INTERRUPTION_TABLE[1].min_days:
            omit = f"omitted after a {interrupt.days}-day interruption"
        elif resume > when:
            notes.append(f"delayed from {_d(when)} to {_d(resume)}")
            when = resume
            if place:
                when = open_later(c, ref, start, when, prev, notes)
    held = c.idx.held.get(ref)
    if held is not None:
        if omit is not None:
            raise InputError(held.source, f"{ref.label} is already omitted ({omit})")
        check_not_after_stop(c, held, when)
        c.used.add(id(held))
        omit = f"held: {_reason_text(held)}"
        if is_low_count(held.reason, held.category):
            c.warnings.append(
                f"{ref.label} held for a low count ({_reason_text(held)}): planned as "
                f"recorded; {rules.LOW_COUNT_DAYS_8_15}"
            )
    given = c.idx.given.get(ref)
    status = "planned"
    if given is not None:
        if omit is not None:
            raise InputError(given.source, f"{ref.label} is not given in this plan: {omit}")
        check_not_after_stop(c, given, given.date)
        earliest = max(lo, prev.date + MIN_GAP) if prev is not None else lo
        if c.blocked_until is not None:
            earliest = max(earliest, c.blocked_until)
        latest = max(hi, when)
        if given.date < earliest or given.date > latest:
            why = [f"its window is {_d(lo)} to {_d(hi)} (day {ref.day} +/- 2 days)"]
            if prev is not None and given.date < prev.date + MIN_GAP:
                gap = (given.date - prev.date).days
                why = [
                    f"that is before {prev.label} ({_d(prev.date)})"
                    if gap <= 0
                    else f"it would be {_days(gap)} after {prev.label} ({_d(prev.date)}); "
                    "at least 6 are needed"
                ]
            elif c.blocked_until is not None and given.date < c.blocked_until:
                why = [f"it falls inside the interruption (until {_d(c.blocked_until)})"]
            raise InputError(
                given.source, f"{ref.label} cannot be given on {_d(given.date)}: {why[0]}"
            )
        c.used.add(id(given))
        if given.date != when:
            notes.append(f"given {_d(given.date)}")
        when = given.date
        status = "given"
    if disc is not None and when >= disc.date and status != "given":
        stop_course(c, f"permanently discontinued on {_d(disc.date)}: {disc.reason}")
        return None
    if when > hi and omit is None:
        notes.append(
            f"outside its window ({_d(lo)} to {_d(hi)}) because of the delay: check with the "
            "clinician"
        )
        c.warnings.append(
            f"{ref.label} on {_d(when)} is outside its window, {_d(lo)} to {_d(hi)} (day "
            f"{ref.day} +/- {rules.DOSE_WINDOW_DAYS[ref.day]} days, label): check with the "
            "clinician"
        )
    if mod_note and omit is None:
        notes.append(mod_note)
    base = c.base_dates.get((ref.cycle, ref.day))
    if not notes and base is not None and base != when and when == nominal:
        notes.append(f"moves with cycle {ref.cycle} (day 1 on {_d(start)})")
    if omit is not None:
        dose = make_dose(c, ref, when, mg_m2, [omit, *notes], "omitted")
        c.omitted.append(dose)
        return dose
    dose = make_dose(c, ref, when, mg_m2, notes, status)
    c.doses.append(dose)
    return dose


# --- clinic days (the same placement as inoplan schedule, inoplan.domain.clinic) ------------


def latest_move(c: Course, ref: DoseRef) -> date | None:
    """The last date a move may give ``ref`` and keep every later recorded dose valid.

    A dose given later needs 6 days after it (and, for a day 1, its own
    window in the cycle); an interruption recorded with its own start needs
    to start after it.
    """
    bounds: list[date] = []
    for g in c.idx.given.values():
        if g.dose > ref:
            bounds.append(g.date - MIN_GAP)
            if ref.day == 1 and g.dose.cycle == ref.cycle:
                reach = g.dose.day - 1 - rules.DOSE_WINDOW_DAYS[g.dose.day]
                bounds.append(g.date - timedelta(days=reach))
    for it in c.idx.interrupt.values():
        if it.dose > ref and it.start is not None:
            bounds.append(it.start - DAY)
    return min(bounds, default=None)


def open_day1(c: Course, ref: DoseRef, start: date, notes: list[str]) -> date:
    """Day 1 on a closed day: the next open day, the cycle with it (``inoplan schedule``)."""
    why_closed = c.why_closed
    if why_closed is None:  # pragma: no cover - only called with clinic days
        return start
    opened, skipped = next_open_day(start, why_closed)
    if not skipped:
        return start
    latest = latest_move(c, ref)
    if opened is None:
        notes.append(
            f"left on a closed day, {_d(start)} ({why_closed(start)}): no open day within "
            f"{rules.MAX_DAY1_SHIFT_DAYS} days; arrange it by hand"
        )
        return start
    if latest is not None and opened > latest:
        notes.append(
            f"left on a closed day, {_d(start)} ({why_closed(start)}): the next open day, "
            f"{_d(opened)}, is too late for a dose recorded after it (at the latest "
            f"{_d(latest)}); arrange it by hand"
        )
        return start
    notes.append(
        f"moved {shift_text(start, opened)}: "
        + "; ".join(skipped)
        + ": moved to the next open day; the cycle moves with it"
    )
    return opened


def rest_of_cycle(c: Course, ref: DoseRef, start: date) -> list[Slot]:
    """The doses of the cycle still to place after ``ref``, for the look-ahead."""
    rest: list[Slot] = []
    for day in c.dose_days:
        later = DoseRef(ref.cycle, day)
        if day <= ref.day or later in c.idx.held or later in c.idx.interrupt:
            continue
        given = c.idx.given.get(later)
        nominal = start + timedelta(days=day - 1)
        rest.append(Slot(day, nominal, rules.DOSE_WINDOW_DAYS[day], given.date if given else None))
    return rest


def open_later(
    c: Course, ref: DoseRef, start: date, when: date, prev: Dose | None, notes: list[str]
) -> date:
    """Day 8 or 15 on the nearest open day of its window, as ``inoplan schedule`` does.

    Never before ``when`` allows (6 days after the dose before, the end of an
    interruption), never so late that a dose recorded later becomes invalid,
    and only where the rest of the cycle can still be placed when it can.
    """
    why_closed = c.why_closed
    if why_closed is None:  # pragma: no cover - only called with clinic days
        return when
    window = rules.DOSE_WINDOW_DAYS[ref.day]
    slot = Slot(ref.day, start + timedelta(days=ref.day - 1), window)
    bounds = Bounds(c.blocked_until, latest_move(c, ref))
    after = prev.date if prev is not None else None
    next_start = start + timedelta(days=c.length) if c.has_next else None
    rest = rest_of_cycle(c, ref, start)
    placed = place_doses([slot, *rest], after, why_closed, next_start, bounds)
    if placed is not None:
        new: date | None = placed[0]
    else:
        alone = candidates(slot, after, why_closed, None if rest else next_start, bounds)
        new = alone[0] if alone else None
    closed = why_closed(when)
    if new is None:
        if closed is not None:
            lo = slot.nominal - timedelta(days=window)
            hi = slot.nominal + timedelta(days=window)
            label = prev.label if prev is not None else ""
            reasons = "; ".join(refusals(slot, after, label, why_closed, bounds))
            if when > hi:
                reasons = f"the delay puts it after the window, on {_d(when)}"
            notes.append(
                f"left on a closed day, {_d(when)} ({closed}): no open day inside its window "
                f"{_d(lo)} to {_d(hi)} ({reasons}); arrange it by hand"
            )
        return when
    if new != when:
        if closed is not None:
            cause = f"{_d(when)} closed ({closed})"
        else:
            nxt = f"C{ref.cycle}D{rest[0].day}" if rest else "the next dose"
            cause = f"{_d(when)} leaves no open day for {nxt} at least 6 days later"
        notes.append(
            f"moved {shift_text(when, new)}: {cause}; nearest open day within "
            f"+/-{window} days of {_d(slot.nominal)}"
        )
    return new


# --- the course -----------------------------------------------------------------------


def walk(c: Course) -> Plan:
    disc = c.idx.discontinue
    if disc is not None and disc.date <= c.request.start:
        raise InputError(
            disc.source,
            f"{_d(disc.date)} is on or before the first dose ({_d(c.request.start)}); "
            "nothing would be planned",
        )
    n = 1
    nominal = c.request.start
    reason: str | None = None
    while n <= rules.MAX_CYCLES:
        if not build_cycle(c, n, nominal, reason):
            break
        _, start, length, _, _ = c.cycles[-1]
        nominal = start + timedelta(days=length)
        base_next = c.base_dates.get((n + 1, 1))
        reason = None
        if base_next is not None and nominal != base_next:
            reason = f"cycle {n + 1} follows cycle {n}, which moved (day 1 on {_d(start)})"
        n += 1
    if len(c.cycles) > c.limit.cycles:
        n = len(c.cycles)
        c.warnings.append(
            f"cycle {n} started before the change that lowered the cycle limit to "
            f"{c.limit.cycles} ({c.limit.reason}); whether to finish cycle {n} is the "
            "clinician's decision (record --discontinue to stop)"
        )
    check_unused(c)
    return assemble(c)


def check_unused(c: Course) -> None:
    disc = c.idx.discontinue
    planned = {c[0] for c in c.cycles}
    for ev in c.events:
        if not isinstance(ev, (Given, Held, Interruption)) or id(ev) in c.used:
            continue
        ref = ev.dose
        if any(d.cycle == ref.cycle and d.day == ref.day for d in c.omitted):
            raise InputError(ev.source, f"{ref.label} is omitted in this plan")
        if c.stopped is not None:
            raise InputError(ev.source, f"{ref.label} comes after the end: {c.stopped}")
        if ref.cycle in planned:
            raise InputError(
                ev.source,
                f"{ref.label} is not given in this plan (2 doses per cycle from cycle "
                f"{ref.cycle} on)",
            )
        raise InputError(
            ev.source,
            f"{ref.label} is not in the plan: it has {len(planned)} cycles "
            f"(limit {c.limit.cycles}: {c.limit.reason})",
        )
    last_end = None
    if c.cycles:
        _, start, length, _, _ = c.cycles[-1]
        last_end = start + timedelta(days=length - 1)
    for st in c.idx.status:
        if st.date < c.request.start:
            raise InputError(
                st.source, f"{_d(st.date)} is before the plan starts ({_d(c.request.start)})"
            )
        if disc is not None and st.date > disc.date:
            raise InputError(
                st.source,
                f"{_d(st.date)} is after the permanent discontinuation on {_d(disc.date)} "
                f"({disc.source})",
            )
        if last_end is not None and st.date > last_end and disc is None:
            raise InputError(
                st.source,
                f"{_d(st.date)} is after the end of the plan ({_d(last_end)}); it changes no cycle",
            )
    if c.idx.two_days is not None and not any(m.level >= 2 for m in c.mods):
        c.notes.append(
            f"{describe(c.idx.two_days)} is recorded but not used: no second interruption "
            "of >= 14 days"
        )
    if c.idx.reduced is not None and not c.mods:
        c.notes.append(
            f"{describe(c.idx.reduced)} is recorded but not used: no interruption of >= 14 days"
        )


def assemble(c: Course) -> Plan:
    cycles: list[Cycle] = []
    for i, (n, start, length, regimen, doses) in enumerate(c.cycles):
        if i + 1 < len(c.cycles):
            gap = (c.cycles[i + 1][1] - start).days
            if gap != length:
                c.notes.append(
                    f"cycle {n} lasts {gap} days (planned {length}): cycle {n + 1} starts "
                    f"{_d(c.cycles[i + 1][1])}"
                )
                if n == 1 and gap > rules.FIRST_CYCLE_MAX_DAYS:
                    c.warnings.append(
                        f"cycle 1 lasts {gap} days: longer than the "
                        f"{rules.FIRST_CYCLE_MAX_DAYS} days the label allows (21, may be "
                        "extended up to 28); check with the clinician"
                    )
                length = max(length, gap)
        cycles.append(
            Cycle(number=n, start=start, length_days=length, regimen=regimen, doses=tuple(doses))
        )
    if not any(c.doses for c in cycles):
        raise InputError("events", "no dose would remain in the plan")
    limit = c.limit
    if c.stopped is not None:
        c.notes.insert(0, f"Treatment ended: {c.stopped}")
        disc = c.idx.discontinue
        if disc is not None and (disc.category == "hepatic" or _is_liver(disc.reason)):
            c.notes.insert(1, f"Label: {rules.VOD_RULE}")
    elif c.idx.discontinue is not None:
        disc = c.idx.discontinue
        c.notes.insert(
            0,
            f"permanently discontinued on {_d(disc.date)} ({disc.reason}), after the last "
            "planned dose",
        )
    if c.request.cycles is not None and c.request.cycles > limit.cycles:
        c.notes.append(
            f"{c.request.cycles} cycles were requested (--cycles); the limit is now {limit.cycles}"
        )
    if limit.note and limit.note not in c.notes:
        c.notes.append(limit.note)
    records = tuple(tuple(event_to_record(e).items()) for e in c.events)
    hsct = effective_hsct(replace(c.base, events=records))
    warnings = [*c.warnings, *course_warnings(hsct, len(cycles))]
    return Plan(
        request=c.request,
        limit=limit,
        cycles=tuple(cycles),
        warnings=tuple(dict.fromkeys(w for w in warnings if w)),
        notes=tuple(dict.fromkeys(c.notes)),
        reminders=c.base.reminders,
        omitted=tuple(c.omitted),
        events=records,
        revision=max((e.revision for e in c.events), default=0),
    )


def _modification_text(level: int, cycle: int) -> str:
    """The step of the >= 14-day rule that acted (spec section 6)."""
    if level == 1:
        return f"reduce the total dose of cycle {cycle} by 25%"
    if level == 2:
        return (
            f"2 doses per cycle from cycle {cycle} (a further modification after the 25% reduction)"
        )
    return (
        f"discontinue permanently from cycle {cycle} (the 25% reduction and 2 doses per cycle "
        "were not tolerated)"
    )


def _reason_text(ev: Held | Interruption) -> str:
    reason = ev.reason or ""
    if ev.category is None:
        return reason
    return f"{ev.category}: {reason}" if reason else ev.category


def _is_liver(reason: str) -> bool:
    words = reason.lower()
    return any(w in words for w in ("vod", "sos", "veno-occlusive", "sinusoidal", "liver", "hepat"))


def apply_events(request: PlanRequest, events: Sequence[Event], strict: bool = False) -> Plan:
    """The course for ``request`` after ``events`` (sequence numbers all 0).

    Doses still to give are moved off closed clinic days as ``inoplan schedule``
    moves them, never so that a dose recorded later becomes invalid where the
    builder can see it. Should a move still contradict a recorded event (a day 1
    moved later carries every later cycle with it; a saved course from before
    re-plans moved doses; a holiday calendar that gained a day):

    - with ``strict`` and a course that rebuilt with its moves before the newest
      events, the newest events contradict the plan as shown: refused;
    - otherwise the course is rebuilt without moves rather than refused, so a
      saved course can always be read back and re-planned, and every dose left
      on a closed day is named in a warning.
    """
    if not events:
        return plan_course(request)
    try:
        return flag_closed_days(walk(Course(request, events)))
    except InputError as error:
        if not calendar_for(request).restricts:
            raise
        if strict and _rebuilds_with_moves(request, events):
            raise
        plain = walk(Course(request, events, clinic=False))
        warning = (
            "doses were not moved off closed clinic days: a move would contradict a recorded "
            f"event ({error.detail}); each dose stays where the rules without clinic days put it"
        )
        return flag_closed_days(replace(plain, warnings=(*plain.warnings, warning)))


def _rebuilds_with_moves(request: PlanRequest, events: Sequence[Event]) -> bool:
    """Whether the course before the newest revision's events builds with clinic-day moves."""
    newest = max(e.revision for e in events)
    older = [e for e in events if e.revision < newest]
    try:
        if older:
            flag_closed_days(walk(Course(request, older)))
        else:
            plan_course(request)
    except InputError:
        return False
    return True


def _with_sequences(plan: Plan, previous: Plan) -> Plan:
    """Raise ``sequence`` on each dose whose date, mg or status changed since ``previous``."""
    before = {(d.cycle, d.day): d for d in (*previous.doses, *previous.omitted)}

    def bump(d: Dose) -> Dose:
        old = before.get((d.cycle, d.day))
        if old is None:
            return d
        changed = (old.date, old.mg, old.status == "omitted") != (
            d.date,
            d.mg,
            d.status == "omitted",
        )
        return replace(d, sequence=old.sequence + (1 if changed else 0))

    cycles = tuple(replace(c, doses=tuple(bump(d) for d in c.doses)) for c in plan.cycles)
    omitted = [bump(d) for d in plan.omitted]
    now = {(d.cycle, d.day) for d in (*plan.doses, *plan.omitted)}
    ended = next((n for n in plan.notes if n.startswith("Treatment ended: ")), None)
    planned = {c.number for c in plan.cycles}
    two_days = next(
        (dict(r).get("dose_days") for r in plan.events if dict(r).get("event") == "two_dose_days"),
        None,
    )

    def why(d: Dose) -> str:
        """The rule that removed ``d``: the end of treatment, 2 doses per cycle, the limit."""
        if ended is not None:
            return ended[len("Treatment ended: ") :]
        if d.cycle in planned and two_days:
            days = " and ".join(two_days.split(","))
            return (
                f"2 doses per cycle (days {days}, the clinician's choice) after a further "
                f"interruption of >= 14 days: day {d.day} is no longer given"
            )
        return f"the plan now has {len(plan.cycles)} cycles ({plan.limit.reason})"

    for d in (*previous.doses, *previous.omitted):
        if (d.cycle, d.day) in now:
            continue
        if d.status == "omitted":
            omitted.append(d)
        else:
            omitted.append(
                replace(
                    d,
                    status="omitted",
                    notes=(*d.notes, f"cancelled: {why(d)}"),
                    sequence=d.sequence + 1,
                )
            )
    omitted.sort(key=lambda d: (d.date, d.cycle, d.day))
    return replace(plan, cycles=cycles, omitted=tuple(omitted))


def replan_history(request: PlanRequest, events: Sequence[Event], strict: bool = False) -> Plan:
    """Rebuild every revision in turn so sequence numbers count the re-plans that changed a dose.

    ``strict`` (``inoplan replan`` recording new events): the newest revision
    is refused when its events contradict the clinic-day moves of the plan as
    shown (see :func:`apply_events`); earlier revisions, already saved, are
    always rebuilt.
    """
    plan = plan_course(request)
    revisions = sorted({e.revision for e in events})
    for rev in revisions:
        nxt = apply_events(
            request,
            [e for e in events if e.revision <= rev],
            strict=strict and rev == revisions[-1],
        )
        plan = _with_sequences(nxt, plan)
    return plan


__all__ = ["apply_events", "replan_history"]
