"""The planner: a course of treatment cycles from a request, as frozen data.

Pure functions, no I/O. :func:`make_plan` applies the rules of
:mod:`inoplan.domain.rules` (spec sections 2-5 and 9) to a :class:`PlanRequest` and
returns a :class:`Plan`, which every renderer and exporter reads.
"""

from __future__ import annotations

import datetime
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from inoplan.domain import rules
from inoplan.domain.bsa import Bsa, round_half_up
from inoplan.domain.errors import InputError
from inoplan.domain.rules import Mrd, Regimen, Reminder, Response


class PlanRequest(NamedTuple):
    """What the clinician asks for. ``cycles=None`` plans up to the limit."""

    start: date
    bsa: Bsa
    response: Response = Response.PENDING
    hsct: bool = False
    mrd: Mrd = Mrd.UNKNOWN
    cycles: int | None = None
    first_cycle_days: int = 21
    patient_id: str | None = None
    blasts_per_mm3: int | None = None
    #: Weekdays the clinic gives infusions (Monday = 0); ``None``: every day.
    #: Applied by :func:`inoplan.domain.clinic.plan_course`, not by :func:`make_plan`.
    clinic_days: frozenset[int] | None = None
    #: Public holidays the clinic is closed on: ``COUNTRY`` or ``COUNTRY-SUBDIV``.
    holidays: str | None = None
    #: The inputs as the user gave them (canonical name, text), for provenance.
    inputs: tuple[tuple[str, str], ...] = ()


#: Weekdays as every message, view and file writes them: English, whatever the
#: locale (``%a`` and ``%A`` follow the locale a host program may set), and
#: without a call to ``strftime`` for each dose.
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def weekday(day: datetime.date, full: bool = False) -> str:
    """``Tue`` (or, ``full``, ``Tuesday``) for ``day``."""
    name = WEEKDAYS[day.weekday()]
    return name if full else name[:3]


def dose_label(cycle: int, day: int) -> str:
    """A dose as every message and file names it: ``C2D8`` (cycle 2, day 8)."""
    return f"C{cycle}D{day}"


class Dose(NamedTuple):
    """One infusion. ``mg`` is ``mg_per_m2`` x the plan's BSA, half-up to 0.01 mg."""

    cycle: int
    day: int
    date: date
    mg_per_m2: Decimal
    mg: Decimal
    #: Why this dose differs from the plain regimen (a move, a reduction), for display.
    notes: tuple[str, ...] = ()
    #: The date the regimen gave before a move (clinic day, delay); ``None`` if not moved.
    planned_date: datetime.date | None = None
    #: Raised each time a re-plan changes this dose, so calendars update the event.
    sequence: int = 0
    #: ``planned``; ``given`` once recorded as given; ``omitted`` (in :attr:`Plan.omitted`).
    status: str = "planned"
    #: The BSA this dose is computed from when a new weight changed it (``inoplan
    #: replan --measured``); ``None``: the plan's own BSA.
    bsa_m2: Decimal | None = None

    @property
    def label(self) -> str:
        """``C2D8`` style."""
        return dose_label(self.cycle, self.day)


class Cycle(NamedTuple):
    """One cycle: its day 1, its length and its doses."""

    number: int
    start: date
    length_days: int
    regimen: Regimen
    doses: tuple[Dose, ...]

    @property
    def end(self) -> date:
        """The last day of the cycle (day ``length_days``)."""
        return self.start + timedelta(days=self.length_days - 1)

    @property
    def total_mg_per_m2(self) -> Decimal:
        return sum((d.mg_per_m2 for d in self.doses), Decimal(0))

    @property
    def total_mg(self) -> Decimal:
        return sum((d.mg for d in self.doses), Decimal(0))


class CycleLimit(NamedTuple):
    """How many cycles the plan has, how many may be asked for, and why (spec section 4).

    ``cycles`` is what is planned (the request's ``--cycles`` included, when the
    rules allow it); ``most`` the most ``--cycles`` may ask for. They differ with
    HSCT intent: 2 cycles are planned and a third only when asked for. Made by
    :func:`cycle_limit`.
    """

    cycles: int
    reason: str
    note: str | None
    most: int


class FollowUp(NamedTuple):
    """Dates that follow from the last dose (spec section 9)."""

    contraception_female_until: date
    contraception_male_until: date
    no_breastfeeding_until: date


