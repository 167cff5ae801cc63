"""The plan as CSV: a header row, then one row per dose (UTF-8, ISO dates).

``planned_date`` is empty unless the dose was moved (clinic day, delay); then it
holds the regimen's date and ``notes`` says why, entries joined by ``; ``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from inoplan.plan import Plan

COLUMNS = (
    "patient_id",
    "cycle",
    "day",
    "date",
    "weekday",
    "mg_per_m2",
    "dose_mg",
    "bsa_m2",
    "planned_date",
    "notes",
)


def rows(plan: Plan) -> Iterable[list[str]]:
    """One list of cell texts per dose, in :data:`COLUMNS` order."""
    pid = plan.request.patient_id or ""
    for d in plan.doses:
        yield [
            pid,
            str(d.cycle),
            str(d.day),
            d.date.isoformat(),
            d.date.strftime("%a"),
            f"{d.mg_per_m2}",
            f"{d.mg}",
            f"{plan.bsa.m2}",
            "" if d.planned_date is None else d.planned_date.isoformat(),
            "; ".join(d.notes),
        ]


def render(plan: Plan, header: bool = True) -> str:
    """The plan as CSV text (``\\r\\n`` line ends, as RFC 4180 and spreadsheets expect)."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    if header:
        writer.writerow(COLUMNS)
    writer.writerows(rows(plan))
    return buf.getvalue()
