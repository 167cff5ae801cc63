"""The pharmacy worklist: every infusion due on a day (or a range), across patients.

Patients come from a folder of saved JSON plans (an ``inoplan batch`` run's
folder included), one plan, or a patients CSV, through
:func:`inoplan.inputs.patients.patients`: each plan is rebuilt from what it
records, so the worklist shows the dates and doses actually planned, and a dose
edited by hand in a file never reaches it.

A day or a range without infusions is an empty worklist (exit status 0),
whether it lies between two doses or before or after every plan: the same
situation, the same answer. When it lies outside every plan, a note gives the
span the plans cover, so a mistyped year is easy to see. No printing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from inoplan.domain import rules
from inoplan.domain.errors import InputError
from inoplan.domain.pharmacy import (
    Rounding,
    RoundTo,
    Sharing,
    Worksheet,
    round_dose,
    share,
    worksheet,
)
from inoplan.domain.plan import Plan
from inoplan.domain.rules import Vial
from inoplan.inputs.patients import PatientPlan, read_patients

# --- reading patients ---------------------------------------------------------------------

#: One patient's plan and planned times (the name the worklist has always used).
PatientSource = PatientPlan


def load_patients(path: str, field: str = "SOURCE") -> list[PatientPlan]:
    """A folder of saved plans, one saved plan, or a patients CSV, all read before planning.

    See :func:`inoplan.inputs.patients.patients`: the reader ``balance`` shares.
    """
    return read_patients(path, field)


# --- the worklist -------------------------------------------------------------------------


@dataclass(frozen=True)
class Infusion:
    """One infusion due, with what the pharmacy prepares for it."""

    date: dt.date
    time: dt.time | None
    patient_id: str | None
    where: str
    label: str
    ordered_mg: Decimal
    rounding: Rounding | None
    sheet: Worksheet

    @property
    def dose_mg(self) -> Decimal:
        """The dose to prepare: the rounded one when rounding applied, else as ordered."""
        return self.sheet.dose_mg

    @property
    def who(self) -> str:
        """The patient id, or the file/row when the plan carries none."""
        return self.patient_id or f"({self.where})"


@dataclass(frozen=True)
class Session:
    """Doses of one day whose vials may be shared, and the vials with and without sharing."""

    date: dt.date
    first: dt.time | None
    last: dt.time | None
    infusions: tuple[Infusion, ...]
    sharing: Sharing


@dataclass(frozen=True)
class DayTotal:
    date: dt.date
    infusions: int
    vials: int
    dose_mg: Decimal
    waste_mg: Decimal
    vials_shared: int | None = None
    waste_shared_mg: Decimal | None = None


@dataclass(frozen=True)
class Worklist:
    first: dt.date
    last: dt.date
    vial: Vial
    infusions: tuple[Infusion, ...]
    days: tuple[DayTotal, ...]
    sessions: tuple[Session, ...] | None
    round_within_pct: Decimal | None
    round_to: RoundTo | None
    warnings: tuple[str, ...]
    notes: tuple[str, ...]

    @property
    def rounding_on(self) -> bool:
        return self.round_within_pct is not None


PREMED_SHORT = rules.PREMEDICATION.text.split(": ", 1)[-1]


def _sort_key(i: Infusion) -> tuple[dt.date, int, dt.time, str, str]:
    # Timed infusions first, by time; then the rest by patient.
    return (i.date, 0 if i.time else 1, i.time or dt.time(0), i.who, i.label)


def sessions_for(infusions: Sequence[Infusion], vial: Vial) -> list[Session]:
    """Group each day's doses into sessions that may share vials.

    A session starts with the earliest planned time not yet grouped and takes every
    dose planned within the reconstitution-to-dilution limit (4 h) after it. Doses
    without a planned time form one session per day, on the stated assumption that
    they are all diluted within 4 h of the first reconstitution.
    """
    window = dt.timedelta(hours=rules.RECONSTITUTION_TO_DILUTION_MAX_H)
    out: list[Session] = []
    by_day: dict[dt.date, list[Infusion]] = {}
    for i in infusions:
        by_day.setdefault(i.date, []).append(i)
    for day in sorted(by_day):
        timed = sorted((i for i in by_day[day] if i.time), key=_sort_key)
        untimed = [i for i in by_day[day] if not i.time]
        group: list[Infusion] = []
        for i in timed:
            assert i.time is not None
            if group:
                assert group[0].time is not None
                start = dt.datetime.combine(day, group[0].time)
                if dt.datetime.combine(day, i.time) - start > window:
                    out.append(_session(day, group, vial))
                    group = []
            group.append(i)
        if group:
            out.append(_session(day, group, vial))
        if untimed:
            out.append(_session(day, untimed, vial))
    return out


def _session(day: dt.date, group: Sequence[Infusion], vial: Vial) -> Session:
    times = [i.time for i in group if i.time]
    return Session(
        date=day,
        first=min(times) if times else None,
        last=max(times) if times else None,
        infusions=tuple(group),
        sharing=share([i.dose_mg for i in group], vial),
    )


def _overlaps(plan: Plan, first: dt.date, last: dt.date) -> bool:
    return plan.first_dose <= last and first <= plan.last_dose


def build_worklist(
    sources: Iterable[PatientSource],
    first: dt.date,
    last: dt.date,
    vial: Vial,
    share_vials: bool = False,
    round_within_pct: Decimal | None = None,
    round_to: RoundTo | None = None,
) -> Worklist:
    """Every infusion from ``first`` to ``last`` (inclusive) across the patients.

    A period without infusions gives an empty worklist, never an error (see the
    module's docstring).
    """
    if last < first:
        raise InputError("--to", f"{last.isoformat()} is before --date {first.isoformat()}")
    if (round_within_pct is None) != (round_to is None):
        raise InputError(
            "--round-within" if round_within_pct is None else "--round-to",
            "required with " + ("--round-to" if round_within_pct is None else "--round-within"),
        )
    plans = [(s, s.plan) for s in sources]
    outside: str | None = None
    if plans and not any(_overlaps(p, first, last) for _, p in plans):
        span_first = min(p.first_dose for _, p in plans)
        span_last = max(p.last_dose for _, p in plans)
        what = first.isoformat() if first == last else f"{first.isoformat()}..{last.isoformat()}"
        outside = (
            f"{what} is outside every plan: their infusions run {span_first.isoformat()} to "
            f"{span_last.isoformat()} (plans with response pending hold cycle 1 only)"
        )
    infusions: list[Infusion] = []
    for source, plan in plans:
        for dose in plan.doses:
            if not first <= dose.date <= last:
                continue
            rounding = None
            prepared = dose.mg
            if round_within_pct is not None and round_to is not None:
                rounding = round_dose(dose.mg, round_within_pct, round_to, vial)
                prepared = rounding.rounded_mg
            infusions.append(
                Infusion(
                    date=dose.date,
                    time=source.time_for(dose.cycle, dose.day),
                    patient_id=source.request.patient_id,
                    where=source.where,
                    label=dose.label,
                    ordered_mg=dose.mg,
                    rounding=rounding,
                    sheet=worksheet(prepared, vial),
                )
            )
    infusions.sort(key=_sort_key)

    warnings: list[str] = []
    seen: dict[tuple[dt.date, str], list[str]] = {}
    for i in infusions:
        if i.patient_id:
            seen.setdefault((i.date, i.patient_id), []).append(f"{i.where} {i.label}")
    for (day, pid), where in sorted(seen.items()):
        if len(where) > 1:
            warnings.append(
                f"patient {pid} has {len(where)} infusions on {day.isoformat()} "
                f"({'; '.join(where)}): check for a duplicate plan"
            )
    for i in infusions:
        for w in i.sheet.warnings:
            warnings.append(f"{i.who} {i.label} {i.date.isoformat()}: {w}")

    sessions = sessions_for(infusions, vial) if share_vials else None
    days: list[DayTotal] = []
    for day in sorted({i.date for i in infusions}):
        todays = [i for i in infusions if i.date == day]
        separate = share([i.dose_mg for i in todays], vial)
        shared_vials = shared_waste = None
        if sessions is not None:
            day_sessions = [s for s in sessions if s.date == day]
            shared_vials = sum(s.sharing.vials_shared for s in day_sessions)
            shared_waste = sum((s.sharing.waste_shared_mg for s in day_sessions), Decimal(0))
        days.append(
            DayTotal(
                date=day,
                infusions=len(todays),
                vials=separate.vials_separate,
                dose_mg=sum((i.dose_mg for i in todays), Decimal(0)),
                waste_mg=separate.waste_separate_mg,
                vials_shared=shared_vials,
                waste_shared_mg=shared_waste,
            )
        )

    notes: list[str] = []
    if outside is not None:
        notes.append(outside)
    if vial.note:
        notes.append(f"{vial.note} ({rules.VERIFY_NOTE})")
    if share_vials:
        notes.append(
            "Vial sharing: doses share vials only within one session, all diluted within "
            f"{rules.RECONSTITUTION_TO_DILUTION_MAX_H} h of the first reconstitution and "
            f"infused to the end within {rules.RECONSTITUTION_TO_INFUSION_END_MAX_H} h of it; "
            "doses without a planned time are counted as one session per day on that "
            "assumption. Share single-dose vials only where local policy allows"
        )
    return Worklist(
        first=first,
        last=last,
        vial=vial,
        infusions=tuple(infusions),
        days=tuple(days),
        sessions=tuple(sessions) if sessions is not None else None,
        round_within_pct=round_within_pct,
        round_to=round_to,
        warnings=tuple(warnings),
        notes=tuple(notes),
    )
