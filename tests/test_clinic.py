"""Clinic days: doses on closed days moved inside their windows (spec section 3).

Every expected date is worked out by hand from the calendar and the spec:
day 8 and day 15 may move +/- 2 days, day 1 does not have a window, and
consecutive doses stay at least 6 days apart, across cycles too.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from inoplan.cli.app import app
from inoplan.domain.bsa import given_bsa
from inoplan.domain.clinic import (
    ClinicCalendar,
    apply_clinic_days,
    check_clinic_days,
)
from inoplan.domain.clinic_days import format_clinic_days, parse_clinic_days
from inoplan.domain.errors import InputError
from inoplan.domain.plan import Plan, PlanRequest, make_plan
from inoplan.domain.rules import Response
from tests.conftest import examples

MON_FRI = frozenset(range(5))


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), prog_name="inoplan")


def plan_for(start: date, response: Response = Response.CR, cycles: int = 2) -> Plan:
    return make_plan(
        PlanRequest(start=start, bsa=given_bsa(Decimal("1.82")), response=response, cycles=cycles)
    )


def dates(plan: Plan) -> list[date]:
    return [d.date for d in plan.doses]


# --- parsing -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("mon-fri", {0, 1, 2, 3, 4}),
        ("mon,wed,fri", {0, 2, 4}),
        ("Mon-Wed,Fri", {0, 1, 2, 4}),
        ("tuesday,thursday", {1, 3}),
        ("sat-sun", {5, 6}),
        ("all", set(range(7))),
    ],
)
def test_clinic_days_syntax(text: str, days: set[int]) -> None:
    assert parse_clinic_days(text) == frozenset(days)


@pytest.mark.parametrize("text", ["mon-fro", "fri-mon", "mon,,fri", "", "1-5"])
def test_bad_clinic_days_are_refused(text: str) -> None:
    with pytest.raises(InputError, match="--clinic-days"):
        parse_clinic_days(text)


def test_clinic_days_print_back_compactly() -> None:
    assert format_clinic_days({0, 1, 2, 3, 4}) == "mon-fri"
    assert format_clinic_days({0, 2, 4}) == "mon,wed,fri"
    assert format_clinic_days({0, 1, 2, 4}) == "mon-wed,fri"


# --- realistic courses, worked by hand ---------------------------------------------


def test_day_8_on_christmas_in_bavaria_moves_to_thursday() -> None:
    # C1D1 Fri 2026-12-18; C1D8 due Fri 2026-12-25 (Christmas Day, DE-BY).
    # Window 12-23..12-27: Wed 12-23 is only 5 days after day 1 (refused); Thu
    # 12-24 is open (Christmas Eve is no public holiday in Germany) and 6 days
    # after day 1; Sat 12-26 is a holiday; Sun 12-27 closed -> Thu 12-24.
    # C1D15 due Fri 2027-01-01 (New Year): Thu 12-31 (-1) is nearer than Wed
    # 12-30 (-2) -> Thu 12-31, 7 days after 12-24.
    # C2D1 = 12-18 + 21 = Fri 2027-01-08, 8 days after 12-31: not moved.
    cal = ClinicCalendar.from_options(MON_FRI, "DE-BY")
    plan = apply_clinic_days(plan_for(date(2026, 12, 18)), cal.why_closed)
    assert dates(plan) == [
        date(2026, 12, 18),
        date(2026, 12, 24),
        date(2026, 12, 31),
        date(2027, 1, 8),
        date(2027, 1, 15),
        date(2027, 1, 22),
    ]
    d8 = plan.doses[1]
    assert d8.planned_date == date(2026, 12, 25)
    assert "Christmas Day" in d8.notes[0] and "1 day earlier" in d8.notes[0]
    assert plan.doses[2].planned_date == date(2027, 1, 1)
    assert plan.doses[0].planned_date is None and plan.doses[0].notes == ()
    # totals unchanged: 0.8 + 0.5 + 0.5 = 1.8 and 3 x 0.5 = 1.5 mg/m2
    assert [c.total_mg_per_m2 for c in plan.cycles] == [Decimal("1.8"), Decimal("1.5")]


def test_day_8_on_us_independence_day_observed() -> None:
    # 2026-07-04 is a Saturday; the US federal holiday is observed Fri 07-03.
    # C1D1 Fri 2026-06-26, C1D8 due Fri 07-03: Wed 07-01 is 5 days after day 1
    # (refused), Thu 07-02 is open and 6 days after -> Thu 07-02.
    cal = ClinicCalendar.from_options(MON_FRI, "US")
    plan = apply_clinic_days(plan_for(date(2026, 6, 26), cycles=1), cal.why_closed)
    assert dates(plan)[:2] == [date(2026, 6, 26), date(2026, 7, 2)]
    assert "Independence Day" in plan.doses[1].notes[0]


def test_friday_holiday_cannot_drift_to_monday() -> None:
    # An infusion centre open Mon, Tue, Wed and Fri; C1D1 Fri 2026-12-18.
    # C1D8 due Fri 12-25 (Christmas, DE-BY). The next open day is Mon 12-28,
    # 3 days late: outside the +/-2 window. Inside it, Wed 12-23 is 5 days after
    # day 1 (would break the 6-day spacing), Thu 12-24 is not a clinic day,
    # Sat 12-26 is a holiday, Sun 12-27 closed: the dose cannot be placed.
    cal = ClinicCalendar.from_options(parse_clinic_days("mon-wed,fri"), "DE-BY")
    with pytest.raises(InputError) as err:
        apply_clinic_days(plan_for(date(2026, 12, 18)), cal.why_closed)
    msg = err.value.message
    assert "C1D8" in msg and "2026-12-23 to 2026-12-27" in msg
    assert "5 days after C1D1" in msg
    assert "Second Day of Christmas" in msg or "2026-12-26 closed" in msg


def test_day_1_on_a_weekend_moves_the_whole_cycle() -> None:
    # Start Sat 2026-12-19, clinic Mon-Fri: day 1 -> Mon 12-21 (Sat and Sun
    # closed) and the cycle moves with it: D8 Mon 12-28, D15 Mon 2027-01-04.
    # Cycle 2 follows 21 days after the moved day 1: Mon 2027-01-11.
    cal = ClinicCalendar.from_options(MON_FRI, None)
    plan = apply_clinic_days(plan_for(date(2026, 12, 19)), cal.why_closed)
    assert dates(plan) == [
        date(2026, 12, 21),
        date(2026, 12, 28),
        date(2027, 1, 4),
        date(2027, 1, 11),
        date(2027, 1, 18),
        date(2027, 1, 25),
    ]
    assert plan.cycles[0].start == date(2026, 12, 21)
    assert plan.cycles[0].length_days == 21
    assert plan.doses[0].planned_date == date(2026, 12, 19)
    assert "the cycle moves with it" in plan.doses[0].notes[0]
    assert "cycle 1 starts 2 days later" in plan.doses[1].notes[0]
    # The request keeps what the user asked for.
    assert plan.request.start == date(2026, 12, 19)


def test_tie_goes_to_the_later_day_and_spacing_moves_day_15() -> None:
    # US, Mon-Fri. C1D1 Wed 2024-12-18. C1D8 due Wed 12-25 (Christmas): Tue
    # 12-24 and Thu 12-26 are both 1 day away -> the later one, Thu 12-26
    # (7 days after day 1 rather than 6).
    # C1D15 due Wed 2025-01-01 (New Year): Tue 12-31 is 1 day away but only 5
    # days after 12-26 (refused); Thu 01-02 is 1 day away and 7 days after -> 01-02.
    # C2D1 due 12-18 + 21 = Wed 2025-01-08, 6 days after 01-02: not moved.
    cal = ClinicCalendar.from_options(MON_FRI, "US")
    plan = apply_clinic_days(plan_for(date(2024, 12, 18)), cal.why_closed)
    assert dates(plan)[:4] == [
        date(2024, 12, 18),
        date(2024, 12, 26),
        date(2025, 1, 2),
        date(2025, 1, 8),
    ]
    assert "1 day later" in plan.doses[1].notes[0]


def test_day_15_moved_late_pushes_the_next_cycle() -> None:
    # A clinic open Mon-Sat, DE-BY. C1D1 Sat 2026-12-12, C1D8 Sat 12-19.
    # C1D15 due Sat 12-26 (Second Day of Christmas): Thu 12-24 is 5 days after
    # C1D8 (refused), Fri 12-25 Christmas, Sun 12-27 closed, Mon 12-28 open
    # (+2) -> day 17.
    # C2D1 due 12-12 + 21 = Sat 2027-01-02, only 5 days after 12-28: kept 6
    # days after -> Sun 01-03, closed -> Mon 01-04. Cycle 1 then lasts 23 days
    # (12-12 to 01-03); cycle 2: D8 Mon 01-11, D15 Mon 01-18.
    cal = ClinicCalendar.from_options(parse_clinic_days("mon-sat"), "DE-BY")
    plan = apply_clinic_days(plan_for(date(2026, 12, 12)), cal.why_closed)
    assert dates(plan) == [
        date(2026, 12, 12),
        date(2026, 12, 19),
        date(2026, 12, 28),
        date(2027, 1, 4),
        date(2027, 1, 11),
        date(2027, 1, 18),
    ]
    assert plan.cycles[0].length_days == 23
    assert plan.cycles[1].start == date(2027, 1, 4)
    c2d1 = plan.doses[3]
    assert c2d1.planned_date == date(2027, 1, 2)
    assert "kept 6 days after C1D15 (2026-12-28)" in c2d1.notes[0]
    assert any("cycle 1 lasts 23 days instead of 21" in n for n in plan.notes)
    assert check_clinic_days(plan, cal.why_closed) == []


def test_every_day_open_changes_nothing() -> None:
    plan = plan_for(date(2026, 12, 19))
    assert apply_clinic_days(plan, lambda d: None) == plan


# --- properties ------------------------------------------------------------------


@settings(max_examples=examples(120), deadline=None)
@given(
    start=st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)),
    weekdays=st.frozensets(st.integers(0, 6), min_size=1),
    closed_offsets=st.frozensets(st.integers(0, 200), max_size=25),
    response=st.sampled_from([Response.CR, Response.NONE, Response.PENDING]),
    first=st.sampled_from([21, 28]),
)
def test_moves_keep_every_rule_or_refuse(
    start: date,
    weekdays: frozenset[int],
    closed_offsets: frozenset[int],
    response: Response,
    first: int,
) -> None:
    closed = {start + timedelta(days=n) for n in closed_offsets}

    def why(d: date) -> str | None:
        if d in closed:
            return "closed"
        return None if d.weekday() in weekdays else "weekend"

    base = make_plan(
        PlanRequest(
            start=start, bsa=given_bsa(Decimal("1.82")), response=response, first_cycle_days=first
        )
    )
    try:
        moved = apply_clinic_days(base, why)
    except InputError as e:
        assert e.field == "--clinic-days"
        assert "cannot be placed" in e.message or "no open day" in e.message
        return
    # every dose on an open day, inside its window, >= 6 days apart, cycles back to back
    assert check_clinic_days(moved, why) == []
    # the same doses, in the same order, with the same amounts
    assert [(d.label, d.mg_per_m2, d.mg) for d in moved.doses] == [
        (d.label, d.mg_per_m2, d.mg) for d in base.doses
    ]
    assert moved.cumulative_mg_per_m2 == base.cumulative_mg_per_m2
    # a day 1 never moves earlier; every moved dose records its planned date and why
    assert moved.doses[0].date >= base.doses[0].date
    for old, new in zip(base.doses, moved.doses, strict=True):
        if old.date != new.date:
            assert new.planned_date == old.date and new.notes
        else:
            assert new.planned_date is None and not new.notes


@settings(max_examples=examples(50), deadline=None)
@given(
    start=st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)),
)
def test_a_weekday_clinic_always_places_a_course_with_no_holidays(start: date) -> None:
    # With Mon-Fri open and no holidays, a dose due at a weekend can always go to
    # the Friday before or the Monday after (both within 2 days).
    plan = apply_clinic_days(plan_for(start, cycles=2), ClinicCalendar(MON_FRI).why_closed)
    assert all(d.date.weekday() < 5 for d in plan.doses)


# --- the command line -------------------------------------------------------------

XMAS = (
    "schedule", "--start", "2026-12-18", "--bsa", "1.82", "--response", "cr",
    "--cycles", "2", "--clinic-days", "mon-fri", "--holidays", "de-by",
)  # fmt: skip


def test_json_shows_planned_and_moved_dates() -> None:
    result = run(*XMAS, "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    d8 = data["cycles"][0]["doses"][1]
    assert d8["date"] == "2026-12-24" and d8["planned_date"] == "2026-12-25"
    assert "Christmas Day" in d8["notes"][0]
    assert "planned_date" not in data["cycles"][0]["doses"][0]
    assert data["inputs"]["clinic_days"] == "mon-fri"
    assert data["inputs"]["holidays"] == "de-by"
    assert "clinic days: mon-fri; closed on public holidays in DE-BY" in data["notes"]


def test_csv_has_planned_date_and_notes_columns() -> None:
    result = run(*XMAS, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows[1]["date"] == "2026-12-24" and rows[1]["planned_date"] == "2026-12-25"
    assert "Christmas Day" in rows[1]["notes"]
    assert rows[0]["planned_date"] == "" and rows[0]["notes"] == ""


def test_table_lists_the_moves() -> None:
    result = run(*XMAS)
    assert result.exit_code == 0, result.stderr
    out = " ".join(result.stdout.split())
    assert "planned 2026-12-25" in out
    assert "moved from Fri 2026-12-25 to Thu 2026-12-24" in out.replace("│ ", "")


def test_csv_of_an_unmoved_plan_has_the_same_header_and_no_moves() -> None:
    # Every day open: nothing moves, so planned_date and notes stay empty.
    result = run("schedule", "--start", "2026-12-18", "--bsa", "1.82", "--cycles", "1",
                 "--format", "csv")  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["planned_date"], r["notes"]) for r in rows] == [("", "")] * 3


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--clinic-days", "mon-fro"), "--clinic-days: 'mon-fro'"),
        (("--holidays", "QQ"), "--holidays: 'QQ' is not a country"),
        (("--holidays", "DE-XX"), "--holidays: 'XX' is not a subdivision of DE"),
        (("--clinic-days", "mon-wed,fri", "--holidays", "DE-BY"), "C1D8 (due 2026-12-25)"),
    ],
)
def test_bad_clinic_input_is_one_line_and_writes_nothing(
    args: tuple[str, ...], words: str, tmp_path: Path
) -> None:
    out = tmp_path / "plan.json"
    result = run(
        "schedule", "--start", "2026-12-18", "--bsa", "1.82", "--cycles", "1", *args,
        "--format", "json", "-o", str(out),
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert words in result.stderr
    assert not out.exists()


def test_a_tie_prefers_the_day_that_keeps_the_next_cycle_on_time() -> None:
    # Cycle 1 from Mon 2026-01-05 (day n = 01-05 + n - 1), every day open except
    # day 8 (01-12), day 9 (01-13) and days 14-16 (01-18..01-20).
    # Day 8: day 6 is 5 days after day 1 (refused), 8 and 9 closed, day 7 (-1)
    # beats day 10 (+2) -> 01-11.
    # Day 15: days 13 (-2) and 17 (+2) tie. Day 17 (01-21) would sit 5 days
    # before C2D1 (day 22, 01-26) and delay cycle 2; day 13 (01-17) is 6 days
    # after 01-11 -> day 13, and cycle 2 starts on time.
    closed = {date(2026, 1, 12), date(2026, 1, 13)} | {date(2026, 1, d) for d in (18, 19, 20)}
    plan = apply_clinic_days(
        plan_for(date(2026, 1, 5)), lambda d: "closed" if d in closed else None
    )
    assert dates(plan)[:4] == [
        date(2026, 1, 5),
        date(2026, 1, 11),
        date(2026, 1, 17),
        date(2026, 1, 26),
    ]
    assert "2 days earlier" in plan.doses[2].notes[0]


def test_a_saved_plan_is_rebuilt_with_its_clinic_moves(tmp_path: Path) -> None:
    from inoplan.inputs.saved_plan import plan_from_data, read_plan_json

    saved = tmp_path / "plan.json"
    assert run(*XMAS, "--format", "json", "-o", str(saved)).exit_code == 0
    plan = plan_from_data(read_plan_json(saved))
    # The same dates as when saved: C1D8 on Thu 2026-12-24, not Christmas Day.
    assert dates(plan)[1:3] == [date(2026, 12, 24), date(2026, 12, 31)]
    assert plan.doses[1].planned_date == date(2026, 12, 25)
