"""`--format fhir`: a FHIR R4 Bundle that validates against the R4B models and matches the plan.

Worked numbers (spec sections 2 and 8): BSA given as 1.82 m2; 0.8 mg/m2 x
1.82 = 1.456 -> 1.46 mg; 0.5 mg/m2 x 1.82 = 0.91 mg. Start 2026-12-01:
cycle 1 is 21 days (2026-12-01..2026-12-21), later cycles 28 days, so C2D1 is
2026-12-22 and C3D1 2027-01-19.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from typer.testing import CliRunner

from inoplan.cli.app import app
from inoplan.export.fhir import CYCLE_NUMBER_URL, NORMALIZATION_BASIS_URL

runner = CliRunner()

BASE = ["schedule", "--start", "2026-12-01", "--bsa", "1.82", "-f", "fhir"]
COURSES = {
    # name: (extra options, cycles expected, C2D1 mg/m2 and mg by hand)
    "cr": (["--response", "cr"], 6, 0.5, 0.91),
    "none": (["--response", "none"], 3, 0.8, 1.46),
    "hsct": (["--response", "cri", "--hsct", "--mrd", "negative"], 2, 0.5, 0.91),
}


def export(*extra: str) -> dict[str, Any]:
    result = runner.invoke(app, [*BASE, *extra])
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def dose_quantity(mr: dict[str, Any], code: str) -> dict[str, Any]:
    (entry,) = [
        d
        for d in mr["dosageInstruction"][0]["doseAndRate"]
        if d["type"]["coding"][0]["code"] == code
    ]
    quantity: dict[str, Any] = entry["doseQuantity"]
    return quantity


@pytest.mark.parametrize("course", sorted(COURSES))
def test_bundle_validates_against_r4b_models(course: str) -> None:
    extra, cycles, _, _ = COURSES[course]
    data = export(*extra)
    bundle = Bundle.model_validate(data)
    assert bundle.type == "collection"
    counts = Counter(e.resource.get_resource_type() for e in bundle.entry)
    assert counts == {
        "PlanDefinition": 1,
        "Observation": 1,
        "CarePlan": cycles,
        "MedicationRequest": 3 * cycles,
    }


def test_the_validator_does_refuse_a_broken_bundle() -> None:
    data = export("--response", "none")
    mr = resources(data, "MedicationRequest")[0]
    del mr["subject"]  # required (1..1) in R4
    with pytest.raises(ValidationError):
        Bundle.model_validate(data)


@pytest.mark.parametrize("course", sorted(COURSES))
def test_content_matches_the_plan(course: str) -> None:
    extra, cycles, c2d1_per_m2, c2d1_mg = COURSES[course]
    data = export(*extra)
    requests = resources(data, "MedicationRequest")
    by_label = {mr["dosageInstruction"][0]["text"].split(" ")[0]: mr for mr in requests}
    assert len(by_label) == 3 * cycles

    c1d1 = by_label["C1D1"]
    assert c1d1["dosageInstruction"][0]["timing"]["event"] == ["2026-12-01"]
    assert dose_quantity(c1d1, "calculated") == {
        "value": 1.46,
        "unit": "mg",
        "system": "http://unitsofmeasure.org",
        "code": "mg",
    }
    assert dose_quantity(c1d1, "ordered")["value"] == 0.8
    assert dose_quantity(c1d1, "ordered")["code"] == "mg/m2"
    c1d8 = by_label["C1D8"]
    assert c1d8["dosageInstruction"][0]["timing"]["event"] == ["2026-12-08"]
    assert dose_quantity(c1d8, "calculated")["value"] == 0.91

    c2d1 = by_label["C2D1"]
    assert c2d1["dosageInstruction"][0]["timing"]["event"] == ["2026-12-22"]
    assert dose_quantity(c2d1, "ordered")["value"] == c2d1_per_m2
    assert dose_quantity(c2d1, "calculated")["value"] == c2d1_mg

    for mr in requests:
        assert mr["status"] == "draft"
        assert mr["intent"] == "plan"
        # mCODE normalization basis: body surface area (SNOMED CT 301898006).
        (ext,) = [e for e in mr["extension"] if e["url"] == NORMALIZATION_BASIS_URL]
        assert ext["valueCodeableConcept"]["coding"][0]["code"] == "301898006"
        texts = [a["text"] for a in mr["dosageInstruction"][0]["additionalInstruction"]]
        assert any("corticosteroid, an antipyretic and an antihistamine" in t for t in texts)

    (bsa,) = resources(data, "Observation")
    assert bsa["valueQuantity"]["value"] == 1.82
    assert bsa["valueQuantity"]["code"] == "m2"


@pytest.mark.parametrize("course", sorted(COURSES))
def test_one_care_plan_per_cycle_with_its_number_and_doses(course: str) -> None:
    extra, cycles, _, _ = COURSES[course]
    data = export(*extra)
    full_urls = {e["fullUrl"]: e["resource"] for e in data["entry"]}
    plans = resources(data, "CarePlan")
    numbers = [
        next(e["valueInteger"] for e in cp["extension"] if e["url"] == CYCLE_NUMBER_URL)
        for cp in plans
    ]
    assert numbers == list(range(1, cycles + 1))
    assert plans[0]["period"] == {"start": "2026-12-01", "end": "2026-12-21"}
    assert plans[1]["period"] == {"start": "2026-12-22", "end": "2027-01-18"}
    (definition,) = resources(data, "PlanDefinition")
    assert [a["title"] for a in definition["action"]] == [f"Cycle {n}" for n in numbers]
    assert all(len(a["action"]) == 3 for a in definition["action"])
    for n, cp in zip(numbers, plans, strict=True):
        doses = [full_urls[a["reference"]["reference"]] for a in cp["activity"]]
        labels = [d["dosageInstruction"][0]["text"].split(" ")[0] for d in doses]
        assert labels == [f"C{n}D1", f"C{n}D8", f"C{n}D15"]
        assert cp["instantiatesCanonical"] == [definition["url"]]


def test_every_reference_resolves_inside_the_bundle() -> None:
    data = export("--response", "cr")
    full_urls = {e["fullUrl"] for e in data["entry"]}
    assert len(full_urls) == len(data["entry"])

    def refs(node: object) -> list[str]:
        if isinstance(node, dict):
            found = [node["reference"]] if isinstance(node.get("reference"), str) else []
            return found + [r for v in node.values() for r in refs(v)]
        if isinstance(node, list):
            return [r for v in node for r in refs(v)]
        return []

    all_refs = refs(data)
    assert all_refs
    assert set(all_refs) <= full_urls


def test_no_patient_reference_without_a_patient_id() -> None:
    data = export("--response", "none")
    text = json.dumps(data)
    assert '"Patient"' not in text
    # The boxed warning speaks of "patients who underwent HSCT" and "patients with prior VOD".
    words = text.lower().replace("patients who", "").replace("patients with", "")
    assert "patient" not in words
    mr = resources(data, "MedicationRequest")[0]
    assert mr["subject"] == {
        "extension": [
            {
                "url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason",
                "valueCode": "masked",
            }
        ]
    }
    assert "subject" not in resources(data, "Observation")[0]


def test_patient_reference_by_identifier_when_an_id_is_given() -> None:
    data = export("--response", "none", "--patient-id", "MRN-0042")
    for kind in ("MedicationRequest", "CarePlan", "Observation"):
        for res in resources(data, kind):
            assert res["subject"] == {"type": "Patient", "identifier": {"value": "MRN-0042"}}
    assert not resources(data, "Patient")  # a reference only: no Patient resource, no name

    def keys(node: object) -> set[str]:
        if isinstance(node, dict):
            return set(node) | {k for v in node.values() for k in keys(v)}
        if isinstance(node, list):
            return {k for v in node for k in keys(v)}
        return set()

    assert "name" not in keys(data)
    Bundle.model_validate(data)


def test_ids_are_deterministic_and_differ_between_plans() -> None:
    first = runner.invoke(app, [*BASE, "--response", "cr"]).stdout
    second = runner.invoke(app, [*BASE, "--response", "cr"]).stdout
    assert first == second
    other = export("--response", "cr", "--patient-id", "P2")
    assert json.loads(first)["id"] != other["id"]


def test_fhir_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "plan.fhir.json"
    result = runner.invoke(app, [*BASE, "--response", "none", "-o", str(out)])
    assert result.exit_code == 0
    assert result.stdout == ""
    Bundle.model_validate_json(out.read_text(encoding="utf-8"))


def test_warnings_travel_with_every_cycle() -> None:
    data = export("--response", "none", "--bsa-cap", "1.5")  # 1.82 m2 capped to 1.5 m2
    for cp in resources(data, "CarePlan"):
        assert any(n["text"].startswith("WARNING: BSA capped") for n in cp["note"])
    # Doses follow the capped BSA: 0.8 x 1.5 = 1.2 mg; 0.5 x 1.5 = 0.75 mg.
    c1d1 = resources(data, "MedicationRequest")[0]
    assert dose_quantity(c1d1, "calculated")["value"] == 1.2
    assert resources(data, "Observation")[0]["valueQuantity"]["value"] == 1.5
    Bundle.model_validate(data)


@settings(max_examples=25, deadline=None)
@given(
    bsa=st.integers(min_value=25, max_value=350),
    response=st.sampled_from(["pending", "none", "cr", "cri"]),
    hsct=st.booleans(),
    mrd=st.sampled_from(["negative", "positive", "unknown"]),
    first=st.sampled_from(["21", "28"]),
    pid=st.sampled_from([None, "P-1", "ward7/bed:3#a"]),
)
def test_every_plan_exports_a_valid_bundle_with_its_doses(
    bsa: int, response: str, hsct: bool, mrd: str, first: str, pid: str | None
) -> None:
    from decimal import Decimal

    from inoplan.domain.plan import make_plan
    from inoplan.export.fhir import bundle
    from inoplan.inputs.plan_request import request_from_strings

    values = {
        "start": "2026-12-01",
        "bsa": str(Decimal(bsa) / 100),
        "response": response,
        "hsct": "yes" if hsct else None,
        "mrd": mrd,
        "first_cycle_days": first,
        "patient_id": pid,
    }
    plan = make_plan(request_from_strings(values))
    data = json.loads(json.dumps(bundle(plan)))
    Bundle.model_validate(data)
    requests = resources(data, "MedicationRequest")
    assert [r["dosageInstruction"][0]["timing"]["event"][0] for r in requests] == [
        d.date.isoformat() for d in plan.doses
    ]
    total = sum(Decimal(str(dose_quantity(r, "calculated")["value"])) for r in requests)
    assert total == plan.cumulative_mg


def test_the_first_dose_quantity_is_the_mg_to_give() -> None:
    # A receiver that reads only doseAndRate[0] must get milligrams, not mg/m2.
    data = export("--response", "none")
    for mr in resources(data, "MedicationRequest"):
        first = mr["dosageInstruction"][0]["doseAndRate"][0]["doseQuantity"]
        assert first["code"] == "mg"


def test_readme_excerpt_is_real_output() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    data = export("--response", "cr", "--patient-id", "MRN-0042")
    mr = resources(data, "MedicationRequest")[0]
    dosage = mr["dosageInstruction"][0]
    excerpt = {
        "extension": mr["extension"],
        "subject": mr["subject"],
        "dosageInstruction": {
            "text": dosage["text"],
            "timing": dosage["timing"],
            "doseAndRate": [
                {"type": d["type"]["coding"][0]["code"], "doseQuantity": d["doseQuantity"]}
                for d in dosage["doseAndRate"]
            ],
        },
    }
    assert json.dumps(excerpt, indent=2) in readme
