"""Clinic days and public holidays as a user names them: parsed, checked, written back.

``--clinic-days mon-fri`` and ``--holidays DE-BY`` become the weekdays a clinic
is open and a ``holidays`` calendar; :mod:`inoplan.domain.clinic` moves doses
off the days they close.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import date
from typing import Protocol

from inoplan.domain import rules
from inoplan.domain.errors import InputError, quoted

CLINIC_DAYS_FIELD = "--clinic-days"
HOLIDAYS_FIELD = "--holidays"
_FULL_NAMES = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)
ALL_DAYS: frozenset[int] = frozenset(range(7))


class HolidayLookup(Protocol):
    """What inoplan needs of a ``holidays`` calendar: the name of a date, or ``None``."""

    def get(self, key: date, default: None = None) -> str | None: ...


def _weekday(token: str, text: str, field: str) -> int:
    word = token.strip().lower()
    if word in rules.WEEKDAY_NAMES:
        return rules.WEEKDAY_NAMES.index(word)
    if word in _FULL_NAMES:
        return _FULL_NAMES.index(word)
    raise InputError(
        field,
        f"{quoted(text)}: {quoted(token.strip())} is not a weekday; use mon tue wed thu fri "
        "sat sun, "
        "ranges and commas (mon-fri, mon,wed,fri)",
    )


def parse_clinic_days(text: str, field: str = CLINIC_DAYS_FIELD) -> frozenset[int]:
    """``mon-fri``, ``mon,wed,fri``, ``mon-wed,fri`` or ``all`` -> weekday numbers (Mon = 0)."""
    value = text.strip().lower()
    if value in ("all", "every", "everyday", "every-day", "daily"):
        return ALL_DAYS
    days: set[int] = set()
    for part in value.split(","):
        if not part.strip():
            raise InputError(field, f"{quoted(text)} has an empty entry; write e.g. mon,wed,fri")
        if "-" in part:
            first_text, _, last_text = part.partition("-")
            first = _weekday(first_text, text, field)
            last = _weekday(last_text, text, field)
            if last < first:
                raise InputError(
                    field,
                    f"{quoted(text)}: range {quoted(part.strip())} runs backwards; weeks run "
                    "mon-sun, "
                    f"so write e.g. {rules.WEEKDAY_NAMES[first]}-sun,"
                    + ("mon" if last == 0 else f"mon-{rules.WEEKDAY_NAMES[last]}"),
                )
            days.update(range(first, last + 1))
        else:
            days.add(_weekday(part, text, field))
    return frozenset(days)


def format_clinic_days(days: Iterable[int]) -> str:
    """Weekday numbers -> ``mon-fri`` / ``mon,wed,fri`` (ranges of 3 or more days)."""
    ordered = sorted(set(days))
    if ordered == list(range(7)):
        return "all"
    runs: list[list[int]] = []
    for d in ordered:
        if runs and runs[-1][-1] == d - 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    parts: list[str] = []
    for run in runs:
        names = [rules.WEEKDAY_NAMES[d] for d in run]
        parts.append(f"{names[0]}-{names[-1]}" if len(run) >= 3 else ",".join(names))
    return ",".join(parts)


@functools.lru_cache(maxsize=32)
def load_holidays(spec: str, field: str = HOLIDAYS_FIELD) -> HolidayLookup:
    """Public holidays of ``COUNTRY`` or ``COUNTRY-SUBDIV`` (ISO 3166 codes).

    Imports the ``holidays`` package only when called. Names are in English
    where the package has them, otherwise in the country's default language.
    """
    import holidays

    text = spec.strip()
    country, _, subdiv = text.partition("-")
    country = country.upper()
    if not country.isalpha() or len(country) not in (2, 3):
        raise InputError(
            field, f"{quoted(spec)} is not COUNTRY or COUNTRY-SUBDIV, e.g. US, DE-BY, GB-SCT"
        )
    try:
        cls = holidays.country_holidays(country).__class__
    except NotImplementedError:
        raise InputError(
            field, f"{quoted(country)} is not a country the holidays package knows (ISO 3166 code)"
        ) from None
    language = "en_US" if "en_US" in getattr(cls, "supported_languages", ()) else None
    subdivisions = tuple(getattr(cls, "subdivisions", ()))
    if subdiv:
        matches = [s for s in subdivisions if s.upper() == subdiv.upper()]
        if not matches:
            allowed = ", ".join(subdivisions) if subdivisions else "none"
            raise InputError(
                field, f"{quoted(subdiv)} is not a subdivision of {country}; known: {allowed}"
            )
        result = holidays.country_holidays(country, subdiv=matches[0], language=language)
    else:
        result = holidays.country_holidays(country, language=language)
    return result


def canonical_holidays(spec: str, field: str = HOLIDAYS_FIELD) -> str:
    """``de-by`` -> ``DE-BY``, after checking it with :func:`load_holidays`."""
    load_holidays(spec, field)
    country, _, subdiv = spec.strip().partition("-")
    return f"{country.upper()}-{subdiv.upper()}" if subdiv else country.upper()
