"""An interruption for toxicity: checked, and its effects recorded (spec section 6).

The interruption table is data in :mod:`inoplan.domain.rules`; this module
applies its rows to the course: delay, omit, the >= 14-day modification steps,
and the > 28-day warning.
"""

from __future__ import annotations

from datetime import date, timedelta

from inoplan.domain import rules
from inoplan.domain.errors import InputError
from inoplan.domain.replan.course import (
    Course,
    Modification,
    check_not_after_stop,
    modification_at,
    previous_dose,
    reason_text,
)
from inoplan.domain.replan.event_values import DoseRef, is_low_count
from inoplan.domain.replan.events import Interruption
from inoplan.domain.units import iso


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
            f"starts {iso(start)}, not after the previous dose {prev.label} ({iso(prev.date)})",
        )
    if start > due:
        raise InputError(
            ev.source,
            f"starts {iso(start)}, after {ref.label} was due ({iso(due)}); an interruption "
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
            c.mods.append(Modification(target, min(level, 3), because))
            acted.append(modification_text(min(level, 3), target))
        else:
            acted.append(r.short)
    notes = [
        f"{ev.days}-day interruption for toxicity from {iso(start)}{why}, resumes "
        f"{iso(resume)}: {'; '.join(acted)} ({rules.VERIFY_NOTE})"
    ]
    if any(r.action == "consider_discontinuation" for r in hits):
        c.warnings.append(
            f"{ref.label}: interruption of {ev.days} days ({rules.VERY_LONG_INTERRUPTION_TEXT}): "
            "consider permanent "
            f"discontinuation; the clinician decides (record it with --discontinue) "
            f"({rules.VERIFY_NOTE})"
        )
    if ref.day != 1 and is_low_count(ev.reason, ev.category):
        c.warnings.append(
            f"{ref.label} interrupted for a low count ({reason_text(ev)}): planned as "
            f"recorded; {rules.LOW_COUNT_DAYS_8_15}"
        )
    c.blocked_until = resume
    c.blocked_by = ev
    return start, resume, notes


def modification_text(level: int, cycle: int) -> str:
    """The step of the >= 14-day rule that acted (spec section 6)."""
    if level == 1:
        return f"reduce the total dose of cycle {cycle} by {rules.REDUCTION_TEXT}"
    if level == 2:
        return (
            f"{rules.TWO_DOSES_TEXT} from cycle {cycle} (a further modification after the "
            f"{rules.REDUCTION_TEXT} reduction)"
        )
    return (
        f"discontinue permanently from cycle {cycle} (the {rules.REDUCTION_TEXT} reduction and "
        f"{rules.TWO_DOSES_TEXT} were not tolerated)"
    )
