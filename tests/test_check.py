"""inoplan check: the spec's dose-modification tables (section 6), row by row.

Limits from the spec: ANC 1 x 10^9/L and platelets 50 x 10^9/L (day 1 only);
bilirubin > 1.5 x ULN AND AST/ALT > 2.5 x ULN holds; VOD and severe or
life-threatening infusion reactions discontinue; other toxicity >= grade 2
holds until grade 1 or the pre-treatment grade.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from inoplan.cli.app import app
from inoplan.domain.check import CheckResult, check, check_from_strings
from inoplan.domain.errors import InputError
from inoplan.domain.rules import Action

NORMAL_LIVER = {
    "bilirubin": "0.8", "bilirubin_uln": "1.2",
    "ast": "30", "ast_uln": "40", "alt": "30", "alt_uln": "45",
}  # fmt: skip


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), prog_name="inoplan")


def verdict(**values: str) -> CheckResult:
    return check(check_from_strings(values))


def rule_actions(result: CheckResult) -> dict[str, Action]:
    return {f.rule.key: f.action for f in result.findings}


# --- hematologic toxicity ----------------------------------------------------------


def test_day_8_and_15_are_not_held_for_low_counts() -> None:
    # ANC 0.3 and platelets 20 are far below 1 and 50, but on day 8 the label
    # does not interrupt for neutropenia or thrombocytopenia.
    for day in ("8", "15"):
        r = verdict(day=day, anc="0.3", platelets="20", other_grade="0", **NORMAL_LIVER)
        assert r.action is Action.GIVE
        assert rule_actions(r)["hematologic_days_8_15"] is Action.GIVE
        assert r.not_checked == ()


@pytest.mark.parametrize(
    ("anc", "platelets", "action"),
    [
        ("0.7", "80", Action.HOLD),  # ANC 0.7 < 1
        ("1.0", "80", Action.GIVE),  # ANC 1.0 >= 1 (the limit itself is enough)
        ("1.2", "49", Action.HOLD),  # platelets 49 < 50
        ("1.2", "50", Action.GIVE),  # platelets 50 >= 50
    ],
)
def test_normal_baseline_holds_until_anc_1_and_platelets_50(
    anc: str, platelets: str, action: Action
) -> None:
    r = verdict(day="1", anc=anc, platelets=platelets, baseline_anc="1.5", baseline_platelets="150")
    assert r.action is action
    assert set(rule_actions(r)) == {"anc_baseline_normal", "platelets_baseline_normal"}


def test_low_baseline_starts_when_counts_reach_the_prior_cycles_baseline() -> None:
    # Pre-treatment ANC 0.6 and platelets 30: row 3. Today ANC 0.8, platelets 40:
    # (b) fails (0.8 < 1, 40 < 50); prior cycle's baseline 0.7 / 35: 0.8 >= 0.7
    # and 40 >= 35, so (a) is met -> give.
    base = {"day": "1", "anc": "0.8", "platelets": "40", "baseline_anc": "0.6",
            "baseline_platelets": "30"}  # fmt: skip
    r = verdict(**base, prior_anc="0.7", prior_platelets="35")
    assert rule_actions(r) == {"counts_baseline_low": Action.GIVE}
    assert "(a) is met" in r.findings[0].because
    # Prior baseline ANC 0.9: 0.8 < 0.9, (a) fails -> hold, and (c) is the clinician's.
    r = verdict(**base, prior_anc="0.9", prior_platelets="35")
    assert r.action is Action.HOLD
    assert any("judged due to the disease" in c for c in r.clinician)
    # Without the prior cycle's baseline, (a) cannot be checked -> hold, and say so.
    r = verdict(**base)
    assert r.action is Action.HOLD
    assert "--prior-anc" in r.findings[0].because


def test_low_baseline_starts_when_anc_1_and_platelets_50() -> None:
    # Row 3 (b): ANC 1.2 >= 1 and platelets 60 >= 50 -> give, no prior needed.
    r = verdict(day="1", anc="1.2", platelets="60", baseline_anc="0.6", baseline_platelets="30")
    assert rule_actions(r) == {"counts_baseline_low": Action.GIVE}


def test_mixed_baseline_applies_both_rows() -> None:
    # Pre-treatment ANC 1.5 (row 1 applies to ANC) and platelets 30 (row 3).
    # Today ANC 0.9, platelets 35, prior baseline 0.8 / 30: row 3 (a) is met,
    # but row 1 still holds until ANC >= 1 -> hold.
    r = verdict(
        day="1", anc="0.9", platelets="35", baseline_anc="1.5", baseline_platelets="30",
        prior_anc="0.8", prior_platelets="30",
    )  # fmt: skip
    assert rule_actions(r) == {
        "anc_baseline_normal": Action.HOLD,
        "counts_baseline_low": Action.GIVE,
    }
    assert r.action is Action.HOLD


def test_without_baseline_low_counts_hold_and_good_counts_give() -> None:
    assert verdict(day="1", anc="1.1", platelets="55").findings[0].action is Action.GIVE
    r = verdict(day="1", anc="0.5", platelets="55")
    assert r.action is Action.HOLD
    assert "--baseline-anc" in r.findings[0].because


def test_low_counts_beyond_28_days_leave_discontinuation_to_the_clinician() -> None:
    # 30 days > 28: the US label discontinues only if suspected drug-related,
    # which inoplan cannot know: the verdict stays "hold" and the question is named.
    r = verdict(
        day="1", anc="0.7", platelets="80", baseline_anc="1.5", baseline_platelets="150",
        days_held="30",
    )  # fmt: skip
    assert r.action is Action.HOLD
    assert any("drug-related" in c and "clinician" in c for c in r.clinician)
    assert any("consider permanent discontinuation" in n for n in r.notes)
    # 28 days is not > 28: no such question yet.
    r = verdict(
        day="1", anc="0.7", platelets="80", baseline_anc="1.5", baseline_platelets="150",
        days_held="28",
    )  # fmt: skip
    assert not any("drug-related" in c for c in r.clinician)


# --- liver tests: the asymmetry ------------------------------------------------


def liver(bili: str, ast: str, alt: str, held: bool = False) -> CheckResult:
    # ULNs: bilirubin 1.2 -> limit 1.5 x 1.2 = 1.8; AST 40 -> 2.5 x 40 = 100;
    # ALT 40 -> 100.
    return verdict(
        day="8", bilirubin=bili, bilirubin_uln="1.2", ast=ast, ast_uln="40",
        alt=alt, alt_uln="40", liver_hold="yes" if held else None,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("bili", "ast", "alt", "action"),
    [
        ("2.1", "140", "90", Action.HOLD),  # 1.75 x ULN and AST 3.5 x ULN: both high
        ("2.1", "90", "120", Action.HOLD),  # ALT 3 x ULN counts as "AST/ALT"
        ("2.1", "90", "90", Action.GIVE),  # bilirubin alone is not a hold
        ("1.0", "140", "140", Action.GIVE),  # transaminases alone are not a hold
        ("1.8", "140", "90", Action.GIVE),  # 1.8 = 1.5 x 1.2, not above it
        ("2.1", "100", "100", Action.GIVE),  # 100 = 2.5 x 40, not above it
    ],
)
def test_hold_needs_bilirubin_and_transaminases_both_high(
    bili: str, ast: str, alt: str, action: Action
) -> None:
    r = liver(bili, ast, alt)
    assert rule_actions(r)["liver_tests"] is action


def test_liver_hold_names_the_gilbert_exception_without_applying_it() -> None:
    r = liver("2.1", "140", "90")
    assert r.action is Action.HOLD
    assert any("Gilbert" in c and "clinician" in c for c in r.clinician)


def test_a_held_dose_resumes_only_when_both_have_recovered() -> None:
    # Held for liver tests. Bilirubin back to 1.7 (<= 1.8) but AST 110 > 100:
    # once held, either value still high keeps the hold (the other side of the
    # asymmetry) and discontinuation if it never recovers is the clinician's call.
    r = liver("1.7", "110", "60", held=True)
    assert r.action is Action.HOLD
    assert any("does not recover" in c for c in r.clinician)
    # Bilirubin 2.0 > 1.8 with AST/ALT normal: still held.
    assert liver("2.0", "60", "60", held=True).action is Action.HOLD
    # Both back within the limits: give.
    assert liver("1.7", "90", "60", held=True).action is Action.GIVE


def test_a_held_dose_needs_every_liver_value_to_resume() -> None:
    r = verdict(
        day="15", liver_hold="yes", bilirubin="1.0", bilirubin_uln="1.2", ast="50", ast_uln="40"
    )
    assert r.action is Action.HOLD
    assert any("--alt" in m for m in r.not_checked)


def test_one_high_liver_value_without_the_other_is_held_until_checked() -> None:
    r = verdict(day="8", bilirubin="2.5", bilirubin_uln="1.2")
    assert r.action is Action.HOLD
    assert any("--ast and --alt" in m for m in r.not_checked)


# --- other non-hematologic toxicity ----------------------------------------------


def test_vod_discontinues_whatever_else_is_normal() -> None:
    r = verdict(day="8", vod="yes", other_grade="0", **NORMAL_LIVER)
    assert r.action is Action.DISCONTINUE
    assert "permanently discontinue" in r.headline


@pytest.mark.parametrize(
    ("irr", "action"),
    [
        ("mild", Action.GIVE),
        ("moderate", Action.GIVE),
        ("severe", Action.DISCONTINUE),
        ("life-threatening", Action.DISCONTINUE),
    ],
)
def test_infusion_reactions(irr: str, action: Action) -> None:
    assert rule_actions(verdict(day="8", irr=irr))["infusion_reaction"] is action


@pytest.mark.parametrize(
    ("grade", "baseline", "action"),
    [
        ("1", "0", Action.GIVE),
        ("2", "0", Action.HOLD),  # grade 2 > grade 1
        ("2", "2", Action.GIVE),  # back at the pre-treatment grade
        ("3", "2", Action.HOLD),
    ],
)
def test_other_toxicity_holds_until_grade_1_or_baseline(
    grade: str, baseline: str, action: Action
) -> None:
    r = verdict(day="8", other_grade=grade, baseline_grade=baseline)
    assert rule_actions(r)["other_toxicity"] is action
    assert "verify against the current label" in r.findings[0].rule.quote


def test_give_says_what_was_not_checked() -> None:
    r = verdict(day="8", other_grade="1")
    assert r.action is Action.GIVE
    assert "as far as checked; not checked: liver tests" in r.headline


# --- properties ------------------------------------------------------------------

ratios = st.decimals(min_value=0, max_value=10, places=2)


@given(bili=ratios, ast=ratios, alt=ratios)
def test_liver_rule_holds_exactly_when_both_are_high(
    bili: Decimal, ast: Decimal, alt: Decimal
) -> None:
    r = verdict(
        day="8", bilirubin=str(bili), bilirubin_uln="1", ast=str(ast), ast_uln="1",
        alt=str(alt), alt_uln="1",
    )  # fmt: skip
    both_high = bili > Decimal("1.5") and max(ast, alt) > Decimal("2.5")
    assert (r.action is Action.HOLD) == both_high


@given(
    anc=st.decimals(min_value=0, max_value=5, places=1),
    plt=st.integers(0, 300),
    extra=st.booleans(),
)
def test_vod_always_discontinues_and_normal_baseline_rows_hold_below_limits(
    anc: Decimal, plt: int, extra: bool
) -> None:
    values = {"day": "1", "anc": str(anc), "platelets": str(plt), "baseline_anc": "2",
              "baseline_platelets": "200"}  # fmt: skip
    r = verdict(**values)
    assert (r.action is Action.HOLD) == (anc < 1 or plt < 50)
    if extra:
        assert verdict(**values, vod="yes").action is Action.DISCONTINUE


# --- input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"day": "2", "anc": "1"}, "--day"),
        ({"day": "1"}, "inoplan check"),
        ({"day": "1", "anc": "800", "platelets": "40"}, "--anc"),
        ({"day": "1", "anc": "1", "platelets": "45000"}, "--platelets"),
        ({"day": "8", "bilirubin": "2.1"}, "--bilirubin-uln"),
        ({"day": "8", "ast_uln": "40"}, "--ast"),
        ({"day": "8", "alt": "50", "alt_uln": "0"}, "--alt-uln"),
        ({"day": "8", "other_grade": "7"}, "--other-grade"),
        ({"day": "8", "liver_hold": "yes"}, "--liver-hold"),
    ],
)
def test_bad_values_name_the_option(values: dict[str, str], field: str) -> None:
    with pytest.raises(InputError) as err:
        check_from_strings(values)
    assert err.value.field == field


def test_cli_json() -> None:
    result = run(
        "check", "--day", "8", "--bilirubin", "2.1", "--bilirubin-uln", "1.2", "--ast", "140",
        "--ast-uln", "40", "--alt", "90", "--alt-uln", "45", "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["schema"] == "inoplan.check/1"
    assert data["action"] == "hold"
    finding = data["findings"][0]
    assert finding["rule"] == "liver_tests" and finding["evidence"] == "L"
    assert "Total bilirubin > 1.5 x ULN and AST/ALT > 2.5 x ULN" in finding["quote"]
    assert "1.75 x ULN" in finding["because"]  # 2.1 / 1.2 = 1.75


def test_cli_table_puts_the_verdict_first() -> None:
    result = run("check", "--day", "1", "--anc", "0.7", "--platelets", "80",
                 "--baseline-anc", "1.5", "--baseline-platelets", "150")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == "NEXT DOSE (DAY 1): HOLD UNTIL RECOVERY"
    assert "Units: ANC and platelets in x 10^9/L" in " ".join(result.stdout.split())


def test_cli_bad_value_is_one_line() -> None:
    result = run("check", "--day", "1", "--anc", "800", "--platelets", "40")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "--anc" in result.stderr and "x 10^9/L" in result.stderr
