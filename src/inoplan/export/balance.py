"""``inoplan balance`` for scripts: JSON (schema ``inoplan.balance/1``) and CSV.

JSON keys (stable: only ever added within the schema version; dates ISO 8601,
numbers JSON numbers, keys sorted):

- ``schema``, ``generator``; ``period`` (``from``, ``to``); ``chairs``
  (``default``, ``by_weekday``: weekday -> chairs); ``clinic_days``, ``holidays``;
  ``market``, ``vial_usable_mg``, ``share_vials``, ``vial_price`` (``null`` unless given);
- ``solver``: ``status`` (``optimal`` or ``feasible``), ``gap`` (0 when proven),
  ``deterministic``, ``seconds``, ``workers``, ``levels`` (``name``, ``value``,
  ``bound``, ``optimal``; in order: ``overflow``, ``vials`` with sharing,
  ``moves``, ``shift``);
- ``before`` and ``after``: ``overflow`` (doses beyond the chairs, summed over
  the days), ``peak_doses``, ``days_over``, ``vials``, ``waste_mg``, ``cost``
  (vials x ``vial_price``, else ``null``), ``moves``, ``shift_days``;
- ``saved``: ``vials``, ``waste_mg``, ``cost``;
- ``days``: one per day of the period: ``date``, ``weekday``, ``closed``,
  ``chairs``, ``doses_before``, ``doses_after``, ``vials_before``,
  ``vials_after``, ``waste_before_mg``, ``waste_after_mg``;
- ``moves``: ``patient_id``, ``cycle``, ``day``, ``dose`` (``C1D8``),
  ``regimen_date``, ``from``, ``to``, ``shift_days``, ``reason`` (``closed``,
  ``chairs``, ``spacing``, ``vials`` or ``room``) and ``why`` in words;
- ``warnings`` (what a person must act on: days still over their chairs, a
  time limit that ran out), ``notes``; ``applied``: ``null`` for a dry run, else
  ``out`` and ``plans`` (the files written).

CSV: a header row, one row per counted dose (``patient_id, cycle, day, dose,
regimen_date, date_before, date_after, moved, shift_days, reason, why, mg``)
and ``warnings`` repeated on every row, as the plan's CSV does.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from inoplan import __version__
from inoplan.domain.balance import Move, Solution
from inoplan.domain.clinic_days import format_clinic_days
from inoplan.domain.rules import WEEKDAY_NAMES
from inoplan.export.csv import safe_row
from inoplan.export.json import dumps, num
from inoplan.services.balance import Balanced

SCHEMA = "inoplan.balance/1"
CSV_COLUMNS = (
    "patient_id",
    "cycle",
    "day",
    "dose",
    "regimen_date",
    "date_before",
    "date_after",
    "moved",
    "shift_days",
    "reason",
    "why",
    "mg",
    "warnings",
)
MOVES_COLUMNS = (
    "patient_id",
    "dose",
    "regimen_date",
    "from",
    "to",
    "shift_days",
    "reason",
    "why",
)


def _money(value: Decimal | None) -> float | None:
    return None if value is None else num(value)


def _side(r: Balanced, after: bool) -> dict[str, Any]:
    sol = r.solution
    obj = sol.after if after else sol.before
    vials = sol.vials_after if after else sol.vials_before
    doses = [d.doses_after if after else d.doses_before for d in sol.days]
    over = [d.overflow_after if after else d.overflow_before for d in sol.days]
    return {
        "overflow": obj.overflow,
        "peak_doses": max(doses, default=0),
        "days_over": sum(1 for o in over if o > 0),
        "vials": vials,
        "waste_mg": num(sol.waste_after_mg if after else sol.waste_before_mg),
        "cost": _money(r.cost(vials)),
        "moves": obj.moves,
        "shift_days": obj.shift_days,
    }


def move_to_dict(m: Move) -> dict[str, Any]:
    return {
        "patient_id": m.patient_id,
        "cycle": m.cycle,
        "day": m.day,
        "dose": m.label,
        "regimen_date": m.regimen_date.isoformat(),
        "from": m.before.isoformat(),
        "to": m.after.isoformat(),
        "shift_days": m.shift_days,
        "reason": m.reason,
        "why": m.why,
    }


def solver_dict(sol: Solution) -> dict[str, Any]:
    return {
        "status": sol.status,
        "gap": round(sol.gap, 6),
        "deterministic": sol.deterministic,
        "seconds": round(sol.seconds, 3),
        "workers": sol.workers,
        "levels": [
            {"name": lv.name, "value": lv.value, "bound": lv.bound, "optimal": lv.optimal}
            for lv in sol.levels
        ],
    }


def to_dict(
    r: Balanced, applied: Sequence[str] | None = None, out: str | None = None
) -> dict[str, Any]:
    """The report as data; ``applied`` lists the plan files written to ``out``."""
    o, sol = r.options, r.solution
    saved_vials = sol.vials_before - sol.vials_after
    return {
        "schema": SCHEMA,
        "generator": f"inoplan {__version__}",
        "period": {"from": o.first.isoformat(), "to": o.last.isoformat()},
        "chairs": {
            "default": o.chairs.default,
            "by_weekday": {WEEKDAY_NAMES[w]: n for w, n in o.chairs.by_weekday},
        },
        "clinic_days": format_clinic_days(o.clinic_days) if o.clinic_days is not None else "all",
        "holidays": o.holidays,
        "market": o.vial.market,
        "vial_usable_mg": num(o.vial.usable_mg),
        "share_vials": o.share_vials,
        "vial_price": _money(o.vial_price),
        "solver": solver_dict(sol),
        "before": _side(r, after=False),
        "after": _side(r, after=True),
        "saved": {
            "vials": saved_vials,
            "waste_mg": num(sol.waste_before_mg - sol.waste_after_mg),
            "cost": _money(r.cost(saved_vials)),
        },
        "days": [
            {
                "date": d.date.isoformat(),
                "weekday": WEEKDAY_NAMES[d.date.weekday()],
                "closed": d.closed,
                "chairs": d.chairs,
                "doses_before": d.doses_before,
                "doses_after": d.doses_after,
                "vials_before": d.vials_before,
                "vials_after": d.vials_after,
                "waste_before_mg": num(d.waste_before_mg),
                "waste_after_mg": num(d.waste_after_mg),
            }
            for d in sol.days
        ],
        "moves": [move_to_dict(m) for m in sol.moves],
        "warnings": list(r.warnings),
        "notes": list(r.notes),
        "applied": None if applied is None else {"out": out, "plans": list(applied)},
    }


def render_json(r: Balanced, applied: Sequence[str] | None = None, out: str | None = None) -> str:
    return dumps(to_dict(r, applied, out))


def render_csv(r: Balanced) -> str:
    """One row per counted dose, before and after."""
    moves = {(m.patient_id, m.cycle, m.day): m for m in r.solution.moves}
    warnings = " | ".join(r.warnings)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(CSV_COLUMNS)
    for p in sorted(r.solution.placements, key=lambda p: (p.before, p.patient_id, p.cycle, p.day)):
        m = moves.get(p.key)
        w.writerow(
            safe_row(
                [
                    p.patient_id,
                    str(p.cycle),
                    str(p.day),
                    p.label,
                    p.regimen_date.isoformat(),
                    p.before.isoformat(),
                    p.after.isoformat(),
                    "yes" if m else "no",
                    str((p.after - p.before).days),
                    m.reason if m else "",
                    m.why if m else "",
                    f"{p.mg:f}",
                    warnings,
                ]
            )
        )
    return buf.getvalue()


def moves_csv(r: Balanced) -> str:
    """The moves alone (the ``balance-moves.csv`` of an ``--apply --out`` folder)."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(MOVES_COLUMNS)
    for m in r.solution.moves:
        d = move_to_dict(m)
        w.writerow(safe_row([str(d[c]) for c in MOVES_COLUMNS]))
    return buf.getvalue()
