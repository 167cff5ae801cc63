"""Clinic days in a re-plan: doses still to give move off closed days as ``inoplan schedule`` does.

The same placement functions of :mod:`inoplan.domain.clinic`, with the bounds
a re-plan adds: never so late that a dose recorded later becomes invalid.
"""

from __future__ import annotations

from datetime import date, timedelta

from inoplan.domain import rules
from inoplan.domain.clinic import (
    Bounds,
    Slot,
    candidates,
    next_open_day,
    place_doses,
    refusals,
    shift_text,
)
from inoplan.domain.plan import Dose, dose_label
from inoplan.domain.replan.course import DAY, MIN_GAP, Course
from inoplan.domain.replan.event_values import DoseRef
from inoplan.domain.replan.events import Moved
from inoplan.domain.units import iso

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
            f"left on a closed day, {iso(start)} ({why_closed(start)}): no open day within "
            f"{rules.MAX_DAY1_SHIFT_DAYS} days; arrange it by hand"
        )
        return start
    if latest is not None and opened > latest:
        notes.append(
            f"left on a closed day, {iso(start)} ({why_closed(start)}): the next open day, "
            f"{iso(opened)}, is too late for a dose recorded after it (at the latest "
            f"{iso(latest)}); arrange it by hand"
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
                reasons = f"the delay puts it after the window, on {iso(when)}"
            notes.append(
                f"left on a closed day, {iso(when)} ({closed}): no open day inside its window "
                f"{iso(lo)} to {iso(hi)} ({reasons}); arrange it by hand"
            )
        return when
    if new != when:
        if closed is not None:
            cause = f"{iso(when)} closed ({closed})"
        else:
            nxt = dose_label(ref.cycle, rest[0].day) if rest else "the next dose"
            cause = f"{iso(when)} leaves no open day for {nxt} {rules.MIN_GAP_TEXT} later"
        notes.append(
            f"moved {shift_text(when, new)}: {cause}; nearest open day within "
            f"+/-{window} days of {iso(slot.nominal)}"
        )
    return new


# --- moves recorded by inoplan balance -------------------------------------------------------


def moved_to(
    c: Course, ev: Moved, lo: date, hi: date, prev: Dose | None, notes: list[str]
) -> date | None:
    """The date of a recorded move, or ``None`` (and a warning) when it no longer fits."""
    day = ev.date
    why = None
    latest = latest_move(c, ev.dose)
    disc = c.idx.discontinue
    closed = c.why_closed(day) if c.why_closed is not None else None
    if not lo <= day <= hi:
        why = f"its window is now {iso(lo)} to {iso(hi)}"
    elif prev is not None and day < prev.date + MIN_GAP:
        gap = rules.MIN_DAYS_BETWEEN_DOSES
        why = f"it is less than {gap} days after {prev.label} ({iso(prev.date)})"
    elif c.blocked_until is not None and day < c.blocked_until:
        why = f"it falls inside the interruption (until {iso(c.blocked_until)})"
    elif closed is not None:
        why = f"the day is closed ({closed})"
    elif latest is not None and day > latest:
        why = f"a dose recorded after it needs {rules.MIN_GAP_TEXT}"
    elif disc is not None and day >= disc.date:
        why = f"treatment was discontinued on {iso(disc.date)}"
    if why is None:
        notes.clear()  # where the rules alone would have put it no longer matters
        notes.append(f"moved to {iso(day)} ({ev.reason or 'recorded move'})")
        return day
    c.warnings.append(
        f"{ev.dose.label}: the move to {iso(day)} ({ev.source}) no longer fits: {why}; "
        "planned where the rules place it instead: rebook the appointment"
    )
    return None
