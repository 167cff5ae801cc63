"""``inoplan schedule``: plan a whole course."""

# No ``from __future__ import annotations``: Typer reads the annotations of the
# command it runs at each start, and real objects save it evaluating strings.
from typing import Annotated

import typer

from inoplan.cli.app import app
from inoplan.cli.options import (
    AudienceOpt,
    BsaFormula,
    BsaOpt,
    FirstCycleDays,
    FollowupEventsOpt,
    ForceOpt,
    FormulaOpt,
    HeightOpt,
    IcsArgs,
    LabEventsOpt,
    LangOpt,
    LocationOpt,
    MrdChoice,
    NoRemindersOpt,
    OutputOpt,
    PlanFormatOpt,
    ReminderOpt,
    ResponseChoice,
    ShowIdOpt,
    TimeOpt,
    TzOpt,
    WeightOpt,
    _complete_country,
    _PlanOutput,
    _str,
)


@app.command()
def schedule(
    start: Annotated[
        str,
        typer.Option(
            "--start", help="Cycle 1 day 1, as YYYY-MM-DD.", metavar="DATE", show_default=False
        ),
    ],
    height: HeightOpt = None,
    weight: WeightOpt = None,
    bsa: BsaOpt = None,
    bsa_formula: FormulaOpt = BsaFormula.MOSTELLER,
    bsa_cap: Annotated[
        str | None,
        typer.Option(
            "--bsa-cap",
            help="Cap the BSA at this many m2 (not recommended; warns).",
            metavar="M2",
        ),
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
        typer.Option(
            "--patient-id", help="A pseudonymous id to print (never a name).", metavar="ID"
        ),
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
    fmt: PlanFormatOpt = None,
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

    Each dose is the label's mg/m2 for its day times the BSA; each date follows
    the cycle rules (and the clinic's open days, if given). Save the plan with
    --format json to re-plan, verify or prepare doses from it later.

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
    from inoplan.inputs.clock import today
    from inoplan.services.schedule import plan_schedule

    ics_args = IcsArgs(
        time, tz, location, reminder, no_reminders, lab_events, followup_events, ics_show_id
    )
    emit = _PlanOutput(fmt, output, force, ics_args, audience, lang)
    plan = plan_schedule(
        start=start,
        today=today(),
        height=height,
        weight=weight,
        bsa=bsa,
        bsa_formula=_str(bsa_formula),
        bsa_cap=bsa_cap,
        response=_str(response),
        hsct=hsct,
        mrd=_str(mrd),
        cycles=cycles,
        first_cycle_days=_str(first_cycle_days),
        patient_id=patient_id,
        blasts=blasts,
        clinic_days=clinic_days,
        holidays=holidays,
    )
    emit(plan)
