"""The chair and vial balancer (``inoplan.domain.balance``): the rules, the objective, the solver.

Clinical numbers come from the spec: days 8 and 15 may move +/- 2 days, day 1
never moves, at least 6 days between consecutive doses (across cycles too),
US vials of 0.9 mg.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import sys
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from inoplan.domain import rules
from inoplan.domain.balance import (
    INSTALL_HINT,
    BalanceDose,
    BalanceProblem,
    Chairs,
    ClosedDays,
    Course,
    Solution,
    SolverMissingError,
    evaluate,
    solve,
    tie_weight,
)
from inoplan.domain.errors import InputError

pytest.importorskip("ortools")

D = Decimal
MON = dt.date(2026, 3, 2)  # a Monday
US = rules.VIALS["us"]


def day(n: int) -> dt.date:
    return MON + dt.timedelta(days=n)


def cycle1(pid: str, d1: dt.date, mg: str, **d8: object) -> Course:
    """Cycle 1 with day 1 given, days 8 and 15 as the regimen gives them, then C2D1."""
    doses = [
        BalanceDose(1, 1, d1, d1, D("1.46"), fixed=True),
        BalanceDose(1, 8, d1 + dt.timedelta(7), d1 + dt.timedelta(7), D(mg)),
        BalanceDose(1, 15, d1 + dt.timedelta(14), d1 + dt.timedelta(14), D(mg)),
        BalanceDose(2, 1, d1 + dt.timedelta(21), d1 + dt.timedelta(21), D("1.46")),
    ]
    doses[1] = replace(doses[1], **d8)  # type: ignore[arg-type]
    return Course(pid, tuple(doses))


# --- (a) a clinic worked by hand ------------------------------------------------------------
#
# One week, Monday 2026-03-02 to Friday 03-06, 2 chairs a day, US 0.9 mg vials.
# Five patients in cycle 1, day 1 given the week before, day 8 this week, day 15
# next week (outside the period, so it does not move):
#
#   P1 0.91 mg  (1.82 m2 x 0.5)  day 8 Mon 03-02   (day 1 Mon 02-23, day 15 Mon 03-09)
#   P2 0.45 mg  (0.90 m2 x 0.5)  day 8 Tue 03-03
#   P3 0.45 mg                   day 8 Wed 03-04
#   P4 0.90 mg  (1.80 m2 x 0.5)  day 8 Wed 03-04
#   P5 0.85 mg  (1.70 m2 x 0.5)  day 8 Wed 03-04
#
# Where each day 8 may go: +/- 2 days, but 6 days from day 1 (7 days before)
# and from day 15 (7 days after) leave +/- 1 day; the period cuts Sunday 03-01.
#   P1: Mon, Tue     P2: Mon, Tue, Wed     P3, P4, P5: Tue, Wed, Thu
#
# Before: Wednesday has 3 doses for 2 chairs: overflow 1.
# Vials shared per day, ceil(day's mg / 0.9):
#   Mon 0.91 -> 2 vials (1.011), Tue 0.45 -> 1, Wed 0.45+0.90+0.85 = 2.20 -> 3 (2.444)
#   = 6 vials; waste 6 x 0.9 - 3.56 = 5.40 - 3.56 = 1.84 mg.
# The whole week holds 3.56 mg: at least ceil(3.56 / 0.9) = ceil(3.956) = 4 vials,
# i.e. 0.04 mg of waste in total. Per group of at most 2 doses (2 chairs), the waste:
#   0.91 alone 0.89; 0.45 alone 0.45; 0.90 alone 0; 0.85 alone 0.05;
#   0.91+0.85 = 1.76 -> 0.04;  0.45+0.45 = 0.90 -> 0;  others 0.05 or more.
# Waste 0.04 only as {P1, P5} {P2, P3} {P4}: P1 and P5 meet only on Tue; then
# P2 and P3 on Wed; P4 alone on Thu. So the one optimal answer is
#   P1 Mon -> Tue, P5 Wed -> Tue, P2 Tue -> Wed, P4 Wed -> Thu, P3 stays:
#   overflow 0, 4 vials (Tue 1.76 -> 2, Wed 0.90 -> 1, Thu 0.90 -> 1), 4 moves, 4 days,
#   waste 4 x 0.9 - 3.56 = 0.04 mg: 2 vials and 1.80 mg saved.


def hand_clinic(share_vials: bool = True) -> BalanceProblem:
    return BalanceProblem(
        first=day(0),
        last=day(4),
        chairs=Chairs(2),
        courses=(
            cycle1("P1", day(-7), "0.91"),
            cycle1("P2", day(-6), "0.45"),
            cycle1("P3", day(-5), "0.45"),
            cycle1("P4", day(-5), "0.90"),
            cycle1("P5", day(-5), "0.85"),
        ),
        closed=ClosedDays(weekdays=frozenset({5, 6})),
        vial=US,
        share_vials=share_vials,
    )


def test_hand_worked_clinic_with_sharing() -> None:
    sol = solve(hand_clinic(), time_limit_s=20, workers=1)
    assert sol.status == "optimal" and sol.gap == 0 and sol.deterministic
    assert (sol.before.overflow, sol.before.vials) == (1, 6)
    assert sol.after.key() == (0, 4, 4, 4)
    moved = {(m.patient_id, m.before, m.after) for m in sol.moves}
    assert moved == {
        ("P1", day(0), day(1)),
        ("P5", day(2), day(1)),
        ("P2", day(1), day(2)),
        ("P4", day(2), day(3)),
    }
    assert sol.date_of("P3", 1, 8) == day(2)
    by_day = {d.date: d for d in sol.days}
    assert [by_day[day(n)].doses_before for n in range(5)] == [1, 1, 3, 0, 0]
    assert [by_day[day(n)].doses_after for n in range(5)] == [0, 2, 2, 1, 0]
    assert [by_day[day(n)].vials_before for n in range(5)] == [2, 1, 3, 0, 0]
    assert [by_day[day(n)].vials_after for n in range(5)] == [0, 2, 1, 1, 0]
    assert (sol.vials_before, sol.vials_after) == (6, 4)
    assert (sol.waste_before_mg, sol.waste_after_mg) == (D("1.84"), D("0.04"))
    assert sol.overflow_days == ()
    why = {m.patient_id: m.reason for m in sol.moves}
    # P4 and P5 leave Wednesday, 3 doses for 2 chairs; P1 and P2 move to share vials.
    assert why == {"P4": "chairs", "P5": "chairs", "P1": "vials", "P2": "vials"}
    assert "3 doses for 2 chairs" in next(m.why for m in sol.moves if m.patient_id == "P4")


def test_hand_worked_clinic_without_sharing_moves_one_dose() -> None:
    # Without sharing the vials do not depend on the day: only Wednesday's
    # overflow counts. One dose of P3, P4 or P5 moves one day (to Tue, where P2
    # is alone, or to Thu): 1 move, 1 day.
    # Vials, each dose on its own: 0.91 -> 2, the others 1 each = 6; waste 1.84 mg.
    sol = solve(hand_clinic(share_vials=False), time_limit_s=20, workers=1)
    assert sol.after.key() == (0, 1, 1)
    assert sol.after.vials is None
    [move] = sol.moves
    assert move.patient_id in {"P3", "P4", "P5"} and move.before == day(2)
    assert move.after in {day(1), day(3)} and move.reason == "chairs"
    assert max(d.doses_after for d in sol.days) == 2
    assert (sol.vials_before, sol.vials_after) == (6, 6)
    assert sol.waste_after_mg == D("1.84")


def test_closed_day_and_a_given_dose() -> None:
    # P1's day 8 sits on Thu 03-05, now a holiday. Its day 1 (Thu 02-26) was
    # given; day 15 is Thu 03-12. Window Tue 03-03..Sat 03-07; Sat is closed;
    # 6 days from day 1 rules out Tue (5 days) and from day 15 rules out Sat.
    # Wed 03-04 or Fri 03-06 remain; Wed already holds P2 with the single chair,
    # so Fri. P2's day 8 was given on Wed (fixed): it stays whatever the load.
    holiday = day(3)
    p1 = cycle1("P1", day(-4), "0.91")
    p2 = cycle1("P2", day(-5), "0.91", fixed=True)
    problem = BalanceProblem(
        first=day(0),
        last=day(6),
        chairs=Chairs(1),
        courses=(p1, p2),
        closed=ClosedDays(weekdays=frozenset({5, 6}), dates=frozenset({holiday})),
    )
    sol = solve(problem, time_limit_s=20, workers=1)
    assert sol.before.overflow == 1  # a closed day has no chairs
    [move] = sol.moves
    assert (move.patient_id, move.before, move.after, move.reason) == (
        "P1",
        holiday,
        day(4),
        "closed",
    )
    assert sol.date_of("P2", 1, 8) == day(2)


def test_never_onto_a_closed_day_even_to_save_a_vial() -> None:
    # 1 chair, Saturday and Sunday closed, sharing on. P1's day 8 (0.45 mg, regimen
    # Fri 03-06; day 1 Fri 02-27 given; day 15 Fri 03-13) shares Friday with P3
    # (0.90 mg, pinned): 1.35 mg -> 2 vials, and 2 doses for 1 chair. P4's pinned
    # 0.45 mg sits on Sat 03-07 (a plan left it there): on Saturday P1 would make
    # 0.90 mg -> 1 vial and Friday 0.90 -> 1 vial, one vial fewer, the overflow
    # unchanged (Friday 0, Saturday 2 for 0 chairs). Saturday is closed: no.
    # Thu 03-05 (6 days after day 1) holds P2's pinned 0.90 mg: there P1 makes
    # 1.35 mg -> 2 vials, Friday 1: no vial saved, overflow unchanged. So P1 stays.
    p1 = cycle1("P1", day(-3), "0.45")
    pinned = [
        Course(pid, (BalanceDose(1, 8, day(n), day(n), D(mg), fixed=True),))
        for pid, n, mg in (("P2", 3, "0.90"), ("P3", 4, "0.90"), ("P4", 5, "0.45"))
    ]
    problem = BalanceProblem(
        first=day(0),
        last=day(6),
        chairs=Chairs(1),
        courses=(p1, *pinned),
        closed=ClosedDays(weekdays=frozenset({5, 6})),
        share_vials=True,
    )
    sol = solve(problem, time_limit_s=20, workers=1)
    assert sol.moves == ()
    assert sol.after.key() == (2, 4, 0, 0)
    assert [d.date for d in sol.overflow_days] == [day(4), day(5)]


def test_only_doses_whose_regimen_date_is_in_the_period_are_counted_or_moved() -> None:
    # P1's day 8 was due Sun 03-01, the day before the period, and the plan moved
    # it to Mon 03-02 (clinic day). Its regimen date is outside the period: it is
    # neither counted nor moved (the issue: "only doses whose regimen date lies
    # from --from to --to are moved or counted"). P2's pinned dose is Monday's
    # only counted dose: 1 dose for 1 chair, no overflow, nothing to move. P1's
    # day 15 is the other way round: regimen date Sun 03-08 (in the period),
    # planned Mon 03-09 (after it): counted, but it loads no day of the period
    # and does not move.
    p1 = cycle1("P1", day(-8), "0.91", date=day(0))
    p1 = replace(p1, doses=(*p1.doses[:2], replace(p1.doses[2], date=day(7)), p1.doses[3]))
    p2 = Course("P2", (BalanceDose(1, 8, day(0), day(0), D("0.91"), fixed=True),))
    problem = BalanceProblem(day(0), day(6), Chairs(1), (p1, p2))
    sol = solve(problem, time_limit_s=20, workers=1)
    assert sol.moves == () and sol.after.overflow == 0
    assert {p.key for p in sol.placements} == {("P2", 1, 8), ("P1", 1, 15)}
    assert next(d for d in sol.days if d.date == day(0)).doses_before == 1
    assert sum(d.doses_before for d in sol.days) == 1


def test_a_dose_dated_before_the_period_is_counted_but_never_moves() -> None:
    # P1's day 8: regimen date Mon 03-02 (in the period), planned on Sun 03-01 (a
    # re-plan moved it a day earlier), the day before the period. It is
    # counted (its regimen date is in the period) but loads no day of the period
    # and never moves (never a dose dated before --from). P2 and P3, pinned on
    # Monday with 1 chair: overflow 1, and no move can help.
    p1 = cycle1("P1", day(-7), "0.91", date=day(-1))
    pinned = [
        Course(pid, (BalanceDose(1, 8, day(0), day(0), D("0.91"), fixed=True),))
        for pid in ("P2", "P3")
    ]
    problem = BalanceProblem(day(0), day(6), Chairs(1), (p1, *pinned))
    sol = solve(problem, time_limit_s=20, workers=1)
    assert sol.moves == ()
    assert sol.date_of("P1", 1, 8) == day(-1)
    assert sol.after.overflow == 1
    assert [d.date for d in sol.overflow_days] == [day(0)]


def test_never_onto_a_day_the_course_itself_keeps_closed() -> None:
    # Two day 8s on Wed 03-04 (regimen date), 1 chair; the unit is open every day.
    # P1's own plan is closed on Tue 03-03 and Thu 03-05 (its clinic days); its
    # day 1 was Wed 02-25 and day 15 is Wed 03-11, so P1 could go Mon..Fri but
    # for the 6-day spacing (day 1 + 6 = Tue; day 15 - 6 = Thu): only Tue..Thu,
    # both closed for P1. So P2 moves (to Tue or Thu, 1 day), never P1.
    p1 = replace(cycle1("P1", day(-7), "0.91"), closed=frozenset({day(1), day(3)}))
    p2 = cycle1("P2", day(-7), "0.91")
    sol = solve(BalanceProblem(day(0), day(6), Chairs(1), (p1, p2)), time_limit_s=20, workers=1)
    [move] = sol.moves
    assert move.patient_id == "P2" and move.after in {day(1), day(3)}
    assert sol.after.key() == (0, 1, 1)


def test_weekday_chairs_and_the_next_cycle_bound_a_day_15() -> None:
    # Day 15 of P1 on Fri 03-06, C2D1 Fri 03-13 (a 21-day cycle 1). Friday has 1
    # chair (override), Monday to Thursday 3. P2 is also on Friday. One must
    # leave Friday: later is Sat/Sun (closed) and after C2D1 - 6 days anyway;
    # earlier Wed 03-04 or Thu 03-05 (day 8, Fri 02-27, is 5 days from Wed:
    # too close; Thu is 6). So P1 or P2 moves to Thu, 1 day.
    p1 = Course(
        "P1",
        (
            BalanceDose(1, 1, day(-11), day(-11), D("1.46"), fixed=True),
            BalanceDose(1, 8, day(-4), day(-4), D("0.91"), fixed=True),
            BalanceDose(1, 15, day(4), day(4), D("0.91")),
            BalanceDose(2, 1, day(11), day(11), D("1.46")),
        ),
    )
    p2 = replace(p1, patient_id="P2")
    problem = BalanceProblem(
        first=day(0),
        last=day(6),
        chairs=Chairs(3, by_weekday=((4, 1),)),
        courses=(p1, p2),
        closed=ClosedDays(weekdays=frozenset({5, 6})),
    )
    sol = solve(problem, time_limit_s=20, workers=1)
    assert sol.after.key() == (0, 1, 1)
    [move] = sol.moves
    assert (move.before, move.after) == (day(4), day(3))
    by_day = {d.date: d for d in sol.days}
    assert by_day[day(4)].chairs == 1 and by_day[day(3)].chairs == 3


# --- (b) random small clinics against a brute force -------------------------------------


def allowed_dates(problem: BalanceProblem, course: Course, i: int) -> list[dt.date]:
    """The test's own reading of the rules: the dates dose ``i`` may take on its own."""
    d = course.doses[i]
    inside = problem.first <= d.date <= problem.last
    may_move = (
        d.day in (8, 15)
        and not d.fixed
        and inside
        and problem.first <= d.regimen_date <= problem.last
    )
    out = [d.date]
    if may_move:
        for k in range(-2, 3):
            x = d.regimen_date + dt.timedelta(days=k)
            if (
                problem.first <= x <= problem.last
                and not problem.closed(x)
                and x not in course.closed
            ):
                out.append(x)
    return sorted(set(out), key=lambda x: (x != d.date, x))


