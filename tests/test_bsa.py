"""Body surface area: each formula by hand, rounding half-up, the cap."""

from __future__ import annotations

from decimal import Decimal

import pytest

from inoplan.domain.bsa import compute_bsa, given_bsa
from inoplan.domain.errors import InputError

H, W = Decimal(170), Decimal(70)


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        # sqrt(170 x 70 / 3600) = sqrt(3.30556) = 1.81812 -> 1.82 (the spec's own example)
        ("mosteller", Decimal("1.82")),
        # 0.007184 x 170^0.725 (41.4072) x 70^0.425 (6.08368) = 1.80971 -> 1.81
        ("dubois", Decimal("1.81")),
        # 0.024265 x 170^0.3964 (7.65861) x 70^0.5378 (9.82412) = 1.82568 -> 1.83
        ("haycock", Decimal("1.83")),
        # 0.0235 x 170^0.42246 (8.75539) x 70^0.51456 (8.90048) = 1.83129 -> 1.83
        ("gehan-george", Decimal("1.83")),
        # exponent 0.7285 - 0.0188 x log10(70000) (4.84510) = 0.637412;
        # 0.0003207 x 170^0.3 (4.66804) x 70000^0.637412 (1225.53) = 1.83467 -> 1.83
        ("boyd", Decimal("1.83")),
    ],
)
def test_each_formula_for_170_cm_70_kg(formula: str, expected: Decimal) -> None:
    assert compute_bsa(H, W, formula).m2 == expected


def test_rounding_is_half_up_not_to_even() -> None:
    # 119.9025 x 100 / 3600 = 3.330625 = 1.825^2 exactly: half-up gives 1.83
    # (round-half-even would give 1.82).
    bsa = compute_bsa(Decimal("119.9025"), Decimal(100))
    assert bsa.exact_m2 == Decimal("1.825")
    assert bsa.m2 == Decimal("1.83")


def test_child_of_one_year_is_not_refused() -> None:
    # 75 cm, 9 kg: sqrt(675 / 3600) = sqrt(0.1875) = 0.43301 -> 0.43 m2
    assert compute_bsa(Decimal(75), Decimal(9)).m2 == Decimal("0.43")


def test_working_shows_the_arithmetic() -> None:
    working = compute_bsa(H, W).working
    assert "sqrt(H x W / 3600)" in working
    assert "1.8181 -> 1.82" in working


def test_cap_lowers_the_bsa_and_remembers_the_uncapped_value() -> None:
    # 180 cm, 150 kg: sqrt(27000 / 3600) = sqrt(7.5) = 2.7386 -> 2.74 m2, capped to 2.00
    bsa = compute_bsa(Decimal(180), Decimal(150), cap_m2=Decimal("2.0"))
    assert bsa.m2 == Decimal("2.0")
    assert bsa.uncapped_m2 == Decimal("2.74")
    assert bsa.capped


def test_cap_above_the_bsa_changes_nothing() -> None:
    bsa = compute_bsa(H, W, cap_m2=Decimal("2.0"))
    assert bsa.m2 == Decimal("1.82")
    assert not bsa.capped


def test_implausible_bsa_is_refused() -> None:
    # 50 cm, 5 kg: sqrt(250 / 3600) = 0.2635 -> 0.26 m2: inside 0.25-4.0, allowed
    assert compute_bsa(Decimal(50), Decimal(5)).m2 == Decimal("0.26")
    with pytest.raises(InputError, match=r"0\.25-4 m2"):
        given_bsa(Decimal("0.24"))
    with pytest.raises(InputError, match=r"0\.25-4 m2"):
        given_bsa(Decimal("4.01"))
    # 200 cm, 250 kg: sqrt(50000 / 3600) = sqrt(13.889) = 3.7268 -> 3.73 m2, a real patient
    assert compute_bsa(Decimal(200), Decimal(250)).m2 == Decimal("3.73")


def test_given_bsa_must_be_to_two_decimals() -> None:
    with pytest.raises(InputError, match="more than 2 decimals"):
        given_bsa(Decimal("1.825"))
    assert given_bsa(Decimal("1.8")).m2 == Decimal("1.80")
