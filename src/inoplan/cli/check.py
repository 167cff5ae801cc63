"""``inoplan check``: what the dose-modification tables say about the next dose."""

# No ``from __future__ import annotations``: Typer reads the annotations of the
# command it runs at each start, and real objects save it evaluating strings.
from enum import Enum
from typing import Annotated, Any

import typer

from inoplan.cli.app import app
from inoplan.cli.options import CheckFormat, _str

# --- dose modifications from laboratory values ---------------------------------------


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
