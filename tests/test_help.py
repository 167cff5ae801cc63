"""Every command's --help, as a user sees it at 80 columns.

The snapshots under tests/snapshots/help/ are the help texts as they should
read. After a deliberate change to an option or a docstring, regenerate them
and read the diff before committing::

    INOPLAN_UPDATE_SNAPSHOTS=1 python -m pytest --no-cov -n 0 tests/test_help.py
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from inoplan.cli.app import COMMAND_MODULES
from tests.conftest import invoke

SNAPSHOTS = Path(__file__).parent / "snapshots" / "help"
HELP_ENV = {"COLUMNS": "80", "NO_COLOR": "1", "TERM": "dumb"}


def _row(text: str, option: str) -> str:
    """The options panel's row of ``option``."""
    rows = [ln for ln in text.splitlines() if ln.startswith("│")]
    return next(ln for ln in rows if ln.lstrip("│ *").startswith((option + " ", option + ",")))


def _help(command: str) -> str:
    r = invoke([command, "--help"], env=HELP_ENV)
    assert r.exit_code == 0, r.stderr
    return "\n".join(line.rstrip() for line in r.stdout.splitlines()) + "\n"


@pytest.mark.parametrize("command", COMMAND_MODULES)
def test_help_matches_its_snapshot(command: str) -> None:
    text = _help(command)
    path = SNAPSHOTS / f"{command}.txt"
    if os.environ.get("INOPLAN_UPDATE_SNAPSHOTS"):
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no snapshot: run INOPLAN_UPDATE_SNAPSHOTS=1 pytest {__file__}"
    assert text == path.read_text(encoding="utf-8"), (
        f"{command} --help changed: if on purpose, regenerate with INOPLAN_UPDATE_SNAPSHOTS=1"
    )


def test_every_command_has_a_snapshot_and_no_stale_one_is_kept() -> None:
    assert sorted(p.stem for p in SNAPSHOTS.glob("*.txt")) == sorted(COMMAND_MODULES)


@pytest.mark.parametrize("command", COMMAND_MODULES)
def test_switches_show_no_value_and_options_no_bare_type(command: str) -> None:
    # `--hsct <bool>` suggested `--hsct true`, which fails; `<str>` says nothing.
    text = _help(command)
    assert "<bool>" not in text
    assert "<str>" not in text
    assert "<list" not in text


def test_a_switch_is_shown_bare() -> None:
    line = _row(_help("schedule"), "--hsct")
    assert re.search(r"--hsct\s{2,}Proceeding", line), line


@pytest.mark.parametrize(
    ("command", "usage"),
    [
        ("prep", "Usage: inoplan prep [OPTIONS] [PLAN]"),
        ("replan", "Usage: inoplan replan [OPTIONS] PLAN"),
        ("verify", "Usage: inoplan verify [OPTIONS] PLAN"),
        ("worklist", "Usage: inoplan worklist [OPTIONS] SOURCE"),
        ("balance", "Usage: inoplan balance [OPTIONS] SOURCE"),
        ("schedule", "Usage: inoplan schedule [OPTIONS]"),
    ],
)
def test_usage_line_names_arguments_plainly(command: str, usage: str) -> None:
    text = _help(command)
    assert usage in text
    assert "{" not in text.split("\n\n")[0] and "[[" not in text


@pytest.mark.parametrize(
    ("command", "option", "metavar"),
    [
        ("schedule", "--start", "DATE"),
        ("schedule", "--height", "HEIGHT"),
        ("schedule", "--weight", "WEIGHT"),
        ("schedule", "--bsa", "M2"),
        ("schedule", "--cycles", "N"),
        ("schedule", "--output", "FILE"),
        ("schedule", "--time", "HH:MM"),
        ("schedule", "--tz", "ZONE"),
        ("worklist", "--date", "DATE"),
        ("batch", "--out", "DIR"),
        ("prep", "--reconstituted-at", "HH:MM"),
    ],
)
def test_options_show_what_to_type(command: str, option: str, metavar: str) -> None:
    line = _row(_help(command), option)
    assert f" {metavar} " in line, line


def test_examples_are_laid_out_alike_in_every_command() -> None:
    for command in COMMAND_MODULES:
        text = _help(command)
        assert " Examples:" in text, command
        after = text.split(" Examples:", 1)[1]
        example = next(ln for ln in after.splitlines() if "inoplan " in ln)
        assert example.startswith("   inoplan "), (command, example)
