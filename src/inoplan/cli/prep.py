"""``inoplan prep``: the compounding worksheet for one dose."""

# No ``from __future__ import annotations``: Typer reads the annotations of the
# command it runs at each start, and real objects save it evaluating strings.
from typing import Annotated

import typer

from inoplan.cli.app import app
from inoplan.cli.options import (
    BsaFormula,
    BsaOpt,
    ForceOpt,
    FormulaOpt,
    HeightOpt,
    Market,
    MarketOpt,
    OutputOpt,
    PrepFormat,
    PrepFormatOpt,
    ResponseChoice,
    WeightOpt,
    _emit_text,
    _str,
    choose_format,
)


@app.command()
def prep(
    plan_file: Annotated[
        str | None,
        typer.Argument(
            help="A saved JSON plan (from schedule --format json); give --cycle and --day.",
            metavar="PLAN",
            show_default=False,
        ),
    ] = None,
    dose_mg: Annotated[
        str | None,
        typer.Option("--dose-mg", help="The dose in mg, to 0.01 (e.g. 1.46).", metavar="MG"),
    ] = None,
    cycle: Annotated[
        str | None,
        typer.Option("--cycle", help="Cycle number, with PLAN or height/weight.", metavar="N"),
    ] = None,
    day: Annotated[
        str | None,
        typer.Option("--day", help="Day of the cycle: 1, 8 or 15.", metavar="1|8|15"),
    ] = None,
    height: HeightOpt = None,
    weight: WeightOpt = None,
    bsa: BsaOpt = None,
    bsa_formula: FormulaOpt = BsaFormula.MOSTELLER,
    response: Annotated[
        ResponseChoice,
        typer.Option(
            "--response",
            help="Response status when the cycle starts (decides day 1 of cycle 2+).",
            case_sensitive=False,
        ),
    ] = ResponseChoice.PENDING,
    market: MarketOpt = Market.US,
    reconstituted_at: Annotated[
        str | None,
        typer.Option(
            "--reconstituted-at",
            help="Reconstitution clock time, HH:MM: gives the latest times to dilute and finish.",
            metavar="HH:MM",
        ),
    ] = None,
    fmt: PrepFormatOpt = None,
    output: OutputOpt = "-",
    force: ForceOpt = False,
) -> None:
    """Compounding worksheet for one dose: vials, volumes, final bag, deadlines, waste.

    The dose comes from --dose-mg, from a saved plan with --cycle and --day, or
    from height and weight (or --bsa) with --cycle, --day and --response.

    Examples:

      inoplan prep --dose-mg 1.46 --reconstituted-at 08:15

      inoplan prep plan.json --cycle 2 --day 8 --market eu --format json

      inoplan prep --height 170 --weight 70 --cycle 1 --day 1
    """
    from inoplan.files import check_target, write_output
    from inoplan.services.prep import prepare_dose

    fmt = choose_format(fmt, output, PrepFormat, PrepFormat.TABLE)
    check_target(output, force)
    prepared = prepare_dose(
        plan=plan_file,
        dose_mg=dose_mg,
        cycle=cycle,
        day=day,
        height=height,
        weight=weight,
        bsa=bsa,
        bsa_formula=_str(bsa_formula),
        response=_str(response),
        market=_str(market),
        reconstituted_at=reconstituted_at,
    )
    if fmt is PrepFormat.JSON:
        from inoplan.export.json import dumps

        write_output(output, dumps(prepared.to_dict()), force)
    elif fmt is PrepFormat.CSV:
        from inoplan.export.pharmacy import worksheet_csv

        write_output(output, worksheet_csv(prepared.worksheet), force)
    else:
        from inoplan.render.pharmacy import worksheet_view

        _emit_text(worksheet_view(prepared.worksheet, prepared.heading), output, force)
