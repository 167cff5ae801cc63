"""``inoplan replan``: record what happened and re-plan the rest of a saved course."""

# No ``from __future__ import annotations``: Typer reads the annotations of the
# command it runs at each start, and real objects save it evaluating strings.
from typing import Annotated

import typer

from inoplan.cli.app import app
from inoplan.cli.options import (
    AudienceOpt,
    FollowupEventsOpt,
    ForceOpt,
    IcsArgs,
    LabEventsOpt,
    LangOpt,
    LocationOpt,
    NoRemindersOpt,
    OutputOpt,
    PlanFormatOpt,
    ReminderOpt,
    ShowIdOpt,
    TimeOpt,
    TzOpt,
    _PlanOutput,
)


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
    fmt: PlanFormatOpt = None,
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
    from inoplan.inputs.clock import today
    from inoplan.inputs.event_files import events_from_options, read_events_file
    from inoplan.inputs.saved_plan import read_plan_json
    from inoplan.services.replan import open_saved, replan_saved

    ics_args = IcsArgs(
        time, tz, location, reminder, no_reminders, lab_events, followup_events, ics_show_id
    )
    emit = _PlanOutput(fmt, output, force, ics_args, audience, lang)
    saved = open_saved(read_plan_json(plan_file))
    revision = saved.next_revision
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
    emit(replan_saved(saved, new, today(), recalc_threshold))
