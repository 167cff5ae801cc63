"""Properties of a re-planned course after any sequence of valid events.

Events are recorded the way a clinic records them: in date order, each one
about a dose still ahead, each in its own re-plan (revision). An event that
the rules refuse is dropped (refusals are tested by hand in test_replan.py);
whatever is accepted must leave a plan that keeps the spec's rules.
"""

from __future__ import annotations

import itertools
import json
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inoplan.domain import rules
from inoplan.domain.errors import InputError
from inoplan.domain.plan import Plan, PlanRequest
from inoplan.domain.replan.engine import replan_history
from inoplan.domain.replan.event_values import DoseRef
from inoplan.domain.replan.events import (
    Assessment,
    Discontinuation,
    Event,
    Given,
    Held,
    Interruption,
)
from inoplan.export import json as export_json
from inoplan.inputs.event_files import events_from_options
from inoplan.inputs.plan_request import request_from_strings
from inoplan.inputs.saved_plan import plan_from_data
from tests.conftest import examples


@st.composite
def requests(draw: st.DrawFn) -> PlanRequest:
    start = draw(st.dates(date(2025, 1, 1), date(2030, 12, 31)))
    bsa = draw(st.decimals(Decimal("0.5"), Decimal("3.0"), places=2))
    return request_from_strings(
        {
            "start": start.isoformat(),
            "bsa": str(bsa),
            "response": draw(st.sampled_from(["pending", "none", "cr", "cri"])),
            "hsct": draw(st.sampled_from(["yes", "no"])),
            "mrd": draw(st.sampled_from(["negative", "positive", "unknown"])),
            "first_cycle_days": draw(st.sampled_from(["21", "28"])),
        }
    )


def _event(draw: st.DrawFn, plan: Plan, after: date | None, revision: int) -> list[Event]:
    ahead = [d for d in plan.doses if after is None or d.date > after]
    if not ahead:
        return []
    dose = ahead[draw(st.integers(0, min(2, len(ahead) - 1)))]
    kind = draw(
        st.sampled_from(
            [
                "given",
                "given",
                "given",
                "held",
                "interrupt",
                "interrupt",
                "assessment",
                "discontinue",
            ]
        )
    )
    label, when = dose.label, dose.date
    if kind == "given":
        shift = draw(st.integers(0, 3) if dose.day == 1 else st.integers(-2, 2))
        opt = ("--given", f"{label}={(when + timedelta(days=shift)).isoformat()}")
    elif kind == "held":
        if dose.day == 1:
            return []
        opt = ("--held", f"{label}=toxicity")
    elif kind == "interrupt":
        opt = ("--interrupt", f"{label}={draw(st.integers(1, 35))}")
    elif kind == "assessment":
        day = when - timedelta(days=draw(st.integers(0, 5)))
        resp = draw(st.sampled_from(["none", "cr", "cri"]))
        opt = (
            "--assessment",
            f"{day.isoformat()}={resp}:{draw(st.sampled_from(['negative', 'positive']))}",
        )
    else:
        opt = (
            "--discontinue",
            f"{(when + timedelta(days=draw(st.integers(0, 3)))).isoformat()}=VOD",
        )
    return events_from_options([(opt[0], [opt[1]])], revision)


def _event_date(ev: Event, plan: Plan) -> date | None:
    if isinstance(ev, (Given, Assessment, Discontinuation)):
        return ev.date
    if isinstance(ev, (Held, Interruption)):
        every = {(d.cycle, d.day): d.date for d in (*plan.doses, *plan.omitted)}
        return every.get((ev.dose.cycle, ev.dose.day))
    return None


