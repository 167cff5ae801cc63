"""The values inside an event, parsed from text: a dose (``C2D8``), a reason, dose days.

Pure functions of strings, each raising :class:`~inoplan.domain.errors.InputError`
naming the ``field`` it reads; :func:`inoplan.domain.replan.events.event_from_record`
puts them together into events.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from inoplan.domain import rules
from inoplan.domain.errors import InputError, quoted
from inoplan.domain.plan import dose_label
from inoplan.domain.units import parse_decimal, parse_int, parse_text

MAX_REASON_LENGTH = 200
MAX_CYCLE = 99
_DOSE_RE = re.compile(r"C([0-9]{1,2})D([0-9]{1,2})", re.ASCII | re.IGNORECASE)


@dataclass(frozen=True, order=True)
class DoseRef:
    """A dose by cycle and day (``C2D8``)."""

    cycle: int
    day: int

    @property
    def label(self) -> str:
        return dose_label(self.cycle, self.day)


def parse_dose_ref(text: str, field: str) -> DoseRef:
    """``C2D8`` (any case) to a :class:`DoseRef`; day must be 1, 8 or 15."""
    m = _DOSE_RE.fullmatch(text.strip())
    days = ", ".join(str(d) for d in rules.DOSE_DAYS)
    if not m:
        raise InputError(field, f"{quoted(text)} is not a dose; use C<cycle>D<day>, e.g. C1D8")
    cycle, day = int(m[1]), int(m[2])
    if not 1 <= cycle <= MAX_CYCLE:
        raise InputError(
            field, f"{quoted(text)}: cycle {cycle} is not allowed; cycles are 1-{MAX_CYCLE}"
        )
    if day not in rules.DOSE_DAYS:
        raise InputError(
            field, f"{quoted(text)}: day {day} is not a dose day; doses are on days {days}"
        )
    return DoseRef(cycle, day)


def parse_reason(text: str, field: str) -> str:
    value = " ".join(parse_text(text.replace("\n", " ").replace("\r", " "), field).split())
    if not value:
        raise InputError(field, "a reason is required")
    if len(value) > MAX_REASON_LENGTH:
        raise InputError(field, f"the reason is longer than {MAX_REASON_LENGTH} characters")
    return value


def parse_dose_days(text: str, field: str) -> tuple[int, int]:
    """Two distinct dose days such as ``1,8``."""
    parts = [p.strip() for p in re.split(r"[,/ ]+", text.strip()) if p.strip()]
    allowed = ", ".join(str(d) for d in rules.DOSE_DAYS)
    if len(parts) != rules.TWO_DOSES_PER_CYCLE:
        raise InputError(field, f"{quoted(text)}: give exactly 2 of the days {allowed}, e.g. 1,8")
    days = sorted(parse_int(p, field, 1, 28) for p in parts)
    if any(d not in rules.DOSE_DAYS for d in days) or days[0] == days[1]:
        raise InputError(field, f"{quoted(text)}: give 2 different days among {allowed}, e.g. 1,8")
    return days[0], days[1]


def parse_reduced_doses(text: str, field: str) -> tuple[tuple[int, Decimal], ...]:
    """Three mg/m2 values for days 1/8/15, such as ``0.6/0.375/0.375``."""
    parts = [p.strip() for p in text.strip().split("/")]
    if len(parts) != len(rules.DOSE_DAYS):
        raise InputError(
            field,
            f"{quoted(text)}: give mg/m2 for days 1/8/15 separated by /, e.g. 0.6/0.375/0.375",
        )
    values = [parse_decimal(p, field, "mg/m2 such as 0.375") for p in parts]
    if any(v <= 0 for v in values):
        raise InputError(field, f"{quoted(text)}: every dose must be above 0 mg/m2")
    return tuple(zip(rules.DOSE_DAYS, values, strict=True))


def parse_category(text: str, field: str) -> str | None:
    """A reason category (:data:`rules.REASON_CATEGORIES`), or ``None`` for an empty cell."""
    value = text.strip().lower().replace("_", "-").replace(" ", "-")
    if not value:
        return None
    if value not in rules.REASON_CATEGORIES:
        raise InputError(
            field,
            f"{text[:40]!r} is not allowed; choose one of {', '.join(rules.REASON_CATEGORIES)}",
        )
    return value


def split_category(reason: str) -> tuple[str | None, str]:
    """``hematologic: ANC 0.4`` -> (``hematologic``, ``ANC 0.4``), as options write it.

    Only a known category before the first colon is taken; any other text stays the reason.
    """
    head, sep, rest = reason.partition(":")
    key = head.strip().lower().replace("_", "-").replace(" ", "-")
    if sep and key in rules.REASON_CATEGORIES:
        return key, rest.strip()
    return None, reason.strip()


_WORD_RE = re.compile(r"[a-z]+")


def is_low_count(reason: str | None, category: str | None) -> bool:
    """Whether a reason is a low blood count: the hematologic category, or its words.

    Words (:data:`rules.LOW_COUNT_WORDS`: neutropenia, thrombocytopenia, ANC,
    platelets) count as whole words, so "planned" never reads as "ANC".
    """
    if category == "hematologic":
        return True
    if category is not None or not reason:
        return False
    return any(w in rules.LOW_COUNT_WORDS for w in _WORD_RE.findall(reason.lower()))
