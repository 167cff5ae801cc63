"""Clinic days: move doses that fall on a closed day (spec section 3).

Pure functions over a :class:`~inoplan.domain.plan.Plan`. A closed day is told by a
``why_closed`` function (a date in, the reason it is closed or ``None`` out), so
the planner never knows where the reasons come from: weekdays the clinic is
shut (``--clinic-days``), public holidays (``--holidays``, the ``holidays``
package), or anything a caller supplies.

The rules, in order of precedence:

- A day 1 has no window [L]. On a closed day it moves to the next open day,
  and the whole cycle moves with it; later cycles follow, and the previous
  cycle is longer by as many days (cycles stay back to back) [inoplan].
- Days 8 and 15 may be given 2 days early or late [L]. On a closed day the dose
  moves to the nearest open day inside that window. When two open days are
  equally near, the one that does not delay the next cycle is taken, then the
  later one, so a tie never brings a dose closer to the previous dose than the
  regimen's 7 days [inoplan].
- At least 6 days between any two consecutive doses, across cycles too [L,
  inoplan]. A day 8 or 15 is placed only where the rest of its cycle can still
  be placed; a day 15 moved late may push the next day 1, and that cycle then
  starts later, with the reason on its day 1.
- A dose that cannot be placed inside its window is an :class:`InputError`
  naming the dose and why each day of its window was refused.

Every dose whose date changed keeps the regimen's date in ``planned_date`` and
says why in ``notes``.

The placement (:class:`Slot`, :func:`candidates`, :func:`place_doses`,
:func:`next_open_day`) is the one ``inoplan replan`` uses too
(:mod:`inoplan.domain.replan.engine`), with :class:`Bounds` for what recorded events add: the
end of an interruption, and the last day a dose recorded later allows.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import NamedTuple

from inoplan.domain import rules
from inoplan.domain.clinic_days import (
    ALL_DAYS,
    CLINIC_DAYS_FIELD,
    HolidayLookup,
    format_clinic_days,
    load_holidays,
)
from inoplan.domain.errors import InputError
from inoplan.domain.plan import (
    Cycle,
    Dose,
    Plan,
    PlanRequest,
    dose_label,
    make_plan,
    weekday,
)
from inoplan.domain.units import days_text

#: A date in, the reason the clinic is closed that day (or ``None`` if open) out.
WhyClosed = Callable[[date], "str | None"]

# --- the calendar -------------------------------------------------------------------


class ClinicCalendar:
    """Which days the clinic can give an infusion."""

    __slots__ = ("_lookup", "holidays", "weekdays")

    def __init__(
        self,
        weekdays: frozenset[int] = ALL_DAYS,
        holidays: str | None = None,
        lookup: HolidayLookup | None = None,
    ) -> None:
        self.weekdays = weekdays
        self.holidays = holidays
        self._lookup = lookup

    @classmethod
    def from_options(cls, weekdays: frozenset[int] | None, holidays: str | None) -> ClinicCalendar:
        lookup = load_holidays(holidays) if holidays else None
        return cls(weekdays if weekdays is not None else ALL_DAYS, holidays, lookup)

    @property
    def restricts(self) -> bool:
        """False when every day is open (nothing to move)."""
        return self.weekdays != ALL_DAYS or self.holidays is not None

    def why_closed(self, day: date) -> str | None:
        if self._lookup is not None:
            name = self._lookup.get(day)
            if name:
                return f"{name}, public holiday in {self.holidays}"
        if day.weekday() not in self.weekdays:
            return f"{weekday(day, full=True)}, not a clinic day"
        return None

    def describe(self) -> str:
        text = f"clinic days: {format_clinic_days(self.weekdays)}"
        if self.holidays:
            text += f"; closed on public holidays in {self.holidays}"
        return text


def calendar_for(request: PlanRequest) -> ClinicCalendar:
    return ClinicCalendar.from_options(request.clinic_days, request.holidays)


def plan_course(request: PlanRequest, today: date | None = None) -> Plan:
    """:func:`make_plan` (``today`` as it takes it), then the clinic-day moves asked for."""
    plan = make_plan(request, today)
    calendar = calendar_for(request)
    if not calendar.restricts:
        return plan
    moved = apply_clinic_days(plan, calendar.why_closed)
    return moved._replace(notes=(*moved.notes, calendar.describe()))


def flag_closed_days(plan: Plan) -> Plan:
    """Warn about doses still to give that stay on a closed day (after a re-plan).

    ``inoplan replan`` moves doses off closed days with the same rules as
    ``inoplan schedule``; a dose it cannot move (no open day in its window, or
    a move that would contradict a dose recorded later) keeps the date the
    rules give it, says why in its notes, and is named here, so none lands on
    a weekend or holiday unnoticed. A dose given on a closed day is a fact and
    is not flagged.
    """
    calendar = calendar_for(plan.request)
    if not calendar.restricts:
        return plan
    found = [
        f"{d.label} on {weekday(d.date)} {d.date.isoformat()}: {why}"
        for d in plan.doses
        if d.status != "given" and (why := calendar.why_closed(d.date)) is not None
    ]
    if not found:
        return plan
    warning = (
        "doses still to give left on a closed clinic day; arrange these by hand: "
        + "; ".join(found)
    )
    return plan._replace(warnings=(*plan.warnings, warning))


# --- moving doses -------------------------------------------------------------------


def shift_text(old: date, new: date) -> str:
    """``from Fri 2026-12-25 to Thu 2026-12-24, 1 day earlier``."""
    n = (new - old).days
    return (
        f"from {weekday(old)} {old.isoformat()} to {weekday(new)} {new.isoformat()}, "
        f"{days_text(abs(n))} {'later' if n > 0 else 'earlier'}"
    )


class Slot(NamedTuple):
    """A day 8 or 15 to place: its planned date in the (shifted) cycle and its window.

    ``fixed`` is a date already recorded (a dose given): the only date the slot
    can take, on a closed day or not. Shared by ``inoplan schedule``
    (:func:`apply_clinic_days`) and ``inoplan replan`` (:mod:`inoplan.domain.replan.engine`).
    """

    day: int
    nominal: date
    window: int
    fixed: date | None = None


class Bounds(NamedTuple):
    """Limits a move must keep besides the window and the spacing (a re-plan's events).

    ``not_before``: the first day treatment may resume (the end of an
    interruption). ``not_after``: the last day that leaves every dose recorded
    later valid (6 days before a later dose given, for example).
    """

    not_before: date | None = None
    not_after: date | None = None


NO_BOUNDS = Bounds()


def candidates(
    slot: Slot,
    after: date | None,
    why_closed: WhyClosed,
    next_start: date | None,
    bounds: Bounds = NO_BOUNDS,
) -> list[date]:
    """Open days in the window, at least 6 days after ``after``, inside ``bounds``, best first."""
    gap = rules.MIN_DAYS_BETWEEN_DOSES
    if slot.fixed is not None:
        ok = after is None or (slot.fixed - after).days >= gap
        return [slot.fixed] if ok else []
    out: list[tuple[tuple[int, int, int], date]] = []
    for offset in range(-slot.window, slot.window + 1):
        d = slot.nominal + timedelta(days=offset)
        if after is not None and (d - after).days < gap:
            continue
        if bounds.not_before is not None and d < bounds.not_before:
            continue
        if bounds.not_after is not None and d > bounds.not_after:
            continue
        if why_closed(d) is not None:
            continue
        delays_next = int(next_start is not None and (next_start - d).days < gap)
        # nearest first; then one that keeps the next cycle on time; then the later day
        out.append(((abs(offset), delays_next, -offset), d))
    return [d for _, d in sorted(out)]


def refusals(
    slot: Slot,
    after: date | None,
    after_label: str,
    why_closed: WhyClosed,
    bounds: Bounds = NO_BOUNDS,
) -> list[str]:
    """Why each day of the slot's window was refused, in date order."""
    gap = rules.MIN_DAYS_BETWEEN_DOSES
    reasons: list[str] = []
    for offset in range(-slot.window, slot.window + 1):
        d = slot.nominal + timedelta(days=offset)
        why = why_closed(d)
        if why is not None:
            reasons.append(f"{d.isoformat()} closed ({why})")
        elif after is not None and (d - after).days < gap:
            reasons.append(
                f"{d.isoformat()} is {(d - after).days} days after {after_label} "
                f"({after.isoformat()}), fewer than {gap}"
            )
        elif bounds.not_before is not None and d < bounds.not_before:
            reasons.append(
                f"{d.isoformat()} is before treatment resumes ({bounds.not_before.isoformat()})"
            )
        elif bounds.not_after is not None and d > bounds.not_after:
            reasons.append(
                f"{d.isoformat()} is too late for a dose recorded after it "
                f"(at the latest {bounds.not_after.isoformat()})"
            )
        else:
            reasons.append(f"{d.isoformat()} leaves no room for the next dose of the cycle")
    return reasons


def place_doses(
    slots: Sequence[Slot],
    after: date | None,
    why_closed: WhyClosed,
    next_start: date | None,
    bounds: Bounds = NO_BOUNDS,
) -> list[date] | None:
    """Dates for ``slots`` in order (each the best that lets the rest fit), or ``None``.

    ``after`` is the date of the dose before the first slot; ``next_start`` the
    planned day 1 of the next cycle (a tie goes to the day that does not delay
    it), or ``None`` after the last cycle.
    """
    if not slots:
        return []
    last = len(slots) == 1
    for d in candidates(slots[0], after, why_closed, next_start if last else None, bounds):
        rest = place_doses(slots[1:], d, why_closed, next_start, bounds)
        if rest is not None:
            return [d, *rest]
    return None


def _unplaceable(
    cycle_no: int,
    slots: list[Slot],
    after: date,
    after_label: str,
    why_closed: WhyClosed,
    field: str,
) -> InputError:
    """The error for the first slot that cannot be placed, placing earlier ones greedily."""
    prev, prev_label = after, after_label
    for i, slot in enumerate(slots):
        label = dose_label(cycle_no, slot.day)
        options = candidates(slot, prev, why_closed, None)
        feasible = [
            d for d in options if place_doses(slots[i + 1 :], d, why_closed, None) is not None
        ]
        if not feasible:
            low = slot.nominal - timedelta(days=slot.window)
            high = slot.nominal + timedelta(days=slot.window)
            reasons = "; ".join(refusals(slot, prev, prev_label, why_closed))
            return InputError(
                field,
                f"{label} (due {slot.nominal.isoformat()}) cannot be placed inside its window "
                f"{low.isoformat()} to {high.isoformat()}: {reasons}. Open another day or "
                "plan this dose by hand",
            )
        prev, prev_label = feasible[0], label
    return InputError(field, f"cycle {cycle_no} cannot be placed")  # pragma: no cover


def next_open_day(start: date, why_closed: WhyClosed) -> tuple[date | None, list[str]]:
    """The first open day from ``start`` (``None`` if none within the limit) and the closed
    days skipped on the way."""
    skipped: list[str] = []
    day = start
    while (why := why_closed(day)) is not None:
        skipped.append(f"{day.isoformat()} closed ({why})")
        day += timedelta(days=1)
        if (day - start).days > rules.MAX_DAY1_SHIFT_DAYS:
            return None, skipped
    return day, skipped


def _next_open(
    start: date, why_closed: WhyClosed, label: str, field: str
) -> tuple[date, list[str]]:
    day, skipped = next_open_day(start, why_closed)
    if day is None:
        raise InputError(
            field,
            f"{label} (due {start.isoformat()}): no open day within "
            f"{rules.MAX_DAY1_SHIFT_DAYS} days; check --clinic-days and --holidays",
        )
    return day, skipped


def apply_clinic_days(plan: Plan, why_closed: WhyClosed, field: str = CLINIC_DAYS_FIELD) -> Plan:
    """The plan with every dose on an open day, or :class:`InputError` naming the dose."""
    gap = rules.MIN_DAYS_BETWEEN_DOSES
    cycles: list[Cycle] = []
    extra_notes: list[str] = []
    last_dose: Dose | None = None
    for index, cycle in enumerate(plan.cycles):
        if cycles:
            prev_cycle = cycles[-1]
            due = prev_cycle.start + timedelta(days=prev_cycle.length_days)
        else:
            due = cycle.start
        start = due
        why_start: list[str] = []
        if due != cycle.start:
            carried = (due - cycle.start).days
            why_start.append(
                f"cycle {cycle.number - 1} started {days_text(abs(carried))} "
                f"{'later' if carried > 0 else 'earlier'} and this cycle follows it"
            )
        if last_dose is not None and (start - last_dose.date).days < gap:
            start = last_dose.date + timedelta(days=gap)
            why_start.append(
                f"kept {gap} days after {last_dose.label} ({last_dose.date.isoformat()})"
            )
        label1 = dose_label(cycle.number, 1)
        opened, skipped = _next_open(start, why_closed, label1, field)
        if skipped:
            why_start.append("; ".join(skipped) + ": moved to the next open day")
        start = opened
        if cycles and start != due:
            prev_cycle = cycles[-1]
            new_length = (start - prev_cycle.start).days
            cycles[-1] = prev_cycle._replace(length_days=new_length)
            extra_notes.append(
                f"cycle {prev_cycle.number} lasts {new_length} days instead of "
                f"{prev_cycle.length_days}: cycle {cycle.number} starts "
                f"{days_text((start - due).days)} later (see {label1})"
            )

        shift = (start - cycle.start).days
        next_start: date | None = None
        if index + 1 < len(plan.cycles):
            next_start = start + timedelta(days=cycle.length_days)
        slots = [
            Slot(d.day, start + timedelta(days=d.day - 1), rules.DOSE_WINDOW_DAYS[d.day])
            for d in cycle.doses[1:]
        ]
        day1 = cycle.doses[0]
        if day1.day != 1:  # pragma: no cover - the planner always starts with day 1
            raise ValueError("a cycle must start with its day 1 dose")
        placed = place_doses(slots, start, why_closed, next_start)
        if placed is None:
            raise _unplaceable(cycle.number, slots, start, label1, why_closed, field)

        doses: list[Dose] = []
        day1_note = None
        if start != day1.date:
            day1_note = (
                f"moved {shift_text(day1.date, start)}: "
                + "; ".join(why_start)
                + "; the cycle moves with it"
            )
        doses.append(_moved(day1, start, day1_note))
        prev = doses[0]
        for slot, d, dose in zip(slots, placed, cycle.doses[1:], strict=True):
            note = None
            if d != dose.date:
                parts: list[str] = []
                if shift:
                    later = "later" if shift > 0 else "earlier"
                    parts.append(f"cycle {cycle.number} starts {days_text(abs(shift))} {later}")
                if d != slot.nominal:
                    why = why_closed(slot.nominal)
                    if why is not None:
                        cause = f"{slot.nominal.isoformat()} closed ({why})"
                    elif (slot.nominal - prev.date).days < gap:
                        cause = (
                            f"{slot.nominal.isoformat()} is fewer than {gap} days after "
                            f"{prev.label} ({prev.date.isoformat()})"
                        )
                    else:
                        cause = (
                            f"{slot.nominal.isoformat()} leaves fewer than {gap} days "
                            "to the next dose"
                        )
                    parts.append(f"{cause}; nearest open day within +/-{slot.window} days")
                note = f"moved {shift_text(dose.date, d)}: " + "; ".join(parts)
            prev = _moved(dose, d, note)
            doses.append(prev)
        last_dose = doses[-1]
        cycles.append(cycle._replace(start=start, doses=tuple(doses)))

    return plan._replace(cycles=tuple(cycles), notes=(*plan.notes, *extra_notes))


def _moved(dose: Dose, new: date, note: str | None) -> Dose:
    if note is None:
        return dose
    planned = dose.planned_date if dose.planned_date is not None else dose.date
    return dose._replace(date=new, planned_date=planned, notes=(*dose.notes, note))


def check_clinic_days(plan: Plan, why_closed: WhyClosed) -> list[str]:
    """Every way the plan breaks the clinic-day rules (empty when it keeps them all)."""
    problems: list[str] = []
    gap = rules.MIN_DAYS_BETWEEN_DOSES
    doses = plan.doses
    for c in plan.cycles:
        for d in c.doses:
            due = c.start + timedelta(days=d.day - 1)
            window = rules.DOSE_WINDOW_DAYS[d.day]
            if abs((d.date - due).days) > window:
                problems.append(f"{d.label} on {d.date} is outside {due} +/- {window}")
            if why_closed(d.date) is not None:
                problems.append(f"{d.label} on closed day {d.date}")
    for x, y in itertools.pairwise(doses):
        if (y.date - x.date).days < gap:
            problems.append(f"{x.label} {x.date} and {y.label} {y.date} closer than {gap} days")
    for c1, c2 in itertools.pairwise(plan.cycles):
        if c1.start + timedelta(days=c1.length_days) != c2.start:
            problems.append(f"cycle {c2.number} does not start the day after cycle {c1.number}")
    return problems
