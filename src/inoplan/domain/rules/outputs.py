"""What every plan records and exports: the dosing policy, FHIR texts, calendar timings.
"""

from __future__ import annotations

from typing import Final

from inoplan.domain.rules.preparation import DEFAULT_MARKET

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
