"""The answer: the objective's levels, where each counted dose goes, the days, the moves."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from inoplan.domain.balance.model import LevelName, Reason, Status

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
