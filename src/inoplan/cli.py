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
from dataclasses import dataclass
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
    ICS = "ics"


class BatchFormat(str, Enum):
    JSON = "json"
    CSV = "csv"
    ICS = "ics"


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

# Calendar (ICS) options, shared by `schedule --format ics` and `batch --format ics`.
TimeOpt = Annotated[
    str | None,
    typer.Option(
        "--time",
        help="ICS: infusion start as 24-hour HH:MM; timed events of infusion plus "
        "observation (default: all-day events).",
        metavar="HH:MM",
    ),
]
TzOpt = Annotated[
    str | None,
    typer.Option(
        "--tz",
        help="ICS: IANA time zone of --time, such as Europe/Berlin (default: this machine's).",
        metavar="ZONE",
        show_default=False,
    ),
]
LocationOpt = Annotated[
    str | None,
    typer.Option("--location", help="ICS: where the infusions take place.", metavar="TEXT"),
]
ReminderOpt = Annotated[
    str | None,
    typer.Option(
        "--reminder",
        help="ICS: premedication alarm, either before the infusion (30m, 1h, 1h30m, 1d) or "
        "a clock time on the day (07:30). Default: 1h before a timed infusion, 08:00 on "
        "the day of an all-day one.",
        metavar="WHEN",
        show_default=False,
    ),
]
NoRemindersOpt = Annotated[
    bool, typer.Option("--no-reminders", help="ICS: no premedication alarms.")
]
LabEventsOpt = Annotated[
    bool,
    typer.Option(
        "--lab-events", help="ICS: an all-day event for the blood tests the day before each dose."
    ),
]
FollowupEventsOpt = Annotated[
    bool,
    typer.Option(
        "--followup-events",
        help="ICS: events for the end of the contraception and no-breastfeeding periods.",
    ),
]
ShowIdOpt = Annotated[
    bool,
    typer.Option(
        "--ics-show-id", help="ICS: show the patient id in event titles (hidden by default)."
    ),
]


@dataclass(frozen=True)
class IcsArgs:
    """The ICS options as typed, checked only when a calendar is written."""

    time: str | None = None
    tz: str | None = None
    location: str | None = None
    reminder: str | None = None
    no_reminders: bool = False
    lab_events: bool = False
    followup_events: bool = False
    show_id: bool = False

    def given(self) -> list[str]:
        """The ICS-only options the user set, as option names."""
        names = {
            "--time": self.time is not None,
            "--tz": self.tz is not None,
            "--location": self.location is not None,
            "--reminder": self.reminder is not None,
            "--no-reminders": self.no_reminders,
            "--lab-events": self.lab_events,
            "--followup-events": self.followup_events,
            "--ics-show-id": self.show_id,
        }
        return [n for n, on in names.items() if on]

    def check_format(self, is_ics: bool) -> None:
        if not is_ics and self.given():
            from inoplan.errors import InputError

            raise InputError(self.given()[0], "applies only to --format ics")

    def options(self) -> Any:
        """Parsed :class:`inoplan.export.ics.IcsOptions` (raises InputError)."""
        from inoplan.export import ics

        return ics.options_from_strings(
            time=self.time,
            tz=self.tz,
            location=self.location,
            reminder=self.reminder,
            no_reminders=self.no_reminders,
            lab_events=self.lab_events,
            followup_events=self.followup_events,
            show_id=self.show_id,
        )


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
    output: OutputOpt = "-",
    force: ForceOpt = False,
    time: TimeOpt = None,
    tz: TzOpt = None,
    location: LocationOpt = None,
    reminder: ReminderOpt = None,
    no_reminders: NoRemindersOpt = False,
    lab_events: LabEventsOpt = False,
    followup_events: FollowupEventsOpt = False,
    ics_show_id: ShowIdOpt = False,
) -> None:
    """Plan a whole course from start date, height, weight and response.

    Examples:

      inoplan schedule --start 2026-12-01 --height 170 --weight 70 --response cr

      inoplan schedule --start 2026-12-01 --bsa 1.82 --response none --format json

      inoplan schedule --start 2026-12-01 --height 5ft7in --weight 154lb \\
        --response cr --hsct --mrd negative --format csv -o plan.csv

      inoplan schedule --start 2027-03-02 --bsa 1.82 --response cr --format ics \\
        --time 09:30 --tz Europe/Berlin --location "Day unit" -o plan.ics
    """
    from inoplan.output import check_target
    from inoplan.plan import make_plan
    from inoplan.request import request_from_strings

    ics_args = IcsArgs(
        time, tz, location, reminder, no_reminders, lab_events, followup_events, ics_show_id
    )
    ics_args.check_format(fmt is PlanFormat.ICS)
    ics_options = ics_args.options() if fmt is PlanFormat.ICS else None
    check_target(output, force)
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
    _emit_plan(plan, fmt, output, force, ics_options)


