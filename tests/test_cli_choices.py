"""The command line's choices are the rules' own: nothing offered that the rules lack."""

from __future__ import annotations

from inoplan.cli import check, options
from inoplan.domain import rules


def test_bsa_formula_choices_are_the_rules_formulas() -> None:
    assert tuple(f.value for f in options.BsaFormula) == rules.BSA_FORMULAS


def test_market_choices_are_the_rules_markets() -> None:
    assert tuple(m.value for m in options.Market) == rules.MARKETS


def test_infusion_reaction_choices_are_the_rules_severities() -> None:
    assert tuple(i.value for i in check.IrrChoice) == rules.IRR_SEVERITIES


def test_response_and_mrd_are_the_enums_the_planner_uses() -> None:
    assert options.ResponseChoice is rules.Response
    assert options.MrdChoice is rules.Mrd


def test_command_line_module_does_not_load_the_rules() -> None:
    import subprocess
    import sys

    code = "import sys, inoplan.cli.app; print('inoplan.domain.rules' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- output formats: each command offers exactly what it writes ----------------------

import json  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from tests.conftest import invoke  # noqa: E402

PLAN = ["schedule", "--start", "2026-12-01", "--bsa", "1.82", "--response", "cr"]
PREP = ["prep", "--dose-mg", "1.46"]


def _formats(command: str) -> list[str]:
    return [str(f.value) for f in options.COMMAND_FORMATS[command]]


def test_every_command_is_in_the_formats_table() -> None:
    from inoplan.cli.app import COMMAND_MODULES

    assert list(options.COMMAND_FORMATS) == list(COMMAND_MODULES)


def test_every_command_with_results_offers_json() -> None:
    for command, formats in options.COMMAND_FORMATS.items():
        assert "json" in [f.value for f in formats], command


@pytest.mark.parametrize("fmt", ["ics", "fhir", "html"])
def test_prep_refuses_formats_it_cannot_write(fmt: str, tmp_path: Path) -> None:
    # It printed the table and exited 0.
    r = invoke([*PREP, "--format", fmt])
    assert r.exit_code == 2
    assert "--format" in r.stderr and r.stdout == ""


def test_worklist_refuses_fhir_and_writes_nothing(tmp_path: Path) -> None:
    # It wrote a text table into wl.fhir.json.
    target = tmp_path / "wl.fhir.json"
    r = invoke(["worklist", str(tmp_path), "-f", "fhir", "-o", str(target)])
    assert r.exit_code == 2 and "--format" in r.stderr
    assert not target.exists()


@pytest.mark.parametrize("command", list(options.COMMAND_FORMATS))
def test_help_lists_exactly_the_formats_the_command_writes(command: str) -> None:
    r = invoke([command, "--help"], env={"COLUMNS": "200", "NO_COLOR": "1"})
    line = next(
        ln
        for ln in r.stdout.splitlines()
        if ln.startswith("│") and ln.lstrip("│ *").startswith("--format ")
    )
    assert f"<{'|'.join(_formats(command))}>" in line, line


@pytest.mark.parametrize(
    ("suffix", "check"),
    [
        (".json", lambda t: json.loads(t)["schema"] == "inoplan.plan/1"),
        (".csv", lambda t: t.startswith("patient_id,") or t.split("\n")[0].count(",") > 3),
        (".ics", lambda t: t.startswith("BEGIN:VCALENDAR")),
        (".html", lambda t: t.lstrip().lower().startswith("<!doctype html")),
        (".fhir.json", lambda t: json.loads(t)["resourceType"] == "Bundle"),
    ],
)
def test_the_file_name_gives_the_format(suffix: str, check: object, tmp_path: Path) -> None:
    target = tmp_path / f"plan{suffix}"
    r = invoke([*PLAN, "-o", str(target)])
    assert r.exit_code == 0, r.stderr
    assert callable(check) and check(target.read_text(encoding="utf-8"))


def test_a_name_naming_no_format_keeps_the_table(tmp_path: Path) -> None:
    target = tmp_path / "plan.txt"
    assert invoke([*PLAN, "-o", str(target)]).exit_code == 0
    assert "1.46" in target.read_text()  # 0.8 mg/m2 x 1.82 m2 = 1.456 -> 1.46 mg


def test_a_name_contradicting_format_is_refused_and_nothing_written(tmp_path: Path) -> None:
    target = tmp_path / "plan.csv"
    r = invoke([*PLAN, "--format", "json", "-o", str(target)])
    assert r.exit_code == 2
    assert r.stderr.count("\n") == 1 and ".csv" in r.stderr and "json" in r.stderr
    assert not target.exists()


def test_a_name_naming_a_format_the_command_cannot_write_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "worksheet.ics"
    r = invoke([*PREP, "-o", str(target)])
    assert r.exit_code == 2 and "--output" in r.stderr
    assert not target.exists()


def test_prep_takes_json_from_the_file_name(tmp_path: Path) -> None:
    target = tmp_path / "worksheet.json"
    assert invoke([*PREP, "-o", str(target)]).exit_code == 0
    assert json.loads(target.read_text())["schema"] == "inoplan.prep/1"


def test_fhir_may_be_written_to_a_plain_json_name(tmp_path: Path) -> None:
    target = tmp_path / "bundle.json"
    assert invoke([*PLAN, "-f", "fhir", "-o", str(target)]).exit_code == 0
    assert json.loads(target.read_text())["resourceType"] == "Bundle"


def test_batch_accepts_dash_o_for_its_folder(tmp_path: Path) -> None:
    src = Path(__file__).parent.parent / "examples" / "patients.csv"
    out = tmp_path / "run"
    r = invoke(["batch", str(src), "-o", str(out), "--quiet"])
    assert r.exit_code in (0, 1), r.stderr
    assert (out / "summary.json").exists()


def test_bsa_offers_json() -> None:
    r = invoke(["bsa", "--height", "170", "--weight", "70", "--format", "json"])
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["schema"] == "inoplan.bsa/1"
    # Mosteller: sqrt(170 x 70 / 3600) = sqrt(3.3056) = 1.8181 -> 1.82 m2
    assert data["bsa"][0]["formula"] == "mosteller" and data["bsa"][0]["m2"] == 1.82
    # BMI 70 / 1.70^2 = 24.2
    assert data["bmi"] == 24.2 and data["warnings"] == []


def test_verify_human_format_is_called_table(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    assert invoke([*PLAN, "-o", str(plan)]).exit_code == 0
    r = invoke(["verify", str(plan), "--format", "table"])
    assert r.exit_code == 0 and "holds" in r.stdout
