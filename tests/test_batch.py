"""``inoplan batch``: a clinic list in, one plan per patient, a combined CSV and a summary."""

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
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from inoplan.cli.app import app
from inoplan.services.batch import run_batch

ROOT = Path(__file__).resolve().parent.parent
HEADER = "patient_id,start,height,weight,response,hsct,mrd,bsa,time,tz,location"


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    full_env = {"SOURCE_DATE_EPOCH": "1790000000", **(env or {})}
    return CliRunner().invoke(app, list(args), env=full_env, prog_name="inoplan")


def write_csv(path: Path, *rows: str, header: str = HEADER) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones too) by relative path, with its bytes."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def summary(folder: Path) -> dict[str, object]:
    data = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


# P001: 170 cm, 70 kg, CR, no HSCT: 6 cycles x 3 doses = 18 doses.
# P002: weight 7000 kg, outside 5-350 kg: rejected (row 3, the header being row 1).
# P003: BSA 1.65 given, response pending: cycle 1 only, 3 doses.
GOOD_AND_BAD = (
    "P001,2026-12-01,170,70,cr,,,,,,",
    "P002,2026-12-02,170,7000,cr,,,,,,",
    "P003,2026-12-03,,,pending,,,1.65,,,",
)


def test_good_and_bad_rows(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "patients.csv", *GOOD_AND_BAD)
    out = tmp_path / "out"
    result = invoke("batch", str(source), "--out", str(out))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert files(out) == ["patients", "plan.csv", "summary.json"]
    assert files(out / "patients") == ["P001.json", "P003.json"]
    s = summary(out)
    assert s["rows"] == 3
    assert s["planned"] == 2
    assert s["doses"] == 18 + 3
    assert s["rejected"] == [
        {
            "row": 3,
            "patient_id": "P002",
            "field": "weight",
            "reason": "7000 kg is not plausible; allowed 5-350 kg",
        }
    ]
    assert "row 3 (P002): weight: 7000 kg is not plausible" in result.stderr

    with (out / "plan.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 21
    assert {r["patient_id"] for r in rows} == {"P001", "P003"}
    # C1D1 of P001: 0.8 x 1.82 = 1.456 -> 1.46 mg; P003: 0.8 x 1.65 = 1.32 mg.
    assert rows[0]["date"] == "2026-12-01" and rows[0]["dose_mg"] == "1.46"
    assert rows[18]["date"] == "2026-12-03" and rows[18]["dose_mg"] == "1.32"


def test_a_row_is_planned_exactly_as_the_same_options_would_be(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "patients.csv", *GOOD_AND_BAD)
    invoke("batch", str(source), "--out", str(tmp_path / "out"))
    single = invoke(
        "schedule", "--patient-id", "P001", "--start", "2026-12-01", "--height", "170",
        "--weight", "70", "--response", "cr", "--format", "json",
    )  # fmt: skip
    assert (tmp_path / "out" / "patients" / "P001.json").read_text(
        encoding="utf-8"
    ) == single.stdout


def test_all_good_rows_exit_0_and_quiet_prints_nothing(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "p.csv", GOOD_AND_BAD[0], GOOD_AND_BAD[2])
    result = invoke("batch", str(source), "--out", str(tmp_path / "o"), "--quiet")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert summary(tmp_path / "o")["rejected"] == []


def test_not_a_terminal_means_no_progress_bar(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "p.csv", *GOOD_AND_BAD)
    result = invoke("batch", str(source), "--out", str(tmp_path / "o"))
    # Only the closing summary: no bar, no control sequences.
    assert "\x1b" not in result.stderr
    assert result.stderr.splitlines()[0] == (
        "inoplan: planned 2 of 3 patients into "
        f"{tmp_path / 'o'} (21 doses in plan.csv); 1 row rejected"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the file is empty"),
        ("patient_id,start,height,response\nP1,2026-12-01,170,cr\n", "missing column 'weight'"),
        ("patient_id,start,weight,response\n", "missing column 'height'"),
        (HEADER + ",name\n", "unknown column 'name'"),
        ("patient_id,start,height,weight,response,Start\n", "column 'start' appears twice"),
    ],
)
def test_bad_file_is_a_usage_error_and_writes_nothing(
    tmp_path: Path, content: str, message: str
) -> None:
    source = tmp_path / "p.csv"
    source.write_text(content, encoding="utf-8")
    out = tmp_path / "out"
    result = invoke("batch", str(source), "--out", str(out))
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stderr.count("\n") == 1
    assert not out.exists()


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = invoke("batch", str(tmp_path / "nope.csv"), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2
    assert "does not exist" in result.stderr
    assert not (tmp_path / "o").exists()


def test_bsa_column_may_replace_height_and_weight(tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "p.csv", "A1,2026-12-01,1.82,", header="patient_id,start,bsa,response"
    )
    out = tmp_path / "o"
    result = invoke("batch", str(source), "--out", str(out))
    assert result.exit_code == 0, result.stderr
    # Response pending (the default): cycle 1 only; C1D1 0.8 x 1.82 = 1.46 mg.
    plan = json.loads((out / "patients" / "A1.json").read_text(encoding="utf-8"))
    assert [d["mg"] for d in plan["cycles"][0]["doses"]] == [1.46, 0.91, 0.91]


@pytest.mark.parametrize(
    ("row", "field", "reason"),
    [
        (",2026-12-01,170,70,cr,,,,,,", "patient_id", "required"),
        ("Jane Doe,2026-12-01,170,70,cr,,,,,,", "patient_id", "not a name"),
        ("P9,2026-02-30,170,70,cr,,,,,,", "start", ""),
        ("P9,2026-12-01,170,70,maybe,,,,,,", "response", "choose one of"),
        ("P9,2026-12-01,170,70,cr,perhaps,,,,,", "hsct", "use yes or no"),
        ("P9,2026-12-01,170,70,cr,,,1.8,,,", "bsa", "not both"),
        ("P9,2026-12-01,170,70,cr", "row", "has 5 cells; the header has 11"),
    ],
)
def test_row_errors_name_the_column(tmp_path: Path, row: str, field: str, reason: str) -> None:
    source = write_csv(tmp_path / "p.csv", GOOD_AND_BAD[0], row)
    result = invoke("batch", str(source), "--out", str(tmp_path / "o"))
    assert result.exit_code == 1
    (rejected,) = summary(tmp_path / "o")["rejected"]  # type: ignore[misc]
    assert rejected["row"] == 3
    assert rejected["field"] == field
    assert reason in rejected["reason"]
    assert (tmp_path / "o" / "patients" / "P001.json").exists()


def test_row_numbers_are_line_numbers(tmp_path: Path) -> None:
    # Header row 1, P001 row 2, blank row 3 (skipped), bad row 4.
    source = write_csv(tmp_path / "p.csv", GOOD_AND_BAD[0], "", "P002,2026-12-01,170,0,cr,,,,,,")
    invoke("batch", str(source), "--out", str(tmp_path / "o"))
    s = summary(tmp_path / "o")
    assert s["rows"] == 2
    assert [r["row"] for r in s["rejected"]] == [4]  # type: ignore[attr-defined]


def test_duplicate_ids_and_colliding_file_names_are_rejected(tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "p.csv",
        "P001,2026-12-01,170,70,cr,,,,,,",
        "P001,2026-12-08,170,70,cr,,,,,,",
        "p001,2026-12-08,170,70,cr,,,,,,",  # same file on a case-insensitive disk
        "W/1,2026-12-08,170,70,cr,,,,,,",
        "W_1,2026-12-08,170,70,cr,,,,,,",  # "/" becomes "_" in a file name
    )
    out = tmp_path / "o"
    result = invoke("batch", str(source), "--out", str(out))
    assert result.exit_code == 1
    assert files(out / "patients") == ["P001.json", "W_1.json"]
    rejected = summary(out)["rejected"]
    assert [(r["row"], r["field"]) for r in rejected] == [  # type: ignore[attr-defined]
        (3, "patient_id"),
        (4, "patient_id"),
        (6, "patient_id"),
    ]
    assert "already used by row 2" in rejected[0]["reason"]  # type: ignore[index]
    # The first plan is the one kept: start 2026-12-01.
    assert (
        json.loads((out / "patients" / "P001.json").read_text(encoding="utf-8"))["start"]
        == "2026-12-01"
    )


def test_an_earlier_run_is_kept_without_force_and_replaced_whole_with_it(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "p.csv", GOOD_AND_BAD[0])
    out = tmp_path / "o"
    assert invoke("batch", str(source), "--out", str(out)).exit_code == 0
    before = tree(out)

    again = invoke("batch", str(source), "--out", str(out))
    assert again.exit_code == 2
    assert again.stderr == (
        f"inoplan: error: --out: '{out}' holds an earlier run; use --force to replace it "
        "whole, or choose another folder\n"
    )
    assert tree(out) == before

    # --force replaces the run whole: a file added to it since does not survive.
    (out / "patients" / "OLD.json").write_text("from the earlier run", encoding="utf-8")
    forced = invoke("batch", str(source), "--out", str(out), "--force")
    assert forced.exit_code == 0
    assert tree(out) == before
    assert files(tmp_path) == ["o", "p.csv"]  # no staging folder, no lock file left


def test_out_is_created_and_output_is_deterministic(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "p.csv", *GOOD_AND_BAD)
    for fmt in ("json", "csv", "ics"):
        a, b = tmp_path / fmt / "a" / "deep", tmp_path / fmt / "b"
        invoke("batch", str(source), "--out", str(a), "--format", fmt)
        invoke("batch", str(source), "--out", str(b), "--format", fmt)
        assert tree(a) == tree(b)
        assert f"patients/P001.{fmt}" in tree(a)


def test_ics_rows_use_their_own_time_zone_and_location(tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "p.csv",
        "B1,2027-03-16,170,70,cr,,,,09:30,Europe/Berlin,Day unit 2",
        "N1,2027-03-16,170,70,cr,,,,08:00,America/New_York,",
        "D1,2027-03-16,170,70,cr,,,,,,",
        "X1,2027-03-16,170,70,cr,,,,09:30,Europe/Atlantis,",
        "T1,2027-03-16,170,70,cr,,,,9h30,UTC,",
    )
    out = tmp_path / "o"
    result = invoke(
        "batch", str(source), "--out", str(out), "--format", "ics", "--location", "Ward 7"
    )
    assert result.exit_code == 1
    berlin = (out / "patients" / "B1.ics").read_bytes().decode("utf-8")
    assert "DTSTART;TZID=Europe/Berlin:20270316T093000\r\n" in berlin
    assert "LOCATION:Day unit 2\r\n" in berlin
    york = (out / "patients" / "N1.ics").read_bytes().decode("utf-8")
    assert "DTSTART;TZID=America/New_York:20270316T080000\r\n" in york
    assert "LOCATION:Ward 7\r\n" in york  # blank cell: the command's --location
    assert "DTSTART;VALUE=DATE:20270316\r\n" in (out / "patients" / "D1.ics").read_bytes().decode(
        "utf-8"
    )
    assert [(r["row"], r["field"]) for r in summary(out)["rejected"]] == [  # type: ignore[attr-defined]
        (5, "tz"),
        (6, "time"),
    ]
    assert b"B1" not in (out / "patients" / "B1.ics").read_bytes()  # ids stay out of calendars


def test_calendar_options_need_format_ics(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "p.csv", GOOD_AND_BAD[0])
    result = invoke("batch", str(source), "--out", str(tmp_path / "o"), "--time", "09:00")
    assert result.exit_code == 2
    assert "--time: applies only to --format ics" in result.stderr
    assert not (tmp_path / "o").exists()


def test_an_interrupted_run_leaves_no_partial_combined_file(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "p.csv", *GOOD_AND_BAD)
    out = tmp_path / "o"
    seen = []

    def stop_after_two(ok: bool) -> None:
        seen.append(ok)
        if len(seen) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_batch(source, out, "json", on_row=stop_after_two)
    # Nothing of the run stays: no --out, no staging folder, no lock.
    assert files(tmp_path) == ["p.csv"]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    weights=st.lists(
        st.sampled_from(["70", "4", "abc", "120lb", "", "351"]), min_size=1, max_size=8
    )
)
def test_every_row_is_either_planned_or_rejected(tmp_path: Path, weights: list[str]) -> None:
    out = tmp_path / f"o{len(os.listdir(tmp_path))}"
    rows = [f"P{i},2026-12-01,170,{w},none,,,,,," for i, w in enumerate(weights)]
    source = write_csv(out.with_suffix(".csv"), *rows)
    s = run_batch(source, out, "csv")
    good = [w in ("70", "120lb") for w in weights]
    assert s.planned == sum(good)
    assert [r.row for r in s.rejected] == [i + 2 for i, ok in enumerate(good) if not ok]
    # Response none: 3 cycles x 3 doses = 9 per planned patient, in plan.csv and per file.
    combined = (out / "plan.csv").read_text(encoding="utf-8")
    assert len(list(csv.reader(io.StringIO(combined)))) == 1 + 9 * sum(good)
    assert s.doses == 9 * sum(good)


