"""The solver: CP-SAT over the dates each dose may take, one level of the objective at a time."""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Literal

from inoplan.domain.balance.allowed import (
    Slot,
    cents,
    clash,
    evaluate_slots,
    pairs_of,
    slots_of,
    tie_weight,
)
from inoplan.domain.balance.answer import Level, Placement, Solution
from inoplan.domain.balance.explain import day_loads, explain_moves
from inoplan.domain.balance.model import (
    INSTALL_HINT,
    BalanceProblem,
    LevelName,
    SolverMissingError,
)
from inoplan.domain.errors import InputError

if TYPE_CHECKING:  # pragma: no cover - types only
    from ortools.sat.python import cp_model


def _require_solver() -> None:
    try:
        import ortools.sat.python.cp_model  # noqa: F401
    except ImportError:
        raise SolverMissingError(
            f"inoplan balance needs Google OR-Tools; install it with: {INSTALL_HINT}"
        ) from None


def solve(problem: BalanceProblem, time_limit_s: float = 10.0, workers: int = 2) -> Solution:
    """Balance ``problem`` with CP-SAT within ``time_limit_s`` seconds on ``workers`` threads.

    Raises :class:`SolverMissingError` (exit status 2) when OR-Tools is missing.
    """
    if time_limit_s <= 0:
        raise InputError("--time-limit", f"{time_limit_s} is not allowed; give seconds above 0")
    if workers < 1:
        raise InputError("--workers", f"{workers} is not allowed; give at least 1")
    started = time.perf_counter()  # the limit covers loading the solver too
    deadline = started + time_limit_s
    _require_solver()
    from ortools.sat.python import cp_model

    slots = slots_of(problem)
    model = cp_model.CpModel()
    # lits[n][k]: slot n takes options[k]; None where the slot has a single option.
    lits: list[list[cp_model.IntVar] | None] = []
    for n, s in enumerate(slots):
        if len(s.options) == 1:
            lits.append(None)
            continue
        options = [model.new_bool_var(f"x{n}_{k}") for k in range(len(s.options))]
        model.add_exactly_one(options)
        lits.append(options)
    for a, b in pairs_of(slots):
        la, lb = lits[a], lits[b]
        for ka, da in enumerate(slots[a].options):
            for kb, db in enumerate(slots[b].options):
                if not clash(slots[a], da, slots[b], db):
                    continue
                # A dose with a single option is there for sure: forbid the other side.
                model.add_bool_or(
                    [row[k].Not() for row, k in ((la, ka), (lb, kb)) if row is not None]
                )

    # Per day: the doses that cannot move, and the literals of those that may come.
    fixed_n: dict[dt.date, int] = {}
    fixed_mg: dict[dt.date, int] = {}
    terms: dict[dt.date, list[tuple[cp_model.IntVar, int]]] = {}
    for s, row in zip(slots, lits, strict=True):
        if row is None:
            day = s.options[0]
            fixed_n[day] = fixed_n.get(day, 0) + 1
            fixed_mg[day] = fixed_mg.get(day, 0) + cents(s.dose.mg)
        else:
            for lit, day in zip(row, s.options, strict=True):
                terms.setdefault(day, []).append((lit, cents(s.dose.mg)))

    over_parts: list[cp_model.LinearExprT] = []
    over_const = 0
    vial_parts: list[cp_model.LinearExprT] = []
    vial_const = 0
    per_vial = cents(problem.vial.usable_mg)
    # Overflow and vial variables, with their day, to hint them along with the doses.
    aux: list[tuple[cp_model.IntVar, Literal["over", "vials"], dt.date]] = []
    for day in problem.days:
        here = terms.get(day, [])
        n_fixed, mg_fixed = fixed_n.get(day, 0), fixed_mg.get(day, 0)
        cap = problem.chairs_on(day)
        if not here:
            over_const += max(0, n_fixed - cap)
            vial_const += -(-mg_fixed // per_vial)
            continue
        if n_fixed >= cap:
            # Full without the doses that may come: each one that comes overflows.
            over_const += n_fixed - cap
            over_parts.extend(lit for lit, _ in here)
        elif n_fixed + len(here) > cap:
            over = model.new_int_var(0, n_fixed + len(here) - cap, f"over_{day.isoformat()}")
            model.add(over >= n_fixed + sum(lit for lit, _ in here) - cap)
            over_parts.append(over)
            aux.append((over, "over", day))
        if problem.share_vials:
            top = -(-(mg_fixed + sum(c for _, c in here)) // per_vial)
            vials = model.new_int_var(-(-mg_fixed // per_vial), top, f"vials_{day.isoformat()}")
            model.add(vials * per_vial >= mg_fixed + sum(c * lit for lit, c in here))
            vial_parts.append(vials)
            aux.append((vials, "vials", day))

    def aux_hints(choice: Sequence[int]) -> list[tuple[cp_model.IntVar, int]]:
        count: dict[dt.date, int] = {}
        mg: dict[dt.date, int] = {}
        for s, k in zip(slots, choice, strict=True):
            day = s.options[k]
            count[day] = count.get(day, 0) + 1
            mg[day] = mg.get(day, 0) + cents(s.dose.mg)
        return [
            (
                var,
                max(0, count.get(day, 0) - problem.chairs_on(day))
                if kind == "over"
                else -(-mg.get(day, 0) // per_vial),
            )
            for var, kind, day in aux
        ]

    def values_of(choice: Sequence[int]) -> dict[LevelName, int]:
        obj = evaluate_slots(
            problem, slots, [s.options[k] for s, k in zip(slots, choice, strict=True)]
        )
        tie_sum = sum(
            tie_weight(s.patient_id, s.dose.cycle, s.dose.day, s.options[k])
            for s, k in zip(slots, choice, strict=True)
            if k
        )
        return {
            "overflow": obj.overflow,
            "vials": obj.vials or 0,
            "moves": obj.moves,
            "shift": obj.shift_days,
            "tie": tie_sum,
        }

    moved: list[cp_model.LinearExprT] = []
    shifted: list[cp_model.LinearExprT] = []
    tie: list[cp_model.LinearExprT] = []
    for s, row in zip(slots, lits, strict=True):
        if row is None:
            continue
        for lit, day in zip(row[1:], s.options[1:], strict=True):
            moved.append(lit)
            shifted.append(abs((day - s.dose.date).days) * lit)
            tie.append(tie_weight(s.patient_id, s.dose.cycle, s.dose.day, day) * lit)

    # Each level: its name, its terms, a constant part, and the most it can exceed
    # its constant (for the weights when levels are solved together).
    levels_in: list[tuple[LevelName, Sequence[cp_model.LinearExprT], int, int]] = [
        ("overflow", over_parts, over_const, len(slots))
    ]
    if problem.share_vials:
        vial_most = sum(-(-cents(s.dose.mg) // per_vial) for s in slots)
        levels_in.append(("vials", vial_parts, vial_const, vial_most))
    most_shift = sum(
        max((abs((d - s.dose.date).days) for d in s.options), default=0) for s in slots
    )
    levels_in += [("moves", moved, 0, len(moved)), ("shift", shifted, 0, most_shift)]
    stages = _stages(levels_in)
    stages.append([("tie", tie, 0, 0)])

    choice = [0] * len(slots)  # the plans as they are: always allowed
    levels: list[Level] = []
    tie_proven = True
    pairs = pairs_of(slots)
    for n, stage in enumerate(stages):
        share_of_rest = STAGE_SHARE if n + 1 < len(stages) else 1.0
        found, choice = _solve_stage(
            model, stage, lits, choice, aux_hints, values_of, deadline, share_of_rest, workers
        )
        choice = _tidy(problem, slots, pairs, choice)
        for lv in found:
            if lv.name == "tie":
                tie_proven = lv.optimal
            else:
                levels.append(lv)

    after = [s.options[k] for s, k in zip(slots, choice, strict=True)]
    before_obj = evaluate_slots(problem, slots, [s.dose.date for s in slots])
    after_obj = evaluate_slots(problem, slots, after)
    # The model counts at least what the rules count (its overflow and vial
    # variables may sit above their day's count where a level was not proven);
    # each level reports what the rules count.
    assert all(true <= lv.value for true, lv in zip(after_obj.key(), levels, strict=True)), (
        after_obj,
        levels,
    )
    levels = [
        Level(lv.name, true, min(lv.bound, true), lv.optimal)
        for true, lv in zip(after_obj.key(), levels, strict=True)
    ]

    proven = all(lv.optimal for lv in levels)
    first_open = next((lv for lv in levels if not lv.optimal), None)
    placements = tuple(
        Placement(
            s.patient_id,
            s.dose.cycle,
            s.dose.day,
            s.dose.regimen_date,
            s.dose.date,
            day,
            s.dose.mg,
            len(s.options) > 1,
        )
        for s, day in zip(slots, after, strict=True)
    )
    days = day_loads(problem, placements)
    return Solution(
        status="optimal" if proven else "feasible",
        gap=first_open.gap if first_open else 0.0,
        deterministic=proven and tie_proven,
        levels=tuple(levels),
        before=before_obj,
        after=after_obj,
        placements=placements,
        days=days,
        moves=explain_moves(problem, placements, days),
        seconds=time.perf_counter() - started,
        workers=workers,
        share_vials=problem.share_vials,
    )


def _tidy(
    p: BalanceProblem,
    slots: Sequence[Slot],
    pairs: Sequence[tuple[int, int]],
    choice: Sequence[int],
) -> list[int]:
    """Undo or shorten every move that buys nothing.

    An answer found within the time limit but not proven may carry moves that
    neither free a chair nor save a vial. One dose at a time, in a fixed order,
    this puts a moved dose back (or nearer its date) wherever the rules allow
    and neither the overflow nor the vials get worse; until nothing changes. It
    never touches a proven answer: only strictly fewer moves or days are taken.
    """
    out = list(choice)
    count: dict[dt.date, int] = {}
    mg: dict[dt.date, int] = {}
    for s, k in zip(slots, out, strict=True):
        day = s.options[k]
        count[day] = count.get(day, 0) + 1
        mg[day] = mg.get(day, 0) + cents(s.dose.mg)
    per_vial = cents(p.vial.usable_mg)
    links: dict[int, list[tuple[int, bool]]] = {}
    for a, b in pairs:
        links.setdefault(a, []).append((b, True))
        links.setdefault(b, []).append((a, False))

    def cost(day: dt.date, n: int, cents: int) -> tuple[int, int]:
        vials = -(-cents // per_vial) if p.share_vials else 0
        return max(0, n - p.chairs_on(day)), vials

    def fits(n: int, day: dt.date) -> bool:
        for m, m_after in links.get(n, []):
            other = slots[m].options[out[m]]
            if m_after and clash(slots[n], day, slots[m], other):
                return False
            if not m_after and clash(slots[m], other, slots[n], day):
                return False
        return True

    changed = True
    while changed:
        changed = False
        for n, s in enumerate(slots):
            if out[n] == 0:
                continue
            here = s.options[out[n]]
            c = cents(s.dose.mg)
            shift = abs((here - s.dose.date).days)
            better = sorted(
                (
                    k
                    for k, d in enumerate(s.options)
                    if abs((d - s.dose.date).days) < shift or k == 0
                ),
                key=lambda k: (k != 0, abs((s.options[k] - s.dose.date).days), s.options[k]),
            )
            for k in better:
                there = s.options[k]
                if there == here or not fits(n, there):
                    continue
                was = [
                    a + b
                    for a, b in zip(
                        cost(here, count[here], mg[here]),
                        cost(there, count.get(there, 0), mg.get(there, 0)),
                        strict=True,
                    )
                ]
                now = [
                    a + b
                    for a, b in zip(
                        cost(here, count[here] - 1, mg[here] - c),
                        cost(there, count.get(there, 0) + 1, mg.get(there, 0) + c),
                        strict=True,
                    )
                ]
                if now > was:
                    continue
                count[here] -= 1
                mg[here] -= c
                count[there] = count.get(there, 0) + 1
                mg[there] = mg.get(there, 0) + c
                out[n] = k
                changed = True
                break
    return out


#: Of the time left, the share a stage may use when more stages follow, so a
#: hard level (vials) leaves time for the moves and the shift. 0.8: the vials
#: come first in the objective and, on the 300-course benchmark, gain most from
#: the time (the moves stage then rarely proves anything; :func:`_tidy` undoes
#: the moves that buy nothing).
STAGE_SHARE = 0.8


def _stages(
    levels: list[tuple[LevelName, Sequence[cp_model.LinearExprT], int, int]],
) -> list[list[tuple[LevelName, Sequence[cp_model.LinearExprT], int, int]]]:
    """Overflow, then vials, each on its own; the moves and the shift together, as
    one weighted sum (moves x (largest shift + 1) + shift: lexicographic once
    proven, one solve fewer)."""
    head = [lv for lv in levels if lv[0] in ("overflow", "vials")]
    tail = [lv for lv in levels if lv[0] not in ("overflow", "vials")]
    return [*([lv] for lv in head), tail]


def _solve_stage(
    model: cp_model.CpModel,
    stage: Sequence[tuple[LevelName, Sequence[cp_model.LinearExprT], int, int]],
    lits: Sequence[Sequence[cp_model.IntVar] | None],
    choice: Sequence[int],
    aux_hints: Callable[[Sequence[int]], list[tuple[cp_model.IntVar, int]]],
    values_of: Callable[[Sequence[int]], dict[LevelName, int]],
    deadline: float,
    share_of_rest: float,
    workers: int,
) -> tuple[list[Level], list[int]]:
    """Minimise the stage's levels, weighted lexicographically, from the hint ``choice``."""
    from ortools.sat.python import cp_model

    live = [(name, sum(parts) + const, most) for name, parts, const, most in stage if parts]
    done = [Level(name, const, const, True) for name, parts, const, _ in stage if not parts]
    if not live:
        return done, list(choice)
    weights = []
    w = 1
    for _, _, most in reversed(live):
        weights.append(w)
        w *= most + 1
    weights.reverse()
    left = deadline - time.perf_counter()
    status = cp_model.UNKNOWN
    if left > 0.05:
        model.clear_hints()  # type: ignore[no-untyped-call]
        for row, k in zip(lits, choice, strict=True):
            if row is not None:
                for j, lit in enumerate(row):
                    model.add_hint(lit, j == k)
        for var, value in aux_hints(choice):
            model.add_hint(var, value)
        model.minimize(sum(wt * expr for wt, (_, expr, _) in zip(weights, live, strict=True)))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = workers
        solver.parameters.max_time_in_seconds = left * share_of_rest
        status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # Out of time before a first answer: keep the previous one, which meets
        # every level fixed so far, pin it, and claim nothing about these levels.
        for row, k in zip(lits, choice, strict=True):
            if row is not None:
                model.add(row[k] == 1)
        values = values_of(choice)
        return [*done, *(Level(name, values[name], 0, False) for name, _, _ in live)], list(choice)
    chosen = [
        0 if row is None else next(j for j, lit in enumerate(row) if solver.boolean_value(lit))
        for row in lits
    ]
    optimal = status == cp_model.OPTIMAL
    bound = math.ceil(solver.best_objective_bound - 1e-6)
    out = list(done)
    for n, ((name, expr, _), wt) in enumerate(zip(live, weights, strict=True)):
        value = solver.value(expr)
        # Only the first level of a weighted stage has a bound of its own.
        level_bound = value if optimal else (bound // wt if n == 0 else 0)
        out.append(Level(name, value, min(level_bound, value), optimal))
        model.add(expr <= value)
    return out, chosen