def spacing_ok(course: Course, dates: dict[int, dt.date]) -> bool:
    """6 days between consecutive doses, wherever either of the two was moved."""
    for i in range(len(course.doses) - 1):
        a, b = course.doses[i], course.doses[i + 1]
        da, db = dates.get(i, a.date), dates.get(i + 1, b.date)
        if (da != a.date or db != b.date) and (db - da).days < 6:
            return False
    return True


def objective_of(problem: BalanceProblem, dates: dict[tuple[int, int], dt.date]) -> tuple[int, ...]:
    """(overflow, [vials,] moves, shift), counted from scratch."""
    per_day: dict[dt.date, list[Decimal]] = {}
    moves = shift = 0
    for c, course in enumerate(problem.courses):
        for i, d in enumerate(course.doses):
            if not problem.first <= d.regimen_date <= problem.last:
                continue  # counted by regimen date
            x = dates.get((c, i), d.date)
            if problem.first <= x <= problem.last:
                per_day.setdefault(x, []).append(d.mg)
            if x != d.date:
                moves += 1
                shift += abs((x - d.date).days)
    overflow = 0
    vials = 0
    for x, mgs in per_day.items():
        chairs = 0 if problem.closed(x) else problem.chairs.on(x)
        overflow += max(0, len(mgs) - chairs)
        vials += math.ceil(sum(mgs) / problem.vial.usable_mg)
    head = (overflow, vials) if problem.share_vials else (overflow,)
    return (*head, moves, shift)


