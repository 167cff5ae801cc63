"""Rich views of the compounding worksheet and the worklist, for a terminal.

Imported only by ``inoplan prep`` and ``inoplan worklist``.
"""

from __future__ import annotations

from rich.console import Console, Group
from rich.text import Text

from inoplan.domain import rules
from inoplan.domain.pharmacy import Deadline, Worksheet
from inoplan.render.plan import NOTICE
from inoplan.render.text import (
    Block,
    Framed,
    Hanging,
    Labelled,
    Lines,
    bullet,
    compact_table,
    note,
    warning,
)
from inoplan.render.text import heading as title
from inoplan.services.worklist import PREMED_SHORT, Worklist

NOT_GIVEN = f"not in inoplan's rules: take it from the label ({rules.VERIFY_NOTE})"


def _deadline(d: Deadline | None, hours: int, limit: str) -> str:
    """A label limit: the clock time (or the hours) and the limit it comes from."""
    if d is None:
        return (
            f"{hours} h after reconstitution (label: {limit}; give --reconstituted-at HH:MM "
            "for the time)"
        )
    return f"{d} (label: {limit})"


def worksheet_view(ws: Worksheet, heading: str | None = None) -> Group:
    """The worksheet, in the order the pharmacist works."""
    v = ws.vial
    rows: list[tuple[str, str]] = []
    rows.append(("Dose", f"{ws.dose_mg} mg"))
    rows.append(("Vial", f"{v.label}, {v.mg_per_ml} mg/mL after reconstitution"))
    assumed = (
        f" (assumes the whole {v.usable_mg} mg can be withdrawn; {rules.VERIFY_NOTE})"
        if v.usable_mg_evidence == "?"
        else ""
    )
    rows.append(("Vials to reconstitute", f"{ws.vials}{assumed}"))
    water = NOT_GIVEN if v.water_ml is None else f"{v.water_ml} mL {rules.RECONSTITUTION_FLUID}"
    rows.append(("Water per vial", water))
    deliverable = (
        NOT_GIVEN
        if v.deliverable_ml is None
        else f"{v.deliverable_ml} mL ({v.usable_mg} mg) per vial"
    )
    rows.append(("Deliverable volume", deliverable))
    rows.append(("Concentration", f"{v.mg_per_ml} mg/mL after reconstitution"))
    draws = " + ".join(f"{d:.2f}" for d in ws.draws_ml)
    rows.append(
        (
            "Withdraw",
            f"{ws.withdraw_ml} mL ({ws.dose_mg} / {v.mg_per_ml})"
            + (f" = {draws} mL from the vials" if len(ws.draws_ml) > 1 else ""),
        )
    )
    rows.append(
        (
            "Diluent",
            f"{ws.diluent_shown_ml} mL {rules.DILUENT}, to a total of {ws.final_volume_ml} mL "
            f"({ws.final_volume_ml} - {ws.withdraw_ml}, to {rules.DILUENT_SHOWN_STEP_ML} mL)",
        )
    )
    lo, hi = rules.FINAL_MG_PER_ML_RANGE
    flag = "" if ws.final_in_range else "  OUTSIDE RANGE"
    rows.append(
        (
            "Final concentration",
            f"{ws.final_mg_per_ml} mg/mL ({ws.dose_mg} / {ws.final_volume_ml}); "
            f"expected {lo}-{hi} mg/mL ({rules.VERIFY_NOTE}){flag}",
        )
    )
    rows.append(("Infusion", f"{ws.rate_ml_per_h} mL/h over {ws.duration_h} h"))
    if ws.reconstituted_at is not None:
        rows.append(("Reconstituted at", ws.reconstituted_at.strftime("%H:%M")))
    dilute_h = rules.RECONSTITUTION_TO_DILUTION_MAX_H
    dilute = f"at most {dilute_h} h from reconstitution to dilution"
    rows.append(("Dilute by", _deadline(ws.dilute_by, dilute_h, dilute)))
    start_h = rules.RECONSTITUTION_TO_INFUSION_END_MAX_H - rules.INFUSION_HOURS
    start_by = (
        f"{start_h} h after reconstitution"
        if ws.start_infusion_by is None
        else f"{ws.start_infusion_by}"
    )
    rows.append(("Start infusion by", f"{start_by} ({rules.START_BY_DERIVATION})"))
    end_h = rules.RECONSTITUTION_TO_INFUSION_END_MAX_H
    end = f"at most {end_h} h from reconstitution to the end of the infusion"
    rows.append(("Infusion ends by", _deadline(ws.infusion_end_by, end_h, end)))
    rows.append(("Waste", f"{ws.waste_mg} mg = {ws.waste_ml} mL left in the last vial"))
    if ws.extra_vial is not None:
        rows.append(("Extra vial", ws.extra_vial.text))
    parts: list[Block] = [Framed(heading or "Compounding worksheet", [Labelled(rows)])]
    parts.extend(warning(w) for w in ws.warnings)
    parts.append(title("Handling:"))
    parts.extend(bullet(s.display) for s in ws.steps)
    parts.append(Lines([[]]))
    for n in ws.notes:
        if ws.extra_vial is not None and n.startswith("Extra vial: "):
            continue  # shown in the worksheet itself
        parts.append(note(n))
    parts.append(title(NOTICE, "italic"))
    return Group(*parts)