class Plan(NamedTuple):
    """A planned course."""

    request: PlanRequest
    limit: CycleLimit
    cycles: tuple[Cycle, ...]
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    reminders: tuple[Reminder, ...] = ()
    #: Doses of the regimen that will not be given (held, omitted by a rule), with why.
    omitted: tuple[Dose, ...] = ()
    #: What happened, as saved records (``inoplan replan``); ``()`` for a fresh plan.
    events: tuple[tuple[tuple[str, str], ...], ...] = ()
    #: 0 for a fresh plan, raised by one on each ``inoplan replan``.
    revision: int = 0

    @property
    def bsa(self) -> Bsa:
        return self.request.bsa

    @property
    def doses(self) -> tuple[Dose, ...]:
        return tuple(d for c in self.cycles for d in c.doses)

    def bsa_for(self, dose: Dose) -> Decimal:
        """The BSA in m2 that ``dose`` is computed from (a re-measured weight may change it)."""
        return self.bsa.m2 if dose.bsa_m2 is None else dose.bsa_m2

    @property
    def cumulative_mg_per_m2(self) -> Decimal:
        return sum((c.total_mg_per_m2 for c in self.cycles), Decimal(0))

    @property
    def cumulative_mg(self) -> Decimal:
        return sum((c.total_mg for c in self.cycles), Decimal(0))

    @property
    def first_dose(self) -> date:
        return self.doses[0].date

    @property
    def last_dose(self) -> date:
        return self.doses[-1].date

    @property
    def followup(self) -> FollowUp:
        return followup_dates(self.last_dose)


def status_text(plan: Plan) -> str:
    """The response (with HSCT intent and MRD) that the plan's later cycles follow.

    A re-plan's recorded assessments and HSCT decisions, in date order, update
    the status the plan was first made with; the words say so, so a summary
    never shows "pending" above cycles planned for a complete remission.
    """
    req = plan.request
    response, hsct, mrd = req.response.value, req.hsct, req.mrd.value
    changes: list[str] = []
    for record in sorted((dict(r) for r in plan.events), key=lambda r: r.get("date", "")):
        kind = record.get("event")
        if kind == "assessment":
            response = record.get("response") or response
            mrd = record.get("mrd") or mrd
            changes.append(f"assessed {record.get('date')}")
        elif kind == "hsct":
            hsct = record.get("decision") == "yes"
            changes.append(f"HSCT decided {record.get('date')}")
    text = response + (f", proceeding to HSCT, MRD {mrd}" if hsct else "")
    if changes:
        text += f" ({'; '.join(changes)}; first planned as {req.response.value})"
    return text


def followup_dates(last_dose: date) -> FollowUp:
    """Contraception and breastfeeding end dates: calendar months after the last dose."""
    return FollowUp(
        contraception_female_until=add_months(last_dose, rules.CONTRACEPTION_FEMALE_MONTHS),
        contraception_male_until=add_months(last_dose, rules.CONTRACEPTION_MALE_MONTHS),
        no_breastfeeding_until=add_months(last_dose, rules.NO_BREASTFEEDING_MONTHS),
    )


def add_months(day: date, months: int) -> date:
    """``day`` plus calendar ``months``; a day the month lacks becomes its last day.

    2026-12-31 + 2 months is 2027-02-28, as with dateutil's
    ``relativedelta(months=...)`` (importing dateutil costs some 3 ms at
    each start; tests/test_startup_imports.py compares the two).
    """
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    return date(year, month, min(day.day, (first_of_next - timedelta(days=1)).day))


def cycle_limit(
    response: Response, hsct: bool, mrd: Mrd, requested: int | None = None
) -> CycleLimit:
    """The cycles planned for this response, HSCT intent and MRD status, and why.

    ``requested`` is ``--cycles``: with HSCT intent it is how a third cycle is
    asked for (spec section 4) [inoplan, revised]: 2 cycles by default; a third
    only when asked for and the patient has not reached CR/CRi with MRD
    negativity.
    """
    third = requested is not None and requested >= rules.HSCT_CYCLES_EXTENDED
    mrd_negative_cr = response.is_remission and mrd is Mrd.NEGATIVE
    if response is Response.PENDING:
        if hsct:
            # The third cycle may be asked for now: it is planned once the response is
            # assessed, unless CR/CRi with MRD negativity is reached (inoplan replan).
            return _limit(
                1,
                "response pending: only cycle 1 is planned; the regimen and number of later "
                f"cycles depend on the response assessment; proceeding to HSCT: "
                f"{rules.HSCT_REASON}, {rules.HSCT_THIRD_ALLOWED}",
                "a third cycle was asked for (--cycles): it is planned after the assessment "
                "unless CR/CRi with MRD negativity is reached"
                if third
                else None,
                most=rules.HSCT_CYCLES_EXTENDED,
            )
        return _limit(
            1,
            "response pending: only cycle 1 is planned; the regimen and number of later "
            "cycles depend on the response assessment",
        )
    if hsct:
        if mrd_negative_cr:
            return _limit(
                rules.HSCT_CYCLES,
                f"proceeding to HSCT with CR/CRi and MRD negative: {rules.HSCT_REASON}; "
                f"{rules.HSCT_THIRD_REFUSED}",
            )
        status = "without CR/CRi" if not response.is_remission else f"with CR/CRi, MRD {mrd.value}"
        reason = f"proceeding to HSCT {status}: {rules.HSCT_REASON}, {rules.HSCT_THIRD_ALLOWED}"
        if third:
            return _limit(
                rules.HSCT_CYCLES_EXTENDED,
                f"{reason}: a third is planned as asked (--cycles)",
                most=rules.HSCT_CYCLES_EXTENDED,
            )
        return _limit(
            rules.HSCT_CYCLES,
            f"{reason}: ask for it with --cycles {rules.HSCT_CYCLES_EXTENDED}",
            most=rules.HSCT_CYCLES_EXTENDED,
        )
    if not response.is_remission:
        return _limit(
            rules.MAX_CYCLES_WITHOUT_CR,
            "without CR/CRi: patients who do not achieve CR/CRi within 3 cycles should "
            "discontinue treatment",
        )
    return _limit(rules.MAX_CYCLES, "not proceeding to HSCT: up to 6 cycles")


