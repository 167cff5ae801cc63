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

from decimal import Decimal
from enum import Enum
from typing import Final, Literal, NamedTuple

from inoplan.domain.statuses import Mrd, Response

__all__ = ["Mrd", "Response"]  # re-exported: the rules speak of them too

Evidence = Literal["L", "S", "?", "inoplan"]

#: The label revision the rules follow; written into every plan.
LABEL_REVISION: Final = "US PI 3/2024; EU SmPC"

#: Shown next to every fact whose evidence is ``?``.
VERIFY_NOTE: Final = "verify against the current label"


# --- Regimens (spec section 2) [L] -------------------------------------------

#: The days of a cycle on which a dose is given.
DOSE_DAYS: Final = (1, 8, 15)


class Regimen(NamedTuple):
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
#: Proceeding to HSCT: "the recommended duration of treatment is 2 cycles" [L]. inoplan
#: plans 2 by default whatever the MRD status [inoplan, revised].
HSCT_CYCLES: Final = 2
#: "A third cycle may be considered for those patients who do not achieve CR/CRi and MRD
#: negativity after 2 cycles" [L]: planned only when asked for (``--cycles 3``) [inoplan].
HSCT_CYCLES_EXTENDED: Final = 3
#: The words of the reason line (spec section 4).
HSCT_REASON: Final = f"{HSCT_CYCLES} cycles recommended before HSCT"
HSCT_THIRD_ALLOWED: Final = "a third may be considered (label)"
HSCT_THIRD_REFUSED: Final = (
    "a third is not planned for CR/CRi with MRD negativity (label: a third may be considered "
    "only for patients who do not achieve CR/CRi and MRD negativity)"
)

# --- Around each dose (spec section 5) --------------------------------------------


class Reminder(NamedTuple):
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

#: Starting hepatic function (spec section 4a) [S, 8.6]: shown with the course reminders.
HEPATIC_START: Final = Reminder(
    "hepatic_start",
    "Hepatic impairment at the start: no starting-dose adjustment for total bilirubin <= 1.5 x "
    "ULN and AST/ALT <= 2.5 x ULN; safety above that is not established",
    "S",
)

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

# --- Boxed warning (spec section 4a) [L] --------------------------------------------
# The US label opens with a boxed warning (the EU SmPC says the same in 4.4). Every
# plan carries it, in every output; a plan with HSCT intent and a plan of 3 or more
# cycles also carry the points that concern them, as warnings.

BOXED_WARNING_TITLE: Final = (
    "BOXED WARNING: hepatotoxicity, including hepatic veno-occlusive disease (VOD/SOS), and "
    "higher post-HSCT non-relapse mortality"
)
#: The points every plan carries, in display order.
BOXED_WARNING: Final = (
    Reminder(
        "hepatotoxicity",
        "Hepatotoxicity, including fatal and life-threatening hepatic veno-occlusive disease "
        "(VOD, also called sinusoidal obstruction syndrome, SOS), occurred",
        "L",
    ),
    Reminder(
        "vod_after_hsct",
        "The risk of VOD was greater in patients who underwent HSCT after treatment; HSCT "
        "conditioning regimens containing 2 alkylating agents and a last total bilirubin >= ULN "
        "before HSCT are significantly associated with a higher VOD risk",
        "L",
    ),
    Reminder(
        "vod_risk_factors",
        "Other VOD risk factors: ongoing or prior liver disease, prior HSCT, increased age, later "
        "salvage lines and a greater number of treatment cycles; patients with prior VOD or "
        "serious ongoing liver disease are at increased risk of worsening liver disease, VOD "
        "included",
        "L",
    ),
    Reminder(
        "liver_test_action",
        "Elevated liver tests may require dose interruption, dose reduction or permanent "
        "discontinuation; discontinue permanently if VOD occurs",
        "L",
    ),
    Reminder(
        "vod_signs",
        "Monitor for signs and symptoms of VOD: elevated total bilirubin, hepatomegaly (may be "
        "painful), rapid weight gain, ascites; VOD was reported up to 56 days after the last dose",
        "L",
    ),
    Reminder(
        "post_hsct_mortality",
        "Higher post-HSCT non-relapse mortality was seen in patients who received inotuzumab "
        "ozogamicin, giving a higher day-100 post-HSCT mortality",
        "L",
    ),
)
#: VOD was reported up to this many days after the last dose without an intervening
#: HSCT [L, 5.1]; the patient's liver watch runs as long (8 weeks) [inoplan].
VOD_WATCH_DAYS: Final = 56
#: The same points in few words, for a printed page where the full text does not fit
#: (the clinician's calendar); keyed as :data:`BOXED_WARNING`.
BOXED_WARNING_SHORT: Final = {
    "hepatotoxicity": "hepatotoxicity, including fatal and life-threatening VOD/SOS",
    "vod_after_hsct": "VOD risk greater after HSCT (2 alkylating agents in the conditioning "
    "and a last total bilirubin >= ULN before HSCT raise it)",
    "vod_risk_factors": "other risk factors: ongoing or prior liver disease, prior HSCT, "
    "increased age, later salvage lines, more treatment cycles",
    "liver_test_action": "elevated liver tests may require interruption, reduction or "
    "discontinuation; discontinue permanently if VOD occurs",
    "vod_signs": "watch for rising total bilirubin, hepatomegaly, rapid weight gain, ascites, "
    "up to 56 days after the last dose",
    "post_hsct_mortality": "higher post-HSCT non-relapse mortality (day 100)",
}

