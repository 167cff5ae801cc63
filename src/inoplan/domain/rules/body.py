"""Body size: the BSA formulas, plausible heights, weights and BMI, rounding steps (spec section 8).

Also the plausible start years: input outside them is taken for a typing error.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

# --- Body surface area (spec section 8) [inoplan] -----------------------------------

BSA_FORMULAS: Final = ("mosteller", "dubois", "haycock", "gehan-george", "boyd")
DEFAULT_BSA_FORMULA: Final = "mosteller"
#: Plausible input; outside these inoplan refuses (exit status 2).
HEIGHT_CM_RANGE: Final = (Decimal(50), Decimal(250))
WEIGHT_KG_RANGE: Final = (Decimal(5), Decimal(350))
#: [inoplan, revised] 3.5 m2 refused real patients (200 cm / 250 kg = 3.73 m2).
BSA_M2_RANGE: Final = (Decimal("0.25"), Decimal("4.0"))
#: Above this BSA a plan is made with a warning [inoplan].
BSA_WARN_ABOVE_M2: Final = Decimal("3.0")
BSA_LARGE_WARNING: Final = "unusually large BSA"
#: Body build [inoplan]: BMI = kg / m^2 from the same (rounded) height and weight.
#: A bare number (no unit) is accepted only with a BMI in this range; with explicit
#: units a BMI outside it is planned with a warning.
BMI_USUAL_RANGE: Final = (Decimal(12), Decimal(50))
#: A BMI outside this range is refused whatever the units.
BMI_PLAUSIBLE_RANGE: Final = (Decimal(8), Decimal(100))
#: BMI is shown to this step.
BMI_STEP: Final = Decimal("0.1")
#: A height or weight is used (and shown) to this step, half-up, after any unit
#: conversion: the BSA is computed from the values shown [inoplan].
HEIGHT_STEP: Final = Decimal("0.1")
WEIGHT_STEP: Final = Decimal("0.1")
#: Rounding steps, all half-up in decimal arithmetic.
BSA_STEP: Final = Decimal("0.01")
MG_STEP: Final = Decimal("0.01")
ML_STEP: Final = Decimal("0.01")
BSA_CAP_WARNING: Final = (
    "BSA capped: ASCO guidance (Griggs et al., J Clin Oncol 2012;30:1553, update 2021) "
    "recommends actual body weight and full doses in obese adults, without capping BSA"
)

#: Weight changes during treatment [inoplan; site policy, S]: the label says nothing
#: on recalculation; common practice recomputes the BSA when the weight differs by
#: 10% or more from the weight the doses are based on (some sites use 5%).
#: ``inoplan replan --recalc-threshold`` sets it; printed in the policy line.
RECALC_THRESHOLD_PCT: Final = Decimal(10)

# --- Plausible input (reliability) [inoplan] --------------------------------------

#: The years a course may start in. A start date outside them is taken for a
#: typing error (2206 or 0226 for 2026) and refused (exit status 2); near year
#: 9999 the plan's dates could not even be computed.
START_YEAR_RANGE: Final = (2000, 2099)
