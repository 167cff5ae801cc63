"""Shared test helpers."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from typer.testing import CliRunner, Result

from inoplan.cli import app

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
