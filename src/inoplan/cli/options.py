"""Option types, choices and output helpers shared by inoplan's commands."""

# No ``from __future__ import annotations``: Typer reads the annotations of the
# command it runs at each start, and real objects save it evaluating strings.
from enum import Enum
from typing import Annotated, Any, NamedTuple

import typer

from inoplan.cli.formats import (
    COMMAND_FORMATS,
    SUFFIX_FORMATS,
    BalanceFormat,
    BatchFormat,
    BsaFormat,
    CheckFormat,
    PlanFormat,
    PrepFormat,
    VerifyFormat,
    WorklistFormat,
    choose_format,
    format_help,
    format_of_name,
)
from inoplan.domain.statuses import Mrd, Response

__all__ = [
    "COMMAND_FORMATS",
    "SUFFIX_FORMATS",
    "BalanceFormat",
    "BatchFormat",
    "BsaFormat",
    "CheckFormat",
    "PlanFormat",
    "PrepFormat",
    "VerifyFormat",
    "WorklistFormat",
    "choose_format",
    "format_help",
    "format_of_name",
]

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
        "--height",
        help="Height: 170, 170cm, 1.7m, 67in, 5ft7in or 5'7\". Bare numbers are cm.",
        metavar="HEIGHT",
    ),
]
WeightOpt = Annotated[
    str | None,
    typer.Option(
        "--weight", help="Weight: 70, 70kg or 154lb. Bare numbers are kg.", metavar="WEIGHT"
    ),
]
BsaOpt = Annotated[
    str | None,
    typer.Option("--bsa", help="BSA in m2 (to 0.01), instead of height and weight.", metavar="M2"),
]
FormulaOpt = Annotated[
    BsaFormula, typer.Option("--bsa-formula", help="BSA formula.", case_sensitive=False)
]
OutputOpt = Annotated[
    str,
    typer.Option("--output", "-o", help="File to write, or - for stdout.", metavar="FILE"),
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
    PlanFormat | None,
    typer.Option(
        "--format",
        "-f",
        help=format_help(PlanFormat),
        case_sensitive=False,
        show_default=False,
    ),
]
PrepFormatOpt = Annotated[
    PrepFormat | None,
    typer.Option(
        "--format",
        "-f",
        help=format_help(PrepFormat),
        case_sensitive=False,
        show_default=False,
    ),
]
WorklistFormatOpt = Annotated[
    WorklistFormat | None,
    typer.Option(
        "--format",
        "-f",
        help=format_help(WorklistFormat),
        case_sensitive=False,
        show_default=False,
    ),
]
BalanceFormatOpt = Annotated[
    BalanceFormat | None,
    typer.Option(
        "--format",
        "-f",
        help=format_help(BalanceFormat),
        case_sensitive=False,
        show_default=False,
    ),
]


class IcsArgs(NamedTuple):
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


class _PlanOutput:
    """A plan's output, checked before any work: format, target file, format options.

    ``schedule`` and ``replan`` write a plan the same ways; the ICS options and
    ``--audience``/``--lang`` are refused with any other format, and the
    target file is checked before planning so nothing is computed for nothing.
    """

    def __init__(
        self,
        fmt: PlanFormat | None,
        output: str,
        force: bool,
        ics_args: IcsArgs,
        audience: Audience | None,
        lang: Lang | None,
    ) -> None:
        from inoplan.domain.errors import InputError
        from inoplan.files import check_target

        fmt = choose_format(fmt, output, PlanFormat, PlanFormat.TABLE)
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
