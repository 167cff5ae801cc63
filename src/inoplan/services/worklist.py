"""The pharmacy worklist: every infusion due on a day (or a range), across patients.

Patients come from a folder of saved JSON plans or from a patients CSV (the
format of ``inoplan batch``). Either way each plan is rebuilt from what it
records: a saved plan from its inputs and its re-planning events, with its
clinic-day moves (:func:`inoplan.inputs.saved_plan.plan_from_data`, as ``verify`` and
``replan`` read it); a CSV row as ``inoplan schedule`` would plan it
(:func:`inoplan.domain.clinic.plan_course`). So the worklist shows the dates and doses
actually planned, and a dose edited by hand in a file never reaches it. Pure
apart from reading those files; no printing.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from inoplan.domain import rules
from inoplan.domain.clinic import plan_course
from inoplan.domain.errors import InputError, quoted, quoted_path
from inoplan.domain.limits import MAX_PATIENTS_CSV_BYTES
from inoplan.domain.pharmacy import (
    Rounding,
    RoundTo,
    Sharing,
    Worksheet,
    parse_clock,
    round_dose,
    share,
    worksheet,
)
from inoplan.domain.plan import Plan, PlanRequest
from inoplan.domain.rules import Vial
from inoplan.inputs.plan_request import FIELDS, request_from_strings

#: Columns a patients CSV must have; the rest of
#: :data:`inoplan.inputs.plan_request.FIELDS` are optional.
CSV_REQUIRED_COLUMNS = ("patient_id", "start", "response")
#: A worklist-only column: the planned clock time (HH:MM) of every infusion of that row.
CSV_TIME_COLUMN = "time"


# --- reading patients ---------------------------------------------------------------------


@dataclass(frozen=True)
class PatientSource:
    """One patient's plan, where it came from, and planned infusion times if any."""

    where: str
    plan: Plan
    #: (cycle, day) -> planned clock time; a time for every dose is under key ``None``.
    times: Mapping[tuple[int, int] | None, dt.time]

    @property
    def request(self) -> PlanRequest:
        return self.plan.request

    def time_for(self, cycle: int, day: int) -> dt.time | None:
        return self.times.get((cycle, day), self.times.get(None))


