"""The plan as a FHIR R4 Bundle (JSON), following published oncology patterns.

- The regimen is a ``PlanDefinition`` with one top-level action per cycle and a
  child action per dose day (the ACT-NOW / CanShare regimen pattern).
- Each cycle is a ``CarePlan`` (status draft, intent plan) carrying its cycle
  number in the CanShare ``an-cycle-number`` extension, its period, and an
  activity per dose.
- Each dose is a ``MedicationRequest`` (status draft, intent plan: decision
  support, not an order) with its date (``timing.event``), the dose in mg
  (first ``doseAndRate``, type *calculated*), the dose per m2 (second, type
  *ordered*, UCUM ``mg/m2``), the mCODE ``mcode-normalization-basis`` extension coded as
  body surface area, a reference to the BSA ``Observation`` it was computed
  from, and the premedication and observation reminders as text.

No patient name. A Patient reference (by identifier) only when a patient id
was given; otherwise the required ``subject`` of the MedicationRequests and
CarePlans carries the standard data-absent-reason extension (``masked``).

Ids are deterministic: UUID v5 from the plan's recorded inputs and doses hash,
so exporting the same plan twice gives the same bundle byte for byte.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from decimal import Decimal
from typing import Any

from inoplan import __version__
from inoplan.domain import rules
from inoplan.domain.plan import Cycle, Dose, Plan
from inoplan.domain.provenance import plan_hash, policy_of

UCUM = "http://unitsofmeasure.org"
SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
NORMALIZATION_BASIS_URL = (
    "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-normalization-basis"
)
CYCLE_NUMBER_URL = "http://canshare.co.nz/fhir/StructureDefinition/an-cycle-number"
DATA_ABSENT_REASON_URL = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
DOSE_RATE_TYPE = "http://terminology.hl7.org/CodeSystem/dose-rate-type"
PLAN_DEFINITION_TYPE = "http://terminology.hl7.org/CodeSystem/plan-definition-type"

BSA_CONCEPT = {
    "coding": [
        {"system": SNOMED, "code": "301898006", "display": "Body surface area (observable entity)"}
    ],
    "text": "body surface area",
}
IV_ROUTE = {
    "coding": [
        {"system": SNOMED, "code": "47625008", "display": "Intravenous route (qualifier value)"}
    ],
    "text": "intravenous",
}
HEIGHT_CONCEPT = {"coding": [{"system": LOINC, "code": "8302-2", "display": "Body height"}]}
WEIGHT_CONCEPT = {"coding": [{"system": LOINC, "code": "29463-7", "display": "Body weight"}]}

#: Fixed namespace for inoplan's UUID v5 resource ids.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "inoplan:fhir")


def _num(value: Decimal) -> float:
    return float(value)


def _quantity(value: Decimal, unit: str) -> dict[str, Any]:
    return {"value": _num(value), "unit": unit, "system": UCUM, "code": unit}


class _Ids:
    """Deterministic ids and ``urn:uuid`` full URLs for one plan."""

    def __init__(self, plan: Plan) -> None:
        seed = json.dumps(
            {"inputs": dict(plan.request.inputs), "doses": plan_hash(plan)},
            sort_keys=True,
            separators=(",", ":"),
        )
        self.seed = hashlib.sha256(seed.encode("utf-8")).hexdigest()

    def id(self, local: str) -> str:
        return str(uuid.uuid5(NAMESPACE, f"{self.seed}/{local}"))

    def url(self, local: str) -> str:
        return f"urn:uuid:{self.id(local)}"

    def ref(self, local: str) -> dict[str, str]:
        return {"reference": self.url(local)}


def subject_reference(plan: Plan) -> dict[str, Any]:
    """The Patient by identifier when an id was given; otherwise a masked absence."""
    pid = plan.request.patient_id
    if pid:
        return {"type": "Patient", "identifier": {"value": pid}}
    return {"extension": [{"url": DATA_ABSENT_REASON_URL, "valueCode": "masked"}]}


def _regimen_text(cycle: Cycle) -> str:
    per_day = ", ".join(f"day {d.day} {d.mg_per_m2} mg/m2" for d in cycle.doses)
    return (
        f"{cycle.regimen.label}: {per_day} ({cycle.total_mg_per_m2} mg/m2); "
        f"{cycle.length_days} days"
    )


def plan_definition(plan: Plan, ids: _Ids) -> dict[str, Any]:
    """The regimen: one action per cycle, a child action per dose day."""
    actions: list[dict[str, Any]] = []
    for c in plan.cycles:
        action: dict[str, Any] = {
            "id": f"cycle-{c.number}",
            "title": f"Cycle {c.number}",
            "description": _regimen_text(c),
            "action": [
                {
                    "id": f"cycle-{c.number}-day-{d.day}",
                    "title": d.label,
                    "description": (f"Day {d.day}: {d.mg_per_m2} mg/m2 {rules.FHIR_INFUSION_TEXT}"),
                }
                for d in c.doses
            ],
        }
        if c.number > 1:
            action["relatedAction"] = [
                {"actionId": f"cycle-{c.number - 1}", "relationship": "after-end"}
            ]
        actions.append(action)
    policy = policy_of(plan)
    return {
        "resourceType": "PlanDefinition",
        "id": ids.id("plandefinition"),
        "url": ids.url("plandefinition"),
        "version": f"inoplan {__version__}; rules {rules.LABEL_REVISION}",
        "title": f"{rules.FHIR_DRUG_TEXT}: {len(plan.cycles)} cycles",
        "type": {"coding": [{"system": PLAN_DEFINITION_TYPE, "code": "clinical-protocol"}]},
        "status": "draft",
        "description": (
            f"{len(plan.cycles)} of up to {plan.limit.cycles} cycles: {plan.limit.reason}. "
            f"Cumulative {plan.cumulative_mg_per_m2} mg/m2."
        ),
        "usage": (
            "Decision support only: check every dose and date against the current "
            f"prescribing information. Policy: {policy.line}. Doses sha256 {plan_hash(plan)}."
        ),
        "action": actions,
    }


def bsa_observation(plan: Plan, ids: _Ids) -> dict[str, Any]:
    """The body surface area the doses were computed from."""
    bsa = plan.bsa
    obs: dict[str, Any] = {
        "resourceType": "Observation",
        "id": ids.id("bsa"),
        "status": "final",
        "code": BSA_CONCEPT,
        "valueQuantity": _quantity(bsa.m2, "m2"),
        "method": {"text": bsa.formula},
        "note": [{"text": bsa.working}],
    }
    if plan.request.patient_id:
        obs["subject"] = subject_reference(plan)
    if bsa.height_cm is not None and bsa.weight_kg is not None:
        obs["component"] = [
            {"code": HEIGHT_CONCEPT, "valueQuantity": _quantity(bsa.height_cm, "cm")},
            {"code": WEIGHT_CONCEPT, "valueQuantity": _quantity(bsa.weight_kg, "kg")},
        ]
    return obs


def boxed_warning_text(plan: Plan) -> str:
    """The label's boxed warning (clinical-rules.md section 4a) as one note, with its points."""
    from inoplan.domain.plan import boxed_warning

    return f"{rules.BOXED_WARNING_TITLE}. " + " ".join(f"{r.display}." for r in boxed_warning(plan))


