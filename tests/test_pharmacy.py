"""The compounding worksheet, dose rounding and vial sharing (spec section 7).

Every expected number is worked out by hand from the spec, with the arithmetic
in a comment: US vial 0.9 mg deliverable as 3.6 mL at 0.25 mg/mL after 4 mL
water; EU vial 1 mg at 0.25 mg/mL; 50 mL total with 0.9% sodium chloride;
50 mL/h over 1 h; dilute within 4 h and finish within 8 h of reconstitution.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from inoplan.cli.app import app
from inoplan.domain import rules
from inoplan.domain.errors import InputError
from inoplan.domain.pharmacy import (
    RoundTo,
    check_dose_mg,
    parse_clock,
    parse_dose_mg,
    parse_percent,
    parse_round_to,
    round_dose,
    share,
    vial_for,
    worksheet,
)

US = rules.VIALS["us"]
EU = rules.VIALS["eu"]
D = Decimal
runner = CliRunner()


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


# --- the worked examples ---------------------------------------------------------------


def test_issue_example_1_46_mg_from_us_vials() -> None:
    ws = worksheet(D("1.46"), US, dt.time(8, 15))
    # vials: 1.46 / 0.9 = 1.62 -> 2 whole vials
    assert ws.vials == 2
    # withdraw: 1.46 mg / 0.25 mg/mL = 5.84 mL = 3.60 (a full vial) + 2.24 mL
    assert ws.withdraw_ml == D("5.84")
    assert ws.draws_ml == (D("3.6"), D("2.24"))
    # diluent: 50 - 5.84 = 44.16 mL of 0.9% sodium chloride
    assert ws.diluent_ml == D("44.16")
    # final: 1.46 / 50 = 0.0292 mg/mL, inside 0.01-0.1
    assert ws.final_mg_per_ml == D("0.0292")
    assert ws.final_in_range and not ws.warnings
    # waste: 2 x 0.9 - 1.46 = 0.34 mg; 0.34 / 0.25 = 1.36 mL (= 2 x 3.6 - 5.84)
    assert ws.waste_mg == D("0.34")
    assert ws.waste_ml == D("1.36")
    # 08:15 + 4 h = 12:15 to dilute; + 8 h = 16:15 to finish; 16:15 - 1 h = 15:15 to start
    assert str(ws.dilute_by) == "12:15"
    assert str(ws.infusion_end_by) == "16:15"
    assert str(ws.start_infusion_by) == "15:15"
    assert ws.rate_ml_per_h == 50 and ws.duration_h == 1


def test_later_dose_0_91_mg_needs_two_us_vials() -> None:
    # 0.5 x 1.82 = 0.91 mg: 0.91 / 0.9 = 1.01 -> 2 vials; 0.91 / 0.25 = 3.64 mL;
    # 50 - 3.64 = 46.36 mL; waste 1.8 - 0.91 = 0.89 mg = 3.56 mL
    ws = worksheet(D("0.91"), US)
    assert (ws.vials, ws.withdraw_ml, ws.diluent_ml) == (2, D("3.64"), D("46.36"))
    assert (ws.waste_mg, ws.waste_ml) == (D("0.89"), D("3.56"))
    assert ws.draws_ml == (D("3.6"), D("0.04"))


def test_exactly_one_us_vial_leaves_no_waste() -> None:
    # 0.9 mg = one vial, all 3.6 mL, 50 - 3.6 = 46.4 mL, nothing left
    ws = worksheet(D("0.90"), US)
    assert (ws.vials, ws.withdraw_ml, ws.diluent_ml, ws.waste_mg) == (1, D("3.6"), D("46.4"), 0)


def test_eu_vial_counts_1_mg_and_leaves_unknown_volumes_unknown() -> None:
    # 1.46 / 1 = 1.46 -> 2 vials; 1.46 / 0.25 = 5.84 mL; waste 2 - 1.46 = 0.54 mg = 2.16 mL
    ws = worksheet(D("1.46"), EU)
    assert (ws.vials, ws.withdraw_ml, ws.diluent_ml) == (2, D("5.84"), D("44.16"))
    assert (ws.waste_mg, ws.waste_ml) == (D("0.54"), D("2.16"))
    # the spec gives neither the water volume nor the deliverable volume: not invented
    assert EU.water_ml is None and EU.deliverable_ml is None
    assert ws.draws_ml == ()
    assert any("verify against the current label" in n and "EU" in n for n in ws.notes)


def test_largest_dose_from_eu_vials() -> None:
    # 2.8 mg: 3 vials; 2.8 / 0.25 = 11.2 mL; 50 - 11.2 = 38.8 mL; 2.8 / 50 = 0.056 mg/mL;
    # waste 3 - 2.8 = 0.2 mg
    ws = worksheet(D("2.80"), EU)
    assert (ws.vials, ws.withdraw_ml, ws.diluent_ml) == (3, D("11.2"), D("38.8"))
    assert ws.final_mg_per_ml == D("0.056") and ws.waste_mg == D("0.2")


def test_small_dose_below_concentration_range_warns_but_is_prepared() -> None:
    # smallest plausible BSA 0.25 m2 x 0.5 mg/m2 = 0.125 -> 0.13 mg; 0.13 / 50 = 0.0026 mg/mL,
    # under 0.01: a warning flagged "verify", never a refusal
    ws = worksheet(D("0.13"), US)
    assert ws.final_mg_per_ml == D("0.0026")
    assert not ws.final_in_range
    assert len(ws.warnings) == 1 and "verify against the current label" in ws.warnings[0]
    assert ws.withdraw_ml == D("0.52")


def test_deadlines_cross_midnight() -> None:
    # 20:30 + 4 h = 00:30 next day; + 8 h = 04:30 next day
    ws = worksheet(D("1.00"), US, dt.time(20, 30))
    assert str(ws.dilute_by) == "00:30 (next day)"
    assert str(ws.infusion_end_by) == "04:30 (next day)"
    assert ws.dilute_by is not None and ws.dilute_by.days_later == 1


def test_no_reconstitution_time_gives_no_clock_deadlines() -> None:
    ws = worksheet(D("1.00"), US)
    assert ws.dilute_by is None and ws.infusion_end_by is None


# --- invariants ---------------------------------------------------------------------------

doses = st.integers(min_value=1, max_value=280).map(lambda n: Decimal(n) / 100)


@given(doses, st.sampled_from([US, EU]))
def test_worksheet_invariants(dose: Decimal, vial: rules.Vial) -> None:
    ws = worksheet(dose, vial)
    # enough vials, and not one too many
    assert (ws.vials - 1) * vial.usable_mg < dose <= ws.vials * vial.usable_mg
    # the bag always holds 50 mL
    assert ws.withdraw_ml + ws.diluent_ml == 50
    assert 0 <= ws.waste_mg < vial.usable_mg
    assert ws.waste_mg == ws.vials * vial.usable_mg - dose
    if vial.deliverable_ml is not None:
        assert sum(ws.draws_ml) == ws.withdraw_ml
        assert all(0 < d <= vial.deliverable_ml for d in ws.draws_ml)


# --- checking what is typed ------------------------------------------------------------------


def test_largest_plausible_dose_is_derived_from_the_rules() -> None:
    # largest plausible BSA 4.0 m2 x largest dose 0.8 mg/m2 = 3.2 mg (spec section 8)
    assert rules.largest_plausible_dose_mg() == D("3.2")
    assert check_dose_mg(D("3.20")) == D("3.20")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("-1", "cannot be negative"),
        ("0", "above 0"),
        ("3.21", "largest is 3.20 mg"),
        ("1.456", "0.01 mg"),
        ("abc", "not a number"),
        ("1e3", "not a number"),
    ],
)
def test_bad_doses_are_refused(text: str, words: str) -> None:
    with pytest.raises(InputError) as e:
        parse_dose_mg(text)
    assert e.value.field == "--dose-mg" and words in e.value.message


def test_dose_may_carry_mg_unit() -> None:
    assert parse_dose_mg("1.46mg") == D("1.46")


def test_unknown_market_refused() -> None:
    with pytest.raises(InputError, match="--market: 'jp' is unknown; choose one of us, eu"):
        vial_for("jp")


@pytest.mark.parametrize("text", ["8:15pm", "24:00", "0815", "08:60", ""])
def test_bad_clock_refused(text: str) -> None:
    with pytest.raises(InputError, match="--reconstituted-at"):
        parse_clock(text)


def test_clock_accepts_24_hour_times() -> None:
    assert parse_clock("8:05") == dt.time(8, 5)
    assert parse_clock("23:59") == dt.time(23, 59)


# --- rounding -------------------------------------------------------------------------------


def test_round_to_step_within_limit() -> None:
    # 1.46 to 0.1 mg: 1.5; (1.5 - 1.46) / 1.46 = 2.7397% -> +2.74%, within 5%
    r = round_dose(D("1.46"), D(5), RoundTo(D("0.1")), US)
    assert r.applied and r.rounded_mg == D("1.5") and r.change_pct == D("2.74")
    assert "within 5%" in r.reason


def test_round_to_whole_vials() -> None:
    # 0.91 to whole 0.9 mg vials: 0.9; (0.9 - 0.91) / 0.91 = -1.0989% -> -1.10%
    r = round_dose(D("0.91"), D(5), RoundTo(None), US)
    assert r.applied and r.rounded_mg == D("0.9") and r.change_pct == D("-1.10")


def test_never_rounds_beyond_the_limit() -> None:
    # 1.05 to whole vials: 1.05 / 0.9 = 1.17 -> 1 vial = 0.9 mg, -14.29%: kept at 1.05
    r = round_dose(D("1.05"), D(5), RoundTo(None), US)
    assert not r.applied and r.rounded_mg == D("1.05") and "-14.29%" in r.reason
    # 1.05 to 0.1 mg: 10.5 steps rounds half-up to 11 = 1.1 mg, +4.76%: allowed at 5, not at 4
    assert round_dose(D("1.05"), D(5), RoundTo(D("0.1")), US).rounded_mg == D("1.1")
    assert round_dose(D("1.05"), D(4), RoundTo(D("0.1")), US).rounded_mg == D("1.05")


def test_exactly_at_the_limit_is_allowed() -> None:
    # 0.40 to a 0.42 mg step: 0.42, (0.42 - 0.40) / 0.40 = exactly +5%
    r = round_dose(D("0.40"), D(5), RoundTo(D("0.42")), US)
    assert r.applied and r.change_pct == D("5.00")


def test_rounding_never_goes_above_the_largest_plausible_dose() -> None:
    # 3.18 to a 0.25 mg step: 3.18 / 0.25 = 12.72 -> 13 x 0.25 = 3.25 mg (+2.20%), within
    # 10% but above 4.0 m2 x 0.8 mg/m2 = 3.2 mg
    r = round_dose(D("3.18"), D(10), RoundTo(D("0.25")), US)
    assert not r.applied and r.rounded_mg == D("3.18")


@given(
    doses,
    st.integers(min_value=1, max_value=50).map(lambda n: Decimal(n) / 100),
    st.integers(min_value=1, max_value=200).map(lambda n: Decimal(n) / 10),
)
def test_rounding_stays_within_the_limit(ordered: Decimal, step: Decimal, pct: Decimal) -> None:
    r = round_dose(ordered, pct, RoundTo(step), US)
    assert abs(r.rounded_mg - ordered) / ordered * 100 <= pct
    assert 0 < r.rounded_mg <= rules.largest_plausible_dose_mg()
    assert r.applied == (r.rounded_mg != ordered)


@pytest.mark.parametrize("text", ["0", "100", "-5%", "five", "150%"])
def test_bad_percent_refused(text: str) -> None:
    with pytest.raises(InputError, match="--round-within"):
        parse_percent(text)


def test_round_to_parses_step_or_vial() -> None:
    assert parse_round_to("0.1") == RoundTo(D("0.1"))
    assert parse_round_to("0.05mg") == RoundTo(D("0.05"))
    assert parse_round_to("vial") == RoundTo(None)
    for bad in ("0", "0.001", "half"):
        with pytest.raises(InputError, match="--round-to"):
            parse_round_to(bad)


# --- sharing ---------------------------------------------------------------------------------


def test_sharing_two_doses() -> None:
    # 0.91 (2 vials) + 0.69 (1 vial) = 3 vials alone, waste 2.7 - 1.6 = 1.1 mg;
    # shared: 1.6 / 0.9 = 1.78 -> 2 vials, waste 1.8 - 1.6 = 0.2 mg
    s = share([D("0.91"), D("0.69")], US)
    assert (s.vials_separate, s.waste_separate_mg) == (3, D("1.1"))
    assert (s.vials_shared, s.waste_shared_mg) == (2, D("0.2"))
    assert s.vials_saved == 1


@given(st.lists(doses, min_size=1, max_size=8), st.sampled_from([US, EU]))
def test_sharing_never_needs_more_vials(ds: list[Decimal], vial: rules.Vial) -> None:
    s = share(ds, vial)
    assert s.vials_shared <= s.vials_separate
    assert 0 <= s.waste_shared_mg < vial.usable_mg
    assert s.waste_shared_mg <= s.waste_separate_mg


# --- the command ------------------------------------------------------------------------------


def test_prep_json_has_the_documented_keys() -> None:
    r = run("prep", "--dose-mg", "1.46", "--reconstituted-at", "08:15", "--format", "json")
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["schema"] == "inoplan.prep/1"
    assert data["vials"] == 2
    assert data["withdraw_ml"] == 5.84
    assert data["diluent_ml"] == 44.16
    assert data["final_mg_per_ml"] == 0.0292
    assert data["waste_mg"] == 0.34
    assert data["dilute_by"] == "12:15"
    assert data["infusion_end_by"] == "16:15"
    assert data["water_per_vial_ml"] == 4


def test_prep_eu_json_says_null_for_what_is_not_known() -> None:
    r = run("prep", "--dose-mg", "1.46", "--market", "eu", "--format", "json")
    data = json.loads(r.stdout)
    assert data["water_per_vial_ml"] is None and data["vial"]["deliverable_ml"] is None
    assert data["vial"]["usable_mg_evidence"] == "?"


def test_prep_table_shows_handling_and_no_storage_limits() -> None:
    r = run("prep", "--dose-mg", "1.46", "--reconstituted-at", "08:15")
    assert r.exit_code == 0
    text = " ".join(r.stdout.split())
    for words in (
        "2",
        "5.84 mL",
        # 50 - 5.84 = 44.16 mL, shown to 0.1 mL as a bag is measured (spec section 7)
        "44.2 mL 0.9% sodium chloride,",
        "0.0292 mg/mL",
        "50 mL/h over 1 h",
        "12:15",
        "16:15",
        "do not shake",
        "Protect the reconstituted and the diluted solution from light",
        "not nylon",
        "0.34 mg = 1.36 mL",
    ):
        assert words in text
    # per-step storage limits are unconfirmed: said to be omitted, never given in hours
    assert "Per-step storage limits are not printed" in text
    assert "hours at" not in text and "24 hours" not in text


def test_prep_eu_table_says_what_is_unknown() -> None:
    text = " ".join(run("prep", "--dose-mg", "1.46", "--market", "eu").stdout.split())
    assert "Water per vial not in inoplan's rules" in text
    assert "verify against the current label" in text


def test_prep_csv_is_one_row() -> None:
    lines = run("prep", "--dose-mg", "1.46", "-f", "csv").stdout.splitlines()
    assert len(lines) == 2
    row = dict(zip(lines[0].split(","), lines[1].split(","), strict=True))
    assert row["vials"] == "2" and row["withdraw_ml"] == "5.84" and row["waste_mg"] == "0.34"


def test_prep_from_height_weight_and_regimen_day() -> None:
    # 170 cm, 70 kg: Mosteller 1.82 m2; C1D1 0.8 x 1.82 = 1.456 -> 1.46 mg
    r = run("prep", "--height", "170", "--weight", "70", "--cycle", "1", "--day", "1", "-f", "json")
    assert json.loads(r.stdout)["dose_mg"] == 1.46
    # C2D1 with CR: 0.5 x 1.82 = 0.91 mg; without CR/CRi: 0.8 x 1.82 = 1.46 mg
    for response, mg in (("cr", 0.91), ("none", 1.46)):
        r = run(
            "prep",
            "--bsa",
            "1.82",
            "--cycle",
            "2",
            "--day",
            "1",
            "--response",
            response,
            "-f",
            "json",
        )
        assert json.loads(r.stdout)["dose_mg"] == mg


def test_prep_from_a_saved_plan_ignores_edited_doses(tmp_path: Path) -> None:
    plan = tmp_path / "p.json"
    run(
        "schedule",
        "--start",
        "2026-12-01",
        "--bsa",
        "1.82",
        "--response",
        "cr",
        "-f",
        "json",
        "-o",
        str(plan),
    )
    data = json.loads(plan.read_text())
    data["cycles"][0]["doses"][0]["mg"] = 2.5  # edited by hand: must not be used
    plan.write_text(json.dumps(data))
    r = run("prep", str(plan), "--cycle", "1", "--day", "1", "-f", "json")
    out = json.loads(r.stdout)
    # rebuilt from the inputs: 0.8 x 1.82 = 1.46 mg, given on 2026-12-01
    assert out["dose_mg"] == 1.46 and out["dose"]["date"] == "2026-12-01"


@pytest.mark.parametrize(
    ("args", "start"),
    [
        (["--dose-mg", "-1"], "inoplan: error: --dose-mg:"),
        (["--dose-mg", "3.3"], "inoplan: error: --dose-mg: 3.3 mg is above any plausible dose"),
        (["--dose-mg", "1", "--market", "jp"], "inoplan: error: Invalid value for '--market'"),
        (["--dose-mg", "1", "--reconstituted-at", "8h"], "inoplan: error: --reconstituted-at:"),
        ([], "inoplan: error: --dose-mg: give exactly one of"),
        (["--dose-mg", "1", "--bsa", "1.8"], "inoplan: error: --height/--weight/--bsa:"),
        (["--bsa", "1.82", "--cycle", "2", "--day", "1"], "inoplan: error: --response:"),
        (["--bsa", "1.82", "--cycle", "1", "--day", "3"], "inoplan: error: --day:"),
    ],
)
def test_prep_bad_input_one_line_exit_2(args: list[str], start: str, tmp_path: Path) -> None:
    out = tmp_path / "sheet.json"
    r = run("prep", *args, "-o", str(out))
    assert r.exit_code == 2
    assert r.stderr.startswith(start), r.stderr
    assert r.stderr.count("\n") == 1
    assert not out.exists()
