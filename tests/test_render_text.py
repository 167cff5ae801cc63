"""Wrapped lines in the terminal views stay under their bullet or label (80 columns)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from tests.conftest import invoke

PLAN = ("schedule", "--start", "2026-12-01", "--height", "170", "--weight", "70")


def _lines(*args: str) -> list[str]:
    result = invoke([*args], env={"COLUMNS": "80", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.stderr
    return result.stdout.splitlines()


@pytest.mark.parametrize(
    "args",
    [
        (*PLAN, "--response", "cr", "--hsct"),  # boxed warning, HSCT warning, reminders
        ("prep", "--dose-mg", "0.91"),  # handling steps, notes
        ("check", "--day", "1", "--anc", "0.7", "--platelets", "80"),
        ("bsa", "--height", "170", "--weight", "70", "--all"),  # the working, wrapped
    ],
)  # fmt: skip
def test_no_wrapped_line_starts_at_column_0_or_ends_in_a_space(args: tuple[str, ...]) -> None:
    lines = _lines(*args)
    fallen: list[str] = []
    items: list[str] = []  # bullet and label lines, with their continuations
    hang = 0  # where the text of the current bullet or label starts; 0: none
    for raw in lines:
        line = raw[1:].rstrip("│") if raw.startswith("│") else raw  # inside a panel
        marker = re.match(r"\s*- |WARNING: |Note: ", line)
        if marker:
            hang = marker.end()
            items.append(raw)
        elif hang and line[:hang].isspace() and line[hang : hang + 1].strip():
            items.append(raw)  # a continuation, under the text
        elif hang and re.match(r"[a-z]", line):
            fallen.append(raw)  # a continuation that fell back to column 0
        else:
            hang = 0
    assert fallen == []
    assert [ln for ln in items if ln != ln.rstrip()] == []
    assert max(len(ln) for ln in lines) <= 80


def test_a_wrapped_reminder_continues_under_its_first_word() -> None:
    lines = _lines(*PLAN, "--response", "cr")
    i = next(i for i, ln in enumerate(lines) if ln.startswith("  - Premedicate"))
    # "  - Premedicate before the dose: a corticosteroid, an antipyretic and an
    #  antihistamine [premed]" is 92 characters: it wraps once, under "Premedicate".
    assert lines[i + 1].startswith("    ") and lines[i + 1].strip().endswith("[premed]")


def test_a_warning_continues_under_its_text() -> None:
    lines = _lines(*PLAN, "--response", "cr", "--hsct")
    i = next(i for i, ln in enumerate(lines) if ln.startswith("WARNING: proceeding to HSCT"))
    assert lines[i + 1].startswith(" " * len("WARNING: ")) and lines[i + 1][9] != " "


def test_a_narrow_terminal_puts_each_value_under_its_label_within_the_width() -> None:
    # 40 columns: 36 inside the frame, 21 of them for the labels, leaves 15 for a
    # value (fewer than 24): each value goes on the lines under its label.
    result = invoke([*PLAN, "--response", "cr"], env={"COLUMNS": "40", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(ln) for ln in lines) <= 40
    i = lines.index("│ Height / weight                      │")
    assert lines[i + 1] == "│   170 cm / 70 kg, BMI 24.2           │"


def test_a_dose_line_wider_than_the_terminal_ends_in_an_ellipsis() -> None:
    result = invoke([*PLAN, "--response", "cr"], env={"COLUMNS": "50", "NO_COLOR": "1"})
    lines = result.stdout.splitlines()
    dose = next(ln for ln in lines if ln.startswith("2026-12-01  Tue  C1D1"))
    # "2026-12-01  Tue  C1D1       0.8    1.46  premed, observe 1 h, CBC, LFTs" is 71
    # characters: cut to 49 and the ellipsis.
    assert len(dose) == 50 and dose.endswith("…")


def test_frames_are_ascii_where_the_output_cannot_take_box_characters() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "inoplan", *PLAN, "--response", "cr"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONIOENCODING": "ascii", "COLUMNS": "80", "NO_COLOR": "1"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("+- inotuzumab ozogamicin plan -") and lines[0].endswith("+")
    assert "+- BOXED WARNING -" in done.stdout and "╭" not in done.stdout


@pytest.mark.parametrize("columns", ["40", "60", "80"])
@pytest.mark.parametrize(
    "args",
    [
        (*PLAN, "--response", "cr", "--hsct"),
        ("bsa", "--height", "170", "--weight", "70", "--all"),
        ("prep", "--dose-mg", "0.91"),
    ],
)  # fmt: skip
def test_a_number_and_its_unit_stay_on_one_line(args: tuple[str, ...], columns: str) -> None:
    result = invoke([*args], env={"COLUMNS": columns, "NO_COLOR": "1"})
    assert result.exit_code == 0, result.stderr
    starts = [ln.strip("│ ") for ln in result.stdout.splitlines()]
    assert [s for s in starts if re.match(r"(mg/m2|mg|m2|mL|cm|kg|h)\b", s)] == []