def _emit_plan(
    plan: Any, fmt: PlanFormat, output: str, force: bool, ics_options: Any = None
) -> None:
    from inoplan.output import write_output

    if fmt is PlanFormat.ICS:
        from inoplan.export import ics

        write_output(output, ics.render(plan, ics_options), force)
    elif fmt is PlanFormat.JSON:
        from inoplan.export import json as export_json

        write_output(output, export_json.render(plan), force)
    elif fmt is PlanFormat.CSV:
        from inoplan.export import csv as export_csv

        write_output(output, export_csv.render(plan), force)
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


def _jobs(text: str) -> int:
    from inoplan.units import parse_int

    if text.strip().lower() == "auto":
        return max(1, min(os.cpu_count() or 1, 8))
    return parse_int(text, "--jobs", 1, 64)


@app.command("batch")
def batch_command(
    patients: Annotated[
        str,
        typer.Argument(
            help="CSV of patients: patient_id, start, height, weight, response, and optional "
            "hsct, mrd, cycles, first_cycle_days, bsa_formula, bsa, bsa_cap, blasts, time, "
            "tz, location.",
            metavar="PATIENTS.csv",
            show_default=False,
        ),
    ],
    out: Annotated[
        str,
        typer.Option("--out", help="Folder for the files (created if missing).", metavar="DIR"),
    ],
    fmt: Annotated[
        BatchFormat,
        typer.Option("--format", "-f", help="Format of each patient's file.", case_sensitive=False),
    ] = BatchFormat.JSON,
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar and no summary on stderr.")
    ] = False,
    jobs: Annotated[
        str,
        typer.Option(
            "--jobs",
            "-j",
            help="Processes that plan rows: a number, or auto (one per CPU, at most 8). "
            "Output does not depend on it.",
            metavar="N",
        ),
    ] = "auto",
    time: TimeOpt = None,
    tz: TzOpt = None,
    location: LocationOpt = None,
    reminder: ReminderOpt = None,
    no_reminders: NoRemindersOpt = False,
    lab_events: LabEventsOpt = False,
    followup_events: FollowupEventsOpt = False,
    ics_show_id: ShowIdOpt = False,
) -> None:
    """Plan every patient of a CSV file: one file each, plus plan.csv and summary.json.

    A bad row does not stop the run: it is listed with its row number and the
    column that failed, and the exit status is 1. Cells of the time, tz and
    location columns override --time, --tz and --location for their row.

    Examples:

      inoplan batch examples/patients.csv --out plans

      inoplan batch patients.csv --out calendars --format ics --time 09:30 --tz Europe/Berlin
    """
    from pathlib import Path

    from inoplan.batch import run_batch

    ics_args = IcsArgs(
        time, tz, location, reminder, no_reminders, lab_events, followup_events, ics_show_id
    )
    is_ics = fmt is BatchFormat.ICS
    ics_args.check_format(is_ics)
    ics_options = ics_args.options() if is_ics else None

    source = Path(patients)
    n_jobs = _jobs(jobs)
    show_progress = not quiet and sys.stderr.isatty()
    if show_progress:
        from inoplan.batch import count_rows
        from inoplan.progress import batch_progress

        total = count_rows(source)
        with batch_progress(total) as advance:
            summary = run_batch(
                source, Path(out), str(fmt.value), force, ics_options, advance, jobs=n_jobs
            )
    else:
        summary = run_batch(source, Path(out), str(fmt.value), force, ics_options, jobs=n_jobs)

    if not quiet:
        rejected = len(summary.rejected)
        sys.stderr.write(
            f"{PROG}: planned {summary.planned} of {summary.rows} patients into {out}"
            f" ({summary.doses} doses in plan.csv); {rejected} row"
            f"{'' if rejected == 1 else 's'} rejected\n"
        )
        shown = summary.rejected[:20]
        for r in shown:
            who = f" ({r.patient_id})" if r.patient_id else ""
            sys.stderr.write(f"  row {r.row}{who}: {r.field}: {r.reason}\n")
        if rejected > len(shown):
            sys.stderr.write(f"  ... and {rejected - len(shown)} more in summary.json\n")
    if summary.rejected:
        raise typer.Exit(ExitStatus.REJECTED)
