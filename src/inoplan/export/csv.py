"""The plan as CSV: a header row, then one row per dose (UTF-8, ISO dates).

A re-planned plan (``inoplan replan``) adds four columns at the end, and a row
for each dose no longer given (status ``omitted``, no mg), so a script sees
what changed and why: ``status``, ``planned_date``, ``sequence`` and ``notes``.
A plan whose doses were moved off closed clinic days (``--clinic-days``,
``--holidays``) adds ``planned_date`` (the regimen's date) and ``notes`` (why).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from inoplan.plan import Plan

COLUMNS = ("patient_id", "cycle", "day", "date", "weekday", "mg_per_m2", "dose_mg", "bsa_m2")
#: Added after :data:`COLUMNS` when the plan has been re-planned.
REPLAN_COLUMNS = ("status", "planned_date", "sequence", "notes")
#: Added after :data:`COLUMNS` when clinic days moved a dose of a fresh plan.
MOVED_COLUMNS = ("planned_date", "notes")


def _moved(plan: Plan) -> bool:
    return any(d.planned_date is not None or d.notes for d in plan.doses)


def columns(plan: Plan) -> tuple[str, ...]:
    """The header of this plan's CSV."""
    if plan.revision:
        return COLUMNS + REPLAN_COLUMNS
    return COLUMNS + MOVED_COLUMNS if _moved(plan) else COLUMNS


def rows(plan: Plan) -> Iterable[list[str]]:
    """One list of cell texts per dose, in :func:`columns` order."""
    pid = plan.request.patient_id or ""
    replanned = bool(plan.revision)
    moved = not replanned and _moved(plan)
    every = (*plan.doses, *plan.omitted) if replanned else plan.doses
    for d in sorted(every, key=lambda d: (d.date, d.cycle, d.day)):
        omitted = d.status == "omitted"
        row = [
            pid,
            str(d.cycle),
            str(d.day),
            d.date.isoformat(),
            d.date.strftime("%a"),
            "" if omitted else f"{d.mg_per_m2}",
            "" if omitted else f"{d.mg}",
            f"{plan.bsa.m2}",
        ]
        if replanned:
            row += [
                d.status,
                "" if d.planned_date is None else d.planned_date.isoformat(),
                str(d.sequence),
                "; ".join(d.notes),
            ]
        elif moved:
            planned = "" if d.planned_date is None else d.planned_date.isoformat()
            row += [planned, "; ".join(d.notes)]
        yield row


def render(plan: Plan, header: bool = True) -> str:
    """The plan as CSV text (``\\r\\n`` line ends, as RFC 4180 and spreadsheets expect)."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    if header:
        writer.writerow(columns(plan))
    writer.writerows(rows(plan))
    return buf.getvalue()
