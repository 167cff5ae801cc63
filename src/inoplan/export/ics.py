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

The options (``--time``, ``--tz``, ``--reminder``, ...) are parsed in
:mod:`inoplan.export.ics_options`; their names are re-exported here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from datetime import date, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from inoplan import __version__
from inoplan.domain import rules
from inoplan.domain.errors import InputError
from inoplan.domain.plan import Dose, Plan, weekday
from inoplan.domain.rules import Response
from inoplan.export import ics_text
from inoplan.export.ics_options import (
    REMINDER_SYNTAX,
    IcsOptions,
    ReminderSpec,
    check_tz_environment,
    dtstamp_from_env,
    local_zone_name,
    options_from_strings,
    parse_location,
    parse_reminder,
    parse_time,
    parse_tz,
)
from inoplan.export.ics_text import Part

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from icalendar import Calendar, Timezone

__all__ = [
    "DRUG",
    "PRODID",
    "REMINDER_SYNTAX",
    "IcsOptions",
    "ReminderSpec",
    "build_calendar",
    "check_tz_environment",
    "describe",
    "dose_description",
    "dose_summary",
    "dtstamp_from_env",
    "local_zone_name",
    "options_from_strings",
    "parse_location",
    "parse_reminder",
    "parse_time",
    "parse_tz",
    "render",
    "uid",
]

PRODID = f"-//inoplan//inoplan {__version__}//EN"
DRUG = "Inotuzumab ozogamicin"
UID_DOMAIN = "inoplan"
UID_HEX_CHARS = 32  # 128 bits of HMAC-SHA256

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
        f"{DRUG}, cycle {dose.cycle} day {dose.day}, {weekday(dose.date)} {dose.date.isoformat()}",
        *(
            [f"Moved from {weekday(dose.planned_date)} {dose.planned_date.isoformat()}"]
            if dose.planned_date is not None and dose.planned_date != dose.date
            else []
        ),
        f"Dose: {dose.mg} mg = {dose.mg_per_m2} mg/m2 x BSA {plan.bsa_for(dose)} m2",
        f"BSA: {bsa.working}",
        f"Infusion over {rules.INFUSION_MINUTES} minutes, then observation.",
        "",
        "Each dose:",
        *_each_dose(),
    ]
    if dose.cycle == 1 and dose.day == 1 and plan.reminders:
        lines += ["", "Before starting:", *(f"- {r.display}" for r in plan.reminders)]
    if dose.notes:
        lines += ["", "Notes:", *(f"- {n}" for n in dose.notes)]
    if plan.warnings:
        lines += ["", "WARNINGS:", *(f"- {w}" for w in plan.warnings)]
    lines += ["", f"{rules.BOXED_WARNING_TITLE}: see the plan.", "", _footer()]
    return "\n".join(lines)


@lru_cache(maxsize=1)
def _each_dose() -> tuple[str, ...]:
    """The reminders every dose's description repeats: built once, not once per dose."""
    return tuple(f"- {r.display}" for r in rules.DOSE_REMINDERS)


@lru_cache(maxsize=1)
def _footer() -> str:
    return (
        f"Planned by inoplan {__version__} (rules: {rules.LABEL_REVISION}). Decision support "
        "only: check every dose and date against the current prescribing information."
    )


@lru_cache(maxsize=1024)
def _vtimezone(tzid: str, first: date, last: date) -> Timezone:
    from icalendar import Timezone

    return Timezone.from_tzid(tzid, first_date=first, last_date=last)


def _event(plan: Plan, options: IcsOptions, kind: str, cycle: int, day: int, seq: int) -> Part:
    event = Part("VEVENT")
    event.add("uid", uid(plan, options.uid_key, kind, cycle, day))
    event.add("dtstamp", options.dtstamp)
    event.add("sequence", seq)
    return event


def _all_day(event: Part, day: date) -> None:
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("transp", "TRANSPARENT")


def _alarm(trigger: timedelta, text: str) -> Part:
    alarm = Part("VALARM")
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


def describe(
    plan: Plan, options: IcsOptions, time_field: str = "--time"
) -> tuple[Part, tuple[str, date, date] | None]:
    """The calendar as :class:`Part` records, and its VTIMEZONE's ``(zone, first, last)``.

    The VTIMEZONE is asked for whenever events are timed in ``options.tz``;
    each writer adds it only where an event's start carries a ``TZID`` (UTC
    times are written with a Z and need none). ``time_field`` names the time
    in errors.
    """
    from zoneinfo import ZoneInfo

    pid = plan.request.patient_id
    if options.show_id and not pid:
        raise InputError("--ics-show-id", "needs a patient id (--patient-id)")
    show = options.show_id and pid is not None
    prefix = f"{pid}: " if show else ""
    pid_line = f"Patient id: {pid}" if show else None

    cal = Part("VCALENDAR")
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
                        f"Before the {dose.label} infusion on {weekday(dose.date)} "
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
                        f"{weekday(last)} {last.isoformat()}; recount if the course changes.",
                        *partial,
                        "",
                        _footer(),
                    ]
                ),
            )
            event.add("categories", categories)
            cal.add_component(event)

    zone = None
    if tz is not None:
        # One zone, before the events, bounded to the calendar months of the plan's
        # doses: the VTIMEZONE carries the transitions the events need and few others,
        # and plans of the same months share one (cached) zone in a batch run.
        first = plan.first_dose.replace(day=1)
        last = (plan.last_dose.replace(day=28) + timedelta(days=4)).replace(day=1)
        zone = (tz.key, first, last)
    return cal, zone


def build_calendar(plan: Plan, options: IcsOptions, time_field: str = "--time") -> Calendar:
    """The plan as an :class:`icalendar.Calendar`; ``time_field`` names the time in errors."""
    from icalendar import Alarm, Calendar, Event

    part, zone = describe(plan, options, time_field)
    classes = {"VCALENDAR": Calendar, "VEVENT": Event, "VALARM": Alarm}

    def build(p: Part) -> Any:
        component = classes[p.name]()
        for name, value in p.props:
            component.add(name, value)
        for sub in p.subs:
            component.add_component(build(sub))
        return component

    cal: Calendar = build(part)
    if zone is not None and any(
        "TZID" in ev["DTSTART"].params for ev in cal.walk("VEVENT") if "DTSTART" in ev
    ):
        cal.subcomponents.insert(0, _vtimezone(*zone))
    return cal


@lru_cache(maxsize=1024)
def _vtimezone_text(tzid: str, first: date, last: date) -> bytes:
    return bytes(_vtimezone(tzid, first, last).to_ical())


def render(plan: Plan, options: IcsOptions, time_field: str = "--time") -> bytes:
    """The plan as iCalendar bytes: UTF-8, CRLF line ends, lines folded at 75 octets.

    Written by :func:`inoplan.export.ics_text.write`, byte for byte what
    ``build_calendar(...).to_ical()`` gives, several times faster; anything
    that writer does not know goes through ``icalendar``.
    """
    part, zone = describe(plan, options, time_field)
    vtimezone = None
    if zone is not None and ics_text.has_zoned_start(part):
        vtimezone = _vtimezone_text(*zone)
    try:
        return ics_text.write(part, vtimezone)
    except ics_text.Unsupported:  # pragma: no cover - every value inoplan writes is known
        return bytes(build_calendar(plan, options, time_field).to_ical())
