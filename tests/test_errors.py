"""Every error a user can reach: one line naming the option, exit status 2, nothing written.

The table below walks the existing commands option by option. The exact
wording is asserted because it is the interface: a pharmacist reads it to know
what to fix, and a script may match on the option name. Exit statuses are
only ever 0, 1 or 2 (1 is reserved for rejected batch rows and verify
differences, which these commands do not have).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from inoplan import __version__
from inoplan.cli import app as cli
from inoplan.cli.app import app
from inoplan.cli.options import PlanFormat
from inoplan.domain import bsa, clinic, plan
from inoplan.domain.errors import InputError
from inoplan.inputs import plan_request as request

runner = CliRunner()
START = "schedule --start 2026-12-01"
BSA = f"{START} --bsa 1.8"

CASES: list[tuple[str, str]] = [
    # --- usage, from Typer ------------------------------------------------------------
    ("schedule", "Missing option '--start'."),
    ("schedule --start", "Option '--start' requires an argument."),
    ("frobnicate", "No such command 'frobnicate'."),
    ("--nope", "No such option: --nope"),
    (f"{BSA} extra", "Got unexpected extra argument(s) (extra)"),
    (
        f"{BSA} --response maybe",
        "Invalid value for '--response': 'maybe' is not one of 'pending', 'none', 'cr', 'cri'.",
    ),
    (
        f"{BSA} --mrd maybe",
        "Invalid value for '--mrd': 'maybe' is not one of 'negative', 'positive', 'unknown'.",
    ),
    (
        f"{BSA} --first-cycle-days 35",
        "Invalid value for '--first-cycle-days': '35' is not one of '21', '28'.",
    ),
    (
        f"{BSA} --bsa-formula foo",
        "Invalid value for '--bsa-formula': 'foo' is not one of 'mosteller', 'dubois', "
        "'haycock', 'gehan-george', 'boyd'.",
    ),
    (
        f"{BSA} --format xml",
        "Invalid value for '--format' / '-f': 'xml' is not one of "
        + ", ".join(f"'{f.value}'" for f in PlanFormat)
        + ".",
    ),
    # --- --start ------------------------------------------------------------------------
    ("schedule --start ''", "--start: empty; give a value"),
    (
        "schedule --start 03/04/2026 --bsa 1.8",
        "--start: '03/04/2026' is ambiguous (day/month or month/day); use YYYY-MM-DD",
    ),
    (
        "schedule --start 2026-13-01 --bsa 1.8",
        "--start: '2026-13-01' is not a day of the calendar; use YYYY-MM-DD",
    ),
    (  # 2026 is not a leap year
        "schedule --start 2026-02-29 --bsa 1.8",
        "--start: '2026-02-29' is not a day of the calendar; use YYYY-MM-DD",
    ),
    (
        "schedule --start tomorrow --bsa 1.8",
        "--start: 'tomorrow' is not a date; use YYYY-MM-DD, e.g. 2026-12-01",
    ),
    (  # the last possible day is far past: dates near 9999 cannot be computed
        "schedule --start 9999-12-01 --bsa 1.8",
        "--start: 9999-12-01 is not plausible; give a date in the years 2000-2099",
    ),
    (
        "schedule --start 1999-12-31 --bsa 1.8",
        "--start: 1999-12-31 is not plausible; give a date in the years 2000-2099",
    ),
    # --- body size ------------------------------------------------------------------------
    (START, "--height: required (or give the BSA with --bsa)"),
    (f"{START} --weight 70", "--height: required (or give the BSA with --bsa)"),
    (f"{START} --height 170", "--weight: required (or give the BSA with --bsa)"),
    (f"{BSA} --height 170", "--bsa: give either --bsa or --height and --weight, not both"),
    (f"{START} --bsa 1.823", "--bsa: 1.823 has more than 2 decimals; give the BSA to 0.01 m2"),
    (f"{START} --bsa 4.01", "--bsa: 4.01 m2 is not plausible; allowed 0.25-4 m2"),
    (f"{START} --bsa abc", "--bsa: 'abc' is not a number; expected a BSA in m2 such as 1.82"),
    (f"{BSA} --bsa-cap 9", "--bsa-cap: 9 m2 is not plausible; allowed 0.25-4 m2"),
    (f"{BSA} --bsa-cap x", "--bsa-cap: 'x' is not a number; expected a BSA in m2 such as 2.0"),
    (
        f"{START} --height 1.7 --weight 70",
        "--height: 1.7 cm is not plausible; allowed 50-250 cm "
        "(a bare number is cm: did you mean 1.7m?)",
    ),
    (f"{START} --height 300 --weight 70", "--height: 300 cm is not plausible; allowed 50-250 cm"),
    (
        f"{START} --height 170 --weight 70st",
        "--weight: '70st' is not a weight; use kg (70, 70kg) or pounds (154lb)",
    ),
    (f"{START} --height 170 --weight 400", "--weight: 400 kg is not plausible; allowed 5-350 kg"),
    (  # sqrt(250 x 350 / 3600) = sqrt(24.31) = 4.93 m2, above 4.0 (units given: BMI 56 warns)
        f"{START} --height 250cm --weight 350kg",
        "--bsa (from height and weight): 4.93 m2 is not plausible; allowed 0.25-4 m2",
    ),
    (  # bare numbers: 350 / 2.5^2 = 56.0, outside 12-50; 350 lb = 158.8 kg, 158.8 / 6.25 = 25.4
        f"{START} --height 250 --weight 350",
        "--height and --weight: BMI 56 (250 cm, 350 kg) is outside 12-50 and a number without "
        "a unit is ambiguous: 350 as pounds is 158.8 kg: write 350lb or 350kg (with units, such "
        "as 180cm and 95kg, an unusual build is planned with a warning)",
    ),
    # --- cycles (spec section 4: pending 1, CR/CRi 6, none 3, HSCT + MRD negative 2) ----------
    (f"{BSA} --cycles 0", "--cycles: 0 is not allowed; plan at least 1 cycle"),
    (f"{BSA} --cycles 100", "--cycles: '100' is not allowed; expected a whole number 0-99"),
    (f"{BSA} --cycles -1", "--cycles: '-1' is not allowed; expected a whole number 0-99"),
    (
        f"{BSA} --cycles 2",
        "--cycles: 2 is above the limit of 1: response pending: only cycle 1 is planned; the "
        "regimen and number of later cycles depend on the response assessment",
    ),
    (
        f"{BSA} --response cr --cycles 7",
        "--cycles: 7 is above the limit of 6: not proceeding to HSCT: up to 6 cycles",
    ),
    (
        f"{BSA} --response none --cycles 4",
        "--cycles: 4 is above the limit of 3: without CR/CRi: patients who do not achieve "
        "CR/CRi within 3 cycles should discontinue treatment",
    ),
    (
        f"{BSA} --response cr --hsct --mrd negative --cycles 3",
        "--cycles: 3 is above the limit of 2: proceeding to HSCT with CR/CRi and MRD "
        "negative: 2 cycles recommended before HSCT; a third is not planned for CR/CRi with MRD "
        "negativity (label: a third may be considered only for patients who do not achieve "
        "CR/CRi and MRD negativity)",
    ),
    # --- the rest of schedule ------------------------------------------------------------------
    (f"{BSA} --blasts -5", "--blasts: '-5' is not allowed; expected a whole number 0-10000000"),
    (f"{BSA} --blasts 1e4", "--blasts: '1e4' is not allowed; expected a whole number 0-10000000"),
    (
        f"{BSA} --patient-id 'Jane Doe'",
        "--patient-id: not allowed (the value is not repeated here: it may be a name); use an "
        "identifier (not a name) of at most 64 letters, digits and . _ : / # -",
    ),
    # --- bsa ------------------------------------------------------------------------------------
    ("bsa", "--height: required"),
    ("bsa --height 170", "--weight: required"),
    (
        "bsa --height x --weight 70",
        "--height: 'x' is not a height; use cm (170, 170cm), metres (1.7m), inches (67in) "
        "or feet and inches (5ft7in, 5'7\")",
    ),
    (
        "bsa --height 170 --weight 70 --bsa-formula foo",
        "Invalid value for '--bsa-formula': 'foo' is not one of 'mosteller', 'dubois', "
        "'haycock', 'gehan-george', 'boyd'.",
    ),
    (  # DuBois: 0.007184 x 50^0.725 x 5^0.425 = 0.007184 x 17.07 x 1.981 = 0.243 -> 0.24
        "bsa --height 50 --weight 5 --all",
        "--height/--weight (from height and weight): 0.24 m2 is not plausible; allowed 0.25-4 m2",
    ),
]


@pytest.mark.parametrize(("args", "message"), CASES, ids=[c[0] for c in CASES])
def test_each_error_is_one_line_with_status_2_and_nothing_written(
    args: str, message: str, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, shlex.split(args))
    assert result.exit_code == 2
    assert result.stderr == f"inoplan: error: {message}\n"
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_no_arguments_shows_the_help_with_status_2() -> None:
    result = runner.invoke(app, [])
    assert result.exit_code == 2
    assert "Usage: inoplan [OPTIONS] COMMAND" in result.stdout
    assert "schedule" in result.stdout and "bsa" in result.stdout


@pytest.mark.parametrize("args", [["--help"], ["-h"], ["schedule", "--help"], ["bsa", "-h"]])
def test_help_exits_0(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 0
    assert "Usage: inoplan" in result.stdout


def test_version_exits_0() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"inoplan {__version__} (rules: US PI 3/2024; EU SmPC)\n"


def test_a_bug_is_one_line_with_status_2_and_no_traceback(monkeypatch: Any) -> None:
    def broken(*_args: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(clinic, "plan_course", broken)
    result = runner.invoke(app, shlex.split(BSA))
    assert result.exit_code == 2
    assert result.stderr == (
        "inoplan: error: internal error (ZeroDivisionError: division by zero); please report it\n"
    )
    assert "Traceback" not in result.output


def test_a_file_error_a_command_did_not_catch_is_one_line(monkeypatch: Any) -> None:
    def missing(*_args: object) -> None:
        raise FileNotFoundError(2, "No such file or directory", "rows.csv")

    monkeypatch.setattr(clinic, "plan_course", missing)
    result = runner.invoke(app, shlex.split(BSA))
    assert result.exit_code == 2
    assert result.stderr == "inoplan: error: rows.csv: No such file or directory\n"


def test_end_of_input_inside_a_command_counts_as_an_interruption(monkeypatch: Any) -> None:
    def eof(*_args: object) -> None:
        raise EOFError

    monkeypatch.setattr(clinic, "plan_course", eof)
    with pytest.raises(KeyboardInterrupt):
        runner.invoke(app, shlex.split(BSA))


def test_ctrl_c_while_options_are_read_is_an_interruption_not_status_130(
    monkeypatch: Any,
) -> None:
    # Typer answers Ctrl-C outside a command with status 130; inoplan keeps to 0/1/2
    # and lets the entry point die of SIGINT instead.
    def interrupt(*_args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli.InoplanGroup, "parse_args", interrupt)
    with pytest.raises(KeyboardInterrupt):
        runner.invoke(app, shlex.split(BSA))


def test_python_callers_get_the_result_instead_of_an_exit() -> None:
    assert app(["--version"], standalone_mode=False) == 0


def test_control_characters_in_a_message_are_shown_escaped(tmp_path: Path) -> None:
    # A file name with a terminal escape must not recolour or move the terminal.
    name = tmp_path / "plan\x1b[2J.json"
    name.write_text("x")
    result = runner.invoke(app, [*shlex.split(BSA), "-o", str(name)])
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr
    assert f"{tmp_path}/plan\\x1b[2J.json exists" in result.stderr
    assert result.stderr.count("\n") == 1


def _closed(*fds: int) -> Any:
    def close() -> None:
        for fd in fds:
            os.close(fd)

    return close


def test_a_closed_standard_output_is_refused_before_any_work() -> None:
    # `inoplan schedule ... >&-`: nowhere to print the plan.
    done = subprocess.run(
        [sys.executable, "-m", "inoplan", *shlex.split(BSA), "--format", "json"],
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_closed(1),
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr == "inoplan: error: --output: standard output is closed; give a file name\n"


def test_with_stdout_and_stderr_closed_the_status_still_tells() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "inoplan", *shlex.split(BSA), "--format", "json"],
        preexec_fn=_closed(1, 2),
        check=False,
    )
    assert done.returncode == 2


# --- paths the command line cannot reach, but batch rows and saved plans can -----------------


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"start": "2026-12-01", "bsa": "1.8", "colour": "red"}, "--colour: unknown input"),
        ({"start": "2026-12-01", "bsa": "1.8", "hsct": "maybe"}, "--hsct: 'maybe' is not allowed"),
        (
            {"start": "2026-12-01", "bsa": "1.8", "patient_id": "x" * 65},
            "--patient-id: not allowed (the value is not repeated",
        ),
        (
            {"start": "2026-12-01", "height": "170", "weight": "70", "bsa_formula": "x"},
            "--bsa-formula: 'x' is not allowed; choose one of mosteller",
        ),
        ({"start": "2026-12-01", "bsa": "1.8", "cycles": "½"}, "--cycles: '½' is not allowed"),
    ],
)
def test_request_errors_name_the_field(values: dict[str, str], message: str) -> None:
    with pytest.raises(InputError) as caught:
        request.request_from_strings(values)
    assert str(caught.value).startswith(message)


def test_a_field_mapper_names_csv_columns() -> None:
    with pytest.raises(InputError, match=r"^weight: required \(or give the BSA with bsa\)$"):
        request.request_from_strings({"start": "2026-12-01", "height": "170"}, lambda n: n)


def test_the_planner_refuses_what_the_parser_never_builds() -> None:
    # The domain names an input by its canonical name; no option is known to it.
    base = request.request_from_strings({"start": "2026-12-01", "bsa": "1.8"})
    with pytest.raises(InputError, match=r"^first_cycle_days: 35 is not allowed"):
        plan.make_plan(base._replace(first_cycle_days=35))
    with pytest.raises(InputError, match=r"^blasts: a blast count cannot be negative$"):
        plan.make_plan(base._replace(blasts_per_mm3=-1))


def test_an_unknown_formula_is_refused() -> None:
    with pytest.raises(InputError, match=r"^--bsa-formula: 'lean' is unknown"):
        bsa.compute_bsa(Decimal(170), Decimal(70), "lean")
