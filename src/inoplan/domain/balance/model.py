"""The problem: the unit's courses over a period, its chairs and closed days, and the checks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from inoplan.domain import rules
from inoplan.domain.errors import InoplanError, InputError
from inoplan.domain.rules import Vial

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


@dataclass(frozen=True)
class BalanceDose:
    """One dose of a course, as planned now.

    ``regimen_date`` is the date the regimen gives the dose: its cycle's day 1
    plus the cycle day, before any clinic-day move; ``date`` is the date it is
    planned for now. ``fixed`` marks a dose that
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
    """One patient's course: every dose, in the order given (cycle, then day).

    ``closed`` holds the days the course's own plan keeps closed (its
    ``--clinic-days`` and ``--holidays``) within the period: no dose of the
    course moves onto one, whatever the unit's calendar says.
    """

    patient_id: str
    doses: tuple[BalanceDose, ...]
    closed: frozenset[dt.date] = frozenset()


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