def test_sample_file_through_the_installed_command(tmp_path: Path) -> None:
    exe = shutil.which("inoplan", path=str(Path(sys.executable).parent))
    assert exe is not None
    out = tmp_path / "plans"
    proc = subprocess.run(
        [exe, "batch", str(ROOT / "examples" / "patients.csv"), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    # The sample has one deliberately implausible row (P005, 7000 kg) to show a rejection.
    assert proc.returncode == 1, proc.stderr
    assert [r["patient_id"] for r in summary(out)["rejected"]] == ["P005"]  # type: ignore[attr-defined]
    assert summary(out)["planned"] == 5


def test_worker_processes_do_not_change_the_output(tmp_path: Path) -> None:
    # 100 rows (several chunks, so the process pool is used), with bad rows and a
    # duplicate id among them; every file must be byte-identical to a one-process run.
    rows = []
    for i in range(100):
        weight = "7000" if i % 17 == 0 else str(50 + i % 40)
        pid = "P0005" if i == 60 else f"P{i:04d}"
        time_cells = "09:30,Europe/Berlin" if i % 3 == 0 else ","
        rows.append(f"{pid},2027-0{1 + i % 9}-{10 + i % 18},170,{weight},cr,,,,{time_cells},")
    source = write_csv(tmp_path / "p.csv", *rows)
    one, many = tmp_path / "one", tmp_path / "many"
    opts = ("--format", "ics", "--quiet")
    r1 = invoke("batch", str(source), "--out", str(one), "--jobs", "1", *opts)
    r2 = invoke("batch", str(source), "--out", str(many), "--jobs", "3", *opts)
    assert r1.exit_code == r2.exit_code == 1
    assert tree(one) == tree(many)
    s = summary(many)
    # Rows 0, 17, 34, 51, 68, 85 weigh 7000 kg; row index 60 repeats P0005: 7 rejected.
    assert s["planned"] == 93
    assert [r["row"] for r in s["rejected"]] == [2, 19, 36, 53, 62, 70, 87]  # type: ignore[attr-defined]


def test_jobs_must_be_a_count_or_auto(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "p.csv", GOOD_AND_BAD[0])
    result = invoke("batch", str(source), "--out", str(tmp_path / "o"), "--jobs", "many")
    assert result.exit_code == 2
    assert "--jobs: 'many' is not allowed" in result.stderr


def test_a_spreadsheet_export_with_bom_and_crlf_is_read(tmp_path: Path) -> None:
    source = tmp_path / "p.csv"
    text = "Patient_ID,Start,Height,Weight,Response\r\nP001,2026-12-01,170,70,cr\r\n"
    source.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    result = invoke("batch", str(source), "--out", str(tmp_path / "o"))
    assert result.exit_code == 0, result.stderr
    assert summary(tmp_path / "o")["planned"] == 1


def test_a_file_that_is_not_utf8_is_a_usage_error(tmp_path: Path) -> None:
    source = tmp_path / "p.csv"
    source.write_bytes(b"patient_id,start,height,weight,response\nM\xfcller,2026-12-01,170,70,cr\n")
    result = invoke("batch", str(source), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2
    assert f"PATIENTS: '{source}' is not UTF-8 text" in result.stderr
    assert not (tmp_path / "o" / "plan.csv").exists()


def test_clinic_days_columns_move_doses_as_schedule_does(tmp_path: Path) -> None:
    # Start Tuesday 2026-12-01, BSA 1.82, pending: C1D1 12-01, C1D8 12-08, C1D15 12-15.
    # Open mon,wed-fri (closed Tuesdays and weekends): day 1 moves to the next open day,
    # Wednesday 12-02, and its cycle with it: D8 12-09 (Wed), D15 12-16 (Wed).
    source = write_csv(
        tmp_path / "patients.csv",
        'P010,2026-12-01,,,pending,1.82,"mon,wed-fri"',
        header="patient_id,start,height,weight,response,bsa,clinic_days",
    )
    out = tmp_path / "out"
    result = invoke("batch", str(source), "--out", str(out), "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO((out / "plan.csv").read_text(encoding="utf-8"))))
    assert [r["date"] for r in rows] == ["2026-12-02", "2026-12-09", "2026-12-16"]
    assert rows[0]["planned_date"] == "2026-12-01"
    typed = invoke("schedule", "--start", "2026-12-01", "--bsa", "1.82",
                   "--clinic-days", "mon,wed-fri", "--format", "csv")  # fmt: skip
    assert [r["date"] for r in csv.DictReader(io.StringIO(typed.stdout))] == [
        r["date"] for r in rows
    ]