def _limit(cycles: int, reason: str, note: str | None = None, most: int = 0) -> CycleLimit:
    return CycleLimit(cycles, reason, note, max(most, cycles))


def effective_hsct(plan: Plan) -> bool:
    """Whether the plan proceeds to HSCT: the request, then its HSCT decisions in date order."""
    hsct = plan.request.hsct
    decisions = sorted(
        (dict(r) for r in plan.events if dict(r).get("event") == "hsct"),
        key=lambda r: r.get("date", ""),
    )
    for record in decisions:
        hsct = record.get("decision") == "yes"
    return hsct


def boxed_warning(plan: Plan) -> tuple[Reminder, ...]:
    """The boxed warning (spec 4a) with the points that concern this plan.

    Every plan carries :data:`rules.BOXED_WARNING`; a plan proceeding to HSCT
    adds :data:`rules.BOXED_WARNING_HSCT`, a plan of 3 or more cycles
    :data:`rules.BOXED_WARNING_CYCLES`.
    """
    return (*rules.BOXED_WARNING, *course_points(effective_hsct(plan), len(plan.cycles)))


def course_points(hsct: bool, cycles: int) -> tuple[Reminder, ...]:
    """The boxed-warning points specific to HSCT intent and to a plan of 3+ cycles."""
    out: list[Reminder] = []
    if hsct:
        out.append(rules.BOXED_WARNING_HSCT)
    if cycles >= rules.MANY_CYCLES:
        point = rules.BOXED_WARNING_CYCLES
        out.append(point._replace(text=point.text.format(cycles=cycles)))
    return tuple(out)


def course_warnings(hsct: bool, cycles: int) -> list[str]:
    """The plan-specific boxed-warning points that are also warnings.

    With HSCT intent both are (spec 4a: "the plan's warnings name the
    HSCT-specific points"; spec 4: a planned third cycle "prints the VOD warning
    about more cycles"). Without HSCT, 3 to 6 cycles are the label's standard
    course: the number of cycles is named in the boxed warning of the plan, not
    repeated as a warning on every standard plan [inoplan].
    """
    return [p.text for p in course_points(hsct, cycles)] if hsct else []


#: MRD status given without HSCT intent (spec section 4: it decides the cycles only
#: with HSCT). A WARNING, not a note [inoplan]: the user may have meant --hsct.
MRD_WITHOUT_HSCT = (
    "MRD {mrd} is recorded but does not change this plan: MRD status counts only "
    "when proceeding to HSCT (--hsct); add --hsct if the patient is going to transplant"
)


def mrd_warnings(hsct: bool, mrd: Mrd) -> list[str]:
    """The warning that an MRD status changes nothing without HSCT intent, when it applies."""
    if hsct or mrd is Mrd.UNKNOWN:
        return []
    return [MRD_WITHOUT_HSCT.format(mrd=mrd.value)]


def is_course_warning(text: str) -> bool:
    """Whether ``text`` is one of :func:`course_warnings` or :func:`mrd_warnings`.

    Both are recomputed on a re-plan, from the HSCT decision and MRD status as
    recorded by then.
    """
    return (
        text == rules.BOXED_WARNING_HSCT.text
        or text.endswith(rules.BOXED_WARNING_CYCLES.text.split("}", 1)[1])
        or text.endswith(MRD_WITHOUT_HSCT.split("}", 1)[1])
    )


def regimen_for(cycle_number: int, response: Response) -> Regimen:
    """Cycle 1 for everyone; later cycles by the response status when they start."""
    if cycle_number == 1:
        return rules.CYCLE_1
    return rules.LATER_CR_CRI if response.is_remission else rules.LATER_NO_CR