def brute_force(problem: BalanceProblem) -> list[tuple[tuple[int, ...], int, dict]]:
    """Every allowed assignment: (objective, tie-break sum, dates)."""
    keys, choices = [], []
    for c, course in enumerate(problem.courses):
        for i in range(len(course.doses)):
            opts = allowed_dates(problem, course, i)
            if len(opts) > 1:
                keys.append((c, i))
                choices.append(opts)
    out = []
    for combo in itertools.product(*choices):
        dates = dict(zip(keys, combo, strict=True))
        if not all(
            spacing_ok(course, {i: x for (cc, i), x in dates.items() if cc == c})
            for c, course in enumerate(problem.courses)
        ):
            continue
        tie = sum(
            tie_weight(problem.courses[c].patient_id, d.cycle, d.day, x)
            for (c, i), x in dates.items()
            if x != (d := problem.courses[c].doses[i]).date
        )
        out.append((objective_of(problem, dates), tie, dates))
    return out


def check_rules(problem: BalanceProblem, sol: Solution) -> None:
    """Every rule of the label and of the period holds in the answer."""
    for course in problem.courses:
        after: dict[int, dt.date] = {}
        for i, d in enumerate(course.doses):
            if problem.first <= d.regimen_date <= problem.last:
                after[i] = sol.date_of(course.patient_id, d.cycle, d.day)
            x = after.get(i, d.date)
            if x == d.date:
                continue
            assert d.day in (8, 15), "day 1 never moves"
            assert not d.fixed, "a given dose never moves"
            assert problem.first <= d.date and problem.first <= d.regimen_date <= problem.last
            assert problem.first <= x <= problem.last, "moves stay inside the period"
            assert abs((x - d.regimen_date).days) <= 2, "inside the +/- 2 day window"
            assert not problem.closed(x) and x not in course.closed, "never onto a closed day"
        assert spacing_ok(course, after)
    placed = {(p.patient_id, p.cycle, p.day) for p in sol.placements}
    counted = {
        (c.patient_id, d.cycle, d.day)
        for c in problem.courses
        for d in c.doses
        if problem.first <= d.regimen_date <= problem.last
    }
    assert placed == counted


