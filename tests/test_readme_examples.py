"""Every example in the README runs: the commands a reader copies work as shown.

Each code block outside the generated ones (those are run by scripts/gen_docs.py)
is run in a fresh folder holding a copy of ``examples/``, with the day fixed
(INOPLAN_TODAY, SOURCE_DATE_EPOCH): the ``inoplan ...`` lines of ```sh blocks and
the ``$ inoplan ...`` lines of the others (a ``\\`` continues a line). A block that
reads ``plan.json`` before writing it gets one made first. Each command must end
with the status the README documents: the ``$ echo $?`` after it, else 2 when
the README shows an ``inoplan: error:`` line, else 0; and never a traceback.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import invoke

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
#: A day after every event the README's re-plans record (the last, 2026-12-22),
#: as a reader re-planning those plans would be: a dose is recorded once given.
TODAY = "2027-01-05"
#: 2027-01-05T00:00:00Z, the same day as TODAY.
SOURCE_DATE_EPOCH = "1799107200"
#: Commands not run: they change the user's shell set-up, not a plan.
NOT_RUN = ("inoplan --install-completion",)
PLAN_JSON = (
    "schedule --start 2026-12-01 --height 170 --weight 70 --response none -f json -o plan.json"
)


@dataclass(frozen=True)
class Example:
    line: int
    command: str
    status: int
    before: str = ""  # the README's words just before the block


def _edit_by_hand(folder: Path) -> None:
    """What the README says was done to plan.json: C1D1 to 1.56 mg, C1D8 to 2026-12-11."""
    import json

    path = folder / "plan.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    doses = data["cycles"][0]["doses"]
    assert (doses[0]["day"], doses[1]["day"]) == (1, 8)
    doses[0]["mg"] = 1.56
    doses[1]["date"] = "2026-12-11"
    path.write_text(json.dumps(data), encoding="utf-8")


#: Words before a block -> what the README says was done before its commands.
PREPARE = {"edits the file by hand (C1D1 to 1.56 mg, C1D8 to 2026-12-11)": _edit_by_hand}


def _examples() -> list[list[Example]]:
    text = re.sub(
        r"<!-- BEGIN generated:([\w-]+) -->.*?<!-- END generated:\1 -->",
        lambda m: "\n" * m[0].count("\n"),
        README,
        flags=re.S,
    )
    blocks: list[list[Example]] = []
    for m in re.finditer(r"^```(\w*)\n(.*?)^```$", text, re.S | re.M):
        first = text.count("\n", 0, m.start(2)) + 1
        lines = m[2].splitlines()
        shell = m[1] == "sh"
        found: list[Example] = []
        i = 0
        while i < len(lines):
            line, number = lines[i], first + i
            i += 1
            if not shell and not line.startswith("$ "):
                continue
            command = line if shell else line[2:]
            while command.endswith("\\") and i < len(lines):
                command = command[:-1].rstrip() + " " + lines[i].strip()
                i += 1
            runs = r"inoplan " if shell else r"(inoplan|mkdir [\w/]+$)"
            if not re.match(runs, command) or command.startswith(NOT_RUN):
                continue
            shown: list[str] = []
            while not shell and i < len(lines) and not lines[i].startswith("$ "):
                shown.append(lines[i])
                i += 1
            status = 0
            if i + 1 < len(lines) and lines[i] == "$ echo $?":
                status = int(lines[i + 1])
            elif any(s.startswith("inoplan: error:") for s in shown):
                status = 2
            before = text[max(0, m.start() - 200) : m.start()]
            found.append(Example(number, command, status, before))
        if found:
            blocks.append(found)
    return blocks


BLOCKS = _examples()


def test_the_readme_has_examples_to_run() -> None:
    commands = [e.command for block in BLOCKS for e in block]
    assert len(commands) >= 25
    assert any(c.startswith("inoplan worklist plans/") for c in commands)


def _run(example: Example) -> tuple[int, str]:
    argv = shlex.split(example.command)
    if argv[0] == "mkdir":
        Path(argv[-1]).mkdir(parents=True, exist_ok=True)
        return 0, ""
    if ">" in argv:  # a redirection: run it as a shell would, through a real process
        target = argv[argv.index(">") + 1]
        with Path(target).open("w") as out:
            r = subprocess.run(
                [sys.executable, "-m", "inoplan", *argv[1 : argv.index(">")]],
                stdout=out,
                stderr=subprocess.PIPE,
                text=True,
                check=False,
            )
        return r.returncode, r.stderr
    if "|" in argv:  # only inoplan's own status counts
        argv = argv[: argv.index("|")]
    r = invoke(argv[1:])
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        raise r.exception
    return r.exit_code, r.output


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: f"line{b[0].line}")
def test_every_readme_example_runs(
    block: list[Example], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("INOPLAN_TODAY", TODAY)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    monkeypatch.setenv("COLUMNS", "100")
    first_write = next((e for e in block if "-o plan.json" in e.command), None)
    first_read = next(
        (e for e in block if "plan.json" in e.command and "-o plan.json" not in e.command), None
    )
    if first_read is not None and (first_write is None or first_read.line < first_write.line):
        assert invoke(shlex.split(PLAN_JSON)).exit_code == 0
    for words, prepare in PREPARE.items():
        if words in block[0].before:
            prepare(tmp_path)
    for example in block:
        status, output = _run(example)
        where = f"README.md line {example.line}: {example.command}\n{output}"
        assert "Traceback" not in output, where
        assert status == example.status, where
    assert os.getcwd() == str(tmp_path)
