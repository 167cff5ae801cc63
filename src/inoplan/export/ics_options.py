"""Calendar options: what ``--time``, ``--tz``, ``--reminder`` and the rest mean.

Parsing and checking what is typed (on the command line or in a batch row's
``time``, ``tz`` and ``location`` cells) into :class:`IcsOptions`, the record
:mod:`inoplan.export.ics` builds a calendar from. No icalendar here: a refused
option is reported before anything heavy is loaded.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from inoplan.domain import rules
from inoplan.domain.errors import InputError, quoted

_TIME_RE = re.compile(r"(?P<h>[0-9]{1,2}):(?P<m>[0-9]{2})", re.ASCII)
_DURATION_RE = re.compile(
    r"(?:(?P<d>[0-9]{1,3})d)?(?:(?P<h>[0-9]{1,4})h)?(?:(?P<m>[0-9]{1,5})m)?", re.ASCII
)

REMINDER_SYNTAX = (
    "a time before the infusion such as 30m, 1h, 1h30m or 1d, or a clock time on the "
    "day of the infusion such as 07:30"
)


def parse_time(text: str, field: str = "--time") -> dt.time:
    """A 24-hour clock time ``HH:MM``."""
    m = _TIME_RE.fullmatch(text.strip())
    if m is None or int(m["h"]) > 23 or int(m["m"]) > 59:
        raise InputError(field, f"{quoted(text)} is not a time; use 24-hour HH:MM such as 09:30")
    return dt.time(int(m["h"]), int(m["m"]))


def parse_location(text: str, field: str = "--location") -> str | None:
    """Where the infusions take place: plain text, no control character (RFC 5545)."""
    from inoplan.inputs.plan_request import parse_text

    return parse_text(text, field) or None


def check_tz_environment(env: Mapping[str, str] | None = None) -> None:
    """Refuse a ``TZ`` environment value that names no zone inoplan can read.

    Without this, an unknown ``TZ`` (``Mars/Olympus``, a POSIX rule such as
    ``CET-1CEST``) falls back to the system's zone without a word, and a
    timed calendar would be written in a zone nobody asked for. ``TZ`` may name
    an IANA zone (with or without a leading ``:``) or a zone file by its path.
    """
    from zoneinfo import ZoneInfo

    value = (os.environ if env is None else env).get("TZ")
    if not value:
        return
    name = value.removeprefix(":")
    if os.path.isabs(name) and os.path.isfile(name):
        return
    try:
        ZoneInfo(name)
        return
    except (KeyError, ValueError, OSError):  # ZoneInfoNotFoundError is a KeyError
        pass
    raise InputError(
        "TZ",
        f"the environment variable TZ={quoted(value)} names no known time zone; set an "
        "IANA name such as Europe/Berlin, unset it, or give --tz",
    )


def local_zone_name() -> str | None:
    """The IANA name of this machine's time zone, or ``None`` if it cannot be told."""
    try:
        import tzlocal

        # tzlocal caches the zone per process; read it afresh so that a TZ
        # set by the caller (a test, an embedding program) is honoured.
        tzlocal.reload_localzone()
        name = tzlocal.get_localzone_name()
    except Exception:  # tzlocal raises several kinds on a misconfigured machine
        return None
    return name or None


