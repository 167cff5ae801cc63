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

The walk itself is a few small steps, each in its own module:
:mod:`~inoplan.domain.replan.course` (the state and what it answers),
:mod:`~inoplan.domain.replan.cycle` (one cycle and its day 1),
:mod:`~inoplan.domain.replan.later_dose` (days 8 and 15),
:mod:`~inoplan.domain.replan.interruption` (the interruption table applied),
:mod:`~inoplan.domain.replan.placement` (clinic days) and
:mod:`~inoplan.domain.replan.finish` (the whole course, assembled).
"""

from __future__ import annotations

from collections.abc import Sequence

from inoplan.domain import rules
from inoplan.domain.clinic import calendar_for, flag_closed_days, plan_course
from inoplan.domain.errors import InputError
from inoplan.domain.plan import Dose, Plan, PlanRequest
from inoplan.domain.replan.course import Course
from inoplan.domain.replan.events import Event
from inoplan.domain.replan.finish import walk


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
        return flag_closed_days(plain._replace(warnings=(*plain.warnings, warning)))


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
        return d._replace(sequence=old.sequence + (1 if changed else 0))

    cycles = tuple(c._replace(doses=tuple(bump(d) for d in c.doses)) for c in plan.cycles)
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
                f"{rules.TWO_DOSES_TEXT} (days {days}, the clinician's choice) after a further "
                f"interruption of {rules.LONG_INTERRUPTION_TEXT}: day {d.day} is no longer given"
            )
        return f"the plan now has {len(plan.cycles)} cycles ({plan.limit.reason})"

    for d in (*previous.doses, *previous.omitted):
        if (d.cycle, d.day) in now:
            continue
        if d.status == "omitted":
            omitted.append(d)
        else:
            omitted.append(
                d._replace(
                    status="omitted",
                    notes=(*d.notes, f"cancelled: {why(d)}"),
                    sequence=d.sequence + 1,
                )
            )
    omitted.sort(key=lambda d: (d.date, d.cycle, d.day))
    return plan._replace(cycles=cycles, omitted=tuple(omitted))


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
