"""Where the dose of a worksheet comes from: a saved plan, or a BSA and a regimen day.

The dose is always computed by the planner's own rules (``mg/m2 x BSA``, half-up
to 0.01 mg), never read from a number in a file.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from inoplan.domain import rules
from inoplan.domain.errors import InputError, quoted
from inoplan.domain.pharmacy import check_dose_mg
from inoplan.domain.plan import cycle_limit, dose_mg, regimen_for
from inoplan.domain.rules import Mrd, Response
from inoplan.domain.units import parse_int
from inoplan.inputs.plan_request import parse_bsa_inputs


def _cycle_day(cycle: str | None, day: str | None, why: str) -> tuple[int, int]:
    if cycle is None:
        raise InputError("--cycle", f"required {why}")
    if day is None:
        raise InputError("--day", f"required {why}; one of 1, 8, 15")
    c = parse_int(cycle, "--cycle", 1, rules.MAX_CYCLES)
    d_text = day.strip()
    if d_text not in {str(d) for d in rules.DOSE_DAYS}:
        raise InputError("--day", f"{quoted(day)} is not a dose day; choose one of 1, 8, 15")
    return c, int(d_text)


def dose_from_plan(
    plan_file: str | Mapping[str, Any], cycle: str | None, day: str | None
) -> tuple[Decimal, dict[str, Any], str, list[str]]:
    """The dose of cycle/day in a saved plan, rebuilt from its inputs and its events.

    ``plan_file`` is the file's path, or its JSON data already loaded. A
    re-planned dose (reduced, moved, recomputed for a new weight) is the one
    prepared; a dose the plan no longer gives is refused. The last item is the
    body-build warnings (BMI, a BSA above 3.0 m2) for the worksheet.
    """

    from inoplan.domain.body import body_warnings
    from inoplan.inputs.saved_plan import check_schema, plan_from_data, read_plan_json

    c, d = _cycle_day(cycle, day, "with a PLAN file")
    if isinstance(plan_file, str):
        data = read_plan_json(plan_file)
    else:
        check_schema(plan_file)
        data = dict(plan_file)
    plan = plan_from_data(data)
    if any(x.cycle == c and x.day == d for x in plan.omitted):
        raise InputError("--cycle", f"C{c}D{d} is no longer given in this plan (re-planned)")
    found = [x for x in plan.doses if x.cycle == c and x.day == d]
    if not found:
        raise InputError(
            "--cycle", f"the plan has no C{c}D{d}; it plans cycles 1-{len(plan.cycles)}"
        )
    dose = found[0]
    pid = plan.request.patient_id
    context = {
        "source": "plan",
        "patient_id": pid,
        "cycle": c,
        "day": d,
        "date": dose.date.isoformat(),
        "mg_per_m2": float(dose.mg_per_m2),
        "bsa_m2": float(plan.bsa_for(dose)),
    }
    who = f"{pid} " if pid else ""
    heading = (
        f"Compounding worksheet: {who}{dose.label} {dose.date.isoformat()}, {dose.mg} mg "
        f"({dose.mg_per_m2} mg/m2 x {plan.bsa_for(dose)} m2)"
    )
    warnings = body_warnings(plan.bsa)
    if dose.bsa_m2 is not None:
        # Recomputed for a new weight: the large-BSA check applies to the BSA in use.
        warnings = body_warnings(plan.bsa._replace(m2=dose.bsa_m2, uncapped_m2=None, bmi=None))
    return check_dose_mg(dose.mg), context, heading, warnings


def dose_from_body(
    values: Mapping[str, str | None], cycle: str | None, day: str | None, response: str
) -> tuple[Decimal, dict[str, Any], str, list[str]]:
    """mg/m2 of the regimen day x the BSA from height and weight (or --bsa), and its warnings."""
    from inoplan.domain.body import body_warnings

    c, d = _cycle_day(cycle, day, "with --height/--weight or --bsa")
    bsa = parse_bsa_inputs(values)
    status = Response(response)
    limit = cycle_limit(status, hsct=False, mrd=Mrd.UNKNOWN)
    if c > 1 and status is Response.PENDING:
        raise InputError(
            "--response", f"needed for cycle {c}: day 1 of cycle 2+ depends on it (none, cr, cri)"
        )
    if c > limit.cycles:
        raise InputError("--cycle", f"{c} is above the limit of {limit.cycles}: {limit.reason}")
    regimen = regimen_for(c, status)
    per_m2 = regimen.mg_per_m2[d]
    mg = dose_mg(per_m2, bsa.m2)
    context = {
        "source": "bsa",
        "cycle": c,
        "day": d,
        "regimen": regimen.key,
        "mg_per_m2": float(per_m2),
        "bsa_m2": float(bsa.m2),
        "bsa_working": bsa.working,
        "body": bsa.body_text,
    }
    heading = f"Compounding worksheet: C{c}D{d}, {mg} mg ({per_m2} mg/m2 x {bsa.m2} m2)"
    return check_dose_mg(mg), context, heading, body_warnings(bsa)
