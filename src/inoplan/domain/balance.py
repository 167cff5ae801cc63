"""Balance an infusion unit: move days 8 and 15 inside the label's windows.

Every other part of inoplan plans one patient at a time. This module looks at
all active courses of a unit over a period and uses the label's +/- 2 day
window of days 8 and 15 to keep each day within the chairs the unit has and,
where the pharmacy shares reconstituted vials between patients on the same day,
to open fewer vials. Pure: no printing, no terminal, no files. Google OR-Tools
CP-SAT (the optional extra ``inoplan[balance]``) is imported inside
:func:`solve` only.

The rules, all from :mod:`inoplan.domain.rules` (nothing here is a new clinical number):

- only a dose whose window (:data:`~inoplan.domain.rules.DOSE_WINDOW_DAYS`) is wider
  than 0 moves: days 8 and 15, never day 1;
- it moves to a day within that window of its *regimen date* (the date the
  regimen gave it, before any clinic-day move or delay);
- a moved dose keeps at least :data:`~inoplan.domain.rules.MIN_DAYS_BETWEEN_DOSES`
  days to the doses before and after it in its course, across cycles too (the
  next cycle's day 1 never moves, so it bounds a day 15);
- never onto a closed clinic day; never a dose already given (``fixed``).

inoplan's own reading of the period [inoplan]:

- a dose moves only if its regimen date *and* its current date lie in the
  period, and only to days in the period; a dose dated before the period (or
  after it) never moves. So the doses counted before and after are the same.
- the per-day counts (chairs, vials, waste) cover every dose dated on a day of
  the period, whatever its regimen date: a chair taken by a dose that cannot
  move is still taken.
- a closed day has no chairs: a dose on it (where the plan left one) counts as
  overflow, so the solver moves it to an open day where the rules allow.
- a dose may always stay where it is, even where its current date breaks a
  rule (a plan re-planned by hand): the balancer never refuses a plan for
  that and never moves a dose *into* a broken rule. The planner warns about
  such doses; they are not this module's to judge.

Vial sharing follows :mod:`inoplan.services.worklist`'s model for doses without a
planned time: all of one day's doses draw from a common pool of vials, so a
day opens ``ceil(total mg / usable mg per vial)`` vials
(:func:`inoplan.domain.pharmacy.share`). Without sharing every dose opens its own
vials, which no move changes; the vial counts are then reported, not optimised.

The objective, in lexicographic order: (1) the least total overflow (doses
beyond the chairs, summed over the days); (2) with sharing, the fewest vials
opened in the period; (3) the fewest moved doses; (4) the smallest total shift
in days. Each level is solved in turn and its optimum fixed as a constraint
for the next. Ties are broken by a fifth level that minimises a sum of fixed
pseudo-random weights, one per possible move, derived from the move itself
(SHA-256 of patient, cycle, day and date): by the isolation lemma (Mulmuley,
Vazirani and Vazirani, 1987) its minimum is unique except with a chance of
about one in a million, so the same input gives the same answer whatever the
number of workers, once every level is proven optimal.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from inoplan.domain import rules
from inoplan.domain.errors import InoplanError, InputError
from inoplan.domain.pharmacy import share
from inoplan.domain.rules import Vial

if TYPE_CHECKING:  # pragma: no cover - types only
    from ortools.sat.python import cp_model

#: How to get the solver; printed by the command when OR-Tools is missing.
INSTALL_HINT = "pip install 'inoplan[balance]'"
#: The longest period balanced at once [inoplan]: a year. Longer periods are
#: planning far beyond what any plan's dates support and make the model large.
MAX_PERIOD_DAYS = 366
#: Tie-break weights lie in 1..2**TIE_BITS. With m possible moves, the chance
#: that two answers tie on the last level is at most m / 2**TIE_BITS.
TIE_BITS = 32

Reason = Literal["closed", "chairs", "spacing", "vials", "room"]
Status = Literal["optimal", "feasible"]
LevelName = Literal["overflow", "vials", "moves", "shift", "tie"]


class SolverMissingError(InoplanError):
    """OR-Tools is not installed: the one-line install hint, exit status 2."""


# --- the problem ------------------------------------------------------------------------


@dataclass(frozen=True)
class BalanceDose:
    """One dose of a course, as planned now.

    ``regimen_date`` is the date the regimen gave the dose (a plan's
    ``planned_date`` where a clinic day or a delay moved it, else its date);
    ``date`` is the date it is planned for now. ``fixed`` marks a dose that
    must not move: given, or pinned by the user.
    """

    cycle: int
    day: int
    regimen_date: dt.date
    date: dt.date
    mg: Decimal
    fixed: bool = False

    @property
    def label(self) -> str:
        return f"C{self.cycle}D{self.day}"


@dataclass(frozen=True)
class Course:
    """One patient's course: every dose, in the order given (cycle, then day)."""

    patient_id: str
    doses: tuple[BalanceDose, ...]


