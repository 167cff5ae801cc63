"""The command line's choices are the rules' own: nothing offered that the rules lack."""

from __future__ import annotations

from inoplan.cli import check, options
from inoplan.domain import rules


def test_bsa_formula_choices_are_the_rules_formulas() -> None:
    assert tuple(f.value for f in options.BsaFormula) == rules.BSA_FORMULAS


def test_market_choices_are_the_rules_markets() -> None:
    assert tuple(m.value for m in options.Market) == rules.MARKETS


def test_infusion_reaction_choices_are_the_rules_severities() -> None:
    assert tuple(i.value for i in check.IrrChoice) == rules.IRR_SEVERITIES


def test_response_and_mrd_are_the_enums_the_planner_uses() -> None:
    assert options.ResponseChoice is rules.Response
    assert options.MrdChoice is rules.Mrd


def test_command_line_module_does_not_load_the_rules() -> None:
    import subprocess
    import sys

    code = "import sys, inoplan.cli.app; print('inoplan.domain.rules' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
