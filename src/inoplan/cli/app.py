"""The ``inoplan`` command line: Typer commands only.

Each command parses its options, calls the domain and picks an output. Errors
are handled once, in :class:`InoplanGroup.main`: a one-line message on stderr
naming the option, and exit status 2 for bad input or usage (1 only where a
command documents it, 0 otherwise). No traceback reaches a user.
"""

# No ``from __future__ import annotations`` here: Typer reads the annotations of
# the command it runs at each start, and real objects save it compiling and
# evaluating strings (2 ms for schedule).
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any, NoReturn

import typer
import typer.main
from typer.core import TyperGroup

from inoplan import __version__
from inoplan.domain.errors import InoplanError
from inoplan.domain.statuses import Mrd, Response

PROG = "inoplan"


class ExitStatus:
    """The only exit statuses inoplan uses."""

    OK = 0
    REJECTED = 1  # some batch rows rejected; verify found a difference
    USAGE = 2  # bad input, or a request the rules forbid


def _one_line(message: str) -> str:
    """``message`` on one line, without terminal control characters."""
    import re

    line = " ".join(message.split())
    return re.sub(r"[\x00-\x1f\x7f-\x9f]", lambda m: f"\\x{ord(m[0]):02x}", line)


def _say(line: str) -> None:
    """Write one line on stderr, if there is a stderr to write to."""
    try:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    except (AttributeError, OSError, ValueError):
        pass  # stderr closed: the exit status still tells


def _fail(message: str, status: int = ExitStatus.USAGE) -> NoReturn:
    _say(f"{PROG}: error: {_one_line(message)}")
    sys.exit(status)


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush cannot fail again."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not a real file (tests); nothing is flushed at exit
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


def interrupted(by: BaseException | None = None) -> NoReturn:  # pragma: no cover - dies here
    """End the process the way the signal would have, after inoplan has cleaned up.

    Dying of SIGINT (Ctrl-C) or SIGTERM (rather than exiting with a status of
    our own) lets a calling shell script stop too, and keeps inoplan's exit
    statuses to 0, 1 and 2. Called by the entry points only: in-process
    callers (tests, Python code) get the ``KeyboardInterrupt`` (``Terminated``
    for SIGTERM). See tests/test_output.py and tests/test_batch_whole.py.
    """
    import signal

    from inoplan.domain.errors import Terminated

    signum = signal.SIGTERM if isinstance(by, Terminated) else signal.SIGINT
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)
    sys.exit(ExitStatus.USAGE)  # where the signal cannot kill


def _on_sigterm(signum: int, frame: object) -> None:
    from inoplan.domain.errors import Terminated

    raise Terminated


def handle_sigterm() -> None:
    """Make SIGTERM raise :class:`~inoplan.domain.errors.Terminated` where the process is.

    Without it SIGTERM kills at once: no clean-up, a batch run's worker
    processes orphaned. With it, SIGTERM takes the path of Ctrl-C: temporary
    files and staging folders are removed, worker processes stopped, then
    :func:`interrupted` ends the process by SIGTERM.
    """
    import signal

    signal.signal(signal.SIGTERM, _on_sigterm)


class _Escape(BaseException):
    """Ctrl-C or a closed pipe, carried past Typer's own handlers."""

    def __init__(self, original: BaseException) -> None:
        super().__init__(original)
        self.original = original


_TYPER_INTERRUPTED = 130  # what Typer returns for Ctrl-C outside a command