@dataclass(frozen=True)
class Chairs:
    """Chairs a day has: ``default``, or the override of its weekday (Monday = 0)."""

    default: int
    by_weekday: tuple[tuple[int, int], ...] = ()

    def on(self, day: dt.date) -> int:
        return dict(self.by_weekday).get(day.weekday(), self.default)


@dataclass(frozen=True)
class ClosedDays:
    """Days the clinic gives no infusions: whole weekdays (Monday = 0) and dates."""

    weekdays: frozenset[int] = frozenset()
    dates: frozenset[dt.date] = frozenset()

    def __call__(self, day: dt.date) -> bool:
        return day.weekday() in self.weekdays or day in self.dates


@dataclass(frozen=True)
class BalanceProblem:
    """The unit over a period (``first`` to ``last``, both included)."""

    first: dt.date
    last: dt.date
    chairs: Chairs
    courses: tuple[Course, ...]
    closed: ClosedDays = ClosedDays()
    vial: Vial = rules.VIALS[rules.DEFAULT_MARKET]
    share_vials: bool = False

    def __post_init__(self) -> None:
        _validate(self)

    @property
    def days(self) -> tuple[dt.date, ...]:
        n = (self.last - self.first).days + 1
        return tuple(self.first + dt.timedelta(days=i) for i in range(n))

    def in_period(self, day: dt.date) -> bool:
        return self.first <= day <= self.last

    def chairs_on(self, day: dt.date) -> int:
        """The chairs of ``day``: none on a closed day."""
        return 0 if self.closed(day) else self.chairs.on(day)


def _validate(p: BalanceProblem) -> None:
    if p.last < p.first:
        raise InputError("--to", f"{p.last.isoformat()} is before --from {p.first.isoformat()}")
    span = (p.last - p.first).days + 1
    if span > MAX_PERIOD_DAYS:
        raise InputError(
            "--to", f"the period is {span} days; balance at most {MAX_PERIOD_DAYS} days at once"
        )
    if p.chairs.default < 1:
        raise InputError("--chairs", f"{p.chairs.default} is not allowed; give at least 1 chair")
    seen_weekdays: set[int] = set()
    for weekday, n in p.chairs.by_weekday:
        name = rules.WEEKDAY_NAMES[weekday] if 0 <= weekday < 7 else str(weekday)
        if not 0 <= weekday < 7 or weekday in seen_weekdays:
            raise InputError("--chairs-on", f"weekday {name} is unknown or given twice")
        seen_weekdays.add(weekday)
        if n < 1:
            raise InputError(
                "--chairs-on",
                f"{name}={n} is not allowed; give at least 1 chair, or close the day with "
                "--clinic-days",
            )
    if not all(0 <= w < 7 for w in p.closed.weekdays):
        raise InputError("--clinic-days", "a closed weekday must be 0 (Monday) to 6 (Sunday)")
    if all(w in p.closed.weekdays for w in range(7)):
        raise InputError("--clinic-days", "every weekday is closed; open at least one")
    ids: dict[str, int] = {}
    for n, course in enumerate(p.courses, start=1):
        if not course.patient_id:
            raise InputError(f"course {n}", "has no patient id")
        if course.patient_id in ids:
            raise InputError(
                f"course {n}",
                f"has the same patient id as course {ids[course.patient_id]}; "
                "merge the two plans or give each course its own id",
            )
        ids[course.patient_id] = n
        order = [(d.cycle, d.day) for d in course.doses]
        if order != sorted(set(order)):
            raise InputError(f"course {n}", "doses must be in order of cycle and day, each once")
        for d in course.doses:
            where = f"course {n} {d.label}"
            if d.day not in rules.DOSE_WINDOW_DAYS:
                days = ", ".join(str(x) for x in rules.DOSE_DAYS)
                raise InputError(where, f"day {d.day} is not a dose day ({days})")
            if d.mg <= 0 or d.mg != d.mg.quantize(rules.MG_STEP):
                raise InputError(where, "the dose must be above 0 mg, to 0.01 mg")
    usable = p.vial.usable_mg * 100
    if usable != usable.to_integral_value() or usable <= 0:
        raise InputError("--market", "the vial's usable mg must be a multiple of 0.01 mg")
    if not any(p.in_period(d.regimen_date) for c in p.courses for d in c.doses):
        raise InputError(
            "--from",
            f"no dose has its regimen date from {p.first.isoformat()} to {p.last.isoformat()}",
        )


