"""The compounding worksheet for one dose, dose rounding and vial sharing.

Pure functions over :class:`~decimal.Decimal`, no I/O. Every volume and every
milligram is rounded half-up to 0.01 (spec section 8), so a pharmacist can
redo the worksheet on a calculator: 1.46 mg from US 0.9 mg vials at 0.25 mg/mL
is 2 vials, 1.46 / 0.25 = 5.84 mL withdrawn, 50 - 5.84 = 44.16 mL of 0.9%
sodium chloride, 2 x 0.9 - 1.46 = 0.34 mg left in the last vial.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from inoplan import rules
from inoplan.bsa import round_half_up
from inoplan.errors import InputError, quoted
from inoplan.rules import Reminder, Vial
from inoplan.units import parse_decimal

_CLOCK_RE = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])", re.ASCII)
_PERCENT_RE = re.compile(r"([0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*%?", re.ASCII)
_MG_STEP_RE = re.compile(r"([0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*(?:mg)?", re.ASCII)
VIAL_WORDS = frozenset({"vial", "vials", "whole-vial", "whole-vials"})


# --- parsing what the pharmacist types --------------------------------------------


def vial_for(market: str, field: str = "--market") -> Vial:
    """The vial of ``us`` or ``eu``."""
    key = market.strip().lower()
    if key not in rules.VIALS:
        raise InputError(
            field, f"{quoted(market)} is unknown; choose one of {', '.join(rules.MARKETS)}"
        )
    return rules.VIALS[key]


def check_dose_mg(dose: Decimal, field: str = "--dose-mg") -> Decimal:
    """A dose in mg: above 0, to 0.01 mg, and not above the largest plausible dose."""
    largest = rules.largest_plausible_dose_mg()
    if dose <= 0:
        raise InputError(field, f"{dose} mg is not allowed; a dose must be above 0 mg")
    if dose != round_half_up(dose, rules.MG_STEP):
        raise InputError(field, f"{dose} has more than 2 decimals; give the dose to 0.01 mg")
    if dose > largest:
        biggest_per_m2 = max(v for r in rules.REGIMENS.values() for v in r.mg_per_m2.values())
        raise InputError(
            field,
            f"{dose} mg is above any plausible dose: the largest is {largest} mg "
            f"({rules.BSA_M2_RANGE[1]} m2, the largest plausible BSA, x {biggest_per_m2} mg/m2)",
        )
    return round_half_up(dose, rules.MG_STEP)


def parse_dose_mg(text: str, field: str = "--dose-mg") -> Decimal:
    """A dose such as ``1.46`` or ``1.46mg``; negative numbers are named as such."""
    s = text.strip().lower()
    if s.startswith("-"):
        raise InputError(field, f"{quoted(text)} is not allowed; a dose cannot be negative")
    s = s.removesuffix("mg").strip()
    return check_dose_mg(parse_decimal(s, field, "a dose in mg such as 1.46"), field)


def parse_clock(text: str, field: str = "--reconstituted-at") -> dt.time:
    """A 24-hour clock time ``HH:MM`` such as ``08:15``."""
    m = _CLOCK_RE.fullmatch(text.strip())
    if not m:
        raise InputError(field, f"{quoted(text)} is not a time; use 24-hour HH:MM such as 08:15")
    return dt.time(int(m[1]), int(m[2]))


def parse_percent(text: str, field: str = "--round-within") -> Decimal:
    """A percentage above 0 and below 100, such as ``5%`` or ``2.5``."""
    m = _PERCENT_RE.fullmatch(text.strip())
    if not m or not Decimal(0) < Decimal(m[1]) < Decimal(100):
        raise InputError(field, f"{quoted(text)} is not allowed; give a percentage such as 5%")
    return Decimal(m[1])


@dataclass(frozen=True)
class RoundTo:
    """Round to multiples of ``step_mg``, or (``step_mg`` None) to whole vials."""

    step_mg: Decimal | None

    def step(self, vial: Vial) -> Decimal:
        return vial.usable_mg if self.step_mg is None else self.step_mg

    def describe(self, vial: Vial) -> str:
        if self.step_mg is None:
            return f"whole vials of {vial.usable_mg} mg"
        return f"a multiple of {self.step_mg} mg"


def parse_round_to(text: str, field: str = "--round-to") -> RoundTo:
    """``vial`` (whole vials) or a step in mg such as ``0.1`` or ``0.05mg``."""
    s = text.strip().lower()
    if s in VIAL_WORDS:
        return RoundTo(None)
    m = _MG_STEP_RE.fullmatch(s)
    if not m or Decimal(m[1]) <= 0 or Decimal(m[1]) != round_half_up(Decimal(m[1]), rules.MG_STEP):
        raise InputError(
            field,
            f"{quoted(text)} is not allowed; give a step in mg to 0.01 (0.1, 0.05mg) or 'vial'",
        )
    return RoundTo(Decimal(m[1]))


# --- the worksheet --------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    """A clock time, and how many days after the reconstitution day it falls."""

    at: dt.time
    days_later: int

    def __str__(self) -> str:
        text = self.at.strftime("%H:%M")
        if self.days_later == 1:
            return f"{text} (next day)"
        if self.days_later > 1:
            return f"{text} (+{self.days_later} days)"
        return text


def _after(start: dt.time, hours: int) -> Deadline:
    base = dt.datetime.combine(dt.date(2000, 1, 1), start)
    later = base + dt.timedelta(hours=hours)
    return Deadline(later.time(), (later.date() - base.date()).days)


@dataclass(frozen=True)
class Worksheet:
    """Everything needed to compound one dose (spec section 7)."""

    dose_mg: Decimal
    vial: Vial
    vials: int
    #: mL to withdraw from each vial, in order: full vials, then the last one; empty
    #: where the vial's deliverable volume is not in the rules (EU).
    draws_ml: tuple[Decimal, ...]
    withdraw_ml: Decimal
    diluent_ml: Decimal
    final_volume_ml: Decimal
    final_mg_per_ml: Decimal
    final_in_range: bool
    rate_ml_per_h: Decimal
    duration_h: int
    waste_mg: Decimal
    waste_ml: Decimal
    reconstituted_at: dt.time | None
    dilute_by: Deadline | None
    start_infusion_by: Deadline | None
    infusion_end_by: Deadline | None
    steps: tuple[Reminder, ...]
    warnings: tuple[str, ...]
    notes: tuple[str, ...]


def vials_needed(dose_mg: Decimal, vial: Vial) -> int:
    """Whole vials to cover the dose: ceil(dose / usable mg per vial)."""
    return int((dose_mg / vial.usable_mg).to_integral_value(rounding=ROUND_CEILING))


def withdraw_ml(dose_mg: Decimal, vial: Vial) -> Decimal:
    """dose / concentration, half-up to 0.01 mL."""
    return round_half_up(dose_mg / vial.mg_per_ml, rules.ML_STEP)


def worksheet(dose_mg: Decimal, vial: Vial, reconstituted_at: dt.time | None = None) -> Worksheet:
    """The compounding worksheet for ``dose_mg`` from ``vial``s (dose already checked)."""
    n = vials_needed(dose_mg, vial)
    volume = withdraw_ml(dose_mg, vial)
    per_vial = vial.deliverable_ml
    draws: tuple[Decimal, ...] = ()
    if per_vial is not None:
        draws = tuple([per_vial] * (n - 1) + [volume - per_vial * (n - 1)])
    diluent = rules.FINAL_VOLUME_ML - volume
    exact_final = dose_mg / rules.FINAL_VOLUME_ML
    final = exact_final.quantize(rules.CONCENTRATION_STEP, rounding=ROUND_HALF_UP)
    lo, hi = rules.FINAL_MG_PER_ML_RANGE
    in_range = lo <= exact_final <= hi
    waste_mg = round_half_up(vial.usable_mg * n - dose_mg, rules.MG_STEP)
    waste_ml = round_half_up(waste_mg / vial.mg_per_ml, rules.ML_STEP)

    warnings: list[str] = []
    if not in_range:
        warnings.append(
            f"final concentration {final} mg/mL is outside {lo}-{hi} mg/mL for a 50 mL bag "
            f"({rules.VERIFY_NOTE}); check before dispensing"
        )
    notes: list[str] = []
    if vial.note:
        notes.append(f"{vial.note} ({rules.VERIFY_NOTE})")
    notes.append(rules.STORAGE_LIMITS_NOTE)
    notes.append(rules.SYRINGE_NOTE)

    dilute_by = start_by = end_by = None
    if reconstituted_at is not None:
        dilute_by = _after(reconstituted_at, rules.RECONSTITUTION_TO_DILUTION_MAX_H)
        end_by = _after(reconstituted_at, rules.RECONSTITUTION_TO_INFUSION_END_MAX_H)
        start_by = _after(
            reconstituted_at, rules.RECONSTITUTION_TO_INFUSION_END_MAX_H - rules.INFUSION_HOURS
        )
    return Worksheet(
        dose_mg=dose_mg,
        vial=vial,
        vials=n,
        draws_ml=draws,
        withdraw_ml=volume,
        diluent_ml=diluent,
        final_volume_ml=rules.FINAL_VOLUME_ML,
        final_mg_per_ml=final,
        final_in_range=in_range,
        rate_ml_per_h=rules.INFUSION_RATE_ML_PER_H,
        duration_h=rules.INFUSION_HOURS,
        waste_mg=waste_mg,
        waste_ml=waste_ml,
        reconstituted_at=reconstituted_at,
        dilute_by=dilute_by,
        start_infusion_by=start_by,
        infusion_end_by=end_by,
        steps=rules.PREPARATION_STEPS,
        warnings=tuple(warnings),
        notes=tuple(notes),
    )


# --- dose rounding (off unless asked) ----------------------------------------------------


@dataclass(frozen=True)
class Rounding:
    """An ordered dose, the dose to prepare, and why."""

    ordered_mg: Decimal
    rounded_mg: Decimal
    #: (rounded - ordered) / ordered x 100, half-up to 0.01 %.
    change_pct: Decimal
    applied: bool
    reason: str


def round_dose(ordered: Decimal, within_pct: Decimal, to: RoundTo, vial: Vial) -> Rounding:
    """Round ``ordered`` to the nearest step (halves up), only if within ``within_pct``.

    The change is measured exactly before the percentage is rounded for display,
    so a change of 5.004% is never accepted under a 5% limit.
    """
    step = to.step(vial)
    candidate = (ordered / step).to_integral_value(rounding=ROUND_HALF_UP) * step
    candidate = round_half_up(candidate, rules.MG_STEP)
    exact_pct = (candidate - ordered) / ordered * 100
    shown_pct = round_half_up(exact_pct, Decimal("0.01"))
    target = to.describe(vial)
    if candidate == ordered:
        return Rounding(ordered, ordered, Decimal("0.00"), False, f"already {target}")
    if abs(exact_pct) > within_pct or candidate <= 0:
        return Rounding(
            ordered,
            ordered,
            Decimal("0.00"),
            False,
            f"not rounded: {target} would be {candidate} mg ({shown_pct:+}%), "
            f"beyond the {within_pct}% limit",
        )
    largest = rules.largest_plausible_dose_mg()
    if candidate > largest:
        return Rounding(
            ordered,
            ordered,
            Decimal("0.00"),
            False,
            f"not rounded: {target} would be {candidate} mg, above the largest plausible "
            f"dose of {largest} mg",
        )
    return Rounding(
        ordered,
        candidate,
        shown_pct,
        True,
        f"rounded to {target} ({shown_pct:+}%, within {within_pct}%)",
    )


# --- vial sharing (off unless asked) ------------------------------------------------------


@dataclass(frozen=True)
class Sharing:
    """Vials and waste for a group of doses, prepared one by one or from shared vials."""

    doses: int
    vials_separate: int
    waste_separate_mg: Decimal
    vials_shared: int
    waste_shared_mg: Decimal

    @property
    def vials_saved(self) -> int:
        return self.vials_separate - self.vials_shared


def share(doses_mg: Sequence[Decimal], vial: Vial) -> Sharing:
    """Each dose from its own vials, against all doses drawn from a common pool of vials."""
    total = sum(doses_mg, Decimal(0))
    separate = sum(vials_needed(d, vial) for d in doses_mg)
    shared = vials_needed(total, vial) if doses_mg else 0
    return Sharing(
        doses=len(doses_mg),
        vials_separate=separate,
        waste_separate_mg=round_half_up(vial.usable_mg * separate - total, rules.MG_STEP),
        vials_shared=shared,
        waste_shared_mg=round_half_up(vial.usable_mg * shared - total, rules.MG_STEP),
    )
