"""An error names the input as the user typed it: a column in a CSV, an option on the line.

The domain raises with the canonical name (``cycles``); the inputs layer maps
it once (:func:`inoplan.inputs.plan_request.fields_named`) to what each caller's
user sees.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from inoplan.cli.app import app
from inoplan.domain.errors import InputError
from inoplan.inputs.plan_request import fields_named, option_name, request_from_strings
from inoplan.inputs.saved_plan import request_from_plan

# Response "none" allows at most 3 cycles (spec section 4: without CR/CRi, 3 cycles),
# so 5 cycles is refused by the rules, not by the parser (5 is a fine whole number).
TOO_MANY = {"start": "2026-12-01", "bsa": "1.82", "response": "none", "cycles": "5"}
LIMIT = "5 is above the limit of 3"


def invoke(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), prog_name="inoplan")


def test_a_batch_row_is_rejected_naming_the_csv_column(tmp_path: Path) -> None:
    source = tmp_path / "p.csv"
    source.write_text(
        "patient_id,start,bsa,response,cycles\n"
        "P1,2026-12-01,1.82,cr,2\n"
        "P2,2026-12-01,1.82,none,5\n",
        encoding="utf-8",
    )
    out = tmp_path / "o"
    result = invoke("batch", str(source), "--out", str(out))
    assert result.exit_code == 1, result.stderr
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    (rejected,) = summary["rejected"]
    assert rejected["row"] == 3
    assert rejected["field"] == "cycles"  # the column, not the option --cycles
    assert LIMIT in rejected["reason"]


def test_the_command_line_names_the_option() -> None:
    result = invoke(
        "schedule", "--start", "2026-12-01", "--bsa", "1.82", "--response", "none",
        "--cycles", "5",
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr.startswith(f"inoplan: error: --cycles: {LIMIT}: without CR/CRi")


def test_each_caller_gets_its_own_name_for_the_same_refusal() -> None:
    with pytest.raises(InputError) as line:
        request_from_strings(TOO_MANY)
    assert (line.value.field, line.value.detail.startswith(LIMIT)) == ("--cycles", True)
    with pytest.raises(InputError) as column:
        request_from_strings(TOO_MANY, lambda name: name)
    assert column.value.field == "cycles"
    with pytest.raises(InputError) as saved:
        request_from_plan({"inputs": TOO_MANY})
    assert saved.value.field == "PLAN: inputs.cycles"
    # The same words after the name, whoever asks.
    assert line.value.detail == column.value.detail == saved.value.detail


def test_the_mapping_leaves_other_errors_alone() -> None:
    with pytest.raises(InputError) as caught, fields_named(option_name):
        raise InputError("events", "no dose would remain in the plan")
    assert caught.value.field == "events"
    with pytest.raises(InputError) as mapped, fields_named(option_name):
        raise InputError("first_cycle_days", "35 is not allowed")
    assert str(mapped.value) == "--first-cycle-days: 35 is not allowed"