# --- the answer ---------------------------------------------------------------------------

DoseKey = tuple[str, int, int]


@dataclass(frozen=True)
class Objective:
    """The lexicographic objective: overflow, vials (with sharing), moves, shift."""

    overflow: int
    vials: int | None
    moves: int
    shift_days: int

    def key(self) -> tuple[int, ...]:
        """The levels in order, as compared; vials only with sharing."""
        head = (self.overflow,) if self.vials is None else (self.overflow, self.vials)
        return (*head, self.moves, self.shift_days)


@dataclass(frozen=True)
class Level:
    """One level of the objective as solved: its value, the proven bound, optimal or not."""

    name: LevelName
    value: int
    bound: int
    optimal: bool

    @property
    def gap(self) -> float:
        """(value - bound) / value; 0 when proven optimal."""
        if self.optimal or self.value <= self.bound:
            return 0.0
        return (self.value - self.bound) / self.value


@dataclass(frozen=True)
class Placement:
    """A dose counted in the period, before and after balancing."""

    patient_id: str
    cycle: int
    day: int
    regimen_date: dt.date
    before: dt.date
    after: dt.date
    mg: Decimal
    #: Whether the rules let the dose move at all (it may still stay).
    movable: bool

    @property
    def key(self) -> DoseKey:
        return (self.patient_id, self.cycle, self.day)

    @property
    def label(self) -> str:
        return f"C{self.cycle}D{self.day}"


@dataclass(frozen=True)
class Move:
    """A dose moved: from, to, and why (``reason`` as a key, ``why`` in words)."""

    patient_id: str
    cycle: int
    day: int
    regimen_date: dt.date
    before: dt.date
    after: dt.date
    reason: Reason
    why: str

    @property
    def shift_days(self) -> int:
        return (self.after - self.before).days

    @property
    def label(self) -> str:
        return f"C{self.cycle}D{self.day}"


@dataclass(frozen=True)
class DayLoad:
    """One day of the period, before and after balancing."""

    date: dt.date
    closed: bool
    chairs: int
    doses_before: int
    doses_after: int
    vials_before: int
    vials_after: int
    waste_before_mg: Decimal
    waste_after_mg: Decimal

    @property
    def overflow_before(self) -> int:
        return max(0, self.doses_before - self.chairs)

    @property
    def overflow_after(self) -> int:
        return max(0, self.doses_after - self.chairs)


@dataclass(frozen=True)
class Solution:
    """The balanced unit.

    ``status`` is ``optimal`` when every level of the objective is proven
    optimal; otherwise ``feasible`` and ``gap`` is the relative gap of the first
    level not proven. ``deterministic`` says the tie-break was proven too, so
    the answer does not depend on the number of workers.
    """

    status: Status
    gap: float
    deterministic: bool
    levels: tuple[Level, ...]
    before: Objective
    after: Objective
    placements: tuple[Placement, ...]
    days: tuple[DayLoad, ...]
    moves: tuple[Move, ...]
    seconds: float
    workers: int
    share_vials: bool

    @property
    def vials_before(self) -> int:
        return sum(d.vials_before for d in self.days)

    @property
    def vials_after(self) -> int:
        return sum(d.vials_after for d in self.days)

    @property
    def waste_before_mg(self) -> Decimal:
        return sum((d.waste_before_mg for d in self.days), Decimal(0))

    @property
    def waste_after_mg(self) -> Decimal:
        return sum((d.waste_after_mg for d in self.days), Decimal(0))

    @property
    def overflow_days(self) -> tuple[DayLoad, ...]:
        """The days still over their chairs after balancing (none when it could be helped)."""
        return tuple(d for d in self.days if d.overflow_after > 0)

    def date_of(self, patient_id: str, cycle: int, day: int) -> dt.date:
        """The date a counted dose is given after balancing."""
        for p in self.placements:
            if p.key == (patient_id, cycle, day):
                return p.after
        raise KeyError((patient_id, cycle, day))


