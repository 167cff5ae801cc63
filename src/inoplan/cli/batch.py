"""``inoplan batch``: plan every patient of a CSV file."""

# No ``from __future__ import annotations``: Typer reads the annotations of the
# command it runs at each start, and real objects save it evaluating strings.
import os
import sys
from typing import Annotated

import typer

from inoplan.cli.app import PROG, ExitStatus, _one_line, _say, app
from inoplan.cli.options import (
    BatchFormat,
    FollowupEventsOpt,
    IcsArgs,
    LabEventsOpt,
    LocationOpt,
    NoRemindersOpt,
    ReminderOpt,
    ShowIdOpt,
    TimeOpt,
    TzOpt,
)


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
            "-o",
            "--output",
            help="Folder for the run: new, empty, or an earlier run (with --force). "
            "Written whole or left as it was.",
            metavar="DIR",
        ),
    ],
    fmt: Annotated[
        BatchFormat,
        typer.Option(
            "--format",
            "-f",
            help="Format of each patient's file (json, csv or ics).",
            case_sensitive=False,
        ),
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
