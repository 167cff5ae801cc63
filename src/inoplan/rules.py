"""The label as data: every clinical number inoplan uses, in one place.

Each fact comes from ``clinical-spec.md`` and carries its evidence level:

- ``L``: label wording (US PI revised 3/2024, or the EU SmPC);
- ``S``: several secondary sources agree;
- ``?``: not confirmed; shown to the user with "verify against the current label";
- ``inoplan``: a product convention the label leaves open (documented in the README).

Nothing here imports anything heavier than :mod:`decimal`, so every command can
read the rules at no start-up cost.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Final, Literal

Evidence = Literal["L", "S", "?", "inoplan"]

#: The label revision the rules follow; written into every plan.
LABEL_REVISION: Final = "US PI 3/2024; EU SmPC"

#: Shown next to every fact whose evidence is ``?``.
VERIFY_NOTE: Final = "verify against the current label"


class Response(str, Enum):
    """Response status when a cycle starts (spec section 2)."""

    PENDING = "pending"
    NONE = "none"
    CR = "cr"
    CRI = "cri"

    @property
    def is_remission(self) -> bool:
        """CR or CRi."""
        return self in (Response.CR, Response.CRI)


class Mrd(str, Enum):
    """Minimal residual disease status after 2 cycles (spec section 4)."""

    NEGATIVE = "negative"
    POSITIVE = "positive"
    UNKNOWN = "unknown"


# --- Regimens (spec section 2) [L] -------------------------------------------

#: The days of a cycle on which a dose is given.
DOSE_DAYS: Final = (1, 8, 15)


@dataclass(frozen=True)
class Regimen:
    """Doses in mg/m2 by cycle day, and the cycle length in days."""

    key: str
    label: str
    mg_per_m2: dict[int, Decimal]
    length_days: int

    @property
    def total_mg_per_m2(self) -> Decimal:
        return sum(self.mg_per_m2.values(), Decimal(0))


CYCLE_1: Final = Regimen(
    key="cycle1",
    label="cycle 1 (everyone)",
    mg_per_m2={1: Decimal("0.8"), 8: Decimal("0.5"), 15: Decimal("0.5")},
    length_days=21,
)
LATER_CR_CRI: Final = Regimen(
    key="cr_cri",
    label="cycle 2+ with CR/CRi",
    mg_per_m2={1: Decimal("0.5"), 8: Decimal("0.5"), 15: Decimal("0.5")},
    length_days=28,
)
LATER_NO_CR: Final = Regimen(
    key="no_cr_cri",
    label="cycle 2+ without CR/CRi",
    mg_per_m2={1: Decimal("0.8"), 8: Decimal("0.5"), 15: Decimal("0.5")},
    length_days=28,
)
REGIMENS: Final = {r.key: r for r in (CYCLE_1, LATER_CR_CRI, LATER_NO_CR)}

#: Cycle 1 is 21 days and "may be extended up to 28 days" [L].
FIRST_CYCLE_LENGTHS: Final = (21, 28)

# --- Timing windows (spec section 3) [L] -----------------------------------------

#: Days 8 and 15 may be given this many days early or late; day 1 has no window.
DOSE_WINDOW_DAYS: Final = {1: 0, 8: 2, 15: 2}
#: "maintain a minimum of 6 days between doses" [L]; inoplan applies it across
#: cycle boundaries too [inoplan].
MIN_DAYS_BETWEEN_DOSES: Final = 6

# --- Number of cycles (spec section 4) [L] -----------------------------------------

MAX_CYCLES: Final = 6
MAX_CYCLES_WITHOUT_CR: Final = 3
HSCT_CYCLES: Final = 2
HSCT_CYCLES_EXTENDED: Final = 3

# --- Around each dose (spec section 5) --------------------------------------------


@dataclass(frozen=True)
class Reminder:
    """A reminder shown with each dose or with the plan."""

    key: str
    text: str
    evidence: Evidence

    @property
    def display(self) -> str:
        """The text, with the verify note where the fact is unconfirmed."""
        if self.evidence == "?":
            return f"{self.text} ({VERIFY_NOTE})"
        return self.text


PREMEDICATION: Final = Reminder(
    "premedication",
    "Premedicate before the dose: a corticosteroid, an antipyretic and an antihistamine",
    "L",
)
OBSERVATION: Final = Reminder(
    "observation",
    "Observe for infusion-related reactions during and for at least 1 hour after the infusion",
    "L",
)
LIVER_TESTS: Final = Reminder("liver_tests", "Liver tests before and after each dose", "S")
BLOOD_COUNT: Final = Reminder("blood_count", "Complete blood count before each dose", "?")
#: Reminders attached to every infusion, in display order.
DOSE_REMINDERS: Final = (PREMEDICATION, OBSERVATION, BLOOD_COUNT, LIVER_TESTS)

ECG: Final = Reminder(
    "ecg",
    "ECG and electrolytes before starting, after starting any drug that prolongs QTc, "
    "and periodically",
    "?",
)
RENAL: Final = Reminder(
    "renal",
    "No adjustment for creatinine clearance 15-89 mL/min; end-stage renal disease not studied",
    "S",
)
CYTOREDUCTION: Final = Reminder(
    "cytoreduction",
    "Cytoreduce (hydroxyurea, steroids and/or vincristine) to a peripheral blast count "
    "<= 10,000/mm3 before the first dose of cycle 1",
    "L",
)
#: Peripheral blast count (per mm3) above which cytoreduction is due before C1D1 [L].
MAX_BLASTS_PER_MM3: Final = 10_000

# --- After treatment (spec section 9) [L] ------------------------------------------

#: Calendar months after the last dose [L]; counted with dateutil's relativedelta [inoplan].
CONTRACEPTION_FEMALE_MONTHS: Final = 8
CONTRACEPTION_MALE_MONTHS: Final = 5
NO_BREASTFEEDING_MONTHS: Final = 2

# --- Body surface area (spec section 8) [inoplan] -----------------------------------

BSA_FORMULAS: Final = ("mosteller", "dubois", "haycock", "gehan-george", "boyd")
DEFAULT_BSA_FORMULA: Final = "mosteller"
#: Plausible input; outside these inoplan refuses (exit status 2).
HEIGHT_CM_RANGE: Final = (Decimal(50), Decimal(250))
WEIGHT_KG_RANGE: Final = (Decimal(5), Decimal(350))
BSA_M2_RANGE: Final = (Decimal("0.25"), Decimal("3.5"))
#: Rounding steps, all half-up in decimal arithmetic.
BSA_STEP: Final = Decimal("0.01")
MG_STEP: Final = Decimal("0.01")
ML_STEP: Final = Decimal("0.01")
BSA_CAP_WARNING: Final = (
    "BSA capped: ASCO guidance (Griggs et al., J Clin Oncol 2012;30:1553, update 2021) "
    "recommends actual body weight and full doses in obese adults, without capping BSA"
)

# --- Calendar export (ICS) and batch runs -------------------------------------------

#: Infuse over 1 hour [L] (spec section 7) ...
INFUSION_MINUTES: Final = 60
#: ... then observe for at least 1 hour after the end [L] (spec section 5). A timed
#: calendar event covers both [inoplan].
OBSERVATION_MINUTES: Final = 60
#: Premedication reminder before a timed infusion, in minutes [inoplan].
DEFAULT_TIMED_REMINDER_MINUTES: Final = 60
#: Premedication reminder on the day of an all-day infusion event (hour, minute) [inoplan].
DEFAULT_ALL_DAY_REMINDER_AT: Final = (8, 0)
#: A reminder may come at most this many days before the infusion [inoplan].
MAX_REMINDER_DAYS: Final = 7
#: ``--lab-events``: the pre-dose blood tests as an all-day event this many days
#: before each dose, so results are back before the infusion. The label says
#: only "before each dose" [inoplan].
LAB_EVENT_DAYS_BEFORE: Final = 1
#: Calendar categories of the exported events [inoplan].
ICS_CATEGORIES: Final = ("Inotuzumab ozogamicin", "Chemotherapy")
