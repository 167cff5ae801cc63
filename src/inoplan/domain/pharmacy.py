"""The compounding worksheet for one dose, dose rounding and vial sharing.

Pure functions over :class:`~decimal.Decimal`, no I/O. Every volume and every
milligram is rounded half-up to 0.01 (spec section 8), so a pharmacist can
redo the worksheet on a calculator: 1.46 mg from US 0.9 mg vials at 0.25 mg/mL
is 2 vials, 1.46 / 0.25 = 5.84 mL withdrawn, 50 - 5.84 = 44.16 mL of 0.9%
sodium chloride, 2 x 0.9 - 1.46 = 0.34 mg left in the last vial.

What a pharmacy can measure (spec section 7) [inoplan]: the draws are shown to
0.01 mL, the saline to 0.1 mL "to a total of 50 mL" (44.2 mL); the exact
44.16 mL stays in the JSON worksheet.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from inoplan.domain import rules
from inoplan.domain.bsa import round_half_up
from inoplan.domain.errors import InputError, quoted
from inoplan.domain.rules import Reminder, Vial
from inoplan.domain.units import parse_decimal

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
    #: The saline to add as measured on a bag, half-up to 0.1 mL ("to a total of 50 mL");
    #: ``diluent_ml`` keeps the exact figure for the record.
    diluent_shown_ml: Decimal = Decimal(0)
    #: Set when the last vial is opened for under 5% of the dose (see :class:`ExtraVial`).
    extra_vial: ExtraVial | None = None


@dataclass(frozen=True)
class ExtraVial:
    """A vial opened for a small remainder of the dose, and the whole-vial alternative.

    The alternative is shown, never applied: rounding a dose is the institution's
    policy decision (spec section 7).
    """

    #: mg drawn from the last vial, and its share of the dose (half-up to 0.1 %).
    remainder_mg: Decimal
    share_pct: Decimal
    #: mg left in the last vial (the worksheet's waste).
    waste_mg: Decimal
    #: The dose from one vial fewer, and its change from the ordered dose (to 0.01 %).
    whole_vials: int
    whole_vial_mg: Decimal
    whole_vial_change_pct: Decimal

    @property
    def text(self) -> str:
        """One plain sentence for the worksheet."""
        nth = {2: "2nd", 3: "3rd"}.get(self.whole_vials + 1, f"{self.whole_vials + 1}th")
        vials = "vial" if self.whole_vials == 1 else "vials"
        return (
            f"a {nth} vial is opened for {self.remainder_mg} mg, {self.share_pct}% of the dose; "
            f"{self.waste_mg} mg of it is wasted. Whole-vial alternative: {self.whole_vial_mg} mg "
            f"({self.whole_vials} {vials}, {self.whole_vial_change_pct:+}%), not applied: "
            f"{rules.DOSE_ROUNDING_POLICY_NOTE}"
        )


def extra_vial(dose_mg: Decimal, vial: Vial) -> ExtraVial | None:
    """The :class:`ExtraVial` of a dose, or ``None`` when the last vial supplies 5% or more.

    0.91 mg from 0.9 mg vials: 2 vials, the 2nd for 0.91 - 0.9 = 0.01 mg = 1.1% of the
    dose (0.01 / 0.91 = 1.099%), 1.8 - 0.91 = 0.89 mg wasted; alternative 0.9 mg,
    (0.9 - 0.91) / 0.91 = -1.10%.
    """
    n = vials_needed(dose_mg, vial)
    if n < 2:
        return None
    remainder = dose_mg - vial.usable_mg * (n - 1)
    if remainder * 100 >= rules.EXTRA_VIAL_SHARE_PCT * dose_mg:
        return None
    whole = vial.usable_mg * (n - 1)
    return ExtraVial(
        remainder_mg=round_half_up(remainder, rules.MG_STEP),
        share_pct=round_half_up(remainder / dose_mg * 100, Decimal("0.1")),
        waste_mg=round_half_up(vial.usable_mg * n - dose_mg, rules.MG_STEP),
        whole_vials=n - 1,
        whole_vial_mg=round_half_up(whole, rules.MG_STEP),
        whole_vial_change_pct=round_half_up((whole - dose_mg) / dose_mg * 100, Decimal("0.01")),
    )


def vials_needed(dose_mg: Decimal, vial: Vial) -> int:
    """Whole vials to cover the dose: ceil(dose / usable mg per vial)."""
    return int((dose_mg / vial.usable_mg).to_integral_value(rounding=ROUND_CEILING))


def withdraw_ml(dose_mg: Decimal, vial: Vial) -> Decimal:
    """dose / concentration, half-up to 0.01 mL."""
    return round_half_up(dose_mg / vial.mg_per_ml, rules.ML_STEP)


def worksheet(
    dose_mg: Decimal,
    vial: Vial,
    reconstituted_at: dt.time | None = None,
    body_warnings: Sequence[str] = (),
) -> Worksheet:
    """The compounding worksheet for ``dose_mg`` from ``vial``s (dose already checked).

    ``body_warnings`` (an unusual BMI, a BSA above 3.0 m2) come first among its warnings.
    """
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

    warnings: list[str] = list(body_warnings)
    if not in_range:
        warnings.append(
            f"final concentration {final} mg/mL is outside {lo}-{hi} mg/mL for a 50 mL bag "
            f"({rules.VERIFY_NOTE}); check before dispensing"
        )
    notes: list[str] = []
    extra = extra_vial(dose_mg, vial)
    if extra is not None:
        notes.append(f"Extra vial: {extra.text}")
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
        diluent_shown_ml=round_half_up(diluent, rules.DILUENT_SHOWN_STEP_ML),
        extra_vial=extra,
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
