"""The README stays true: generated blocks match the code, CI runs its test command."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_generated_blocks_are_up_to_date() -> None:
    r = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_docs.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.returncode == 0, r.stderr


def _first_commands() -> list[str]:
    return re.findall(r"```sh\n(.+?)\n```", README)[:2]


def test_readme_opens_with_install_and_run_commands() -> None:
    run_example, run_tests = _first_commands()
    assert "pip install" in run_example and "inoplan schedule" in run_example
    assert "pip install" in run_tests and "[test]" in run_tests


def test_ci_runs_exactly_the_readme_test_command() -> None:
    run_tests = _first_commands()[1]
    test_command = run_tests.split("&&")[-1].strip()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(rf"^{re.escape(test_command)}$", ci, re.M), test_command
    assert '"$status" -eq 5' in ci  # no test collected is a failure
