"""The whole walk: every cycle in turn, the events left unused, and the plan assembled."""

from __future__ import annotations

from datetime import timedelta

from inoplan.domain import rules
from inoplan.domain.errors import InputError
from inoplan.domain.plan import Cycle, Plan, course_warnings, effective_hsct, mrd_warnings
from inoplan.domain.replan.course import Course
from inoplan.domain.replan.cycle import build_cycle
from inoplan.domain.replan.events import Given, Held, Interruption, describe, event_to_record
from inoplan.domain.units import iso

# --- the course -----------------------------------------------------------------------


#: Cycle 1 lasts 21 days, and may be extended up to 28.
_FIRST = rules.FIRST_CYCLE_LENGTHS


def walk(c: Course) -> Plan:
    disc = c.idx.discontinue
    if disc is not None and disc.date <= c.request.start:
        raise InputError(
            disc.source,
            f"{iso(disc.date)} is on or before the first dose ({iso(c.request.start)}); "
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
            reason = f"cycle {n + 1} follows cycle {n}, which moved (day 1 on {iso(start)})"
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
                f"{ref.label} is not given in this plan ({rules.TWO_DOSES_TEXT} from cycle "
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
                st.source, f"{iso(st.date)} is before the plan starts ({iso(c.request.start)})"
            )
        if disc is not None and st.date > disc.date:
            raise InputError(
                st.source,
                f"{iso(st.date)} is after the permanent discontinuation on {iso(disc.date)} "
                f"({disc.source})",
            )
        if last_end is not None and st.date > last_end and disc is None:
            raise InputError(
                st.source,
                f"{iso(st.date)} is after the end of the plan ({iso(last_end)}); "
                "it changes no cycle",
            )
    if c.idx.two_days is not None and not any(m.level >= 2 for m in c.mods):
        c.notes.append(
            f"{describe(c.idx.two_days)} is recorded but not used: no second interruption "
            f"of {rules.LONG_INTERRUPTION_TEXT}"
        )
    if c.idx.reduced is not None and not c.mods:
        c.notes.append(
            f"{describe(c.idx.reduced)} is recorded but not used: no interruption of "
            f"{rules.LONG_INTERRUPTION_TEXT}"
        )


def assemble(c: Course) -> Plan:
    cycles: list[Cycle] = []
    for i, (n, start, length, regimen, doses) in enumerate(c.cycles):
        if i + 1 < len(c.cycles):
            gap = (c.cycles[i + 1][1] - start).days
            if gap != length:
                c.notes.append(
                    f"cycle {n} lasts {gap} days (planned {length}): cycle {n + 1} starts "
                    f"{iso(c.cycles[i + 1][1])}"
                )
                if n == 1 and gap > rules.FIRST_CYCLE_MAX_DAYS:
                    c.warnings.append(
                        f"cycle 1 lasts {gap} days: longer than the "
                        f"{rules.FIRST_CYCLE_MAX_DAYS} days the label allows ({_FIRST[0]}, may be "
                        f"extended up to {_FIRST[1]}); check with the clinician"
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
        if disc is not None and (disc.category == "hepatic" or is_liver(disc.reason)):
            c.notes.insert(1, f"Label: {rules.VOD_RULE}")
    elif c.idx.discontinue is not None:
        disc = c.idx.discontinue
        c.notes.insert(
            0,
            f"permanently discontinued on {iso(disc.date)} ({disc.reason}), after the last "
            "planned dose",
        )
    if c.request.cycles is not None and c.request.cycles > limit.cycles:
        c.notes.append(
            f"{c.request.cycles} cycles were requested (--cycles); the limit is now {limit.cycles}"
        )
    if limit.note and limit.note not in c.notes:
        c.notes.append(limit.note)
    records = tuple(tuple(event_to_record(e).items()) for e in c.events)
    hsct = effective_hsct(c.base._replace(events=records))
    warnings = [*c.warnings, *course_warnings(hsct, len(cycles)), *mrd_warnings(hsct, c.mrd)]
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


def is_liver(reason: str) -> bool:
    words = reason.lower()
    return any(w in words for w in ("vod", "sos", "veno-occlusive", "sinusoidal", "liver", "hepat"))
