"""The planner against the spec, with every expectation worked out by hand."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from inoplan.domain.bsa import given_bsa
from inoplan.domain.errors import InputError
from inoplan.domain.plan import PlanRequest, make_plan, weekday
from inoplan.domain.rules import Mrd, Response

D = Decimal


def request(**kw: object) -> PlanRequest:
    base: dict[str, object] = {"start": date(2026, 12, 1), "bsa": given_bsa(D("1.82"))}
    base.update(kw)
    return PlanRequest(**base)  # type: ignore[arg-type]


def test_cr_course_of_six_cycles_worked_by_hand() -> None:
    plan = make_plan(request(response=Response.CR))
    # Cycle 1 is 21 days from 2026-12-01; cycles 2-6 are 28 days each:
    # C2 2026-12-22, C3 2027-01-19, C4 2027-02-16, C5 2027-03-16, C6 2027-04-13.
    assert [c.start for c in plan.cycles] == [
        date(2026, 12, 1),
        date(2026, 12, 22),
        date(2027, 1, 19),
        date(2027, 2, 16),
        date(2027, 3, 16),
        date(2027, 4, 13),
    ]
    assert [c.length_days for c in plan.cycles] == [21, 28, 28, 28, 28, 28]
    # C1 ends on day 21 = 2026-12-21; C6 ends 2027-04-13 + 27 = 2027-05-10
    assert plan.cycles[0].end == date(2026, 12, 21)
    assert plan.cycles[-1].end == date(2027, 5, 10)
    # 0.8 x 1.82 = 1.456 -> 1.46 mg; 0.5 x 1.82 = 0.91 mg
    c1 = plan.cycles[0].doses
    assert [(d.day, d.mg_per_m2, d.mg) for d in c1] == [
        (1, D("0.8"), D("1.46")),
        (8, D("0.5"), D("0.91")),
        (15, D("0.5"), D("0.91")),
    ]
    # with CR, later cycles are 0.5 on all three days
    assert all(d.mg_per_m2 == D("0.5") for c in plan.cycles[1:] for d in c.doses)
    # 1.8 + 5 x 1.5 = 9.3 mg/m2 (the spec's example); 1.46 + 17 x 0.91 = 16.93 mg
    assert plan.cumulative_mg_per_m2 == D("9.3")
    assert plan.cumulative_mg == D("16.93")
    assert plan.limit.cycles == 6
    # last dose is C6D15 = 2027-04-13 + 14 = 2027-04-27
    assert plan.last_dose == date(2027, 4, 27)


def test_no_cr_course_is_three_cycles_of_1_8() -> None:
    plan = make_plan(request(response=Response.NONE))
    # without CR/CRi: at most 3 cycles, every cycle 0.8/0.5/0.5 = 1.8; 3 x 1.8 = 5.4 mg/m2
    assert len(plan.cycles) == 3
    assert [c.total_mg_per_m2 for c in plan.cycles] == [D("1.8")] * 3
    assert plan.cumulative_mg_per_m2 == D("5.4")
    # 3 x (1.46 + 0.91 + 0.91) = 3 x 3.28 = 9.84 mg
    assert plan.cumulative_mg == D("9.84")
    assert "3 cycles should discontinue" in plan.limit.reason


def test_cri_counts_as_remission() -> None:
    plan = make_plan(request(response=Response.CRI))
    assert len(plan.cycles) == 6
    assert plan.cycles[1].total_mg_per_m2 == D("1.5")  # 0.5 + 0.5 + 0.5


def test_pending_plans_cycle_one_only_and_says_why() -> None:
    plan = make_plan(request())
    assert len(plan.cycles) == 1
    assert plan.cycles[0].length_days == 21
    assert "response pending" in plan.limit.reason
    assert "assessment" in plan.limit.reason


# Spec section 4 (revised): with --hsct, 2 cycles whatever the MRD status; a third only
# when asked for (--cycles 3), and never for CR/CRi with MRD negativity.
@pytest.mark.parametrize(
    ("response", "mrd"),
    [
        (Response.CR, Mrd.NEGATIVE),
        (Response.CRI, Mrd.POSITIVE),
        (Response.CR, Mrd.POSITIVE),
        (Response.NONE, Mrd.UNKNOWN),
        (Response.NONE, Mrd.NEGATIVE),
        (Response.CR, Mrd.UNKNOWN),
    ],
)
def test_hsct_plans_two_cycles_by_default(response: Response, mrd: Mrd) -> None:
    plan = make_plan(request(response=response, hsct=True, mrd=mrd))
    assert len(plan.cycles) == 2
    assert "2 cycles recommended before HSCT" in plan.limit.reason


@pytest.mark.parametrize(
    ("response", "mrd"),
    [
        (Response.CRI, Mrd.POSITIVE),  # CR/CRi but MRD positive
        (Response.CR, Mrd.UNKNOWN),  # MRD negativity not shown
        (Response.NONE, Mrd.UNKNOWN),  # no CR/CRi
        (Response.NONE, Mrd.NEGATIVE),  # MRD negative without CR/CRi is still not "CR/CRi and
    ],  # MRD negativity"
)
def test_hsct_third_cycle_when_asked_and_not_cr_with_mrd_negativity(
    response: Response, mrd: Mrd
) -> None:
    two = make_plan(request(response=response, hsct=True, mrd=mrd))
    assert "a third may be considered (label)" in two.limit.reason
    assert two.limit.most == 3
    plan = make_plan(request(response=response, hsct=True, mrd=mrd, cycles=3))
    assert len(plan.cycles) == 3
    assert "a third may be considered (label)" in plan.limit.reason
    assert "planned as asked" in plan.limit.reason
    # The planned third cycle names "a greater number of treatment cycles" (spec 4a).
    assert any("3 cycles planned" in w and "greater number" in w for w in plan.warnings)


def test_hsct_third_cycle_is_refused_for_cr_with_mrd_negativity() -> None:
    with pytest.raises(InputError) as e:
        make_plan(request(response=Response.CR, hsct=True, mrd=Mrd.NEGATIVE, cycles=3))
    assert e.value.field == "cycles"  # canonical: the caller says it as the user typed it
    assert "2 cycles recommended before HSCT" in e.value.detail
    assert "MRD negativity" in e.value.detail
    # Asking for 2 (or 1) is fine.
    assert (
        len(make_plan(request(response=Response.CR, hsct=True, mrd=Mrd.NEGATIVE, cycles=2)).cycles)
        == 2
    )


def test_hsct_with_pending_response_plans_cycle_one_and_takes_the_request_for_a_third() -> None:
    plan = make_plan(request(hsct=True, cycles=3))
    assert len(plan.cycles) == 1  # pending: cycle 1 only (spec section 2)
    assert "a third may be considered (label)" in plan.limit.reason
    assert plan.limit.note is not None and "after the assessment" in plan.limit.note


def test_hsct_with_cr_three_cycles_has_the_cr_regimen_after_cycle_one() -> None:
    plan = make_plan(request(response=Response.CR, hsct=True, mrd=Mrd.POSITIVE, cycles=3))
    # 1.8 + 1.5 + 1.5 = 4.8 mg/m2
    assert plan.cumulative_mg_per_m2 == D("4.8")


def test_first_cycle_extended_to_28_days() -> None:
    plan = make_plan(request(response=Response.CR, first_cycle_days=28, cycles=2))
    # cycle 2 starts 28 days after 2026-12-01 = 2026-12-29
    assert plan.cycles[1].start == date(2026, 12, 29)
    assert plan.cycles[0].end == date(2026, 12, 28)
    assert any("28 days" in n for n in plan.notes)


def test_fewer_cycles_on_request() -> None:
    plan = make_plan(request(response=Response.CR, cycles=4))
    assert len(plan.cycles) == 4
    # 1.8 + 3 x 1.5 = 6.3
    assert plan.cumulative_mg_per_m2 == D("6.3")


@pytest.mark.parametrize(
    ("kw", "field", "words"),
    [
        ({"response": Response.CR, "cycles": 7}, "cycles", "limit of 6"),
        ({"response": Response.NONE, "cycles": 4}, "cycles", "limit of 3"),
        ({"cycles": 2}, "cycles", "response pending"),
        (
            {"response": Response.CR, "hsct": True, "mrd": Mrd.NEGATIVE, "cycles": 3},
            "cycles",
            "HSCT",
        ),
        ({"cycles": 0}, "cycles", "at least 1"),
        ({"first_cycle_days": 25}, "first_cycle_days", "21 days, or 28"),
    ],
)
def test_requests_the_rules_forbid(kw: dict[str, object], field: str, words: str) -> None:
    with pytest.raises(InputError, match=words) as e:
        make_plan(request(**kw))
    assert e.value.field == field


def test_dose_rounding_is_half_up() -> None:
    # BSA 1.81: 0.8 x 1.81 = 1.448 -> 1.45; 0.5 x 1.81 = 0.905 -> 0.91 (half-even would be 0.90)
    plan = make_plan(request(bsa=given_bsa(D("1.81"))))
    assert [d.mg for d in plan.doses] == [D("1.45"), D("0.91"), D("0.91")]
    # BSA 1.85: 0.5 x 1.85 = 0.925 -> 0.93 (half-even would be 0.92); 0.8 x 1.85 = 1.48
    plan = make_plan(request(bsa=given_bsa(D("1.85"))))
    assert [d.mg for d in plan.doses] == [D("1.48"), D("0.93"), D("0.93")]


def test_follow_up_dates_are_calendar_months_after_the_last_dose() -> None:
    # pending plan starting 2026-12-17: last dose C1D15 = 2026-12-31.
    plan = make_plan(request(start=date(2026, 12, 17)))
    assert plan.last_dose == date(2026, 12, 31)
    f = plan.followup
    # +2 months: February has no 31st, so 2027-02-28; +5: 2027-05-31; +8: 2027-08-31
    assert f.no_breastfeeding_until == date(2027, 2, 28)
    assert f.contraception_male_until == date(2027, 5, 31)
    assert f.contraception_female_until == date(2027, 8, 31)


def test_blasts_above_ten_thousand_warn_but_do_not_refuse() -> None:
    plan = make_plan(request(blasts_per_mm3=12_000))
    assert any("12,000/mm3" in w and "cytoreduce" in w.lower() for w in plan.warnings)
    assert len(plan.doses) == 3


def test_blasts_at_the_limit_do_not_warn() -> None:
    plan = make_plan(request(blasts_per_mm3=10_000))
    assert plan.warnings == ()


def test_bsa_cap_warns_citing_the_guidance() -> None:
    bsa = given_bsa(D("2.74"), cap_m2=D("2.00"))
    plan = make_plan(request(bsa=bsa))
    # capped: 0.8 x 2.00 = 1.60 mg
    assert plan.doses[0].mg == D("1.60")
    assert any("ASCO" in w and "2.74" in w for w in plan.warnings)


def test_unconfirmed_reminders_say_verify() -> None:
    from inoplan.domain import rules

    assert "verify against the current label" in rules.BLOOD_COUNT.display
    assert "verify" not in rules.PREMEDICATION.display


def test_mrd_without_hsct_is_warned_and_changes_nothing() -> None:
    with_mrd = make_plan(request(response=Response.CR, mrd=Mrd.POSITIVE))
    without = make_plan(request(response=Response.CR))
    assert with_mrd.cycles == without.cycles  # still 6 cycles, the non-HSCT limit
    assert any(
        w.startswith("MRD positive is recorded but does not change this plan")
        for w in with_mrd.warnings
    )
    assert not any("HSCT" in n for n in without.notes)


def test_weekdays_are_english_and_start_on_monday() -> None:
    # 2026-11-30 is a Monday (the README's plans start on Tuesday 2026-12-01).
    week = [date(2026, 11, 30) + timedelta(days=i) for i in range(7)]
    assert [weekday(d) for d in week] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert weekday(date(2026, 12, 6), full=True) == "Sunday"
