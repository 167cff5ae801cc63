"""Shared test helpers."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from typer.testing import CliRunner, Result

from inoplan.cli import app


@pytest.fixture
def run() -> object:
    """Invoke the CLI in-process: ``run("schedule", "--start", ...)``."""
    runner = CliRunner()

    def _run(*args: str, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(app, list(args), env=env, prog_name="inoplan")

    return _run


def invoke(args: Sequence[str], env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(app, list(args), env=env, prog_name="inoplan")
