"""The pharmacy prepares what is planned now: re-planned and clinic-moved doses.

A saved plan is rebuilt with its events and clinic days (as verify and replan
read it), so the worklist and the worksheet show the moved date and the
reduced dose, and never a dose the plan no longer gives.
"""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner, Result

from inoplan.cli.app import app


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), prog_name="inoplan")


def replanned(tmp_path: Path) -> Path:
    # BSA 1.82, CR: C1 2026-12-01/08/15, C2D1 due 2026-12-22 at 0.5 mg/m2.
    # A 16-day interruption from C1D8 (12-08) resumes 12-24: C1D8 and C1D15 are
    # not given, C2D1 waits until 12-24 and the next cycle is reduced by 25%:
    # 0.5 x 0.75 = 0.375 mg/m2 -> 0.375 x 1.82 = 0.6825 -> 0.68 mg.
    saved = tmp_path / "p1.json"
    base = ["--start", "2026-12-01", "--bsa", "1.82", "--response", "cr", "--patient-id", "P1"]
    assert run("schedule", *base, "-f", "json", "-o", str(saved)).exit_code == 0
    folder = tmp_path / "plans"
    folder.mkdir()
    out = folder / "p1.json"
    r = run("replan", str(saved), "--interrupt", "C1D8=16", "-f", "json", "-o", str(out))
    assert r.exit_code == 0, r.stderr
    return folder


def test_worklist_lists_the_moved_and_reduced_dose(tmp_path: Path) -> None:
    folder = replanned(tmp_path)
    r = run("worklist", str(folder), "--date", "2026-12-24", "-f", "json")
    assert r.exit_code == 0, r.stderr
    (inf,) = json.loads(r.stdout)["infusions"]
    # 0.68 mg / 0.25 mg/mL = 2.72 mL from 1 US vial (0.9 mg): waste 0.9 - 0.68 = 0.22 mg;
    # diluent 50 - 2.72 = 47.28 mL.
    assert (inf["patient_id"], inf["dose"], inf["dose_mg"]) == ("P1", "C2D1", 0.68)
    assert (inf["withdraw_ml"], inf["diluent_ml"], inf["vials"], inf["waste_mg"]) == (
        2.72, 47.28, 1, 0.22)  # fmt: skip


def test_worklist_leaves_out_doses_no_longer_given(tmp_path: Path) -> None:
    folder = replanned(tmp_path)
    for day in ("2026-12-08", "2026-12-22"):  # C1D8 omitted; C2D1 moved away from 12-22
        r = run("worklist", str(folder), "--date", day, "-f", "json")
        assert r.exit_code == 0, r.stderr
        assert json.loads(r.stdout)["infusions"] == []


def test_prep_from_a_replanned_plan(tmp_path: Path) -> None:
    plan = replanned(tmp_path) / "p1.json"
    r = run("prep", str(plan), "--cycle", "2", "--day", "1", "-f", "json")
    assert r.exit_code == 0, r.stderr
    ws = json.loads(r.stdout)
    assert (ws["withdraw_ml"], ws["diluent_ml"], ws["vials"], ws["waste_mg"]) == (
        2.72, 47.28, 1, 0.22)  # fmt: skip
    gone = run("prep", str(plan), "--cycle", "1", "--day", "8")
    assert gone.exit_code == 2
    assert "no longer given" in gone.stderr


def test_worklist_follows_clinic_days(tmp_path: Path) -> None:
    # Start Fri 2026-12-18, open mon-fri with Bavarian holidays: C1D8 is due Fri 12-25
    # (Christmas). Its window is 12-23..12-27: 12-23 is 5 days after C1D1 (< 6),
    # 12-24 (Thu) is open and 6 days after: the dose moves to 12-24.
    folder = tmp_path / "plans"
    folder.mkdir()
    r = run("schedule", "--start", "2026-12-18", "--bsa", "1.82", "--patient-id", "P2",
            "--clinic-days", "mon-fri", "--holidays", "DE-BY", "-f", "json",
            "-o", str(folder / "p2.json"))  # fmt: skip
    assert r.exit_code == 0, r.stderr
    on_24 = json.loads(run("worklist", str(folder), "--date", "2026-12-24", "-f", "json").stdout)
    assert [i["dose"] for i in on_24["infusions"]] == ["C1D8"]
    on_25 = json.loads(run("worklist", str(folder), "--date", "2026-12-25", "-f", "json").stdout)
    assert on_25["infusions"] == []
