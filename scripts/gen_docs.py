"""Regenerate the generated parts of README.md from the code itself.

    python scripts/gen_docs.py          # rewrite README.md in place
    python scripts/gen_docs.py --check  # exit 1 if README.md is out of date

Generated blocks sit between ``<!-- BEGIN generated:NAME -->`` and
``<!-- END generated:NAME -->``: ``options`` (every command's options, from the
Typer application), ``patients-columns`` (the patients CSV's columns, from
:mod:`inoplan.inputs.patients_csv`), ``units`` (every spelling of each height and
weight unit, from :mod:`inoplan.domain.units`), ``csv-columns`` (the columns of
every plan CSV, from :mod:`inoplan.export.csv`) and ``example-*`` (real output of the
README's examples).
Never edit inside a block by hand.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from enum import Enum
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BLOCK_RE = re.compile(
    r"(<!-- BEGIN generated:(?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- END generated:(?P=name) -->)",
    re.S,
)

#: "Today" for the examples (INOPLAN_TODAY): a start before it warns and a re-plan
#: refuses a dose given after it, so the README stays the same as the calendar moves.
README_TODAY = "2026-11-30"
#: Examples that record what happened are run on a later day.
EXAMPLE_TODAY = {"example-replan-clinic": "2026-12-21"}
#: Several commands run in an empty directory see a copy of ``examples/`` there.
EXAMPLES_DIR = ROOT / "examples"

#: Example blocks: name -> the command line shown (run with the installed entry point), or
#: several run in turn in one empty directory (to save a plan, then re-plan it).
EXAMPLES: dict[str, str | tuple[str, ...]] = {
    "example-schedule": (
        "inoplan schedule --start 2026-12-01 --height 170 --weight 70 --response cr"
    ),
    "example-csv": "inoplan schedule --start 2026-12-01 --bsa 1.82 --response none --format csv",
    "example-bsa": "inoplan bsa --height 170 --weight 70 --all",
    "example-error": "inoplan schedule --start 03/04/2026 --height 170 --weight 70",
    "example-clinic-holiday": (
        "inoplan schedule --start 2026-12-18 --bsa 1.82 --response cr --cycles 2 "
        "--clinic-days mon-fri --holidays DE-BY --format csv"
    ),
    "example-clinic-push": (
        "inoplan schedule --start 2026-12-12 --bsa 1.82 --response cr --cycles 2 "
        "--clinic-days mon-sat --holidays DE-BY --format csv"
    ),
    "example-clinic-refused": (
        "inoplan schedule --start 2026-12-18 --bsa 1.82 --cycles 1 "
        "--clinic-days mon-wed,fri --holidays DE-BY"
    ),
    "example-replan-clinic": (
        "inoplan schedule --start 2026-12-18 --bsa 1.82 --response cr --cycles 2 "
        "--clinic-days mon-fri --holidays DE-BY --format json -o plan.json",
        "inoplan replan plan.json --given C1D1=2026-12-19 --format csv",
    ),
    "example-balance": (
        "inoplan balance examples/balance-clinic.csv --from 2027-01-11 --to 2027-01-22 "
        "--chairs 3 --clinic-days mon-fri --share-vials --vial-price 24000"
    ),
    "example-batch-worklist": (
        "inoplan batch examples/patients.csv --out plans",
        "inoplan worklist plans --date 2027-03-09 --to 2027-03-10",
    ),
    "example-batch": (
        "inoplan batch examples/patients.csv --out plans",
        "ls plans plans/patients",
        "head -n 4 plans/plan.csv",
        "cat plans/summary.json",
    ),
    "example-check-liver": (
        "inoplan check --day 15 --liver-hold --bilirubin 1.7 --bilirubin-uln 1.2 "
        "--ast 110 --ast-uln 40 --alt 60 --alt-uln 40 --other-grade 1"
    ),
}


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def options_reference() -> str:
    import typer.main

    from inoplan.cli.app import app

    root = typer.main.get_command(app)
    out: list[str] = []
    commands = getattr(root, "commands", {})
    for name, cmd in [("inoplan", root), *commands.items()]:
        if getattr(cmd, "hidden", False):
            continue
        title = "inoplan" if cmd is root else f"inoplan {name}"
        out.append(f"### `{title}`\n")
        summary = (cmd.help or "").strip().splitlines()[0] if cmd.help else ""
        if summary:
            out.append(f"{summary}\n")
        out.append("| option | values | default | meaning |")
        out.append("|---|---|---|---|")
        for p in cmd.params:
            if getattr(p, "hidden", False) or p.name in ("install_completion", "show_completion"):
                continue
            names = ", ".join(f"`{o}`" for o in [*p.opts, *p.secondary_opts])
            annotation = getattr(getattr(p, "type_descriptor", None), "annotation", None)
            if getattr(p, "is_flag", False) or annotation is bool:
                values = "flag"
            elif isinstance(annotation, type) and issubclass(annotation, Enum):
                values = " | ".join(str(c.value) for c in annotation)
            else:
                values = p.metavar or "TEXT"
            default = p.default
            if isinstance(default, Enum):
                default = default.value
            if getattr(p, "required", False):
                shown = "required"
            elif default in (None, False, "") or getattr(p, "is_flag", False):
                shown = ""
            else:
                shown = f"`{default}`"
            meaning = _cell(getattr(p, "help", "") or "")
            out.append(f"| {names} | {_cell(str(values))} | {shown} | {meaning} |")
        out.append("")
    return "\n".join(out)


def formats_table() -> str:
    """Each command's formats and its output option, from :mod:`inoplan.cli.options`."""
    import typer.main

    from inoplan.cli.app import app
    from inoplan.cli.options import COMMAND_FORMATS, SUFFIX_FORMATS

    commands = getattr(typer.main.get_command(app), "commands", {})
    out = ["| command | formats (`--format`, `-f`) | default | written with |", "|---|---|---|---|"]
    for name, formats in COMMAND_FORMATS.items():
        values = [str(f.value) for f in formats]
        dash_o = next((set(p.opts) for p in commands[name].params if "-o" in p.opts), set())
        if "--out" in dash_o:
            where = "`--out DIR` or `-o DIR` (a folder)"
        elif dash_o:
            where = "`-o`/`--output FILE` (or `-` for stdout)"
        else:
            where = "stdout"
        default = "json" if "table" not in values else "table"
        shown = ", ".join(f"`{v}`" for v in values)
        out.append(f"| `{name}` | {shown} | `{default}` | {where} |")
    suffixes = ", ".join(f"`{s}` {f}" for s, f in SUFFIX_FORMATS)
    out.append("")
    out.append(f"File names that name a format: {suffixes}.")
    return "\n".join(out) + "\n"


