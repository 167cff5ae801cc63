"""What the rules allow: the doses counted in the period and the dates each may take."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from inoplan.domain import rules
from inoplan.domain.balance.answer import DoseKey, Objective
from inoplan.domain.balance.model import TIE_BITS, BalanceDose, BalanceProblem, Course
from inoplan.domain.pharmacy import share
from inoplan.domain.rules import Vial


@dataclass(frozen=True)
class Slot:
    """A dose counted in the period, and the dates it may take (its current date first)."""

    course: int
    index: int
    patient_id: str
    dose: BalanceDose
    options: tuple[dt.date, ...]

    @property
    def key(self) -> DoseKey:
        return (self.patient_id, self.dose.cycle, self.dose.day)


def movable(p: BalanceProblem, d: BalanceDose) -> bool:
    return (
        rules.DOSE_WINDOW_DAYS[d.day] > 0
        and not d.fixed
        and p.in_period(d.regimen_date)
        and p.in_period(d.date)
    )


def options_of(p: BalanceProblem, course: Course, i: int) -> tuple[dt.date, ...]:
    """The current date, then every other date the rules allow for dose ``i``.

    Neighbours that cannot move bound the window here; neighbours that can move
    are paired with it in :func:`pairs_of`.
    """
    d = course.doses[i]
    if not movable(p, d):
        return (d.date,)
    gap = rules.MIN_DAYS_BETWEEN_DOSES
    width = rules.DOSE_WINDOW_DAYS[d.day]
    prev = course.doses[i - 1] if i > 0 else None
    nxt = course.doses[i + 1] if i + 1 < len(course.doses) else None
    out = [d.date]
    for k in range(-width, width + 1):
        day = d.regimen_date + dt.timedelta(days=k)
        if day == d.date or not p.in_period(day) or p.closed(day) or day in course.closed:
            continue
        if prev is not None and not movable(p, prev) and (day - prev.date).days < gap:
            continue
        if nxt is not None and not movable(p, nxt) and (nxt.date - day).days < gap:
            continue
        out.append(day)
    return tuple(out)


def slots_of(p: BalanceProblem) -> list[Slot]:
    """Every dose counted in the period (its regimen date in it), with its options."""
    out: list[Slot] = []
    for c, course in enumerate(p.courses):
        for i, d in enumerate(course.doses):
            if p.in_period(d.regimen_date):
                out.append(Slot(c, i, course.patient_id, d, options_of(p, course, i)))
    return out


def pairs_of(slots: Sequence[Slot]) -> list[tuple[int, int]]:
    """Consecutive doses of a course, both counted, at least one with a choice.

    :func:`options_of` has already kept each dose clear of neighbours that cannot
    move; a neighbour that could move but found no other date is held here.
    """
    where = {(s.course, s.index): n for n, s in enumerate(slots)}
    pairs = []
    for n, s in enumerate(slots):
        m = where.get((s.course, s.index + 1))
        if m is not None and (len(s.options) > 1 or len(slots[m].options) > 1):
            pairs.append((n, m))
    return pairs


def clash(a: Slot, da: dt.date, b: Slot, db: dt.date) -> bool:
    """Whether ``a`` on ``da`` then ``b`` on ``db`` breaks the spacing by a move."""
    if da == a.dose.date and db == b.dose.date:
        return False  # both stay: not the balancer's doing
    return (db - da).days < rules.MIN_DAYS_BETWEEN_DOSES


def tie_weight(patient_id: str, cycle: int, day: int, date: dt.date) -> int:
    """The fixed weight of moving one dose to ``date`` (1..2**TIE_BITS), for the tie-break."""
    text = f"{patient_id}\x1f{cycle}\x1f{day}\x1f{date.isoformat()}".encode()
    digest = hashlib.sha256(text).digest()
    return int.from_bytes(digest[:8], "big") % (1 << TIE_BITS) + 1


def cents(mg: Decimal) -> int:
    return int(mg * 100)


def vials_on(mgs: Sequence[Decimal], vial: Vial, shared: bool) -> tuple[int, Decimal]:
    s = share(mgs, vial)
    if shared:
        return s.vials_shared, s.waste_shared_mg
    return s.vials_separate, s.waste_separate_mg


def evaluate(problem: BalanceProblem, dates: Mapping[DoseKey, dt.date]) -> Objective:
    """The objective of an assignment of the counted doses (missing keys stay put)."""
    slots = slots_of(problem)
    return evaluate_slots(problem, slots, [dates.get(s.key, s.dose.date) for s in slots])


def evaluate_slots(p: BalanceProblem, slots: Sequence[Slot], after: Sequence[dt.date]) -> Objective:
    load: dict[dt.date, list[Decimal]] = {}
    for s, day in zip(slots, after, strict=True):
        if p.in_period(day):  # a counted dose dated outside the period loads no day of it
            load.setdefault(day, []).append(s.dose.mg)
    overflow = sum(max(0, len(m) - p.chairs_on(day)) for day, m in load.items())
    vials = None
    if p.share_vials:
        vials = sum(vials_on(m, p.vial, True)[0] for m in load.values())
    moved = [(s, day) for s, day in zip(slots, after, strict=True) if day != s.dose.date]
    shift = sum(abs((day - s.dose.date).days) for s, day in moved)
    return Objective(overflow, vials, len(moved), shift)
