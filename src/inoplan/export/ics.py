"""The plan as an iCalendar file (RFC 5545), for the calendar a clinic already uses.

Built with the ``icalendar`` library; this module is imported only when a
calendar is asked for. One ``VEVENT`` per infusion: all-day by default, or a
timed event of the infusion plus the observation hour with a ``TZID`` and a
matching ``VTIMEZONE``. Optional events for the pre-dose blood tests and the
follow-up (contraception, breastfeeding) end dates.

Identity and privacy: every ``UID`` is a truncated HMAC-SHA256, keyed with the
site key (:mod:`inoplan.inputs.uid_key`), of the patient id (or, without one, of the
plan's start date), the event kind, the cycle and the day, so exporting the
same plan again updates the events in a calendar instead of duplicating them,
and without the key no UID can be traced back to an id, not even by hashing
every possible id. The patient id is written only when asked for (``show_id``).
``DTSTAMP`` is passed in, never read from the clock here, so output can be made
byte-identical.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from inoplan import __version__
from inoplan.domain import rules
from inoplan.domain.errors import InputError, quoted
from inoplan.domain.plan import Dose, Plan
from inoplan.domain.rules import Response

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from icalendar import Alarm, Calendar, Event, Timezone

PRODID = f"-//inoplan//inoplan {__version__}//EN"
DRUG = "Inotuzumab ozogamicin"
UID_DOMAIN = "inoplan"
UID_HEX_CHARS = 32  # 128 bits of HMAC-SHA256

_TIME_RE = re.compile(r"(?P<h>[0-9]{1,2}):(?P<m>[0-9]{2})", re.ASCII)
_DURATION_RE = re.compile(
    r"(?:(?P<d>[0-9]{1,3})d)?(?:(?P<h>[0-9]{1,4})h)?(?:(?P<m>[0-9]{1,5})m)?", re.ASCII
)

REMINDER_SYNTAX = (
    "a time before the infusion such as 30m, 1h, 1h30m or 1d, or a clock time on the "
    "day of the infusion such as 07:30"
)


# --- parsing options ------------------------------------------------------------------


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


# --- building the calendar ------------------------------------------------------------


def uid(plan: Plan, key: bytes, kind: str, cycle: int = 0, day: int = 0) -> str:
    """A stable UID that reveals nothing without ``key``.

    HMAC-SHA256(key, identity, kind, cycle, day), truncated: the same key gives
    the same UIDs on every export and re-plan; another key gives other UIDs.
    """
    pid = plan.request.patient_id
    identity = f"id:{pid}" if pid else f"start:{plan.request.start.isoformat()}"
    message = f"inoplan\x1f{identity}\x1f{kind}\x1f{cycle}\x1f{day}".encode()
    digest = hmac.new(key, message, hashlib.sha256)
    return f"{digest.hexdigest()[:UID_HEX_CHARS]}@{UID_DOMAIN}"


def _local(day: date, at: dt.time, tz: ZoneInfo, field: str) -> dt.datetime:
    """``day`` at ``at`` in ``tz``; refuse a time skipped or repeated by a clock change."""
    naive = dt.datetime.combine(day, at)
    first = naive.replace(tzinfo=tz)
    second = naive.replace(tzinfo=tz, fold=1)
    round_trip = first.astimezone(dt.timezone.utc).astimezone(tz).replace(tzinfo=None)
    if round_trip != naive:
        raise InputError(
            field,
            f"{at:%H:%M} does not exist in {tz.key} on {day.isoformat()} (clocks change "
            "that night); choose another time",
        )
    if first.utcoffset() != second.utcoffset():
        raise InputError(
            field,
            f"{at:%H:%M} happens twice in {tz.key} on {day.isoformat()} (clocks change "
            "that night); choose another time",
        )
    return first


def dose_summary(dose: Dose, prefix: str) -> str:
    """``Inotuzumab ozogamicin C2D8 - 0.91 mg (0.5 mg/m2)``."""
    return f"{prefix}{DRUG} {dose.label} - {dose.mg} mg ({dose.mg_per_m2} mg/m2)"


def dose_description(plan: Plan, dose: Dose, pid_line: str | None) -> str:
    bsa = plan.bsa
    lines = []
    if pid_line:
        lines.append(pid_line)
    lines += [
        f"{DRUG}, cycle {dose.cycle} day {dose.day}, {dose.date:%a} {dose.date.isoformat()}",
        *(
            [f"Moved from {dose.planned_date:%a} {dose.planned_date.isoformat()}"]
            if dose.planned_date is not None and dose.planned_date != dose.date
            else []
        ),
        f"Dose: {dose.mg} mg = {dose.mg_per_m2} mg/m2 x BSA {plan.bsa_for(dose)} m2",
        f"BSA: {bsa.working}",
        f"Infusion over {rules.INFUSION_MINUTES} minutes, then observation.",
        "",
        "Each dose:",
        *(f"- {r.display}" for r in rules.DOSE_REMINDERS),
    ]
    if dose.cycle == 1 and dose.day == 1 and plan.reminders:
        lines += ["", "Before starting:", *(f"- {r.display}" for r in plan.reminders)]
    if dose.notes:
        lines += ["", "Notes:", *(f"- {n}" for n in dose.notes)]
    if plan.warnings:
        lines += ["", "WARNINGS:", *(f"- {w}" for w in plan.warnings)]
    lines += ["", f"{rules.BOXED_WARNING_TITLE}: see the plan.", "", _footer()]
    return "\n".join(lines)


def _footer() -> str:
    return (
        f"Planned by inoplan {__version__} (rules: {rules.LABEL_REVISION}). Decision support "
        "only: check every dose and date against the current prescribing information."
    )


@lru_cache(maxsize=1024)
def _vtimezone(tzid: str, first: date, last: date) -> Timezone:
    from icalendar import Timezone

    return Timezone.from_tzid(tzid, first_date=first, last_date=last)


def _event(plan: Plan, options: IcsOptions, kind: str, cycle: int, day: int, seq: int) -> Event:
    from icalendar import Event

    event = Event()
    event.add("uid", uid(plan, options.uid_key, kind, cycle, day))
    event.add("dtstamp", options.dtstamp)
    event.add("sequence", seq)
    return event


def _all_day(event: Event, day: date) -> None:
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("transp", "TRANSPARENT")


def _alarm(trigger: timedelta, text: str) -> Alarm:
    from icalendar import Alarm

    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", text)
    alarm.add("trigger", trigger)
    return alarm


def _trigger(
    spec: ReminderSpec, day: date, start: dt.datetime | None, tz: ZoneInfo | None
) -> timedelta:
    """The alarm's offset from the event start (negative = before)."""
    if start is None:  # all-day: the start is midnight of the infusion day
        if spec.at is not None:
            return timedelta(hours=spec.at.hour, minutes=spec.at.minute)
        assert spec.before is not None
        return -spec.before
    if spec.before is not None:
        return -spec.before
    assert spec.at is not None and tz is not None
    if spec.at > start.time():
        raise InputError(
            "--reminder",
            f"{spec.at:%H:%M} is after the infusion time {start:%H:%M}; the premedication "
            "reminder must come before the infusion",
        )
    alarm_at = _local(day, spec.at, tz, "--reminder")
    return alarm_at.astimezone(dt.timezone.utc) - start.astimezone(dt.timezone.utc)


