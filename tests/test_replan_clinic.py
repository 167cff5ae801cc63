"""Re-planning a course that has clinic days: doses still to give move off closed days.

The calendar is real: ``--clinic-days mon-fri --holidays DE-BY`` (the holidays
package). The days that matter, checked against a wall calendar:

    2026-12-18 Fri   2026-12-24 Thu   2026-12-25 Fri Christmas Day
    2026-12-26 Sat Second Day of Christmas   2026-12-27 Sun   2026-12-28 Mon
    2026-12-31 Thu   2027-01-01 Fri New Year's Day   2027-01-02 Sat   2027-01-03 Sun
    2027-03-04 Thu   2027-03-27 Sat   2027-03-28 Sun   2027-03-29 Easter Monday

Rules (spec section 3, and the clinic-day rules of ``inoplan schedule``): day 8
and 15 within +/- 2 days of their cycle day, at least 6 days between doses, a
closed day 8/15 goes to the nearest open day of its window, a closed day 1 to
the next open day with its cycle. Response CR: cycle 1 is 21 days (0.8/0.5/0.5
mg/m2), cycle 2 28 days (0.5/0.5/0.5).
"""

from __future__ import annotations

import itertools
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from inoplan.cli.app import app
from inoplan.domain import rules
from inoplan.domain.clinic import calendar_for, plan_course
from inoplan.domain.errors import InputError
from inoplan.domain.plan import Plan, PlanRequest
from inoplan.domain.replan.engine import replan_history
from inoplan.domain.replan.events import Event
from inoplan.export import json as export_json
from inoplan.inputs.event_files import events_from_options
from inoplan.inputs.plan_request import request_from_strings
from inoplan.inputs.saved_plan import plan_from_data
from tests.conftest import examples
from tests.test_replan_properties import _event, _event_date, any_option, check_plan


@pytest.fixture(autouse=True)
def _recorded_later(monkeypatch: pytest.MonkeyPatch) -> None:
    """Re-plans are made after the events they record: "today" after every date used here."""
    monkeypatch.setenv("INOPLAN_TODAY", "2028-12-31")

D = date.fromisoformat
CLINIC = ("--bsa", "1.82", "--response", "cr", "--cycles", "2")
CLOSED = ("--clinic-days", "mon-fri", "--holidays", "DE-BY")


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), prog_name="inoplan")


def save(tmp_path: Path, start: str, name: str = "plan.json") -> Path:
    path = tmp_path / name
    r = run("schedule", "--start", start, *CLINIC, *CLOSED, "-f", "json", "-o", str(path))
    assert r.exit_code == 0, r.stderr
    return path


def replan(plan: Path, *args: str, out: Path | None = None) -> dict[str, Any]:
    extra = ("-o", str(out)) if out is not None else ()
    r = run("replan", str(plan), *args, "-f", "json", *extra)
    assert r.exit_code == 0, r.stderr
    data: dict[str, Any] = json.loads(out.read_text() if out is not None else r.stdout)
    # A saved re-plan stands for itself: read back, it is the same text.
    text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False)
    assert export_json.render(plan_from_data(data)).strip() == text.strip()
    return data


def doses(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f"C{d['cycle']}D{d['day']}": d for c in data["cycles"] for d in c["doses"]}


def dates(data: dict[str, Any]) -> list[date]:
    return [D(d["date"]) for c in data["cycles"] for d in c["doses"]]


# --- worked by hand -------------------------------------------------------------------


def test_a_replan_keeps_the_christmas_moves_of_the_schedule(tmp_path: Path) -> None:
    # schedule: C1D1 Fri 12-18; C1D8 due Fri 12-25 (Christmas) -> Thu 12-24 (6 days
    # after 12-18); C1D15 due Fri 01-01 (New Year) -> Thu 12-31 (7 days after 12-24);
    # C2D1 12-18 + 21 = Fri 01-08 (8 days after 12-31), C2D8 01-15, C2D15 01-22.
    # Recording C1D1 as given on its date changes nothing: no dose goes back onto
    # Christmas, and no sequence is raised (no calendar event is touched).
    data = replan(save(tmp_path, "2026-12-18"), "--given", "C1D1=2026-12-18")
    assert dates(data) == [
        D("2026-12-18"), D("2026-12-24"), D("2026-12-31"),
        D("2027-01-08"), D("2027-01-15"), D("2027-01-22"),
    ]  # fmt: skip
    by = doses(data)
    assert [d["sequence"] for d in by.values()] == [0] * 6
    assert by["C1D8"]["planned_date"] == "2026-12-25"
    assert "Christmas Day" in by["C1D8"]["notes"][0]
    assert by["C1D15"]["planned_date"] == "2027-01-01"
    assert "New Year's Day" in by["C1D15"]["notes"][0]
    assert data["warnings"] == []


