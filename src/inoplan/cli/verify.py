"""``inoplan verify``: re-derive a saved plan and report every difference."""

# No ``from __future__ import annotations``: Typer reads the annotations of the
# command it runs at each start, and real objects save it evaluating strings.
from typing import Annotated, Any

import typer

from inoplan import __version__
from inoplan.cli.app import ExitStatus, app
from inoplan.cli.options import VerifyFormat


@app.command("verify")
def verify_command(
    plan_file: Annotated[
        str,
        typer.Argument(metavar="PLAN", help="A plan saved with `inoplan schedule --format json`."),
    ],
    fmt: Annotated[
        VerifyFormat,
        typer.Option("--format", "-f", help="Report format.", case_sensitive=False),
    ] = VerifyFormat.TABLE,
) -> None:
    """Re-derive a saved plan from its recorded inputs and report every difference.

    Every dose (mg and mg/m2), date, cycle and total in the file is compared
    with the plan the current rules give for the inputs the file records, and
    the doses hash is checked. Exit status 0 when the plan holds, 1 when it
    does not, 2 when the file cannot be read as a plan.

    Examples:

      inoplan verify plan.json

      inoplan verify plan.json --format json
    """
    from inoplan.inputs.saved_plan import read_plan_json
    from inoplan.services.verify import verify_plan

    data = read_plan_json(plan_file, plan_file)
    report = verify_plan(data, plan_file)
    if fmt is VerifyFormat.JSON:
        from inoplan.export.json import dumps

        typer.echo(dumps({"plan": plan_file, **report.to_dict()}), nl=False)
    else:
        typer.echo(_verify_text(plan_file, report), nl=False)
    if not report.holds:
        raise typer.Exit(ExitStatus.REJECTED)


def _verify_text(plan_file: str, report: Any) -> str:
    from inoplan.domain.rules import LABEL_REVISION

    rules_text = f"inoplan {__version__}, rules {LABEL_REVISION}"
    lines: list[str] = []
    if report.holds:
        lines.append(
            f"{plan_file}: holds: {report.doses_checked} doses, their dates and totals "
            f"re-derived from the recorded inputs ({rules_text}); doses sha256 "
            f"{report.rederived_hash}"
        )
    else:
        n = len(report.differences)
        lines.append(
            f"{plan_file}: does NOT hold: {n} difference{'s' if n != 1 else ''} from the plan "
            f"re-derived from its recorded inputs ({rules_text})"
        )
        width = max(len(d.kind) for d in report.differences)
        for d in report.differences:
            lines.append(f"  {d.kind:<{width}}  {d.where}: {d.message}")
    lines.extend(f"note: {n}" for n in report.notes)
    return "\n".join(lines) + "\n"
