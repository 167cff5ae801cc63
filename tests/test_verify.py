"""`inoplan verify`: a saved plan re-derived from its inputs; every kind of tampering caught.

Worked numbers (spec sections 2, 3, 8): 170 cm, 70 kg, Mosteller
sqrt(170 x 70 / 3600) = 1.8181 -> 1.82 m2; 0.8 x 1.82 = 1.456 -> 1.46 mg;
0.5 x 1.82 = 0.91 mg. Start 2026-12-01 (a Tuesday): C1D1 2026-12-01, C1D8
2026-12-08, C1D15 2026-12-15; cycle 1 lasts 21 days, so C2D1 is 2026-12-22.
Response none: at most 3 cycles.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from inoplan.cli.app import app
from inoplan.domain.plan import make_plan
from inoplan.domain.provenance import doses_sha256
from inoplan.export.json import plan_to_dict
from inoplan.inputs.plan_request import request_from_strings
from inoplan.services import verify as verify_module
from inoplan.services.verify import verify_plan
from tests.conftest import examples

runner = CliRunner()

BASE = ["--start", "2026-12-01", "--height", "170", "--weight", "70"]


def saved_plan(tmp_path: Path, *extra: str, name: str = "plan.json") -> Path:
    path = tmp_path / name
    result = runner.invoke(app, ["schedule", *BASE, *extra, "-f", "json", "-o", str(path)])
    assert result.exit_code == 0, result.stderr
    return path


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def save(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")


def dose(data: dict[str, Any], cycle: int, day: int) -> dict[str, Any]:
    found: dict[str, Any] = next(
        d for c in data["cycles"] for d in c["doses"] if d["cycle"] == cycle and d["day"] == day
    )
    return found


def verify(path: Path, *extra: str) -> Any:
    return runner.invoke(app, ["verify", str(path), *extra])


def kinds(path: Path) -> list[str]:
    result = verify(path, "--format", "json")
    return [d["kind"] for d in json.loads(result.stdout)["differences"]]


def test_an_untouched_plan_holds(tmp_path: Path) -> None:
    path = saved_plan(tmp_path, "--response", "none")
    result = verify(path)
    assert result.exit_code == 0, result.stdout
    assert "holds: 9 doses" in result.stdout  # 3 cycles x 3 doses
    assert result.stderr == ""


def test_hand_edited_dose_in_mg_is_caught(tmp_path: Path) -> None:
    path = saved_plan(tmp_path, "--response", "none")
    data = load(path)
    dose(data, 1, 1)["mg"] = 1.56
    save(path, data)
    result = verify(path)
    assert result.exit_code == 1
    # 0.8 mg/m2 x 1.82 m2 = 1.456 -> 1.46 mg
    assert "C1D1: 1.56 mg recorded, 1.46 mg re-derived" in result.stdout
    assert "dose" in kinds(path)


def test_hand_edited_dose_per_m2_is_caught(tmp_path: Path) -> None:
    path = saved_plan(tmp_path, "--response", "cr", "--cycles", "2")
    data = load(path)
    dose(data, 2, 1)["mg_per_m2"] = 0.8  # CR: cycle 2 day 1 is 0.5 mg/m2
    save(path, data)
    result = verify(path)
    assert result.exit_code == 1
    assert "C2D1: 0.8 mg/m2 recorded, 0.5 mg/m2 re-derived (cycle 2+ with CR/CRi)" in result.stdout


def test_date_moved_outside_its_window_is_caught(tmp_path: Path) -> None:
    path = saved_plan(tmp_path, "--response", "none")
    data = load(path)
    dose(data, 1, 8)["date"] = "2026-12-11"  # day 8 is 2026-12-08; 3 days late > 2
    save(path, data)
    result = verify(path)
    assert result.exit_code == 1
    assert (
        "C1D8: 2026-12-11 recorded, 2026-12-08 re-derived: 3 days late for day 8, "
        "outside its window (+/-2 days)" in result.stdout
    )


def test_day_1_has_no_window(tmp_path: Path) -> None:
    path = saved_plan(tmp_path, "--response", "none")
    data = load(path)
    dose(data, 2, 1)["date"] = "2026-12-21"  # C2D1 is 2026-12-22: 1 day early
    save(path, data)
    result = verify(path)
    assert result.exit_code == 1
    assert "1 day early for day 1, outside its window (day 1 has no window)" in result.stdout


def test_a_move_within_the_window_is_still_a_difference(tmp_path: Path) -> None:
    # Within +/-2 days is allowed clinically, but a move nobody recorded is not the plan.
    path = saved_plan(tmp_path, "--response", "none")
    data = load(path)
    dose(data, 1, 8)["date"] = "2026-12-09"
    save(path, data)
    result = verify(path)
    assert result.exit_code == 1
    assert "moved 1 day, within the +/-2-day window" in result.stdout


def test_spacing_below_six_days_is_caught(tmp_path: Path) -> None:
    path = saved_plan(tmp_path, "--response", "none")
    data = load(path)
    # Day 15 two days early (inside its window) sits 5 days after day 8 (2026-12-08).
    dose(data, 1, 15)["date"] = "2026-12-13"
    save(path, data)
    result = verify(path)
    assert result.exit_code == 1
    assert (
        "C1D8-C1D15: 2026-12-08 to 2026-12-13 is 5 days, below the minimum of 6 days"
        in result.stdout
    )
    assert "spacing" in kinds(path)


def test_spacing_is_checked_across_cycles(tmp_path: Path) -> None:
    path = saved_plan(tmp_path, "--response", "none")
    data = load(path)
    # C1D15 2026-12-15 moved 2 days late to 2026-12-17: 5 days before C2D1 2026-12-22.
    dose(data, 1, 15)["date"] = "2026-12-17"
    save(path, data)
    result = verify(path)
    assert "C1D15-C2D1: 2026-12-17 to 2026-12-22 is 5 days" in result.stdout


def test_cycle_beyond_the_limit_is_caught(tmp_path: Path) -> None:
    path = saved_plan(tmp_path, "--response", "none")
    data = load(path)
    extra = json.loads(json.dumps(data["cycles"][2]))
    extra["number"] = 4
    for d, when in zip(extra["doses"], ("2027-02-16", "2027-02-23", "2027-03-02"), strict=True):
        d["cycle"] = 4
        d["date"] = when
    data["cycles"].append(extra)
    save(path, data)
    result = verify(path)
    assert result.exit_code == 1
    assert "cycle 4: beyond the limit of 3 cycles: without CR/CRi" in result.stdout
    assert kinds(path).count("cycle-limit") == 1  # one line per cycle, not per dose


def test_changed_hash_alone_is_caught(tmp_path: Path) -> None:
    path = saved_plan(tmp_path, "--response", "none")
    data = load(path)
    data["provenance"]["doses_hash"]["value"] = "0" * 64
    save(path, data)
    result = verify(path)
    assert result.exit_code == 1
    assert kinds(path) == ["hash"]
    assert "recorded 0000000000000000, re-derived" in result.stdout


def test_edited_dose_with_a_recomputed_hash_is_still_caught(tmp_path: Path) -> None:
    path = saved_plan(tmp_path, "--response", "none")
    data = load(path)
    dose(data, 1, 8)["mg"] = 1.91
    keys = [
        (d["cycle"], d["day"], d["date"], str(d["mg_per_m2"]), str(d["mg"]))
        for c in data["cycles"]
        for d in c["doses"]
    ]
    from datetime import date
    from decimal import Decimal

    data["provenance"]["doses_hash"]["value"] = doses_sha256(
        (c, d, date.fromisoformat(w), Decimal(p), Decimal(m)) for c, d, w, p, m in keys
    )
    save(path, data)
    found = kinds(path)
    assert "dose" in found and "hash" in found


def test_missing_dose_and_edited_totals_are_caught(tmp_path: Path) -> None:
    path = saved_plan(tmp_path, "--response", "none")
    data = load(path)
    del data["cycles"][2]["doses"][2]
    data["cumulative_mg"] = 9.0
    save(path, data)
    result = verify(path)
    assert result.exit_code == 1
    assert "C3D15: missing from the file" in result.stdout
    # 3 cycles x (1.46 + 0.91 + 0.91) = 9.84 mg
    assert "cumulative_mg: 9.0 recorded, 9.84 re-derived" in result.stdout


def test_edited_policy_is_caught(tmp_path: Path) -> None:
    path = saved_plan(tmp_path, "--response", "none")
    data = load(path)
    data["provenance"]["policy"]["bsa_formula"] = "dubois"
    save(path, data)
    result = verify(path)
    assert result.exit_code == 1
    assert "provenance.policy.bsa_formula: 'dubois' recorded, 'mosteller'" in result.stdout


def test_edited_inputs_rederive_a_different_plan(tmp_path: Path) -> None:
    # Someone changes the response in the inputs but keeps the doses: the
    # re-derived plan (CR: 6 cycles, 0.5 mg/m2 on later day 1) no longer matches.
    path = saved_plan(tmp_path, "--response", "none")
    data = load(path)
    data["inputs"]["response"] = "cr"
    save(path, data)
    result = verify(path)
    assert result.exit_code == 1
    assert "C2D1: 0.8 mg/m2 recorded, 0.5 mg/m2 re-derived" in result.stdout
    assert "C4D1: missing from the file" in result.stdout


def test_inputs_the_rules_refuse_mean_the_plan_does_not_hold(tmp_path: Path) -> None:
    path = saved_plan(tmp_path, "--response", "none")
    data = load(path)
    data["inputs"]["cycles"] = "7"
    save(path, data)
    result = verify(path)
    assert result.exit_code == 1
    assert "cannot be re-derived with the current rules" in result.stdout
    assert "7 is above the limit of 3" in result.stdout


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("not json", "is not JSON"),
        ('{"schema": "other/1"}', "not an inoplan plan"),
        ('{"schema": "inoplan.plan/1", "cycles": []}', "records no inputs"),
    ],
)
def test_a_file_that_is_not_a_plan_exits_2(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    result = verify(path)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert expected in result.stderr
    assert result.stderr.count("\n") == 1  # one line, no traceback


def test_a_dose_without_a_number_exits_2_naming_where(tmp_path: Path) -> None:
    path = saved_plan(tmp_path, "--response", "none")
    data = load(path)
    data["cycles"][1]["doses"][0]["mg"] = "1.46"
    save(path, data)
    result = verify(path)
    assert result.exit_code == 2
    assert "cycles[1].doses[0].mg: expected a number" in result.stderr


def test_missing_file_exits_2(tmp_path: Path) -> None:
    result = verify(tmp_path / "nope.json")
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_json_report_for_scripts(tmp_path: Path) -> None:
    path = saved_plan(tmp_path, "--response", "none")
    data = load(path)
    dose(data, 1, 1)["mg"] = 1.56
    save(path, data)
    result = verify(path, "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["holds"] is False
    assert {"kind": "dose", "where": "C1D1"}.items() <= report["differences"][0].items()


def test_doses_hash_follows_its_published_definition() -> None:
    # Hand-written canonical form of a pending plan (cycle 1 only) at 1.82 m2:
    # sorted keys, no spaces, decimal strings without trailing zeros.
    import hashlib

    canonical = (
        '[{"cycle":1,"date":"2026-12-01","day":1,"mg":"1.46","mg_per_m2":"0.8"},'
        '{"cycle":1,"date":"2026-12-08","day":8,"mg":"0.91","mg_per_m2":"0.5"},'
        '{"cycle":1,"date":"2026-12-15","day":15,"mg":"0.91","mg_per_m2":"0.5"}]'
    )
    plan = make_plan(request_from_strings({"start": "2026-12-01", "bsa": "1.82"}))
    data = plan_to_dict(plan)
    assert data["provenance"]["doses_hash"] == {
        "algorithm": "sha256",
        "canonical": "inoplan-doses/1",
        "value": hashlib.sha256(canonical.encode()).hexdigest(),
    }


def test_verify_rederives_through_rebuild(monkeypatch: pytest.MonkeyPatch) -> None:
    # rebuild() is the single re-derivation (re-planning hooks in there): what it
    # returns is what the file is compared with.
    from datetime import timedelta

    data = plan_to_dict(make_plan(request_from_strings({"start": "2026-12-01", "bsa": "1.82"})))
    assert verify_plan(data).holds
    original = verify_module.rebuild

    def shifted(d: Any, field: str = "PLAN") -> Any:
        plan = original(d, field)
        c1 = plan.cycles[0]
        moved = c1.doses[1]._replace(date=c1.doses[1].date + timedelta(days=1))
        cycle = c1._replace(doses=(c1.doses[0], moved, c1.doses[2]))
        return plan._replace(cycles=(cycle,))

    monkeypatch.setattr(verify_module, "rebuild", shifted)
    report = verify_plan(data)
    assert [d.where for d in report.differences if d.kind == "date"] == ["C1D8"]


RESPONSES = st.sampled_from(["pending", "none", "cr", "cri"])


@settings(max_examples=40, deadline=None)
@given(
    # With units, any BMI within 8-100 is planned (spec section 8): 36 / 2.1^2 = 8.2 and
    # 140 / 1.2^2 = 97.2 keep every pair inside it.
    height=st.integers(min_value=120, max_value=210),
    weight=st.integers(min_value=36, max_value=140),
    response=RESPONSES,
    hsct=st.booleans(),
    mrd=st.sampled_from(["negative", "positive", "unknown"]),
    offset=st.integers(min_value=0, max_value=400),
    which=st.integers(min_value=0, max_value=17),
    delta=st.sampled_from([-1, 1]),
)
def test_every_saved_plan_holds_and_any_one_cent_edit_is_caught(
    height: int,
    weight: int,
    response: str,
    hsct: bool,
    mrd: str,
    offset: int,
    which: int,
    delta: int,
) -> None:
    from datetime import date, timedelta

    start = (date(2026, 1, 1) + timedelta(days=offset)).isoformat()
    values = {
        "start": start,
        "height": f"{height}cm",
        "weight": f"{weight}kg",
        "response": response,
        "hsct": "yes" if hsct else None,
        "mrd": mrd,
    }
    data = json.loads(json.dumps(plan_to_dict(make_plan(request_from_strings(values)))))
    assert verify_plan(data).holds
    doses = [d for c in data["cycles"] for d in c["doses"]]
    target = doses[which % len(doses)]
    target["mg"] = round(target["mg"] + delta * 0.01, 2)
    report = verify_plan(data)
    assert not report.holds
    assert any(d.kind == "dose" for d in report.differences)
    assert any(d.kind == "hash" for d in report.differences)


def test_other_dose_fields_are_compared_too(tmp_path: Path) -> None:
    path = saved_plan(tmp_path, "--response", "none")
    data = load(path)
    dose(data, 1, 8)["weekday"] = "Wed"  # 2026-12-08 is a Tuesday
    save(path, data)
    result = verify(path)
    assert result.exit_code == 1
    assert "cycles[0].doses[1].weekday: Wed recorded, Tue re-derived" in result.stdout


def test_installed_command_exit_statuses(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = saved_plan(tmp_path, "--response", "none")

    def status() -> int:
        cmd = [sys.executable, "-m", "inoplan", "verify", str(path)]
        return subprocess.run(cmd, capture_output=True, check=False).returncode

    assert status() == 0
    data = load(path)
    dose(data, 1, 1)["mg"] = 1.47
    save(path, data)
    assert status() == 1
    path.write_text("{", encoding="utf-8")
    assert status() == 2


def test_readme_failure_example_is_real_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    path = saved_plan(tmp_path, "--response", "none")
    data = load(path)
    dose(data, 1, 1)["mg"] = 1.56
    dose(data, 1, 8)["date"] = "2026-12-11"
    save(path, data)
    result = runner.invoke(app, ["verify", "plan.json"])
    assert result.exit_code == 1
    for line in result.stdout.splitlines():
        assert line in readme


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)


@settings(max_examples=examples(60), deadline=None)
@given(
    which=st.integers(min_value=0, max_value=8),
    key=st.sampled_from(["cycle", "day", "date", "mg", "mg_per_m2", "weekday", "label"]),
    value=JSON_VALUES,
)
def test_any_edit_to_a_dose_is_a_report_or_a_one_line_refusal(
    which: int, key: str, value: object
) -> None:
    from inoplan.domain.errors import InputError

    values = {"start": "2026-12-01", "bsa": "1.82", "response": "none"}
    data = json.loads(json.dumps(plan_to_dict(make_plan(request_from_strings(values)))))
    doses = [d for c in data["cycles"] for d in c["doses"]]
    before = doses[which][key]
    doses[which][key] = value
    try:
        report = verify_plan(data)
    except InputError as e:
        assert "\n" not in e.message
        return
    if value != before or type(value) is not type(before):
        assert not report.holds