def read_patient_rows(
    path: Path, extra_columns: Sequence[str] = ()
) -> list[tuple[int, dict[str, str]]]:
    """The rows of a patients CSV as (line number, column -> text), blank rows skipped.

    UTF-8 with or without a byte-order mark; the header row names the columns,
    which are the canonical input names of :mod:`inoplan.inputs.plan_request`. Shared by
    every command that reads the batch CSV format.
    """
    name = str(path)
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_PATIENTS_CSV_BYTES + 1)
        text = data.decode("utf-8").removeprefix("\ufeff")
    except FileNotFoundError:
        raise InputError(name, "does not exist") from None
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(name, f"cannot be read as UTF-8 text ({e.__class__.__name__})") from None
    if len(data) > MAX_PATIENTS_CSV_BYTES:
        raise InputError(
            name,
            f"larger than {MAX_PATIENTS_CSV_BYTES // 1024 // 1024} MB, more than inoplan reads",
        )
    reader = csv.reader(text.splitlines())
    header = next(reader, None)
    if header is None:
        raise InputError(name, "is empty; expected a header row")
    columns = [h.strip().lower() for h in header]
    missing = [c for c in CSV_REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise InputError(name, f"the header row lacks the column {quoted(missing[0])}")
    if len(set(columns)) != len(columns):
        raise InputError(name, "the header row names a column twice")
    allowed = (*FIELDS, *extra_columns)
    unknown = [c for c in columns if c not in allowed]
    if unknown:
        raise InputError(
            name,
            f"unknown column {quoted(unknown[0])} in the header row; allowed {', '.join(allowed)}",
        )
    rows: list[tuple[int, dict[str, str]]] = []
    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(columns):
            raise InputError(
                f"{name} line {line}", f"{len(cells)} cells for {len(columns)} columns"
            )
        rows.append((line, dict(zip(columns, cells, strict=True))))
    return rows


def request_from_row(where: str, row: Mapping[str, str]) -> PlanRequest:
    """One CSV row through the same parser as the command line; errors name the cell."""
    return request_from_strings(row, lambda column: f"{where}: {column}")


def patients_from_csv(path: Path) -> list[PatientSource]:
    """Every row of a patients CSV, parsed; the first bad cell stops everything."""
    sources: list[PatientSource] = []
    for line, row in read_patient_rows(path, (CSV_TIME_COLUMN,)):
        where = f"{path.name} line {line}"
        values = dict(row)
        time_text = values.pop(CSV_TIME_COLUMN, "").strip()
        times: dict[tuple[int, int] | None, dt.time] = {}
        if time_text:
            times[None] = parse_clock(time_text, f"{where}: {CSV_TIME_COLUMN}")
        plan = plan_course(request_from_row(where, values))
        sources.append(PatientSource(where, plan, times))
    if not sources:
        raise InputError(str(path), "has no patient rows")
    return sources


def _dose_times(data: Mapping[str, Any], where: str) -> dict[tuple[int, int] | None, dt.time]:
    """Optional ``time`` (HH:MM) keys on the doses of a saved plan."""
    times: dict[tuple[int, int] | None, dt.time] = {}
    cycles = data.get("cycles")
    if not isinstance(cycles, list):
        return times
    for c in cycles:
        for d in c.get("doses", []) if isinstance(c, dict) else []:
            if isinstance(d, dict) and "time" in d:
                cycle, day = d.get("cycle"), d.get("day")
                label = f"C{cycle}D{day}"
                if not (isinstance(cycle, int) and isinstance(day, int)):
                    raise InputError(f"{where}: {label} time", "the dose has no cycle and day")
                if not isinstance(d["time"], str):
                    raise InputError(f"{where}: {label} time", "expected text such as 09:30")
                times[(cycle, day)] = parse_clock(d["time"], f"{where}: {label} time")
    return times


def patients_from_folder(folder: Path) -> list[PatientSource]:
    """Every ``*.json`` plan in ``folder`` (not its sub-folders), rebuilt from its inputs."""
    files = sorted(p for p in folder.glob("*.json") if p.is_file())
    if not files:
        raise InputError(str(folder), "holds no saved plans (*.json)")
    return [patient_from_plan_file(f) for f in files]


def patient_from_plan_file(path: Path) -> PatientSource:
    """A saved plan, rebuilt from its inputs and events (never from its numbers)."""
    from inoplan.inputs.saved_plan import plan_from_data, read_plan_json

    data = read_plan_json(path, path.name)
    return PatientSource(path.name, plan_from_data(data, path.name), _dose_times(data, path.name))


def load_patients(path: str, field: str = "SOURCE") -> list[PatientSource]:
    """A folder of saved plans, one saved plan, or a patients CSV."""
    p = Path(path)
    if p.is_dir():
        return patients_from_folder(p)
    if not p.exists():
        raise InputError(field, f"{quoted_path(path)} does not exist")
    if p.suffix.lower() == ".json":
        return [patient_from_plan_file(p)]
    if p.suffix.lower() == ".csv":
        return patients_from_csv(p)
    raise InputError(
        field, f"{quoted_path(path)} is neither a folder of plans, a .json plan nor a .csv"
    )


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
    date_field: str = "--date",
) -> Worklist:
    """Every infusion from ``first`` to ``last`` (inclusive) across the patients."""
    if last < first:
        raise InputError("--to", f"{last.isoformat()} is before --date {first.isoformat()}")
    if (round_within_pct is None) != (round_to is None):
        raise InputError(
            "--round-within" if round_within_pct is None else "--round-to",
            "required with " + ("--round-to" if round_within_pct is None else "--round-within"),
        )
    plans = [(s, s.plan) for s in sources]
    if not any(_overlaps(p, first, last) for _, p in plans):
        span_first = min(p.first_dose for _, p in plans)
        span_last = max(p.last_dose for _, p in plans)
        what = first.isoformat() if first == last else f"{first.isoformat()}..{last.isoformat()}"
        raise InputError(
            date_field,
            f"{what} is outside every plan (their infusions run {span_first.isoformat()} to "
            f"{span_last.isoformat()}; plans with response pending hold cycle 1 only)",
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
