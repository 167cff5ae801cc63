"""The compounding worksheet for one dose: ``inoplan prep`` and ``inoplan.prep``.

The dose comes from exactly one source: a dose in mg, a saved plan with a
cycle and a day, or a body (height and weight, or a BSA) with a cycle, a day
and the response status. It is always computed by the planner's own rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from inoplan.domain.pharmacy import Worksheet


@dataclass(frozen=True)
class PreparedDose:
    """A worksheet with where its dose came from (``context``) and its heading."""

    worksheet: Worksheet
    context: dict[str, Any]
    heading: str

    def to_dict(self) -> dict[str, Any]:
        """The worksheet as ``inoplan prep --format json`` writes it (``inoplan.prep/1``)."""
        from inoplan.export.pharmacy import worksheet_to_dict

        return worksheet_to_dict(self.worksheet, self.context)


def prepare_dose(
    *,
    plan: str | Mapping[str, Any] | None = None,
    dose_mg: str | None = None,
    cycle: str | None = None,
    day: str | None = None,
    height: str | None = None,
    weight: str | None = None,
    bsa: str | None = None,
    bsa_formula: str | None = "mosteller",
    response: str | None = "pending",
    market: str | None = "us",
    reconstituted_at: str | None = None,
) -> PreparedDose:
    """The worksheet for one dose; :class:`InputError` names the first bad or conflicting input.

    ``plan`` is a saved plan's path or its loaded JSON data. Errors name the
    inputs as the command line does (``--dose-mg``, ``PLAN``).
    """
    from inoplan.domain.errors import InputError
    from inoplan.domain.pharmacy import parse_clock, parse_dose_mg, vial_for, worksheet
    from inoplan.inputs.dose_source import dose_from_body, dose_from_plan

    vial = vial_for(market or "us")
    at = None if reconstituted_at is None else parse_clock(reconstituted_at)
    body = any(v is not None for v in (height, weight, bsa))
    given = [
        name
        for name, present in (
            ("--dose-mg", dose_mg is not None),
            ("PLAN", plan is not None),
            ("--height/--weight/--bsa", body),
        )
        if present
    ]
    if len(given) != 1:
        raise InputError(
            given[1] if len(given) > 1 else "--dose-mg",
            "give exactly one of --dose-mg, a PLAN file with --cycle/--day, or "
            "--height and --weight (or --bsa) with --cycle/--day"
            + (f" (got {' and '.join(given)})" if given else ""),
        )
    if dose_mg is not None:
        for name, value in (("--cycle", cycle), ("--day", day)):
            if value is not None:
                raise InputError(name, "not used with --dose-mg")
        dose = parse_dose_mg(dose_mg)
        context: dict[str, Any] = {"source": "dose_mg"}
        heading = f"Compounding worksheet: {dose} mg"
        body_warnings: list[str] = []
    elif plan is not None:
        dose, context, heading, body_warnings = dose_from_plan(plan, cycle, day)
    else:
        dose, context, heading, body_warnings = dose_from_body(
            {
                "height": height,
                "weight": weight,
                "bsa": bsa,
                "bsa_formula": bsa_formula if bsa is None else None,
            },
            cycle,
            day,
            response or "pending",
        )
    return PreparedDose(worksheet(dose, vial, at, body_warnings), context, heading)
