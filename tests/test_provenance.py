"""Every plan says how it was made: JSON provenance, a policy line in the table and the CSV."""

from __future__ import annotations

import csv
import io
import json

from typer.testing import CliRunner

from inoplan import __version__
from inoplan.cli.app import app
from inoplan.domain import rules

runner = CliRunner()


def run(*args: str) -> str:
    result = runner.invoke(app, ["schedule", "--start", "2026-12-01", *args])
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_json_records_inputs_policy_version_label_and_hash() -> None:
    data = json.loads(
        run("--height", "5ft7in", "--weight", "154lb", "--response", "cr", "-f", "json")
    )
    # The inputs exactly as typed, with their units.
    assert data["inputs"]["height"] == "5ft7in"
    assert data["inputs"]["weight"] == "154lb"
    prov = data["provenance"]
    assert prov["inoplan_version"] == __version__
    assert prov["label_revision"] == rules.LABEL_REVISION
    assert prov["policy"] == {
        "bsa_formula": "mosteller",
        "bsa_cap_m2": None,
        "weight": "actual body weight",
        "bsa_rounding": "half-up to 0.01 m2",
        "dose_rounding": "half-up to 0.01 mg",
        "market": "us",
        # spec section 8: a weight change of 10% or more recomputes the BSA [inoplan]
        "bsa_recalc_threshold_pct": 10.0,
    }
    assert prov["doses_hash"]["algorithm"] == "sha256"
    assert len(prov["doses_hash"]["value"]) == 64


def test_policy_records_formula_and_a_cap_even_when_it_does_not_bite() -> None:
    data = json.loads(
        run(
            *("--height", "170", "--weight", "70"),
            *("--bsa-formula", "dubois", "--bsa-cap", "2.0", "-f", "json"),
        )
    )
    policy = data["provenance"]["policy"]
    assert policy["bsa_formula"] == "dubois"
    assert policy["bsa_cap_m2"] == 2.0  # BSA 1.81 m2 is below the cap; the policy still says so
    assert "capped at 2.00 m2" in data["provenance"]["policy_text"]


def test_a_different_dose_gives_a_different_hash() -> None:
    a = json.loads(run("--bsa", "1.82", "-f", "json"))["provenance"]["doses_hash"]["value"]
    b = json.loads(run("--bsa", "1.83", "-f", "json"))["provenance"]["doses_hash"]["value"]
    again = json.loads(run("--bsa", "1.82", "-f", "json"))["provenance"]["doses_hash"]["value"]
    assert a != b
    assert a == again


def test_csv_carries_the_policy_in_a_column_on_every_dose_row() -> None:
    text = run("--bsa", "1.82", "--response", "none", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 9  # still one row per dose: 3 cycles x 3 doses
    header = text.splitlines()[0].split(",")
    # Columns are only ever added at the end: policy keeps its place after notes.
    assert header[11:] == ["notes", "policy", "warnings", "boxed_warning"]
    assert header[:8] == [
        "patient_id",
        "cycle",
        "day",
        "date",
        "weekday",
        "mg_per_m2",
        "dose_mg",
        "bsa_m2",
    ]
    policies = {r["policy"] for r in rows}
    assert len(policies) == 1
    (line,) = policies
    assert line.startswith("BSA given, no cap; BSA half-up to 0.01 m2; doses half-up to 0.01 mg")
    assert f"rules ({rules.LABEL_REVISION}); inoplan {__version__}" in line


def test_table_shows_the_policy() -> None:
    text = run("--height", "170", "--weight", "70", "--response", "cr")
    flat = " ".join(line.strip(" │") for line in text.splitlines())
    assert "Policy" in flat
    assert "mosteller, actual weight, no cap" in flat


def test_a_plan_with_holidays_records_the_holidays_version_and_verifies() -> None:
    from importlib.metadata import version

    data = json.loads(
        run("--bsa", "1.82", "--clinic-days", "mon-fri", "--holidays", "DE-BY", "-f", "json")
    )
    assert data["provenance"]["holidays_version"] == version("holidays")
    without = json.loads(run("--bsa", "1.82", "--clinic-days", "mon-fri", "-f", "json"))
    assert "holidays_version" not in without["provenance"]


def test_the_holidays_dependency_is_pinned_below_its_next_major_version() -> None:
    import re
    from pathlib import Path

    pyproject = (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text("utf-8")
    [spec] = re.findall(r'"holidays([^"]*)"', pyproject)
    assert re.fullmatch(r">=0\.\d+,<1", spec), spec