# --- what the rules allow --------------------------------------------------------------


@dataclass(frozen=True)
class _Slot:
    """A dose counted in the period, and the dates it may take (its current date first)."""

    course: int
    index: int
    patient_id: str
    dose: BalanceDose
    options: tuple[dt.date, ...]

    @property
    def key(self) -> DoseKey:
        return (self.patient_id, self.dose.cycle, self.dose.day)


def _movable(p: BalanceProblem, d: BalanceDose) -> bool:
    return (
        rules.DOSE_WINDOW_DAYS[d.day] > 0
        and not d.fixed
        and p.in_period(d.regimen_date)
        and p.in_period(d.date)
    )


def _options(p: BalanceProblem, course: Course, i: int) -> tuple[dt.date, ...]:
    """The current date, then every other date the rules allow for dose ``i``.

    Neighbours that cannot move bound the window here; neighbours that can move
    are paired with it in :func:`_pairs`.
    """
    d = course.doses[i]
    if not _movable(p, d):
        return (d.date,)
    gap = rules.MIN_DAYS_BETWEEN_DOSES
    width = rules.DOSE_WINDOW_DAYS[d.day]
    prev = course.doses[i - 1] if i > 0 else None
    nxt = course.doses[i + 1] if i + 1 < len(course.doses) else None
    out = [d.date]
    for k in range(-width, width + 1):
        day = d.regimen_date + dt.timedelta(days=k)
        if day == d.date or not p.in_period(day) or p.closed(day):
            continue
        if prev is not None and not _movable(p, prev) and (day - prev.date).days < gap:
            continue
        if nxt is not None and not _movable(p, nxt) and (nxt.date - day).days < gap:
            continue
        out.append(day)
    return tuple(out)


def _slots(p: BalanceProblem) -> list[_Slot]:
    """Every dose counted in the period (dated in it), with its options."""
    out: list[_Slot] = []
    for c, course in enumerate(p.courses):
        for i, d in enumerate(course.doses):
            if p.in_period(d.date):
                out.append(_Slot(c, i, course.patient_id, d, _options(p, course, i)))
    return out


def _pairs(slots: Sequence[_Slot]) -> list[tuple[int, int]]:
    """Consecutive doses of a course, both counted, at least one with a choice.

    :func:`_options` has already kept each dose clear of neighbours that cannot
    move; a neighbour that could move but found no other date is held here.
    """
    where = {(s.course, s.index): n for n, s in enumerate(slots)}
    pairs = []
    for n, s in enumerate(slots):
        m = where.get((s.course, s.index + 1))
        if m is not None and (len(s.options) > 1 or len(slots[m].options) > 1):
            pairs.append((n, m))
    return pairs


def _clash(a: _Slot, da: dt.date, b: _Slot, db: dt.date) -> bool:
    """Whether ``a`` on ``da`` then ``b`` on ``db`` breaks the spacing by a move."""
    if da == a.dose.date and db == b.dose.date:
        return False  # both stay: not the balancer's doing
    return (db - da).days < rules.MIN_DAYS_BETWEEN_DOSES


def tie_weight(patient_id: str, cycle: int, day: int, date: dt.date) -> int:
    """The fixed weight of moving one dose to ``date`` (1..2**TIE_BITS), for the tie-break."""
    text = f"{patient_id}\x1f{cycle}\x1f{day}\x1f{date.isoformat()}".encode()
    digest = hashlib.sha256(text).digest()
    return int.from_bytes(digest[:8], "big") % (1 << TIE_BITS) + 1


