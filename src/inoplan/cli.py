"""The ``inoplan`` command line: Typer commands only.

Each command parses its options, calls the domain and picks an output. Errors
are handled once, in :class:`InoplanGroup.main`: a one-line message on stderr
naming the option, and exit status 2 for bad input or usage (1 only where a
command documents it, 0 otherwise). No traceback reaches a user.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from enum import Enum
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from inoplan import __version__, rules
from inoplan.errors import InoplanError

PROG = "inoplan"


class ExitStatus:
    """The only exit statuses inoplan uses."""

    OK = 0
    REJECTED = 1  # some batch rows rejected; verify found a difference
    USAGE = 2  # bad input, or a request the rules forbid


def _fail(message: str, status: int = ExitStatus.USAGE) -> NoReturn:
    line = " ".join(message.split())  # always exactly one line
    sys.stderr.write(f"{PROG}: error: {line}\n")
    sys.stderr.flush()
    sys.exit(status)


class InoplanGroup(TyperGroup):
    """The one error boundary: every command runs inside :meth:`main`."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        from typer._click.exceptions import ClickException, NoArgsIsHelpError

        try:
            rv = super().main(
                args=args,
                prog_name=prog_name or PROG,
                complete_var=complete_var,
                standalone_mode=False,
                **extra,
            )
        except InoplanError as e:
            _fail(e.message, e.exit_code)
        except NoArgsIsHelpError as e:
            typer.echo(e.format_message())
            sys.exit(ExitStatus.USAGE)
        except ClickException as e:
            _fail(e.format_message().replace("Value error, ", ""), ExitStatus.USAGE)
        except (typer.Abort, KeyboardInterrupt):
            sys.stderr.write(f"{PROG}: interrupted\n")
            sys.exit(130)
        except BrokenPipeError:
            # A reader such as `head` went away: stop quietly, as Unix tools do.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(ExitStatus.OK)
        if not standalone_mode:
            return rv
        sys.exit(rv if isinstance(rv, int) else ExitStatus.OK)