def parse_tz(text: str | None, field: str = "--tz") -> str:
    """An IANA time zone name checked against the zone database; ``None`` = the local zone."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if text is None or not text.strip():
        check_tz_environment()
        name = local_zone_name()
        if name is None:
            raise InputError(
                field, "cannot tell this machine's time zone; give one such as Europe/Berlin"
            )
    else:
        name = text.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise InputError(
            field,
            f"{quoted(name)} is not a known time zone; use an IANA name such as Europe/Berlin",
        ) from None
    return name


@dataclass(frozen=True)
class ReminderSpec:
    """When the premedication alarm fires: ``before`` the start, or ``at`` a clock time."""

    before: timedelta | None = None
    at: dt.time | None = None

    def __post_init__(self) -> None:
        if (self.before is None) == (self.at is None):
            raise ValueError("give exactly one of before and at")


def parse_reminder(text: str, field: str = "--reminder") -> ReminderSpec:
    """``30m``, ``1h``, ``1h30m``, ``1d`` (before the start) or ``07:30`` (on the day)."""
    s = text.strip().lower().replace(" ", "")
    if _TIME_RE.fullmatch(s):
        return ReminderSpec(at=parse_time(s, field))
    m = _DURATION_RE.fullmatch(s)
    if not s or m is None:
        raise InputError(field, f"{quoted(text)} is not allowed; use {REMINDER_SYNTAX}")
    before = timedelta(days=int(m["d"] or 0), hours=int(m["h"] or 0), minutes=int(m["m"] or 0))
    if before > timedelta(days=rules.MAX_REMINDER_DAYS):
        raise InputError(
            field, f"{quoted(text)} is too early; at most {rules.MAX_REMINDER_DAYS} days before"
        )
    return ReminderSpec(before=before)


def dtstamp_from_env(env: Mapping[str, str] | None = None) -> dt.datetime:
    """``SOURCE_DATE_EPOCH`` (seconds since 1970, UTC) if set, else now, in UTC, to the second."""
    env = os.environ if env is None else env
    text = env.get("SOURCE_DATE_EPOCH")
    if text is not None and text.strip():
        s = text.strip()
        if not s.isascii() or not s.isdigit() or len(s) > 11:
            raise InputError(
                "SOURCE_DATE_EPOCH", f"{quoted(text)} is not allowed; use whole seconds since 1970"
            )
        return dt.datetime.fromtimestamp(int(s), dt.timezone.utc)
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


@dataclass(frozen=True)
class IcsOptions:
    """How to write the calendar. ``time`` set means timed events in zone ``tz``."""

    dtstamp: dt.datetime
    time: dt.time | None = None
    tz: str | None = None
    location: str | None = None
    reminder: ReminderSpec | None = None  # None: the default (rules)
    reminders: bool = True
    lab_events: bool = False
    followup_events: bool = False
    show_id: bool = False
    #: The site key for :func:`uid` (:mod:`inoplan.inputs.uid_key`); kept out of ``repr``.
    uid_key: bytes = field(kw_only=True, repr=False)

    def __post_init__(self) -> None:
        if len(self.uid_key) < 16:
            raise ValueError("the UID key must hold at least 16 bytes")
        if self.time is not None and self.tz is None:
            raise ValueError("a timed calendar needs a time zone")
        if self.dtstamp.utcoffset() != timedelta(0):
            raise ValueError("DTSTAMP must be in UTC")


def options_from_strings(
    *,
    time: str | None = None,
    tz: str | None = None,
    location: str | None = None,
    reminder: str | None = None,
    no_reminders: bool = False,
    lab_events: bool = False,
    followup_events: bool = False,
    show_id: bool = False,
    uid_key: bytes,
    env: Mapping[str, str] | None = None,
) -> IcsOptions:
    """The calendar options as typed (``--time 09:30``, ...), parsed and checked.

    The zone is looked up only when it matters: with a time, or when given.
    """
    if reminder is not None and no_reminders:
        raise InputError("--reminder", "cannot be combined with --no-reminders")
    when = None if time is None else parse_time(time, "--time")
    return IcsOptions(
        dtstamp=dtstamp_from_env(env),
        time=when,
        tz=parse_tz(tz, "--tz") if when is not None or tz is not None else None,
        location=parse_location(location, "--location") if location is not None else None,
        reminder=None if reminder is None else parse_reminder(reminder),
        reminders=not no_reminders,
        lab_events=lab_events,
        followup_events=followup_events,
        show_id=show_id,
        uid_key=uid_key,
    )
