"""Body build: the check that stops the one typo that changes every dose (spec section 8).

Pure, no I/O. A height and a weight are read with their units
(:func:`~inoplan.domain.units.read_height`, :func:`~inoplan.domain.units.read_weight`); the
BMI (kg / m^2) of the two, from the values rounded to 0.1 cm and 0.1 kg,
decides what happens [inoplan]:

- BMI inside :data:`~inoplan.domain.rules.BMI_USUAL_RANGE` (12-50): planned;
- outside it, with a bare number (no unit) in either value: refused as
  ambiguous, with the readings that would make sense ("210 as pounds is
  95.3 kg"; "height 70 and weight 170 look swapped");
- outside it with explicit units (``210kg``): planned, with a warning naming the BMI;
- outside :data:`~inoplan.domain.rules.BMI_PLAUSIBLE_RANGE` (8-100): refused whatever the units.

The same check applies wherever a height and weight are read: options, batch
and worklist CSV rows, saved plans, and measurements recorded by ``inoplan replan``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from inoplan.domain import rules
from inoplan.domain.bsa import Bsa, compute_bsa
from inoplan.domain.errors import InputError
from inoplan.domain.units import CM_PER_INCH, KG_PER_POUND, Measure, fmt_decimal


def bmi(height_cm: Decimal, weight_kg: Decimal) -> Decimal:
    """kg / m^2, half-up to 0.1."""
    metres = height_cm / 100
    return (weight_kg / (metres * metres)).quantize(rules.BMI_STEP, rounding=ROUND_HALF_UP)


def _usual(height_cm: Decimal, weight_kg: Decimal) -> bool:
    h_lo, h_hi = rules.HEIGHT_CM_RANGE
    w_lo, w_hi = rules.WEIGHT_KG_RANGE
    if not (h_lo <= height_cm <= h_hi and w_lo <= weight_kg <= w_hi):
        return False
    lo, hi = rules.BMI_USUAL_RANGE
    return lo <= bmi(height_cm, weight_kg) <= hi


def _step(value: Decimal, step: Decimal) -> Decimal:
    return value.quantize(step, rounding=ROUND_HALF_UP)


def likely_slips(height: Measure, weight: Measure) -> list[str]:
    """The readings of bare numbers that give a usual BMI, most likely first."""
    hints: list[str] = []
    h, w = height.value, weight.value
    h_bare, w_bare = not height.unit_given, not weight.unit_given
    h_in = _step(h * CM_PER_INCH, rules.HEIGHT_STEP)
    w_lb = _step(w * KG_PER_POUND, rules.WEIGHT_STEP)
    ht, wt = fmt_decimal(h), fmt_decimal(w)
    if w_bare and _usual(h, w_lb):
        hints.append(f"{wt} as pounds is {fmt_decimal(w_lb)} kg: write {wt}lb or {wt}kg")
    if h_bare and _usual(h_in, w):
        hints.append(f"{ht} as inches is {fmt_decimal(h_in)} cm: write {ht}in or {ht}cm")
    if h_bare and w_bare and _usual(h_in, w_lb):
        hints.append(
            f"{ht} as inches and {wt} as pounds are {fmt_decimal(h_in)} cm and "
            f"{fmt_decimal(w_lb)} kg: write {ht}in and {wt}lb"
        )
    # A swap is named only when no unit slip explains the numbers (180 and 210 are
    # far more likely cm and pounds than 210 cm and 180 kg).
    single = len(hints) > 0 and not (h_bare and w_bare and _usual(h_in, w_lb))
    if h_bare and w_bare and not single and _usual(w, h):
        hints.append(
            f"height {ht} and weight {wt} look swapped ({wt} cm and {ht} kg): "
            f"write --height {wt}cm --weight {ht}kg if so"
        )
    return hints


def check_body_build(
    height: Measure, weight: Measure, height_field: str = "--height", weight_field: str = "--weight"
) -> Decimal:
    """The BMI of a height and weight, or :class:`InputError` as the module says.

    The error names the value without a unit (both when both lack one).
    """
    bare_fields = [
        f for f, m in ((height_field, height), (weight_field, weight)) if not m.unit_given
    ]
    field = " and ".join(bare_fields or [height_field, weight_field])
    value = bmi(height.value, weight.value)
    shown = f"BMI {fmt_decimal(value)} ({height.shown}, {weight.shown})"
    p_lo, p_hi = rules.BMI_PLAUSIBLE_RANGE
    u_lo, u_hi = rules.BMI_USUAL_RANGE
    if u_lo <= value <= u_hi:
        return value
    bare = not (height.unit_given and weight.unit_given)
    if bare:
        hints = likely_slips(height, weight)
        advice = "; or ".join(hints) if hints else "check both values"
        raise InputError(
            field,
            f"{shown} is outside {fmt_decimal(u_lo)}-{fmt_decimal(u_hi)} and a number without a "
            f"unit is ambiguous: {advice} (with units, such as 180cm and 95kg, an unusual build "
            "is planned with a warning)",
        )
    if not p_lo <= value <= p_hi:
        raise InputError(
            field,
            f"{shown} is not plausible; allowed {fmt_decimal(p_lo)}-{fmt_decimal(p_hi)}: check "
            "height and weight",
        )
    return value


def bsa_from_body(
    height: Measure,
    weight: Measure,
    formula: str = rules.DEFAULT_BSA_FORMULA,
    cap_m2: Decimal | None = None,
    field: str = "--bsa",
    formula_field: str = "--bsa-formula",
    height_field: str = "--height",
    weight_field: str = "--weight",
) -> Bsa:
    """The body-build check, then the BSA from the rounded values, with what was typed."""
    value = check_body_build(height, weight, height_field, weight_field)
    bsa = compute_bsa(height.value, weight.value, formula, cap_m2, field, formula_field)
    return bsa._replace(height_shown=height.shown, weight_shown=weight.shown, bmi=value)


def body_warnings(bsa: Bsa) -> list[str]:
    """What a person must look at in an unusual body build (planned, not refused)."""
    out: list[str] = []
    lo, hi = rules.BMI_USUAL_RANGE
    if bsa.bmi is not None and not lo <= bsa.bmi <= hi:
        out.append(
            f"unusual body build: BMI {fmt_decimal(bsa.bmi)} ({bsa.height_shown}, "
            f"{bsa.weight_shown}) is outside {fmt_decimal(lo)}-{fmt_decimal(hi)}: check height "
            "and weight before dosing"
        )
    largest = bsa.uncapped_m2 if bsa.uncapped_m2 is not None else bsa.m2
    if largest > rules.BSA_WARN_ABOVE_M2:
        what = "the BSA" if bsa.formula == "given" else "height and weight"
        out.append(
            f"{rules.BSA_LARGE_WARNING} ({largest} m2, above "
            f"{rules.BSA_WARN_ABOVE_M2} m2): check {what}"
        )
    return out