#: With HSCT intent (``--hsct`` or an HSCT decision): the HSCT-specific points, as one
#: warning. The two risk factors are printed as risk factors, not as an instruction
#: ("avoid conditioning with 2 alkylating agents" is [?] in the spec).
BOXED_WARNING_HSCT: Final = Reminder(
    "hsct",
    "proceeding to HSCT (boxed warning): the risk of VOD is greater after HSCT; conditioning "
    "regimens containing 2 alkylating agents and a last total bilirubin >= ULN before HSCT are "
    "significantly associated with a higher VOD risk; post-HSCT non-relapse mortality is higher; "
    "after HSCT, monitor liver tests closely during the first month, then less often, per "
    "standard practice",
    "L",
)
#: A plan of this many cycles or more names the number of cycles as a VOD risk factor.
MANY_CYCLES: Final = 3
BOXED_WARNING_CYCLES: Final = Reminder(
    "many_cycles",
    "{cycles} cycles planned (boxed warning): a greater number of treatment cycles is a risk "
    "factor for VOD",
    "L",
)

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

# --- Re-planning: interruptions and dose modifications (spec sections 3, 4, 6) -------


class InterruptionRule(NamedTuple):
    """One row of the interruption table: what an interruption of ``min_days`` or more does."""

    min_days: int
    action: Literal["delay", "omit_next", "modify_next_cycle", "consider_discontinuation"]
    text: str
    evidence: Evidence
    #: What the rule does, in a few words, for the note next to the dose.
    short: str = ""


#: Interruption for toxicity, by its length [?: the label's table, exact words not seen].
#: Rows are cumulative: a 16-day interruption omits the next dose within the cycle
#: *and* modifies the next cycle. ``> 28`` days is ``>= 29`` whole days.
INTERRUPTION_TABLE: Final = (
    InterruptionRule(
        1,
        "delay",
        "< 7 days: delay the next dose, keeping at least 6 days between doses",
        "?",
        "delay the next dose",
    ),
    InterruptionRule(
        7,
        "omit_next",
        ">= 7 days: omit the next dose within the cycle",
        "?",
        "omit the next dose within the cycle",
    ),
    InterruptionRule(
        14,
        "modify_next_cycle",
        ">= 14 days: once recovered, reduce the total dose of the next cycle by 25%; if further "
        "modification is needed, 2 doses per cycle from then on; if that is not tolerated, "
        "discontinue permanently",
        "?",
        "modify the next cycle (25% less, then 2 doses per cycle, then discontinue)",
    ),
    InterruptionRule(
        29,
        "consider_discontinuation",
        "> 28 days: consider permanent discontinuation",
        "?",
        "consider permanent discontinuation",
    ),
)
#: The longest interruption inoplan accepts as input (a year); beyond that, re-plan afresh.
MAX_INTERRUPTION_DAYS: Final = 365


def interruption_rules(days: int) -> tuple[InterruptionRule, ...]:
    """The rows of :data:`INTERRUPTION_TABLE` that an interruption of ``days`` triggers."""
    hits = tuple(r for r in INTERRUPTION_TABLE if days >= r.min_days)
    # "omit the next dose" replaces "delay it"; only the longest of the two applies.
    if any(r.action == "omit_next" for r in hits):
        hits = tuple(r for r in hits if r.action != "delay")
    return hits


