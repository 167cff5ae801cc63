"""The JSON plan, schema ``inoplan.plan/1``.

Stable and versioned: keys are only ever added within a schema version.
Dates are ISO 8601 strings, numbers are JSON numbers, keys sorted.

``provenance`` records how the plan was made: the inoplan version, the label
revision the rules follow, the dosing policy (BSA formula, weight, rounding,
cap, market) and the ``inoplan-doses/1`` hash of the doses (defined in
:mod:`inoplan.domain.provenance`), which ``inoplan verify`` checks.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from inoplan import __version__
from inoplan.domain import rules
from inoplan.domain.plan import Cycle, Dose, Plan, boxed_warning, weekday
from inoplan.domain.provenance import provenance_dict

SCHEMA = "inoplan.plan/1"


def num(value: Decimal) -> float:
    """A Decimal as a JSON number.

    Plan values have at most a few significant digits (``1.46``, ``0.91``), and
    Python prints a float with the shortest digits that read back to it, so
    the JSON text carries exactly the decimal value (``1.10`` prints ``1.1``).
    """
    return float(value)


def dose_to_dict(dose: Dose) -> dict[str, Any]:
    out: dict[str, Any] = {
        "cycle": dose.cycle,
        "day": dose.day,
        "label": dose.label,
        "date": dose.date.isoformat(),
        "weekday": weekday(dose.date),
        "mg_per_m2": num(dose.mg_per_m2),
        "mg": num(dose.mg),
        "status": dose.status,
        "sequence": dose.sequence,
    }
    if dose.planned_date is not None:
        out["planned_date"] = dose.planned_date.isoformat()
    if dose.bsa_m2 is not None:
        out["bsa_m2"] = num(dose.bsa_m2)
    if dose.notes:
        out["notes"] = list(dose.notes)
    return out


def cycle_to_dict(cycle: Cycle) -> dict[str, Any]:
    return {
        "number": cycle.number,
        "start": cycle.start.isoformat(),
        "end": cycle.end.isoformat(),
        "length_days": cycle.length_days,
        "regimen": cycle.regimen.key,
        "total_mg_per_m2": num(cycle.total_mg_per_m2),
        "total_mg": num(cycle.total_mg),
        "doses": [dose_to_dict(d) for d in cycle.doses],
    }


def boxed_warning_dict(plan: Plan) -> dict[str, Any]:
    """The label's boxed warning (spec 4a), with the points specific to this plan."""
    return {
        "title": rules.BOXED_WARNING_TITLE,
        "points": [
            {"key": r.key, "text": r.display, "evidence": r.evidence} for r in boxed_warning(plan)
        ],
    }


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """The plan as plain JSON-ready data."""
    req = plan.request
    bsa = plan.bsa
    follow = plan.followup
    dose_reminders = [
        {"key": r.key, "text": r.display, "evidence": r.evidence, "applies_to": "each dose"}
        for r in rules.DOSE_REMINDERS
    ]
    plan_reminders = [
        {"key": r.key, "text": r.display, "evidence": r.evidence, "applies_to": "plan"}
        for r in plan.reminders
    ]
    return {
        "schema": SCHEMA,
        "generator": {"name": "inoplan", "version": __version__},
        "label_revision": rules.LABEL_REVISION,
        "patient": {
            "id": req.patient_id,
            "height_cm": None if bsa.height_cm is None else num(bsa.height_cm),
            "weight_kg": None if bsa.weight_kg is None else num(bsa.weight_kg),
            "bsa_m2": num(bsa.m2),
            "bsa_formula": bsa.formula,
            "bsa_uncapped_m2": None if bsa.uncapped_m2 is None else num(bsa.uncapped_m2),
            "bsa_working": bsa.working,
            # What was typed and what it became, to 0.1 cm / 0.1 kg; and the BMI of
            # the two (spec section 8). null for a BSA given directly.
            "height_weight_shown": bsa.body_text,
            "bmi": None if bsa.bmi is None else num(bsa.bmi),
        },
        "inputs": dict(req.inputs),
        "provenance": provenance_dict(plan),
        "start": req.start.isoformat(),
        "response": req.response.value,
        "hsct": req.hsct,
        "mrd": req.mrd.value,
        "first_cycle_days": req.first_cycle_days,
        "cycles_requested": req.cycles,
        "blasts_per_mm3": req.blasts_per_mm3,
        "cycle_limit": {
            "cycles": plan.limit.cycles,
            "most": plan.limit.most,
            "reason": plan.limit.reason,
            "note": plan.limit.note,
        },
        "cycles": [cycle_to_dict(c) for c in plan.cycles],
        "cumulative_mg_per_m2": num(plan.cumulative_mg_per_m2),
        "cumulative_mg": num(plan.cumulative_mg),
        "first_dose": plan.first_dose.isoformat(),
        "last_dose": plan.last_dose.isoformat(),
        "followup": {
            "contraception_female_until": follow.contraception_female_until.isoformat(),
            "contraception_male_until": follow.contraception_male_until.isoformat(),
            "no_breastfeeding_until": follow.no_breastfeeding_until.isoformat(),
        },
        "reminders": dose_reminders + plan_reminders,
        "boxed_warning": boxed_warning_dict(plan),
        "notes": list(plan.notes),
        "warnings": list(plan.warnings),
        "omitted_doses": [dose_to_dict(d) for d in plan.omitted],
        # What happened, re-read by `inoplan replan` and when a plan is verified.
        "revision": plan.revision,
        "events": [dict(e) for e in plan.events],
    }