def _interrupted_message(by: BaseException | None = None) -> None:
    # Files are written atomically and a batch run in a staging folder, which
    # are removed before this is said: nothing partial is left.
    from inoplan.domain.errors import Terminated

    what = "terminated" if isinstance(by, Terminated) else "interrupted"
    _say(f"{PROG}: {what}; no partial file was left")


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

        from inoplan.cli import typer_speedups

        typer_speedups.install(self, recurse=False)  # keeps pydantic out of start-up
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
        except _Escape as e:
            if isinstance(e.original, BrokenPipeError):
                # A reader such as `head` went away: stop quietly, as Unix tools do.
                _silence_stdout()
                sys.exit(ExitStatus.OK)
            _interrupted_message(e.original)
            raise e.original from None
        except typer.Abort:  # end of input at a prompt
            _interrupted_message()
            raise KeyboardInterrupt from None
        except OSError as e:
            # Standard output failed (a full disk, a closed terminal), or a file
            # a command did not check itself; --output files are named by files.py.
            _silence_stdout()
            if e.filename:
                _fail(f"{e.filename}: {e.strerror or e}")
            _fail(f"reading or writing failed: {e.strerror or e}")
        except Exception as e:
            # A bug: one line, no traceback (locals can hold patient data).
            _fail(f"internal error ({type(e).__name__}: {e}); please report it")
        if rv == _TYPER_INTERRUPTED:  # Ctrl-C while Typer parsed the options
            _interrupted_message()
            raise KeyboardInterrupt
        if not standalone_mode:
            return rv
        sys.exit(rv if isinstance(rv, int) else ExitStatus.OK)

    def _main_shell_completion(
        self, ctx_args: Any, prog_name: str, complete_var: str | None = None
    ) -> None:
        # Runs on every invocation; only a Tab press (the completion variable set)
        # goes further, set up to answer without Rich or pydantic value checks.
        if complete_var is None:
            complete_var = f"_{prog_name}_COMPLETE".replace("-", "_").upper()
        if os.environ.get(complete_var):
            from inoplan.cli.complete import prepare_completion

            prepare_completion()
        super()._main_shell_completion(ctx_args, prog_name, complete_var)

    def invoke(self, ctx: Any) -> Any:
        # Typer turns Ctrl-C into exit status 130 and a closed pipe into 1;
        # carry both past it to main() above, which keeps to 0, 1 and 2.
        try:
            return super().invoke(ctx)
        except (KeyboardInterrupt, BrokenPipeError) as e:
            raise _Escape(e) from None

    def resolve_command(self, ctx: Any, args: list[str]) -> tuple[str | None, Any, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None:
            from inoplan.cli import typer_speedups

            typer_speedups.install(command, ctx)  # only the command that runs
        return name, command, rest


app = typer.Typer(
    cls=InoplanGroup,
    name=PROG,
    help="Plan inotuzumab ozogamicin (BESPONSA) treatment cycles: BSA doses, dates, reminders.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def main(prog_name: str = PROG) -> None:
    """Entry point: the app, with Ctrl-C ending the process as SIGINT does."""
    every = list(app.registered_commands)
    only_the_command_asked_for(sys.argv[1:])
    handle_sigterm()
    try:
        app(prog_name=prog_name)
    except KeyboardInterrupt as e:  # pragma: no cover - the process dies (see test_output)
        interrupted(e)
    finally:
        app.registered_commands[:] = every  # for callers that run main() again


def _completed_words() -> list[str]:
    """The words of a completion request already typed in full, after ``inoplan``.

    bash sends ``COMP_WORDS`` and ``COMP_CWORD`` (the word being completed);
    zsh, fish and PowerShell send ``_TYPER_COMPLETE_ARGS`` (the line so far).
    """
    words = os.environ.get("COMP_WORDS")
    if words is not None:
        try:
            cword = int(os.environ.get("COMP_CWORD", ""))
        except ValueError:
            return []
        return words.split()[1:cword]
    line = os.environ.get("_TYPER_COMPLETE_ARGS", "")
    parts = line.split()
    if parts and not line[-1:].isspace():
        parts = parts[:-1]  # the last word is still being typed
    return parts[1:]


def only_the_command_asked_for(argv: Sequence[str]) -> None:
    """Let Typer build only the command on the command line.

    Typer turns every registered command into a Click command at each start
    (about 0.6 ms for one with as many options as ``schedule``), though a run
    uses one. When the first word is a command's name, the others are
    dropped from ``app`` (:func:`main` puts them back); help, typing errors
    and command groups keep them all. A Tab press does the same once the
    command's name is typed in full; while it is still being typed, every
    command is offered.
    """
    if os.environ.get("_INOPLAN_COMPLETE"):
        argv = _completed_words()
    if not argv or argv[0].startswith("-"):
        return
    wanted = [
        info
        for info in app.registered_commands
        if (info.name or typer.main.get_command_name(getattr(info.callback, "__name__", "")))
        == argv[0]
    ]
    if wanted:
        app.registered_commands[:] = wanted


def _version(value: bool) -> None:
    if value:
        from inoplan.domain.rules import LABEL_REVISION

        typer.echo(f"{PROG} {__version__} (rules: {LABEL_REVISION})")
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


# --- value completers (imported only when the shell asks) ---------------------------


def _complete_country(incomplete: str) -> list[tuple[str, str]]:
    from inoplan.cli.complete import complete_country

    return complete_country(incomplete)


def _complete_timezone(incomplete: str) -> list[str]:
    from inoplan.cli.complete import complete_timezone

    return complete_timezone(incomplete)


# --- choices ---------------------------------------------------------------------

ResponseChoice = Response
MrdChoice = Mrd


class BsaFormula(str, Enum):
    MOSTELLER = "mosteller"
    DUBOIS = "dubois"
    HAYCOCK = "haycock"
    GEHAN_GEORGE = "gehan-george"
    BOYD = "boyd"




class FirstCycleDays(str, Enum):
    D21 = "21"
    D28 = "28"


class PlanFormat(str, Enum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    ICS = "ics"
    FHIR = "fhir"
    HTML = "html"


class BatchFormat(str, Enum):
    JSON = "json"
    CSV = "csv"
    ICS = "ics"


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
        autocompletion=_complete_timezone,
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


AudienceOpt = Annotated[
    Audience | None,
    typer.Option(
        "--audience",
        help="For --format html: patient (plain words; default) or clinician (adds BSA, "
        "formula, mg/m2).",
        case_sensitive=False,
        show_default=False,
    ),
]
LangOpt = Annotated[
    Lang | None,
    typer.Option(
        "--lang",
        help="For --format html: language of the calendar (default en).",
        case_sensitive=False,
        show_default=False,
    ),
]
PlanFormatOpt = Annotated[
    PlanFormat, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)
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
            from inoplan.domain.errors import InputError

            raise InputError(self.given()[0], "applies only to --format ics")

    def options(self) -> Any:
        """Parsed :class:`inoplan.export.ics.IcsOptions` (raises InputError)."""
        from inoplan.export import ics
        from inoplan.inputs import uid_key

        return ics.options_from_strings(
            uid_key=uid_key.load(),
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
        bool,
        typer.Option(
            "--hsct",
            help="Proceeding to stem-cell transplant: 2 cycles; a third only with --cycles 3, "
            "and not for CR/CRi with MRD negative.",
        ),
    ] = False,
    mrd: Annotated[
        MrdChoice,
        typer.Option("--mrd", help="MRD status, used with --hsct.", case_sensitive=False),
    ] = MrdChoice.UNKNOWN,
    cycles: Annotated[
        str | None,
        typer.Option(
            "--cycles",
            help="Plan this many cycles (default: the limit; with --hsct, 3 asks for a third).",
            metavar="N",
        ),
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
    clinic_days: Annotated[
        str | None,
        typer.Option(
            "--clinic-days",
            help="Weekdays the clinic gives infusions: mon-fri, mon,wed,fri (default: every "
            "day). Day 8/15 doses on a closed day move to the nearest open day within +/-2 "
            "days; a day 1 moves to the next open day with its cycle.",
            metavar="DAYS",
        ),
    ] = None,
    holidays: Annotated[
        str | None,
        typer.Option(
            "--holidays",
            help="Also closed on the public holidays of COUNTRY or COUNTRY-SUBDIV "
            "(ISO 3166: US, DE-BY, GB-SCT).",
            metavar="COUNTRY[-SUBDIV]",
            autocompletion=_complete_country,
        ),
    ] = None,
    fmt: PlanFormatOpt = PlanFormat.TABLE,
    audience: AudienceOpt = None,
    lang: LangOpt = None,
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

      inoplan schedule --start 2026-12-01 --bsa 1.82 --response cr \\
        --clinic-days mon-fri --holidays DE-BY

      inoplan schedule --start 2026-12-01 --bsa 1.82 --response cr \\
        --patient-id MRN-0042 --format fhir -o plan.fhir.json

      inoplan schedule --start 2027-03-02 --bsa 1.82 --response cr --format ics \\
        --time 09:30 --tz Europe/Berlin --location "Day unit" -o plan.ics

      inoplan schedule --start 2026-12-01 --height 170 --weight 70 --response cr \\
        --format html --lang de -o calendar.html
    """
    from inoplan.domain.clinic import plan_course
    from inoplan.inputs.clock import today
    from inoplan.inputs.plan_request import request_from_strings

    ics_args = IcsArgs(
        time, tz, location, reminder, no_reminders, lab_events, followup_events, ics_show_id
    )
    emit = _PlanOutput(fmt, output, force, ics_args, audience, lang)
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
            "clinic_days": clinic_days,
            "holidays": holidays,
        }
    )
    emit(plan_course(request, today()))


class _PlanOutput:
    """A plan's output, checked before any work: format, target file, format options.

    ``schedule`` and ``replan`` write a plan the same ways; the ICS options and
    ``--audience``/``--lang`` are refused with any other format, and the
    target file is checked before planning so nothing is computed for nothing.
    """

    def __init__(
        self,
        fmt: PlanFormat,
        output: str,
        force: bool,
        ics_args: IcsArgs,
        audience: Audience | None,
        lang: Lang | None,
    ) -> None:
        from inoplan.domain.errors import InputError
        from inoplan.files import check_target

        ics_args.check_format(fmt is PlanFormat.ICS)
        if fmt is not PlanFormat.HTML:
            if audience is not None:
                raise InputError("--audience", "applies only to --format html")
            if lang is not None:
                raise InputError("--lang", "applies only to --format html")
        self.ics_options = ics_args.options() if fmt is PlanFormat.ICS else None
        check_target(output, force)
        self.fmt, self.output, self.force = fmt, output, force
        self.audience = audience or Audience.PATIENT
        self.lang = lang or Lang.EN

    def __call__(self, plan: Any) -> None:
        _emit_plan(
            plan,
            self.fmt,
            self.output,
            self.force,
            self.ics_options,
            audience=self.audience,
            lang=self.lang,
        )


def _emit_plan(
    plan: Any,
    fmt: PlanFormat,
    output: str,
    force: bool,
    ics_options: Any = None,
    audience: Audience = Audience.PATIENT,
    lang: Lang = Lang.EN,
) -> None:
    from inoplan.files import write_output

    if fmt is PlanFormat.ICS:
        from inoplan.export import ics

        write_output(output, ics.render(plan, ics_options), force)
    elif fmt is PlanFormat.JSON:
        from inoplan.export import json as export_json

        write_output(output, export_json.render(plan), force)
    elif fmt is PlanFormat.CSV:
        from inoplan.export import csv as export_csv

        write_output(output, export_csv.render(plan), force)
    elif fmt is PlanFormat.FHIR:
        from inoplan.export import fhir as export_fhir

        write_output(output, export_fhir.render(plan), force)
    elif fmt is PlanFormat.HTML:
        from inoplan.export import html as export_html

        who: export_html.Audience = "clinician" if audience is Audience.CLINICIAN else "patient"
        page = export_html.render(plan, audience=who, lang=lang.value)
        write_output(output, page, force)
    else:
        from inoplan.render.plan import print_plan

        _draw(print_plan, plan, output, force)


def _draw(printer: Any, view: Any, output: str, force: bool) -> None:
    """A Rich view on the terminal, or as plain text into the file ``output``."""
    from inoplan.files import write_output
    from inoplan.render.plan import text_console

    if output == "-":
        printer(view, text_console())
    else:
        console = text_console(record=True)
        printer(view, console)
        write_output(output, console.export_text(), force)


@app.command()
def replan(
    plan_file: Annotated[
        str,
        typer.Argument(
            metavar="PLAN", help="A plan saved with --format json (by schedule or replan)."
        ),
    ],
    given: Annotated[
        list[str] | None,
        typer.Option(
            "--given",
            help="A dose given on a date, not after today: C1D8=2026-12-10 (days 8 and 15 "
            "within +/- 2 days).",
            metavar="DOSE=DATE",
        ),
    ] = None,
    held: Annotated[
        list[str] | None,
        typer.Option(
            "--held",
            help="A day 8 or 15 dose not given, with the reason and optionally its category "
            "(hematologic, hepatic, infusion-reaction, other): C1D15=other:grade 2 mucositis.",
            metavar="DOSE=[CATEGORY:]REASON",
        ),
    ] = None,
    interrupt: Annotated[
        list[str] | None,
        typer.Option(
            "--interrupt",
            help="Treatment interrupted for toxicity for N days from the day DOSE was due: "
            "C1D8=9 or C1D8=9:grade 3 rash or C1D8=9:hepatic:bilirubin 2 x ULN.",
            metavar="DOSE=DAYS[:[CATEGORY:]REASON]",
        ),
    ] = None,
    assessment: Annotated[
        list[str] | None,
        typer.Option(
            "--assessment",
            help="Response assessed on a date: 2026-12-20=cr or 2026-12-20=cr:negative "
            "(none, cr, cri; MRD negative, positive, unknown).",
            metavar="DATE=RESPONSE[:MRD]",
        ),
    ] = None,
    hsct_decision: Annotated[
        list[str] | None,
        typer.Option(
            "--hsct-decision",
            help="Decided on a date whether to proceed to HSCT: 2026-12-20=yes.",
            metavar="DATE=yes|no",
        ),
    ] = None,
    discontinue: Annotated[
        list[str] | None,
        typer.Option(
            "--discontinue",
            help="Treatment stopped for good on a date: 2026-12-12=hepatic:VOD.",
            metavar="DATE=[CATEGORY:]REASON",
        ),
    ] = None,
    two_dose_days: Annotated[
        str | None,
        typer.Option(
            "--two-dose-days",
            help="The 2 days kept at 2 doses per cycle (the clinician's choice): 1,8.",
            metavar="D,D",
        ),
    ] = None,
    reduced_doses: Annotated[
        str | None,
        typer.Option(
            "--reduced-doses",
            help="Split of a 25% reduction, mg/m2 on days 1/8/15 (default: each dose x 0.75).",
            metavar="A/B/C",
        ),
    ] = None,
    measured: Annotated[
        list[str] | None,
        typer.Option(
            "--measured",
            help="Weight (and height) measured on a date: 2027-01-05=62kg or "
            "2027-01-05=62kg,170cm. A change of at least --recalc-threshold recomputes the BSA "
            "and every dose from that date on.",
            metavar="DATE=WEIGHT[,HEIGHT]",
        ),
    ] = None,
    recalc_threshold: Annotated[
        str | None,
        typer.Option(
            "--recalc-threshold",
            help="Site policy: the weight change that recomputes the BSA, for the measurements "
            "recorded now (default: the plan's last one, else 10%).",
            metavar="PCT",
        ),
    ] = None,
    events_file: Annotated[
        str | None,
        typer.Option("--events", help="More events from a CSV or JSON file.", metavar="FILE"),
    ] = None,
    fmt: PlanFormatOpt = PlanFormat.TABLE,
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
    audience: AudienceOpt = None,
    lang: LangOpt = None,
) -> None:
    """Record what happened and re-plan the rest of a saved course.

    The plan is rebuilt from the inputs it records, with its earlier events
    and these new ones; every changed dose says why. Save the result with
    --format json to record further events later.

    Examples:

      inoplan replan plan.json --given C1D1=2026-12-01 --interrupt "C1D8=9:grade 3 rash"

      inoplan replan plan.json --assessment 2026-12-20=cr:negative --format json -o plan2.json

      inoplan replan plan.json --discontinue "2026-12-12=hepatic VOD"

      inoplan replan plan.json --measured 2026-12-22=62kg

      inoplan replan plan.json --events events.csv --format csv
    """
    from inoplan.domain.errors import InputError
    from inoplan.domain.replan.engine import replan_history
    from inoplan.inputs.clock import today
    from inoplan.inputs.event_files import (
        check_event_dates,
        check_not_future,
        events_from_options,
        read_events_file,
    )
    from inoplan.inputs.saved_plan import (
        events_from_plan,
        read_plan_json,
        request_from_plan,
        revision_of,
    )

    ics_args = IcsArgs(
        time, tz, location, reminder, no_reminders, lab_events, followup_events, ics_show_id
    )
    emit = _PlanOutput(fmt, output, force, ics_args, audience, lang)
    data = read_plan_json(plan_file)
    request = request_from_plan(data)
    recorded = events_from_plan(data)
    revision = revision_of(data) + 1
    single = [[v] if v is not None else [] for v in (two_dose_days, reduced_doses)]
    new = events_from_options(
        [
            ("--given", given or []),
            ("--held", held or []),
            ("--interrupt", interrupt or []),
            ("--assessment", assessment or []),
            ("--hsct-decision", hsct_decision or []),
            ("--discontinue", discontinue or []),
            ("--two-dose-days", single[0]),
            ("--reduced-doses", single[1]),
            ("--measured", measured or []),
        ],
        revision,
    )
    if events_file is not None:
        new.extend(read_events_file(events_file, revision))
    if not new:
        raise InputError(
            "replan",
            "no event given; record one with --given, --held, --interrupt, --assessment, "
            "--hsct-decision, --discontinue, --measured or --events",
        )
    new = _stamp_threshold(recalc_threshold, recorded, new)
    check_event_dates([*recorded, *new], request.start)
    check_not_future(new, today())
    emit(replan_history(request, [*recorded, *new], strict=True))


def _stamp_threshold(text: str | None, recorded: list[Any], new: list[Any]) -> list[Any]:
    """Record the recalculation threshold in force with each new measurement.

    ``--recalc-threshold``, else the threshold of the plan's last measurement,
    else the default (10%): saved with the event, so re-reading the plan never
    re-decides an old measurement under a newer policy.
    """
    from dataclasses import replace

    from inoplan.domain.errors import InputError
    from inoplan.domain.replan.events import Measured, parse_threshold
    from inoplan.domain.rules import RECALC_THRESHOLD_PCT

    fresh = [e for e in new if isinstance(e, Measured)]
    if text is not None and not fresh:
        raise InputError(
            "--recalc-threshold", "not used: it applies to new measurements (--measured)"
        )
    earlier = [e for e in recorded if isinstance(e, Measured) and e.threshold_pct is not None]
    threshold = (
        parse_threshold(text, "--recalc-threshold")
        if text is not None
        else earlier[-1].threshold_pct
        if earlier
        else RECALC_THRESHOLD_PCT
    )
    return [
        replace(e, threshold_pct=threshold)
        if isinstance(e, Measured) and e.threshold_pct is None
        else e
        for e in new
    ]


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
    from inoplan.domain.body import body_warnings, bsa_from_body
    from inoplan.domain.errors import InputError
    from inoplan.domain.units import read_height, read_weight

    if not height:
        raise InputError("--height", "required")
    if not weight:
        raise InputError("--weight", "required")
    h = read_height(height)
    w = read_weight(weight)
    from inoplan.domain.rules import BSA_FORMULAS

    names = list(BSA_FORMULAS) if all_formulas else [str(bsa_formula.value)]
    results = [bsa_from_body(h, w, name, field="--height/--weight") for name in names]
    width = max(len(n) for n in names)
    for r in results:
        typer.echo(f"{r.formula:<{width}}  {r.m2} m2   {r.working}")
    typer.echo(f"{'body':<{width}}  {results[0].body_text}, BMI {results[0].bmi}")
    for warning in dict.fromkeys(w for r in results for w in body_warnings(r)):
        typer.echo(f"WARNING: {warning}")


# --- pharmacy: compounding worksheet and worklist ----------------------------------------


class Market(str, Enum):
    US = "us"
    EU = "eu"



MarketOpt = Annotated[
    Market,
    typer.Option(
        "--market",
        help="Which vial: us (0.9 mg, 3.6 mL deliverable) or eu (1 mg).",
        case_sensitive=False,
    ),
]


def _emit_text(view: Any, output: str, force: bool) -> None:
    from inoplan.render.pharmacy import print_view

    _draw(print_view, view, output, force)


@app.command()
def prep(
    plan_file: Annotated[
        str | None,
        typer.Argument(
            help="A saved JSON plan (from schedule --format json); give --cycle and --day.",
            metavar="[PLAN]",
            show_default=False,
        ),
    ] = None,
    dose_mg: Annotated[
        str | None, typer.Option("--dose-mg", help="The dose in mg, to 0.01 (e.g. 1.46).")
    ] = None,
    cycle: Annotated[
        str | None, typer.Option("--cycle", help="Cycle number, with PLAN or height/weight.")
    ] = None,
    day: Annotated[str | None, typer.Option("--day", help="Day of the cycle: 1, 8 or 15.")] = None,
    height: HeightOpt = None,
    weight: WeightOpt = None,
    bsa: Annotated[
        str | None, typer.Option("--bsa", help="BSA in m2 (to 0.01), instead of height and weight.")
    ] = None,
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
        ),
    ] = None,
    fmt: Annotated[
        PlanFormat, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)
    ] = PlanFormat.TABLE,
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
    from inoplan.domain.errors import InputError
    from inoplan.domain.pharmacy import parse_clock, parse_dose_mg, vial_for, worksheet
    from inoplan.files import check_target, write_output
    from inoplan.inputs.dose_source import dose_from_body, dose_from_plan

    check_target(output, force)
    vial = vial_for(str(market.value))
    at = None if reconstituted_at is None else parse_clock(reconstituted_at)
    body = any(v is not None for v in (height, weight, bsa))
    given = [
        name
        for name, present in (
            ("--dose-mg", dose_mg is not None),
            ("PLAN", plan_file is not None),
            ("--height/--weight/--bsa", body),
        )
        if present
    ]
    if len(given) != 1:
        raise InputError(
            given[1] if len(given) > 1 else "--dose-mg",
            "give exactly one of --dose-mg, a PLAN file with --cycle/--day, or "
            "--height and --weight (or --bsa) with --cycle/--day"
            + (f" (got {' and '.join(given)})" if given else ""),
        )
    if dose_mg is not None:
        for name, value in (("--cycle", cycle), ("--day", day)):
            if value is not None:
                raise InputError(name, "not used with --dose-mg")
        dose = parse_dose_mg(dose_mg)
        context: dict[str, Any] = {"source": "dose_mg"}
        heading = f"Compounding worksheet: {dose} mg"
        body_warnings: list[str] = []
    elif plan_file:
        dose, context, heading, body_warnings = dose_from_plan(plan_file, cycle, day)
    else:
        dose, context, heading, body_warnings = dose_from_body(
            {
                "height": height,
                "weight": weight,
                "bsa": bsa,
                "bsa_formula": _str(bsa_formula) if bsa is None else None,
            },
            cycle,
            day,
            _str(response) or "pending",
        )
    ws = worksheet(dose, vial, at, body_warnings)
    if fmt is PlanFormat.JSON:
        from inoplan.export.pharmacy import worksheet_json

        write_output(output, worksheet_json(ws, context), force)
    elif fmt is PlanFormat.CSV:
        from inoplan.export.pharmacy import worksheet_csv

        write_output(output, worksheet_csv(ws), force)
    else:
        from inoplan.render.pharmacy import worksheet_view

        _emit_text(worksheet_view(ws, heading), output, force)


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
        typer.Option("--date", help="The day, YYYY-MM-DD (default today); first day with --to."),
    ] = None,
    to: Annotated[
        str | None, typer.Option("--to", help="Last day of a range, YYYY-MM-DD (inclusive).")
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
        typer.Option("--round-within", help="Round doses by at most this much, e.g. 5%."),
    ] = None,
    round_to: Annotated[
        str | None,
        typer.Option("--round-to", help="Round to a step in mg (0.1) or to whole vials (vial)."),
    ] = None,
    fmt: Annotated[
        PlanFormat, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)
    ] = PlanFormat.TABLE,
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

    check_target(output, force)
    vial = vial_for(str(market.value))
    from inoplan.inputs.clock import today

    first = today() if date is None else parse_date(date, "--date")
    last = first if to is None else parse_date(to, "--to")
    within = None if round_within is None else parse_percent(round_within)
    step = None if round_to is None else parse_round_to(round_to)
    sources = load_patients(source)
    wl = build_worklist(sources, first, last, vial, share_vials, within, step)
    if fmt is PlanFormat.JSON:
        from inoplan.export.pharmacy import worklist_json

        write_output(output, worklist_json(wl), force)
    elif fmt is PlanFormat.CSV:
        from inoplan.export.pharmacy import worklist_csv

        write_output(output, worklist_csv(wl), force)
    else:
        from inoplan.render.pharmacy import worklist_view

        _emit_text(worklist_view(wl), output, force)


# --- dose modifications from laboratory values ---------------------------------------


class CheckFormat(str, Enum):
    TABLE = "table"
    JSON = "json"


class IrrChoice(str, Enum):
    NONE = "none"
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"
    LIFE_THREATENING = "life-threatening"



_COUNT = "x 10^9/L"


def _num_opt(name: str, text: str, metavar: str = "N") -> Any:
    return typer.Option(name, help=text, metavar=metavar, show_default=False)


@app.command("check")
def check_command(
    day: Annotated[
        str,
        typer.Option("--day", help="Cycle day of the next dose: 1, 8 or 15.", metavar="1|8|15"),
    ],
    anc: Annotated[str | None, _num_opt("--anc", f"Today's ANC, {_COUNT} (0.8 = 800/mm3).")] = None,
    platelets: Annotated[
        str | None, _num_opt("--platelets", f"Today's platelets, {_COUNT} (45 = 45,000/mm3).")
    ] = None,
    baseline_anc: Annotated[
        str | None, _num_opt("--baseline-anc", f"Pre-treatment ANC, {_COUNT}.")
    ] = None,
    baseline_platelets: Annotated[
        str | None, _num_opt("--baseline-platelets", f"Pre-treatment platelets, {_COUNT}.")
    ] = None,
    prior_anc: Annotated[
        str | None, _num_opt("--prior-anc", f"The prior cycle's baseline ANC, {_COUNT}.")
    ] = None,
    prior_platelets: Annotated[
        str | None,
        _num_opt("--prior-platelets", f"The prior cycle's baseline platelets, {_COUNT}."),
    ] = None,
    bilirubin: Annotated[
        str | None, _num_opt("--bilirubin", "Total bilirubin, in the unit of its ULN.", "X")
    ] = None,
    bilirubin_uln: Annotated[
        str | None, _num_opt("--bilirubin-uln", "Upper limit of normal for bilirubin.", "X")
    ] = None,
    ast: Annotated[str | None, _num_opt("--ast", "AST, in the unit of its ULN.", "X")] = None,
    ast_uln: Annotated[
        str | None, _num_opt("--ast-uln", "Upper limit of normal for AST.", "X")
    ] = None,
    alt: Annotated[str | None, _num_opt("--alt", "ALT, in the unit of its ULN.", "X")] = None,
    alt_uln: Annotated[
        str | None, _num_opt("--alt-uln", "Upper limit of normal for ALT.", "X")
    ] = None,
    liver_hold: Annotated[
        bool,
        typer.Option(
            "--liver-hold", help="The dose is already held for liver tests (checks recovery)."
        ),
    ] = False,
    vod: Annotated[
        bool,
        typer.Option("--vod", help="VOD/SOS or other severe liver toxicity has been diagnosed."),
    ] = False,
    irr: Annotated[
        IrrChoice,
        typer.Option("--irr", help="Infusion-related reaction severity.", case_sensitive=False),
    ] = IrrChoice.NONE,
    other_grade: Annotated[
        str | None,
        _num_opt("--other-grade", "Worst other non-hematologic toxicity, CTCAE grade 0-4.", "G"),
    ] = None,
    baseline_grade: Annotated[
        str | None,
        _num_opt("--baseline-grade", "Its pre-treatment grade (default 0).", "G"),
    ] = None,
    days_held: Annotated[
        str | None,
        _num_opt("--days-held", "Days since the dose was first held (quotes the delay rules)."),
    ] = None,
    fmt: Annotated[
        CheckFormat, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)
    ] = CheckFormat.TABLE,
) -> None:
    """What the label's dose-modification tables say about the next dose.

    Give, hold until recovery, or permanently discontinue, with each rule
    quoted. Decisions the label leaves to the clinician (counts falling because
    of the disease, Gilbert's syndrome or hemolysis, when a hold has lasted too
    long) are named, never taken.

    Examples:

      inoplan check --day 1 --anc 0.7 --platelets 80 --baseline-anc 1.5 \\
        --baseline-platelets 150

      inoplan check --day 8 --bilirubin 2.1 --bilirubin-uln 1.2 --ast 140 --ast-uln 40 \\
        --alt 90 --alt-uln 45 --format json
    """
    from inoplan.domain.check import check, check_from_strings, result_to_dict

    values = check_from_strings(
        {
            "day": day,
            "anc": anc,
            "platelets": platelets,
            "baseline_anc": baseline_anc,
            "baseline_platelets": baseline_platelets,
            "prior_anc": prior_anc,
            "prior_platelets": prior_platelets,
            "bilirubin": bilirubin,
            "bilirubin_uln": bilirubin_uln,
            "ast": ast,
            "ast_uln": ast_uln,
            "alt": alt,
            "alt_uln": alt_uln,
            "liver_hold": "yes" if liver_hold else None,
            "vod": "yes" if vod else None,
            "irr": _str(irr),
            "other_grade": other_grade,
            "baseline_grade": baseline_grade,
            "days_held": days_held,
        }
    )
    result = check(values)
    if fmt is CheckFormat.JSON:
        from inoplan.export.json import dumps

        typer.echo(dumps(result_to_dict(result)), nl=False)
    else:
        from inoplan.render.check import print_check
        from inoplan.render.plan import text_console

        print_check(result, text_console())


class VerifyFormat(str, Enum):
    TEXT = "text"
    JSON = "json"


@app.command("verify")
def verify_command(
    plan_file: Annotated[
        str,
        typer.Argument(
            metavar="PLAN.json", help="A plan saved with `inoplan schedule --format json`."
        ),
    ],
    fmt: Annotated[
        VerifyFormat,
        typer.Option("--format", "-f", help="Report format.", case_sensitive=False),
    ] = VerifyFormat.TEXT,
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


def _jobs(text: str) -> int:
    from inoplan.domain.units import parse_int

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
        typer.Option(
            "--out",
            help="Folder for the run: new, empty, or an earlier run (with --force). "
            "Written whole or left as it was.",
            metavar="DIR",
        ),
    ],
    fmt: Annotated[
        BatchFormat,
        typer.Option("--format", "-f", help="Format of each patient's file.", case_sensitive=False),
    ] = BatchFormat.JSON,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an earlier run in --out, whole.")
    ] = False,
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

    from inoplan.inputs.clock import today
    from inoplan.services.batch import run_batch

    if not out.strip():
        # An unset variable (--out "$DIR") must not make the current folder the target.
        from inoplan.domain.errors import InputError

        raise InputError("--out", "empty; give a folder name")
    today()  # a bad INOPLAN_TODAY stops the run before any row is planned
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
        from inoplan.render.progress import batch_progress
        from inoplan.services.batch import count_rows

        total = count_rows(source)
        with batch_progress(total) as advance:
            summary = run_batch(
                source, Path(out), str(fmt.value), force, ics_options, advance, jobs=n_jobs
            )
    else:
        summary = run_batch(source, Path(out), str(fmt.value), force, ics_options, jobs=n_jobs)

    if not quiet:
        # Every line through _one_line: a folder name or a reason can hold terminal escapes.
        rejected = len(summary.rejected)
        _say(
            _one_line(
                f"{PROG}: planned {summary.planned} of {summary.rows} patients into {out}"
                f" ({summary.doses} doses in plan.csv); {rejected} row"
                f"{'' if rejected == 1 else 's'} rejected"
            )
        )
        shown = summary.rejected[:20]
        for r in shown:
            who = f" ({r.patient_id})" if r.patient_id else ""
            _say("  " + _one_line(f"row {r.row}{who}: {r.field}: {r.reason}"))
        if rejected > len(shown):
            _say(f"  ... and {rejected - len(shown)} more in summary.json")
    if summary.rejected:
        raise typer.Exit(ExitStatus.REJECTED)


# Commands in modules of their own register on ``app`` when imported.
from inoplan.cli import balance as _balance  # noqa: E402, F401