MGS = ("0.45", "0.5", "0.85", "0.9", "0.91", "1.46")


@st.composite
def clinics(draw: st.DrawFn) -> BalanceProblem:
    """2-3 courses whose days 8 and 15 crowd a period of 7-10 days, so moves pay."""
    first = MON + dt.timedelta(days=draw(st.integers(0, 6)))
    span = draw(st.integers(6, 9))
    last = first + dt.timedelta(days=span)
    courses = []
    for n in range(draw(st.integers(2, 3))):
        # Day 8 falls from 3 days before the period to 4 days into it.
        start = first + dt.timedelta(days=draw(st.integers(-10, -3)))
        mg = D(draw(st.sampled_from(MGS)))
        doses = []
        # One or two cycles of 21 or 28 days (cycle 1 may be extended; later
        # cycles are 28): after the last one nothing bounds day 15 but its window.
        lengths = draw(st.lists(st.sampled_from((21, 28)), min_size=1, max_size=2))
        offsets = [sum(lengths[:k]) for k in range(len(lengths))]
        for cycle, offset in enumerate(offsets, start=1):
            for dday in (1, 8, 15):
                regimen = start + dt.timedelta(days=offset + dday - 1)
                now = regimen
                if dday != 1:
                    # A plan may have moved a dose already (clinic days, a re-plan).
                    now += dt.timedelta(days=draw(st.sampled_from((0, 0, 0, 1, -1))))
                fixed = draw(st.integers(0, 5)) == 0
                doses.append(BalanceDose(cycle, dday, regimen, now, mg, fixed))
        own = draw(st.sets(st.integers(0, span), max_size=1))
        courses.append(
            Course(f"R{n}", tuple(doses), frozenset(first + dt.timedelta(days=k) for k in own))
        )
    closed = ClosedDays(
        weekdays=frozenset(draw(st.sets(st.integers(0, 6), max_size=2))),
        dates=frozenset(
            first + dt.timedelta(days=k) for k in draw(st.sets(st.integers(0, span), max_size=2))
        ),
    )
    return BalanceProblem(
        first=first,
        last=last,
        chairs=Chairs(draw(st.sampled_from((1, 1, 2)))),
        courses=tuple(courses),
        closed=closed,
        vial=US,
        share_vials=draw(st.booleans()),
    )


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(clinics())
def test_solver_matches_brute_force_and_keeps_every_rule(problem: BalanceProblem) -> None:
    sizes = [
        len(allowed_dates(problem, course, i))
        for course in problem.courses
        for i in range(len(course.doses))
    ]
    assume(math.prod(sizes) <= 5000)
    every = brute_force(problem)
    best = min(obj for obj, _, _ in every)
    sol = solve(problem, time_limit_s=30, workers=1)
    assert sol.status == "optimal" and sol.deterministic
    assert sol.after.key() == best
    assert evaluate(problem, {p.key: p.after for p in sol.placements}) == sol.after
    check_rules(problem, sol)
    # The tie-break picks the one answer with the least weight among the best.
    ties = sorted((tie, dates) for obj, tie, dates in every if obj == best)
    assert len(ties) == 1 or ties[0][0] < ties[1][0]
    expected = {
        (
            problem.courses[c].patient_id,
            problem.courses[c].doses[i].cycle,
            problem.courses[c].doses[i].day,
        ): x
        for (c, i), x in ties[0][1].items()
    }
    for p in sol.placements:
        assert p.after == expected.get(p.key, p.before)


