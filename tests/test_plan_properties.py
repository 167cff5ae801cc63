"""Invariants of the spec that hold for any valid input (hypothesis)."""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from inoplan.domain import rules
from inoplan.domain.bsa import given_bsa
from inoplan.domain.plan import Plan, PlanRequest, make_plan
from inoplan.domain.rules import Mrd, Response
from inoplan.export import csv as export_csv
from inoplan.export import json as export_json
from inoplan.export import phrases

bsas = st.integers(min_value=25, max_value=350).map(lambda n: given_bsa(Decimal(n) / 100))


@st.composite
def requests(draw: st.DrawFn) -> PlanRequest:
    response = draw(st.sampled_from(list(Response)))
    hsct = draw(st.booleans())
    mrd = draw(st.sampled_from(list(Mrd)))
    from inoplan.domain.plan import cycle_limit

    # With HSCT intent a third cycle may be asked for (most), when the rules allow it.
    limit = cycle_limit(response, hsct, mrd).most
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


def doses_fall_on_days_1_8_15_of_their_cycle(plan: Plan) -> None:
    for cycle in plan.cycles:
        assert [d.day for d in cycle.doses] == [1, 8, 15]
        for d in cycle.doses:
            assert d.date == cycle.start + timedelta(days=d.day - 1)
            assert d.cycle == cycle.number


def dates_strictly_increase_with_at_least_the_minimum_spacing(plan: Plan) -> None:
    dates = [d.date for d in plan.doses]
    for a, b in itertools.pairwise(dates):
        assert (b - a).days >= rules.MIN_DAYS_BETWEEN_DOSES


def each_cycle_starts_the_day_after_the_previous_ends(plan: Plan) -> None:
    assert plan.cycles[0].start == plan.request.start
    for a, b in itertools.pairwise(plan.cycles):
        assert b.start == a.end + timedelta(days=1)
        assert b.length_days == 28


def cycle_totals_equal_the_regimen(plan: Plan) -> None:
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


def each_dose_is_mg_per_m2_times_bsa_rounded_to_a_hundredth(plan: Plan) -> None:
    for d in plan.doses:
        exact = d.mg_per_m2 * plan.bsa.m2
        assert abs(d.mg - exact) <= Decimal("0.005")
        assert d.mg == d.mg.quantize(Decimal("0.01"))


def cycle_count_is_within_every_limit(plan: Plan) -> None:
    n = len(plan.cycles)
    req = plan.request
    assert 1 <= n <= rules.MAX_CYCLES
    if req.response is Response.PENDING:
        assert n == 1
    if not req.response.is_remission:
        assert n <= rules.MAX_CYCLES_WITHOUT_CR
    if req.hsct:
        assert n <= rules.HSCT_CYCLES_EXTENDED
        # Spec 4 (revised): a third cycle before HSCT only when asked for, and never for
        # CR/CRi with MRD negativity.
        if n == rules.HSCT_CYCLES_EXTENDED:
            assert req.cycles == rules.HSCT_CYCLES_EXTENDED
            assert not (req.response.is_remission and req.mrd is Mrd.NEGATIVE)
    if req.cycles is not None:
        # Pending plans cycle 1 only, whatever was asked for (the rest after the assessment).
        assert n == (1 if req.response is Response.PENDING else req.cycles)


#: The rules every plan keeps, each checked by its own function (a failure names it).
#: One property runs them all on each generated plan: building the plans is the cost.
RULES: tuple[Callable[[Plan], None], ...] = (
    doses_fall_on_days_1_8_15_of_their_cycle,
    dates_strictly_increase_with_at_least_the_minimum_spacing,
    each_cycle_starts_the_day_after_the_previous_ends,
    cycle_totals_equal_the_regimen,
    each_dose_is_mg_per_m2_times_bsa_rounded_to_a_hundredth,
    cycle_count_is_within_every_limit,
)


@given(plans)
def test_every_plan_keeps_every_rule(plan: Plan) -> None:
    for rule in RULES:
        rule(plan)


@given(requests().filter(lambda r: r.hsct).map(lambda r: r._replace(cycles=None)))
def test_no_hsct_plan_without_cycles_has_more_than_two(request: PlanRequest) -> None:
    """Spec 4 (revised): with --hsct and no --cycles, at most 2 cycles, whatever the MRD."""
    plan = make_plan(request)
    assert len(plan.cycles) <= rules.HSCT_CYCLES
    assert "2 cycles recommended before HSCT" in plan.limit.reason


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


def _texts_of_every_format(plan: Plan) -> dict[str, str]:
    """The plan in every output format, as text (ICS unfolded, so a phrase is not cut)."""
    from inoplan.export import fhir as export_fhir
    from inoplan.export import html as export_html
    from inoplan.export import ics as export_ics
    from inoplan.render.plan import print_plan, text_console

    console = text_console(record=True)
    print_plan(plan, console)
    options = export_ics.options_from_strings(uid_key=b"k" * 32)
    ics = export_ics.render(plan, options).decode("utf-8")
    out = {
        "table": " ".join(console.export_text().split()),
        "json": export_json.render(plan),
        "csv": export_csv.render(plan),
        "fhir": export_fhir.render(plan),
        "ics": ics.replace("\r\n ", "")
        .replace("\\n", "\n")
        .replace("\\,", ",")
        .replace("\\;", ";"),
        "html-clinician": export_html.render(plan, audience="clinician"),
    }
    for lang in export_html.LANGS:
        out[f"html-patient-{lang}"] = export_html.render(plan, audience="patient", lang=lang)
    return out


@settings(max_examples=20, deadline=None)
@given(plans)
def test_every_format_carries_the_boxed_warning(plan: Plan) -> None:
    """Spec 4a: the boxed warning in every output; the patient's in plain words."""
    from html import escape

    from inoplan.export import html as export_html

    texts = _texts_of_every_format(plan)
    title = rules.BOXED_WARNING_TITLE
    assert "BOXED WARNING" in texts["table"]
    assert "Hepatotoxicity, including hepatic veno-occlusive disease (VOD/SOS)" in texts["table"]
    data = json.loads(texts["json"])
    assert data["boxed_warning"]["title"] == title
    keys = [p["key"] for p in data["boxed_warning"]["points"]]
    assert keys[: len(rules.BOXED_WARNING)] == [r.key for r in rules.BOXED_WARNING]
    assert ("hsct" in keys) == plan.request.hsct
    assert ("many_cycles" in keys) == (len(plan.cycles) >= 3)
    rows = list(csv.DictReader(io.StringIO(texts["csv"])))
    assert rows and all(r["boxed_warning"].startswith(title) for r in rows)
    bundle = json.loads(texts["fhir"])
    care_plans = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "CarePlan"
    ]
    assert care_plans and all(c["note"][0]["text"].startswith(title) for c in care_plans)
    assert texts["ics"].count(f"{title}: see the plan.") == len(plan.doses)
    assert escape(title) in texts["html-clinician"]
    for lang in export_html.LANGS:
        # The liver watch's duration (8 weeks) is filled in from the rules.
        watch = export_html.PHRASES[lang]["liver_watch"].format(**phrases.quantities(lang))
        plain = escape(watch)
        assert plain in texts[f"html-patient-{lang}"]
