"""A clinic's patients, each with a plan: from a folder of saved plans, one plan, or a patients CSV.

The one reader behind every command that looks at many patients at once
(``worklist``, ``balance``): :func:`patients` takes what the user named and
yields one :class:`PatientPlan` per patient. Either way each plan is rebuilt
from what it records, never from numbers in the file: a saved plan from its
inputs and its re-planning events, with its clinic-day moves
(:func:`inoplan.inputs.saved_plan.plan_from_data`, as ``verify`` and ``replan``
read it); a CSV row as ``inoplan schedule`` would plan it
(:mod:`inoplan.inputs.patients_csv`).

A folder is read by what its files are, not by their names: every ``*.json``
file in it must be an inoplan plan, except the ``summary.json`` of an
``inoplan batch`` run (known by its schema), whose patient folder is then read
as well, so ``worklist OUT`` reads what ``batch --out OUT`` wrote. Any other
file stops the reading with one line naming it: a list silently missing a
patient would be worse.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from inoplan.domain.errors import InputError, quoted, quoted_path
from inoplan.domain.plan import Plan, PlanRequest

#: The schema family of ``summary.json``, the record an ``inoplan batch`` run writes.
BATCH_SUMMARY_FAMILY: Final = "inoplan.batch-summary/"


@dataclass(frozen=True)
class PatientPlan:
    """One patient's plan, where it came from, and planned infusion times if any."""

    #: The file, or the file and row: shown when the plan carries no patient id.
    where: str
    plan: Plan
    #: (cycle, day) -> planned clock time; a time for every dose is under key ``None``.
    times: Mapping[tuple[int, int] | None, dt.time]

    @property
    def request(self) -> PlanRequest:
        return self.plan.request

    @property
    def patient_id(self) -> str | None:
        return self.plan.request.patient_id

    def time_for(self, cycle: int, day: int) -> dt.time | None:
        return self.times.get((cycle, day), self.times.get(None))


def patients(source: str | Path, field: str = "SOURCE") -> Iterator[PatientPlan]:
    """Every patient of ``source``: a folder of saved plans, one ``.json`` plan, or a ``.csv``.

    Raises :class:`InputError` naming ``field`` (or the file and row) for the
    first thing that cannot be read, and when ``source`` holds no patient.
    """
    p = Path(source)
    if p.is_dir():
        yield from _from_folder(p, field)
        return
    if not p.exists():
        raise InputError(field, f"{quoted_path(source)} does not exist")
    suffix = p.suffix.lower()
    if suffix == ".json":
        yield patient_from_plan_file(p)
    elif suffix == ".csv":
        yield from _from_csv(p, field)
    else:
        raise InputError(
            field, f"{quoted_path(source)} is neither a folder of plans, a .json plan nor a .csv"
        )


def read_patients(source: str | Path, field: str = "SOURCE") -> list[PatientPlan]:
    """:func:`patients` as a list."""
    return list(patients(source, field))


def _from_csv(path: Path, field: str) -> Iterator[PatientPlan]:
    from inoplan.inputs.clock import today
    from inoplan.inputs.patients_csv import in_file
    from inoplan.inputs.patients_csv import patients as csv_patients

    day = today()
    found = False
    for patient in csv_patients(path, field):
        where = f"{path.name} row {patient.row}"
        try:
            plan = patient.plan(day)
        except InputError as e:  # a clinic-day move the rules cannot make
            raise in_file(path, patient.row, e) from None
        times: dict[tuple[int, int] | None, dt.time] = {}
        if patient.time is not None:
            times[None] = patient.time
        found = True
        yield PatientPlan(where, plan, times)
    if not found:
        raise InputError(field, f"{quoted_path(path)} has no patient rows")


def _json_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.json") if p.is_file())


def _from_folder(folder: Path, field: str) -> Iterator[PatientPlan]:
    """The plans of ``folder`` (not its sub-folders), and of a batch run's patient folder."""
    from inoplan.domain.limits import MAX_PLAN_BYTES
    from inoplan.inputs.reading import read_json

    found = False
    runs: list[tuple[Path, dict[str, Any]]] = []
    for f in _json_files(folder):
        data = read_json(f, f.name, MAX_PLAN_BYTES)
        if _is_batch_summary(data):
            runs.append((f, data))
            continue
        found = True
        yield patient_from_data(data, f.name)
    for f, summary in runs:
        for patient in _from_batch_run(folder, f, summary):
            found = True
            yield patient
    if not found:
        raise InputError(field, f"{quoted_path(folder)} holds no saved plans (*.json)")


def _is_batch_summary(data: object) -> bool:
    schema = data.get("schema") if isinstance(data, dict) else None
    return isinstance(schema, str) and schema.startswith(BATCH_SUMMARY_FAMILY)


def _from_batch_run(
    folder: Path, summary_file: Path, data: dict[str, Any]
) -> Iterator[PatientPlan]:
    """The saved plans of the ``inoplan batch`` run that ``summary_file`` records."""
    name = data.get("patient_folder")
    field = summary_file.name
    if not isinstance(name, str) or not name or Path(name).name != name or name in (".", ".."):
        raise InputError(f"{field}: patient_folder", "expected the name of a folder beside it")
    fmt = data.get("format")
    if fmt != "json":
        raise InputError(
            field,
            f"an inoplan batch run of {quoted(fmt)} files; the plans are read from JSON: "
            "run inoplan batch with --format json",
        )
    patients_dir = folder / name
    if not patients_dir.is_dir():
        raise InputError(f"{field}: patient_folder", f"{quoted_path(patients_dir)} is missing")
    from inoplan.domain.limits import MAX_PLAN_BYTES
    from inoplan.inputs.reading import read_json

    for f in _json_files(patients_dir):
        where = f"{name}/{f.name}"
        yield patient_from_data(read_json(f, where, MAX_PLAN_BYTES), where)


def _dose_times(data: Mapping[str, Any], where: str) -> dict[tuple[int, int] | None, dt.time]:
    """Optional ``time`` (HH:MM) keys on the doses of a saved plan."""
    from inoplan.domain.pharmacy import parse_clock

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


def patient_from_data(data: object, where: str) -> PatientPlan:
    """A saved plan's data, checked and rebuilt from its inputs and events."""
    from inoplan.inputs.saved_plan import check_schema, plan_from_data

    check_schema(data, where)
    assert isinstance(data, dict)
    return PatientPlan(where, plan_from_data(data, where), _dose_times(data, where))


def patient_from_plan_file(path: Path) -> PatientPlan:
    """A saved plan, rebuilt from its inputs and events (never from its numbers)."""
    from inoplan.inputs.saved_plan import read_plan_json

    data = read_plan_json(path, path.name)
    return patient_from_data(data, path.name)