def patients_columns() -> str:
    """The patients CSV's columns, as ``batch``, ``worklist`` and ``balance`` read them."""
    from inoplan.inputs.patients_csv import COLUMNS

    out = ["| column | required | blank cell | meaning |", "|---|---|---|---|"]
    for c in COLUMNS:
        out.append(f"| `{c.name}` | {c.required} | {c.blank} | {_cell(c.meaning)} |")
    return "\n".join(out) + "\n"


def units() -> str:
    """Every spelling of each height and weight unit the parsers read."""
    from inoplan.domain.units import HEIGHT_UNITS, UNIT_SPELLINGS, WEIGHT_UNITS

    out = ["| measure | unit | written as |", "|---|---|---|"]
    for measure, names in (("height", HEIGHT_UNITS), ("weight", WEIGHT_UNITS)):
        for unit in names:
            spelled = ", ".join(f"`{_cell(w)}`" for w in UNIT_SPELLINGS[unit])
            out.append(f"| {measure} | {unit} | {spelled} |")
    return "\n".join(out) + "\n"


def csv_columns() -> str:
    """The columns of every plan CSV (schedule, replan, batch ``plan.csv``), in order."""
    from inoplan.export.csv import COLUMNS

    return ", ".join(f"`{c}`" for c in COLUMNS) + "\n"


def _run(command: str, cwd: Path, today: str = README_TODAY) -> str:
    """``command`` run in ``cwd``: ``inoplan ...`` through this Python, else as written
    (``ls``, ``head``, ``cat``: to show the files a command wrote)."""
    env = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb", "LC_ALL": "C"}
    env["INOPLAN_TODAY"] = today
    argv = shlex.split(command)
    program = [sys.executable, "-m", "inoplan"] if argv[0] == "inoplan" else [argv[0]]
    r = subprocess.run(
        [*program, *argv[1:]],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        check=False,
    )
    body = r.stdout + r.stderr
    lines = [line.rstrip() for line in body.rstrip("\n").splitlines()]
    status = "" if r.returncode == 0 else f"\n$ echo $?\n{r.returncode}"
    return "$ " + command + "".join("\n" + line for line in lines) + status


def example(commands: str | tuple[str, ...], today: str = README_TODAY) -> str:
    if isinstance(commands, str):
        return "```\n" + _run(commands, ROOT, today) + "\n```\n"
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(EXAMPLES_DIR, Path(tmp) / EXAMPLES_DIR.name)
        shown = [_run(c, Path(tmp), today) for c in commands]
    return "```\n" + "\n".join(shown) + "\n```\n"


def generate(name: str) -> str:
    if name == "options":
        return options_reference()
    if name == "formats":
        return formats_table()
    if name == "patients-columns":
        return patients_columns()
    if name == "units":
        return units()
    if name == "csv-columns":
        return csv_columns()
    if name in EXAMPLES:
        return example(EXAMPLES[name], EXAMPLE_TODAY.get(name, README_TODAY))
    raise SystemExit(f"README.md: unknown generated block {name!r}")


def render(text: str) -> str:
    return BLOCK_RE.sub(lambda m: m.group(1) + generate(m["name"]) + m.group(4), text)


def main(argv: list[str]) -> int:
    current = README.read_text(encoding="utf-8")
    fresh = render(current)
    if "--check" in argv:
        if fresh != current:
            sys.stderr.write("README.md is out of date: run python scripts/gen_docs.py\n")
            return 1
        return 0
    README.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
