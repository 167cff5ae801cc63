"""Dose modifications from laboratory values and toxicities (spec section 6).
"""

from __future__ import annotations

from decimal import Decimal
from enum import Enum
from typing import Final, NamedTuple

from inoplan.domain.rules.course import (
    LATE_CYCLE_DAYS,
    VERIFY_NOTE,
    Evidence,
)

# --- Dose modifications from laboratory values (spec section 6) -------------------
#
# Units: ANC and platelets in x 10^9/L (= x 10^3/mm3 = x 10^3/uL); bilirubin, AST
# and ALT as measured, with their upper limit of normal (ULN) in the same unit.


class Action(str, Enum):
    """What a rule says about the next dose, from mildest to most severe."""

    GIVE = "give"
    HOLD = "hold"
    DISCONTINUE = "discontinue"

    @property
    def severity(self) -> int:
        return {"give": 0, "hold": 1, "discontinue": 2}[self.value]


#: Hematologic thresholds, x 10^9/L [L].
ANC_THRESHOLD: Final = Decimal(1)
PLATELET_THRESHOLD: Final = Decimal(50)
#: US label: discontinue if low counts persist longer than this and are
#: suspected drug-related (the suspicion is the clinician's) [L].
HEMATOLOGIC_PERSIST_DAYS: Final = LATE_CYCLE_DAYS
#: Liver tests, multiples of the ULN [L].
BILIRUBIN_ULN_LIMIT: Final = Decimal("1.5")
TRANSAMINASE_ULN_LIMIT: Final = Decimal("2.5")
#: CTCAE grade from which other non-hematologic toxicity holds the dose [?].
OTHER_TOXICITY_HOLD_GRADE: Final = 2
#: Infusion-related reaction severities, as ``inoplan check --irr`` takes them.
IRR_SEVERITIES: Final = ("none", "mild", "moderate", "severe", "life-threatening")


class ModificationRule(NamedTuple):
    """One row of the spec's dose-modification tables, quoted."""

    key: str
    table: str
    condition: str
    action: str
    evidence: Evidence

    @property
    def quote(self) -> str:
        text = f"{self.condition}: {self.action}"
        if self.evidence == "?":
            return f"{text} ({VERIFY_NOTE})"
        return text


HEMATOLOGIC_DAYS_8_15: Final = ModificationRule(
    "hematologic_days_8_15",
    "dose modifications",
    "Doses on days 8 and 15",
    "not interrupted for neutropenia or thrombocytopenia; interruptions within a cycle "
    "are for non-hematologic toxicity",
    "L",
)
ANC_NORMAL_BASELINE: Final = ModificationRule(
    "anc_baseline_normal",
    "hematologic toxicity (day 1)",
    "Pre-treatment ANC >= 1 x 10^9/L",
    "if ANC falls, hold the next cycle until ANC >= 1 x 10^9/L; US: discontinue if low "
    "ANC persists > 28 days and is suspected drug-related",
    "L",
)
PLATELETS_NORMAL_BASELINE: Final = ModificationRule(
    "platelets_baseline_normal",
    "hematologic toxicity (day 1)",
    "Pre-treatment platelets >= 50 x 10^9/L",
    "if platelets fall, hold the next cycle until platelets >= 50 x 10^9/L; US: "
    "discontinue if low platelets persist > 28 days and is suspected drug-related",
    "L",
)
LOW_BASELINE: Final = ModificationRule(
    "counts_baseline_low",
    "hematologic toxicity (day 1)",
    "Pre-treatment ANC < 1 x 10^9/L and/or platelets < 50 x 10^9/L",
    "if counts fall, hold the next cycle until (a) ANC and platelets recover to at least "
    "the prior cycle's baseline, or (b) ANC >= 1 x 10^9/L and platelets >= 50 x 10^9/L, "
    "or (c) stable or improved disease on the latest marrow and the fall is judged due to "
    "the disease (clinician's judgement)",
    "L",
)
PLATELETS_TRANSFUSION: Final = ModificationRule(
    "platelets_transfusion",
    "hematologic toxicity (day 1)",
    "Platelet counts used for dosing",
    "are independent of transfusion",
    "L",
)
VOD: Final = ModificationRule(
    "vod",
    "non-hematologic toxicity",
    "VOD/SOS or other severe liver toxicity",
    "permanently discontinue",
    "L",
)
LIVER: Final = ModificationRule(
    "liver_tests",
    "non-hematologic toxicity",
    "Total bilirubin > 1.5 x ULN and AST/ALT > 2.5 x ULN",
    "hold until bilirubin <= 1.5 x ULN and AST/ALT <= 2.5 x ULN before each dose, unless "
    "due to Gilbert's syndrome or hemolysis; permanently discontinue if bilirubin or "
    "AST/ALT does not recover",
    "L",
)
IRR: Final = ModificationRule(
    "infusion_reaction",
    "non-hematologic toxicity",
    "Infusion-related reaction",
    "interrupt the infusion; severe or life-threatening: permanently discontinue",
    "L",
)
OTHER_TOXICITY: Final = ModificationRule(
    "other_toxicity",
    "non-hematologic toxicity",
    "Other non-hematologic toxicity >= grade 2 (CTCAE)",
    "hold until grade 1 or pre-treatment grade before each dose",
    "?",
)

#: Plausible laboratory input [inoplan]: a count above these is almost surely in
#: another unit (cells/mm3 instead of x 10^9/L) and is refused, not guessed.
ANC_RANGE: Final = (Decimal(0), Decimal(100))
PLATELET_RANGE: Final = (Decimal(0), Decimal(2000))