def dose_mg(mg_per_m2: Decimal, bsa_m2: Decimal) -> Decimal:
    """mg/m2 x BSA, half-up to 0.01 mg (spec section 8)."""
    return round_half_up(mg_per_m2 * bsa_m2, rules.MG_STEP)


def build_cycle(
    number: int, start: date, length_days: int, regimen: Regimen, bsa_m2: Decimal
) -> Cycle:
    """A cycle with its three doses on days 1, 8 and 15 from ``start``."""
    doses = tuple(
        Dose(
            cycle=number,
            day=day,
            date=start + timedelta(days=day - 1),
            mg_per_m2=regimen.mg_per_m2[day],
            mg=dose_mg(regimen.mg_per_m2[day], bsa_m2),
        )
        for day in rules.DOSE_DAYS
    )
    return Cycle(number=number, start=start, length_days=length_days, regimen=regimen, doses=doses)


def validate_request(request: PlanRequest) -> CycleLimit:
    """Check what the rules forbid; return the cycle limit that applies.

    Errors name the input by its canonical name (``cycles``); the caller says it
    as the user typed it (:func:`inoplan.inputs.plan_request.fields_named`).
    """
    if request.first_cycle_days not in rules.FIRST_CYCLE_LENGTHS:
        raise InputError(
            "first_cycle_days",
            f"{request.first_cycle_days} is not allowed; cycle 1 lasts 21 days, "
            "or 28 when extended",
        )
    limit = cycle_limit(request.response, request.hsct, request.mrd, request.cycles)
    if request.cycles is not None:
        if request.cycles < 1:
            raise InputError("cycles", f"{request.cycles} is not allowed; plan at least 1 cycle")
        if request.cycles > limit.most:
            raise InputError(
                "cycles",
                f"{request.cycles} is above the limit of {limit.most}: {limit.reason}",
            )
    if request.blasts_per_mm3 is not None and request.blasts_per_mm3 < 0:
        raise InputError("blasts", "a blast count cannot be negative")
    return limit


def make_plan(request: PlanRequest, today: date | None = None) -> Plan:
    """Plan the course: cycles back to back, doses on days 1, 8 and 15.

    ``today`` (``inoplan schedule``, ``inoplan batch``): a start before it is
    planned with a warning. A re-plan passes none: its start is in the past.
    """
    limit = validate_request(request)
    count = min(request.cycles, limit.cycles) if request.cycles is not None else limit.cycles
    cycles: list[Cycle] = []
    start = request.start
    for number in range(1, count + 1):
        regimen = regimen_for(number, request.response)
        length = request.first_cycle_days if number == 1 else regimen.length_days
        cycles.append(build_cycle(number, start, length, regimen, request.bsa.m2))
        start = start + timedelta(days=length)

    from inoplan.domain.body import body_warnings

    warnings: list[str] = body_warnings(request.bsa)
    if today is not None and request.start < today:
        warnings.append(
            f"{rules.PAST_START_WARNING} (cycle 1 day 1 {request.start.isoformat()}, today "
            f"{today.isoformat()})"
        )
    warnings.extend(course_warnings(request.hsct, len(cycles)))
    warnings.extend(mrd_warnings(request.hsct, request.mrd))
    if request.bsa.capped:
        warnings.append(
            f"{rules.BSA_CAP_WARNING} (BSA {request.bsa.uncapped_m2} m2 capped to "
            f"{request.bsa.m2} m2)"
        )
    reminders: list[Reminder] = []
    blasts = request.blasts_per_mm3
    if blasts is None:
        reminders.append(rules.CYTOREDUCTION)
    elif blasts > rules.MAX_BLASTS_PER_MM3:
        warnings.append(
            f"peripheral blasts {blasts:,}/mm3 are above {rules.MAX_BLASTS_PER_MM3:,}/mm3: "
            f"{rules.CYTOREDUCTION.text[0].lower()}{rules.CYTOREDUCTION.text[1:]}"
        )
    reminders.extend((rules.HEPATIC_START, rules.ECG, rules.RENAL))

    notes: list[str] = []
    if limit.note:
        notes.append(limit.note)
    if request.cycles is not None and count == request.cycles < limit.most:
        notes.append(f"{request.cycles} of up to {limit.most} cycles planned (--cycles)")
    if request.first_cycle_days == 28:
        notes.append("cycle 1 extended to 28 days (7-day treatment-free interval from day 21)")

    return Plan(
        request=request,
        limit=limit,
        cycles=tuple(cycles),
        warnings=tuple(warnings),
        notes=tuple(notes),
        reminders=tuple(reminders),
    )