app = typer.Typer(
    cls=InoplanGroup,
    name=PROG,
    help="Plan inotuzumab ozogamicin (BESPONSA) treatment cycles: BSA doses, dates, reminders.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def main(prog_name: str = PROG) -> None:
    """Console-script entry point."""
    app(prog_name=prog_name)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"{PROG} {__version__} (rules: {rules.LABEL_REVISION})")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Plan inotuzumab ozogamicin (BESPONSA) treatment cycles.

    Decision support only: check every dose and date against the current
    prescribing information.
    """


# --- choices ---------------------------------------------------------------------

ResponseChoice = rules.Response
MrdChoice = rules.Mrd


class BsaFormula(str, Enum):
    MOSTELLER = "mosteller"
    DUBOIS = "dubois"
    HAYCOCK = "haycock"
    GEHAN_GEORGE = "gehan-george"
    BOYD = "boyd"


assert tuple(f.value for f in BsaFormula) == rules.BSA_FORMULAS


class FirstCycleDays(str, Enum):
    D21 = "21"
    D28 = "28"


class PlanFormat(str, Enum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    HTML = "html"


class Audience(str, Enum):
    PATIENT = "patient"
    CLINICIAN = "clinician"


class Lang(str, Enum):
    EN = "en"
    DE = "de"
    FR = "fr"
    ES = "es"


# --- options shared by commands -----------------------------------------------------

HeightOpt = Annotated[
    str | None,
    typer.Option(
        "--height", help="Height: 170, 170cm, 1.7m, 67in, 5ft7in or 5'7\". Bare numbers are cm."
    ),
]
WeightOpt = Annotated[
    str | None, typer.Option("--weight", help="Weight: 70, 70kg or 154lb. Bare numbers are kg.")
]
FormulaOpt = Annotated[
    BsaFormula, typer.Option("--bsa-formula", help="BSA formula.", case_sensitive=False)
]
OutputOpt = Annotated[
    str,
    typer.Option("--output", "-o", help="File to write, or - for stdout.", metavar="PATH"),
]
ForceOpt = Annotated[bool, typer.Option("--force", help="Overwrite an existing output file.")]


def _str(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


@app.command()
def schedule(
    start: Annotated[
        str, typer.Option("--start", help="Cycle 1 day 1, as YYYY-MM-DD.", show_default=False)
    ],
    height: HeightOpt = None,
    weight: WeightOpt = None,
    bsa: Annotated[
        str | None, typer.Option("--bsa", help="BSA in m2 (to 0.01), instead of height and weight.")
    ] = None,
    bsa_formula: FormulaOpt = BsaFormula.MOSTELLER,
    bsa_cap: Annotated[
        str | None,
        typer.Option("--bsa-cap", help="Cap the BSA at this many m2 (not recommended; warns)."),
    ] = None,
    response: Annotated[
        ResponseChoice,
        typer.Option(
            "--response",
            help="Response status: pending (cycle 1 only), none (no CR/CRi), cr or cri.",
            case_sensitive=False,
        ),
    ] = ResponseChoice.PENDING,
    hsct: Annotated[
        bool, typer.Option("--hsct", help="Proceeding to stem-cell transplant (2 or 3 cycles).")
    ] = False,
    mrd: Annotated[
        MrdChoice,
        typer.Option("--mrd", help="MRD status, used with --hsct.", case_sensitive=False),
    ] = MrdChoice.UNKNOWN,
    cycles: Annotated[
        str | None,
        typer.Option("--cycles", help="Plan this many cycles (default: the limit).", metavar="N"),
    ] = None,
    first_cycle_days: Annotated[
        FirstCycleDays,
        typer.Option("--first-cycle-days", help="Length of cycle 1: 21, or 28 when extended."),
    ] = FirstCycleDays.D21,
    patient_id: Annotated[
        str | None,
        typer.Option("--patient-id", help="A pseudonymous id to print (never a name)."),
    ] = None,
    blasts: Annotated[
        str | None,
        typer.Option(
            "--blasts", help="Peripheral blast count per mm3 (warns above 10,000).", metavar="N"
        ),
    ] = None,
    fmt: Annotated[
        PlanFormat, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)
    ] = PlanFormat.TABLE,
    audience: Annotated[
        Audience | None,
        typer.Option(
            "--audience",
            help="For --format html: patient (plain words; default) or clinician (adds BSA, "
            "formula, mg/m2).",
            case_sensitive=False,
            show_default=False,
        ),
    ] = None,
    lang: Annotated[
        Lang | None,
        typer.Option(
            "--lang",
            help="For --format html: language of the calendar (default en).",
            case_sensitive=False,
            show_default=False,
        ),
    ] = None,
    output: OutputOpt = "-",
    force: ForceOpt = False,
) -> None:
    """Plan a whole course from start date, height, weight and response.

    Examples:

      inoplan schedule --start 2026-12-01 --height 170 --weight 70 --response cr

      inoplan schedule --start 2026-12-01 --bsa 1.82 --response none --format json

      inoplan schedule --start 2026-12-01 --height 5ft7in --weight 154lb \\
        --response cr --hsct --mrd negative --format csv -o plan.csv

      inoplan schedule --start 2026-12-01 --height 170 --weight 70 --response cr \\
        --format html --lang de -o calendar.html
    """
    from inoplan.output import check_target
    from inoplan.plan import make_plan
    from inoplan.request import request_from_strings

    check_target(output, force)
    _check_html_options(fmt, audience, lang)
    request = request_from_strings(
        {
            "patient_id": patient_id,
            "start": start,
            "height": height,
            "weight": weight,
            "bsa": bsa,
            "bsa_formula": _str(bsa_formula) if bsa is None else None,
            "bsa_cap": bsa_cap,
            "response": _str(response),
            "hsct": "yes" if hsct else None,
            "mrd": _str(mrd),
            "cycles": cycles,
            "first_cycle_days": _str(first_cycle_days),
            "blasts": blasts,
        }
    )
    plan = make_plan(request)
    _emit_plan(
        plan, fmt, output, force, audience=audience or Audience.PATIENT, lang=lang or Lang.EN
    )


def _check_html_options(fmt: PlanFormat, audience: Audience | None, lang: Lang | None) -> None:
    """--audience and --lang shape the HTML calendar only; elsewhere they would be ignored."""
    from inoplan.errors import InputError

    if fmt is not PlanFormat.HTML:
        if audience is not None:
            raise InputError("--audience", "applies only to --format html")
        if lang is not None:
            raise InputError("--lang", "applies only to --format html")


def _emit_plan(
    plan: Any,
    fmt: PlanFormat,
    output: str,
    force: bool,
    audience: Audience = Audience.PATIENT,
    lang: Lang = Lang.EN,
) -> None:
    from inoplan.output import write_output

    if fmt is PlanFormat.JSON:
        from inoplan.export import json as export_json

        write_output(output, export_json.render(plan), force)
    elif fmt is PlanFormat.CSV:
        from inoplan.export import csv as export_csv

        write_output(output, export_csv.render(plan), force)
    elif fmt is PlanFormat.HTML:
        from inoplan.export import html as export_html

        who: export_html.Audience = "clinician" if audience is Audience.CLINICIAN else "patient"
        page = export_html.render(plan, audience=who, lang=lang.value)
        write_output(output, page, force)
    else:
        from inoplan.render import print_plan, text_console

        if output == "-":
            print_plan(plan, text_console())
        else:
            console = text_console(record=True)
            print_plan(plan, console)
            write_output(output, console.export_text(), force)


@app.command("bsa")
def bsa_command(
    height: HeightOpt = None,
    weight: WeightOpt = None,
    bsa_formula: FormulaOpt = BsaFormula.MOSTELLER,
    all_formulas: Annotated[
        bool, typer.Option("--all", help="Show every formula side by side.")
    ] = False,
) -> None:
    """Body surface area from height and weight, with the working shown.

    Examples:

      inoplan bsa --height 170 --weight 70

      inoplan bsa --height 5ft7in --weight 154lb --all
    """
    from inoplan.bsa import compute_bsa
    from inoplan.errors import InputError
    from inoplan.units import parse_height_cm, parse_weight_kg

    if not height:
        raise InputError("--height", "required")
    if not weight:
        raise InputError("--weight", "required")
    h = parse_height_cm(height)
    w = parse_weight_kg(weight)
    names = list(rules.BSA_FORMULAS) if all_formulas else [str(bsa_formula.value)]
    results = [compute_bsa(h, w, name) for name in names]
    width = max(len(n) for n in names)
    for r in results:
        typer.echo(f"{r.formula:<{width}}  {r.m2} m2   {r.working}")
