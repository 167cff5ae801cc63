"""The README stays true: generated blocks match the code, CI runs its test command."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
GEN_DOCS = "python scripts/gen_docs.py"


def _gen_docs() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "scripts" / "gen_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gen_docs = _gen_docs()
BLOCKS = {m["name"]: m["body"] for m in gen_docs.BLOCK_RE.finditer(README)}


def test_every_example_the_generator_knows_has_its_block() -> None:
    assert set(gen_docs.EXAMPLES) <= set(BLOCKS)


# One test a block, so that they spread over the test processes and a failure names it.
@pytest.mark.parametrize("name", sorted(BLOCKS))
def test_generated_block_is_up_to_date(name: str) -> None:
    fresh = gen_docs.generate(name)
    assert fresh == BLOCKS[name], f"README.md block {name} is out of date: run {GEN_DOCS}"


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


def _block(name: str) -> str:
    m = re.search(
        rf"<!-- BEGIN generated:{name} -->\n(.*?)<!-- END generated:{name} -->", README, re.S
    )
    assert m, name
    return m[1]


def test_the_readme_lists_the_columns_every_plan_csv_has(tmp_path: Path) -> None:
    """The columns listed are those of the file schedule, replan and batch write."""
    from tests.conftest import invoke

    listed = re.findall(r"`(\w+)`", _block("csv-columns"))
    schedule = ["schedule", "--start", "2026-12-01", "--bsa", "1.82", "--response", "cr"]
    r = invoke([*schedule, "--format", "csv"])
    assert r.stdout.splitlines()[0].split(",") == listed
    saved = tmp_path / "plan.json"
    assert invoke([*schedule, "--format", "json", "-o", str(saved)]).exit_code == 0
    r = invoke(
        ["replan", str(saved), "--given", "C1D1=2026-12-01", "--format", "csv"],
        env={"INOPLAN_TODAY": "2026-12-02"},
    )
    assert r.exit_code == 0, r.stderr
    assert r.stdout.splitlines()[0].split(",") == listed
    batch_header = _block("example-batch").split("$ head -n 4 plans/plan.csv\n")[1].splitlines()[0]
    assert batch_header.split(",") == listed


def test_the_patients_columns_include_the_clinic_calendar() -> None:
    names = re.findall(r"^\| `(\w+)` \|", _block("patients-columns"), re.M)
    assert {"clinic_days", "holidays", "time", "tz", "location"} <= set(names)
    header = (ROOT / "examples" / "patients.csv").read_text(encoding="utf-8").splitlines()[0]
    assert set(header.split(",")) <= set(names)