def worklist_view(wl: Worklist) -> Group:
    """Infusions, day totals and (if asked) vial sharing."""
    span = wl.first.isoformat() if wl.first == wl.last else f"{wl.first} to {wl.last}"
    rounding = wl.rounding_on
    one_day = wl.first == wl.last
    timed = any(i.time for i in wl.infusions)
    t = compact_table(f"Worklist {span} ({wl.vial.label})")
    if not one_day:
        t.add_column("Date", no_wrap=True, min_width=10)
    if timed:
        t.add_column("Time", no_wrap=True, min_width=5)
    t.add_column(
        "Patient", no_wrap=True, min_width=max((len(i.who) for i in wl.infusions), default=7)
    )
    t.add_column("Dose", no_wrap=True, min_width=5)
    numeric = ["Ordered\nmg"]
    if rounding:
        numeric += ["Prep\nmg", "Change\n%"]
    numeric += ["Draw\nmL", "Vials", "Waste\nmg"]
    for name in numeric:
        # Fold rather than cut: a number is never shown shortened.
        t.add_column(name, justify="right", overflow="fold")
    reasons = Text()
    for i in wl.infusions:
        row = [] if one_day else [i.date.isoformat()]
        if timed:
            row.append("" if i.time is None else i.time.strftime("%H:%M"))
        row += [i.who, i.label]
        row.append(f"{i.ordered_mg}")
        if rounding:
            r = i.rounding
            row += [f"{i.dose_mg}", "" if r is None else f"{r.change_pct:+}"]
            if r is not None:
                when = "" if one_day else f"{i.date.isoformat()} "
                reasons.append(f"  - {when}{i.who} {i.label}: {r.reason}\n")
        row += [
            f"{i.sheet.withdraw_ml}",
            str(i.sheet.vials),
            f"{i.sheet.waste_mg}",
        ]
        t.add_row(*row)
    if not wl.infusions:
        # The warnings and notes still show: a note gives the span the plans cover,
        # so a date typed in the wrong year is seen at once.
        return Group(
            Text(f"Worklist {span} ({wl.vial.label}): no infusions due in this period."),
            *_messages(wl),
            Text(NOTICE, style="italic"),
        )
    parts: list[object] = [t]
    if rounding and wl.infusions:
        parts.append(Text("Rounding (ordered -> prepared):", style="bold"))
        parts.append(reasons)
    parts.append(
        Text(
            f"Each dose: draw the volume shown, add {rules.DILUENT} to "
            f"{rules.FINAL_VOLUME_ML} mL in total ({rules.FINAL_VOLUME_ML} - draw), infuse at "
            f"{rules.INFUSION_RATE_ML_PER_H} mL/h over {rules.INFUSION_HOURS} h; "
            "the full worksheet: inoplan prep.\n"
            f"Premedication before every dose: {PREMED_SHORT}."
        )
    )

    totals = compact_table("Vials per day")
    totals.add_column("Date", no_wrap=True)
    for name in ("Infusions", "Total mg", "Vials", "Waste mg"):
        totals.add_column(name, justify="right", overflow="fold")
    sharing = wl.sessions is not None
    if sharing:
        totals.add_column("Vials shared", justify="right", overflow="fold")
        totals.add_column("Waste shared mg", justify="right", overflow="fold")
    for d in wl.days:
        row = [d.date.isoformat(), str(d.infusions), f"{d.dose_mg}", str(d.vials), f"{d.waste_mg}"]
        if sharing:
            row += [str(d.vials_shared), f"{d.waste_shared_mg}"]
        totals.add_row(*row)
    if wl.days:
        parts.append(totals)
    if wl.sessions:
        st = compact_table("Vial sharing by session")
        st.add_column("Date", no_wrap=True)
        st.add_column("Times", no_wrap=True)
        st.add_column("Doses", overflow="fold")
        for name in ("Vials\nalone", "Waste\nalone mg", "Vials\nshared", "Waste\nshared mg"):
            st.add_column(name, justify="right", overflow="fold")
        for s in wl.sessions:
            times = (
                "no time"
                if s.first is None
                else (
                    f"{s.first:%H:%M}-{s.last:%H:%M}" if s.last != s.first else f"{s.first:%H:%M}"
                )
            )
            st.add_row(
                s.date.isoformat(),
                times,
                ", ".join(f"{i.who} {i.label}" for i in s.infusions),
                str(s.sharing.vials_separate),
                f"{s.sharing.waste_separate_mg}",
                str(s.sharing.vials_shared),
                f"{s.sharing.waste_shared_mg}",
            )
        parts.append(st)
    parts.extend(_messages(wl))
    parts.append(Text(NOTICE, style="italic"))
    return Group(*parts)  # type: ignore[arg-type]


def _messages(wl: Worklist) -> list[Hanging]:
    """The worklist's warnings, then its notes, wrapped under their first word."""
    return [*(warning(w) for w in wl.warnings), *(note(n) for n in wl.notes)]


def print_view(view: Group, console: Console) -> None:
    console.print(view)