def build_calendar(plan: Plan, options: IcsOptions, time_field: str = "--time") -> Calendar:
    """The plan as an :class:`icalendar.Calendar`; ``time_field`` names the time in errors."""
    from zoneinfo import ZoneInfo

    from icalendar import Calendar

    pid = plan.request.patient_id
    if options.show_id and not pid:
        raise InputError("--ics-show-id", "needs a patient id (--patient-id)")
    show = options.show_id and pid is not None
    prefix = f"{pid}: " if show else ""
    pid_line = f"Patient id: {pid}" if show else None

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{prefix}{DRUG} plan")

    tz = ZoneInfo(options.tz) if options.time is not None and options.tz else None
    if tz is not None:
        cal.add("x-wr-timezone", tz.key)

    spec = options.reminder
    if spec is None:
        spec = (
            ReminderSpec(at=dt.time(*rules.DEFAULT_ALL_DAY_REMINDER_AT))
            if tz is None
            else ReminderSpec(before=timedelta(minutes=rules.DEFAULT_TIMED_REMINDER_MINUTES))
        )
    length = timedelta(minutes=rules.INFUSION_MINUTES + rules.OBSERVATION_MINUTES)
    categories = list(rules.ICS_CATEGORIES)

    for dose in plan.doses:
        if options.lab_events:
            lab = _event(plan, options, "lab", dose.cycle, dose.day, dose.sequence)
            lab_day = dose.date - timedelta(days=rules.LAB_EVENT_DAYS_BEFORE)
            _all_day(lab, lab_day)
            lab.add("summary", f"{prefix}Blood tests before {DRUG} {dose.label}")
            lab.add(
                "description",
                "\n".join(
                    [
                        *([pid_line] if pid_line else []),
                        f"Before the {dose.label} infusion on {dose.date:%a} "
                        f"{dose.date.isoformat()}:",
                        f"- {rules.BLOOD_COUNT.display}",
                        f"- {rules.LIVER_TESTS.display}",
                        "",
                        _footer(),
                    ]
                ),
            )
            lab.add("categories", categories)
            if options.location:
                lab.add("location", options.location)
            cal.add_component(lab)

        event = _event(plan, options, "dose", dose.cycle, dose.day, dose.sequence)
        start: dt.datetime | None = None
        if tz is not None and options.time is not None:
            start = _local(dose.date, options.time, tz, time_field)
            event.add("dtstart", start)
            event.add("dtend", start + length)
        else:
            _all_day(event, dose.date)
        event.add("summary", dose_summary(dose, prefix))
        event.add("description", dose_description(plan, dose, pid_line))
        event.add("categories", categories)
        if options.location:
            event.add("location", options.location)
        if options.reminders:
            event.add_component(
                _alarm(
                    _trigger(spec, dose.date, start, tz),
                    f"{prefix}{DRUG} {dose.label}: {rules.PREMEDICATION.display}",
                )
            )
        cal.add_component(event)

    # Doses a re-plan no longer gives keep their UID with STATUS:CANCELLED and a
    # raised SEQUENCE, so a calendar that imported the earlier plan removes them
    # (a calendar never deletes an event only because a new file lacks it).
    for dose in plan.omitted:
        kinds = ("dose", "lab") if options.lab_events else ("dose",)
        for kind in kinds:
            event = _event(plan, options, kind, dose.cycle, dose.day, dose.sequence)
            day = dose.date
            if kind == "lab":
                day = dose.date - timedelta(days=rules.LAB_EVENT_DAYS_BEFORE)
            if kind == "dose" and tz is not None and options.time is not None:
                start = _local(dose.date, options.time, tz, time_field)
                event.add("dtstart", start)
                event.add("dtend", start + length)
            else:
                _all_day(event, day)
            what = "infusion" if kind == "dose" else "blood tests"
            event.add("status", "CANCELLED")
            event.add("summary", f"{prefix}Cancelled: {DRUG} {dose.label} {what}")
            event.add(
                "description",
                "\n".join([*([pid_line] if pid_line else []), *dose.notes, "", _footer()]),
            )
            event.add("categories", categories)
            cal.add_component(event)

    if options.followup_events:
        follow = plan.followup
        last = plan.last_dose
        seq = plan.doses[-1].sequence
        items = (
            (
                "followup-contraception-female",
                follow.contraception_female_until,
                "contraception period ends (female patients)",
                f"Females of reproductive potential: effective contraception during "
                f"treatment and for at least {rules.CONTRACEPTION_FEMALE_MONTHS} months "
                "after the last dose.",
            ),
            (
                "followup-contraception-male",
                follow.contraception_male_until,
                "contraception period ends (male patients)",
                "Males with female partners of reproductive potential: effective "
                f"contraception during treatment and for at least "
                f"{rules.CONTRACEPTION_MALE_MONTHS} months after the last dose.",
            ),
            (
                "followup-breastfeeding",
                follow.no_breastfeeding_until,
                "no-breastfeeding period ends",
                "No breastfeeding during treatment and for at least "
                f"{rules.NO_BREASTFEEDING_MONTHS} months after the last dose.",
            ),
        )
        partial = (
            [f"Not the end of treatment: {plan.limit.reason}. These dates move when later "
             "cycles are planned."]
            if plan.request.response is Response.PENDING
            else []
        )  # fmt: skip
        for kind, day, what, text in items:
            event = _event(plan, options, kind, 0, 0, seq)
            _all_day(event, day)
            event.add("summary", f"{prefix}{DRUG}: {what}")
            event.add(
                "description",
                "\n".join(
                    [
                        *([pid_line] if pid_line else []),
                        text,
                        f"Counted in calendar months from the planned last dose on "
                        f"{last:%a} {last.isoformat()}; recount if the course changes.",
                        *partial,
                        "",
                        _footer(),
                    ]
                ),
            )
            event.add("categories", categories)
            cal.add_component(event)

    if tz is not None and any(
        "TZID" in ev["DTSTART"].params for ev in cal.walk("VEVENT") if "DTSTART" in ev
    ):
        # One zone, before the events, bounded to the calendar months of the plan's
        # doses: the VTIMEZONE carries the transitions the events need and few others,
        # and plans of the same months share one (cached) zone in a batch run.
        # (UTC times are written with a Z and need none.)
        first = plan.first_dose.replace(day=1)
        last = (plan.last_dose.replace(day=28) + timedelta(days=4)).replace(day=1)
        cal.subcomponents.insert(0, _vtimezone(tz.key, first, last))
    return cal


def render(plan: Plan, options: IcsOptions, time_field: str = "--time") -> bytes:
    """The plan as iCalendar bytes: UTF-8, CRLF line ends, lines folded at 75 octets."""
    return bytes(build_calendar(plan, options, time_field).to_ical())
