"""Reading saved JSON plans back: unknown and newer schemas are refused, inputs re-derived.

Through the public reader (:func:`inoplan.inputs.saved_plan.read_plan_json`), on files
written by ``inoplan schedule --format json`` and then edited, as a user or a
newer inoplan would.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from inoplan.cli.app import app
from inoplan.domain.errors import InputError
from inoplan.domain.plan import make_plan
from inoplan.export import json as export_json
from inoplan.inputs.saved_plan import read_plan_json, request_from_plan
from tests.conftest import TODAY

runner = CliRunner()
ARGS = ["schedule", "--start", "2026-12-01", "--height", "170", "--weight", "70"]
ARGS += ["--response", "cr", "--patient-id", "P-0042", "--format", "json"]


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    """A plan as inoplan writes it."""
    path = tmp_path / "plan.json"
    result = runner.invoke(app, [*ARGS, "-o", str(path)])
    assert result.exit_code == 0, result.stderr
    return path


def rewrite(path: Path, change: Any) -> Path:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def refusal(path: Path) -> str:
    with pytest.raises(InputError) as caught:
        read_plan_json(path)
    return caught.value.message


def test_a_saved_plan_reads_back_and_rebuilds_the_same_plan(saved: Path) -> None:
    data = read_plan_json(saved)
    assert data["schema"] == "inoplan.plan/1"
    rebuilt = make_plan(request_from_plan(data))
    assert export_json.render(rebuilt) == saved.read_text(encoding="utf-8")


@pytest.mark.parametrize("schema", ["inoplan.plan/2", "inoplan.plan/10", "inoplan.plan/0"])
def test_a_plan_of_another_schema_version_is_refused(saved: Path, schema: str) -> None:
    rewrite(saved, lambda d: d.update(schema=schema))
    assert refusal(saved) == (
        f"PLAN: schema '{schema}' is not supported by this inoplan (reads inoplan.plan/1); "
        "upgrade inoplan or re-plan"
    )


@pytest.mark.parametrize(
    ("schema", "shown"),
    [
        ("inoplan.plan/1.1", "'inoplan.plan/1.1' is not supported"),
        ("inoplan.plan/", "'inoplan.plan/' is not supported"),
        ("inoplan.plan/\u0661", "'inoplan.plan/\u0661' is not supported"),  # Arabic-Indic 1
        ("other.plan/1", "not an inoplan plan (schema 'other.plan/1')"),
        (1, "not an inoplan plan (schema 1)"),
        (None, "not an inoplan plan (schema None)"),
    ],
)
def test_an_unknown_schema_is_refused(saved: Path, schema: object, shown: str) -> None:
    rewrite(saved, lambda d: d.update(schema=schema))
    assert shown in refusal(saved)


def test_a_plan_without_a_schema_is_refused(saved: Path) -> None:
    rewrite(saved, lambda d: d.pop("schema"))
    assert refusal(saved) == "PLAN: not an inoplan plan (schema None)"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[1, 2]", "not an inoplan plan (expected a JSON object)"),
        ("{", "is not JSON (line 1: Expecting property name enclosed in double quotes)"),
        ("", "is not JSON (line 1: Expecting value)"),
    ],
)
def test_what_is_not_a_plan_is_refused(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "plan.json"
    path.write_text(content)
    assert message in refusal(path)


def test_missing_unreadable_and_binary_files_are_refused(tmp_path: Path) -> None:
    assert refusal(tmp_path / "nope.json") == f"PLAN: '{tmp_path}/nope.json' does not exist"
    assert refusal(tmp_path) == f"PLAN: '{tmp_path}' is a folder; give a file"
    binary = tmp_path / "plan.json"
    binary.write_bytes(b"\xff\xfe\x00junk")
    assert refusal(binary) == f"PLAN: '{binary}' is not UTF-8 text (byte 1)"


def test_the_field_names_what_the_user_gave(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"^--plan: "):
        read_plan_json(tmp_path / "x.json", field="--plan")


def test_hand_edited_doses_never_reach_the_rebuilt_plan(saved: Path) -> None:
    # Someone changes the first dose from 1.46 mg to 14.6 mg in the file.
    def edit(d: dict[str, Any]) -> None:
        d["cycles"][0]["doses"][0]["mg"] = 14.6

    data = read_plan_json(rewrite(saved, edit))
    rebuilt = make_plan(request_from_plan(data))
    # From the recorded inputs: BSA sqrt(170 x 70 / 3600) = 1.82 m2; 0.8 x 1.82 = 1.456 -> 1.46
    assert rebuilt.doses[0].mg == Decimal("1.46")
    assert data["cycles"][0]["doses"][0]["mg"] != float(rebuilt.doses[0].mg)


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        (None, "PLAN: the plan records no inputs (key 'inputs' with text values)"),
        ({"start": 20261201}, "PLAN: the plan records no inputs (key 'inputs' with text values)"),
        (
            {"start": "2026-12-01", "height": "170", "weight": "700"},
            "PLAN: inputs.weight: 700 kg is not plausible; allowed 5-350 kg",
        ),
        (
            {"start": "2026-12-01", "bsa": "1.8", "dose": "2"},
            "PLAN: inputs.dose: unknown input",
        ),
    ],
)
def test_edited_inputs_are_checked_like_the_command_line(
    saved: Path, inputs: object, message: str
) -> None:
    data = read_plan_json(rewrite(saved, lambda d: d.update(inputs=inputs)))
    with pytest.raises(InputError) as caught:
        request_from_plan(data)
    assert caught.value.message.startswith(message)


@settings(max_examples=25, deadline=None)
@given(
    start=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 1, 1)),
    height=st.integers(140, 200),
    weight=st.integers(40, 150),
    response=st.sampled_from(["pending", "none", "cr", "cri"]),
    hsct=st.booleans(),
)  # fmt: skip
def test_every_saved_plan_rebuilds_to_the_same_text(
    start: date, height: int, weight: int, response: str, hsct: bool
) -> None:
    # With units every pair is planned: BMI 40 / 2^2 = 10 to 150 / 1.4^2 = 76.5, inside 8-100
    # (a bare pair outside 12-50 would be refused as ambiguous, spec section 8).
    args = ["schedule", "--start", start.isoformat(), "--height", f"{height}cm"]
    args += ["--weight", f"{weight}kg", "--response", response, "--format", "json"]
    if hsct:
        args.append("--hsct")
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    # Rebuilt on the same day (a start before it warns): the same text.
    today = date.fromisoformat(TODAY)
    assert export_json.render(make_plan(request_from_plan(data), today)) == result.stdout
