"""The dose follows the patient's weight: ``inoplan replan --measured`` (spec section 8).

Every course starts from ``--start 2026-12-01 --height 170 --weight 70 --response cr``
(6 cycles). 2026-12-01 is a Tuesday; cycle 1 is 21 days, later cycles 28:

    C1: 12-01, 12-08, 12-15      C2: 12-22, 12-29, 2027-01-05      C3: 2027-01-19, ...

BSA sqrt(170 x 70 / 3600) = sqrt(3.30556) = 1.8181 -> 1.82 m2; day 1 of cycle 1:
0.8 x 1.82 = 1.456 -> 1.46 mg; every other dose 0.5 x 1.82 = 0.91 mg.

The spec's worked example: 70 -> 62 kg is (62 - 70) / 70 = -11.43%, at least the
10% default: BSA sqrt(170 x 62 / 3600) = sqrt(2.92778) = 1.7111 -> 1.71 m2 and
a 0.5 mg/m2 dose 0.5 x 1.71 = 0.855 -> 0.86 mg. 70 -> 65 kg (-7.14%): doses stay.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from inoplan.cli.app import app


@pytest.fixture(autouse=True)
def _today_after_the_course(monkeypatch: pytest.MonkeyPatch) -> None:
    """Measurements are records of the past: "today" lies after every one of them."""
    monkeypatch.setenv("INOPLAN_TODAY", "2028-12-31")

BASE = ["--start", "2026-12-01", "--height", "170", "--weight", "70", "--response", "cr"]


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), prog_name="inoplan", env={"COLUMNS": "400"})


def save(tmp_path: Path, *extra: str, name: str = "plan.json") -> Path:
    path = tmp_path / name
    r = run("schedule", *BASE, *extra, "-f", "json", "-o", str(path))
    assert r.exit_code == 0, r.stderr
    return path


def replan(plan: Path, *args: str) -> dict[str, Any]:
    r = run("replan", str(plan), *args, "-f", "json")
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)  # type: ignore[no-any-return]


def doses(data: dict[str, Any]) -> dict[str, tuple[str, float]]:
    return {d["label"]: (d["date"], d["mg"]) for c in data["cycles"] for d in c["doses"]}


def test_the_spec_example_70_to_62_kg_recomputes_from_the_measurement_day(
    tmp_path: Path,
) -> None:
    data = replan(save(tmp_path), "--measured", "2026-12-22=62")
    got = doses(data)
    # Cycle 1 is before the measurement: unchanged.
    assert got["C1D1"] == ("2026-12-01", 1.46)
    assert got["C1D8"] == ("2026-12-08", 0.91) and got["C1D15"] == ("2026-12-15", 0.91)
    # C2D1 is on the day of the measurement: included. 0.5 x 1.71 = 0.855 -> 0.86 mg.
    assert got["C2D1"] == ("2026-12-22", 0.86)
    later = [mg for label, (_, mg) in got.items() if not label.startswith("C1")]
    assert later == [0.86] * 15  # cycles 2-6, 3 doses each
    c2d1 = data["cycles"][1]["doses"][0]
    assert c2d1["bsa_m2"] == 1.71
    assert "BSA 1.71 m2 from the weight measured on 2026-12-22 (62 kg)" in c2d1["notes"]
    assert "bsa_m2" not in data["cycles"][0]["doses"][0]  # the plan's own 1.82
    warning = next(w for w in data["warnings"] if "62 kg" in w)
    for words in ("11.4% below", "70 kg", "1.82 m2", "1.71 m2", "threshold 10%"):
        assert words in warning
    # A calendar is told the dose changed.
    assert c2d1["sequence"] == 1 and data["cycles"][0]["doses"][0]["sequence"] == 0


def test_a_smaller_change_keeps_the_doses_and_says_so(tmp_path: Path) -> None:
    data = replan(save(tmp_path), "--measured", "2026-12-22=65")
    assert {mg for _, mg in list(doses(data).values())[1:]} == {0.91}
    assert not [w for w in data["warnings"] if "65 kg" in w]
    note = next(n for n in data["notes"] if "65 kg" in n)
    assert "7.1% below the 70 kg" in note and "under the threshold 10%" in note
    assert "doses stay (BSA 1.82 m2)" in note


def test_a_measurement_mid_cycle_changes_the_rest_of_the_cycle(tmp_path: Path) -> None:
    got = doses(replan(save(tmp_path), "--measured", "2026-12-10=62"))
    assert got["C1D8"] == ("2026-12-08", 0.91)  # before the measurement
    assert got["C1D15"] == ("2026-12-15", 0.86)  # 0.5 x 1.71 = 0.855 -> 0.86


def test_the_site_threshold_is_recorded_shown_and_kept(tmp_path: Path) -> None:
    plan = save(tmp_path)
    # 5%: 70 -> 65 kg (-7.1%) now recomputes: sqrt(170 x 65 / 3600) = sqrt(3.06944)
    # = 1.7520 -> 1.75 m2; 0.5 x 1.75 = 0.875 -> 0.88 mg.
    path = tmp_path / "plan2.json"
    r = run("replan", str(plan), "--measured", "2026-12-22=65", "--recalc-threshold", "5%",
            "-f", "json", "-o", str(path))  # fmt: skip
    assert r.exit_code == 0, r.stderr
    data = json.loads(path.read_text())
    assert doses(data)["C2D1"] == ("2026-12-22", 0.88)
    assert data["provenance"]["policy"]["bsa_recalc_threshold_pct"] == 5
    assert "changes by 5% or more (site policy)" in data["provenance"]["policy_text"]
    assert data["events"][-1]["threshold"] == "5"
    # The next measurement, without the option, keeps the site's 5%: 65 -> 62 kg is
    # (62 - 65) / 65 = -4.6%, under 5%: doses stay at 0.88 mg.
    data = replan(path, "--measured", "2027-01-19=62")
    assert doses(data)["C3D1"] == ("2027-01-19", 0.88)
    assert any("4.6% below the 65 kg" in n and "threshold 5%" in n for n in data["notes"])
    # A fresh plan's policy line shows the default.
    table = run("schedule", *BASE).stdout
    assert "changes by 10% or more (site policy)" in " ".join(table.split())


def test_small_changes_are_measured_against_the_weight_the_doses_use(tmp_path: Path) -> None:
    # 70 -> 65 (-7.1%, stays), then 62: compared with 70, not 65: -11.4%, recomputed.
    data = replan(save(tmp_path), "--measured", "2026-12-22=65", "--measured", "2027-01-19=62")
    got = doses(data)
    assert got["C2D1"][1] == 0.91 and got["C3D1"] == ("2027-01-19", 0.86)


def test_a_toxicity_reduction_stays_reduced_on_the_new_bsa(tmp_path: Path) -> None:
    # A 14-day interruption before C1D8 (from 12-08, resumes 12-22): C1D8 omitted, C1D15
    # inside it, and cycle 2 reduced 25%: 0.5 x 0.75 = 0.375 mg/m2 (spec section 6).
    # Without a new weight: 0.375 x 1.82 = 0.6825 -> 0.68 mg.
    plan = save(tmp_path)
    assert doses(replan(plan, "--interrupt", "C1D8=14"))["C2D1"] == ("2026-12-22", 0.68)
    # With 62 kg on 12-22: 0.375 x 1.71 = 0.64125 -> 0.64 mg: still 25% less.
    data = replan(plan, "--interrupt", "C1D8=14", "--measured", "2026-12-22=62")
    c2d1 = data["cycles"][1]["doses"][0]
    assert (c2d1["mg_per_m2"], c2d1["mg"], c2d1["bsa_m2"]) == (0.375, 0.64, 1.71)


def test_a_new_height_is_used_with_the_new_weight(tmp_path: Path) -> None:
    # 62 kg, 165 cm: sqrt(165 x 62 / 3600) = sqrt(2.84167) = 1.6857 -> 1.69 m2;
    # 0.5 x 1.69 = 0.845 -> 0.85 mg
    data = replan(save(tmp_path), "--measured", "2026-12-22=62kg,165cm")
    assert doses(data)["C2D1"] == ("2026-12-22", 0.85)
    assert data["events"][-1] == {
        "event": "measured",
        "date": "2026-12-22",
        "weight": "62 kg",
        "height": "165 cm",
        "threshold": "10",
        "revision": "1",
    }


def test_the_body_build_check_applies_to_the_new_values(tmp_path: Path) -> None:
    plan = save(tmp_path)
    # 150 bare: 150 / 1.7^2 = 51.9, outside 12-50: ambiguous; 150 lb = 68.04 -> 68 kg.
    r = run("replan", str(plan), "--measured", "2026-12-22=150")
    assert r.exit_code == 2
    assert r.stderr.startswith("inoplan: error: --measured 2026-12-22=150: BMI 51.9")
    assert "150 as pounds is 68 kg" in r.stderr
    # 150kg with its unit: planned, BMI warned; +114.3%: sqrt(170 x 150 / 3600)
    # = sqrt(7.08333) = 2.6615 -> 2.66 m2; 0.5 x 2.66 = 1.33 mg.
    data = replan(plan, "--measured", "2026-12-22=150kg")
    assert doses(data)["C2D1"] == ("2026-12-22", 1.33)
    assert any("BMI 51.9" in w for w in data["warnings"])
    # And pounds: 137 lb = 62.14 -> 62.1 kg, -11.3%: sqrt(170 x 62.1 / 3600) = 1.7125 -> 1.71
    assert doses(replan(plan, "--measured", "2026-12-22=137lb"))["C2D1"][1] == 0.86


def test_a_dose_already_given_is_never_changed(tmp_path: Path) -> None:
    plan = save(tmp_path)
    given = tmp_path / "given.json"
    r = run("replan", str(plan), "--given", "C2D1=2026-12-22", "-f", "json", "-o", str(given))
    assert r.exit_code == 0, r.stderr
    # Dated on or before a dose recorded as given in an earlier re-plan: refused.
    r = run("replan", str(given), "--measured", "2026-12-20=62")
    assert r.exit_code == 2
    assert "C2D1 was recorded as given on 2026-12-22" in r.stderr
    # Dated after it: the later doses change, the given one keeps 0.91 mg.
    got = doses(replan(given, "--measured", "2026-12-23=62"))
    assert got["C2D1"] == ("2026-12-22", 0.91) and got["C2D8"] == ("2026-12-29", 0.86)


def test_measurements_from_an_events_file(tmp_path: Path) -> None:
    events = tmp_path / "events.csv"
    events.write_text("event,date,weight,height\nmeasured,2026-12-22,62kg,\n", encoding="utf-8")
    assert doses(replan(save(tmp_path), "--events", str(events)))["C2D1"][1] == 0.86


def test_prep_from_the_replanned_plan_uses_the_new_bsa(tmp_path: Path) -> None:
    path = tmp_path / "plan2.json"
    r = run("replan", str(save(tmp_path)), "--measured", "2026-12-22=62", "-f", "json",
            "-o", str(path))  # fmt: skip
    assert r.exit_code == 0
    r = run("prep", str(path), "--cycle", "2", "--day", "1", "-f", "json")
    data = json.loads(r.stdout)
    assert data["dose_mg"] == 0.86 and data["dose"]["bsa_m2"] == 1.71


def test_what_is_refused(tmp_path: Path) -> None:
    plan = save(tmp_path)
    cases = [
        (["--given", "C1D1=2026-12-01", "--recalc-threshold", "5"], "--recalc-threshold: not used"),
        (["--measured", "2026-12-22=62", "--recalc-threshold", "100"], "above 0 and below 100"),
        (["--measured", "2026-11-30=62"], "before the plan starts"),
        (["--measured", "2026-12-22=62", "--measured", "2026-12-22=61"], "a second measurement"),
        (["--measured", "2026-12-22"], "expected DATE=WEIGHT[,HEIGHT]"),
        (["--measured", "2026-12-22=62st"], "is not a weight"),
    ]
    for args, words in cases:
        r = run("replan", str(plan), *args)
        assert r.exit_code == 2 and words in r.stderr, (args, r.stderr)
        assert r.stderr.count("\n") == 1
    # A plan whose BSA was given directly has no weight to compare.
    given_bsa = tmp_path / "bsa.json"
    r = run("schedule", "--start", "2026-12-01", "--bsa", "1.82", "--response", "cr",
            "-f", "json", "-o", str(given_bsa))  # fmt: skip
    r = run("replan", str(given_bsa), "--measured", "2026-12-22=62")
    assert r.exit_code == 2 and "BSA was given directly" in r.stderr


def test_verify_holds_for_a_plan_saved_before_the_threshold_was_recorded(tmp_path: Path) -> None:
    plan = save(tmp_path)
    data = json.loads(plan.read_text())
    del data["provenance"]["policy"]["bsa_recalc_threshold_pct"]
    plan.write_text(json.dumps(data), encoding="utf-8")
    assert run("verify", str(plan)).exit_code == 0
    # With a measurement recorded at 5%, the missing key is a real difference.
    path = tmp_path / "p5.json"
    r = run("replan", str(plan), "--measured", "2026-12-22=65", "--recalc-threshold", "5",
            "-f", "json", "-o", str(path))  # fmt: skip
    assert r.exit_code == 0
    data = json.loads(path.read_text())
    del data["provenance"]["policy"]["bsa_recalc_threshold_pct"]
    path.write_text(json.dumps(data), encoding="utf-8")
    r = run("verify", str(path))
    assert r.exit_code == 1 and "bsa_recalc_threshold_pct" in r.stdout