def dumps(data: dict[str, Any]) -> str:
    """The project's JSON style: indented, sorted keys, UTF-8 text, newline at the end."""
    return dumps_bytes(data).decode("utf-8")


def dumps_bytes(data: dict[str, Any], *, fast: bool = False) -> bytes:
    """:func:`dumps` as UTF-8 bytes, the same bytes whichever encoder writes them.

    The standard library's encoder runs in pure Python when it indents; with
    ``fast``, orjson (a C encoder, if installed) writes the same bytes for the
    same data about 15 times faster, with one exception: a float below 1e-4
    (``1e-05`` here, ``0.00001`` there), or not finite. Such data, and anything
    that is not plain JSON data (dict, list, tuple, str, int, float, bool,
    None, string keys), goes to the standard encoder. ``fast`` pays where many
    files are written (``inoplan batch``); for one plan, loading orjson costs
    more than it saves.
    """
    encoder = _orjson() if fast else None
    if encoder is not None and _plain(data):
        try:
            encoded: bytes = encoder.dumps(data, option=_ORJSON_OPTIONS)
            return encoded + b"\n"
        except (TypeError, ValueError):  # an integer beyond 64 bits, a lone surrogate
            pass
    text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return text.encode("utf-8")


_ORJSON_OPTIONS = 0
_ORJSON: Any = None
_PLAIN_LEAVES = frozenset({str, int, bool, type(None)})
_FLOAT_MAX = 1.7976931348623157e308


def _orjson() -> Any:
    """The orjson module, imported on first use; ``None`` where it is not installed."""
    global _ORJSON, _ORJSON_OPTIONS
    if _ORJSON is None:
        try:
            import orjson
        except ImportError:
            _ORJSON = False
        else:
            _ORJSON = orjson
            _ORJSON_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS
    return _ORJSON or None


def _plain(data: object) -> bool:
    """Whether orjson writes ``data`` exactly as ``json.dumps(indent=2, sort_keys=True)``."""
    stack: list[Any] = [data]
    pop, push = stack.pop, stack.extend
    leaves = _PLAIN_LEAVES
    while stack:
        item = pop()
        kind = type(item)
        if kind is dict:
            for key in item:
                if type(key) is not str:
                    return False
            push(item.values())
        elif kind is list or kind is tuple:
            push(item)
        elif kind is float:
            if not (1e-4 <= abs(item) <= _FLOAT_MAX or item == 0.0):
                return False  # tiny (another notation), NaN or infinite
        elif kind not in leaves:
            return False
    return True


def render(plan: Plan) -> str:
    """The plan as JSON text."""
    return dumps(plan_to_dict(plan))


def render_bytes(plan: Plan, *, fast: bool = False) -> bytes:
    """The plan as the UTF-8 bytes of its JSON file (``fast``: see :func:`dumps_bytes`)."""
    return dumps_bytes(plan_to_dict(plan), fast=fast)
