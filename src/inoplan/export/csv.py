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
  a column at the end keeps every row a dose;
- ``warnings``: the plan's warnings (what a person must look at), the same on
  every row, so a script that reads one row still sees them; those about one
  dose start with its label (``C2D8 ...``);
- ``boxed_warning``: the label's boxed warning in one line, with the points
  specific to this plan (HSCT, 3 or more cycles); the full text is in the JSON
  plan and the HTML calendar.

A re-planned plan also lists the doses no longer given, so a script sees what
changed.

Every CSV inoplan writes (plans, re-plans, batch ``plan.csv``, the worklist,
the compounding worksheet) passes each row through :func:`safe_row`: a text
cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
prefixed with ``'`` so that a spreadsheet shows it as text instead of running
it as a formula (OWASP, "CSV Injection"). A cell that is a plain number
(``-0.5``, ``12``) is a number, not a formula, and is left as it is.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

from inoplan.domain import rules
from inoplan.domain.plan import Plan, course_points, weekday
from inoplan.domain.provenance import policy_of

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
    "warnings",
    "boxed_warning",
)


#: What a spreadsheet reads as the start of a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?", re.ASCII)


def safe_cell(text: str) -> str:
    """``text`` as a spreadsheet must show it: a would-be formula gets a leading ``'``."""
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def safe_row(cells: Iterable[str]) -> list[str]:
    """Every cell of a row through :func:`safe_cell`."""
    return [safe_cell(c) for c in cells]


def boxed_line(plan: Plan) -> str:
    """The boxed warning's title, then the points specific to this plan."""
    from inoplan.domain.plan import effective_hsct

    specific = course_points(effective_hsct(plan), len(plan.cycles))
    return "; ".join([rules.BOXED_WARNING_TITLE, *(p.text for p in specific)])


def rows(plan: Plan) -> Iterable[list[str]]:
    """One list of cell texts per dose, in :data:`COLUMNS` order."""
    pid = plan.request.patient_id or ""
    policy = policy_of(plan).line
    warnings = "; ".join(plan.warnings)
    boxed = boxed_line(plan)
    every = (*plan.doses, *plan.omitted)
    for d in sorted(every, key=lambda d: (d.date, d.cycle, d.day)):
        omitted = d.status == "omitted"
        yield safe_row(
            [
                pid,
                str(d.cycle),
                str(d.day),
                d.date.isoformat(),
                weekday(d.date),
                "" if omitted else f"{d.mg_per_m2}",
                "" if omitted else f"{d.mg}",
                f"{plan.bsa_for(d)}",
                d.status,
                "" if d.planned_date is None else d.planned_date.isoformat(),
                str(d.sequence),
                "; ".join(d.notes),
                policy,
                warnings,
                boxed,
            ]
        )


def render(plan: Plan, header: bool = True) -> str:
    """The plan as CSV text (``\\r\\n`` line ends, as RFC 4180 and spreadsheets expect)."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    if header:
        writer.writerow(COLUMNS)
    writer.writerows(rows(plan))
    return buf.getvalue()
