"""The command line as a pharmacist uses it."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import invoke

BASE = ["schedule", "--start", "2026-12-01", "--height", "170", "--weight", "70"]


def test_table_view_shows_doses_totals_and_reasons() -> None:
    r = invoke([*BASE, "--response", "cr"])
    assert r.exit_code == 0, r.stderr
    out = r.stdout
    # sqrt(170 x 70 / 3600) = 1.8181 -> 1.82 m2; 0.8 x 1.82 = 1.456 -> 1.46 mg
    assert "1.82 m2" in out
    assert "1.46" in out and "0.91" in out
    assert "9.3 mg/m2" in out  # 1.8 + 5 x 1.5
    assert "up to 6 cycles" in out
    assert "December 2026" in out and "April 2027" in out
    assert "2027-04-27" in out  # last dose C6D15
    assert "corticosteroid" in out and "antipyretic" in out and "antihistamine" in out
    assert "at least 1 hour" in out
    assert "Decision support" in out
    assert "\x1b[" not in out  # no colour codes when not a terminal


def test_json_has_the_documented_keys_and_types() -> None:
    r = invoke([*BASE, "--response", "none", "--patient-id", "MRN-0042", "--format", "json"])
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["schema"] == "inoplan.plan/1"
    assert data["patient"] == {
        **data["patient"],
        "id": "MRN-0042",
        "height_cm": 170,
        "weight_kg": 70,
        "bsa_m2": 1.82,
        "bsa_formula": "mosteller",
    }
    assert data["response"] == "none" and data["hsct"] is False and data["mrd"] == "unknown"
    assert data["cycle_limit"]["cycles"] == 3
    assert isinstance(data["cycle_limit"]["reason"], str)
    c2 = data["cycles"][1]
    # C2 starts 21 days after 2026-12-01 = 2026-12-22 and lasts 28 days, to 2027-01-18
    assert (c2["number"], c2["start"], c2["end"], c2["length_days"]) == (
        2,
        "2026-12-22",
        "2027-01-18",
        28,
    )
    assert c2["total_mg_per_m2"] == 1.8
    assert c2["doses"][0] == {
        **c2["doses"][0],
        "cycle": 2,
        "day": 1,
        "date": "2026-12-22",
        "mg_per_m2": 0.8,
        "mg": 1.46,
    }
    assert data["cumulative_mg_per_m2"] == 5.4  # 3 x 1.8
    assert data["cumulative_mg"] == 9.84  # 3 x (1.46 + 0.91 + 0.91)
    assert data["last_dose"] == "2027-02-02"  # C3 2027-01-19 + 14
    keys = {r["key"] for r in data["reminders"]}
    assert {"premedication", "observation", "blood_count", "liver_tests"} <= keys
    assert data["warnings"] == []


def test_csv_has_one_row_per_dose() -> None:
    r = invoke(
        [
            *BASE,
            "--response",
            "cr",
            "--hsct",
            "--mrd",
            "negative",
            "--format",
            "csv",
            "--patient-id",
            "P1",
        ]
    )
    assert r.exit_code == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert list(rows[0]) == [
        "patient_id",
        "cycle",
        "day",
        "date",
        "weekday",
        "mg_per_m2",
        "dose_mg",
        "bsa_m2",
        "status",
        "planned_date",
        "sequence",
        "notes",
        "policy",
        "warnings",
        "boxed_warning",
    ]
    assert len(rows) == 6  # HSCT, CR, MRD negative: 2 cycles x 3 doses
    assert rows[3] == {
        "patient_id": "P1",
        "cycle": "2",
        "day": "1",
        "date": "2026-12-22",
        "weekday": "Tue",
        "mg_per_m2": "0.5",
        "dose_mg": "0.91",
        "bsa_m2": "1.82",
        "status": "planned",
        "planned_date": "",
        "sequence": "0",
        "notes": "",
        "policy": rows[0]["policy"],
        "warnings": rows[0]["warnings"],
        "boxed_warning": rows[0]["boxed_warning"],
    }
    assert "mosteller" in rows[0]["policy"]
    # HSCT intent: the boxed warning's HSCT points are a warning on every row.
    assert all("proceeding to HSCT (boxed warning)" in r["warnings"] for r in rows)
    assert all(r["boxed_warning"].startswith("BOXED WARNING: hepatotoxicity") for r in rows)


def test_without_patient_id_no_id_appears() -> None:
    data = json.loads(invoke([*BASE, "--format", "json"]).stdout)
    assert data["patient"]["id"] is None
    assert "inputs" in data and "patient_id" not in data["inputs"]


def test_units_on_the_command_line() -> None:
    # 5ft7in = 170.18 cm; 154lb = 69.85322498 kg; sqrt(170.18 x 69.853 / 3600) = 1.8172 -> 1.82
    r = invoke(
        [
            "schedule",
            "--start",
            "2026-12-01",
            "--height",
            "5ft7in",
            "--weight",
            "154lb",
            "-f",
            "json",
        ]
    )
    assert json.loads(r.stdout)["patient"]["bsa_m2"] == 1.82


def test_bsa_given_directly() -> None:
    data = json.loads(
        invoke(["schedule", "--start", "2026-12-01", "--bsa", "2.10", "-f", "json"]).stdout
    )
    # 0.8 x 2.10 = 1.68 mg; 0.5 x 2.10 = 1.05 mg
    assert [d["mg"] for d in data["cycles"][0]["doses"]] == [1.68, 1.05, 1.05]
    assert data["patient"]["bsa_formula"] == "given"


def test_bsa_cap_prints_a_warning() -> None:
    r = invoke(
        [
            "schedule",
            "--start",
            "2026-12-01",
            "--height",
            "180",
            "--weight",
            "150",
            "--bsa-cap",
            "2.0",
            "-f",
            "json",
        ]
    )
    data = json.loads(r.stdout)
    # sqrt(180 x 150 / 3600) = 2.7386 -> 2.74, capped to 2.00: 0.8 x 2.00 = 1.60 mg
    assert data["patient"]["bsa_m2"] == 2.0
    assert data["cycles"][0]["doses"][0]["mg"] == 1.6
    assert any("ASCO" in w for w in data["warnings"])


def test_other_formula() -> None:
    data = json.loads(invoke([*BASE, "--bsa-formula", "dubois", "-f", "json"]).stdout)
    # DuBois 1.8097 -> 1.81; 0.8 x 1.81 = 1.448 -> 1.45
    assert data["patient"]["bsa_m2"] == 1.81
    assert data["cycles"][0]["doses"][0]["mg"] == 1.45


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--start", "03/04/2026"], "--start"),
        (["--start", "2026-02-30"], "--start"),
        (["--height", "300"], "--height"),
        (["--height", "1.7"], "--height"),
        (["--weight", "4"], "--weight"),
        (["--weight", "70st"], "--weight"),
        (["--cycles", "0"], "--cycles"),
        (["--cycles", "two"], "--cycles"),
        (["--response", "none", "--cycles", "4"], "--cycles"),
        (["--first-cycle-days", "25"], "--first-cycle-days"),
        (["--response", "complete"], "--response"),
        (["--bsa-formula", "magic"], "--bsa-formula"),
        (["--bsa", "1.8"], "--bsa"),  # together with height and weight
        (["--bsa-cap", "9"], "--bsa-cap"),
        (["--patient-id", "Jane Doe"], "--patient-id"),
        (["--blasts", "-3"], "--blasts"),
    ],
)
def test_bad_input_is_one_line_exit_2_naming_the_option(
    args: list[str], option: str, tmp_path: Path
) -> None:
    target = tmp_path / "plan.json"
    r = invoke([*BASE, *args, "-f", "json", "-o", str(target)])
    assert r.exit_code == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("inoplan: error:")
    assert option in lines[0]
    assert "Traceback" not in r.stderr + r.stdout
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_missing_required_options() -> None:
    r = invoke(["schedule", "--height", "170", "--weight", "70"])
    assert r.exit_code == 2 and "--start" in r.stderr
    r = invoke(["schedule", "--start", "2026-12-01", "--weight", "70"])
    assert r.exit_code == 2 and "--height" in r.stderr


def test_output_file_is_written_and_not_overwritten_without_force(tmp_path: Path) -> None:
    target = tmp_path / "plan.csv"
    assert invoke([*BASE, "-f", "csv", "-o", str(target)]).exit_code == 0
    first = target.read_text()
    assert first.startswith("patient_id,cycle")
    r = invoke([*BASE, "--response", "cr", "-f", "csv", "-o", str(target)])
    assert r.exit_code == 2 and "--force" in r.stderr
    assert target.read_text() == first
    assert (
        invoke([*BASE, "--response", "cr", "-f", "csv", "-o", str(target), "--force"]).exit_code
        == 0
    )
    assert target.read_text().count("\n") == 1 + 18  # header + 6 cycles x 3 doses
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.csv"]


def test_table_to_a_file_is_plain_text(tmp_path: Path) -> None:
    target = tmp_path / "plan.txt"
    assert invoke([*BASE, "-o", str(target)]).exit_code == 0
    text = target.read_text()
    assert "1.46" in text and "\x1b[" not in text


def test_output_into_a_missing_folder_is_refused(tmp_path: Path) -> None:
    r = invoke([*BASE, "-o", str(tmp_path / "nope" / "plan.json"), "-f", "json"])
    assert r.exit_code == 2 and "does not exist" in r.stderr


def test_bsa_command() -> None:
    r = invoke(["bsa", "--height", "170", "--weight", "70"])
    assert r.exit_code == 0
    assert "1.82 m2" in r.stdout
    r = invoke(["bsa", "--height", "170", "--weight", "70", "--all"])
    # Mosteller 1.82, DuBois 1.81, Haycock 1.83, Gehan-George 1.83, Boyd 1.83 (see test_bsa)
    # The last line shows what was typed: 170 cm / 70 kg, BMI 70 / 1.7^2 = 24.22 -> 24.2
    last = r.stdout.splitlines()[-1].split()
    assert last == ["body", "170", "cm", "/", "70", "kg,", "BMI", "24.2"]
    # A working too long for the line continues under itself, indented.
    firsts = [line for line in r.stdout.splitlines()[:-1] if not line.startswith(" ")]
    lines = {line.split()[0]: line.split()[1] for line in firsts}
    assert lines == {
        "mosteller": "1.82",
        "dubois": "1.81",
        "haycock": "1.83",
        "gehan-george": "1.83",
        "boyd": "1.83",
    }


def test_version_and_help() -> None:
    from inoplan import __version__

    r = invoke(["--version"])
    assert r.exit_code == 0 and __version__ in r.stdout
    r = invoke(["schedule", "--help"])
    assert r.exit_code == 0 and "Examples" in r.stdout and "--first-cycle-days" in r.stdout
    r = invoke(["bsa", "--help"])
    assert r.exit_code == 0 and "Examples" in r.stdout


def _entry_point() -> str:
    exe = shutil.which("inoplan", path=os.path.dirname(sys.executable))
    if exe is None:
        pytest.skip("the inoplan entry point is not installed next to this Python")
    return exe


def test_installed_entry_point_plans_and_refuses() -> None:
    exe = _entry_point()
    ok = subprocess.run([exe, *BASE, "-f", "json"], capture_output=True, text=True, check=False)
    assert ok.returncode == 0
    assert json.loads(ok.stdout)["cycles"][0]["doses"][0]["mg"] == 1.46
    bad = subprocess.run(
        [exe, *BASE, "--weight", "abc"], capture_output=True, text=True, check=False
    )
    assert bad.returncode == 2
    assert bad.stderr.count("\n") == 1 and "--weight" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_python_dash_m() -> None:
    r = subprocess.run(
        [sys.executable, "-m", "inoplan", "--version"], capture_output=True, text=True, check=False
    )
    assert r.returncode == 0 and r.stdout.startswith("inoplan ")


def test_every_command_has_help_with_examples() -> None:
    import typer.main

    from inoplan.cli.app import app

    names = list(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
    assert {"schedule", "bsa", "replan", "check", "prep", "worklist", "verify", "batch"} <= set(
        names
    )
    for name in names:
        r = invoke([name, "--help"])
        assert r.exit_code == 0, name
        assert "Examples" in r.stdout, f"inoplan {name} --help shows no examples"
