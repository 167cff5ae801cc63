"""Why each dose moved, and each day's load before and after."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal

from inoplan.domain import rules
from inoplan.domain.balance.allowed import vials_on
from inoplan.domain.balance.answer import DayLoad, Move, Placement
from inoplan.domain.balance.model import BalanceProblem, Reason


def day_loads(p: BalanceProblem, placements: Sequence[Placement]) -> tuple[DayLoad, ...]:
    before: dict[dt.date, list[Decimal]] = {}
    after: dict[dt.date, list[Decimal]] = {}
    for pl in placements:
        before.setdefault(pl.before, []).append(pl.mg)
        after.setdefault(pl.after, []).append(pl.mg)
    out = []
    for day in p.days:
        vb, wb = vials_on(before.get(day, []), p.vial, p.share_vials)
        va, wa = vials_on(after.get(day, []), p.vial, p.share_vials)
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


def explain_moves(
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
    now = vials_on(new_day, p.vial, True)[0] + vials_on(old_day, p.vial, True)[0]
    new_day.remove(pl.mg)
    back = vials_on(new_day, p.vial, True)[0] + vials_on([*old_day, pl.mg], p.vial, True)[0]
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