def test_a_day_1_given_late_on_a_saturday_moves_the_rest_off_closed_days(
    tmp_path: Path,
) -> None:
    # C1D1 given Sat 12-19, one day late: a given dose is a fact, never moved (nor
    # flagged), and cycle 1 moves with it.
    # C1D8 due 12-19 + 7 = Sat 12-26 (Second Day of Christmas); window 12-24..12-28:
    #   Thu 12-24 is 5 days after 12-19 (< 6), Fri 12-25 Christmas, Sat 12-26 holiday,
    #   Sun 12-27 closed, Mon 12-28 open -> 12-28 (+2).
    # C1D15 due 12-19 + 14 = Sat 01-02; window 12-31..01-04; at least 12-28 + 6 =
    #   Sun 01-03 (closed) -> Mon 01-04 (+2).
    # C2D1 due 12-19 + 21 = Sat 01-09, but 01-04 + 6 = Sun 01-10 at the earliest,
    #   closed -> Mon 01-11; cycle 1 lasts 01-11 - 12-19 = 23 days.
    # C2D8 01-11 + 7 = Mon 01-18, C2D15 Mon 01-25 (both open).
    data = replan(save(tmp_path, "2026-12-18"), "--given", "C1D1=2026-12-19")
    assert dates(data) == [
        D("2026-12-19"), D("2026-12-28"), D("2027-01-04"),
        D("2027-01-11"), D("2027-01-18"), D("2027-01-25"),
    ]  # fmt: skip
    by = doses(data)
    assert by["C1D1"]["status"] == "given"
    assert data["warnings"] == []  # the Saturday was given: not flagged
    assert "2026-12-26 closed (Second Day of Christmas" in " ".join(by["C1D8"]["notes"])
    assert "2027-01-03 closed (Sunday" in " ".join(by["C1D15"]["notes"])
    assert "2027-01-10 closed (Sunday" in " ".join(by["C2D1"]["notes"])
    # planned_date is the regimen's date: C1D8 12-18 + 7 = 12-25.
    assert by["C1D8"]["planned_date"] == "2026-12-25"
    assert data["cycles"][0]["length_days"] == 23
    # Every dose changed date once: sequence 1 (calendars move the events).
    assert [d["sequence"] for d in by.values()] == [1] * 6


def test_an_interruption_pushes_cycle_2_past_easter(tmp_path: Path) -> None:
    # schedule from Thu 2027-03-04: C1 03-04, 03-11, 03-18; C2 03-25 (Good Friday
    # is 03-26), 04-01, 04-08: no moves.
    # A 9-day interruption from C1D15's due date, Thu 03-18, resumes 03-18 + 9 =
    # Sat 03-27: C1D15 is omitted (>= 7 days). C2D1 (due 03-04 + 21 = Thu 03-25)
    # waits for the end of the interruption, Sat 03-27: closed; Sun 03-28 closed;
    # Mon 03-29 Easter Monday -> Tue 03-30, and cycle 2 with it: C2D8 03-30 + 7 =
    # Tue 04-06, C2D15 Tue 04-13. Cycle 1 lasts 03-30 - 03-04 = 26 days.
    data = replan(
        save(tmp_path, "2027-03-04"),
        "--given", "C1D1=2027-03-04", "--interrupt", "C1D15=9:grade 3 diarrhoea",
    )  # fmt: skip
    assert dates(data) == [
        D("2027-03-04"), D("2027-03-11"), D("2027-03-30"), D("2027-04-06"), D("2027-04-13"),
    ]  # fmt: skip
    assert [(d["cycle"], d["day"], d["date"]) for d in data["omitted_doses"]] == [
        (1, 15, "2027-03-18")
    ]
    c2d1 = doses(data)["C2D1"]
    assert c2d1["planned_date"] == "2027-03-25"
    assert "2027-03-29 closed (Easter Monday" in " ".join(c2d1["notes"])
    assert data["cycles"][0]["length_days"] == 26
    assert data["warnings"] == []


