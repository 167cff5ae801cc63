"""Wrapped lines in the terminal views stay under their bullet or label (80 columns)."""

from __future__ import annotations

import re

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
