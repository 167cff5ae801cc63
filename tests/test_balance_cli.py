"""``inoplan balance`` through the command: a clinic worked by hand, --apply, bad input.

The clinic (patients CSV; today 2026-11-30 from conftest; cycle 1 for every
patient, response pending: day 1 0.8 mg/m2, days 8 and 15 0.5 mg/m2, half-up
to 0.01 mg; US vials of 0.9 mg):

    P1 start Mon 2027-01-04, BSA 1.82: C1D8 Mon 01-11, 0.5 x 1.82 = 0.91 mg
    P2 start Tue 2027-01-05, BSA 1.80: C1D8 Tue 01-12, 0.5 x 1.80 = 0.90 mg
    P3 start Wed 2027-01-06, BSA 1.70: C1D8 Wed 01-13, 0.5 x 1.70 = 0.85 mg
    P4 start Wed 2027-01-06, BSA 1.80: C1D8 Wed 01-13, 0.90 mg
    P5 start Wed 2027-01-06, BSA 1.76: C1D8 Wed 01-13, 0.5 x 1.76 = 0.88 mg

The period is Mon 01-11 to Sun 01-17, 2 chairs, open Monday to Friday. The
counted doses are the five day 8s (every day 1 lies before the period, every
day 15, 01-18 to 01-20, after it). Each day 8 may move +/- 2 days, but its day
1 is 7 days before and its day 15 7 days after, and 6 days are needed: +/- 1
day. So P1 Mon or Tue (Sun is closed), P2 Mon..Wed, P3-P5 Tue..Thu.

Without sharing: Wednesday holds 3 doses for 2 chairs (overflow 1, peak 3);
one of P3-P5 moves one day, to Tue (P2 alone there) or Thu: 1 move, 1 day.

With --share-vials (one pool a day, ceil(day's mg / 0.9)):
  before: Mon 0.91 -> 2, Tue 0.90 -> 1, Wed 0.85 + 0.90 + 0.88 = 2.63 -> 3:
  6 vials, waste 6 x 0.9 - 4.44 = 5.40 - 4.44 = 0.96 mg (4.44 mg in all).
  At least ceil(4.44 / 0.9) = ceil(4.93) = 5 vials. P1 alone opens 2 vials for
  0.91 mg, so 5 needs P1 to share, within 2 vials: 0.91 + 0.85 = 1.76 or
  0.91 + 0.88 = 1.79 (0.91 + 0.90 = 1.81 needs 3). P1 meets P3 or P5 only on
  Tue, so P2 leaves Tue (for Mon, 1 move; Wed would then hold 3 doses and need
  a 4th move). Wed keeps P4 and the other of P3/P5: 0.90 + 0.85/0.88 -> 2 vials.
  After: Mon P2 0.90 -> 1, Tue P1 + P3 or P5 -> 2, Wed -> 2: 5 vials, 3 moves of
  1 day; waste 5 x 0.9 - 4.44 = 0.06 mg. Saved: 1 vial, 0.90 mg; at 24000 a
  vial, 24000.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from inoplan.cli.app import app

pytest.importorskip("ortools")

runner = CliRunner()

CLINIC = """patient_id,start,bsa,response,clinic_days
P1,2027-01-04,1.82,pending,mon-fri
P2,2027-01-05,1.80,pending,mon-fri
P3,2027-01-06,1.70,pending,mon-fri
P4,2027-01-06,1.80,pending,mon-fri
P5,2027-01-06,1.76,pending,mon-fri
"""
PERIOD = ["--from", "2027-01-11", "--to", "2027-01-17", "--clinic-days", "mon-fri"]


def run(*args: str) -> Any:
    return runner.invoke(app, ["balance", *args])


@pytest.fixture
def clinic(tmp_path: Path) -> Path:
    path = tmp_path / "clinic.csv"
    path.write_text(CLINIC, encoding="utf-8")
    return path


def as_json(result: Any) -> dict[str, Any]:
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_without_sharing_one_dose_leaves_the_crowded_wednesday(clinic: Path) -> None:
    data = as_json(run(str(clinic), *PERIOD, "--chairs", "2", "--format", "json"))
    assert data["schema"] == "inoplan.balance/1"
    assert (data["before"]["overflow"], data["before"]["peak_doses"]) == (1, 3)
    assert (data["after"]["overflow"], data["after"]["peak_doses"]) == (0, 2)
    [move] = data["moves"]
    assert move["patient_id"] in {"P3", "P4", "P5"} and move["from"] == "2027-01-13"
    assert move["to"] in {"2027-01-12", "2027-01-14"} and move["reason"] == "chairs"
    assert "3 doses for 2 chairs" in move["why"]
    # Without sharing each dose opens its own vials: 0.91 -> 2, the others 1 each.
    assert data["before"]["vials"] == data["after"]["vials"] == 6
    assert data["warnings"] == []
    assert data["solver"]["status"] == "optimal"


def test_sharing_vials_saves_one_vial_by_hand(clinic: Path) -> None:
    data = as_json(
        run(
            str(clinic),
            *PERIOD,
            "--chairs",
            "2",
            "--share-vials",
            "--vial-price",
            "24000",
            "--format",
            "json",
        )
    )
    assert (data["before"]["vials"], data["after"]["vials"]) == (6, 5)
    assert (data["before"]["waste_mg"], data["after"]["waste_mg"]) == (0.96, 0.06)
    assert data["saved"] == {"vials": 1, "waste_mg": 0.9, "cost": 24000.0}
    assert (data["before"]["cost"], data["after"]["cost"]) == (144000.0, 120000.0)
    moved = {m["patient_id"]: (m["from"], m["to"]) for m in data["moves"]}
    assert moved.pop("P1") == ("2027-01-11", "2027-01-12")
    assert moved.pop("P2") == ("2027-01-12", "2027-01-11")
    [(other, dates)] = moved.items()
    assert other in {"P3", "P5"} and dates == ("2027-01-13", "2027-01-12")
    days = {d["date"]: d for d in data["days"]}
    assert [days[f"2027-01-{n}"]["vials_after"] for n in range(11, 16)] == [1, 2, 2, 0, 0]
    assert [days[f"2027-01-{n}"]["doses_after"] for n in range(11, 18)] == [1, 2, 2, 0, 0, 0, 0]
    assert days["2027-01-16"]["closed"] and days["2027-01-16"]["chairs"] == 0


def test_table_names_the_moves_and_the_saving(clinic: Path) -> None:
    result = run(str(clinic), *PERIOD, "--chairs", "2", "--share-vials", "--vial-price", "24000")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Peak chairs in use" in out and "Saved: 1 vial, 0.90 mg of waste, 24,000.00" in out
    assert "P1" in out and "2027-01-11 mon" in out and "Dry run" in out


def test_csv_has_one_row_per_counted_dose(clinic: Path) -> None:
    result = run(str(clinic), *PERIOD, "--chairs", "2", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert sorted(r["patient_id"] for r in rows) == ["P1", "P2", "P3", "P4", "P5"]
    assert {r["dose"] for r in rows} == {"C1D8"}
    assert sum(r["moved"] == "yes" for r in rows) == 1


def test_a_day_that_cannot_be_helped_is_a_warning(clinic: Path) -> None:
    # 1 chair: 5 doses over Mon..Thu (the windows end there) cannot fit 1 a day.
    data = as_json(run(str(clinic), *PERIOD, "--chairs", "1", "--format", "json"))
    assert data["after"]["overflow"] == 1  # 5 doses, 4 days with a chair
    assert len(data["warnings"]) == 1 and "even after balancing" in data["warnings"][0]
    result = run(str(clinic), *PERIOD, "--chairs", "1", "--format", "csv")
    assert "even after balancing" in result.stdout.splitlines()[1]


# --- --apply --------------------------------------------------------------------------------


def test_apply_writes_replanned_plans_that_verify(clinic: Path, tmp_path: Path) -> None:
    out = tmp_path / "balanced"
    data = as_json(
        run(
            str(clinic),
            *PERIOD,
            "--chairs",
            "2",
            "--share-vials",
            "--apply",
            "--out",
            str(out),
            "--format",
            "json",
        )
    )
    moved = {m["patient_id"]: m for m in data["moves"]}
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([*(f"{pid}.json" for pid in moved), "balance-moves.csv"])
    assert data["applied"]["plans"] == sorted(f"{pid}.json" for pid in moved)
    for pid, move in moved.items():
        plan_file = out / f"{pid}.json"
        verified = runner.invoke(app, ["verify", str(plan_file)])
        assert verified.exit_code == 0, verified.stdout + verified.stderr
        plan = json.loads(plan_file.read_text(encoding="utf-8"))
        assert plan["revision"] == 1
        assert plan["events"] == [
            {
                "event": "moved",
                "dose": "C1D8",
                "date": move["to"],
                "reason": move["why"],
                "revision": "1",
            }
        ]
        doses = {d["label"]: d for c in plan["cycles"] for d in c["doses"]}
        assert doses["C1D8"]["date"] == move["to"]
        assert doses["C1D8"]["sequence"] == 1  # a calendar updates the appointment
        assert doses["C1D8"]["planned_date"] == move["from"]
        assert doses["C1D1"]["sequence"] == doses["C1D15"]["sequence"] == 0
    # Balancing the written plans again finds nothing to move.
    again = as_json(run(str(out), *PERIOD, "--chairs", "2", "--share-vials", "--format", "json"))
    assert again["moves"] == []


def test_apply_never_overwrites_without_force(clinic: Path, tmp_path: Path) -> None:
    out = tmp_path / "balanced"
    args = [str(clinic), *PERIOD, "--chairs", "2", "--apply", "--out", str(out)]
    assert run(*args).exit_code == 0
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    refused = run(*args, "--share-vials")
    assert refused.exit_code == 2 and "--force" in refused.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == first
    assert run(*args, "--share-vials", "--force").exit_code == 0
    assert len(list(out.iterdir())) == 4  # 3 plans and the moves
    # A folder holding anything else is never replaced, even with --force.
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("keep me", encoding="utf-8")
    refused = run(str(clinic), *PERIOD, "--chairs", "2", "--apply", "--out", str(other), "--force")
    assert refused.exit_code == 2 and (other / "notes.txt").read_text() == "keep me"


def test_a_moved_plan_is_replanned_later_with_its_move(clinic: Path, tmp_path: Path) -> None:
    # After balancing, P3's or another's plan is re-planned by replan: the move stays.
    out = tmp_path / "balanced"
    data = as_json(
        run(str(clinic), *PERIOD, "--chairs", "2", "--apply", "--out", str(out), "-f", "json")
    )
    [move] = data["moves"]
    plan_file = out / f"{move['patient_id']}.json"
    start = {"P3": "2027-01-06", "P4": "2027-01-06", "P5": "2027-01-06"}[move["patient_id"]]
    result = runner.invoke(
        app,
        ["replan", str(plan_file), "--given", f"C1D1={start}", "--format", "json"],
        env={"INOPLAN_TODAY": "2027-01-07"},
    )
    assert result.exit_code == 0, result.stderr
    plan = json.loads(result.stdout)
    doses = {d["label"]: d for c in plan["cycles"] for d in c["doses"]}
    assert doses["C1D8"]["date"] == move["to"] and plan["revision"] == 2


# --- bad input: one line, exit 2, nothing written -------------------------------------------


def _plan_of_another_schema(tmp_path: Path) -> Path:
    folder = tmp_path / "plans"
    folder.mkdir()
    (folder / "p.json").write_text('{"schema": "inoplan.plan/9", "inputs": {}}', encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--chairs", "0"], "--chairs: 0 is not allowed; give at least 1 chair"),
        (["--chairs", "2", "--chairs-on", "fri=0"], "fri=0 is not allowed"),
        (["--chairs", "two"], "--chairs"),
        (["--chairs", "2", "--to", "2027-01-10"], "--to: 2027-01-10 is before --from"),
        (["--chairs", "2", "--to", "2028-06-30"], "balance at most 366 days"),
        (["--chairs", "2", "--from", "2027-06-01", "--to", "2027-06-07"], "no dose has"),
        (["--chairs", "2", "--apply"], "--apply: needs --out DIR"),
        (["--chairs", "2", "--time-limit", "0"], "--time-limit"),
        (["--chairs", "2", "--vial-price", "-5"], "--vial-price"),
    ],
)
def test_bad_options(clinic: Path, tmp_path: Path, args: list[str], words: str) -> None:
    target = tmp_path / "report.json"
    base = [str(clinic), *PERIOD]
    result = run(*base, *args, "-o", str(target))
    assert result.exit_code == 2
    assert words in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not target.exists()


@pytest.mark.parametrize("kind", ["another schema", "missing folder", "empty folder", "binary"])
def test_bad_sources(tmp_path: Path, kind: str) -> None:
    if kind == "another schema":
        source, words = _plan_of_another_schema(tmp_path), "schema 'inoplan.plan/9'"
    elif kind == "missing folder":
        source, words = tmp_path / "nowhere", "does not exist"
    elif kind == "empty folder":
        source, words = tmp_path / "empty", "holds no saved plans"
        source.mkdir()
    else:
        source = tmp_path / "plans"
        source.mkdir()
        (source / "p.json").write_bytes(b"\xff\xfe\x00garbage")
        words = "p.json"
    out = tmp_path / "balanced"
    result = run(str(source), *PERIOD, "--chairs", "2", "--apply", "--out", str(out))
    assert result.exit_code == 2
    assert words in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_without_ortools_one_line_how_to_install(
    clinic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in list(sys.modules):
        if name == "ortools" or name.startswith("ortools."):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "ortools", None)
    result = run(str(clinic), *PERIOD, "--chairs", "2")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "inoplan: error: inoplan balance needs Google OR-Tools; install it with: "
        "pip install 'inoplan[balance]'"
    ]
