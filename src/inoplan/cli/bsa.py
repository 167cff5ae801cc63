"""``inoplan bsa``: body surface area, with the working shown."""

# No ``from __future__ import annotations``: Typer reads the annotations of the
# command it runs at each start, and real objects save it evaluating strings.
from typing import Annotated

import typer

from inoplan.cli.app import app
from inoplan.cli.options import (
    BsaFormat,
    BsaFormula,
    FormulaOpt,
    HeightOpt,
    WeightOpt,
)


@app.command("bsa")
def bsa_command(
    height: HeightOpt = None,
    weight: WeightOpt = None,
    bsa_formula: FormulaOpt = BsaFormula.MOSTELLER,
    all_formulas: Annotated[
        bool, typer.Option("--all", help="Show every formula side by side.")
    ] = False,
    fmt: Annotated[
        BsaFormat,
        typer.Option("--format", "-f", help="Output format.", case_sensitive=False),
    ] = BsaFormat.TABLE,
) -> None:
    """Body surface area from height and weight, with the working shown.

    Each formula's arithmetic is printed so it can be checked by hand; an
    unusual body build (BMI outside the usual range) is a WARNING.

    Examples:

      inoplan bsa --height 170 --weight 70

      inoplan bsa --height 5ft7in --weight 154lb --all

      inoplan bsa --height 170 --weight 70 --format json
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
    warnings = list(dict.fromkeys(w for r in results for w in body_warnings(r)))
    if fmt is BsaFormat.JSON:
        from inoplan.export.bsa import render

        typer.echo(render(results, warnings), nl=False)
        return
    # The working wraps under itself at the terminal's width (COLUMNS, else 80),
    # and a warning under its text, as the other commands' views do.
    import shutil

    columns = shutil.get_terminal_size().columns
    width = max(len(n) for n in names)
    for r in results:
        typer.echo(_hanging(f"{r.formula:<{width}}  {r.m2} m2   ", r.working, columns))
    typer.echo(f"{'body':<{width}}  {results[0].body_text}, BMI {results[0].bmi}")
    for warning in warnings:
        typer.echo(_hanging("WARNING: ", warning, columns))


def _hanging(marker: str, text: str, columns: int) -> str:
    """``marker`` and ``text``, wrapped at ``columns``; further lines start under the text."""
    from inoplan.render.wrapping import wrap

    return "\n".join(wrap(text, max(columns, len(marker) + 20), marker, " " * len(marker)))
