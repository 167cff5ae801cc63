"""Body surface area: the five formulas of the spec and their rounding.

All arithmetic is :class:`~decimal.Decimal` (28 significant digits), and the
result is rounded half-up to 0.01 m2, so a pharmacist redoing it by hand on a
calculator gets the same figure. Height is in cm and weight in kg.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import NamedTuple

from inoplan.domain.errors import InputError, quoted
from inoplan.domain.rules import BSA_FORMULAS, BSA_M2_RANGE, BSA_STEP
from inoplan.domain.units import check_range


def _mosteller(h: Decimal, w: Decimal) -> Decimal:
    return (h * w / 3600).sqrt()


def _dubois(h: Decimal, w: Decimal) -> Decimal:
    return Decimal("0.007184") * h ** Decimal("0.725") * w ** Decimal("0.425")


def _haycock(h: Decimal, w: Decimal) -> Decimal:
    return Decimal("0.024265") * h ** Decimal("0.3964") * w ** Decimal("0.5378")


def _gehan_george(h: Decimal, w: Decimal) -> Decimal:
    return Decimal("0.0235") * h ** Decimal("0.42246") * w ** Decimal("0.51456")


def _boyd(h: Decimal, w: Decimal) -> Decimal:
    grams = 1000 * w
    exponent = Decimal("0.7285") - Decimal("0.0188") * grams.log10()
    return Decimal("0.0003207") * h ** Decimal("0.3") * grams**exponent


#: Formula name -> function of (height cm, weight kg) giving the unrounded m2.
FORMULAS: dict[str, Callable[[Decimal, Decimal], Decimal]] = {
    "mosteller": _mosteller,
    "dubois": _dubois,
    "haycock": _haycock,
    "gehan-george": _gehan_george,
    "boyd": _boyd,
}
assert tuple(FORMULAS) == BSA_FORMULAS

FORMULA_TEXT: dict[str, str] = {
    "mosteller": "sqrt(H x W / 3600)",
    "dubois": "0.007184 x H^0.725 x W^0.425",
    "haycock": "0.024265 x H^0.3964 x W^0.5378",
    "gehan-george": "0.0235 x H^0.42246 x W^0.51456",
    "boyd": "0.0003207 x H^0.3 x (1000 W)^(0.7285 - 0.0188 log10(1000 W))",
}


def round_half_up(value: Decimal, step: Decimal) -> Decimal:
    """Round to ``step`` (such as 0.01), halves away from zero."""
    return value.quantize(step, rounding=ROUND_HALF_UP)


class Bsa(NamedTuple):
    """A body surface area and how it was obtained.

    ``m2`` is the value doses are computed from (rounded, and capped if asked);
    ``exact_m2`` the unrounded formula result (``None`` when given directly).
    """

    m2: Decimal
    formula: str  # a formula name, or "given"
    height_cm: Decimal | None = None
    weight_kg: Decimal | None = None
    exact_m2: Decimal | None = None
    uncapped_m2: Decimal | None = None
    #: What the user typed and what it became (``5 ft 11 in (180.3 cm)``), if known.
    height_shown: str | None = None
    weight_shown: str | None = None
    #: kg / m^2 from the same height and weight, to 0.1 (:mod:`inoplan.domain.body`).
    bmi: Decimal | None = None

    @property
    def capped(self) -> bool:
        return self.uncapped_m2 is not None and self.uncapped_m2 != self.m2

    @property
    def body_text(self) -> str | None:
        """``5 ft 11 in (180.3 cm) / 210 lb (95.3 kg)``; ``None`` for a BSA given directly."""
        if self.height_cm is None or self.weight_kg is None:
            return None
        h = self.height_shown or f"{_plain(self.height_cm)} cm"
        w = self.weight_shown or f"{_plain(self.weight_kg)} kg"
        return f"{h} / {w}"

    @property
    def working(self) -> str:
        """The arithmetic, for a pharmacist to check by hand."""
        if self.formula == "given":
            text = f"given as {self.m2} m2"
        else:
            h, w = _plain(self.height_cm), _plain(self.weight_kg)
            text = (
                f"{self.formula}: {FORMULA_TEXT[self.formula]} with H={h} cm, "
                f"W={w} kg = {self.exact_m2:.4f} -> {self.uncapped_m2 or self.m2} m2"
            )
        if self.capped:
            text += f", capped to {self.m2} m2"
        return text


def _plain(value: Decimal | None) -> str:
    """``170.0`` -> ``170``, ``180.3`` stays: no trailing zeros, no exponent."""
    return "" if value is None else f"{value.normalize():f}"


def exact_bsa(height_cm: Decimal, weight_kg: Decimal, formula: str) -> Decimal:
    """The unrounded BSA in m2 by ``formula``."""
    with localcontext() as ctx:
        ctx.prec = 28
        return +FORMULAS[formula](height_cm, weight_kg)


def compute_bsa(
    height_cm: Decimal,
    weight_kg: Decimal,
    formula: str = "mosteller",
    cap_m2: Decimal | None = None,
    field: str = "--bsa",
    formula_field: str = "--bsa-formula",
) -> Bsa:
    """BSA from height and weight, rounded half-up to 0.01 m2 and range-checked."""
    if formula not in FORMULAS:
        raise InputError(
            formula_field, f"{quoted(formula)} is unknown; allowed {', '.join(FORMULAS)}"
        )
    exact = exact_bsa(height_cm, weight_kg, formula)
    rounded = round_half_up(exact, BSA_STEP)
    check_range(rounded, f"{field} (from height and weight)", *BSA_M2_RANGE, unit="m2")
    return _apply_cap(
        Bsa(m2=rounded, formula=formula, height_cm=height_cm, weight_kg=weight_kg, exact_m2=exact),
        cap_m2,
    )


def given_bsa(m2: Decimal, cap_m2: Decimal | None = None, field: str = "--bsa") -> Bsa:
    """A BSA given directly: it must be plausible and already be to 0.01 m2."""
    # The range first: rounding a huge number to 0.01 overflows the decimal context.
    check_range(m2, field, *BSA_M2_RANGE, unit="m2")
    if m2 != round_half_up(m2, BSA_STEP):
        raise InputError(field, f"{m2} has more than 2 decimals; give the BSA to 0.01 m2")
    return _apply_cap(Bsa(m2=round_half_up(m2, BSA_STEP), formula="given"), cap_m2)


def check_cap(cap_m2: Decimal, field: str = "--bsa-cap") -> Decimal:
    """A cap must itself be a plausible BSA to 0.01 m2."""
    check_range(cap_m2, field, *BSA_M2_RANGE, unit="m2")
    return round_half_up(cap_m2, BSA_STEP)


def _apply_cap(bsa: Bsa, cap_m2: Decimal | None) -> Bsa:
    if cap_m2 is None:
        return bsa
    return bsa._replace(m2=min(bsa.m2, cap_m2), uncapped_m2=bsa.m2)
