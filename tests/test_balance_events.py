"""The ``moved`` event ``inoplan balance --apply`` records, as the re-planning engine reads it.

Course: start 2027-01-04, BSA 1.82, response pending (cycle 1 only): C1D1
01-04, C1D8 01-11 (window 01-09..01-13), C1D15 01-18 (window 01-16..01-20).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from inoplan.domain.bsa import given_bsa
from inoplan.domain.errors import InputError
from inoplan.domain.plan import PlanRequest
from inoplan.domain.replan.engine import replan_history
from inoplan.domain.replan.events import event_from_record, event_to_record
from inoplan.domain.rules import Response

REQUEST = PlanRequest(
    start=dt.date(2027, 1, 4), bsa=given_bsa(Decimal("1.82")), response=Response.PENDING
)


def dates(events: list[dict[str, str]]) -> dict[str, dt.date]:
    evs = [event_from_record(r, f"event {n}") for n, r in enumerate(events)]
    plan = replan_history(REQUEST, evs)
    return {d.label: d.date for d in plan.doses}


def test_a_move_dates_the_dose_and_round_trips() -> None:
    record = {"event": "moved", "dose": "C1D8", "date": "2027-01-12", "reason": "chairs"}
    ev = event_from_record(record, "x")
    assert event_to_record(ev) == {**record, "revision": "1"}
    got = dates([record])
    # The day 15 stays: 01-18 is 6 days after 01-12.
    assert got == {
        "C1D1": dt.date(2027, 1, 4),
        "C1D8": dt.date(2027, 1, 12),
        "C1D15": dt.date(2027, 1, 18),
    }


def test_a_later_move_of_the_same_dose_replaces_the_earlier() -> None:
    got = dates(
        [
            {"event": "moved", "dose": "C1D8", "date": "2027-01-12", "revision": "1"},
            {"event": "moved", "dose": "C1D8", "date": "2027-01-10", "revision": "2"},
        ]
    )
    assert got["C1D8"] == dt.date(2027, 1, 10)


def test_day_1_has_no_window_and_is_never_moved() -> None:
    with pytest.raises(InputError, match="C1D1: day 1 has no window"):
        event_from_record({"event": "moved", "dose": "C1D1", "date": "2027-01-05"}, "x")


def test_a_move_that_no_longer_fits_warns_and_the_rules_place_the_dose() -> None:
    # Day 1 given 2 days late (01-06): the cycle moves, day 8 is due 01-13 (window
    # 01-11..01-15) and 01-10 is now outside it and 4 days after day 1.
    evs = [
        event_from_record({"event": "moved", "dose": "C1D8", "date": "2027-01-10"}, "balance"),
        event_from_record(
            {"event": "given", "dose": "C1D1", "date": "2027-01-06", "revision": "2"}, "--given"
        ),
    ]
    plan = replan_history(REQUEST, evs)
    d8 = next(d for d in plan.doses if d.label == "C1D8")
    assert d8.date == dt.date(2027, 1, 13)
    assert any("C1D8: the move to 2027-01-10" in w and "rebook" in w for w in plan.warnings)
