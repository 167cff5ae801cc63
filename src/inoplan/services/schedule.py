"""Planning a whole course from typed-in values: ``inoplan schedule`` and ``inoplan.schedule``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from inoplan.inputs.plan_request import option_name

if TYPE_CHECKING:
    from inoplan.domain.plan import Plan


def plan_schedule(
    *,
    start: str,
    today: date,
    height: str | None = None,
    weight: str | None = None,
    bsa: str | None = None,
    bsa_formula: str | None = "mosteller",
    bsa_cap: str | None = None,
    response: str | None = "pending",
    hsct: bool = False,
    mrd: str | None = "unknown",
    cycles: str | None = None,
    first_cycle_days: str | None = "21",
    patient_id: str | None = None,
    blasts: str | None = None,
    clinic_days: str | None = None,
    holidays: str | None = None,
    field: Callable[[str], str] = option_name,
) -> Plan:
    """The planned course for these inputs, parsed and checked by the one request parser.

    Every value is the text a user typed; ``field`` says how an error names an
    input (``--first-cycle-days`` on the command line by default). The BSA
    formula is recorded only when the BSA is computed from height and weight.
    """
    from inoplan.domain.clinic import plan_course
    from inoplan.inputs.plan_request import request_from_strings

    request = request_from_strings(
        {
            "patient_id": patient_id,
            "start": start,
            "height": height,
            "weight": weight,
            "bsa": bsa,
            "bsa_formula": bsa_formula if bsa is None else None,
            "bsa_cap": bsa_cap,
            "response": response,
            "hsct": "yes" if hsct else None,
            "mrd": mrd,
            "cycles": cycles,
            "first_cycle_days": first_cycle_days,
            "blasts": blasts,
            "clinic_days": clinic_days,
            "holidays": holidays,
        },
        field,
    )
    return plan_course(request, today)
