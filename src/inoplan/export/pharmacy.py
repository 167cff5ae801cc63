"""The compounding worksheet and the worklist as JSON and CSV.

Schemas ``inoplan.prep/1`` and ``inoplan.worklist/1``: keys are only ever
added within a version. Numbers are JSON numbers, dates ISO 8601, clock times
``HH:MM``; a value the rules do not know (the EU water volume) is ``null``.
CSV: UTF-8, a header row, ISO dates, ``\\r\\n`` line ends.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from inoplan import __version__
from inoplan.domain import rules
from inoplan.domain.pharmacy import Deadline, Worksheet
from inoplan.domain.rules import Vial
from inoplan.export.csv import safe_row
from inoplan.export.json import dumps, num
from inoplan.services.worklist import PREMED_SHORT, Infusion, Worklist

PREP_SCHEMA = "inoplan.prep/1"
WORKLIST_SCHEMA = "inoplan.worklist/1"


def _clock(d: Deadline | None) -> str | None:
    return None if d is None else d.at.strftime("%H:%M")


def _days(d: Deadline | None) -> int | None:
    return None if d is None else d.days_later


def vial_to_dict(vial: Vial) -> dict[str, Any]:
    return {
        "market": vial.market,
        "label": vial.label,
        "usable_mg": num(vial.usable_mg),
        "usable_mg_evidence": vial.usable_mg_evidence,
        "mg_per_ml_after_reconstitution": num(vial.mg_per_ml),
        "water_ml": None if vial.water_ml is None else num(vial.water_ml),
        "deliverable_ml": None if vial.deliverable_ml is None else num(vial.deliverable_ml),
        "evidence": vial.evidence,
    }


def worksheet_to_dict(ws: Worksheet, context: dict[str, Any] | None = None) -> dict[str, Any]:
    """The worksheet as plain JSON-ready data; ``context`` says which dose it is."""
    lo, hi = rules.FINAL_MG_PER_ML_RANGE
    return {
        "schema": PREP_SCHEMA,
        "generator": {"name": "inoplan", "version": __version__},
        "label_revision": rules.LABEL_REVISION,
        "dose": context or {},
        "dose_mg": num(ws.dose_mg),
        "market": ws.vial.market,
        "vial": vial_to_dict(ws.vial),
        "vials": ws.vials,
        "reconstitute_with": rules.RECONSTITUTION_FLUID,
        "water_per_vial_ml": None if ws.vial.water_ml is None else num(ws.vial.water_ml),
        "reconstituted_mg_per_ml": num(ws.vial.mg_per_ml),
        "draws_ml": [num(d) for d in ws.draws_ml],
        "withdraw_ml": num(ws.withdraw_ml),
        "diluent": rules.DILUENT,
        # Exact (50 - draw), for the record; the bag is filled to diluent_shown_ml.
        "diluent_ml": num(ws.diluent_ml),
        "diluent_shown_ml": num(ws.diluent_shown_ml),
        "diluent_shown_step_ml": num(rules.DILUENT_SHOWN_STEP_ML),
        "draw_step_ml": num(rules.ML_STEP),
        "final_volume_ml": num(ws.final_volume_ml),
        "final_mg_per_ml": num(ws.final_mg_per_ml),
        "final_mg_per_ml_range": {
            "low": num(lo),
            "high": num(hi),
            "evidence": rules.FINAL_MG_PER_ML_EVIDENCE,
            "in_range": ws.final_in_range,
        },
        "rate_ml_per_h": num(ws.rate_ml_per_h),
        "duration_h": ws.duration_h,
        "reconstituted_at": None
        if ws.reconstituted_at is None
        else ws.reconstituted_at.strftime("%H:%M"),
        "dilute_by": _clock(ws.dilute_by),
        "dilute_by_days_later": _days(ws.dilute_by),
        "start_infusion_by": _clock(ws.start_infusion_by),
        "start_infusion_by_days_later": _days(ws.start_infusion_by),
        "start_infusion_by_derivation": rules.START_BY_DERIVATION,
        "infusion_end_by": _clock(ws.infusion_end_by),
        "infusion_end_by_days_later": _days(ws.infusion_end_by),
        "limits_h": {
            "reconstitution_to_dilution": rules.RECONSTITUTION_TO_DILUTION_MAX_H,
            "reconstitution_to_infusion_end": rules.RECONSTITUTION_TO_INFUSION_END_MAX_H,
            "infusion": rules.INFUSION_HOURS,
        },
        "extra_vial": _extra_vial(ws),
        "waste_mg": num(ws.waste_mg),
        "waste_ml": num(ws.waste_ml),
        "steps": [{"key": s.key, "text": s.display, "evidence": s.evidence} for s in ws.steps],
        "warnings": list(ws.warnings),
        "notes": list(ws.notes),
    }


def _extra_vial(ws: Worksheet) -> dict[str, Any] | None:
    x = ws.extra_vial
    if x is None:
        return None
    return {
        "remainder_mg": num(x.remainder_mg),
        "share_of_dose_pct": num(x.share_pct),
        "share_threshold_pct": num(rules.EXTRA_VIAL_SHARE_PCT),
        "waste_mg": num(x.waste_mg),
        "whole_vial_alternative": {
            "vials": x.whole_vials,
            "mg": num(x.whole_vial_mg),
            "change_pct": num(x.whole_vial_change_pct),
            "applied": False,
        },
        "text": x.text,
    }


def worksheet_json(ws: Worksheet, context: dict[str, Any] | None = None) -> str:
    return dumps(worksheet_to_dict(ws, context))


WORKSHEET_COLUMNS = (
    "dose_mg",
    "market",
    "vials",
    "water_per_vial_ml",
    "reconstituted_mg_per_ml",
    "withdraw_ml",
    "diluent_ml",
    "final_volume_ml",
    "final_mg_per_ml",
    "rate_ml_per_h",
    "duration_h",
    "reconstituted_at",
    "dilute_by",
    "infusion_end_by",
    "waste_mg",
    "waste_ml",
    # Added within inoplan.prep/1: the saline as measured, the derived start time,
    # and what a person must look at.
    "diluent_shown_ml",
    "start_infusion_by",
    "extra_vial",
    "warnings",
)


def _deadline_text(d: Deadline | None) -> str:
    if d is None:
        return ""
    return d.at.strftime("%H:%M") + (f"+{d.days_later}d" if d.days_later else "")


def worksheet_csv(ws: Worksheet) -> str:
    """A header row and one row; an unknown value (EU water volume) is an empty cell."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(WORKSHEET_COLUMNS)
    w.writerow(
        safe_row(
            [
                f"{ws.dose_mg}",
                ws.vial.market,
                str(ws.vials),
                "" if ws.vial.water_ml is None else f"{ws.vial.water_ml}",
                f"{ws.vial.mg_per_ml}",
                f"{ws.withdraw_ml}",
                f"{ws.diluent_ml}",
                f"{ws.final_volume_ml}",
                f"{ws.final_mg_per_ml}",
                f"{ws.rate_ml_per_h}",
                str(ws.duration_h),
                "" if ws.reconstituted_at is None else ws.reconstituted_at.strftime("%H:%M"),
                _deadline_text(ws.dilute_by),
                _deadline_text(ws.infusion_end_by),
                f"{ws.waste_mg}",
                f"{ws.waste_ml}",
                f"{ws.diluent_shown_ml}",
                _deadline_text(ws.start_infusion_by),
                "" if ws.extra_vial is None else ws.extra_vial.text,
                " | ".join(ws.warnings),
            ]
        )
    )
    return buf.getvalue()


