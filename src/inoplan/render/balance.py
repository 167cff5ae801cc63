"""The ``inoplan balance`` report for a terminal, and its progress display.

Imported only by ``inoplan balance``. The report: the totals before and after
(peak chairs, days over, vials, waste, the money with ``--vial-price``), the
days of the period (doses and chairs, vials and waste, before and after; with
more than :data:`QUIET_DAYS` days only the days that change or stay over
their chairs), the moves with why, then warnings and notes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal

from rich.console import Console, Group
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from inoplan.domain.rules import WEEKDAY_NAMES
from inoplan.render.plan import NOTICE
from inoplan.render.text import compact_table, note, warning
from inoplan.services.balance import Balanced

#: Periods up to this many days show every day; longer ones only the days that matter.
QUIET_DAYS = 14



def _money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def _arrow(before: object, after: object) -> str:
    return f"{before} -> {after}" if before != after else f"{before}"


def balance_view(
    r: Balanced, applied: Sequence[str] | None = None, out: str | None = None
) -> Group:
    """The report, in the order a charge nurse and a pharmacist read it."""
    sol, o = r.solution, r.options
    span = f"{o.first.isoformat()} to {o.last.isoformat()}"
    parts: list[object] = [
        Text(
            f"Balance {span}: {len(r.problem.courses)} courses, "
            f"{len(sol.placements)} doses counted, {o.chairs.default} chairs"
            + "".join(f", {WEEKDAY_NAMES[w]} {n}" for w, n in o.chairs.by_weekday)
            + (", vials shared per day" if o.share_vials else ""),
            style="bold",
        )
    ]
    totals = compact_table("Before and after")
    totals.add_column("")
    totals.add_column("Before", justify="right")
    totals.add_column("After", justify="right")
    peak_b = max((d.doses_before for d in sol.days), default=0)
    peak_a = max((d.doses_after for d in sol.days), default=0)
    totals.add_row("Peak chairs in use", str(peak_b), str(peak_a))
    totals.add_row(
        "Days over their chairs",
        str(sum(1 for d in sol.days if d.overflow_before)),
        str(len(sol.overflow_days)),
    )
    totals.add_row("Doses beyond the chairs", str(sol.before.overflow), str(sol.after.overflow))
    label = "Vials opened (shared per day)" if o.share_vials else "Vials opened (one per dose)"
    totals.add_row(label, str(sol.vials_before), str(sol.vials_after))
    totals.add_row("Waste mg", f"{sol.waste_before_mg}", f"{sol.waste_after_mg}")
    if o.vial_price is not None:
        totals.add_row(
            "Vial cost",
            _money(r.cost(sol.vials_before)),
            _money(r.cost(sol.vials_after)),
        )
    totals.add_row("Doses moved", "", f"{sol.after.moves} ({sol.after.shift_days} days in all)")
    parts.append(totals)

    saved = sol.vials_before - sol.vials_after
    if saved:
        cost = r.cost(saved)
        parts.append(
            Text(
                f"Saved: {saved} vial{'s' if saved != 1 else ''}, "
                f"{sol.waste_before_mg - sol.waste_after_mg} mg of waste"
                + (f", {_money(cost)} at {_money(o.vial_price)} a vial" if cost else "")
            )
        )

    days = compact_table("Days")
    for name, justify in (
        ("Date", "left"),
        ("Day", "left"),
        ("Chairs", "right"),
        ("Doses", "right"),
        ("Vials", "right"),
        ("Waste mg", "right"),
    ):
        days.add_column(name, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    shown = [
        d
        for d in sol.days
        if len(sol.days) <= QUIET_DAYS
        or d.doses_before != d.doses_after
        or d.vials_before != d.vials_after
        or d.overflow_before
        or d.overflow_after
    ]
    for d in shown:
        over = d.overflow_after > 0
        days.add_row(
            d.date.isoformat(),
            WEEKDAY_NAMES[d.date.weekday()],
            "closed" if d.closed else str(d.chairs),
            Text(_arrow(d.doses_before, d.doses_after), style="bold red" if over else ""),
            _arrow(d.vials_before, d.vials_after),
            _arrow(d.waste_before_mg, d.waste_after_mg),
        )
    if shown:
        parts.append(days)
    if len(shown) < len(sol.days):
        parts.append(Text(f"({len(sol.days) - len(shown)} days without a change not shown)"))

    if sol.moves:
        moves = compact_table("Moves")
        for name in ("Patient", "Dose", "From", "To", "Why"):
            moves.add_column(name, no_wrap=name != "Why", overflow="fold")
        for m in sol.moves:
            moves.add_row(
                m.patient_id,
                m.label,
                f"{m.before.isoformat()} {WEEKDAY_NAMES[m.before.weekday()]}",
                f"{m.after.isoformat()} {WEEKDAY_NAMES[m.after.weekday()]}",
                m.why,
            )
        parts.append(moves)
    else:
        parts.append(Text("No dose needs to move."))

    proof = (
        "the best answer, proven"
        if sol.status == "optimal"
        else f"the best found in the time limit (within {sol.gap:.1%})"
    )
    parts.append(Text(f"Solver: {proof}."))  # the seconds are in the JSON
    if applied is not None:
        if applied:
            parts.append(Text(f"Written to {out}: {', '.join(applied)} (re-planned, revision +1)."))
        else:
            parts.append(Text("Nothing to write: no dose moves."))
    elif sol.moves:
        parts.append(Text("Dry run: no plan changed. Write the moves with --apply --out DIR."))
    for w in r.warnings:
        parts.append(warning(w))
    for n in r.notes:
        parts.append(note(n))
    parts.append(Text(NOTICE, style="italic"))
    return Group(*parts)  # type: ignore[arg-type]


def print_view(view: Group, console: Console) -> None:
    console.print(view)


class BalanceProgress:
    """Steps shown on stderr, one line each: reading, solving (elapsed of the limit), writing."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._task: TaskID | None = None

    def step(self, what: str, total: int | None = None) -> None:
        """Start a step; ``total`` items to count (``None``: a pulsing bar)."""
        if self._task is not None:
            self._progress.stop_task(self._task)
            self._progress.update(self._task, visible=False)
        self._task = self._progress.add_task(what, total=total)

    def advance(self) -> None:
        if self._task is not None:
            self._progress.advance(self._task, 1)


@contextmanager
def balance_progress() -> Iterator[BalanceProgress]:
    """A :class:`BalanceProgress` drawn on stderr, gone when the block ends."""
    console = Console(stderr=True)
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        yield BalanceProgress(progress)
