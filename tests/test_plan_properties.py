"""Invariants of the spec that hold for any valid input (hypothesis)."""

from __future__ import annotations

import csv
import io
import itertools
import json
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from inoplan import rules
from inoplan.bsa import given_bsa
from inoplan.export import csv as export_csv
from inoplan.export import json as export_json
from inoplan.plan import Plan, PlanRequest, make_plan
from inoplan.rules import Mrd, Response

bsas = st.integers(min_value=25, max_value=350).map(lambda n: given_bsa(Decimal(n) / 100))


@st.composite
def requests(draw: st.DrawFn) -> PlanRequest:
    response = draw(st.sampled_from(list(Response)))
    hsct = draw(st.booleans())
    mrd = draw(st.sampled_from(list(Mrd)))
    from inoplan.plan import cycle_limit

    limit = cycle_limit(response, hsct, mrd).cycles
    cycles = draw(st.none() | st.integers(min_value=1, max_value=limit))
    return PlanRequest(
        start=draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))),
        bsa=draw(bsas),
        response=response,
        hsct=hsct,
        mrd=mrd,
        cycles=cycles,
        first_cycle_days=draw(st.sampled_from(rules.FIRST_CYCLE_LENGTHS)),
    )


plans = requests().map(make_plan)


@given(plans)
def test_doses_fall_on_days_1_8_15_of_their_cycle(plan: Plan) -> None:
    for cycle in plan.cycles:
        assert [d.day for d in cycle.doses] == [1, 8, 15]
        for d in cycle.doses:
            assert d.date == cycle.start + timedelta(days=d.day - 1)
            assert d.cycle == cycle.number


@given(plans)
def test_dates_strictly_increase_with_at_least_the_minimum_spacing(plan: Plan) -> None:
    dates = [d.date for d in plan.doses]
    for a, b in itertools.pairwise(dates):
        assert (b - a).days >= rules.MIN_DAYS_BETWEEN_DOSES


@given(plans)
def test_each_cycle_starts_the_day_after_the_previous_ends(plan: Plan) -> None:
    assert plan.cycles[0].start == plan.request.start
    for a, b in itertools.pairwise(plan.cycles):
        assert b.start == a.end + timedelta(days=1)
        assert b.length_days == 28


@given(plans)
def test_cycle_totals_equal_the_regimen(plan: Plan) -> None:
    for cycle in plan.cycles:
        if cycle.number == 1:
            expected = Decimal("1.8")
        elif plan.request.response.is_remission:
            expected = Decimal("1.5")
        else:
            expected = Decimal("1.8")
        assert cycle.total_mg_per_m2 == expected
        # days 8 and 15 are always 0.5 mg/m2
        assert [d.mg_per_m2 for d in cycle.doses][1:] == [Decimal("0.5")] * 2


@given(plans)
def test_each_dose_is_mg_per_m2_times_bsa_rounded_to_a_hundredth(plan: Plan) -> None:
    for d in plan.doses:
        exact = d.mg_per_m2 * plan.bsa.m2
        assert abs(d.mg - exact) <= Decimal("0.005")
        assert d.mg == d.mg.quantize(Decimal("0.01"))


@given(plans)
def test_cycle_count_is_within_every_limit(plan: Plan) -> None:
    n = len(plan.cycles)
    req = plan.request
    assert 1 <= n <= rules.MAX_CYCLES
    if req.response is Response.PENDING:
        assert n == 1
    if not req.response.is_remission:
        assert n <= rules.MAX_CYCLES_WITHOUT_CR
    if req.hsct:
        assert n <= rules.HSCT_CYCLES_EXTENDED
    if req.cycles is not None:
        assert n == req.cycles


@settings(max_examples=50)
@given(plans)
def test_json_and_csv_describe_the_same_doses(plan: Plan) -> None:
    data = json.loads(export_json.render(plan))
    from_json = [
        (d["cycle"], d["day"], d["date"], Decimal(str(d["mg_per_m2"])), Decimal(str(d["mg"])))
        for c in data["cycles"]
        for d in c["doses"]
    ]
    rows = list(csv.DictReader(io.StringIO(export_csv.render(plan))))
    from_csv = [
        (int(r["cycle"]), int(r["day"]), r["date"], Decimal(r["mg_per_m2"]), Decimal(r["dose_mg"]))
        for r in rows
    ]
    assert from_json == from_csv
    assert len(from_csv) == len(plan.doses)
    assert Decimal(str(data["cumulative_mg"])) == sum((r[4] for r in from_csv), Decimal(0))