# --- worklist -------------------------------------------------------------------------------


def infusion_to_dict(i: Infusion) -> dict[str, Any]:
    r = i.rounding
    return {
        "date": i.date.isoformat(),
        "time": None if i.time is None else i.time.strftime("%H:%M"),
        "patient_id": i.patient_id,
        "source": i.where,
        "dose": i.label,
        "ordered_mg": num(i.ordered_mg),
        "dose_mg": num(i.dose_mg),
        "rounding": None
        if r is None
        else {
            "applied": r.applied,
            "ordered_mg": num(r.ordered_mg),
            "rounded_mg": num(r.rounded_mg),
            "change_pct": num(r.change_pct),
            "reason": r.reason,
        },
        "vials": i.sheet.vials,
        "withdraw_ml": num(i.sheet.withdraw_ml),
        "diluent_ml": num(i.sheet.diluent_ml),
        "final_volume_ml": num(i.sheet.final_volume_ml),
        "final_mg_per_ml": num(i.sheet.final_mg_per_ml),
        "waste_mg": num(i.sheet.waste_mg),
        "premedication": PREMED_SHORT,
    }


def worklist_to_dict(wl: Worklist) -> dict[str, Any]:
    out: dict[str, Any] = {
        "schema": WORKLIST_SCHEMA,
        "generator": {"name": "inoplan", "version": __version__},
        "label_revision": rules.LABEL_REVISION,
        "from": wl.first.isoformat(),
        "to": wl.last.isoformat(),
        "market": wl.vial.market,
        "vial": vial_to_dict(wl.vial),
        "infusions": [infusion_to_dict(i) for i in wl.infusions],
        "days": [
            {
                "date": d.date.isoformat(),
                "infusions": d.infusions,
                "dose_mg": num(d.dose_mg),
                "vials": d.vials,
                "waste_mg": num(d.waste_mg),
                "vials_shared": d.vials_shared,
                "waste_shared_mg": None if d.waste_shared_mg is None else num(d.waste_shared_mg),
            }
            for d in wl.days
        ],
        "rounding": None
        if wl.round_within_pct is None or wl.round_to is None
        else {
            "within_pct": num(wl.round_within_pct),
            "to": wl.round_to.describe(wl.vial),
        },
        "sessions": None
        if wl.sessions is None
        else [
            {
                "date": s.date.isoformat(),
                "first_time": None if s.first is None else s.first.strftime("%H:%M"),
                "last_time": None if s.last is None else s.last.strftime("%H:%M"),
                "infusions": [f"{i.who} {i.label}" for i in s.infusions],
                "vials_separate": s.sharing.vials_separate,
                "waste_separate_mg": num(s.sharing.waste_separate_mg),
                "vials_shared": s.sharing.vials_shared,
                "waste_shared_mg": num(s.sharing.waste_shared_mg),
            }
            for s in wl.sessions
        ],
        "warnings": list(wl.warnings),
        "notes": list(wl.notes),
    }
    return out


