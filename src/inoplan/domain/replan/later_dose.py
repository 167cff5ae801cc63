"""Day 8 or 15 of a re-planned cycle: its window, interruptions, holds and the dose given."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from inoplan.domain import rules
from inoplan.domain.errors import InputError
from inoplan.domain.plan import Dose
from inoplan.domain.replan.course import (
    MIN_GAP,
    Course,
    check_not_after_stop,
    make_dose,
    previous_dose,
    reason_text,
    stop_course,
)
from inoplan.domain.replan.event_values import DoseRef, is_low_count
from inoplan.domain.replan.events import describe
from inoplan.domain.replan.interruption import apply_interruption
from inoplan.domain.replan.placement import moved_to, open_later
from inoplan.domain.units import days_text, iso


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
        notes.append(f"moved to keep {rules.MIN_GAP_TEXT} after {prev.label} ({iso(prev.date)})")
    if c.blocked_until is not None and when < c.blocked_until:
        if c.blocked_until <= hi:
            when = c.blocked_until
            notes.append(
                f"moved to {iso(when)}, the end of the interruption (window {iso(lo)} to {iso(hi)})"
            )
        else:
            by = describe(c.blocked_by) if c.blocked_by else "interruption"
            omit = (
                f"omitted: due inside the interruption ({by}), which ends after its "
                f"window ({iso(lo)} to {iso(hi)})"
            )
    # A move recorded by inoplan balance dates a dose still to give, where it fits.
    moved = None
    if omit is None and ref not in c.idx.given and ref in c.idx.moved:
        moved = moved_to(c, c.idx.moved[ref], lo, hi, prev, notes)
        when = moved or when
    # A dose still to give moves off a closed day (as inoplan schedule does) before
    # anything is dated from it: an interruption starts the day it is due.
    place = (
        omit is None and c.why_closed is not None and ref not in c.idx.given and moved is None
    )
    if place:
        when = open_later(c, ref, start, when, prev, notes)
    disc = c.idx.discontinue
    recorded = ref in c.idx.given or ref in c.idx.held or ref in c.idx.interrupt
    if disc is not None and when >= disc.date and not recorded:
        stop_course(c, f"permanently discontinued on {iso(disc.date)}: {disc.reason}")
        return None
    interrupt = c.idx.interrupt.get(ref)
    if interrupt is not None and omit is None:
        _, resume, inotes = apply_interruption(c, interrupt, when, ref)
        notes.extend(inotes)
        if interrupt.days >= rules.OMIT_NEXT_MIN_DAYS:
            omit = f"omitted after a {interrupt.days}-day interruption"
        elif resume > when:
            notes.append(f"delayed from {iso(when)} to {iso(resume)}")
            when = resume
            if place:
                when = open_later(c, ref, start, when, prev, notes)
    held = c.idx.held.get(ref)
    if held is not None:
        if omit is not None:
            raise InputError(held.source, f"{ref.label} is already omitted ({omit})")
        check_not_after_stop(c, held, when)
        c.used.add(id(held))
        omit = f"held: {reason_text(held)}"
        if is_low_count(held.reason, held.category):
            c.warnings.append(
                f"{ref.label} held for a low count ({reason_text(held)}): planned as "
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
            window = rules.DOSE_WINDOW_DAYS[ref.day]
            why = [f"its window is {iso(lo)} to {iso(hi)} (day {ref.day} +/- {window} days)"]
            if prev is not None and given.date < prev.date + MIN_GAP:
                gap = (given.date - prev.date).days
                why = [
                    f"that is before {prev.label} ({iso(prev.date)})"
                    if gap <= 0
                    else f"it would be {days_text(gap)} after {prev.label} ({iso(prev.date)}); "
                    f"at least {rules.MIN_DAYS_BETWEEN_DOSES} are needed"
                ]
            elif c.blocked_until is not None and given.date < c.blocked_until:
                why = [f"it falls inside the interruption (until {iso(c.blocked_until)})"]
            raise InputError(
                given.source, f"{ref.label} cannot be given on {iso(given.date)}: {why[0]}"
            )
        c.used.add(id(given))
        if given.date != when:
            notes.append(f"given {iso(given.date)}")
        when = given.date
        status = "given"
    if disc is not None and when >= disc.date and status != "given":
        stop_course(c, f"permanently discontinued on {iso(disc.date)}: {disc.reason}")
        return None
    if when > hi and omit is None:
        notes.append(
            f"outside its window ({iso(lo)} to {iso(hi)}) because of the delay: check with the "
            "clinician"
        )
        c.warnings.append(
            f"{ref.label} on {iso(when)} is outside its window, {iso(lo)} to {iso(hi)} (day "
            f"{ref.day} +/- {rules.DOSE_WINDOW_DAYS[ref.day]} days, label): check with the "
            "clinician"
        )
    if mod_note and omit is None:
        notes.append(mod_note)
    base = c.base_dates.get((ref.cycle, ref.day))
    if not notes and base is not None and base != when and when == nominal:
        notes.append(f"moves with cycle {ref.cycle} (day 1 on {iso(start)})")
    if omit is not None:
        dose = make_dose(c, ref, when, mg_m2, [omit, *notes], "omitted")
        c.omitted.append(dose)
        return dose
    dose = make_dose(c, ref, when, mg_m2, notes, status)
    c.doses.append(dose)
    return dose
