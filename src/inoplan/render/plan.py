"""Rich views of a plan for a terminal: summary, month calendar, dose table.

Imported only by the commands that draw. Colour follows Rich (``NO_COLOR``,
not a terminal: no colour); marked days stay distinguishable without colour.
The view is laid out as text (:mod:`inoplan.render.text`) rather than as Rich
tables and panels: it looks the same and draws in a fraction of the time.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date

from rich.console import Console, Group

from inoplan.domain import rules
from inoplan.domain.plan import Dose, Plan, boxed_warning, status_text, weekday
from inoplan.render.text import (
    Block,
    Framed,
    Hanging,
    Labelled,
    Line,
    Lines,
    bullet,
    heading,
    note,
    warning,
)

NOTICE = (
    "Decision support only: check every dose and date against the current "
    "prescribing information before use."
)
DOSE_MARK = "*"


def _regimen_lines(plan: Plan) -> list[str]:
    """'cycle 1: 0.8/0.5/0.5 mg/m2 (1.8 mg/m2), 21 days', grouping equal cycles."""
    lines: list[str] = []
    groups: list[tuple[int, int, str]] = []
    for c in plan.cycles:
        per_day = "/".join(f"{d.mg_per_m2}" for d in c.doses)
        days = "/".join(str(d.day) for d in c.doses)
        desc = f"{per_day} mg/m2 on days {days} ({c.total_mg_per_m2} mg/m2), {c.length_days} days"
        if groups and groups[-1][2] == desc and groups[-1][1] == c.number - 1:
            groups[-1] = (groups[-1][0], c.number, desc)
        else:
            groups.append((c.number, c.number, desc))
    for first, last, desc in groups:
        which = f"cycle {first}" if first == last else f"cycles {first}-{last}"
        lines.append(f"{which}: {desc}")
    return lines


def summary(plan: Plan) -> Labelled:
    """Inputs, BSA, regimen, cycle count and reason, totals, key dates."""
    from inoplan.domain.provenance import policy_of

    req = plan.request
    bsa = plan.bsa
    rows: list[tuple[str, str]] = []
    if req.patient_id:
        rows.append(("Patient id", req.patient_id))
    if plan.revision:
        rows.append(("Re-planned", f"revision {plan.revision}, {len(plan.events)} events recorded"))
    if bsa.body_text is not None:
        bmi = f", BMI {bsa.bmi}" if bsa.bmi is not None else ""
        rows.append(("Height / weight", f"{bsa.body_text}{bmi}"))
    f = plan.followup
    rows += [
        ("BSA", f"{bsa.m2} m2 ({bsa.working})"),
        ("Response", status_text(plan)),
        ("Regimen", "\n".join(_regimen_lines(plan))),
        ("Cycles planned", f"{len(plan.cycles)} of limit {plan.limit.cycles}: {plan.limit.reason}"),
        (
            "Cumulative dose",
            f"{plan.cumulative_mg_per_m2} mg/m2 = {plan.cumulative_mg} mg "
            f"over {len(plan.doses)} doses",
        ),
        # The doses hash is in the JSON plan (provenance), where verify checks it;
        # the terminal view leaves it out to start faster.
        ("Policy", policy_of(plan).line),
        ("First / last dose", f"{plan.first_dose.isoformat()} / {plan.last_dose.isoformat()}"),
        (
            "After the last dose",
            f"contraception: females until {f.contraception_female_until.isoformat()}, "
            f"males (with female partners) until {f.contraception_male_until.isoformat()}\n"
            f"no breastfeeding until {f.no_breastfeeding_until.isoformat()}",
        ),
    ]
    return Labelled(rows)


def _months(first: date, last: date) -> Iterable[tuple[int, int]]:
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        yield y, m
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)


MONTH_WIDTH = 28  # 7 days of 4 characters


def month_grid(year: int, month: int, doses: dict[date, Dose]) -> list[Line]:
    """One month, Monday first, infusion days marked with ``*`` and reversed.

    Every line is ``MONTH_WIDTH`` wide, so that months can stand side by side.
    """
    title = f"{calendar.month_name[month]} {year}"
    days = "".join(f"{n:>4}" for n in ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"))
    lines: list[Line] = [[(title.center(MONTH_WIDTH), "table.title")], [(days, "table.header")]]
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        line: Line = []
        for day in week:
            if day.month != month:
                line.append(("    ", ""))
            elif day in doses:
                line.append((f"{day.day}{DOSE_MARK}".rjust(4), "bold reverse"))
            else:
                line.append((f"{day.day:>4}", ""))
        lines.append(line)
    return lines


MONTH_GAP = 3


def calendar_view(plan: Plan, width: int = 80) -> Lines:
    """Month grids from the first to the last infusion, side by side as ``width`` allows."""
    by_date = {d.date: d for d in plan.doses}
    grids = [month_grid(y, m, by_date) for y, m in _months(plan.first_dose, plan.last_dose)]
    per_row = max(1, (width + MONTH_GAP) // (MONTH_WIDTH + MONTH_GAP))
    blank: Line = [(" " * MONTH_WIDTH, "")]
    lines: list[Line] = []
    for first in range(0, len(grids), per_row):
        chunk = grids[first : first + per_row]
        for i in range(max(len(g) for g in chunk)):
            line: Line = []
            for k, grid in enumerate(chunk):
                if k:
                    line.append((" " * MONTH_GAP, ""))
                line.extend(grid[i] if i < len(grid) else blank)
            lines.append(_rstrip(line))
        lines.append([])
    return Lines(lines)


def _rstrip(line: Line) -> Line:
    """``line`` without the spaces it ends in (no piece that ends in a space is styled to show)."""
    while line and not line[-1][0].strip():
        line = line[:-1]
    if line:
        text, style = line[-1]
        line = [*line[:-1], (text.rstrip(), style)]
    return line


REMINDER_SHORT = {
    "premedication": "premed",
    "observation": "observe 1 h",
    "blood_count": "CBC",
    "liver_tests": "LFTs",
}


#: The dose table's fixed columns: (heading, width, right-aligned).
DOSE_COLUMNS = (("Date", 10, False), ("Day", 3, False), ("Dose", 6, False),
                ("mg/m2", 6, True), ("mg", 6, True))  # fmt: skip


def _cells(values: tuple[str, ...]) -> str:
    return "  ".join(
        v.rjust(w) if right else v.ljust(w)
        for v, (_, w, right) in zip(values, DOSE_COLUMNS, strict=True)
    )


def dose_table(plan: Plan) -> list[Block]:
    """Date, weekday, cycle/day, mg/m2, mg and reminders for each dose.

    Aligned text, one line a dose (cut with an ellipsis where the terminal is
    narrower). Why a dose differs from the plain regimen (moved, reduced, not
    given) follows, indented and wrapped, under it.
    """
    titles = _cells(tuple(h for h, _, _ in DOSE_COLUMNS)) + "  Before / around the dose"
    parts: list[Block] = [Lines([[("Infusions", "bold")], [(titles, "bold")]])]
    short = ", ".join(REMINDER_SHORT[r.key] for r in rules.DOSE_REMINDERS)
    rows = sorted((*plan.doses, *plan.omitted), key=lambda d: (d.date, d.cycle, d.day))
    table: list[Line] = []
    for d in rows:
        day = weekday(d.date)
        if d.status == "omitted":
            rest = _cells(("", day, d.label, "-", "-"))[10:]
            table.append([(d.date.isoformat(), "strike"), (rest + "  NOT GIVEN", "")])
        else:
            first = "given" if d.status == "given" else short
            values = (d.date.isoformat(), day, d.label, f"{d.mg_per_m2}", f"{d.mg}")
            table.append([(_cells(values) + "  " + first, "")])
        why = [f"planned {d.planned_date.isoformat()}"] if d.planned_date is not None else []
        why.extend(d.notes)
        if why:
            parts.append(Lines(table))
            parts.append(Hanging(" " * 12, "; ".join(why), "dim"))
            table = []
    parts.append(Lines(table))
    return parts


def reminders_text(plan: Plan) -> list[Block]:
    parts: list[Block] = [heading("With every dose:")]
    parts.extend(bullet(f"{r.display} [{REMINDER_SHORT[r.key]}]") for r in rules.DOSE_REMINDERS)
    if plan.reminders:
        parts.append(heading("For the course:"))
        parts.extend(bullet(r.display) for r in plan.reminders)
    parts.append(Lines([[]]))
    return parts


def boxed_warning_view(plan: Plan) -> Framed:
    """The label's boxed warning (clinical-rules.md section 4a), framed as the label does.

    A point that is also one of the plan's warnings (HSCT intent) is printed
    once, with the warnings below.
    """
    head, _, rest = rules.BOXED_WARNING_TITLE.partition(": ")
    parts: list[Block] = [Hanging("", rest[:1].upper() + rest[1:] + ":")]
    parts.extend(
        bullet(r.display, indent=0) for r in boxed_warning(plan) if r.display not in plan.warnings
    )
    return Framed(head, parts)


def plan_view(plan: Plan, width: int = 80) -> Group:
    """Everything, top to bottom, for a terminal ``width`` columns wide."""
    parts: list[Block] = [
        Framed("inotuzumab ozogamicin plan", [summary(plan)]),
        boxed_warning_view(plan),
    ]
    parts.extend(warning(w) for w in plan.warnings)
    parts.extend(note(n) for n in plan.notes)
    parts.append(calendar_view(plan, width))
    parts.append(Lines([[(f"{DOSE_MARK} = infusion day", "dim")]]))
    parts.extend(dose_table(plan))
    parts.extend(reminders_text(plan))
    parts.append(Hanging("", NOTICE, "italic"))
    return Group(*parts)


def print_plan(plan: Plan, console: Console) -> None:
    console.print(plan_view(plan, console.width))


def text_console(record: bool = False) -> Console:
    """A console for stdout, or (``record``) one that only records, for a file."""
    if record:
        import io

        return Console(
            file=io.StringIO(),
            record=True,
            width=100,
            color_system=None,
            highlight=False,
            markup=False,
            emoji=False,
        )
    # No markup and no emoji codes: text such as a note "[held]" or ":x:" prints
    # as written (and parsing neither is faster).
    return Console(highlight=False, markup=False, emoji=False)
