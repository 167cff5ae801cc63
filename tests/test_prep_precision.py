"""The pharmacy worksheet at measurable precision (spec section 7).

Draws to 0.01 mL (a 1 mL syringe), the saline to 0.1 mL "to a total of 50 mL",
the exact figures in JSON; an extra vial opened for under 5% of the dose is
said plainly, with the waste and the whole-vial alternative, never applied;
"start infusion by" is labelled as derived from the 8-hour limit. Every number
is worked out by hand from the spec: US vial 0.9 mg = 3.6 mL at 0.25 mg/mL,
EU vial 1 mg at 0.25 mg/mL, 50 mL in total.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from inoplan.cli.app import app
from inoplan.domain import rules
from inoplan.domain.pharmacy import extra_vial, vials_needed, worksheet

US = rules.VIALS["us"]
EU = rules.VIALS["eu"]
D = Decimal


def run(*args: str) -> Result:
    # A wide terminal keeps each worksheet row on one line, so phrases can be matched.
    return CliRunner().invoke(app, list(args), prog_name="inoplan", env={"COLUMNS": "400"})


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_issue_dose_0_91_mg_on_the_terminal() -> None:
    # 0.91 / 0.25 = 3.64 mL = 3.60 (a full vial) + 0.04 mL; saline 50 - 3.64 = 46.36 -> 46.4 mL
    text = flat(run("prep", "--dose-mg", "0.91").stdout)
    assert "3.64 mL (0.91 / 0.25) = 3.60 + 0.04 mL from the vials" in text
    assert "46.4 mL 0.9% sodium chloride, to a total of 50 mL" in text
    assert "46.36" not in text  # a bag is not filled to 0.01 mL
    # 2 vials: the 2nd for 0.91 - 0.9 = 0.01 mg, 0.01 / 0.91 = 1.1% of the dose;
    # waste 2 x 0.9 - 0.91 = 0.89 mg; 1 vial = 0.90 mg, (0.90 - 0.91) / 0.91 = -1.10%
    assert "a 2nd vial is opened for 0.01 mg, 1.1% of the dose" in text
    assert "0.89 mg of it is wasted" in text
    assert "Whole-vial alternative: 0.90 mg (1 vial, -1.10%), not applied" in text
    assert "institutional policy decision" in text
    assert "Dose 0.91 mg" in text  # never rounded on its own


def test_the_json_keeps_the_exact_figures() -> None:
    r = run("prep", "--dose-mg", "0.91", "-f", "json")
    data = json.loads(r.stdout)
    assert data["dose_mg"] == 0.91
    assert data["draws_ml"] == [3.6, 0.04]
    assert data["diluent_ml"] == 46.36  # exact: 50 - 3.64
    assert data["diluent_shown_ml"] == 46.4
    assert data["diluent_shown_step_ml"] == 0.1 and data["draw_step_ml"] == 0.01
    extra = data["extra_vial"]
    assert extra["remainder_mg"] == 0.01 and extra["share_of_dose_pct"] == 1.1
    assert extra["waste_mg"] == 0.89 and extra["share_threshold_pct"] == 5
    assert extra["whole_vial_alternative"] == {
        "vials": 1,
        "mg": 0.9,
        "change_pct": -1.1,
        "applied": False,
    }


def test_the_csv_has_the_measured_saline_and_the_extra_vial() -> None:
    row = next(csv.DictReader(io.StringIO(run("prep", "--dose-mg", "0.91", "-f", "csv").stdout)))
    assert row["diluent_ml"] == "46.36" and row["diluent_shown_ml"] == "46.4"
    assert row["extra_vial"].startswith("a 2nd vial is opened for 0.01 mg")


def test_a_large_remainder_is_not_called_an_extra_vial() -> None:
    # 1.46 mg: the 2nd vial gives 1.46 - 0.9 = 0.56 mg = 38.4% of the dose
    ws = worksheet(D("1.46"), US)
    assert ws.extra_vial is None
    data = json.loads(run("prep", "--dose-mg", "1.46", "-f", "json").stdout)
    assert data["extra_vial"] is None
    # saline 50 - 5.84 = 44.16 -> 44.2 mL shown
    assert (data["diluent_ml"], data["diluent_shown_ml"]) == (44.16, 44.2)


@pytest.mark.parametrize(
    ("dose", "vial", "flagged"),
    [
        # 0.94 mg: 2nd vial for 0.04 mg, 0.04 / 0.94 = 4.26% < 5%
        ("0.94", US, True),
        # 0.95 mg: 0.05 / 0.95 = 5.26%, not under 5%
        ("0.95", US, False),
        # 1.89 mg: 3 vials, the 3rd for 1.89 - 1.8 = 0.09 mg, 0.09 / 1.89 = 4.76%
        ("1.89", US, True),
        # 1.90 mg: 0.10 / 1.90 = 5.26%
        ("1.90", US, False),
        # 0.90 mg: exactly one vial, nothing extra
        ("0.90", US, False),
        # EU 1 mg vials: 1.04 mg, 0.04 / 1.04 = 3.85%
        ("1.04", EU, True),
    ],
)
def test_the_5_percent_line(dose: str, vial: rules.Vial, flagged: bool) -> None:
    assert (extra_vial(D(dose), vial) is not None) is flagged


def test_the_third_vial_is_named_as_such() -> None:
    # 1.89 mg: 3rd vial for 0.09 mg (4.8%); waste 2.7 - 1.89 = 0.81 mg;
    # 2 vials = 1.80 mg, (1.80 - 1.89) / 1.89 = -4.76%
    x = extra_vial(D("1.89"), US)
    assert x is not None
    assert x.text.startswith("a 3rd vial is opened for 0.09 mg, 4.8% of the dose; 0.81 mg")
    assert "1.80 mg (2 vials, -4.76%)" in x.text


def test_start_infusion_by_is_labelled_as_derived_next_to_the_label_limits() -> None:
    # 08:15 + 4 h = 12:15 (label); + 8 h = 16:15 (label); 16:15 - 1 h infusion = 15:15 (derived)
    text = flat(run("prep", "--dose-mg", "1.46", "--reconstituted-at", "08:15").stdout)
    assert "Dilute by 12:15 (label: at most 4 h from reconstitution to dilution)" in text
    assert (
        "Start infusion by 15:15 (derived: the 8 h limit from reconstitution to the end of "
        "the infusion, minus the 1 h infusion)"
    ) in text
    assert "Infusion ends by 16:15 (label: at most 8 h" in text
    # Without a clock time the rows still say which is derived: 8 - 1 = 7 h
    text = flat(run("prep", "--dose-mg", "1.46").stdout)
    assert "Start infusion by 7 h after reconstitution (derived:" in text
    data = json.loads(run("prep", "--dose-mg", "1.46", "-f", "json").stdout)
    assert data["start_infusion_by_derivation"].startswith("derived: the 8 h limit")
    assert data["limits_h"] == {
        "reconstitution_to_dilution": 4,
        "reconstitution_to_infusion_end": 8,
        "infusion": 1,
    }


@given(st.integers(min_value=1, max_value=320).map(lambda n: Decimal(n) / 100))
def test_measured_saline_is_within_half_a_step_and_the_flag_follows_the_rule(
    dose: Decimal,
) -> None:
    ws = worksheet(dose, US)
    assert abs(ws.diluent_shown_ml - ws.diluent_ml) <= D("0.05")
    assert ws.diluent_shown_ml == ws.diluent_shown_ml.quantize(D("0.1"))
    n = vials_needed(dose, US)
    last = dose - US.usable_mg * (n - 1)
    assert (ws.extra_vial is not None) == (n >= 2 and last / dose < D("0.05"))
    if ws.extra_vial is not None:
        # the alternative is one vial fewer, and the dose to prepare is unchanged
        assert ws.extra_vial.whole_vial_mg == US.usable_mg * (n - 1)
        assert ws.dose_mg == dose
