"""What the fast start rests on: which modules a run loads, and the pydantic-free coercion.

Timings live in ``benchmarks/run.py``; these tests hold the causes in place:
a JSON or CSV plan never loads Rich, no command loads pydantic, and the
coercion that replaces Typer's pydantic adapters gives the same values and
the same messages as Typer's own.
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
import typer.main
from hypothesis import given, settings
from hypothesis import strategies as st
from typer import BadParameter, Context

from inoplan.cli import typer_speedups as fastparams
from inoplan.cli.app import app

PLAN = ["schedule", "--start", "2026-12-01", "--height", "170", "--weight", "70"]
PLAN += ["--response", "cr"]

# Runs the real entry point in a fresh interpreter, then reports which of the
# heavy packages ended up loaded: at exit, as the program runs what registered
# to run then (inoplan.__main__.leave).
PROBE = """
import atexit, json, sys
def report():
    heavy = sorted({m.split(".")[0] for m in sys.modules} & {"rich", "pydantic", "pydantic_core"})
    sys.stderr.write(json.dumps({"heavy": heavy}) + "\\n")
atexit.register(report)
sys.argv = ["inoplan", *json.loads(sys.argv[1])]
from inoplan.__main__ import run
run()
"""


def probe(args: list[str], cwd: Path) -> tuple[dict[str, Any], str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return {"status": done.returncode, **report}, done.stdout


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_json_and_csv_plans_load_neither_rich_nor_pydantic(fmt: str, tmp_path: Path) -> None:
    report, out = probe([*PLAN, "--format", fmt], tmp_path)
    assert report == {"status": 0, "heavy": []}
    # The run really planned: 6 cycles x 3 doses.
    if fmt == "json":
        assert len(json.loads(out)["cycles"]) == 6
    else:
        assert len(out.strip().splitlines()) == 1 + 18


def test_writing_a_json_file_loads_no_rich(tmp_path: Path) -> None:
    report, _ = probe([*PLAN, "--format", "json", "-o", "plan.json"], tmp_path)
    assert report == {"status": 0, "heavy": []}
    assert json.loads((tmp_path / "plan.json").read_text())["schema"] == "inoplan.plan/1"


def test_the_rich_view_loads_rich_but_not_pydantic(tmp_path: Path) -> None:
    report, out = probe(PLAN, tmp_path)
    assert report == {"status": 0, "heavy": ["rich"]}
    assert "C6D15" in out


@pytest.mark.parametrize(
    "args",
    [
        ["--version"],
        ["bsa", "--height", "170", "--weight", "70"],
        ["schedule", "--start", "2026-12-01", "--bsa", "abc", "--format", "json"],
        ["schedule", "--start", "2026-12-01", "--bsa", "1.8", "--response", "maybe"],
    ],
)
def test_other_runs_and_refusals_load_no_pydantic(args: list[str], tmp_path: Path) -> None:
    report, _ = probe(args, tmp_path)
    assert "pydantic" not in report["heavy"]
    assert "rich" not in report["heavy"]


def test_importing_the_cli_stays_cheap() -> None:
    code = (
        "import sys, inoplan.cli.app\n"
        "heavy = {'rich', 'pydantic', 'dateutil', 'inoplan.domain.plan', 'inoplan.render.plan'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


# --- the coercion itself ---------------------------------------------------------------


@functools.cache
def _params() -> list[tuple[str, Any, Context]]:
    """Every parameter of every command, with a context like the one Click makes.

    Built once: the tests below only read them.
    """
    group = typer.main.get_command(app)
    root = Context(group, help_option_names=["-h", "--help"])
    found: list[tuple[str, Any, Context]] = []
    for p in group.params:
        assert hasattr(p, "type_descriptor")  # a Typer parameter
        found.append(("inoplan", p, root))
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        ctx = Context(command, parent=root)
        for p in command.params:
            assert hasattr(p, "type_descriptor")  # a Typer parameter
            found.append((name, p, ctx))
    return found


def test_every_option_of_the_existing_commands_takes_the_fast_path() -> None:
    slow = [
        f"{cmd} {p.opts[0] if p.opts else p.name}"
        for cmd, p, _ in _params()
        if fastparams.cheap_runtime_param(p.type_descriptor) is None
    ]
    assert slow == []


def test_install_reaches_subcommands_and_help_options() -> None:
    group = typer.main.get_command(app)
    count = fastparams.install(group)
    # every parameter, plus one --help per command and the group's own
    assert count == len(_params()) + len(group.commands) + 1  # type: ignore[attr-defined]


def _outcome(runtime: Any, value: object, param: Any, ctx: Context) -> object:
    try:
        return ("value", runtime.coerce(value, param=param, ctx=ctx))
    except BadParameter as e:
        return ("error", e.message.replace("Value error, ", ""))


JUNK = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", " ", "CR", "Cr", "cri ", "json", "JSON", "28", "21", "yes", "no"]),
    st.sampled_from(["true", "off", "1", "0", "\x1b[31m", "\u0662\u0668", "mosteller", "BOYD"]),
)


@functools.cache
def _both_coercions() -> list[tuple[Any, Context, Any, Any]]:
    """(parameter, context, the fast coercion, Typer's own) for every parameter with a
    fast path; Typer's own builds a pydantic adapter, so each is built once."""
    return [
        (param, ctx, cheap, fastparams.build_runtime_param(param.type_descriptor))
        for _cmd, param, ctx in _params()
        if (cheap := fastparams.cheap_runtime_param(param.type_descriptor)) is not None
    ]  # the others keep Typer's own coercion (the test above lists such options)


@settings(max_examples=80, deadline=None)
@given(value=st.one_of(JUNK, st.booleans(), st.integers(-2, 3), st.binary(max_size=6)))
def test_fast_coercion_matches_typers_own(value: object) -> None:
    for param, ctx, cheap, original in _both_coercions():
        assert _outcome(cheap, value, param, ctx) == _outcome(original, value, param, ctx)


def test_enum_values_pass_through_unchanged() -> None:
    for _cmd, param, ctx in _params():
        annotation = param.type_descriptor.annotation
        if isinstance(annotation, type) and issubclass(annotation, Enum):
            cheap = fastparams.cheap_runtime_param(param.type_descriptor)
            assert cheap is not None  # every Enum option has the fast path
            for member in annotation:
                assert cheap.coerce(member, param=param, ctx=ctx) is member


ALL: list[str] = []  # marker: every registered command


@pytest.mark.parametrize(
    ("argv", "env", "built"),
    [
        (["schedule", "--start", "2026-12-01"], None, ["schedule"]),
        (["bsa", "--height", "170"], None, ["bsa"]),
        (["--help"], None, ALL),
        (["frobnicate"], None, ALL),  # so the error can list the commands
        ([], None, ALL),
        (["schedule"], "complete_bash", ALL),  # completion sees them all
    ],
)
def test_a_run_builds_only_the_command_it_runs(
    argv: list[str], env: str | None, built: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:

    monkeypatch.setattr(app, "registered_commands", list(app.registered_commands))
    if env:
        monkeypatch.setenv("_INOPLAN_COMPLETE", env)
    else:
        monkeypatch.delenv("_INOPLAN_COMPLETE", raising=False)
    every = [
        typer.main.get_command_name(c.name or c.callback.__name__)  # type: ignore[union-attr]
        for c in app.registered_commands
    ]
    fastparams.only_the_command_asked_for(app, argv)
    group = typer.main.get_command(app)
    assert list(group.commands) == (every if built is ALL else built)  # type: ignore[attr-defined]


def test_main_can_run_again_with_another_command(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from inoplan.cli import app as cli

    before = [c.callback for c in app.registered_commands]
    for argv, expected in [
        (["inoplan", "bsa", "--height", "170", "--weight", "70"], "mosteller  1.82 m2"),
        (["inoplan", "schedule", "--start", "2026-12-01", "--bsa", "1.8", "-f", "csv"], "C"),
        (["inoplan", "bsa", "--height", "170", "--weight", "70"], "mosteller  1.82 m2"),
    ]:
        monkeypatch.setattr(sys, "argv", argv)
        with pytest.raises(SystemExit) as done:
            cli.main()
        assert done.value.code == 0
        assert capsys.readouterr().out.startswith(expected.replace("C", "patient_id,"))
    assert [c.callback for c in app.registered_commands] == before  # all put back
    from inoplan.cli import bsa, schedule

    assert schedule.schedule in before and bsa.bsa_command in before


@pytest.mark.parametrize(
    ("env", "only"),
    [
        ({"COMP_WORDS": "inoplan schedule --response ", "COMP_CWORD": "3"}, "schedule"),
        ({"COMP_WORDS": "inoplan sch", "COMP_CWORD": "1"}, None),  # still typing the command
        ({"_TYPER_COMPLETE_ARGS": "inoplan batch x.csv --tz Eu"}, "batch"),
        ({"_TYPER_COMPLETE_ARGS": "inoplan bat"}, None),
        ({"_TYPER_COMPLETE_ARGS": "inoplan bsa "}, "bsa"),
    ],
)
def test_a_tab_press_builds_only_the_command_typed_in_full(
    env: dict[str, str], only: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:

    monkeypatch.setattr(app, "registered_commands", list(app.registered_commands))
    for name in ("COMP_WORDS", "COMP_CWORD", "_TYPER_COMPLETE_ARGS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("_INOPLAN_COMPLETE", "complete_bash")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    every = len(app.registered_commands)
    fastparams.only_the_command_asked_for(app, [])
    built = list(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
    assert built == [only] if only else len(built) == every


# --- a Typer whose internals changed: stock Typer behaviour, never a traceback -----------

# Each prelude changes one Typer internal the speed-ups rely on, the way a newer
# Typer might, without breaking Typer itself; then the real entry point runs.
CHANGED_INTERNALS = {
    "a method's parameters renamed": (
        "import typer._coercion as m\n"
        "m.RuntimeParam._coerce_value = lambda self, raw, parameter, context: raw\n"
    ),
    "a class gone": "import typer._coercion as m\ndel m.RuntimeParam\n",
    "a helper's parameter renamed": (
        "import typer.main as m\nm.get_command_name = lambda text: text.lower().replace('_', '-')\n"
    ),
}

BROKEN_PROBE = """
import atexit, json, os, sys
exec(sys.argv[2])
def report():
    from inoplan.cli import typer_speedups
    sys.stdout.flush()
    sys.stderr.write("\\n" + json.dumps({
        "fast": typer_speedups.AVAILABLE, "pydantic": "pydantic" in sys.modules
    }) + "\\n")
atexit.register(report)
sys.argv = ["inoplan", *json.loads(sys.argv[1])]
from inoplan.__main__ import run
run()
"""


def run_changed(
    prelude: str, args: list[str], cwd: Path, env: dict[str, str] | None = None
) -> tuple[dict[str, Any], str, str]:
    import os

    clean = {k: v for k, v in os.environ.items() if not k.startswith(("_INOPLAN_", "COMP_"))}
    done = subprocess.run(
        [sys.executable, "-c", BROKEN_PROBE, json.dumps(args), prelude],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**clean, **(env or {})},
        check=False,
    )
    *said, report = done.stderr.strip().splitlines()
    return {"status": done.returncode, **json.loads(report)}, done.stdout, "\n".join(said).strip()


@pytest.mark.parametrize("prelude", CHANGED_INTERNALS.values(), ids=CHANGED_INTERNALS.keys())
def test_a_changed_typer_internal_falls_back_to_stock_typer(prelude: str, tmp_path: Path) -> None:
    # A plan: made, whole, by Typer's own (pydantic) coercion, nothing on stderr.
    report, out, err = run_changed(prelude, [*PLAN, "--format", "json"], tmp_path)
    assert report == {"status": 0, "fast": False, "pydantic": True}
    assert len(json.loads(out)["cycles"]) == 6 and err == ""

    # A bad choice: Typer's own message on one line, exit 2, no traceback.
    bad = ["schedule", "--start", "2026-12-01", "--bsa", "1.8", "--response", "maybe"]
    report, out, err = run_changed(prelude, bad, tmp_path)
    assert report["status"] == 2 and out == ""
    assert err == (
        "inoplan: error: Invalid value for '--response': "
        "'maybe' is not one of 'pending', 'none', 'cr', 'cri'."
    )

    # No command: the help, exit 2, as before.
    report, out, err = run_changed(prelude, [], tmp_path)
    assert report["status"] == 2 and "schedule" in out and "Traceback" not in err

    # A Tab press: Typer's own completion answers.
    tab = {
        "_INOPLAN_COMPLETE": "complete_bash",
        "COMP_WORDS": "inoplan schedule --response ",
        "COMP_CWORD": "3",
    }
    report, out, err = run_changed(prelude, [], tmp_path, tab)
    assert out.split() == ["pending", "none", "cr", "cri"] and err == ""


def test_a_failure_while_installing_leaves_typers_own_coercion(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def changed(descriptor: object) -> None:
        raise AttributeError("'TypeDescriptor' object has no attribute 'parameter_info'")

    monkeypatch.setattr(fastparams, "cheap_runtime_param", changed)
    group = typer.main.get_command(app)
    assert fastparams.install(group) == 0
    assert all(p._runtime_param is None for _cmd, p, _ in _params())  # nothing half-done
    from typer.testing import CliRunner

    r = CliRunner().invoke(app, [*PLAN, "--format", "json"])
    assert r.exit_code == 0 and len(json.loads(r.stdout)["cycles"]) == 6
    r = CliRunner().invoke(app, [*PLAN[:3], "--bsa", "1.8", "--response", "maybe"])
    assert r.exit_code == 2 and "Traceback" not in r.stderr
    assert r.stderr.startswith("inoplan: error: Invalid value for '--response'")


def test_a_failure_while_preparing_a_tab_press_leaves_typers_completion(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def changed(cls: object, name: str) -> None:
        raise TypeError("add_completion_class() takes 1 positional argument")

    monkeypatch.setattr(fastparams, "add_completion_class", changed)
    monkeypatch.setattr(
        fastparams._TyperParameter, "process_value", fastparams._TyperParameter.process_value
    )
    from typer.testing import CliRunner

    r = CliRunner().invoke(
        app,
        [],
        env={
            "_INOPLAN_COMPLETE": "complete_bash",
            "COMP_WORDS": "inoplan schedule --response c",
            "COMP_CWORD": "3",
        },
        prog_name="inoplan",
    )
    assert r.exit_code == 0 and r.stdout.split() == ["cr", "cri"] and r.stderr == ""


LOADED_COMMANDS = """
import atexit, json, sys
def report():
    from inoplan.cli.app import COMMAND_MODULES
    sys.stdout.flush()
    loaded = [n for n in COMMAND_MODULES if "inoplan.cli." + n in sys.modules]
    sys.stderr.write("\\n" + json.dumps(loaded) + "\\n")
atexit.register(report)
sys.argv = ["inoplan", *json.loads(sys.argv[1])]
from inoplan.__main__ import run
run()
"""


@pytest.mark.parametrize(
    ("args", "env", "loaded"),
    [
        (["bsa", "--height", "170", "--weight", "70"], {}, ["bsa"]),
        ([*PLAN, "--format", "csv"], {}, ["schedule"]),
        (["--help"], {}, ALL),
        (["frobnicate"], {}, ALL),  # so the error can list the commands
        (["--version"], {}, []),
        (["--version", "bsa"], {}, ALL),
        (
            [],
            {
                "_INOPLAN_COMPLETE": "complete_bash",
                "COMP_WORDS": "inoplan batch x.csv --tz E",
                "COMP_CWORD": "4",
            },
            ["batch"],
        ),
        (
            [],
            {"_INOPLAN_COMPLETE": "complete_bash", "COMP_WORDS": "inoplan ba", "COMP_CWORD": "1"},
            ALL,
        ),
    ],
)
def test_the_program_loads_only_the_command_it_runs(
    args: list[str], env: dict[str, str], loaded: list[str], tmp_path: Path
) -> None:
    import os

    from inoplan.cli.app import COMMAND_MODULES

    clean = {k: v for k, v in os.environ.items() if not k.startswith(("_INOPLAN_", "COMP_"))}
    done = subprocess.run(
        [sys.executable, "-c", LOADED_COMMANDS, json.dumps(args)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**clean, **env},
        check=False,
    )
    assert json.loads(done.stderr.strip().splitlines()[-1]) == (
        list(COMMAND_MODULES) if loaded is ALL else loaded
    )
    if args[:1] == ["bsa"]:
        assert done.stdout.startswith("mosteller  1.82 m2")  # and it ran
    if env:
        assert "Europe/Berlin" in done.stdout.split() or "batch" in done.stdout.split()
