"""One patients CSV for batch, worklist and balance: same columns, defaults, errors and limits.

Doses worked out by hand (Mosteller, half-up to 0.01 m2 and 0.01 mg):

- P001 170 cm / 70 kg: sqrt(170 x 70 / 3600) = sqrt(3.3056) = 1.8181 -> 1.82 m2;
  C1D1 0.8 x 1.82 = 1.456 -> 1.46 mg; C1D8 0.5 x 1.82 = 0.91 mg.
- P002 BSA 2.1 m2: C1D1 0.8 x 2.1 = 1.68 mg.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from inoplan.cli.app import app
from inoplan.domain.limits import MAX_CSV_LINE_CHARS
from inoplan.inputs import patients_csv
from inoplan.inputs.patients import patients
from inoplan.inputs.plan_request import FIELDS

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def worklist(*args: str) -> dict[str, Any]:
    r = run("worklist", *args, "--format", "json")
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)  # type: ignore[no-any-return]


def test_the_readme_example_file_is_read_by_worklist(tmp_path: Path) -> None:
    # examples/patients.csv has tz and location columns (batch calendars): the worklist
    # reads them too. Row 6 (P005, 7000 kg) is implausible on purpose; without it the
    # file plans. P001 starts 2027-03-02 at 09:30: C1D1 1.46 mg (see the module docstring).
    lines = (ROOT / "examples" / "patients.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0].endswith(",time,tz,location")
    good = write(tmp_path / "patients.csv", "\n".join(x for x in lines if "P005" not in x) + "\n")
    data = worklist(str(good), "--date", "2027-03-02")
    assert [(i["patient_id"], i["dose"], i["dose_mg"], i["time"]) for i in data["infusions"]] == [
        ("P001", "C1D1", 1.46, "09:30")
    ]


def test_worklist_refuses_the_row_batch_refuses_with_the_same_words(tmp_path: Path) -> None:
    example = ROOT / "examples" / "patients.csv"
    b = run("batch", str(example), "--out", str(tmp_path / "out"))
    assert b.exit_code == 1
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    [rejected] = summary["rejected"]
    w = run("worklist", str(example), "--date", "2027-03-02")
    assert w.exit_code == 2
    assert w.stderr == (
        f"inoplan: error: patients.csv row {rejected['row']}: {rejected['field']}: "
        f"{rejected['reason']}\n"
    )


@pytest.mark.parametrize(
    ("row", "field", "words"),
    [
        ("P1,2026-12-01,170,70,cr,25:00,,", "time", "is not a time"),
        ("P1,2026-12-01,170,70,cr,,Mars/Olympus,", "tz", "is not a known time zone"),
        ("P1,2026-12-01,170,70,maybe,,,", "response", "is not allowed"),
        (",2026-12-01,170,70,cr,,,", "patient_id", "required"),
        ("Jane Doe,2026-12-01,170,70,cr,,,", "patient_id", "not allowed"),
        ("P1,2026-12-01,170,70,cr,,", "row", "has 7 cells; the header has 8"),
    ],
)
def test_a_bad_cell_gives_the_same_field_and_reason_in_both_commands(
    tmp_path: Path, row: str, field: str, words: str
) -> None:
    source = write(
        tmp_path / "patients.csv",
        "patient_id,start,height,weight,response,time,tz,location\n"
        f"P0,2026-12-01,170,70,cr,,,\n{row}\n",
    )
    b = run("batch", str(source), "--out", str(tmp_path / "out"))
    assert b.exit_code == 1, b.stderr
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    [rejected] = summary["rejected"]
    assert (rejected["row"], rejected["field"]) == (3, field)
    assert words in rejected["reason"]
    w = run("worklist", str(source), "--date", "2026-12-01")
    assert w.exit_code == 2
    where = "patients.csv row 3" + ("" if field == "row" else f": {field}")
    assert w.stderr == f"inoplan: error: {where}: {rejected['reason']}\n"
    # A refused value may be a name: no message repeats it.
    assert "Jane" not in b.stderr + w.stderr + json.dumps(summary)


@pytest.mark.parametrize(
    ("header", "words"),
    [
        ("patient_id,start,height,weight,response,colour", "unknown column 'colour'"),
        ("patient_id,start,height,weight", "missing column 'response'"),
        ("patient_id,start,bsa,response,response", "column 'response' appears twice"),
        ("", "the file is empty; expected a header row"),
    ],
)
def test_a_bad_header_is_the_same_usage_error_in_both_commands(
    tmp_path: Path, header: str, words: str
) -> None:
    source = write(tmp_path / "p.csv", header + "\n" if header else "")
    b = run("batch", str(source), "--out", str(tmp_path / "out"))
    w = run("worklist", str(source), "--date", "2026-12-01")
    assert (b.exit_code, w.exit_code) == (2, 2)
    assert b.stderr.startswith(f"inoplan: error: PATIENTS: {words}")
    assert b.stderr.replace("PATIENTS", "SOURCE") == w.stderr
    assert not (tmp_path / "out").exists()


def test_a_line_over_the_limit_is_refused_by_both_commands(tmp_path: Path) -> None:
    source = tmp_path / "p.csv"
    source.write_text(
        "patient_id,start,height,weight,response,location\n"
        f"P1,2026-12-01,170,70,cr,{'x' * MAX_CSV_LINE_CHARS}\n",
        encoding="utf-8",
    )
    b = run("batch", str(source), "--out", str(tmp_path / "out"))
    w = run("worklist", str(source), "--date", "2026-12-01")
    assert (b.exit_code, w.exit_code) == (2, 2)
    assert f"line 2 is longer than {MAX_CSV_LINE_CHARS} characters" in b.stderr
    assert b.stderr.replace("PATIENTS", "SOURCE") == w.stderr


def test_a_folder_given_as_the_csv_is_named_in_words(tmp_path: Path) -> None:
    r = run("batch", str(tmp_path), "--out", str(tmp_path / "out"))
    assert r.exit_code == 2
    assert r.stderr == f"inoplan: error: PATIENTS: '{tmp_path}' is a folder; give a file\n"


def test_blank_cells_take_the_defaults_schedule_records(tmp_path: Path) -> None:
    # The same defaults in both commands: a batch plan file and the worklist's plan from
    # the CSV record the same inputs as `schedule` with the same options.
    source = write(
        tmp_path / "p.csv", "patient_id,start,height,weight,response\nP1,2026-12-01,170,70,\n"
    )
    assert run("batch", str(source), "--out", str(tmp_path / "out")).exit_code == 0
    saved = json.loads((tmp_path / "out" / "patients" / "P1.json").read_text(encoding="utf-8"))
    r = run(
        "schedule", "--patient-id", "P1", "--start", "2026-12-01", "--height", "170",
        "--weight", "70", "--format", "json",
    )  # fmt: skip
    assert saved["inputs"] == json.loads(r.stdout)["inputs"]
    assert saved["inputs"]["response"] == "pending"
    [from_csv] = list(patients(source))
    assert dict(from_csv.plan.request.inputs) == saved["inputs"]


def test_the_columns_document_every_plan_input() -> None:
    assert (*FIELDS, *patients_csv.CALENDAR_COLUMNS) == patients_csv.COLUMN_NAMES
    assert set(patients_csv.REQUIRED_COLUMNS) <= set(patients_csv.COLUMN_NAMES)


# --- reading what batch wrote -------------------------------------------------------------


@pytest.fixture
def batch_run(tmp_path: Path) -> Path:
    source = write(
        tmp_path / "p.csv",
        "patient_id,start,height,weight,bsa,response\n"
        "P001,2026-12-01,170,70,,cr\nP002,2026-12-08,,,2.1,none\n",
    )
    r = run("batch", str(source), "--out", str(tmp_path / "out"))
    assert r.exit_code == 0, r.stderr
    return tmp_path / "out"


def test_worklist_reads_the_folder_batch_wrote(batch_run: Path) -> None:
    # 2026-12-08: P001 C1D8 0.91 mg, P002 C1D1 1.68 mg (module docstring).
    data = worklist(str(batch_run), "--date", "2026-12-08")
    assert [(i["patient_id"], i["dose"], i["dose_mg"]) for i in data["infusions"]] == [
        ("P001", "C1D8", 0.91),
        ("P002", "C1D1", 1.68),
    ]
    assert {i["source"] for i in data["infusions"]} == {"patients/P001.json", "patients/P002.json"}


def test_the_run_record_is_known_by_its_schema_not_its_name(batch_run: Path) -> None:
    (batch_run / "summary.json").rename(batch_run / "run-record.json")
    assert len(worklist(str(batch_run), "--date", "2026-12-08")["infusions"]) == 2
    # And a file called summary.json that is no run record is not skipped.
    (batch_run / "summary.json").write_text('{"schema": "someone-else/1"}', encoding="utf-8")
    r = run("worklist", str(batch_run), "--date", "2026-12-08")
    assert r.exit_code == 2 and r.stderr.startswith("inoplan: error: summary.json: not an inoplan")


def test_a_batch_run_of_calendars_is_refused_with_a_hint(tmp_path: Path) -> None:
    source = write(tmp_path / "p.csv", "patient_id,start,bsa,response\nP1,2026-12-01,1.8,cr\n")
    assert run("batch", str(source), "--out", str(tmp_path / "o"), "-f", "csv").exit_code == 0
    r = run("worklist", str(tmp_path / "o"), "--date", "2026-12-01")
    assert r.exit_code == 2
    assert "batch run of 'csv' files" in r.stderr and "--format json" in r.stderr


def test_the_reader_balance_shares_yields_plans_with_patient_ids(
    batch_run: Path, tmp_path: Path
) -> None:
    from_folder = [(p.patient_id, p.plan.first_dose.isoformat()) for p in patients(batch_run)]
    copy = shutil.copy(batch_run.parent / "p.csv", tmp_path / "again.csv")
    from_csv = [(p.patient_id, p.plan.first_dose.isoformat()) for p in patients(copy)]
    assert from_folder == from_csv == [("P001", "2026-12-01"), ("P002", "2026-12-08")]


# --- a day without infusions --------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "args"),
    [
        ("2026-11-30", ["--date", "2026-12-02"]),  # between P001's C1D1 and C1D8
        ("2026-11-30", ["--date", "2027-06-01"]),  # after every plan
        ("2026-11-30", ["--date", "2026-01-05", "--to", "2026-01-09"]),  # before every plan
        ("2026-11-02", []),  # no date: today, before the plans start
    ],
)
def test_a_day_without_infusions_is_an_empty_list_wherever_it_lies(
    batch_run: Path, monkeypatch: pytest.MonkeyPatch, today: str, args: list[str]
) -> None:
    monkeypatch.setenv("INOPLAN_TODAY", today)
    data = worklist(str(batch_run), *args)
    assert data["infusions"] == [] and data["days"] == []
    table = run("worklist", str(batch_run), *args)
    assert table.exit_code == 0 and "no infusions due" in table.stdout


def test_outside_every_plan_a_note_gives_their_span(batch_run: Path) -> None:
    # P001 (cr, 6 cycles) runs longest: C6D15 = 2026-12-01 + 21 + 4 x 28 + 14 = +147 days
    # = 2027-04-27 (Dec 30, Jan 31, Feb 28, Mar 31 = 120 days to 03-31, then 27).
    data = worklist(str(batch_run), "--date", "2027-06-01")
    assert (
        "2027-06-01 is outside every plan: their infusions run 2026-12-01 to 2027-04-27 "
        "(plans with response pending hold cycle 1 only)"
    ) in data["notes"]
