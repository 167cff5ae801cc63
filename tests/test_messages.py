"""Messages a user meets when something is off: said in words, in every format.

- A folder given where a file is read: one line in words, exit 2, for every
  command that reads a file (never a Python exception's name).
- MRD status given without ``--hsct``: a WARNING in every output format, since
  it is recorded but changes nothing in the plan (spec section 4).
"""

from __future__ import annotations

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
