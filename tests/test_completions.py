"""Shell completion: the shipped scripts, each shell loading them, the real protocol.

Completion requests go to the installed ``inoplan`` entry point in a subprocess,
exactly as a shell sends them on a Tab press. Shells that are not installed are
skipped with the reason; CI installs bash, zsh and fish (see .ci/run).
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from inoplan.cli import typer_speedups as speedups
from inoplan.cli.app import app
from inoplan.cli.options import PlanFormat

_GEN = Path(__file__).resolve().parent.parent / "scripts" / "gen_completions.py"
_spec = importlib.util.spec_from_file_location("gen_completions", _GEN)
assert _spec is not None and _spec.loader is not None
completions_gen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(completions_gen)

ROOT = Path(__file__).resolve().parent.parent
COMPLETIONS = ROOT / "completions"
BIN = os.path.dirname(sys.executable)
EXE = shutil.which("inoplan", path=BIN)

STATUSES = ["pending", "none", "cr", "cri"]  # the four response statuses


def _env(**extra: str) -> dict[str, str]:
    """The user's environment with this virtual environment's ``inoplan`` first on PATH."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("_INOPLAN_", "_TYPER_", "COMP_"))
    }
    env["PATH"] = BIN + os.pathsep + env.get("PATH", "")
    env.update(extra)
    return env


