"""The Python API (``import inoplan``) gives what the commands give, and refuses what they refuse.

Every comparison is with the command line run in-process on the same inputs:
``to_dict()`` must equal ``json.loads`` of ``--format json``.
"""

from __future__ import annotations

import ast
import doctest
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import inoplan
from tests.conftest import invoke

SRC = Path(__file__).resolve().parent.parent / "src" / "inoplan"


def cli_json(*args: str) -> Any:
    result = invoke(list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def cli_error(*args: str) -> str:
    """The one error line of a refused command, without the ``inoplan: error:`` prefix."""
    result = invoke(list(args))
    assert result.exit_code == 2, result.output
    line = result.stderr.strip()
    prefix = "inoplan: error: "
    assert line.startswith(prefix), line
    return line[len(prefix) :]


# --- schedule -------------------------------------------------------------------------------

SCHEDULES: list[tuple[dict[str, Any], list[str]]] = [
    (
        {"start": "2026-12-01", "height": "170", "weight": "70", "response": "cr"},
        ["--start", "2026-12-01", "--height", "170", "--weight", "70", "--response", "cr"],
    ),
    (
        {"start": "2026-12-01", "bsa": "1.82", "response": "none"},
        ["--start", "2026-12-01", "--bsa", "1.82", "--response", "none"],
    ),
    (
        {
            "start": "2026-12-01",
            "height": "5ft7in",
            "weight": "154lb",
            "response": "cr",
            "hsct": True,
            "mrd": "negative",
            "patient_id": "MRN-0042",
        },
        [
            "--start", "2026-12-01", "--height", "5ft7in", "--weight", "154lb",
            "--response", "cr", "--hsct", "--mrd", "negative", "--patient-id", "MRN-0042",
        ],
    ),
    (
        {
            "start": "2026-12-01",
            "bsa": "1.82",
            "response": "cri",
            "clinic_days": "mon-fri",
            "holidays": "DE-BY",
            "first_cycle_days": 28,
            "cycles": 4,
            "bsa_formula": "dubois",
        },
        [
            "--start", "2026-12-01", "--bsa", "1.82", "--response", "cri",
            "--clinic-days", "mon-fri", "--holidays", "DE-BY", "--first-cycle-days", "28",
            "--cycles", "4", "--bsa-formula", "dubois",
        ],
    ),
]  # fmt: skip


@pytest.mark.parametrize(("kwargs", "args"), SCHEDULES)
def test_schedule_to_dict_is_what_the_cli_prints_as_json(
    kwargs: dict[str, Any], args: list[str]
) -> None:
    plan = inoplan.schedule(**kwargs)
    assert plan.to_dict() == cli_json("schedule", *args, "--format", "json")
    json_bytes = invoke(["schedule", *args, "--format", "json"]).stdout_bytes
    assert plan.to_json().encode("utf-8") == json_bytes


def test_schedule_takes_numbers_and_dates_as_the_cli_takes_their_text() -> None:
    from datetime import date
    from decimal import Decimal

    typed = inoplan.schedule(start="2026-12-01", height="170", weight="70.5", response="cr")
    values = inoplan.schedule(start=date(2026, 12, 1), height=170, weight=Decimal("70.5"),
                              response="cr")  # fmt: skip
    assert values.to_dict() == typed.to_dict()


def test_schedule_doses_are_worked_out_from_the_body() -> None:
    # Mosteller: sqrt(170 cm x 70 kg / 3600) = sqrt(3.3056) = 1.818 -> 1.82 m2.
    # Cycle 1 day 1: 0.8 mg/m2 x 1.82 m2 = 1.456 -> 1.46 mg; days 8 and 15:
    # 0.5 mg/m2 x 1.82 m2 = 0.91 mg.
    data = inoplan.schedule(start="2026-12-01", height="170", weight="70").to_dict()
    assert data["patient"]["bsa_m2"] == 1.82
    first = data["cycles"][0]["doses"]
    assert [(d["date"], d["mg"]) for d in first] == [
        ("2026-12-01", 1.46),
        ("2026-12-08", 0.91),
        ("2026-12-15", 0.91),
    ]


# --- the same refusals, naming the keyword ----------------------------------------------------


@pytest.mark.parametrize(
    ("call", "kwargs", "args", "field"),
    [
        (
            "schedule",
            {"start": "2026-12-01", "height": "17", "weight": "70"},
            ["schedule", "--start", "2026-12-01", "--height", "17", "--weight", "70"],
            "height",
        ),
        (
            "schedule",
            {"start": "2026-12-01", "bsa": "1.82", "clinic_days": "mon-fry"},
            ["schedule", "--start", "2026-12-01", "--bsa", "1.82", "--clinic-days", "mon-fry"],
            "clinic_days",
        ),
        (
            "schedule",
            {"start": "2026-12-01", "bsa": "1.82", "response": "cr", "cycles": 9},
            [
                "schedule",
                "--start",
                "2026-12-01",
                "--bsa",
                "1.82",
                "--response",
                "cr",
                "--cycles",
                "9",
            ],
            "cycles",
        ),
        ("prep", {"dose_mg": "1.456"}, ["prep", "--dose-mg", "1.456"], "dose_mg"),
        (
            "prep",
            {"dose_mg": "1.46", "reconstituted_at": "25:00"},
            ["prep", "--dose-mg", "1.46", "--reconstituted-at", "25:00"],
            "reconstituted_at",
        ),
        (
            "prep",
            {"height": "170", "weight": "70", "cycle": 2, "day": 8},
            ["prep", "--height", "170", "--weight", "70", "--cycle", "2", "--day", "8"],
            "response",
        ),
    ],
)
def test_bad_input_raises_input_error_with_the_cli_message_and_the_keyword(
    call: str,
    kwargs: dict[str, Any],
    args: list[str],
    field: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(inoplan.InputError) as caught:
        getattr(inoplan, call)(**kwargs)
    assert caught.value.field == field
    cli_field, _, cli_detail = cli_error(*args).partition(": ")
    assert cli_field == "--" + field.replace("_", "-")
    assert caught.value.detail == cli_detail
    assert str(caught.value) == f"{field}: {cli_detail}"
    # Nothing printed: a script decides what to show.
    assert capsys.readouterr() == ("", "")


def test_the_api_error_is_the_domain_input_error() -> None:
    from inoplan.domain.errors import InoplanError, InputError

    assert inoplan.InputError is InputError
    assert issubclass(inoplan.InputError, inoplan.InoplanError)
    assert inoplan.InoplanError is InoplanError


@settings(max_examples=40)
@given(height=st.text(max_size=12), weight=st.text(max_size=12))
def test_a_refusal_always_names_a_keyword_never_an_option(height: str, weight: str) -> None:
    try:
        inoplan.schedule(start="2026-12-01", height=height, weight=weight)
    except inoplan.InputError as e:
        assert e.field in {"height", "weight", "bsa"} or e.field.startswith(("height", "weight"))
        assert "--" not in e.field


# --- replan ----------------------------------------------------------------------------------

SCHEDULE_ARGS = ["--start", "2026-12-01", "--height", "170", "--weight", "70", "--response", "cr"]
EVENTS: list[dict[str, Any]] = [
    {"event": "given", "dose": "C1D1", "date": "2026-12-01"},
    {"event": "interrupt", "dose": "C1D8", "days": 9, "reason": "grade 3 rash"},
    {"event": "measured", "date": "2026-12-15", "weight": "60kg"},
]
OPTIONS = [
    "--given", "C1D1=2026-12-01",
    "--interrupt", "C1D8=9:grade 3 rash",
    "--measured", "2026-12-15=60kg",
]  # fmt: skip


@pytest.fixture
def saved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A course planned from 2026-12-01 and saved, seen on 2026-12-20."""
    monkeypatch.setenv("INOPLAN_TODAY", "2026-12-20")
    path = tmp_path / "plan.json"
    path.write_text(invoke(["schedule", *SCHEDULE_ARGS, "--format", "json"]).stdout)
    return path


def test_replan_gives_the_plan_the_cli_gives_for_the_same_events(
    saved: Path, tmp_path: Path
) -> None:
    data = json.loads(saved.read_text())
    from_options = cli_json("replan", str(saved), *OPTIONS, "--format", "json")
    events_file = tmp_path / "events.json"
    events_file.write_text(json.dumps(EVENTS))
    from_file = cli_json("replan", str(saved), "--events", str(events_file), "--format", "json")
    assert from_options == from_file
    for source in (data, saved, str(saved), inoplan.schedule(**_schedule_kwargs())):
        assert inoplan.replan(source, events=EVENTS).to_dict() == from_options


def _schedule_kwargs() -> dict[str, Any]:
    return {"start": "2026-12-01", "height": "170", "weight": "70", "response": "cr"}


def test_replan_records_the_events_and_moves_the_doses(saved: Path) -> None:
    plan = inoplan.replan(json.loads(saved.read_text()), events=EVENTS).to_dict()
    assert plan["revision"] == 1
    assert [e["event"] for e in plan["events"]] == ["given", "interrupt", "measured"]
    doses = {d["label"]: d for c in plan["cycles"] for d in c["doses"]}
    # C1D8 was due 2026-12-08; an interruption of 9 days from then reaches past
    # day 15 (2026-12-15), so the plan no longer gives C1D8 as planned.
    assert doses.get("C1D8", {}).get("date") != "2026-12-08"


def test_replan_threshold_and_python_values_match_the_cli(saved: Path) -> None:
    from datetime import date

    events = [{"event": "measured", "date": date(2026, 12, 15), "weight": "66kg"}]
    cli = cli_json(
        "replan", str(saved), "--measured", "2026-12-15=66kg", "--recalc-threshold", "5",
        "--format", "json",
    )  # fmt: skip
    assert inoplan.replan(saved, events, recalc_threshold=5).to_dict() == cli


def test_replan_again_from_the_result(saved: Path) -> None:
    first = inoplan.replan(saved, events=EVENTS[:1])
    second = inoplan.replan(first, events=EVENTS[1:2])
    assert second.to_dict()["revision"] == 2
    # A saved event records its revision as text, as every value of an event record.
    assert [e["revision"] for e in second.to_dict()["events"]] == ["1", "2"]


@pytest.mark.parametrize(
    ("events", "field"),
    [
        ([], "events"),
        ([{"event": "given", "dose": "C1D1", "date": "2027-01-02"}], "events[0]"),
        ([{"event": "given", "dose": "C1D1"}], "events[0]: date"),
        ([{"event": "given", "dose": "C1D1", "date": "2026-12-01", "revision": 3}],
         "events[0]: revision"),
        (["given C1D1"], "events[0]"),
        ("given", "events"),
    ],
)  # fmt: skip
def test_replan_refuses_bad_events_naming_which(saved: Path, events: Any, field: str) -> None:
    with pytest.raises(inoplan.InputError) as caught:
        inoplan.replan(saved, events=events)
    assert caught.value.field == field


def test_replan_refuses_what_is_not_a_plan(saved: Path) -> None:
    with pytest.raises(inoplan.InputError) as caught:
        inoplan.replan({"schema": "something/1"}, events=EVENTS)
    assert caught.value.field == "plan"
    assert "not an inoplan plan" in caught.value.detail
    with pytest.raises(inoplan.InputError) as caught:
        inoplan.replan(42, events=EVENTS)  # type: ignore[arg-type]
    assert caught.value.field == "plan"


# --- prep ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "args"),
    [
        ({"dose_mg": "1.46"}, ["--dose-mg", "1.46"]),
        (
            {"dose_mg": 1.46, "reconstituted_at": "08:15", "market": "eu"},
            ["--dose-mg", "1.46", "--reconstituted-at", "08:15", "--market", "eu"],
        ),
        (
            {"height": "170", "weight": "70", "cycle": 2, "day": 8, "response": "cr"},
            ["--height", "170", "--weight", "70", "--cycle", "2", "--day", "8",
             "--response", "cr"],
        ),
    ],
)  # fmt: skip
def test_prep_gives_the_worksheet_the_cli_gives(kwargs: dict[str, Any], args: list[str]) -> None:
    worksheet = inoplan.prep(**kwargs)
    assert worksheet.to_dict() == cli_json("prep", *args, "--format", "json")
    # The bytes: CSV rows end in CRLF, which the runner's ``stdout`` text would hide.
    csv_bytes = invoke(["prep", *args, "--format", "csv"]).stdout_bytes
    assert worksheet.to_csv().encode("utf-8") == csv_bytes


def test_prep_from_a_saved_plan_matches_the_cli(saved: Path) -> None:
    from datetime import time

    cli = cli_json("prep", str(saved), "--cycle", "2", "--day", "8", "--reconstituted-at",
                   "09:05", "--format", "json")  # fmt: skip
    data = json.loads(saved.read_text())
    for source in (data, saved):
        got = inoplan.prep(source, cycle=2, day=8, reconstituted_at=time(9, 5)).to_dict()
        assert got == cli
    # Cycle 2 day 8 (CR): 0.5 mg/m2 x 1.82 m2 = 0.91 mg, on 2026-12-22 + 7 = 2026-12-29.
    assert cli["dose_mg"] == 0.91
    assert cli["dose"]["date"] == "2026-12-29"


def test_prep_refuses_two_sources_of_the_dose() -> None:
    with pytest.raises(inoplan.InputError) as caught:
        inoplan.prep({"schema": "inoplan.plan/1"}, dose_mg="1.46")
    assert caught.value.field == "plan"
    assert "give exactly one of" in caught.value.detail


# --- verify ----------------------------------------------------------------------------------


def test_verify_gives_the_report_the_cli_gives(saved: Path, tmp_path: Path) -> None:
    cli = cli_json("verify", str(saved), "--format", "json")
    assert cli.pop("plan") == str(saved)
    report = inoplan.verify(json.loads(saved.read_text()))
    assert report.holds
    assert report.to_dict() == cli

    tampered = json.loads(saved.read_text())
    tampered["cycles"][0]["doses"][1]["mg"] = 1.0  # C1D8 is 0.91 mg
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(tampered))
    result = invoke(["verify", str(path), "--format", "json"])
    assert result.exit_code == 1
    expected = json.loads(result.stdout)
    expected.pop("plan")
    for source in (tampered, path):
        report = inoplan.verify(source)
        assert not report.holds
        assert report.to_dict() == expected
    assert "dose" in {d.kind for d in report.differences}


def test_verify_refuses_what_is_not_a_plan() -> None:
    with pytest.raises(inoplan.InputError) as caught:
        inoplan.verify({"schema": "inoplan.plan/9"})
    assert caught.value.field == "plan"
    assert "not supported" in caught.value.detail


# --- import cost and layering -----------------------------------------------------------------


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print('\\n'.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(out.stdout.split())


def test_import_inoplan_loads_no_api_and_no_framework() -> None:
    loaded = _modules_after("import inoplan")
    assert not {"inoplan.api", "typer", "rich", "click"} & loaded
    assert not any(m.startswith("inoplan.domain") for m in loaded)


def test_using_the_api_loads_neither_typer_nor_rich() -> None:
    loaded = _modules_after(
        "import inoplan\n"
        "p = inoplan.schedule(start='2026-12-01', bsa='1.82', response='cr')\n"
        "inoplan.prep(p, cycle=1, day=1).to_csv()\n"
        "inoplan.verify(p.to_dict())"
    )
    assert "inoplan.api" in loaded
    assert not {"typer", "rich", "click"} & {m.split(".")[0] for m in loaded}
    assert not any(m.startswith("inoplan.cli") or m.startswith("inoplan.render") for m in loaded)


def test_the_api_module_imports_no_cli_render_typer_or_rich() -> None:
    tree = ast.parse((SRC / "api.py").read_text(encoding="utf-8"))
    names = [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)] + [
        a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names
    ]
    assert names, "the walker found no import at all"
    bad = [n for n in names if n.split(".")[0] in {"typer", "rich", "click"}
           or n.startswith(("inoplan.cli", "inoplan.render"))]  # fmt: skip
    assert bad == []


def test_the_package_lends_out_exactly_the_api() -> None:
    from inoplan import api

    assert set(inoplan.__all__) - {"__version__"} == set(api.__all__)
    for name in api.__all__:
        assert getattr(inoplan, name) is getattr(api, name)
        assert name in dir(inoplan)
    with pytest.raises(AttributeError):
        inoplan.no_such_name  # noqa: B018


def test_the_examples_in_the_api_docstrings_hold(monkeypatch: pytest.MonkeyPatch) -> None:
    from inoplan import api

    monkeypatch.setenv("INOPLAN_TODAY", "2026-12-20")
    plan = inoplan.schedule(start="2026-12-01", height="170", weight="70", response="cr")
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    tests = finder.find(api, globs={"inoplan": inoplan, "plan": plan})
    assert sum(len(t.examples) for t in tests) >= 10
    for test in tests:
        runner.run(test)
    assert runner.summarize(verbose=False).failed == 0


def test_the_readme_example_holds(monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (SRC.parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Python API", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```pycon\n(.+?)```", section, re.S)
    assert len(blocks) == 1
    monkeypatch.setenv("INOPLAN_TODAY", "2026-12-20")
    test = doctest.DocTestParser().get_doctest(blocks[0], {}, "README", "README.md", 0)
    assert len(test.examples) >= 8
    runner = doctest.DocTestRunner()
    runner.run(test)
    assert runner.summarize(verbose=False).failed == 0