@given(data=st.data())
@settings(max_examples=examples(80), deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_valid_sequence_of_events_keeps_the_rules(data: st.DataObject) -> None:
    request = data.draw(requests())
    events: list[Event] = []
    if data.draw(st.booleans()):
        events += events_from_options(
            [("--two-dose-days", [data.draw(st.sampled_from(["1,8", "1,15", "8,15"]))])], 1
        )
    plan = replan_history(request, events)
    after: date | None = None
    for step in range(data.draw(st.integers(0, 12))):
        candidate = _event(data.draw, plan, after, step + 1)
        if not candidate:
            continue
        try:
            plan = replan_history(request, [*events, *candidate])
        except InputError:
            continue
        events += candidate
        after = _event_date(candidate[0], plan) or after
    check_plan(request, events, plan)


def check_plan(request: PlanRequest, events: list[Event], plan: Plan) -> None:
    doses = plan.doses
    assert doses, "a plan always keeps at least one dose"
    # Spacing: strictly increasing dates, at least 6 days apart, across cycles too.
    for a, b in itertools.pairwise(doses):
        assert (b.date - a.date).days >= rules.MIN_DAYS_BETWEEN_DOSES, (a.label, b.label)
    # Cycles: numbered 1..n, starting in order, never shorter than planned.
    assert [c.number for c in plan.cycles] == list(range(1, len(plan.cycles) + 1))
    assert len(plan.cycles) <= rules.MAX_CYCLES
    # A cycle already started when the limit dropped stays, with a warning.
    if len(plan.cycles) > plan.limit.cycles:
        assert any("clinician's decision" in w for w in plan.warnings)
    for c, nxt in zip(plan.cycles, plan.cycles[1:], strict=False):
        planned_len = request.first_cycle_days if c.number == 1 else c.regimen.length_days
        assert (nxt.start - c.start).days >= planned_len
    reduced_seen = False
    long_interruption = any(isinstance(e, Interruption) and e.days >= 14 for e in events)
    for c in plan.cycles:
        assert c.total_mg_per_m2 <= c.regimen.total_mg_per_m2
        for d in c.doses:
            # Windows: day 1 is the cycle's start; days 8/15 within +/- 2 days,
            # unless a delay pushed it out, which the dose then says.
            nominal = c.start + timedelta(days=d.day - 1)
            if d.day == 1:
                assert d.date == c.start
            elif abs((d.date - nominal).days) > rules.DOSE_WINDOW_DAYS[d.day]:
                assert d.date > nominal and any("outside its window" in n for n in d.notes)
            # Milligrams: mg/m2 x BSA, half-up to 0.01 mg.
            assert d.mg == (d.mg_per_m2 * request.bsa.m2).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP
            )
            full = c.regimen.mg_per_m2[d.day]
            # Full or 25% less; once reduced, never re-escalated.
            if d.mg_per_m2 == full and not reduced_seen:
                continue
            assert long_interruption
            assert d.mg_per_m2 == full * rules.REDUCED_TOTAL_FRACTION
            reduced_seen = True
    # Recorded events are honoured.
    by_ref = {DoseRef(d.cycle, d.day): d for d in doses}
    gone = {DoseRef(d.cycle, d.day) for d in plan.omitted}
    for e in events:
        if isinstance(e, Given):
            assert by_ref[e.dose].date == e.date and by_ref[e.dose].status == "given"
        elif isinstance(e, Held):
            assert e.dose in gone and e.dose not in by_ref
        elif isinstance(e, Discontinuation):
            assert all(d.date < e.date for d in doses)
    remission = any(isinstance(e, Assessment) and e.response.is_remission for e in events)
    if not remission and not request.response.is_remission:
        assert len(plan.cycles) <= rules.MAX_CYCLES_WITHOUT_CR
    if plan.limit.cycles >= len(plan.cycles):
        assert not any("clinician's decision" in w for w in plan.warnings)
    # The saved plan stands for itself: re-read and rebuilt, it is the same text.
    text = export_json.render(plan)
    assert export_json.render(plan_from_data(json.loads(text))) == text


@st.composite
def any_option(draw: st.DrawFn, start: date) -> tuple[str, str]:
    label = f"C{draw(st.integers(1, 7))}D{draw(st.sampled_from([1, 8, 15]))}"
    day = (start + timedelta(days=draw(st.integers(-5, 260)))).isoformat()
    kind = draw(
        st.sampled_from(
            ["--given", "--held", "--interrupt", "--assessment", "--hsct-decision", "--discontinue"]
        )
    )
    value = {
        "--given": f"{label}={day}",
        "--held": f"{label}=fever",
        "--interrupt": f"{label}={draw(st.integers(1, 40))}",
        "--assessment": f"{day}={draw(st.sampled_from(['none', 'cr', 'cri']))}",
        "--hsct-decision": f"{day}={draw(st.sampled_from(['yes', 'no']))}",
        "--discontinue": f"{day}=VOD",
    }[kind]
    return kind, value


@given(data=st.data())
@settings(max_examples=examples(120), deadline=None)
def test_arbitrary_events_are_refused_cleanly_or_keep_the_rules(data: st.DataObject) -> None:
    request = data.draw(requests())
    options = data.draw(st.lists(any_option(request.start), max_size=6))
    try:
        events = events_from_options([(k, [v]) for k, v in options], 1)
        plan = replan_history(request, events)
    except InputError as e:
        assert e.message and "\n" not in e.message
        return
    check_plan(request, events, plan)