def care_plan(plan: Plan, cycle: Cycle, ids: _Ids) -> dict[str, Any]:
    """One cycle, with its cycle number, period and doses.

    The label's boxed warning, the plan's warnings and its notes go on every
    cycle: a receiving system may show one cycle alone, and a warning (a BSA cap,
    a high blast count) must not be lost.
    """
    notes = [{"text": boxed_warning_text(plan)}]
    notes += [{"text": f"WARNING: {w}"} for w in plan.warnings]
    notes += [{"text": n} for n in plan.notes]
    out: dict[str, Any] = {
        "resourceType": "CarePlan",
        "id": ids.id(f"cycle-{cycle.number}"),
        "extension": [{"url": CYCLE_NUMBER_URL, "valueInteger": cycle.number}],
        "instantiatesCanonical": [ids.url("plandefinition")],
        "status": "draft",
        "intent": "plan",
        "title": f"Cycle {cycle.number}",
        "description": _regimen_text(cycle),
        "subject": subject_reference(plan),
        "period": {"start": cycle.start.isoformat(), "end": cycle.end.isoformat()},
        "activity": [{"reference": ids.ref(f"dose-{d.label}")} for d in cycle.doses],
    }
    if notes:
        out["note"] = notes
    return out


def medication_request(plan: Plan, dose: Dose, ids: _Ids) -> dict[str, Any]:
    """One infusion: date, mg, mg/m2, the BSA basis, premedication as text."""
    bsa = plan.bsa_for(dose)
    text = (
        f"{dose.label} on {dose.date.isoformat()}: {dose.mg} mg ({dose.mg_per_m2} mg/m2 x "
        f"BSA {bsa} m2), {rules.FHIR_INFUSION_TEXT}"
    )
    request: dict[str, Any] = {
        "resourceType": "MedicationRequest",
        "id": ids.id(f"dose-{dose.label}"),
        "extension": [{"url": NORMALIZATION_BASIS_URL, "valueCodeableConcept": BSA_CONCEPT}],
        "status": "draft",
        "intent": "plan",
        "medicationCodeableConcept": {"text": rules.FHIR_DRUG_TEXT},
        "subject": subject_reference(plan),
        "instantiatesCanonical": [ids.url("plandefinition")],
        "basedOn": [ids.ref(f"cycle-{dose.cycle}")],
        "supportingInformation": [ids.ref("bsa")],
        "dosageInstruction": [
            {
                "sequence": 1,
                "text": text,
                "additionalInstruction": [
                    {"text": rules.PREMEDICATION.display},
                    {"text": rules.OBSERVATION.display},
                ],
                "timing": {"event": [dose.date.isoformat()]},
                "route": IV_ROUTE,
                # The mg to give comes first: a receiver that reads only the
                # first dose must not take the mg/m2 figure for milligrams.
                "doseAndRate": [
                    {
                        "type": {"coding": [{"system": DOSE_RATE_TYPE, "code": "calculated"}]},
                        "doseQuantity": _quantity(dose.mg, "mg"),
                    },
                    {
                        "type": {"coding": [{"system": DOSE_RATE_TYPE, "code": "ordered"}]},
                        "doseQuantity": _quantity(dose.mg_per_m2, "mg/m2"),
                    },
                ],
            }
        ],
    }
    if dose.notes:
        request["note"] = [{"text": n} for n in dose.notes]
    return request


def bundle(plan: Plan) -> dict[str, Any]:
    """The whole plan as a ``collection`` Bundle."""
    ids = _Ids(plan)
    resources: list[tuple[str, dict[str, Any]]] = [
        ("plandefinition", plan_definition(plan, ids)),
        ("bsa", bsa_observation(plan, ids)),
    ]
    for c in plan.cycles:
        resources.append((f"cycle-{c.number}", care_plan(plan, c, ids)))
    for d in plan.doses:
        resources.append((f"dose-{d.label}", medication_request(plan, d, ids)))
    return {
        "resourceType": "Bundle",
        "id": ids.id("bundle"),
        "type": "collection",
        "entry": [{"fullUrl": ids.url(local), "resource": res} for local, res in resources],
    }


def render(plan: Plan) -> str:
    """The bundle as JSON text, in the project's JSON style."""
    from inoplan.export.json import dumps

    return dumps(bundle(plan))
