"""Messages a user meets when something is off: said in words, in every format.

- A folder given where a file is read: one line in words, exit 2, for every
  command that reads a file (never a Python exception's name).
- MRD status given without ``--hsct``: a WARNING in every output format, since
  it is recorded but changes nothing in the plan (spec section 4).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import invoke

SCHEDULE = ("schedule", "--start", "2026-12-01", "--bsa", "1.82", "--response", "cr")


def _saved_plan(tmp_path: Path) -> Path:
    path = tmp_path / "plan.json"
    r = invoke([*SCHEDULE, "--format", "json", "-o", str(path)])
    assert r.exit_code == 0, r.stderr
    return path


# Each command that reads a file, with the folder put where the file goes.
FOLDER_READERS = {
    "verify": lambda d, plan: ["verify", d],
    "verify json": lambda d, plan: ["verify", d, "--format", "json"],
    "prep": lambda d, plan: ["prep", d, "--cycle", "1", "--day", "1"],
    "replan PLAN": lambda d, plan: ["replan", d, "--given", "C1D1=2026-12-01"],
    "replan --events": lambda d, plan: ["replan", plan, "--events", d],
    "batch": lambda d, plan: ["batch", d, "--out", d + "-out"],
}


@pytest.mark.parametrize("command", sorted(FOLDER_READERS))
def test_a_folder_where_a_file_is_read_is_said_in_words(tmp_path: Path, command: str) -> None:
    folder = tmp_path / "plans"
    folder.mkdir()
    plan = _saved_plan(tmp_path)
    args = FOLDER_READERS[command](str(folder) + "/", str(plan))
    r = invoke(args)
    assert r.exit_code == 2
    assert r.stdout == ""
    assert r.stderr.count("\n") == 1, r.stderr  # one line, no traceback
    assert "is a folder; give a file" in r.stderr
    assert "Error" not in r.stderr  # no IsADirectoryError or any exception name
    assert not (tmp_path / "plans-out").exists()  # nothing written


def test_verify_names_the_folder_once(tmp_path: Path) -> None:
    r = invoke(["verify", f"{tmp_path}/"])
    assert r.stderr == f"inoplan: error: {tmp_path}/: it is a folder; give a file\n"


MRD_WARNING = "MRD negative is recorded but does not change this plan"


def _unfolded(text: str) -> str:
    """ICS folds long lines (CRLF then a space) and escapes ``;``: read it back whole."""
    return text.replace("\r\n ", "").replace("\n ", "").replace("\\;", ";").replace("\\,", ",")


@pytest.mark.parametrize(
    "fmt",
    [["table"], ["json"], ["csv"], ["ics"], ["fhir"], ["html", "--audience", "clinician"]],
)
def test_mrd_without_hsct_is_a_warning_in_every_format(fmt: list[str]) -> None:
    r = invoke([*SCHEDULE, "--mrd", "negative", "--format", *fmt])
    assert r.exit_code == 0, r.stderr
    out = _unfolded(r.stdout)
    assert MRD_WARNING in out
    if fmt == ["table"]:
        assert "WARNING: " + MRD_WARNING in out
    if fmt == ["json"]:
        assert any(MRD_WARNING in w for w in json.loads(r.stdout)["warnings"])


def test_mrd_without_hsct_changes_nothing_but_the_warning() -> None:

    plain = json.loads(invoke([*SCHEDULE, "--format", "json"]).stdout)
    with_mrd = json.loads(invoke([*SCHEDULE, "--mrd", "negative", "--format", "json"]).stdout)
    assert with_mrd["cycles"] == plain["cycles"]  # the same doses and dates
    assert [w for w in with_mrd["warnings"] if MRD_WARNING not in w] == plain["warnings"]


@pytest.mark.parametrize(
    "extra", [[], ["--hsct", "--mrd", "negative"], ["--hsct", "--mrd", "positive"]]
)
def test_no_mrd_warning_without_mrd_or_with_hsct(extra: list[str]) -> None:
    r = invoke([*SCHEDULE, *extra])
    assert r.exit_code == 0, r.stderr
    assert "is recorded but does not change this plan" not in r.stdout


def test_a_replan_drops_the_mrd_warning_once_hsct_is_decided(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    r = invoke([*SCHEDULE, "--mrd", "negative", "--format", "json", "-o", str(path)])
    assert r.exit_code == 0, r.stderr
    later = {"INOPLAN_TODAY": "2026-12-21"}
    kept = invoke(["replan", str(path), "--given", "C1D1=2026-12-01"], env=later)
    assert kept.exit_code == 0, kept.stderr
    assert MRD_WARNING in kept.stdout  # still without HSCT intent: still warned
    decided = invoke(
        ["replan", str(path), "--given", "C1D1=2026-12-01", "--hsct-decision", "2026-12-20=yes"],
        env=later,
    )
    assert decided.exit_code == 0, decided.stderr
    assert MRD_WARNING not in decided.stdout


def test_an_empty_worklist_table_still_gives_the_span_the_plans_cover(tmp_path: Path) -> None:
    # Response cr, 6 cycles from 2026-12-01: cycle 1 is 21 days, cycles 2-6 are
    # 28 days, so cycle 6 starts 2026-12-01 + 21 + 4 x 28 = 2027-04-13 and its
    # day 15 is 2027-04-27, the last infusion.
    plan = _saved_plan(tmp_path)
    r = invoke(["worklist", str(plan), "--date", "2028-01-05"])
    assert r.exit_code == 0, r.stderr
    assert "no infusions due in this period" in r.stdout
    assert "Note: 2028-01-05 is outside every plan" in r.stdout
    assert "2026-12-01 to 2027-04-27" in " ".join(r.stdout.split())
    as_json = invoke(["worklist", str(plan), "--date", "2028-01-05", "--format", "json"])
    assert any("2027-04-27" in n for n in json.loads(as_json.stdout)["notes"])