#: The total dose of the next cycle after an interruption of >= 14 days: x 0.75 [?].
REDUCED_TOTAL_FRACTION: Final = Decimal("0.75")
# [inoplan] The label does not say how the 25% is split: by default every dose of
# the cycle x 0.75 (1.8 -> 1.35 mg/m2; 1.5 -> 1.125 mg/m2). ``--reduced-doses``
# sets another split, checked to total exactly 75% of the cycle's regimen.
#: Doses per cycle at the second modification level [?]; which days is the clinician's choice.
TWO_DOSES_PER_CYCLE: Final = 2

#: What an event's reason is about [inoplan]: besides the free text, so a rule can act on
#: it (a held day 8/15 for a low count warns, below).
REASON_CATEGORIES: Final = ("hematologic", "hepatic", "infusion-reaction", "other")
#: Words of a free-text reason that name a low count (spec section 6) [inoplan]; matched
#: as whole words, case-insensitive.
LOW_COUNT_WORDS: Final = (
    "neutropenia",
    "neutropenic",
    "thrombocytopenia",
    "thrombocytopenic",
    "anc",
    "neutrophils",
    "platelets",
    "platelet",
)
#: A held or interrupted day 8/15 for a low count is planned as asked, with this quote [L].
LOW_COUNT_DAYS_8_15: Final = (
    "label: doses on days 8 and 15 are not interrupted for neutropenia or thrombocytopenia; "
    "interruptions within a cycle are for non-hematologic toxicity"
)

#: "VOD/SOS or other severe liver toxicity: permanently discontinue" [L].
VOD_RULE: Final = "VOD/SOS or other severe liver toxicity: permanently discontinue"
#: Hematologic rule for a late day 1 (US) [L].
LATE_CYCLE_DAYS: Final = 28
#: Cycle 1 "may be extended up to 28 days" [L]: a longer cycle 1 is a warning [inoplan].
FIRST_CYCLE_MAX_DAYS: Final = 28
#: A ``schedule`` start date before today [inoplan] (spec section 3).
PAST_START_WARNING: Final = "start date is in the past: is this a record of a course already given?"
LATE_CYCLE_NOTE: Final = (
    "US label: discontinue if low ANC or platelets persist more than 28 days and are "
    "suspected to be drug-related"
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


# --- Plausible input (reliability) [inoplan] --------------------------------------

#: The years a course may start in. A start date outside them is taken for a
#: typing error (2206 or 0226 for 2026) and refused (exit status 2); near year
#: 9999 the plan's dates could not even be computed.
START_YEAR_RANGE: Final = (2000, 2099)

# --- Clinic days (spec section 3) [inoplan] ------------------------------------------
#
# How a dose on a closed day is moved. The window and the 6-day minimum above are
# the label's; the choices below are inoplan's, where the label is silent.

#: Weekday names as typed in ``--clinic-days`` (Monday = 0, as :meth:`date.weekday`).
WEEKDAY_NAMES: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: A day 1 on a closed day moves to the next open day; inoplan refuses to look
#: further than this (a clinic closed for four weeks is an input mistake).
MAX_DAY1_SHIFT_DAYS: Final = 28
# [inoplan] When two open days inside a window are equally near the planned day,
# clinic.py takes the one that does not delay the next cycle, then the later one:
# a tie never brings a dose closer to the previous dose than the regimen's 7 days.

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

# --- Provenance and interchange (issue 9: verify, FHIR export) [inoplan] ----------

#: The dosing policy recorded in every plan (spec section 8): the label names no
#: weight type, formula, cap or rounding; these are inoplan's documented choices.
POLICY_WEIGHT: Final = "actual body weight"
POLICY_BSA_ROUNDING: Final = "half-up to 0.01 m2"
POLICY_DOSE_ROUNDING: Final = "half-up to 0.01 mg"
#: Spec section 7: `--market us|eu`, default us. Plans record the default until
#: the planner takes a market of its own; the market changes vials, not doses.
POLICY_MARKET: Final = DEFAULT_MARKET

#: FHIR export. Codes used are only those seen in published guides: SNOMED CT
#: 301898006 "Body surface area (observable entity)" (mCODE normalization-basis
#: value set), 47625008 "Intravenous route (qualifier value)" (mCODE examples),
#: LOINC 8302-2 body height and 29463-7 body weight (FHIR R4 vital signs). The
#: drug itself is sent as text: no RxNorm code has been confirmed here.
FHIR_DRUG_TEXT: Final = "inotuzumab ozogamicin (BESPONSA)"
FHIR_INFUSION_TEXT: Final = "intravenous infusion over 1 hour"

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