def test_a_delay_into_a_closed_window_keeps_the_dose_with_a_warning(tmp_path: Path) -> None:
    # C1D8 is due (as the plan shows it) Thu 12-24. A 1-day interruption from 12-24
    # delays it to Fri 12-25. Its window is 12-23..12-27: 12-23 is 5 days after
    # C1D1 (< 6), 12-24 is inside the interruption, 12-25 Christmas, 12-26 holiday,
    # 12-27 Sunday. No open day: the dose stays on 12-25, says why, and is named in
    # a warning (refusing would leave the interruption unrecordable).
    # C1D15 due Fri 01-01 (closed); at least 12-25 + 6 = Thu 12-31, open -> 12-31.
    # C2D1 Fri 01-08 as planned.
    data = replan(
        save(tmp_path, "2026-12-18"),
        "--given", "C1D1=2026-12-18", "--interrupt", "C1D8=1:fever",
    )  # fmt: skip
    assert dates(data) == [
        D("2026-12-18"), D("2026-12-25"), D("2026-12-31"),
        D("2027-01-08"), D("2027-01-15"), D("2027-01-22"),
    ]  # fmt: skip
    c1d8 = doses(data)["C1D8"]
    assert "left on a closed day, 2026-12-25 (Christmas Day" in c1d8["notes"][-1]
    assert "2026-12-24 is before treatment resumes (2026-12-25)" in c1d8["notes"][-1]
    assert len(data["warnings"]) == 1
    assert "C1D8 on Fri 2026-12-25: Christmas Day" in data["warnings"][0]
    assert "arrange these by hand" in data["warnings"][0]


def test_a_held_dose_is_cancelled_on_the_date_it_was_shown(tmp_path: Path) -> None:
    # C1D8 was shown on Thu 12-24 (moved off Christmas). Held, it is cancelled on
    # 12-24, where the calendar has it. C1D15 stays on Thu 12-31 (due Fri 01-01, New
    # Year; 12-31 is 13 days after C1D1) and cycle 2 on Fri 01-08.
    data = replan(
        save(tmp_path, "2026-12-18"),
        "--given", "C1D1=2026-12-18", "--held", "C1D8=grade 2 mucositis",
    )  # fmt: skip
    assert [(d["label"], d["date"]) for d in data["omitted_doses"]] == [("C1D8", "2026-12-24")]
    assert dates(data) == [
        D("2026-12-18"), D("2026-12-31"), D("2027-01-08"), D("2027-01-15"), D("2027-01-22"),
    ]  # fmt: skip


def test_the_same_in_csv_shows_the_note_next_to_the_dose(tmp_path: Path) -> None:
    r = run(
        "replan", str(save(tmp_path, "2026-12-18")),
        "--given", "C1D1=2026-12-18", "--interrupt", "C1D8=1:fever", "-f", "csv",
    )  # fmt: skip
    assert r.exit_code == 0, r.stderr
    row = next(line for line in r.stdout.splitlines() if line.startswith(",1,8,"))
    assert ",2026-12-25,Fri," in row and "left on a closed day" in row


def test_two_replans_count_their_changes_in_sequence(tmp_path: Path) -> None:
    # First re-plan: C1D1 given Sat 12-19 (worked above): every dose moves once.
    # Second: a 2-day interruption before C2D1 (due Mon 01-11) resumes Wed 01-13,
    # open: cycle 2 starts 01-13, C2D8 Wed 01-20, C2D15 Wed 01-27. Cycle 2's doses
    # moved twice (sequence 2); cycle 1's once (sequence 1).
    first = tmp_path / "r1.json"
    replan(save(tmp_path, "2026-12-18"), "--given", "C1D1=2026-12-19", out=first)
    data = replan(first, "--interrupt", "C2D1=2:fever")
    assert dates(data)[3:] == [D("2027-01-13"), D("2027-01-20"), D("2027-01-27")]
    assert [d["sequence"] for d in doses(data).values()] == [1, 1, 1, 2, 2, 2]


