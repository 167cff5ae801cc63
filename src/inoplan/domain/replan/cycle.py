"""One re-planned cycle: when its day 1 falls, whether the course goes on, and its doses."""

from __future__ import annotations

from datetime import date

from inoplan.domain import rules
from inoplan.domain.errors import InputError
from inoplan.domain.plan import Dose, cycle_limit, regimen_for
from inoplan.domain.replan.course import (
    MIN_GAP,
    Course,
    Modification,
    apply_status_until,
    check_not_after_stop,
    make_dose,
    mg_per_m2_for,
    modification_at,
    next_assessment,
    previous_dose,
    stop_course,
)
from inoplan.domain.replan.event_values import DoseRef
from inoplan.domain.replan.interruption import apply_interruption
from inoplan.domain.replan.later_dose import later_dose
from inoplan.domain.replan.placement import open_day1
from inoplan.domain.rules import Regimen, Response
from inoplan.domain.units import days_text, fmt_decimal, iso

#: The dose days as messages list them: ``1, 8, 15``.
_DAYS = ", ".join(str(d) for d in rules.DOSE_DAYS)


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
            f"cycle {n} starts {iso(start)}, {rules.MIN_GAP_TEXT} after {prev.label} "
            f"({iso(prev.date)})"
        )
    if c.blocked_until is not None and start < c.blocked_until:
        start = c.blocked_until
        day1_notes.append(f"cycle {n} waits for the end of the interruption ({iso(start)})")
    apply_status_until(c, start)
    if n >= 2 and c.response is Response.PENDING:
        nxt = next_assessment(c)
        if nxt is not None:
            start = nxt.date
            day1_notes.append(f"cycle {n} waits for the response assessment on {iso(nxt.date)}")
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
            day1_notes.append(f"cycle {n} delayed to {iso(start)}")
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
        stop_course(c, f"permanently discontinued on {iso(disc.date)}: {disc.reason}")
        return False
    mod = modification_at(c, n)
    if mod is not None and mod.level >= 3:
        stop_course(
            c,
            f"permanently discontinued from cycle {n}: {mod.because} after the "
            f"{rules.REDUCTION_TEXT} reduction "
            f"and {rules.TWO_DOSES_TEXT} (label: discontinue when that is not tolerated; "
            f"{rules.VERIFY_NOTE})",
        )
        c.warnings.append(c.stopped or "")
        return False
    if mod is not None and mod.level == 2 and c.idx.two_days is None:
        raise InputError(
            "--two-dose-days",
            f"{mod.because}: a second interruption of {rules.LONG_INTERRUPTION_TEXT} after the "
            f"{rules.REDUCTION_TEXT} reduction means {rules.TWO_DOSES_TEXT} from cycle {n}; which "
            f"{rules.TWO_DOSES_PER_CYCLE} of days {_DAYS} is the "
            "clinician's choice: give it, e.g. --two-dose-days 1,8",
        )
    if given is not None:
        check_not_after_stop(c, given, given.date)
        if given.date < start:
            raise InputError(
                given.source,
                f"day 1 has no window: {ref.label} is due {iso(start)}, not earlier",
            )
        c.used.add(id(given))
        if given.date > start:
            late = (given.date - start).days
            day1_notes.append(
                f"given {iso(given.date)}, {days_text(late)} after it was due: "
                f"cycle {n} moves with it"
            )
            if late > rules.LATE_CYCLE_DAYS:
                c.warnings.append(
                    f"{ref.label} given {days_text(late)} late: {rules.LATE_CYCLE_NOTE}"
                )
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
            f"cycle {n}: {rules.TWO_DOSES_TEXT} (days {kept}, the clinician's choice; "
            f"{mod.because})"
        )
    c.cycles.append((n, start, length, regimen, cycle_doses))
    return c.stopped is None


def check_reescalation(c: Course, n: int, regimen: Regimen, mod: Modification | None) -> None:
    day1 = regimen.mg_per_m2[1]
    if mod is not None and c.reg_day1 is not None and day1 > c.reg_day1:
        c.warnings.append(
            f"cycle {n}: day 1 rises to {fmt_decimal(day1)} mg/m2 before reduction because the "
            f"response is now {c.response.value}; the {rules.REDUCTION_TEXT} reduction is kept; "
            "confirm "
            "with the clinician"
        )
    if n >= 2:
        c.reg_day1 = day1
