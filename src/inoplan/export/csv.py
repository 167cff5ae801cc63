"""The plan as CSV: a header row, then one row per dose (UTF-8, ISO dates).

The header is the same for every plan, so a pharmacy script can read any
plan by column name:

- ``patient_id, cycle, day, date, weekday, mg_per_m2, dose_mg, bsa_m2``: the dose;
- ``status`` (``planned``, ``given`` or ``omitted``; an omitted dose has no mg),
  ``planned_date`` (the regimen's date when the dose was moved by clinic days
  or a re-plan, else empty), ``sequence`` (how many re-plans changed it) and
  ``notes`` (why it differs from the plain regimen);
- ``policy``: the dosing policy, the same one line on every row. A leading
  comment line would break ``csv.DictReader``, pandas and spreadsheet imports;
  a column at the end keeps every row a dose.

A re-planned plan also lists the doses no longer given, so a script sees what
changed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from inoplan.plan import Plan
from inoplan.provenance import policy_of

COLUMNS = (
    "patient_id",
    "cycle",
    "day",
    "date",
    "weekday",
    "mg_per_m2",
    "dose_mg",
    "bsa_m2",
    "status",
    "planned_date",
    "sequence",
    "notes",
    "policy",
)


def rows(plan: Plan) -> Iterable[list[str]]:
    """One list of cell texts per dose, in :data:`COLUMNS` order."""
    pid = plan.request.patient_id or ""
    policy = policy_of(plan).line
    every = (*plan.doses, *plan.omitted)
    for d in sorted(every, key=lambda d: (d.date, d.cycle, d.day)):
        omitted = d.status == "omitted"
        yield [
            pid,
            str(d.cycle),
            str(d.day),
            d.date.isoformat(),
            d.date.strftime("%a"),
            "" if omitted else f"{d.mg_per_m2}",
            "" if omitted else f"{d.mg}",
            f"{plan.bsa_for(d)}",
            d.status,
            "" if d.planned_date is None else d.planned_date.isoformat(),
            str(d.sequence),
            "; ".join(d.notes),
            policy,
        ]


def render(plan: Plan, header: bool = True) -> str:
    """The plan as CSV text (``\\r\\n`` line ends, as RFC 4180 and spreadsheets expect)."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    if header:
        writer.writerow(COLUMNS)
    writer.writerows(rows(plan))
    return buf.getvalue()
