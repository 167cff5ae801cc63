"""``inoplan worklist``: every infusion due on a day or in a range, across patients."""

# No ``from __future__ import annotations``: Typer reads the annotations of the
# command it runs at each start, and real objects save it evaluating strings.
from typing import Annotated

import typer

from inoplan.cli.app import app
from inoplan.cli.options import (
    ForceOpt,
    Market,
    MarketOpt,
    OutputOpt,
    WorklistFormat,
    WorklistFormatOpt,
    _emit_text,
    choose_format,
)


@app.command()
def worklist(
    source: Annotated[
        str,
        typer.Argument(
            help="A folder of saved JSON plans, one plan, or a patients CSV.",
            metavar="SOURCE",
            show_default=False,
        ),
    ],
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            help="The day, YYYY-MM-DD (default today); first day with --to.",
            metavar="DATE",
        ),
    ] = None,
    to: Annotated[
        str | None,
        typer.Option("--to", help="Last day of a range, YYYY-MM-DD (inclusive).", metavar="DATE"),
    ] = None,
    market: MarketOpt = Market.US,
    share_vials: Annotated[
        bool,
        typer.Option(
            "--share-vials",
            help="Also count vials and waste if doses of one session (4 h) share vials.",
        ),
    ] = False,
    round_within: Annotated[
        str | None,
        typer.Option(
            "--round-within", help="Round doses by at most this much, e.g. 5%.", metavar="PCT"
        ),
    ] = None,
    round_to: Annotated[
        str | None,
        typer.Option(
            "--round-to",
            help="Round to a step in mg (0.1) or to whole vials (vial).",
            metavar="MG|vial",
        ),
    ] = None,
    fmt: WorklistFormatOpt = None,
    output: OutputOpt = "-",
    force: ForceOpt = False,
) -> None:
    """The pharmacy worklist: every infusion due on a day or in a range, across patients.

    Each plan is rebuilt from the inputs it records, never from doses typed into
    the file. Dose rounding and vial sharing are off unless asked for.

    Examples:

      inoplan worklist plans/ --date 2026-12-08

      inoplan worklist patients.csv --date 2026-12-07 --to 2026-12-11 --share-vials

      inoplan worklist plans/ --round-within 5% --round-to 0.1 --format csv -o today.csv
    """
    from inoplan.domain.pharmacy import parse_percent, parse_round_to, vial_for
    from inoplan.domain.units import parse_date
    from inoplan.files import check_target, write_output
    from inoplan.services.worklist import build_worklist, load_patients

    fmt = choose_format(fmt, output, WorklistFormat, WorklistFormat.TABLE)
    check_target(output, force)
    vial = vial_for(str(market.value))
    from inoplan.inputs.clock import today

    first = today() if date is None else parse_date(date, "--date")
    last = first if to is None else parse_date(to, "--to")
    within = None if round_within is None else parse_percent(round_within)
    step = None if round_to is None else parse_round_to(round_to)
    sources = load_patients(source)
    wl = build_worklist(sources, first, last, vial, share_vials, within, step)
    if fmt is WorklistFormat.JSON:
        from inoplan.export.pharmacy import worklist_json

        write_output(output, worklist_json(wl), force)
    elif fmt is WorklistFormat.CSV:
        from inoplan.export.pharmacy import worklist_csv

        write_output(output, worklist_csv(wl), force)
    else:
        from inoplan.render.pharmacy import worklist_view

        _emit_text(worklist_view(wl), output, force)