def _cents(mg: Decimal) -> int:
    return int(mg * 100)


def _vials_on(mgs: Sequence[Decimal], vial: Vial, shared: bool) -> tuple[int, Decimal]:
    s = share(mgs, vial)
    if shared:
        return s.vials_shared, s.waste_shared_mg
    return s.vials_separate, s.waste_separate_mg


def evaluate(problem: BalanceProblem, dates: Mapping[DoseKey, dt.date]) -> Objective:
    """The objective of an assignment of the counted doses (missing keys stay put)."""
    slots = _slots(problem)
    return _evaluate(problem, slots, [dates.get(s.key, s.dose.date) for s in slots])


def _evaluate(p: BalanceProblem, slots: Sequence[_Slot], after: Sequence[dt.date]) -> Objective:
    load: dict[dt.date, list[Decimal]] = {}
    for s, day in zip(slots, after, strict=True):
        load.setdefault(day, []).append(s.dose.mg)
    overflow = sum(max(0, len(m) - p.chairs_on(day)) for day, m in load.items())
    vials = None
    if p.share_vials:
        vials = sum(_vials_on(m, p.vial, True)[0] for m in load.values())
    moved = [(s, day) for s, day in zip(slots, after, strict=True) if day != s.dose.date]
    shift = sum(abs((day - s.dose.date).days) for s, day in moved)
    return Objective(overflow, vials, len(moved), shift)