def test_an_event_that_contradicts_the_moved_plan_is_refused(tmp_path: Path) -> None:
    # Start Sat 2027-01-09 in a mon-fri clinic: schedule moves C1D1 to Mon 01-11 and
    # the cycle with it, so C2D1 is due 01-11 + 21 = Mon 02-01. Recording C2D1 given
    # on Sat 01-30 is 2 days early; day 1 has no window: refused, nothing written.
    path = tmp_path / "sat.json"
    r = run("schedule", "--start", "2027-01-09", *CLINIC, "--clinic-days", "mon-fri",
            "-f", "json", "-o", str(path))  # fmt: skip
    assert r.exit_code == 0, r.stderr
    out = tmp_path / "out.json"
    r = run("replan", str(path), "--given", "C2D1=2027-01-30", "-o", str(out))
    assert r.exit_code == 2
    assert r.stderr == (
        "inoplan: error: --given C2D1=2027-01-30: day 1 has no window: C2D1 is due "
        "2027-02-01, not earlier\n"
    )
    assert not out.exists()


def test_a_saved_course_the_moves_would_contradict_still_reads_back() -> None:
    # The same course saved by a release whose re-plan did not move doses (or with a
    # holiday calendar that has since changed): C2D1 recorded given Sat 01-30, 21
    # days after the Saturday start. Moving C1D1 to Monday would make that record
    # 2 days early, so the course is rebuilt without moves rather than refused, and
    # every dose still to give on a closed day is named: 01-09, 01-16, 01-23 (cycle
    # 1, Saturdays), 01-30 + 7 = 02-06 and 02-13 (cycle 2).
    request = request_from_strings(
        {"start": "2027-01-09", "bsa": "1.82", "response": "cr", "cycles": "2",
         "clinic_days": "mon-fri"}
    )  # fmt: skip
    events = events_from_options([("--given", ["C2D1=2027-01-30"])], 1)
    plan = replan_history(request, events)
    assert [d.date for d in plan.doses] == [
        D("2027-01-09"), D("2027-01-16"), D("2027-01-23"),
        D("2027-01-30"), D("2027-02-06"), D("2027-02-13"),
    ]  # fmt: skip
    warnings = " ".join(plan.warnings)
    assert "a move would contradict a recorded event" in warnings
    for label in ("C1D1 on Sat 2027-01-09", "C1D8 on Sat 2027-01-16", "C2D15 on Sat 2027-02-13"):
        assert label in warnings
    assert "C2D1 on" not in warnings  # given: a fact
    text = export_json.render(plan)
    assert export_json.render(plan_from_data(json.loads(text))) == text
    # Recording it now, on top of the moved plan, is refused (see the test above).
    try:
        replan_history(request, events, strict=True)
    except InputError as e:
        assert "day 1 has no window" in e.message
    else:  # pragma: no cover - the assertion that fails
        raise AssertionError("strict re-plan accepted a contradicting event")


def test_a_dose_recorded_later_bounds_a_move(tmp_path: Path) -> None:
    # Start Wed 2026-12-30. schedule: C1D8 due Wed 2027-01-06 (Epiphany in Bavaria);
    # Tue 01-05 and Thu 01-07 are equally near; the tie goes to the later day, Thu
    # 01-07. C1D15 due Wed 01-13.
    # Record C1D15 given on Tue 01-12 (inside 01-11..01-15). C1D8, still to give, must
    # then be at most 01-12 - 6 = 01-06: Thu 01-07 would make the record invalid, so it
    # takes Tue 01-05 (6 days after 12-30, open). Moved once: sequence 1.
    path = tmp_path / "epiphany.json"
    r = run("schedule", "--start", "2026-12-30", *CLINIC, *CLOSED, "-f", "json", "-o", str(path))
    assert r.exit_code == 0, r.stderr
    assert json.loads(path.read_text())["cycles"][0]["doses"][1]["date"] == "2027-01-07"
    data = replan(path, "--given", "C1D1=2026-12-30", "--given", "C1D15=2027-01-12")
    by = doses(data)
    assert [by[k]["date"] for k in ("C1D1", "C1D8", "C1D15")] == [
        "2026-12-30", "2027-01-05", "2027-01-12",
    ]  # fmt: skip
    assert by["C1D8"]["sequence"] == 1
    assert "Epiphany" in " ".join(by["C1D8"]["notes"])
    assert data["warnings"] == []


