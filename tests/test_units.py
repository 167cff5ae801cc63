"""Heights, weights and dates as users type them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from inoplan.domain.errors import InputError
from inoplan.domain.units import parse_date, parse_height_cm, parse_weight_kg


@pytest.mark.parametrize(
    ("text", "cm"),
    [
        ("170", Decimal("170")),  # bare numbers are cm
        ("170cm", Decimal("170")),
        ("170 cm", Decimal("170")),
        ("1.7m", Decimal("170")),  # 1.7 x 100
        # Converted values are used to 0.1 cm, half-up (spec section 8):
        ("67in", Decimal("170.2")),  # 67 x 2.54 = 170.18 -> 170.2
        ('67"', Decimal("170.2")),
        ("5ft7in", Decimal("170.2")),  # (5 x 12 + 7) = 67 in x 2.54 = 170.18 -> 170.2
        ("5 ft 7 in", Decimal("170.2")),
        ("5'7\"", Decimal("170.2")),
        ("5'7", Decimal("170.2")),
        ("6ft", Decimal("182.9")),  # 72 in x 2.54 = 182.88 -> 182.9
        ("75", Decimal("75")),  # a one-year-old
    ],
)
def test_heights_in_every_unit(text: str, cm: Decimal) -> None:
    assert parse_height_cm(text) == cm


@pytest.mark.parametrize(
    ("text", "kg"),
    [
        ("70", Decimal("70")),
        ("70kg", Decimal("70")),
        ("70.5 kg", Decimal("70.5")),
        # 154 x 0.45359237 = 69.85322498 -> 69.9 kg (to 0.1 kg, half-up; spec section 8)
        ("154lb", Decimal("69.9")),
        ("154 lbs", Decimal("69.9")),
    ],
)
def test_weights_in_every_unit(text: str, kg: Decimal) -> None:
    assert parse_weight_kg(text) == kg


@pytest.mark.parametrize(
    "text",
    [
        "",
        "tall",
        "170ft",
        "-170",
        "1e2",
        "nan",
        "inf",
        "\u0661\u0667\u0660",
        "170cm70kg",
        "5ft7in3",
    ],
)
def test_heights_that_are_not_heights_are_refused(text: str) -> None:
    with pytest.raises(InputError) as e:
        parse_height_cm(text)
    assert e.value.field == "--height"


@pytest.mark.parametrize(("text", "allowed"), [("49", "50-250 cm"), ("251", "50-250 cm")])
def test_implausible_heights_name_the_range(text: str, allowed: str) -> None:
    with pytest.raises(InputError, match=allowed):
        parse_height_cm(text)


def test_a_height_in_metres_without_unit_gets_a_hint() -> None:
    with pytest.raises(InputError, match=r"did you mean 1\.7m"):
        parse_height_cm("1.7")


@pytest.mark.parametrize("text", ["4.9", "351", "800lb", "0", "70 stone", "NaN", "-5kg"])
def test_bad_weights_are_refused(text: str) -> None:
    with pytest.raises(InputError) as e:
        parse_weight_kg(text, "weight")
    assert e.value.field == "weight"


def test_iso_dates() -> None:
    assert parse_date("2026-12-01") == date(2026, 12, 1)
    assert parse_date(" 2028-02-29 ") == date(2028, 2, 29)  # a leap day that exists


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("03/04/2026", "ambiguous"),
        ("3.4.2026", "ambiguous"),
        ("2026-02-29", "not a day of the calendar"),  # 2026 is not a leap year
        ("0000-00-00", "not a day of the calendar"),
        ("2026-13-01", "not a day of the calendar"),
        ("1 Dec 2026", "YYYY-MM-DD"),
        ("\uff12\uff10\uff12\uff16-\uff11\uff12-\uff10\uff11", "YYYY-MM-DD"),  # full-width digits
        ("", "YYYY-MM-DD"),
    ],
)
def test_bad_dates_say_what_is_allowed(text: str, why: str) -> None:
    with pytest.raises(InputError, match=why) as e:
        parse_date(text)
    assert e.value.field == "--start"


# Every usual spelling and plural of each unit is read, in any case, with or
# without a space; the list is written out here by hand, not taken from the code.
@pytest.mark.parametrize(
    ("text", "kg"),
    [
        ("95kgs", Decimal("95")),
        ("95 kgs", Decimal("95")),
        ("95 kilogram", Decimal("95")),
        ("95 Kilograms", Decimal("95")),
        ("95KG", Decimal("95")),
        # 210 x 0.45359237 = 95.2543977 -> 95.3 kg
        ("210lbs", Decimal("95.3")),
        ("210 lb", Decimal("95.3")),
        ("210 pound", Decimal("95.3")),
        ("210 Pounds", Decimal("95.3")),
    ],
)
def test_weight_units_in_every_usual_spelling(text: str, kg: Decimal) -> None:
    assert parse_weight_kg(text) == kg


@pytest.mark.parametrize(
    ("text", "cm"),
    [
        ("180 centimetres", Decimal("180")),
        ("180centimetre", Decimal("180")),
        ("180 Centimeters", Decimal("180")),
        ("180 centimeter", Decimal("180")),
        ("180 CM", Decimal("180")),
        ("1.8 metres", Decimal("180")),  # 1.8 x 100
        ("1.8 meter", Decimal("180")),
        ("1.8M", Decimal("180")),
        ("70 inches", Decimal("177.8")),  # 70 x 2.54 = 177.8
        ("70 inch", Decimal("177.8")),
        ("70 IN", Decimal("177.8")),
        ("5 feet 7 inches", Decimal("170.2")),  # 67 in x 2.54 = 170.18 -> 170.2
        ("5 foot 7 inch", Decimal("170.2")),
        ("5 Feet 7", Decimal("170.2")),
        ("6 feet", Decimal("182.9")),  # 72 in x 2.54 = 182.88 -> 182.9
        ("6 foot", Decimal("182.9")),
    ],
)
def test_height_units_in_every_usual_spelling(text: str, cm: Decimal) -> None:
    assert parse_height_cm(text) == cm


@pytest.mark.parametrize("text", ["70 kilo", "70 kilos", "70st", "70 stone", "70 kgss", "70 g"])
def test_weights_in_other_units_are_refused(text: str) -> None:
    with pytest.raises(InputError, match="is not a weight"):
        parse_weight_kg(text)


@pytest.mark.parametrize("text", ["170 mm", "170 cms", "5 feets", "170 metre cm", "67 ins"])
def test_heights_in_other_units_are_refused(text: str) -> None:
    with pytest.raises(InputError, match="is not a height"):
        parse_height_cm(text)