def worklist_json(wl: Worklist) -> str:
    return dumps(worklist_to_dict(wl))


WORKLIST_COLUMNS = (
    "date",
    "time",
    "patient_id",
    "source",
    "dose",
    "ordered_mg",
    "dose_mg",
    "change_pct",
    "rounding_reason",
    "vials",
    "withdraw_ml",
    "diluent_ml",
    "final_volume_ml",
    "waste_mg",
    "premedication",
)


def _worklist_rows(wl: Worklist) -> Iterable[list[str]]:
    for i in wl.infusions:
        r = i.rounding
        yield safe_row(
            [
                i.date.isoformat(),
                "" if i.time is None else i.time.strftime("%H:%M"),
                i.patient_id or "",
                i.where,
                i.label,
                f"{i.ordered_mg}",
                f"{i.dose_mg}",
                "" if r is None else f"{r.change_pct}",
                "" if r is None else r.reason,
                str(i.sheet.vials),
                f"{i.sheet.withdraw_ml}",
                f"{i.sheet.diluent_ml}",
                f"{i.sheet.final_volume_ml}",
                f"{i.sheet.waste_mg}",
                PREMED_SHORT,
            ]
        )


def worklist_csv(wl: Worklist) -> str:
    """One row per infusion (the day totals are in the table and the JSON)."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(WORKLIST_COLUMNS)
    w.writerows(_worklist_rows(wl))
    return buf.getvalue()
