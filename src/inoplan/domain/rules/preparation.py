"""Preparation and administration: vials, volumes, infusion, storage (spec section 7).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final, NamedTuple

from inoplan.domain.rules.body import BSA_M2_RANGE
from inoplan.domain.rules.course import (
    REGIMENS,
    VERIFY_NOTE,
    Evidence,
    Reminder,
)

# --- Preparation and administration (spec section 7) --------------------------------
# US PI 2.4, EU SmPC 6.6. Only the numbers the spec gives; what it does not give is
# ``None`` here and shown to the user as not known, never filled in.


class Vial(NamedTuple):
    """A single-dose vial of one market, as the spec describes it.

    ``usable_mg`` is the drug the vial delivers after reconstitution, used to count
    vials and waste. ``water_ml`` and ``deliverable_ml`` are ``None`` where the spec
    does not give them; ``usable_mg_evidence`` says how sure the usable amount is.
    """

    market: str
    label: str
    usable_mg: Decimal
    mg_per_ml: Decimal
    water_ml: Decimal | None
    deliverable_ml: Decimal | None
    evidence: Evidence
    usable_mg_evidence: Evidence
    note: str | None = None


VIALS: Final = {
    "us": Vial(
        market="us",
        label="US 0.9 mg vial",
        usable_mg=Decimal("0.9"),
        mg_per_ml=Decimal("0.25"),
        water_ml=Decimal("4"),
        deliverable_ml=Decimal("3.6"),
        evidence="L",
        usable_mg_evidence="L",
    ),
    "eu": Vial(
        market="eu",
        label="EU 1 mg vial",
        usable_mg=Decimal("1"),
        mg_per_ml=Decimal("0.25"),
        water_ml=None,
        deliverable_ml=None,
        evidence="L",
        # The spec gives 1 mg per vial but not whether all of it can be withdrawn.
        usable_mg_evidence="?",
        note=(
            "EU vial: the water volume per vial and the deliverable volume are not in "
            "inoplan's rules; take them from the SmPC. Vial count and waste assume the whole "
            "1 mg can be withdrawn"
        ),
    ),
}
MARKETS: Final = tuple(VIALS)
DEFAULT_MARKET: Final = "us"

#: Dilute with 0.9% sodium chloride to this total volume [L].
FINAL_VOLUME_ML: Final = Decimal("50")
DILUENT: Final = "0.9% sodium chloride"
RECONSTITUTION_FLUID: Final = "Sterile Water for Injection"
#: Infuse over 1 hour at 50 mL/h at room temperature [L].
INFUSION_RATE_ML_PER_H: Final = Decimal("50")
INFUSION_HOURS: Final = 1
#: At most this many hours from reconstitution to dilution [L, 3/2024].
RECONSTITUTION_TO_DILUTION_MAX_H: Final = 4
#: At most this many hours from reconstitution to the end of the infusion [L, 3/2024].
RECONSTITUTION_TO_INFUSION_END_MAX_H: Final = 8
#: Final concentration range for the 50 mL bag, mg/mL, from one hospital manual [?]:
#: warn outside it, never refuse. (The syringe range 0.025-0.1 mg/mL is not used:
#: inoplan prepares the 50 mL bag only.)
FINAL_MG_PER_ML_RANGE: Final = (Decimal("0.01"), Decimal("0.1"))
FINAL_MG_PER_ML_EVIDENCE: Final[Evidence] = "?"
#: Precision a pharmacy can measure [inoplan]: the volume drawn into a syringe is
#: shown to 0.01 mL (a 1 mL syringe is graduated in 0.01 mL; ``ML_STEP``); the
#: saline is shown to 0.1 mL, "to a total of 50 mL", as bags are not filled to
#: 0.01 mL. The exact figures stay in the JSON worksheet.
DILUENT_SHOWN_STEP_ML: Final = Decimal("0.1")
#: Whole-vial awareness [inoplan]: when the last vial supplies less than this share
#: of the dose (0.91 mg = one 0.9 mg vial + 0.01 mg from a second), the worksheet
#: says so, with the waste, and names dose rounding as the institution's decision.
#: It never rounds on its own.
EXTRA_VIAL_SHARE_PCT: Final = Decimal(5)
#: Many institutions round doses of biologics and cytotoxics to the nearest vial
#: size within 5-10% (HOPA dose-rounding guidance) [S].
DOSE_ROUNDING_POLICY_NOTE: Final = (
    "many institutions round doses to the nearest vial size within 5-10% (HOPA "
    "dose-rounding guidance); whether to is an institutional policy decision "
    "(inoplan worklist --round-within, off by default)"
)
#: "Start infusion by" is derived, not a label limit: the 8-hour limit from
#: reconstitution to the end of the infusion, minus the 1-hour infusion.
START_BY_DERIVATION: Final = (
    "derived: the 8 h limit from reconstitution to the end of the infusion, minus the 1 h "
    "infusion"
)
#: Concentrations are shown to this step (0.0292 mg/mL): 0.01 would hide the range check.
CONCENTRATION_STEP: Final = Decimal("0.0001")

#: Handling instructions printed on every worksheet, in order.
PREPARATION_STEPS: Final = (
    Reminder("swirl", "Swirl gently to dissolve; do not shake", "L"),
    Reminder(
        "light",
        "Protect the reconstituted and the diluted solution from light; do not freeze",
        "L",
    ),
    Reminder("room_temperature", "Infuse at room temperature", "L"),
    Reminder("no_push", "Not as an IV push or bolus", "S"),
    Reminder(
        "filter",
        "Filtering is not required; if filtered, use a PES, PVDF or hydrophilic polysulfone "
        "filter, not nylon or mixed cellulose ester (MCE)",
        "S",
    ),
    Reminder(
        "vials_storage",
        "Unopened vials: refrigerate at 2-8 C in the carton, protect from light, do not freeze",
        "S",
    ),
)
#: Per-step storage limits changed in 3/2024 and are not confirmed [?]: never printed.
STORAGE_LIMITS_NOTE: Final = (
    f"Per-step storage limits are not printed (changed in the 3/2024 label; {VERIFY_NOTE})"
)
#: The 3/2024 US label also describes syringe administration [L, headings only].
SYRINGE_NOTE: Final = (
    "This worksheet is for the 50 mL infusion bag; the US label (3/2024) also describes "
    f"administration by syringe, not covered here ({VERIFY_NOTE})"
)


def largest_plausible_dose_mg() -> Decimal:
    """The largest dose any plan can give: the largest plausible BSA x the largest mg/m2.

    4.0 m2 x 0.8 mg/m2 = 3.2 mg. A dose above it is refused as a typing error.
    """
    largest_mg_per_m2 = max(v for r in REGIMENS.values() for v in r.mg_per_m2.values())
    return BSA_M2_RANGE[1] * largest_mg_per_m2
