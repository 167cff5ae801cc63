"""Rich view of an ``inoplan check`` result: the verdict first, then each rule quoted."""

from __future__ import annotations

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from inoplan.domain.check import UNITS, CheckResult
from inoplan.domain.rules import Action
from inoplan.render.plan import NOTICE
from inoplan.render.text import bullet, heading

STYLE = {Action.GIVE: "bold green", Action.HOLD: "bold yellow", Action.DISCONTINUE: "bold red"}


def check_view(result: CheckResult) -> Group:
    parts: list[object] = [heading(result.headline.upper(), STYLE[result.action])]
    if result.findings:
        t = Table(
            title="Rules applied (prescribing information: dose modifications)",
            title_justify="left",
        )
        t.add_column("Says", no_wrap=True)
        t.add_column("Values")
        t.add_column("Rule (quoted)")
        for f in result.findings:
            t.add_row(Text(f.action.value, style=STYLE[f.action]), f.because, f.rule.quote)
        parts.append(t)
    if result.clinician:
        parts.append(heading("Left to the clinician:"))
        parts.extend(bullet(c) for c in result.clinician)
    if result.not_checked:
        parts.append(heading("Not checked:"))
        parts.extend(bullet(c) for c in result.not_checked)
    if result.notes:
        parts.append(heading("Notes:"))
        parts.extend(bullet(n) for n in result.notes)
    parts.append(heading(f"Units: {UNITS}.", "dim"))
    parts.append(heading(NOTICE, "italic"))
    return Group(*parts)  # type: ignore[arg-type]


def print_check(result: CheckResult, console: Console) -> None:
    console.print(check_view(result))
