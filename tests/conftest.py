"""Shared test helpers."""

from __future__ import annotations

import os
from collections.abc import Sequence

import pytest
from hypothesis import settings
from typer.testing import CliRunner, Result

from inoplan.cli import app

# Property tests run the same examples on every machine and every run: no example
# database (a fresh clone has none, so a failure found only through one would pass
# in CI by chance), a fixed seed per test, no wall-clock deadline (no timed tests),
# and a failing example printed as a blob to paste into @reproduce_failure. A failing
# example worth keeping becomes an @example on its test.
# HYPOTHESIS_PROFILE=explore searches randomly, with the database, for new failures.
settings.register_profile("fixed", derandomize=True, database=None, deadline=None, print_blob=True)
settings.register_profile("explore", deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fixed"))


@pytest.fixture
def run() -> object:
    """Invoke the CLI in-process: ``run("schedule", "--start", ...)``."""
    runner = CliRunner()

    def _run(*args: str, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(app, list(args), env=env, prog_name="inoplan")

    return _run


def invoke(args: Sequence[str], env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(app, list(args), env=env, prog_name="inoplan")
