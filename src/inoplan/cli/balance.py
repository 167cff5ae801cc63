"""``inoplan balance``: keep the infusion chairs within capacity and open fewer vials.

The command parses its options and hands the work to
:mod:`inoplan.services.balance`; errors reach the one handler of
:class:`inoplan.cli.app.InoplanGroup` (one line, exit 2, nothing written).
"""

# No ``from __future__ import annotations``: Typer reads the annotations at each start.
import os
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from inoplan.cli.app import app
from inoplan.cli.options import (
    BalanceFormat,
    BalanceFormatOpt,
    ForceOpt,
    Market,
    MarketOpt,
    OutputOpt,
    choose_format,
)

if TYPE_CHECKING:  # pragma: no cover - types only
    from inoplan.render.balance import BalanceProgress


#: The longest search allowed [inoplan]: an hour.
MAX_TIME_LIMIT_S = 3600
#: The solver's threads [inoplan]: every core, at most 8 (CP-SAT gains little beyond).
MAX_WORKERS = 8


@app.command("balance")
def balance_command(
    source: Annotated[
        str,
        typer.Argument(
            help="A folder of saved JSON plans (a batch output's patients/ too), one plan, "
            "or a patients CSV.",
            metavar="SOURCE",
            show_default=False,
        ),
    ],
    first: Annotated[
        str,
        typer.Option(
            "--from",
            help="First day of the period, YYYY-MM-DD.",
            metavar="DATE",
            show_default=False,
        ),
    ],
    last: Annotated[
        str,
        typer.Option(
            "--to",
            help="Last day of the period, YYYY-MM-DD (included).",
            metavar="DATE",
            show_default=False,
        ),
    ],
    chairs: Annotated[
        str,
        typer.Option(
            "--chairs",
            help="Infusion chairs on an open day (1 or more).",
            metavar="N",
            show_default=False,
        ),
    ],
    chairs_on: Annotated[
        str | None,
        typer.Option(
            "--chairs-on",
            help="Chairs on some weekdays instead: mon=4,fri=2.",
            metavar="DAY=N,...",
        ),
    ] = None,
    clinic_days: Annotated[
        str | None,
        typer.Option(
            "--clinic-days",
            help="The unit's open weekdays: mon-fri (default: every day; each plan's own "
            "clinic days are kept too).",
            metavar="DAYS",
        ),
    ] = None,
    holidays: Annotated[
        str | None,
        typer.Option(
            "--holidays",
            help="Closed on the public holidays of a country: US, DE-BY.",
            metavar="COUNTRY",
        ),
    ] = None,
    share_vials: Annotated[
        bool,
        typer.Option(
            "--share-vials",
            help="The pharmacy shares reconstituted vials between a day's doses: open as few "
            "as the windows allow.",
        ),
    ] = False,
    vial_price: Annotated[
        str | None,
        typer.Option("--vial-price", help="Price of one vial, to show the money.", metavar="PRICE"),
    ] = None,
    market: MarketOpt = Market.US,
    apply: Annotated[
        bool,
        typer.Option(
            "--apply", help="Re-plan every changed plan (needs --out); without it, a dry run."
        ),
    ] = False,
    out: Annotated[
        str | None,
        typer.Option(
            "--out", help="With --apply: the folder for the re-planned plans.", metavar="DIR"
        ),
    ] = None,
    time_limit_text: Annotated[
        str,
        typer.Option(
            "--time-limit",
            help="Seconds the solver may take; an answer not proven best then says so.",
            metavar="SECONDS",
        ),
    ] = "10",
    fmt: BalanceFormatOpt = None,
    output: OutputOpt = "-",
    force: ForceOpt = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress display on stderr.")
    ] = False,
) -> None:
    """Move days 8 and 15 inside the label's +/- 2 day windows so each day fits its chairs.

    Across every course in SOURCE, doses whose regimen date lies from --from to
    --to move (never day 1, never a dose given or in the past, never onto a
    closed day, at least 6 days apart) so that no day is over its chairs; with
    --share-vials, so that the fewest vials are opened; then with the fewest
    moves. A dry run unless --apply: then each changed plan is re-planned (a
    recorded move per dose, so calendars update) into --out. Needs Google
    OR-Tools: pip install 'inoplan[balance]'.

    Examples:

      inoplan balance plans/ --from 2027-03-01 --to 2027-03-28 --chairs 4 --clinic-days mon-fri

      inoplan balance patients.csv --from 2027-03-01 --to 2027-03-28 --chairs 4 --share-vials

      inoplan balance plans/ --from 2027-03-01 --to 2027-03-28 --chairs 4 --apply --out balanced/
    """
    from pathlib import Path

    from inoplan.domain.balance import INSTALL_HINT, Chairs, SolverMissingError
    from inoplan.domain.clinic_days import canonical_holidays, parse_clinic_days
    from inoplan.domain.errors import InputError
    from inoplan.domain.pharmacy import vial_for
    from inoplan.domain.units import parse_date
    from inoplan.files import check_target, write_output
    from inoplan.inputs.clock import today
    from inoplan.services import balance as svc
    from inoplan.services.worklist import load_patients

    # Every option is checked before anything is read or solved.
    fmt = choose_format(fmt, output, BalanceFormat, BalanceFormat.TABLE)
    check_target(output, force)
    if apply and out is None:
        raise InputError("--apply", "needs --out DIR, the folder for the re-planned plans")
    if out is not None and not apply:
        raise InputError("--out", "applies only with --apply")
    from inoplan.domain.units import parse_decimal

    seconds = parse_decimal(time_limit_text, "--time-limit", "seconds such as 10")
    if not 0 < seconds <= MAX_TIME_LIMIT_S:
        raise InputError("--time-limit", f"give seconds above 0, at most {MAX_TIME_LIMIT_S}")
    time_limit = float(seconds)
    options = svc.BalanceOptions(
        first=parse_date(first, "--from"),
        last=parse_date(last, "--to"),
        chairs=Chairs(
            svc.parse_chairs(chairs),
            svc.parse_chairs_on(chairs_on) if chairs_on is not None else (),
        ),
        clinic_days=parse_clinic_days(clinic_days) if clinic_days is not None else None,
        holidays=canonical_holidays(holidays) if holidays is not None else None,
        vial=vial_for(str(market.value)),
        share_vials=share_vials,
        vial_price=svc.parse_vial_price(vial_price) if vial_price is not None else None,
        today=today(),
    )
    try:
        import ortools.sat.python.cp_model  # noqa: F401
    except ImportError:
        raise SolverMissingError(
            f"inoplan balance needs Google OR-Tools; install it with: {INSTALL_HINT}"
        ) from None
    workers = max(1, min(MAX_WORKERS, os.cpu_count() or 1))

    def run(progress: "BalanceProgress | None") -> None:
        sources = load_patients(source)
        if progress is not None:
            progress.step(f"solving (up to {time_limit:g} s)")
        result = svc.balance(sources, options, time_limit, workers)
        applied: list[str] | None = None
        if apply:
            assert out is not None
            if progress is not None:
                progress.step("re-planning", len({m.patient_id for m in result.solution.moves}))
            plans = svc.apply_moves(result, progress.advance if progress is not None else None)
            from inoplan.export.balance import moves_csv

            svc.write_applied(Path(out), plans, moves_csv(result), force)
            applied = [p.name for p in plans]
        if fmt is BalanceFormat.JSON:
            from inoplan.export.balance import render_json

            write_output(output, render_json(result, applied, out), force)
        elif fmt is BalanceFormat.CSV:
            from inoplan.export.balance import render_csv

            write_output(output, render_csv(result), force)
        else:
            from inoplan.cli.options import _draw
            from inoplan.render.balance import balance_view, print_view

            _draw(print_view, balance_view(result, applied, out), output, force)

    if not quiet and sys.stderr.isatty():  # pragma: no cover - a terminal only
        from inoplan.render.balance import balance_progress

        with balance_progress() as progress:
            progress.step("reading plans")
            run(progress)
    else:
        run(None)
