"""The pharmacy worklist over a small clinic, checked against a hand count.

The clinic (each dose worked out by hand from the spec, Mosteller, half-up):

- P001: start 2026-12-01, 170 cm / 70 kg -> sqrt(170 x 70 / 3600) = 1.8181 -> 1.82 m2,
  response cr. C1D1 2026-12-01 0.8 x 1.82 = 1.456 -> 1.46 mg; C1D8 2026-12-08 and
  C1D15 2026-12-15 0.5 x 1.82 = 0.91 mg; cycle 1 is 21 days, so C2D1 2026-12-22 0.91 mg.
- P002: start 2026-12-08, BSA 2.1 m2, response none. C1D1 2026-12-08 0.8 x 2.1 = 1.68 mg;
  C1D8 2026-12-15 and C1D15 2026-12-22 0.5 x 2.1 = 1.05 mg.
- P003 (no patient id): start 2026-11-24, 150 cm / 45 kg -> sqrt(150 x 45 / 3600) =
  sqrt(1.875) = 1.3693 -> 1.37 m2, response pending (cycle 1 only). C1D1 2026-11-24
  0.8 x 1.37 = 1.096 -> 1.10 mg; C1D8 2026-12-01 and C1D15 2026-12-08 0.5 x 1.37 = 0.685
  -> 0.69 mg. Its last dose is 2026-12-08.

On 2026-12-08, US 0.9 mg vials: P001 C1D8 0.91 mg (2 vials), P002 C1D1 1.68 mg (2 vials),
P003 C1D15 0.69 mg (1 vial): 3 infusions, 5 vials, 3.28 mg, waste 4.5 - 3.28 = 1.22 mg.
Sharing them: 3.28 / 0.9 = 3.64 -> 4 vials, waste 3.6 - 3.28 = 0.32 mg.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from inoplan.cli.app import app

runner = CliRunner()


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


CLINIC = {
    "p001.json": [
        "--patient-id",
        "P001",
        "--start",
        "2026-12-01",
        "--height",
        "170",
        "--weight",
        "70",
        "--response",
        "cr",
    ],
    "p002.json": [
        "--patient-id",
        "P002",
        "--start",
        "2026-12-08",
        "--bsa",
        "2.1",
        "--response",
        "none",
    ],
    "p003.json": ["--start", "2026-11-24", "--height", "150", "--weight", "45"],
}
CLINIC_CSV = (
    "patient_id,start,height,weight,response,bsa\r\n"
    "P001,2026-12-01,170,70,cr,\r\n"
    "P002,2026-12-08,,,none,2.1\r\n"
    "P003,2026-11-24,150,45,pending,\r\n"
)


@pytest.fixture
def clinic(tmp_path: Path) -> Path:
    folder = tmp_path / "plans"
    folder.mkdir()
    for name, args in CLINIC.items():
        r = run("schedule", *args, "--format", "json", "-o", str(folder / name))
        assert r.exit_code == 0, r.stderr
    return folder


def worklist_json(*args: str) -> dict[str, Any]:
    r = run("worklist", *args, "--format", "json")
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)  # type: ignore[no-any-return]


def rows(data: dict[str, Any]) -> list[tuple[str, str, float, int]]:
    return [
        (i["patient_id"] or i["source"], i["dose"], i["dose_mg"], i["vials"])
        for i in data["infusions"]
    ]


def test_one_day_matches_the_hand_count(clinic: Path) -> None:
    data = worklist_json(str(clinic), "--date", "2026-12-08")
    assert sorted(rows(data)) == [
        ("P001", "C1D8", 0.91, 2),
        ("P002", "C1D1", 1.68, 2),
        ("p003.json", "C1D15", 0.69, 1),
    ]
    [day] = data["days"]
    assert day == {
        "date": "2026-12-08",
        "infusions": 3,
        "dose_mg": 3.28,
        "vials": 5,
        "waste_mg": 1.22,
        "vials_shared": None,
        "waste_shared_mg": None,
    }
    # volumes: 0.91 / 0.25 = 3.64 mL, 50 - 3.64 = 46.36 mL
    p001 = next(i for i in data["infusions"] if i["patient_id"] == "P001")
    assert (p001["withdraw_ml"], p001["diluent_ml"]) == (3.64, 46.36)
    assert "corticosteroid" in p001["premedication"]


def test_range_counts_each_day(clinic: Path) -> None:
    data = worklist_json(str(clinic), "--date", "2026-12-15", "--to", "2026-12-22")
    # 12-15: P001 C1D15 0.91 (2 vials) + P002 C1D8 1.05 (2 vials) = 4 vials
    # 12-22: P001 C2D1 0.91 (2 vials; CR so 0.5 mg/m2) + P002 C1D15 1.05 (2 vials) = 4 vials
    assert [(d["date"], d["infusions"], d["vials"]) for d in data["days"]] == [
        ("2026-12-15", 2, 4),
        ("2026-12-22", 2, 4),
    ]
    assert ("P001", "C2D1", 0.91, 2) in rows(data)


def test_csv_of_patients_gives_the_same_worklist(clinic: Path, tmp_path: Path) -> None:
    patients = tmp_path / "patients.csv"
    patients.write_text(CLINIC_CSV, encoding="utf-8")
    from_csv = worklist_json(str(patients), "--date", "2026-12-08")
    from_plans = worklist_json(str(clinic), "--date", "2026-12-08")
    assert sorted((i["dose"], i["dose_mg"], i["vials"]) for i in from_csv["infusions"]) == sorted(
        (i["dose"], i["dose_mg"], i["vials"]) for i in from_plans["infusions"]
    )
    assert from_csv["days"] == from_plans["days"]


def test_doses_edited_in_a_plan_file_are_not_trusted(clinic: Path) -> None:
    path = clinic / "p002.json"
    data = json.loads(path.read_text())
    data["cycles"][0]["doses"][0]["mg"] = 2.75
    path.write_text(json.dumps(data))
    out = worklist_json(str(clinic), "--date", "2026-12-08")
    assert ("P002", "C1D1", 1.68, 2) in rows(out)


def _set_time(path: Path, cycle: int, day: int, time: str) -> None:
    data = json.loads(path.read_text())
    data["cycles"][cycle - 1]["doses"][[1, 8, 15].index(day)]["time"] = time
    path.write_text(json.dumps(data))


def test_sorted_by_planned_time_where_plans_carry_one(clinic: Path) -> None:
    _set_time(clinic / "p002.json", 1, 1, "09:30")
    _set_time(clinic / "p001.json", 1, 8, "08:00")
    data = worklist_json(str(clinic), "--date", "2026-12-08")
    assert [(i["time"], i["dose"]) for i in data["infusions"]] == [
        ("08:00", "C1D8"),
        ("09:30", "C1D1"),
        (None, "C1D15"),
    ]


def test_share_vials_one_session_without_times(clinic: Path) -> None:
    data = worklist_json(str(clinic), "--date", "2026-12-08", "--share-vials")
    [day] = data["days"]
    # alone 5 vials / 1.22 mg waste; shared 3.28 / 0.9 -> 4 vials, 3.6 - 3.28 = 0.32 mg
    assert (day["vials"], day["waste_mg"], day["vials_shared"], day["waste_shared_mg"]) == (
        5,
        1.22,
        4,
        0.32,
    )
    assert any("one session per day" in n for n in data["notes"])


def test_share_vials_respects_the_4_hour_window(clinic: Path) -> None:
    # P001 08:00 (0.91 mg), P002 12:01 (1.68 mg), P003 16:02 (0.69 mg): each more than
    # 4 h after the one before, so three sessions. Vials shared = 2 + 2 + 1 = 5, as without.
    _set_time(clinic / "p001.json", 1, 8, "08:00")
    _set_time(clinic / "p002.json", 1, 1, "12:01")
    _set_time(clinic / "p003.json", 1, 15, "16:02")
    data = worklist_json(str(clinic), "--date", "2026-12-08", "--share-vials")
    assert [len(s["infusions"]) for s in data["sessions"]] == [1, 1, 1]
    assert data["days"][0]["vials_shared"] == 5
    # at exactly 4 h (12:00) they share: 0.91 + 1.68 = 2.59 / 0.9 = 2.88 -> 3 vials, not 4
    _set_time(clinic / "p002.json", 1, 1, "12:00")
    data = worklist_json(str(clinic), "--date", "2026-12-08", "--share-vials")
    first = data["sessions"][0]
    assert (first["vials_separate"], first["vials_shared"]) == (4, 3)
    assert first["waste_shared_mg"] == 0.11  # 2.7 - 2.59


def test_rounding_is_off_by_default_and_bounded_when_asked(clinic: Path) -> None:
    plain = worklist_json(str(clinic), "--date", "2026-12-08")
    assert all(i["rounding"] is None for i in plain["infusions"])
    data = worklist_json(
        str(clinic), "--date", "2026-12-08", "--round-within", "5%", "--round-to", "vial"
    )
    by = {i["dose"]: i for i in data["infusions"]}
    # P001 0.91 -> 0.9 mg (one vial), (0.9 - 0.91) / 0.91 = -1.10%
    assert by["C1D8"]["dose_mg"] == 0.9 and by["C1D8"]["rounding"]["change_pct"] == -1.1
    assert by["C1D8"]["vials"] == 1
    # P002 1.68 -> 1.8 mg would be +7.14%: kept; P003 0.69 -> 0.9 mg +30.43%: kept
    assert by["C1D1"]["dose_mg"] == 1.68 and not by["C1D1"]["rounding"]["applied"]
    assert by["C1D15"]["dose_mg"] == 0.69
    # 5 - 1 = 4 vials
    assert data["days"][0]["vials"] == 4


def test_csv_output_is_spreadsheet_ready(clinic: Path) -> None:
    r = run("worklist", str(clinic), "--date", "2026-12-08", "--format", "csv")
    assert r.exit_code == 0
    table = list(csv.DictReader(io.StringIO(r.stdout)))
    assert len(table) == 3
    assert {row["date"] for row in table} == {"2026-12-08"}
    assert {row["patient_id"] for row in table} == {"P001", "P002", ""}
    assert r.stdout.startswith("date,time,patient_id,")


def test_table_lists_patients_and_totals(clinic: Path) -> None:
    r = run("worklist", str(clinic), "--date", "2026-12-08")
    assert r.exit_code == 0
    for words in ("P001", "P002", "(p003.json)", "C1D15", "Vials per day", "1.22", "premedication"):
        assert words.lower() in r.stdout.lower()


def test_a_day_inside_the_plans_without_infusions_is_empty(clinic: Path) -> None:
    r = run("worklist", str(clinic), "--date", "2026-12-09")
    assert r.exit_code == 0 and "no infusions due" in r.stdout


def test_same_patient_twice_on_a_day_is_flagged(clinic: Path) -> None:
    (clinic / "p001-copy.json").write_text((clinic / "p001.json").read_text())
    data = worklist_json(str(clinic), "--date", "2026-12-08")
    assert any("P001 has 2 infusions on 2026-12-08" in w for w in data["warnings"])


@pytest.mark.parametrize(
    ("args", "start"),
    [
        (["--date", "2026-12-08", "--to", "2026-12-01"], "inoplan: error: --to:"),
        (["--date", "08/12/2026"], "inoplan: error: --date: '08/12/2026' is ambiguous"),
        (
            ["--date", "2026-12-08", "--market", "uk"],
            "inoplan: error: Invalid value for '--market'",
        ),
        (["--date", "2026-12-08", "--round-within", "5%"], "inoplan: error: --round-to: required"),
        (
            ["--date", "2026-12-08", "--round-to", "vial"],
            "inoplan: error: --round-within: required",
        ),
    ],
)
def test_bad_input_one_line_exit_2(
    clinic: Path, tmp_path: Path, args: list[str], start: str
) -> None:
    out = tmp_path / "w.csv"
    r = run("worklist", str(clinic), *args, "-o", str(out))
    assert r.exit_code == 2
    assert r.stderr.startswith(start), r.stderr
    assert r.stderr.count("\n") == 1
    assert not out.exists()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (
            "patient_id,start,height,weight,response\r\nP1,2026-12-01,170,-70,cr\r\n",
            "patients.csv row 2: weight",
        ),
        ("patient_id,start,height,weight,response,colour\r\n", "unknown column 'colour'"),
        ("patient_id,start,height,weight\r\n", "missing column 'response'"),
        (
            "patient_id,start,height,weight,response\r\nP1,2026-12-01,170\r\n",
            "patients.csv row 2: has 3 cells; the header has 5",
        ),
    ],
)
def test_bad_patients_csv(tmp_path: Path, content: str, words: str) -> None:
    patients = tmp_path / "patients.csv"
    patients.write_text(content, encoding="utf-8")
    r = run("worklist", str(patients), "--date", "2026-12-01")
    assert r.exit_code == 2 and words in r.stderr, r.stderr


def test_folder_without_plans_is_refused(tmp_path: Path) -> None:
    r = run("worklist", str(tmp_path), "--date", "2026-12-01")
    assert r.exit_code == 2 and "holds no saved plans" in r.stderr


def test_patients_csv_with_bom_and_planned_times(tmp_path: Path) -> None:
    patients = tmp_path / "patients.csv"
    # P9: 1.82 m2, C1D8 on 2026-12-08, 0.91 mg; P8: 160 cm / 60 kg -> sqrt(9600 / 3600) =
    # 1.633 -> 1.63 m2, C1D1 on 2026-12-08, 0.8 x 1.63 = 1.304 -> 1.30 mg
    patients.write_bytes(
        b"\xef\xbb\xbfpatient_id,start,height,weight,response,time\r\n"
        b"P9,2026-12-01,170,70,cr,14:00\r\nP8,2026-12-08,160,60,none,09:15\r\n"
    )
    data = worklist_json(str(patients), "--date", "2026-12-08")
    assert [(i["time"], i["patient_id"], i["dose_mg"]) for i in data["infusions"]] == [
        ("09:15", "P8", 1.3),
        ("14:00", "P9", 0.91),
    ]
