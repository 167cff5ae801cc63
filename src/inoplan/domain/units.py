"""Parse heights, weights, dates, numbers, choices and one-line text as a user types them.

Every parser takes the ``field`` it reads (an option such as ``--height`` or a
CSV column such as ``height``) and raises :class:`~inoplan.domain.errors.InputError`
naming it, so one line tells the user what to fix. Only ASCII digits are
accepted: unicode digits, ``nan``, ``inf`` and exponents are refused.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from inoplan.domain.errors import InputError, quoted
from inoplan.domain.limits import MAX_INT_DIGITS
from inoplan.domain.rules import HEIGHT_CM_RANGE, HEIGHT_STEP, WEIGHT_KG_RANGE, WEIGHT_STEP

CM_PER_INCH = Decimal("2.54")
INCHES_PER_FOOT = 12
KG_PER_POUND = Decimal("0.45359237")

# Every spelling of each unit a height or weight is read in, as data: the
# README's list of units is this table. Case is ignored; a space between the
# number and its unit is allowed. A unit with a spelling here is accepted in
# every spelling here, and nothing else is (no "kilo", no "st").
UNIT_SPELLINGS: dict[str, tuple[str, ...]] = {
    "cm": ("cm", "centimetre", "centimetres", "centimeter", "centimeters"),
    "m": ("m", "metre", "metres", "meter", "meters"),
    "in": ("in", "inch", "inches", '"'),
    "ft": ("ft", "foot", "feet", "'"),
    "kg": ("kg", "kgs", "kilogram", "kilograms"),
    "lb": ("lb", "lbs", "pound", "pounds"),
}
HEIGHT_UNITS = ("cm", "m", "in", "ft")
WEIGHT_UNITS = ("kg", "lb")


def _unit_re(*units: str) -> str:
    """One regex group of every spelling of ``units``, longest first (``inches`` before ``in``)."""
    words = sorted((w for u in units for w in UNIT_SPELLINGS[u]), key=len, reverse=True)
    return "(?:" + "|".join(re.escape(w) for w in words) + ")"


def _unit_of(word: str) -> str:
    return next(u for u, words in UNIT_SPELLINGS.items() if word in words)


_NUMBER = r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
_NUMBER_RE = re.compile(rf"{_NUMBER}", re.ASCII)
_HEIGHT_RE = re.compile(rf"(?P<n>{_NUMBER})\s*(?P<unit>{_unit_re('cm', 'm', 'in')})?", re.ASCII)
_FEET_RE = re.compile(
    rf"(?P<ft>[0-9]+)\s*{_unit_re('ft')}\s*"
    rf"(?:(?P<inch>{_NUMBER})\s*(?:{_unit_re('in')}|'')?)?",
    re.ASCII,
)
_WEIGHT_RE = re.compile(rf"(?P<n>{_NUMBER})\s*(?P<unit>{_unit_re('kg', 'lb')})?", re.ASCII)
_ISO_DATE_RE = re.compile(r"(?P<y>[0-9]{4})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})", re.ASCII)


def parse_decimal(text: str, field: str, what: str = "a number such as 1.82") -> Decimal:
    """A non-negative decimal written with ASCII digits and at most one point."""
    s = text.strip()
    if not _NUMBER_RE.fullmatch(s):
        raise InputError(field, f"{quoted(text)} is not a number; expected {what}")
    return Decimal(s)


def parse_int(text: str, field: str, lo: int, hi: int) -> int:
    """A whole number between ``lo`` and ``hi`` inclusive."""
    s = text.strip()
    # The length first: int() of more than 4,300 digits raises, and no limit needs 19.
    if (
        not re.fullmatch(r"[0-9]+", s, re.ASCII)
        or len(s) > MAX_INT_DIGITS
        or not lo <= int(s) <= hi
    ):
        raise InputError(field, f"{quoted(text)} is not allowed; expected a whole number {lo}-{hi}")
    return int(s)


TRUE_WORDS = frozenset({"1", "true", "yes", "y"})
FALSE_WORDS = frozenset({"", "0", "false", "no", "n"})


def parse_choice(text: str, field: str, allowed: tuple[str, ...]) -> str:
    """One of ``allowed``, in any case, surrounding spaces dropped."""
    value = text.strip().lower()
    if value not in allowed:
        raise InputError(
            field, f"{quoted(text)} is not allowed; choose one of {', '.join(allowed)}"
        )
    return value


def parse_bool(text: str, field: str) -> bool:
    """Yes or no: :data:`TRUE_WORDS` or :data:`FALSE_WORDS` (an empty cell is no)."""
    value = text.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise InputError(field, f"{quoted(text)} is not allowed; use yes or no")


_CONTROL_RE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def parse_text(text: str, field: str) -> str:
    """Free text on one line (a location, a reason), refusing control characters.

    RFC 5545 allows no control character but the tab in calendar text, and a
    terminal escape or a NUL in a note would reach every output; a line break
    is refused too, as a value of one line was meant. Leading and trailing
    spaces are dropped.
    """
    m = _CONTROL_RE.search(text)
    if m:
        raise InputError(
            field,
            f"holds the control character U+{ord(m[0]):04X} at position {m.start() + 1}; "
            "give plain text on one line",
        )
    return text.strip()


def check_range(value: Decimal, field: str, lo: Decimal, hi: Decimal, unit: str) -> Decimal:
    """Refuse a value outside the plausible range ``lo``-``hi``."""
    if not lo <= value <= hi:
        raise InputError(
            field,
            f"{fmt_decimal(value)} {unit} is not plausible; "
            f"allowed {fmt_decimal(lo)}-{fmt_decimal(hi)} {unit}",
        )
    return value


class Measure(NamedTuple):
    """A height (cm) or weight (kg) as used, and as the user typed it.

    ``value`` is rounded half-up to 0.1 cm or 0.1 kg after any conversion: it is
    what the BSA is computed from and what every output shows. ``typed`` is the
    input in a tidy form (``5 ft 11 in``, ``210 lb``, ``180``); ``unit_given`` is
    False for a bare number, which the body-build check treats as ambiguous.
    """

    value: Decimal
    typed: str
    unit: str  # "cm" or "kg"
    unit_given: bool

    @property
    def shown(self) -> str:
        """``180 cm``, or ``5 ft 11 in (180.3 cm)`` when converted."""
        plain = f"{fmt_decimal(self.value)} {self.unit}"
        if self.typed in (fmt_decimal(self.value), plain):
            return plain
        # Typed with more than one decimal (70.25 kg, 210.25 lb): only the value used is
        # shown, so no output carries a height or weight beyond 0.1. Metres keep their
        # 3 decimals (1.705 m is 170.5 cm).
        if not self.typed.endswith(" m") and re.search(r"\.[0-9]{2,}", self.typed):
            return plain
        return f"{self.typed} ({plain})"


def fmt_decimal(value: Decimal) -> str:
    """A decimal without trailing zeros or exponent (``170``, ``1.7``)."""
    return f"{value.normalize():f}"


def _tidy(number: str) -> str:
    return fmt_decimal(Decimal(number))


def read_height(text: str, field: str = "--height") -> Measure:
    """Height from ``170``, ``170cm``, ``1.7m``, ``67in``, ``5ft7in`` or ``5'7\"``.

    A bare number is centimetres. Converted (inches x 2.54, metres x 100) and
    rounded half-up to 0.1 cm, then checked against the spec's plausible range.
    """
    s = text.strip().lower()
    m = _FEET_RE.fullmatch(s)
    if m:
        if m["inch"] is not None and Decimal(m["inch"]) >= INCHES_PER_FOOT:
            raise InputError(
                field,
                f"{quoted(text)}: {m['inch']} inches is a foot or more; give fewer than 12 inches "
                "(5ft7in), or the height in inches alone (67in)",
            )
        inches = Decimal(m["ft"]) * INCHES_PER_FOOT + Decimal(m["inch"] or 0)
        cm = inches * CM_PER_INCH
        typed = f"{int(m['ft'])} ft" + (f" {_tidy(m['inch'])} in" if m["inch"] else "")
        unit_given = True
    else:
        m = _HEIGHT_RE.fullmatch(s)
        if not m:
            raise InputError(
                field,
                f"{quoted(text)} is not a height; use cm (170, 170cm), metres (1.7m), "
                "inches (67in) or feet and inches (5ft7in, 5'7\")",
            )
        n = Decimal(m["n"])
        unit = _unit_of(m["unit"]) if m["unit"] else ""
        unit_given = bool(unit)
        if unit == "m":
            cm, typed = n * 100, f"{_tidy(m['n'])} m"
        elif unit == "in":
            cm, typed = n * CM_PER_INCH, f"{_tidy(m['n'])} in"
        else:
            cm, typed = n, _tidy(m["n"]) + (" cm" if unit else "")
    lo, hi = HEIGHT_CM_RANGE
    if cm < lo and m.re is _HEIGHT_RE and not m["unit"] and cm < 3:
        raise InputError(
            field,
            f"{fmt_decimal(cm)} cm is not plausible; "
            f"allowed {fmt_decimal(lo)}-{fmt_decimal(hi)} cm "
            f"(a bare number is cm: did you mean {fmt_decimal(cm)}m?)",
        )
    check_range(cm, field, lo, hi, "cm")
    return Measure(_to_step(cm, HEIGHT_STEP), typed, "cm", unit_given)


def read_weight(text: str, field: str = "--weight") -> Measure:
    """Weight from ``70``, ``70kg`` or ``154lb``; a bare number is kg; to 0.1 kg."""
    s = text.strip().lower()
    m = _WEIGHT_RE.fullmatch(s)
    if not m:
        raise InputError(
            field, f"{quoted(text)} is not a weight; use kg (70, 70kg) or pounds (154lb)"
        )
    n = Decimal(m["n"])
    pounds = bool(m["unit"]) and _unit_of(m["unit"]) == "lb"
    kg = n * KG_PER_POUND if pounds else n
    typed = _tidy(m["n"]) + (" lb" if pounds else " kg" if m["unit"] else "")
    lo, hi = WEIGHT_KG_RANGE
    check_range(kg, field, lo, hi, "kg")
    return Measure(_to_step(kg, WEIGHT_STEP), typed, "kg", bool(m["unit"]))


def _to_step(value: Decimal, step: Decimal) -> Decimal:
    return value.quantize(step, rounding=ROUND_HALF_UP)


def parse_height_cm(text: str, field: str = "--height") -> Decimal:
    """Height in cm, to 0.1 cm (see :func:`read_height`)."""
    return read_height(text, field).value


def parse_weight_kg(text: str, field: str = "--weight") -> Decimal:
    """Weight in kg, to 0.1 kg (see :func:`read_weight`)."""
    return read_weight(text, field).value


def parse_date(text: str, field: str = "--start") -> date:
    """An ISO 8601 calendar date, ``YYYY-MM-DD``.

    Numeric dates such as ``03/04/2026`` mean different days in different
    countries, so they are refused with the ISO form to use instead.
    """
    s = text.strip()
    m = _ISO_DATE_RE.fullmatch(s)
    if not m:
        if re.fullmatch(r"[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{2,4}", s, re.ASCII):
            raise InputError(
                field, f"{quoted(text)} is ambiguous (day/month or month/day); use YYYY-MM-DD"
            )
        raise InputError(field, f"{quoted(text)} is not a date; use YYYY-MM-DD, e.g. 2026-12-01")
    try:
        return date(int(m["y"]), int(m["m"]), int(m["d"]))
    except ValueError:
        raise InputError(
            field, f"{quoted(text)} is not a day of the calendar; use YYYY-MM-DD"
        ) from None


def days_text(n: int) -> str:
    """``1 day``, ``6 days``: a count of days as every message writes it."""
    return f"{n} day" if n == 1 else f"{n} days"


def iso(value: date) -> str:
    """A date as every message writes it: ISO 8601, ``2026-12-01``."""
    return value.isoformat()
