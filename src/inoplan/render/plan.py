"""Rich views of a plan for a terminal: summary, month calendar, dose table.

Imported only by the commands that draw. Colour follows Rich (``NO_COLOR``,
not a terminal: no colour); marked days stay distinguishable without colour.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from inoplan.domain import rules
from inoplan.domain.plan import Dose, Plan, boxed_warning, status_text
from inoplan.render.text import Hanging, bullet, note, warning

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


def summary(plan: Plan) -> Table:
    """Inputs, BSA, regimen, cycle count and reason, totals, key dates."""
    req = plan.request
    bsa = plan.bsa
    t = Table.grid(padding=(0, 2))
    t.add_column(style="bold")
    t.add_column()
    if req.patient_id:
        t.add_row("Patient id", req.patient_id)
    if plan.revision:
        t.add_row("Re-planned", f"revision {plan.revision}, {len(plan.events)} events recorded")
    if bsa.body_text is not None:
        bmi = f", BMI {bsa.bmi}" if bsa.bmi is not None else ""
        t.add_row("Height / weight", f"{bsa.body_text}{bmi}")
    t.add_row("BSA", f"{bsa.m2} m2 ({bsa.working})")
    t.add_row("Response", status_text(plan))
    t.add_row("Regimen", "\n".join(_regimen_lines(plan)))
    t.add_row(
        "Cycles planned", f"{len(plan.cycles)} of limit {plan.limit.cycles}: {plan.limit.reason}"
    )
    t.add_row(
        "Cumulative dose",
        f"{plan.cumulative_mg_per_m2} mg/m2 = {plan.cumulative_mg} mg over {len(plan.doses)} doses",
    )
    from inoplan.domain.provenance import policy_of

    # The doses hash is in the JSON plan (provenance), where verify checks it; the
    # terminal view leaves it out to start faster.
    t.add_row("Policy", policy_of(plan).line)
    t.add_row("First / last dose", f"{plan.first_dose.isoformat()} / {plan.last_dose.isoformat()}")
    f = plan.followup
    t.add_row(
        "After the last dose",
        f"contraception: females until {f.contraception_female_until.isoformat()}, "
        f"males (with female partners) until {f.contraception_male_until.isoformat()}\n"
        f"no breastfeeding until {f.no_breastfeeding_until.isoformat()}",
    )
    return t


def _months(first: date, last: date) -> Iterable[tuple[int, int]]:
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        yield y, m
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)


MONTH_WIDTH = 28  # 7 days of 4 characters


def month_grid(year: int, month: int, doses: dict[date, Dose]) -> Text:
    """One month, Monday first, infusion days marked with ``*`` and reversed.

    Drawn as one block of text rather than a table of 42 cells: it looks the
    same and renders about five times faster (the calendar was half the time
    of the whole view).
    """
    t = Text(no_wrap=True, overflow="crop", end="")
    title = f"{calendar.month_name[month]} {year}"
    t.append(title.center(MONTH_WIDTH), style="table.title")
    t.append("\n")
    t.append(
        "".join(f"{n:>4}" for n in ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")) + "\n",
        style="table.header",
    )
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    for i, week in enumerate(weeks):
        if i:
            t.append("\n")
        for day in week:
            if day.month != month:
                t.append("    ")
            elif day in doses:
                t.append(f"{day.day}{DOSE_MARK}".rjust(4), style="bold reverse")
            else:
                t.append(f"{day.day:>4}")
    return t


MONTH_GAP = 3


def calendar_view(plan: Plan, width: int = 80) -> Group:
    """Month grids from the first to the last infusion, side by side as ``width`` allows."""
    by_date = {d.date: d for d in plan.doses}
    grids = [
        month_grid(y, m, by_date).split("\n")
        for y, m in _months(plan.first_dose, plan.last_dose)
    ]
    per_row = max(1, (width + MONTH_GAP) // (MONTH_WIDTH + MONTH_GAP))
    lines: list[Text] = []
    for first in range(0, len(grids), per_row):
        chunk = grids[first : first + per_row]
        for i in range(max(len(g) for g in chunk)):
            line = Text(no_wrap=True, overflow="crop")
            for k, grid in enumerate(chunk):
                if k:
                    line.append(" " * MONTH_GAP)
                cell = grid[i].copy() if i < len(grid) else Text()
                cell.truncate(MONTH_WIDTH, pad=True)
                line.append_text(cell)
            lines.append(line)
        lines.append(Text())
    return Group(*lines)


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


def dose_table(plan: Plan) -> Group:
    """Date, weekday, cycle/day, mg/m2, mg and reminders for each dose.

    Drawn as aligned text rather than a Rich table: the same columns, a
    fraction of the rendering time. Why a dose differs from the plain regimen
    (moved, reduced, not given) follows, indented, under it.
    """
    from rich.padding import Padding

    head = Text(no_wrap=True, overflow="ellipsis")
    head.append("Infusions\n", style="bold")
    head.append(_cells(tuple(h for h, _, _ in DOSE_COLUMNS)) + "  Before / around the dose",
                style="bold")  # fmt: skip
    parts: list[Text | Padding] = [head]
    short = ", ".join(REMINDER_SHORT[r.key] for r in rules.DOSE_REMINDERS)
    rows = sorted((*plan.doses, *plan.omitted), key=lambda d: (d.date, d.cycle, d.day))
    for d in rows:
        day = d.date.strftime("%a")
        line = Text(no_wrap=True, overflow="ellipsis")
        if d.status == "omitted":
            line.append(d.date.isoformat(), style="strike")
            line.append("  " + _cells(("", day, d.label, "-", "-"))[12:] + "  NOT GIVEN")
        else:
            first = "given" if d.status == "given" else short
            values = (d.date.isoformat(), day, d.label, f"{d.mg_per_m2}", f"{d.mg}")
            line.append(_cells(values) + "  " + first)
        parts.append(line)
        why = [f"planned {d.planned_date.isoformat()}"] if d.planned_date is not None else []
        why.extend(d.notes)
        if why:
            parts.append(Padding(Text("; ".join(why), style="dim"), (0, 0, 0, 12)))
    return Group(*parts)


def reminders_text(plan: Plan) -> Group:
    parts: list[Text | Hanging] = [Text("With every dose:", style="bold")]
    parts.extend(bullet(f"{r.display} [{REMINDER_SHORT[r.key]}]") for r in rules.DOSE_REMINDERS)
    if plan.reminders:
        parts.append(Text("For the course:", style="bold"))
        parts.extend(bullet(r.display) for r in plan.reminders)
    parts.append(Text(""))
    return Group(*parts)


def boxed_warning_view(plan: Plan) -> Panel:
    """The label's boxed warning (clinical-rules.md section 4a), framed as the label does.

    A point that is also one of the plan's warnings (HSCT intent) is printed
    once, with the warnings below.
    """
    head, _, rest = rules.BOXED_WARNING_TITLE.partition(": ")
    parts: list[Text | Hanging] = [Text(rest[:1].upper() + rest[1:] + ":")]
    parts.extend(
        bullet(r.display, indent=0) for r in boxed_warning(plan) if r.display not in plan.warnings
    )
    # Titles as Text: Rich reads a str title as markup with emoji codes, which
    # loads its table of emoji codes (some 3 ms) and would misread "[...]".
    return Panel(Group(*parts), title=Text(head), title_align="left")


def plan_view(plan: Plan, width: int = 80) -> Group:
    """Everything, top to bottom, for a terminal ``width`` columns wide."""
    parts: list[object] = [
        Panel(summary(plan), title=Text("inotuzumab ozogamicin plan"), title_align="left"),
        boxed_warning_view(plan),
    ]
    parts.extend(warning(w) for w in plan.warnings)
    parts.extend(note(n) for n in plan.notes)
    parts.append(calendar_view(plan, width))
    parts.append(Text(f"{DOSE_MARK} = infusion day", style="dim"))
    parts.append(dose_table(plan))
    parts.append(reminders_text(plan))
    parts.append(Text(NOTICE, style="italic"))
    return Group(*parts)  # type: ignore[arg-type]


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