def _shell(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        how = (
            "not in this system's package registry" if name == "pwsh" else f"apt-get install {name}"
        )
        pytest.skip(f"{name} is not installed here ({how}); its script was not loaded")
    return path


def bash_request(line: str) -> list[str]:
    """What the installed entry point answers to bash completing the last word of ``line``."""
    assert EXE, "the inoplan entry point is not installed next to this Python"
    words = line.split(" ")
    r = subprocess.run(
        [EXE],
        env=_env(
            _INOPLAN_COMPLETE="complete_bash",
            COMP_WORDS=line,
            COMP_CWORD=str(len(words) - 1),
        ),
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""  # anything here would be printed over the user's command line
    answer = r.stdout.rstrip("\n")  # as bash's $( ... ) reads it
    return answer.split("\n") if answer else []


# --- the shipped files --------------------------------------------------------------


def test_shipped_scripts_are_what_the_generator_writes_now() -> None:
    stale = completions_gen.stale(COMPLETIONS)
    assert stale == [], f"regenerate with `{completions_gen.COMMAND}`: {stale}"


def test_check_mode_names_the_file_that_drifted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in completions_gen.SCRIPTS:
        shutil.copy(COMPLETIONS / name, tmp_path / name)
    assert completions_gen.main(["--check", "--dir", str(tmp_path)]) == 0

    fish = tmp_path / "inoplan.fish"
    fish.write_text(fish.read_text(encoding="utf-8") + "# edited by hand\n", encoding="utf-8")
    assert completions_gen.main(["--check", "--dir", str(tmp_path)]) == 1
    assert "inoplan.fish" in capsys.readouterr().err
    assert fish.read_text(encoding="utf-8").endswith("# edited by hand\n")  # check writes nothing


def test_generator_writes_all_four_scripts(tmp_path: Path) -> None:
    assert completions_gen.main(["--dir", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["inoplan.bash", "_inoplan", "inoplan.fish", "inoplan.ps1"]
    )
    # compinit only picks up a file from $fpath whose first line is #compdef.
    assert (tmp_path / "_inoplan").read_text(encoding="utf-8").startswith("#compdef inoplan\n")


# --- the protocol, through the installed entry point ---------------------------------


def test_response_completes_to_the_four_statuses() -> None:
    assert bash_request("inoplan schedule --response ") == STATUSES


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("inoplan schedule --response c", ["cr", "cri"]),
        ("inoplan schedule --mrd ", ["negative", "positive", "unknown"]),
        (
            "inoplan schedule --bsa-formula ",
            ["mosteller", "dubois", "haycock", "gehan-george", "boyd"],
        ),
        ("inoplan bsa --bsa-formula g", ["gehan-george"]),
        ("inoplan schedule --format ", [f.value for f in PlanFormat]),
        ("inoplan schedule -f j", ["json"]),
        ("inoplan schedule --first-cycle-days ", ["21", "28"]),
    ],
)
def test_choice_options_complete_their_values(line: str, expected: list[str]) -> None:
    assert bash_request(line) == expected


def test_version_option_does_not_print_into_the_completions() -> None:
    import typer.main

    from inoplan.cli.app import app

    commands = list(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
    assert bash_request("inoplan --version ") == commands


def test_commands_and_options_complete() -> None:
    assert {"schedule", "bsa"} <= set(bash_request("inoplan "))
    assert bash_request("inoplan sch") == ["schedule"]
    assert bash_request("inoplan schedule --res") == ["--response"]
    assert "--install-completion" in bash_request("inoplan --")


@pytest.mark.parametrize(
    "line", ["inoplan schedule --output ", "inoplan schedule -o pla", "inoplan schedule --start "]
)
def test_free_text_and_file_options_answer_nothing_so_the_shell_completes_files(
    line: str,
) -> None:
    # An empty answer makes bash (`complete -o default`), zsh (`_files`), fish and
    # PowerShell fall back to their own file-name completion.
    assert bash_request(line) == []


def _imported_modules(env: dict[str, str]) -> set[str]:
    """Every module the request imported, by full dotted name."""
    r = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "inoplan"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    return {m.group(1).strip() for m in re.finditer(r"^import time:.*\|(.*)$", r.stderr, re.M)}


@pytest.mark.parametrize(
    "extra",
    [
        {
            "_INOPLAN_COMPLETE": "complete_bash",
            "COMP_WORDS": "inoplan schedule --",
            "COMP_CWORD": "2",
        },
        {"_INOPLAN_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "inoplan schedule --"},
        {
            "_INOPLAN_COMPLETE": "complete_fish",
            "_TYPER_COMPLETE_FISH_ACTION": "get-args",
            "_TYPER_COMPLETE_ARGS": "inoplan schedule --",
        },
        {
            "_INOPLAN_COMPLETE": "complete_powershell",
            "_TYPER_COMPLETE_ARGS": "inoplan schedule --",
            "_TYPER_COMPLETE_WORD_TO_COMPLETE": "--",
        },
    ],
    ids=["bash", "zsh", "fish", "powershell"],
)
def test_a_completion_request_imports_nothing_heavy(extra: dict[str, str]) -> None:
    full_names = _imported_modules(_env(**extra))
    modules = {name.split(".")[0] for name in full_names}
    assert "typer" in modules  # the measurement saw the imports at all
    assert not modules & {"rich", "icalendar", "holidays", "babel", "dateutil"}
    # Typer checks option values with pydantic's adapters; a completion needs no
    # checked value, and loading them more than doubled a Tab press.
    assert "typer._adapters" not in full_names


@pytest.mark.parametrize("shell", ["zsh", "fish", "powershell"])
def test_rich_free_formatting_shows_the_same_help_as_typers(shell: str) -> None:
    # Typer's classes and inoplan's, both reached through the one module that
    # touches Typer internals.
    plain, typer_cls = {
        "zsh": (speedups.PlainZshComplete, speedups.ZshComplete),
        "fish": (speedups.PlainFishComplete, speedups.FishComplete),
        "powershell": (speedups.PlainPowerShellComplete, speedups.PowerShellComplete),
    }[shell]
    CompletionItem = speedups.CompletionItem
    cli = __import__("typer").main.get_command(app)
    items = [
        CompletionItem("--height", help="Height: 170, 5'7\". Bare numbers are cm."),
        CompletionItem("--cost", help="Costs $5 `now`,\nsecond line"),
        CompletionItem("cr"),
    ]
    ours = plain(cli, {}, "inoplan", "_INOPLAN_COMPLETE")
    theirs = typer_cls(cli, {}, "inoplan", "_INOPLAN_COMPLETE")
    for item in items:
        expected = theirs.format_completion(item)
        if shell in ("zsh", "powershell"):
            expected = expected.replace("\n", " ")  # we fold help onto one line
        assert ours.format_completion(item) == expected


# --- each script in its shell ----------------------------------------------------------


def test_bash_script_loads_and_completes_the_statuses() -> None:
    bash = _shell("bash")
    script = f"""
source {COMPLETIONS / "inoplan.bash"}
complete -p inoplan
COMP_WORDS=(inoplan schedule --response "")
COMP_CWORD=3
_inoplan_completion inoplan
printf 'reply:%s\\n' "${{COMPREPLY[@]}}"
"""
    r = subprocess.run(
        [bash, "--norc", "--noprofile", "-c", script],
        env=_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    # -o default: with no answer, bash completes file names.
    assert lines[0] == "complete -o default -F _inoplan_completion inoplan"
    assert [x.removeprefix("reply:") for x in lines[1:]] == STATUSES


BASH_COMPLETION = Path("/usr/share/bash-completion/bash_completion")


def test_bash_completion_package_loads_the_script_from_the_per_user_folder(
    tmp_path: Path,
) -> None:
    # The README's per-user bash installation: bash-completion finds the file by the
    # command's name the first time inoplan is completed.
    bash = _shell("bash")
    if not BASH_COMPLETION.is_file():
        pytest.skip("bash-completion is not installed here (apt-get install bash-completion)")
    folder = tmp_path / ".local/share/bash-completion/completions"
    folder.mkdir(parents=True)
    shutil.copy(COMPLETIONS / "inoplan.bash", folder / "inoplan")
    script = f"""
source {BASH_COMPLETION}
_completion_loader inoplan
COMP_WORDS=(inoplan schedule --first-cycle-days "")
COMP_CWORD=3
_inoplan_completion inoplan
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    r = subprocess.run(
        [bash, "--norc", "--noprofile", "-c", script],
        env={k: v for k, v in _env(HOME=str(tmp_path)).items() if not k.startswith("XDG_")},
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.stdout.splitlines() == ["21", "28"], r.stderr


# zsh is driven through a pseudo-terminal (zsh/zpty), as a user at a prompt: type the
# line, press Tab (bound to list-choices), clear the line, print a marker. zsh reads
# keys in order, so the marker comes after the completion list.
ZPTY_DRIVER = r"""
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PROMPT='>'; fpath=(${(q)1} \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w z "bindkey '^I' list-choices; $3; print RE''ADY"
zpty -r z out '*'$'\n''READY*2004h*'
zpty -w -n z "$2"$'\t\x15'
zpty -w z "print DO''NE"
zpty -r z out '*DONE*'
zpty -d z
print -r -- "$out"
"""


def zsh_tab(line: str, fpath: Path, setup: str = "true") -> str:
    """The screen after pressing Tab at the end of ``line`` in an interactive zsh."""
    zsh = _shell("zsh")
    r = subprocess.run(
        [zsh, "-f", "-c", ZPTY_DRIVER, "zsh", str(fpath), line, setup],
        env=_env(),
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\r", "", r.stdout)


def test_zsh_script_from_fpath_completes_on_the_first_tab() -> None:
    screen = zsh_tab("inoplan schedule --response ", fpath=COMPLETIONS)
    assert re.search(r"^cr +cri +none +pending", screen, re.M), screen


def test_zsh_script_sourced_completes_the_statuses(tmp_path: Path) -> None:
    screen = zsh_tab(
        "inoplan schedule --mrd ",
        fpath=tmp_path,  # nothing to autoload: only the sourced script
        setup=f"source {COMPLETIONS / '_inoplan'}",
    )
    assert re.search(r"^negative +positive +unknown", screen, re.M), screen


def test_zsh_completes_option_names_with_their_help(tmp_path: Path) -> None:
    screen = zsh_tab("inoplan schedule --first", fpath=COMPLETIONS)
    assert re.search(r"^--first-cycle-days +-- Length of cycle 1", screen, re.M), screen


def _fish(script: str, cwd: Path | None = None) -> list[str]:
    fish = _shell("fish")
    r = subprocess.run(
        [fish, "--no-config", "-c", f"source {COMPLETIONS / 'inoplan.fish'}; {script}"],
        env=_env(),
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
    )
    assert r.returncode == 0, r.stderr
    return r.stdout.splitlines()


def test_fish_script_completes_the_statuses() -> None:
    assert sorted(_fish('complete -C "inoplan schedule --response "')) == sorted(STATUSES)


def test_fish_script_shows_option_help_and_completes_file_names(tmp_path: Path) -> None:
    assert _fish('complete -C "inoplan schedule --bsa-f"') == ["--bsa-formula\tBSA formula."]
    (tmp_path / "plan-a.csv").write_text("", encoding="utf-8")
    assert _fish('complete -C "inoplan schedule --output pl"', cwd=tmp_path) == ["plan-a.csv"]


def test_powershell_script_parses() -> None:
    pwsh = _shell("pwsh")
    path = COMPLETIONS / "inoplan.ps1"
    command = (
        "$errors = $null; "
        f"[void][System.Management.Automation.Language.Parser]::ParseFile('{path}', "
        "[ref]$null, [ref]$errors); if ($errors) { $errors; exit 1 }"
    )
    r = subprocess.run(
        [pwsh, "-NoProfile", "-NonInteractive", "-Command", command],
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.returncode == 0, r.stdout + r.stderr


# --- `inoplan --install-completion`, as Typer users know it -----------------------------


def _install(shell: str, home: Path) -> dict[str, str]:
    """Run ``inoplan --install-completion`` from inside ``shell`` with ``home`` as $HOME."""
    exe = _shell(shell)
    env = _env(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"))
    flags = {"bash": ["--norc", "--noprofile"], "zsh": ["-f"], "fish": ["--no-config"]}[shell]
    # `; true` keeps the shell as the parent process, which is how Typer detects it.
    r = subprocess.run(
        [exe, *flags, "-c", "inoplan --install-completion; true"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=home,
    )
    assert r.returncode == 0, r.stderr
    assert f"{shell} completion installed in {home}" in r.stdout
    return env


def test_install_completion_for_bash_works_in_a_new_shell(tmp_path: Path) -> None:
    env = _install("bash", tmp_path)
    script = """
COMP_WORDS=(inoplan schedule --response "")
COMP_CWORD=3
_inoplan_completion inoplan
printf '%s\\n' "${COMPREPLY[@]}"
"""
    # An interactive bash reads ~/.bashrc, where the installation added its line.
    r = subprocess.run(
        ["bash", "--noprofile", "-i", "-c", script],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert r.stdout.splitlines() == STATUSES, r.stderr


def test_install_completion_for_zsh_registers_with_compinit(tmp_path: Path) -> None:
    env = _install("zsh", tmp_path)
    r = subprocess.run(
        ["zsh", "-i", "-c", "print -r -- $_comps[inoplan]"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert r.stdout.strip() == "_inoplan", r.stderr


def test_install_completion_for_fish_works_in_a_new_shell(tmp_path: Path) -> None:
    env = _install("fish", tmp_path)
    r = subprocess.run(
        ["fish", "-c", 'complete -C "inoplan schedule --response "'],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert sorted(r.stdout.splitlines()) == sorted(STATUSES), r.stderr


# --- every value a user types: the guard for options added later ----------------------


def _value_positions() -> list[tuple[str, str]]:
    """(command, what precedes the value) for every option and argument taking a value."""
    import typer.main

    root = typer.main.get_command(app)
    out = []
    for name, cmd in getattr(root, "commands", {}).items():
        for param in cmd.params:
            if getattr(param, "is_flag", False) or param.name in {"help"}:
                continue
            opts = list(getattr(param, "opts", []))
            out.append((name, opts[0] if param.param_type_name == "option" else ""))
    return out


def test_no_value_completes_to_the_bare_typed_word() -> None:
    # Answering with the typed word itself (what a typer.FileText parameter does)
    # makes bash accept it and add a space, so file names could never complete.
    # Every option that takes a value, and every argument, of every command.
    positions = _value_positions()
    assert len(positions) > 50  # the walk found the options
    echoed = []
    for command, option in positions:
        words = ["inoplan", command, *([option] if option else []), "pla"]
        r = CliRunner().invoke(
            app,
            [],
            env={
                "_INOPLAN_COMPLETE": "complete_bash",
                "COMP_WORDS": " ".join(words),
                "COMP_CWORD": str(len(words) - 1),
            },
            prog_name="inoplan",
        )
        assert r.exit_code == 0, r.output
        if "pla" in r.stdout.split():
            echoed.append(f"{command} {option}".strip())
    assert echoed == []


def test_holiday_countries_complete_through_the_real_protocol() -> None:
    offered = bash_request("inoplan schedule --holidays G")
    assert "GB" in offered and "GR" in offered
    assert all(code.startswith("G") for code in offered)


def test_time_zones_complete_through_the_real_protocol() -> None:
    assert bash_request("inoplan schedule --tz Europe/Berl") == ["Europe/Berlin"]
    assert "America/New_York" in bash_request("inoplan batch x.csv --tz America/New")
