"""A re-planned course exported to a calendar updates the events it changed.

The same UIDs as the first export, SEQUENCE raised on every event whose date
moved, and a cancelled event for every dose no longer given, so a calendar
that imported the first file moves and removes events instead of duplicating.
Files are read back with the independent reader of tests/test_ics.py.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.test_ics import Comp, check_wire_format, invoke


def _events(raw: bytes) -> dict[str, Comp]:
    return {e.one("UID").value: e for e in check_wire_format(raw).kids("VEVENT")}


def _by_label(events: dict[str, Comp]) -> dict[str, Comp]:
    out: dict[str, Comp] = {}
    for e in events.values():
        found = re.search(r"\bC\d+D\d+\b", e.one("SUMMARY").text)
        assert found is not None
        out[found[0]] = e
    return out


def test_replan_moves_and_cancels_events_by_uid(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    base = ["--start", "2026-12-01", "--bsa", "1.82", "--response", "cr", "--patient-id", "P7"]
    assert invoke("schedule", *base, "-f", "json", "-o", str(plan)).exit_code == 0
    first = invoke("schedule", *base, "-f", "ics")
    assert first.exit_code == 0, first.stderr
    again = invoke("replan", str(plan), "--interrupt", "C1D8=9", "-f", "ics")
    assert again.exit_code == 0, again.stderr
    before, after = _events(first.stdout_bytes), _events(again.stdout_bytes)
    # Every event of the first file is still there under its UID: none duplicated.
    assert set(before) == set(after)
    old, new = _by_label(before), _by_label(after)
    # A 9-day interruption from C1D8 (2026-12-08) resumes 2026-12-17: C1D8 is omitted
    # (>= 7 days), C1D15 (due 12-15, window 12-13..12-17) moves to 12-17, and cycle 2
    # waits 6 days after it: C2D1 2026-12-23 instead of 12-22.
    assert new["C1D8"].one("STATUS").value == "CANCELLED"
    assert new["C1D8"].one("SEQUENCE").value == "1"
    assert new["C1D15"].one("DTSTART").value == "20261217"
    assert new["C1D15"].one("SEQUENCE").value == "1"
    assert new["C2D1"].one("DTSTART").value == "20261223"
    # C1D1 did not change: same date, SEQUENCE still 0, not cancelled.
    assert new["C1D1"].one("DTSTART").value == old["C1D1"].one("DTSTART").value == "20261201"
    assert new["C1D1"].one("SEQUENCE").value == "0"
    assert not new["C1D1"].all("STATUS")


def test_format_options_of_replan_are_checked_like_schedule(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    args = ["--start", "2026-12-01", "--bsa", "1.82", "-f", "json", "-o", str(plan)]
    assert invoke("schedule", *args).exit_code == 0
    r = invoke("replan", str(plan), "--interrupt", "C1D8=3", "--time", "09:30")
    assert r.exit_code == 2 and r.stderr.startswith("inoplan: error: --time")
    r = invoke("replan", str(plan), "--interrupt", "C1D8=3", "--lang", "de")
    assert r.exit_code == 2 and "--lang" in r.stderr