# --- (c) the same input gives the same answer ----------------------------------------------


def test_same_answer_whatever_the_workers() -> None:
    # Without sharing, six answers tie on (overflow 0, 1 move, 1 day): the
    # tie-break must pick the same one every time, on any number of workers.
    problem = hand_clinic(share_vials=False)
    answers = {
        tuple((p.key, p.after) for p in solve(problem, time_limit_s=20, workers=w).placements)
        for w in (1, 2, 4, 1, 2)
    }
    assert len(answers) == 1


# --- (d) without OR-Tools ---------------------------------------------------------------


def test_without_ortools_one_line_with_the_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(sys.modules):
        if name == "ortools" or name.startswith("ortools."):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "ortools", None)
    with pytest.raises(SolverMissingError) as err:
        solve(hand_clinic())
    assert err.value.exit_code == 2
    assert "\n" not in err.value.message
    assert INSTALL_HINT == "pip install 'inoplan[balance]'"
    assert INSTALL_HINT in err.value.message


# --- bad input: one line naming the field ------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"chairs": Chairs(0)}, "--chairs", "at least 1 chair"),
        ({"chairs": Chairs(2, ((4, 0),))}, "--chairs-on", "fri=0"),
        ({"last": day(-1)}, "--to", "before --from"),
        ({"last": day(400)}, "--to", "at most 366 days"),
        ({"first": day(30), "last": day(40)}, "--from", "no dose"),
        ({"closed": ClosedDays(weekdays=frozenset(range(7)))}, "--clinic-days", "open at least"),
    ],
)
def test_bad_problem_is_one_line(change: dict[str, object], field: str, words: str) -> None:
    base = hand_clinic()
    args = {
        "first": base.first,
        "last": base.last,
        "chairs": base.chairs,
        "courses": base.courses,
        "closed": base.closed,
    }
    args.update(change)
    with pytest.raises(InputError) as err:
        BalanceProblem(**args)  # type: ignore[arg-type]
    assert err.value.field == field
    assert words in err.value.message and "\n" not in err.value.message


def test_bad_courses_are_refused() -> None:
    base = hand_clinic()
    twice = (*base.courses, base.courses[0])
    with pytest.raises(InputError, match="same patient id as course 1"):
        BalanceProblem(base.first, base.last, base.chairs, twice)
    backwards = Course("Z", tuple(reversed(base.courses[0].doses)))
    with pytest.raises(InputError, match="in order of cycle and day"):
        BalanceProblem(base.first, base.last, base.chairs, (backwards,))
    odd = Course("Z", (replace(base.courses[0].doses[1], mg=D("0.905")),))
    with pytest.raises(InputError, match=r"to 0\.01 mg"):
        BalanceProblem(base.first, base.last, base.chairs, (odd,))
    with pytest.raises(InputError, match="--workers"):
        solve(base, workers=0)
