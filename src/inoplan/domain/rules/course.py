"""The course as the label sets it: regimens, windows, cycle limits, reminders, re-planning.

Part of :mod:`inoplan.domain.rules`, which re-exports every name; the
evidence levels below apply to all of its modules.

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

#: Calendar months after the last dose [L]; a day the month lacks is its last day, as with
#: dateutil's relativedelta [inoplan].
CONTRACEPTION_FEMALE_MONTHS: Final = 8
CONTRACEPTION_MALE_MONTHS: Final = 5
NO_BREASTFEEDING_MONTHS: Final = 2

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


def _row(action: str) -> InterruptionRule:
    return next(r for r in INTERRUPTION_TABLE if r.action == action)


#: The shortest interruption that omits the next dose within the cycle (7 days) [?].
OMIT_NEXT_MIN_DAYS: Final = _row("omit_next").min_days
#: The shortest interruption that modifies the next cycle (14 days) [?].
MODIFY_CYCLE_MIN_DAYS: Final = _row("modify_next_cycle").min_days
#: The shortest interruption after which to consider discontinuation (29: "> 28") [?].
CONSIDER_STOP_MIN_DAYS: Final = _row("consider_discontinuation").min_days

# Phrases the re-plan messages build from the numbers above, so no message
# carries a clinical number of its own.
#: ``at least 6 days`` (between two doses).
MIN_GAP_TEXT: Final = f"at least {MIN_DAYS_BETWEEN_DOSES} days"
#: ``>= 14 days`` (an interruption that modifies the next cycle).
LONG_INTERRUPTION_TEXT: Final = f">= {MODIFY_CYCLE_MIN_DAYS} days"
#: ``> 28`` (an interruption after which to consider discontinuation).
VERY_LONG_INTERRUPTION_TEXT: Final = f"> {CONSIDER_STOP_MIN_DAYS - 1}"
#: ``25%``: the reduction of the total dose.
REDUCTION_TEXT: Final = f"{((1 - REDUCED_TOTAL_FRACTION) * 100).normalize():f}%"
#: ``75%``: what remains of the total dose.
REDUCED_TOTAL_TEXT: Final = f"{(REDUCED_TOTAL_FRACTION * 100).normalize():f}%"
# [inoplan] The label does not say how the 25% is split: by default every dose of
# the cycle x 0.75 (1.8 -> 1.35 mg/m2; 1.5 -> 1.125 mg/m2). ``--reduced-doses``
# sets another split, checked to total exactly 75% of the cycle's regimen.
#: Doses per cycle at the second modification level [?]; which days is the clinician's choice.
TWO_DOSES_PER_CYCLE: Final = 2
#: ``2 doses per cycle``.
TWO_DOSES_TEXT: Final = f"{TWO_DOSES_PER_CYCLE} doses per cycle"

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
