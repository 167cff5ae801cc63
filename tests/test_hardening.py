"""Input an attacker or an unlucky operator gives: refused in one line, never an internal error.

One test per finding of the robustness review: values that may be names are
not echoed, terminal escapes are escaped, spreadsheet formulas are
neutralised in every CSV, control characters stay out of calendars, and no
size, depth or number reaches an internal error.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from inoplan.cli.app import app

BSA = ["schedule", "--start", "2026-12-01", "--bsa", "1.8", "--response", "cr"]
BATCH_HEADER = "patient_id,start,bsa,response,cycles,blasts,location"
HUGE = "9" * 5000  # more digits than int() converts (4,300)


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    full = {"SOURCE_DATE_EPOCH": "1790000000", **(env or {})}
    return CliRunner().invoke(app, list(args), env=full, prog_name="inoplan")


def refused(result: Result, field: str) -> str:
    """The one error line, after checking it is a clean refusal naming ``field``."""
    context = f"{result.exit_code} {result.stderr!r}"
    assert result.exit_code == 2, context
    assert result.stderr.count("\n") == 1, context
    assert result.stderr.startswith(f"inoplan: error: {field}"), context
    assert "internal error" not in result.stderr and "Traceback" not in result.output
    return result.stderr


@pytest.fixture
def plan_json(tmp_path: Path) -> Path:
    path = tmp_path / "plan.json"
    assert invoke(*BSA, "-f", "json", "-o", str(path)).exit_code == 0
    return path


def batch(tmp_path: Path, *rows: str, args: tuple[str, ...] = ()) -> Result:
    source = tmp_path / "patients.csv"
    source.write_text("\n".join([BATCH_HEADER, *rows]) + "\n", encoding="utf-8")
    return invoke("batch", str(source), "--out", str(tmp_path / "out"), *args)


# --- privacy: a value that may be a name is not echoed ---------------------------------------


def test_a_name_given_as_patient_id_is_neither_stored_nor_printed(tmp_path: Path) -> None:
    result = batch(
        tmp_path,
        "John Smith,2026-12-01,1.8,cr,,,",
        '"Doe, Jane",2026-12-01,1.8,cr,,,',
        "A1,2026-12-01,1.8,cr,,,",
    )
    assert result.exit_code == 1
    summary = (tmp_path / "out" / "summary.json").read_text(encoding="utf-8")
    for name in ("John", "Smith", "Doe", "Jane"):
        assert name not in summary
        assert name not in result.stderr
    rejected = json.loads(summary)["rejected"]
    assert [(r["row"], r["field"], r["patient_id"]) for r in rejected] == [
        (2, "patient_id", None),
        (3, "patient_id", None),
    ]
    assert "row 2: patient_id: not allowed" in result.stderr


def test_a_name_in_another_column_of_a_batch_row_is_not_echoed(tmp_path: Path) -> None:
    # The columns shifted: a name landed in the bsa column.
    result = batch(tmp_path, "A1,2026-12-01,Jane Doe,cr,,,")
    assert result.exit_code == 1
    summary = (tmp_path / "out" / "summary.json").read_text(encoding="utf-8")
    assert "Jane" not in summary and "Jane" not in result.stderr
    assert "row 2 (A1): bsa: the value is not a number" in result.stderr


def test_a_refused_patient_id_option_is_not_echoed() -> None:
    message = refused(invoke(*BSA, "--patient-id", "Jane Doe"), "--patient-id")
    assert "Jane" not in message


def test_a_long_refused_value_is_quoted_only_in_part() -> None:
    value = "x" * 300
    message = refused(invoke(*BSA[:-2], "--response", "cr", "--blasts", value), "--blasts")
    assert value not in message
    assert "(300 characters)" in message
    assert len(message) < 200


# --- terminal escapes ------------------------------------------------------------------------


def test_batch_summary_lines_escape_terminal_controls(tmp_path: Path) -> None:
    source = tmp_path / "patients.csv"
    source.write_text(f"{BATCH_HEADER}\nA1,2026-12-01,1.8,cr,,,\nA2,x,1.8,cr,,,\n")
    out = tmp_path / "o\x1b[31mred"
    result = invoke("batch", str(source), "--out", str(out))
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr
    assert "o\\x1b[31mred" in result.stderr


# --- formula injection in every CSV ----------------------------------------------------------

FORMULA = re.compile(r"^[=+\-@\t\r]")


def text_cells_that_start_a_formula(text: str) -> list[str]:
    """Cells a spreadsheet would run as a formula: a formula start and not a plain number."""
    cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
    return [c for c in cells if FORMULA.match(c) and not re.fullmatch(r"-?[0-9.]+", c)]


def test_worklist_csv_neutralises_a_file_name_that_starts_a_formula(tmp_path: Path) -> None:
    folder = tmp_path / "plans"
    folder.mkdir()
    for name in ("=HYPERLINK(1).json", "+1.json", "-cmd.json", "@SUM(A1).json"):
        assert invoke(*BSA, "-f", "json", "-o", str(folder / name)).exit_code == 0
    result = invoke("worklist", str(folder), "--date", "2026-12-01", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    sources = [r["source"] for r in csv.DictReader(io.StringIO(result.stdout))]
    assert sorted(sources) == ["'+1.json", "'-cmd.json", "'=HYPERLINK(1).json", "'@SUM(A1).json"]
    assert text_cells_that_start_a_formula(result.stdout) == []


def test_the_csv_helper_keeps_numbers_and_neutralises_text() -> None:
    from inoplan.export.csv import safe_cell

    # Negative numbers are numbers: a spreadsheet reads them as such, no formula runs.
    assert safe_cell("-0.5") == "-0.5"
    assert safe_cell("-12") == "-12"
    assert safe_cell("1.46") == "1.46"
    for text in ("=1+1", "+A1", "-A1", "@SUM(A1)", "\tx", "\rx", "-1+1", "-"):
        assert safe_cell(text) == "'" + text
    assert safe_cell("C1D8") == "C1D8"


def _csv_of(writer: str, tmp_path: Path) -> str:
    """The CSV text ``writer`` produces for an ordinary plan."""
    plan = tmp_path / "plan.json"
    assert invoke(*BSA, "-f", "json", "-o", str(plan)).exit_code == 0
    if writer == "schedule":
        return invoke(*BSA, "-f", "csv").stdout
    if writer == "replan":
        # Recorded the day after the dose (INOPLAN_TODAY), so the record lies in the past.
        return invoke(
            "replan",
            str(plan),
            "--given",
            "C1D1=2026-12-01",
            "-f",
            "csv",
            env={"INOPLAN_TODAY": "2026-12-02"},
        ).stdout
    if writer == "batch":
        assert (
            batch(tmp_path, "A1,2026-12-01,1.8,cr,,,", args=("-f", "csv", "-j", "1")).exit_code == 0
        )
        return (tmp_path / "out" / "plan.csv").read_text(encoding="utf-8")
    if writer == "worklist":
        return invoke("worklist", str(plan), "--date", "2026-12-01", "-f", "csv").stdout
    return invoke("prep", "--dose-mg", "1.46", "-f", "csv").stdout


@pytest.mark.parametrize("writer", ["schedule", "replan", "batch", "worklist", "prep"])
def test_every_csv_writer_passes_each_data_cell_through_the_one_helper(
    writer: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Mark what the helper returns: every data cell of every writer must carry the mark.
    import inoplan.export.csv as export_csv

    monkeypatch.setattr(export_csv, "safe_cell", lambda text: "~" + text)
    rows = list(csv.reader(io.StringIO(_csv_of(writer, tmp_path))))
    assert len(rows) >= 2, writer
    unmarked = [c for row in rows[1:] for c in row if not c.startswith("~")]
    assert unmarked == []


# --- calendar text ---------------------------------------------------------------------------


def test_a_location_cell_with_control_characters_is_refused(tmp_path: Path) -> None:
    result = batch(tmp_path, 'A1,2026-12-01,1.8,cr,,,"a\x00b\x1b[31m\x0bc"', args=("-f", "ics"))
    assert result.exit_code == 1
    assert "row 2 (A1): location: holds the control character U+0000" in result.stderr
    assert not (tmp_path / "out" / "A1.ics").exists()


def test_a_location_option_with_control_characters_is_refused() -> None:
    message = refused(invoke(*BSA, "-f", "ics", "--location", "a\x1b[31mb"), "--location")
    assert "U+001B" in message


# --- numbers too long for int() --------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ([*BSA, "--cycles", HUGE[:4400]], "--cycles"),
        ([*BSA, "--blasts", HUGE[:4400]], "--blasts"),
        (["check", "--day", "1", "--days-held", HUGE[:4400]], "--days-held"),
        (["batch", "x.csv", "--out", "o", "--jobs", HUGE[:4400]], "--jobs"),
    ],
)
def test_a_number_of_thousands_of_digits_is_refused(args: list[str], field: str) -> None:
    # 4,400 characters: within the option length limit, beyond what int() converts.
    assert HUGE[:4400] not in refused(invoke(*args), field)


def test_one_huge_batch_cell_rejects_its_row_only(tmp_path: Path) -> None:
    result = batch(tmp_path, f"A1,2026-12-01,1.8,cr,{HUGE},,", "A2,2026-12-01,1.8,cr,,,")
    assert result.exit_code == 1
    assert (tmp_path / "out" / "patients" / "A2.json").exists()
    rejected = json.loads((tmp_path / "out" / "summary.json").read_text())["rejected"]
    assert [(r["row"], r["field"]) for r in rejected] == [(2, "cycles")]


def test_a_json_revision_of_thousands_of_digits_is_refused(plan_json: Path) -> None:
    text = plan_json.read_text().replace('"schema"', f'"revision": {HUGE},\n  "schema"', 1)
    plan_json.write_text(text)
    assert "5000 digits" in refused(invoke("verify", str(plan_json)), str(plan_json))


# --- JSON shape ------------------------------------------------------------------------------


def test_json_nested_10000_deep_is_refused(plan_json: Path, tmp_path: Path) -> None:
    deep = "[" * 10_000 + "]" * 10_000
    plan_json.write_text(deep)
    assert "nests" in refused(invoke("verify", str(plan_json)), str(plan_json))
    events = tmp_path / "events.json"
    events.write_text(deep)
    copy = tmp_path / "p.json"
    invoke(*BSA, "-f", "json", "-o", str(copy))
    assert "nests" in refused(invoke("replan", str(copy), "--events", str(events)), "--events")


def test_duplicate_json_keys_are_refused_in_plans_and_events(
    plan_json: Path, tmp_path: Path
) -> None:
    text = plan_json.read_text()
    doubled = tmp_path / "doubled.json"
    doubled.write_text(text.replace('"schema"', '"revision": 3,\n  "revision": 0,\n  "schema"', 1))
    assert "'revision' appears twice" in refused(invoke("verify", str(doubled)), str(doubled))
    events = tmp_path / "events.json"
    events.write_text('[{"event": "given", "dose": "C1D1", "date": "2026-12-01", "dose": "C1D8"}]')
    result = invoke("replan", str(plan_json), "--events", str(events))
    assert "'dose' appears twice" in refused(result, "--events")


def test_schema_01_is_not_version_1(plan_json: Path) -> None:
    plan_json.write_text(plan_json.read_text().replace("inoplan.plan/1", "inoplan.plan/01"))
    assert "is not supported" in refused(invoke("verify", str(plan_json)), str(plan_json))


def test_a_json_plan_with_a_byte_order_mark_is_read_as_a_csv_with_one_is(
    plan_json: Path,
) -> None:
    plan_json.write_bytes(b"\xef\xbb\xbf" + plan_json.read_bytes())
    result = invoke("verify", str(plan_json))
    assert result.exit_code == 0, result.stderr
    assert ": holds:" in result.stdout


def test_a_plan_larger_than_the_limit_is_refused(plan_json: Path) -> None:
    from inoplan.domain import limits

    data = json.loads(plan_json.read_text())
    data["padding"] = "x" * (limits.MAX_PLAN_BYTES + 1)
    plan_json.write_text(json.dumps(data))
    assert "is larger than 5 MB" in refused(invoke("verify", str(plan_json)), str(plan_json))


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_dev_zero_is_refused_without_reading_it_whole(tmp_path: Path) -> None:
    # An endless file: refused after the limit, not read until memory runs out.
    assert "larger than" in refused(invoke("verify", "/dev/zero"), "/dev/zero")
    result = invoke("batch", "/dev/zero", "--out", str(tmp_path / "out"))
    assert "longer than" in refused(result, "PATIENTS")
    assert not (tmp_path / "out").exists()


# --- dates and zones -------------------------------------------------------------------------


def test_a_dose_given_in_year_9999_is_refused(plan_json: Path) -> None:
    result = invoke("replan", str(plan_json), "--given", "C1D1=9999-12-31")
    assert "days after cycle 1 day 1" in refused(result, "--given")


def test_a_dose_given_73_years_late_is_refused(plan_json: Path) -> None:
    result = invoke("replan", str(plan_json), "--given", "C1D1=2099-12-01")
    assert "days after cycle 1 day 1" in refused(result, "--given")


def test_an_unknown_tz_environment_value_is_named() -> None:
    result = invoke(*BSA, "-f", "ics", "--time", "09:00", env={"TZ": "Mars/Olympus"})
    assert "names no known time zone" in refused(result, "TZ")


def test_a_known_tz_environment_value_is_used() -> None:
    result = invoke(*BSA, "-f", "ics", "--time", "09:00", env={"TZ": ":Europe/Berlin"})
    assert result.exit_code == 0, result.stderr
    assert "DTSTART;TZID=Europe/Berlin:20261201T090000" in result.stdout.replace("\r\n", "\n")


# --- empty values ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["schedule", "--start", "2026-12-01", "--bsa", "", "--height", "170", "--weight", "70"],
         "--bsa"),
        ([*BSA, "--cycles", ""], "--cycles"),
        (["schedule", "--start", "2026-12-01", "--height", "", "--bsa", "1.8"], "--height"),
        ([*BSA, "-f", "ics", "--tz", ""], "--tz"),
        (["batch", "x.csv", "--out", ""], "--out"),
        ([*BSA, "--patient-id", " "], "--patient-id"),
    ],
)  # fmt: skip
def test_an_empty_value_is_refused_naming_the_option(args: list[str], field: str) -> None:
    assert "empty" in refused(invoke(*args), field)


def test_five_feet_thirteen_inches_is_refused() -> None:
    args = ["schedule", "--start", "2026-12-01", "--weight", "70", "--height", "5ft13in"]
    assert "13 inches is a foot or more" in refused(invoke(*args), "--height")
    # 5 ft 11.5 in is a height: (60 + 11.5) x 2.54 = 181.61 cm, used to 0.1 cm: 181.6.
    ok = invoke(*args[:-1], "5ft11.5in", "-f", "json")
    assert ok.exit_code == 0
    assert '"height_cm": 181.6,' in ok.stdout


# --- the limits are documented ---------------------------------------------------------------


def test_the_readme_lists_every_limit() -> None:
    from inoplan.domain import limits

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for what, value, unit in limits.TABLE:
        assert f"| {what} | {value:,} {unit} |" in readme
