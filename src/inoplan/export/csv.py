"""The plan as CSV: a header row, then one row per dose (UTF-8, ISO dates).

The dosing policy is the last column, ``policy``, the same one line on every
row: a leading comment line would break ``csv.DictReader``, pandas and
spreadsheet imports, while an extra column at the end keeps every row a dose
and every script that reads columns by name working.
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
    "policy",
)


def rows(plan: Plan) -> Iterable[list[str]]:
    """One list of cell texts per dose, in :data:`COLUMNS` order."""
    pid = plan.request.patient_id or ""
    policy = policy_of(plan).line
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