# --- the solver -----------------------------------------------------------------------------


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

    slots = _slots(problem)
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
    for a, b in _pairs(slots):
        la, lb = lits[a], lits[b]
        for ka, da in enumerate(slots[a].options):
            for kb, db in enumerate(slots[b].options):
                if not _clash(slots[a], da, slots[b], db):
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
            fixed_mg[day] = fixed_mg.get(day, 0) + _cents(s.dose.mg)
        else:
            for lit, day in zip(row, s.options, strict=True):
                terms.setdefault(day, []).append((lit, _cents(s.dose.mg)))

    over_parts: list[cp_model.LinearExprT] = []
    over_const = 0
    vial_parts: list[cp_model.LinearExprT] = []
    vial_const = 0
    per_vial = _cents(problem.vial.usable_mg)
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
            mg[day] = mg.get(day, 0) + _cents(s.dose.mg)
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
        obj = _evaluate(problem, slots, [s.options[k] for s, k in zip(slots, choice, strict=True)])
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
        vial_most = sum(-(-_cents(s.dose.mg) // per_vial) for s in slots)
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
    pairs = _pairs(slots)
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
    before_obj = _evaluate(problem, slots, [s.dose.date for s in slots])
    after_obj = _evaluate(problem, slots, after)
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
    days = _day_loads(problem, placements)
    return Solution(
        status="optimal" if proven else "feasible",
        gap=first_open.gap if first_open else 0.0,
        deterministic=proven and tie_proven,
        levels=tuple(levels),
        before=before_obj,
        after=after_obj,
        placements=placements,
        days=days,
        moves=_moves(problem, placements, days),
        seconds=time.perf_counter() - started,
        workers=workers,
        share_vials=problem.share_vials,
    )


def _tidy(
    p: BalanceProblem,
    slots: Sequence[_Slot],
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
        mg[day] = mg.get(day, 0) + _cents(s.dose.mg)
    per_vial = _cents(p.vial.usable_mg)
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
            if m_after and _clash(slots[n], day, slots[m], other):
                return False
            if not m_after and _clash(slots[m], other, slots[n], day):
                return False
        return True

    changed = True
    while changed:
        changed = False
        for n, s in enumerate(slots):
            if out[n] == 0:
                continue
            here = s.options[out[n]]
            c = _cents(s.dose.mg)
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
#: hard level (vials) leaves time for the moves and the shift.
STAGE_SHARE = 0.6


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


# --- the report ---------------------------------------------------------------------------


def _day_loads(p: BalanceProblem, placements: Sequence[Placement]) -> tuple[DayLoad, ...]:
    before: dict[dt.date, list[Decimal]] = {}
    after: dict[dt.date, list[Decimal]] = {}
    for pl in placements:
        before.setdefault(pl.before, []).append(pl.mg)
        after.setdefault(pl.after, []).append(pl.mg)
    out = []
    for day in p.days:
        vb, wb = _vials_on(before.get(day, []), p.vial, p.share_vials)
        va, wa = _vials_on(after.get(day, []), p.vial, p.share_vials)
        out.append(
            DayLoad(
                date=day,
                closed=p.closed(day),
                chairs=p.chairs_on(day),
                doses_before=len(before.get(day, [])),
                doses_after=len(after.get(day, [])),
                vials_before=vb,
                vials_after=va,
                waste_before_mg=wb,
                waste_after_mg=wa,
            )
        )
    return tuple(out)


def _moves(
    p: BalanceProblem, placements: Sequence[Placement], days: Sequence[DayLoad]
) -> tuple[Move, ...]:
    """Every moved dose, with the first reason that applies, in this order: its day
    is closed; a neighbour's move would leave it too close had it stayed; its day
    was over its chairs; with sharing, moving it back would open more vials; it
    makes room for a dose moved onto its day."""
    by_day = {d.date: d for d in days}
    mg_after: dict[dt.date, list[Decimal]] = {}
    course: dict[str, list[Placement]] = {}
    for pl in placements:
        mg_after.setdefault(pl.after, []).append(pl.mg)
        course.setdefault(pl.patient_id, []).append(pl)
    arrivals = {pl.after for pl in placements if pl.after != pl.before}
    out: list[Move] = []
    for pl in placements:
        if pl.after == pl.before:
            continue
        reason: Reason
        old = by_day[pl.before]
        crowd = _neighbour_move(pl, course[pl.patient_id])
        if old.closed:
            reason, why = "closed", f"{pl.before.isoformat()} is a closed clinic day"
        elif crowd is not None:
            reason = "spacing"
            why = (
                f"keeps {rules.MIN_DAYS_BETWEEN_DOSES} days from {crowd.label}, moved to "
                f"{crowd.after.isoformat()}"
            )
        elif old.overflow_before > 0:
            reason = "chairs"
            why = f"{pl.before.isoformat()} had {old.doses_before} doses for {old.chairs} chairs"
        elif p.share_vials and _saves_vials(p, pl, mg_after):
            reason = "vials"
            why = f"shares vials with the other doses of {pl.after.isoformat()}"
        elif pl.before in arrivals:
            reason, why = "room", f"makes room on {pl.before.isoformat()} for a moved dose"
        else:  # pragma: no cover - every move the objective makes has a reason above
            reason, why = "room", "balances the unit"
        out.append(
            Move(
                pl.patient_id,
                pl.cycle,
                pl.day,
                pl.regimen_date,
                pl.before,
                pl.after,
                reason,
                why,
            )
        )
    return tuple(out)


def _saves_vials(
    p: BalanceProblem, pl: Placement, mg_after: Mapping[dt.date, list[Decimal]]
) -> bool:
    """Whether putting ``pl`` back on its old day (all else as balanced) opens more vials."""
    new_day = list(mg_after[pl.after])
    old_day = list(mg_after.get(pl.before, []))
    now = _vials_on(new_day, p.vial, True)[0] + _vials_on(old_day, p.vial, True)[0]
    new_day.remove(pl.mg)
    back = _vials_on(new_day, p.vial, True)[0] + _vials_on([*old_day, pl.mg], p.vial, True)[0]
    return back > now


def _neighbour_move(pl: Placement, course: Sequence[Placement]) -> Placement | None:
    """The moved dose just before or after ``pl`` that would be too close had ``pl`` stayed."""
    ordered = sorted(course, key=lambda x: (x.cycle, x.day))
    i = ordered.index(pl)
    gap = rules.MIN_DAYS_BETWEEN_DOSES
    prev = ordered[i - 1] if i > 0 else None
    nxt = ordered[i + 1] if i + 1 < len(ordered) else None
    if prev is not None and prev.after != prev.before and (pl.before - prev.after).days < gap:
        return prev
    if nxt is not None and nxt.after != nxt.before and (nxt.after - pl.before).days < gap:
        return nxt
    return None
