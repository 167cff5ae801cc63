"""Shared test helpers."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
import typer.testing
from hypothesis import settings
from typer.testing import CliRunner, Result

from inoplan.cli.app import app

# The tests start inoplan as a real process a few hundred times. With
# PYTHONDONTWRITEBYTECODE set (some machines set it for every shell) each of those
# processes, and each test worker, would compile the package from source again; the
# suite writes bytecode as a normal install does (ignored by git), and the
# processes it starts inherit that.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False

# Some tests press Ctrl-C (SIGINT) as a terminal would. A shell starts a background
# job (`&`, nohup) with SIGINT ignored, which every process inherits, and Python then
# leaves it ignored: the tests take Python's usual handler back, and the processes
# they start get the default disposition.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

# CliRunner.invoke turns the Typer application into a Click command at every
# call: all twelve commands and their options, some 18 ms under coverage, more
# than most commands take to run. The tests build it once per set of registered
# commands and reuse it (Click makes a new context for each run; inoplan's own
# per-run set-up, typer_speedups.install and tidy_help, can run again on the same
# command). A renamed Typer helper fails here at once, not silently.
_BUILT: dict[int, tuple[typer.Typer, tuple[object, ...], Any]] = {}
_get_command = typer.testing._get_command


def _get_command_once(typer_app: typer.Typer) -> Any:
    shape = (*typer_app.registered_commands, None, *typer_app.registered_groups)
    built = _BUILT.get(id(typer_app))
    if built is None or built[0] is not typer_app or built[1] != shape:
        built = (typer_app, shape, _get_command(typer_app))
        _BUILT[id(typer_app)] = built
    return built[2]


typer.testing._get_command = _get_command_once

# Property tests run the same examples on every machine and every run: no example
# database (a fresh clone has none, so a failure found only through one would pass
# in CI by chance), a fixed seed per test, no wall-clock deadline (no timed tests),
# and a failing example printed as a blob to paste into @reproduce_failure. A failing
# example worth keeping becomes an @example on its test.
# HYPOTHESIS_PROFILE=explore searches randomly, with the database, for new failures.
settings.register_profile("fixed", derandomize=True, database=None, deadline=None, print_blob=True)
settings.register_profile("explore", deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fixed"))

#: The heaviest properties run a modest number of examples by default, so the
#: suite stays quick; INOPLAN_EXAMPLES_SCALE=5 (with HYPOTHESIS_PROFILE=explore)
#: runs five times as many.
EXAMPLES_SCALE = float(os.environ.get("INOPLAN_EXAMPLES_SCALE", "1"))


def examples(n: int) -> int:
    """``n`` examples, scaled by ``INOPLAN_EXAMPLES_SCALE``."""
    return max(1, round(n * EXAMPLES_SCALE))


#: The calendar UID key of every test (tests/test_uidkey.py checks the key file).
TEST_UID_KEY = "test-site-key-0123456789abcdef0123456789abcdef"


@pytest.fixture(scope="session")
def _config_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("config")


@pytest.fixture(autouse=True)
def _no_real_config(monkeypatch: pytest.MonkeyPatch, _config_home: Path) -> Iterator[None]:
    """No test reads or writes the real ~/.config: a fixed UID key, a temporary config folder.

    (Set in os.environ, so processes the tests start inherit them too.)
    """
    monkeypatch.setenv("INOPLAN_UID_KEY", TEST_UID_KEY)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(_config_home))
    yield


#: "Today" for every test (INOPLAN_TODAY), so what depends on the date (a start in
#: the past warns; a dose cannot be recorded as given after today) stays the same
#: as the calendar moves on. Most examples start on 2026-12-01.
TODAY = "2026-11-30"


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INOPLAN_TODAY", TODAY)


@pytest.fixture
def run() -> object:
    """Invoke the CLI in-process: ``run("schedule", "--start", ...)``."""
    runner = CliRunner()

    def _run(*args: str, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(app, list(args), env=env, prog_name="inoplan")

    return _run


def invoke(args: Sequence[str], env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(app, list(args), env=env, prog_name="inoplan")