def test_day_8_moves_early_so_day_15_finds_an_open_day(tmp_path: Path) -> None:
    # Start Fri 2025-12-12 (Bavaria, mon-fri). Day 15 is due Fri 12-26 (Second Day of
    # Christmas); of its window 12-24..12-28 only Wed 12-24 is open (Thu 12-25
    # Christmas, then the weekend). Day 8, due Fri 12-19 (open), must then be at most
    # 12-24 - 6 = 12-18 and at least 12-12 + 6 = 12-18: Thu 12-18.
    # schedule and replan place it alike: recording day 1 changes nothing.
    path = tmp_path / "x.json"
    r = run("schedule", "--start", "2025-12-12", "--bsa", "1.82", "--response", "cr",
            "--cycles", "1", *CLOSED, "-f", "json", "-o", str(path))  # fmt: skip
    assert r.exit_code == 0, r.stderr
    data = replan(path, "--given", "C1D1=2025-12-12")
    assert dates(data) == [D("2025-12-12"), D("2025-12-18"), D("2025-12-24")]
    by = doses(data)
    assert "2025-12-19 leaves no open day for C1D15 at least 6 days later" in by["C1D8"]["notes"][0]
    assert [d["sequence"] for d in by.values()] == [0, 0, 0]


def test_an_unrecorded_day_1_stays_where_a_later_record_needs_it(tmp_path: Path) -> None:
    # Start Sat 2027-01-09, mon-fri: schedule moves day 1 to Mon 01-11. C1D8 is then
    # recorded given on Sat 01-16, without C1D1. Moving C1D1 to Mon 01-11 would put
    # it 5 days before that record (it must be at most 01-16 - 6 = 01-10), so C1D1
    # stays on Sat 01-09 (7 days before), says why, and is named in a warning.
    # C1D15 due 01-09 + 14 = Sat 01-23 (closed), at least 01-16 + 6 = 01-22: Fri 01-22.
    path = tmp_path / "s.json"
    r = run("schedule", "--start", "2027-01-09", "--bsa", "1.82", "--response", "cr",
            "--cycles", "1", "--clinic-days", "mon-fri", "-f", "json", "-o", str(path))  # fmt: skip
    assert r.exit_code == 0, r.stderr
    data = replan(path, "--given", "C1D8=2027-01-16")
    assert dates(data) == [D("2027-01-09"), D("2027-01-16"), D("2027-01-22")]
    note = doses(data)["C1D1"]["notes"][0]
    assert note.startswith("left on a closed day, 2027-01-09 (Saturday")
    assert "at the latest 2027-01-10" in note
    assert "C1D1 on Sat 2027-01-09" in data["warnings"][0]


def test_a_saved_course_that_no_longer_fits_its_moves_takes_new_events(tmp_path: Path) -> None:
    # The saved course of the test above (Saturday start, C2D1 given Sat 01-30)
    # cannot be rebuilt with moves. Recording more on it must still work.
    request = request_from_strings(
        {"start": "2027-01-09", "bsa": "1.82", "response": "cr", "cycles": "2",
         "clinic_days": "mon-fri"}
    )  # fmt: skip
    saved = replan_history(request, events_from_options([("--given", ["C2D1=2027-01-30"])], 1))
    old = tmp_path / "old.json"
    old.write_text(export_json.render(saved), encoding="utf-8")
    # C2D8 given Sat 02-06 (01-30 + 7) does not make it fit (C1D1 would still move to
    # Monday): rebuilt without moves again, with the warning; nothing refused.
    second = tmp_path / "second.json"
    data = replan(old, "--given", "C2D8=2027-02-06", out=second)
    assert dates(data) == [
        D("2027-01-09"), D("2027-01-16"), D("2027-01-23"),
        D("2027-01-30"), D("2027-02-06"), D("2027-02-13"),
    ]  # fmt: skip
    assert any("a move would contradict a recorded event" in w for w in data["warnings"])
    # Recording C1D1 given on Sat 01-09 makes it fit: the moves come back.
    # C1D8 due Sat 01-16: Fri 01-15 (6 days after 01-09) is nearer than Mon 01-18.
    # C1D15 due Sat 01-23, at least 01-21: Fri 01-22. C2D1 given 01-30 (8 days later).
    # C2D8 given Sat 02-06 stays (a fact). C2D15 due Sat 02-13, at least 02-12: Fri 02-12.
    data = replan(second, "--given", "C1D1=2027-01-09")
    assert dates(data) == [
        D("2027-01-09"), D("2027-01-15"), D("2027-01-22"),
        D("2027-01-30"), D("2027-02-06"), D("2027-02-12"),
    ]  # fmt: skip
    assert data["warnings"] == []
    # Sequence: every date differed from the schedule's (Monday start) at revision 1;
    # C1D8, C1D15 and C2D15 moved again now.
    assert [d["sequence"] for d in doses(data).values()] == [1, 2, 2, 1, 1, 2]


# --- properties -----------------------------------------------------------------------


@st.composite
def clinic_requests(draw: st.DrawFn) -> PlanRequest:
    start = draw(st.dates(date(2025, 11, 1), date(2029, 2, 28)))
    inputs = {
        "start": start.isoformat(),
        "bsa": str(draw(st.decimals(Decimal("0.5"), Decimal("3.0"), places=2))),
        "response": draw(st.sampled_from(["pending", "none", "cr", "cri"])),
        "hsct": draw(st.sampled_from(["yes", "no"])),
        "mrd": draw(st.sampled_from(["negative", "positive", "unknown"])),
        "first_cycle_days": draw(st.sampled_from(["21", "28"])),
        "clinic_days": draw(st.sampled_from(["mon-fri", "mon-sat", "mon,wed,fri", "tue-sat"])),
    }
    holidays = draw(st.sampled_from([None, "DE-BY", "US", "FR"]))
    if holidays:
        inputs["holidays"] = holidays
    return request_from_strings(inputs)


def check_closed_days(plan: Plan) -> None:
    """No dose still to give on a closed day, unless it says why and a warning names it."""
    why_closed = calendar_for(plan.request).why_closed
    warnings = " ".join(plan.warnings)
    fell_back = "a move would contradict a recorded event" in warnings
    for d in plan.doses:
        why = why_closed(d.date)
        if d.status == "given" or why is None:
            continue
        assert f"{d.label} on {d.date:%a} {d.date.isoformat()}: {why}" in warnings
        assert fell_back or any(n.startswith("left on a closed day") for n in d.notes)
    for a, b in itertools.pairwise(plan.doses):
        assert (b.date - a.date).days >= rules.MIN_DAYS_BETWEEN_DOSES


@given(data=st.data())
@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_after_any_valid_events_no_dose_to_give_sits_unnoticed_on_a_closed_day(
    data: st.DataObject,
) -> None:
    request = data.draw(clinic_requests())
    try:
        plan = plan_course(request)
    except InputError:
        assume(False)  # schedule refuses this calendar: tested in test_clinic.py
        raise
    events: list[Event] = []
    after: date | None = None
    for step in range(data.draw(st.integers(1, 8))):
        candidate = _event(data.draw, plan, after, step + 1)
        if not candidate:
            continue
        try:
            # As `inoplan replan` records them: the newest events strictly.
            plan = replan_history(request, [*events, *candidate], strict=True)
        except InputError as e:
            assert e.message and "\n" not in e.message
            continue
        events += candidate
        after = _event_date(candidate[0], plan) or after
        check_closed_days(plan)
    check_plan(request, events, plan)


@given(data=st.data())
@settings(max_examples=examples(50), deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_recording_doses_as_given_on_their_planned_dates_changes_nothing(
    data: st.DataObject,
) -> None:
    # The re-plan places the doses still to give exactly as schedule did, so a
    # course that goes as planned keeps every date and every calendar event.
    request = data.draw(clinic_requests())
    try:
        plan = plan_course(request)
    except InputError:
        assume(False)
        raise
    k = data.draw(st.integers(1, len(plan.doses)))
    given_opts = [f"{d.label}={d.date.isoformat()}" for d in plan.doses[:k]]
    replanned = replan_history(request, events_from_options([("--given", given_opts)], 1))
    assert [d.date for d in replanned.doses] == [d.date for d in plan.doses]
    assert [d.planned_date for d in replanned.doses] == [d.planned_date for d in plan.doses]
    assert all(d.sequence == 0 for d in replanned.doses)
    assert not any("closed clinic day" in w for w in replanned.warnings)
    assert all(d.status == ("given" if i < k else "planned") for i, d in enumerate(replanned.doses))


@given(data=st.data())
@settings(max_examples=examples(80), deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_arbitrary_events_on_a_clinic_course_are_refused_cleanly_or_keep_the_rules(
    data: st.DataObject,
) -> None:
    # Any events, newest checked strictly (inoplan replan) or not (a saved plan read
    # back): a one-line refusal, or a plan that keeps the rules and the clinic days.
    request = data.draw(clinic_requests())
    options = data.draw(st.lists(any_option(request.start), max_size=6))
    try:
        events = events_from_options([(k, [v]) for k, v in options], 1)
        plan = replan_history(request, events, strict=data.draw(st.booleans()))
    except InputError as e:
        assert e.message and "\n" not in e.message
        return
    check_closed_days(plan)
    check_plan(request, events, plan)
