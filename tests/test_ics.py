"""ICS export: read back with parsers that are not the writer.

Two readers check every file: a small RFC 5545 reader written here (line
unfolding, content lines, components, text escapes) for the wire format and
content, and ``dateutil.tz.tzical`` for the time zone arithmetic: it turns the
file's own VTIMEZONE into UTC offsets, as a calendar application does, so a
wrong VTIMEZONE shows up as a wrong instant.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from dateutil.tz import tzical
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from inoplan.cli.app import app
from inoplan.domain.errors import InputError
from inoplan.domain.plan import make_plan
from inoplan.export import ics, ics_options
from inoplan.inputs.plan_request import request_from_strings

EPOCH = "1790000000"  # 2026-09-21T14:13:20Z
DTSTAMP = "20260921T141320Z"
UTC = dt.timezone.utc
KEY = b"a site key of thirty-two bytes!!"


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    full_env = {"SOURCE_DATE_EPOCH": EPOCH, **(env or {})}
    return CliRunner().invoke(app, list(args), env=full_env, prog_name="inoplan")


# --- an independent RFC 5545 reader ---------------------------------------------------


@dataclass
class Prop:
    name: str
    params: dict[str, str]
    value: str

    @property
    def text(self) -> str:
        """The value with TEXT escapes undone (RFC 5545 3.3.11)."""
        return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], self.value)


@dataclass
class Comp:
    name: str
    props: list[Prop] = field(default_factory=list)
    children: list[Comp] = field(default_factory=list)

    def all(self, name: str) -> list[Prop]:
        return [p for p in self.props if p.name == name]

    def one(self, name: str) -> Prop:
        found = self.all(name)
        assert len(found) == 1, f"{self.name} has {len(found)} {name}"
        return found[0]

    def kids(self, name: str) -> list[Comp]:
        return [c for c in self.children if c.name == name]


def physical_lines(raw: bytes) -> list[bytes]:
    """Split on CRLF, checking there is no other line break."""
    assert raw.endswith(b"\r\n"), "the file must end with CRLF"
    lines = raw[:-2].split(b"\r\n")
    for line in lines:
        assert b"\n" not in line and b"\r" not in line, f"bare line break in {line!r}"
    return lines


def unfold(raw: bytes) -> list[str]:
    out: list[bytes] = []
    for line in physical_lines(raw):
        if line[:1] in (b" ", b"\t"):
            out[-1] += line[1:]
        else:
            out.append(line)
    return [line.decode("utf-8") for line in out]


def parse_content_line(line: str) -> Prop:
    m = re.match(r"[A-Za-z0-9-]+", line)
    assert m, line
    name, rest = m[0].upper(), line[m.end() :]
    params: dict[str, str] = {}
    while rest.startswith(";"):
        pm = re.match(r';([A-Za-z0-9-]+)=("[^"]*"|[^";:,]*)', rest)
        assert pm, line
        params[pm[1].upper()] = pm[2].strip('"')
        rest = rest[pm.end() :]
    assert rest.startswith(":"), line
    return Prop(name, params, rest[1:])


def parse(raw: bytes) -> Comp:
    stack: list[Comp] = []
    root: Comp | None = None
    for line in unfold(raw):
        prop = parse_content_line(line)
        if prop.name == "BEGIN":
            comp = Comp(prop.value)
            if stack:
                stack[-1].children.append(comp)
            stack.append(comp)
        elif prop.name == "END":
            done = stack.pop()
            assert done.name == prop.value
            if not stack:
                root = done
        else:
            stack[-1].props.append(prop)
    assert root is not None and not stack
    return root


def duration(text: str) -> timedelta:
    m = re.fullmatch(r"([+-])?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?", text)
    assert m, text
    d = timedelta(
        weeks=int(m[2] or 0),
        days=int(m[3] or 0),
        hours=int(m[4] or 0),
        minutes=int(m[5] or 0),
        seconds=int(m[6] or 0),
    )
    return -d if m[1] == "-" else d


def check_wire_format(raw: bytes) -> Comp:
    """CRLF, <= 75 octets a line, no split UTF-8 character, required properties, TZIDs."""
    for line in physical_lines(raw):
        assert len(line) <= 75, f"{len(line)} octets: {line!r}"
        line.decode("utf-8")  # a fold must not split a multi-octet character
    cal = parse(raw)
    assert cal.name == "VCALENDAR"
    assert cal.one("VERSION").value == "2.0"
    assert cal.one("PRODID").value
    assert cal.one("CALSCALE").value == "GREGORIAN"
    assert cal.one("METHOD").value == "PUBLISH"
    assert cal.one("X-WR-CALNAME").text
    defined = {tz.one("TZID").value for tz in cal.kids("VTIMEZONE")}
    events = cal.kids("VEVENT")
    assert events
    uids = set()
    for ev in events:
        for name in ("UID", "DTSTAMP", "DTSTART", "SUMMARY", "SEQUENCE"):
            ev.one(name)
        uids.add(ev.one("UID").value)
        assert re.fullmatch(r"\d{8}T\d{6}Z", ev.one("DTSTAMP").value)
        for prop in ev.props:
            if "TZID" in prop.params:
                assert prop.params["TZID"] in defined, f"TZID {prop.params['TZID']} undefined"
        for alarm in ev.kids("VALARM"):
            assert alarm.one("ACTION").value == "DISPLAY"
            assert alarm.one("DESCRIPTION").text
            duration(alarm.one("TRIGGER").value)
    assert len(uids) == len(events), "UIDs must be unique"
    # Every VTIMEZONE is there because an event uses it.
    used = {p.params["TZID"] for ev in events for p in ev.props if "TZID" in p.params}
    assert defined == used
    return cal


def export(*extra: str, start: str = "2026-12-01", env: dict[str, str] | None = None) -> bytes:
    result = invoke(
        "schedule", "--start", start, "--height", "170", "--weight", "70", "--response", "cr",
        "--format", "ics", *extra, env=env,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return result.stdout_bytes


# --- the worked example, all-day ----------------------------------------------------

# 170 cm, 70 kg, Mosteller: sqrt(170 x 70 / 3600) = sqrt(3.3056) = 1.8181 -> 1.82 m2.
# C1D1 0.8 x 1.82 = 1.456 -> 1.46 mg; every other dose 0.5 x 1.82 = 0.91 mg (CR).
# Cycle 1 is 21 days, later cycles 28, 6 cycles without HSCT:
# C1 2026-12-01, C2 12-22, C3 2027-01-19, C4 02-16, C5 03-16, C6 04-13; doses on +0/+7/+14.
CYCLE_STARTS = [
    date(2026, 12, 1), date(2026, 12, 22), date(2027, 1, 19),
    date(2027, 2, 16), date(2027, 3, 16), date(2027, 4, 13),
]  # fmt: skip
EXPECTED = [
    (c + 1, day, start + timedelta(days=day - 1), "1.46" if (c, day) == (0, 1) else "0.91",
     "0.8" if (c, day) == (0, 1) else "0.5")
    for c, start in enumerate(CYCLE_STARTS) for day in (1, 8, 15)
]  # fmt: skip


def test_all_day_events_match_the_hand_worked_plan() -> None:
    cal = check_wire_format(export())
    events = cal.kids("VEVENT")
    assert len(events) == 18
    assert not cal.kids("VTIMEZONE")  # all-day events need no zone
    for ev, (cycle, day, when, mg, per_m2) in zip(events, EXPECTED, strict=True):
        assert ev.one("SUMMARY").text == (
            f"Inotuzumab ozogamicin C{cycle}D{day} - {mg} mg ({per_m2} mg/m2)"
        )
        start = ev.one("DTSTART")
        assert start.params == {"VALUE": "DATE"}
        assert start.value == when.strftime("%Y%m%d")
        assert ev.one("DTEND").value == (when + timedelta(days=1)).strftime("%Y%m%d")
        desc = ev.one("DESCRIPTION").text
        assert f"Dose: {mg} mg = {per_m2} mg/m2 x BSA 1.82 m2" in desc
        assert "Premedicate before the dose" in desc
        assert "Complete blood count before each dose (verify against the current label)" in desc
        assert ev.one("DTSTAMP").value == DTSTAMP
        assert ev.one("SEQUENCE").value == "0"
        assert "Inotuzumab ozogamicin" in ev.one("CATEGORIES").text
        # Default alarm of an all-day infusion: 08:00 on the day = 8 h after its midnight.
        (alarm,) = ev.kids("VALARM")
        assert duration(alarm.one("TRIGGER").value) == timedelta(hours=8)
        assert (
            "corticosteroid, an antipyretic and an antihistamine" in alarm.one("DESCRIPTION").text
        )
    # The plan-level reminders (cytoreduction without a blast count, ECG) go with C1D1.
    assert "Cytoreduce" in events[0].one("DESCRIPTION").text
    assert "Cytoreduce" not in events[1].one("DESCRIPTION").text


def test_location_with_special_characters_survives_and_lines_stay_folded() -> None:
    place = (
        "Hämatologische Tagesklinik; Ebene 3, Raum 3.14 \N{EN DASH} Universitätsklinikum Süd " * 2
    )
    cal = check_wire_format(export("--location", place))
    for ev in cal.kids("VEVENT"):
        assert ev.one("LOCATION").text == place.strip()


# --- timed events across daylight-saving changes -------------------------------------


def instants(raw: bytes, name: str = "DTSTART") -> list[dt.datetime]:
    """Each event's ``name`` as an aware time, read through the file's own VTIMEZONEs."""
    text = "\r\n".join(unfold(raw))
    blocks = re.findall(r"BEGIN:VTIMEZONE\r\n.*?END:VTIMEZONE", text, flags=re.S)
    zones = {}
    for block in blocks:
        tzid = re.search(r"^TZID:(.*)$", block, flags=re.M)
        assert tzid
        zones[tzid[1].strip()] = tzical(io.StringIO(block)).get()
    out = []
    for ev in parse(raw).kids("VEVENT"):
        prop = ev.one(name)
        if prop.value.endswith("Z"):
            out.append(dt.datetime.strptime(prop.value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC))
        else:
            local = dt.datetime.strptime(prop.value, "%Y%m%dT%H%M%S")
            out.append(local.replace(tzinfo=zones[prop.params["TZID"]]))
    return out


@pytest.mark.parametrize(
    ("start", "expected_utc"),
    [
        # Berlin: CET (+1) until 2027-03-28 02:00, CEST (+2) after.
        # Doses 03-16, 03-23 at 09:30 CET = 08:30Z; 03-30 at 09:30 CEST = 07:30Z.
        ("2027-03-16", ["2027-03-16T08:30", "2027-03-23T08:30", "2027-03-30T07:30"]),
        # Back to CET on 2027-10-31 03:00. Doses 10-19, 10-26 at 09:30 CEST = 07:30Z;
        # 11-02 at 09:30 CET = 08:30Z.
        ("2027-10-19", ["2027-10-19T07:30", "2027-10-26T07:30", "2027-11-02T08:30"]),
    ],
)
def test_timed_events_keep_the_local_hour_across_a_dst_change(
    start: str, expected_utc: list[str]
) -> None:
    raw = export("--time", "09:30", "--tz", "Europe/Berlin", "--cycles", "1", start=start)
    cal = check_wire_format(raw)
    (tz,) = cal.kids("VTIMEZONE")
    assert tz.one("TZID").value == "Europe/Berlin"
    for ev in cal.kids("VEVENT"):
        assert ev.one("DTSTART").params == {"TZID": "Europe/Berlin"}
        assert ev.one("DTSTART").value.endswith("T093000")
        # Infusion 1 h + observation at least 1 h (spec 5 and 7): 09:30-11:30.
        assert ev.one("DTEND").value.endswith("T113000")
        (alarm,) = ev.kids("VALARM")
        assert duration(alarm.one("TRIGGER").value) == -timedelta(hours=1)

    # The offsets come from the file's own VTIMEZONE, as a client reads them.
    got = [t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M") for t in instants(raw)]
    assert got == expected_utc
    for start_at, end_at in zip(instants(raw), instants(raw, "DTEND"), strict=True):
        assert end_at.astimezone(UTC) - start_at.astimezone(UTC) == timedelta(hours=2)


def test_vtimezone_is_bounded_to_the_plan() -> None:
    # One cycle in March 2027: the October change of that year is not needed.
    raw = export("--time", "09:30", "--tz", "Europe/Berlin", "--cycles", "1", start="2027-03-16")
    (tz,) = parse(raw).kids("VTIMEZONE")
    starts = [p.value for sub in tz.children for p in sub.all("DTSTART")]
    assert all(s.startswith("2027") for s in starts)
    assert not any(s.startswith("202710") for s in starts)


def test_a_local_time_skipped_by_the_clock_change_is_refused() -> None:
    # Start 2027-03-14: C1D15 is 2027-03-28, when Berlin skips 02:00-03:00.
    result = invoke(
        "schedule", "--start", "2027-03-14", "--bsa", "1.82", "--response", "cr",
        "--cycles", "1", "--format", "ics", "--time", "02:30", "--tz", "Europe/Berlin",
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "--time: 02:30 does not exist in Europe/Berlin on 2027-03-28" in result.stderr


def test_default_zone_is_the_local_one() -> None:
    cal = parse(export("--time", "09:30", "--cycles", "1", env={"TZ": "Asia/Tokyo"}))
    assert cal.one("X-WR-TIMEZONE").value == "Asia/Tokyo"
    assert cal.kids("VEVENT")[0].one("DTSTART").params["TZID"] == "Asia/Tokyo"


# --- reminders ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "trigger"),
    [
        (["--reminder", "07:30"], timedelta(hours=7, minutes=30)),  # all-day: 07:30 that day
        (["--reminder", "1h30m"], -timedelta(hours=1, minutes=30)),  # before midnight
        (["--time", "09:30", "--tz", "UTC", "--reminder", "07:30"], -timedelta(hours=2)),
        (["--time", "09:30", "--tz", "UTC", "--reminder", "45m"], -timedelta(minutes=45)),
        (["--time", "09:30", "--tz", "UTC", "--reminder", "1d"], -timedelta(days=1)),
    ],
)
def test_reminder_option(args: list[str], trigger: timedelta) -> None:
    cal = check_wire_format(export(*args, "--cycles", "1"))
    for ev in cal.kids("VEVENT"):
        (alarm,) = ev.kids("VALARM")
        assert duration(alarm.one("TRIGGER").value) == trigger


def test_clock_time_reminder_on_a_dst_night_counts_real_hours() -> None:
    # 2027-03-28 in Berlin: 01:00 CET is 00:00Z, 09:30 CEST is 07:30Z -> 7 h 30 min before.
    raw = export(
        "--time", "09:30", "--tz", "Europe/Berlin", "--reminder", "01:00", "--cycles", "1",
        start="2027-03-14",
    )  # fmt: skip
    events = parse(raw).kids("VEVENT")
    assert events[2].one("DTSTART").value == "20270328T093000"
    trigger = duration(events[2].kids("VALARM")[0].one("TRIGGER").value)
    assert trigger == -timedelta(hours=7, minutes=30)
    # 2027-03-14, an ordinary night: 01:00 to 09:30 is 8 h 30 min.
    first = duration(events[0].kids("VALARM")[0].one("TRIGGER").value)
    assert first == -timedelta(hours=8, minutes=30)


def test_no_reminders() -> None:
    cal = check_wire_format(export("--no-reminders"))
    assert all(not ev.kids("VALARM") for ev in cal.kids("VEVENT"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--reminder", "soon"], "--reminder: 'soon' is not allowed; use a time before"),
        (["--reminder", "8d"], "--reminder: '8d' is too early; at most 7 days before"),
        (["--reminder", "25:00"], "--reminder: '25:00' is not a time"),
        (["--time", "09:00", "--tz", "UTC", "--reminder", "10:00"], "is after the infusion time"),
        (["--reminder", "1h", "--no-reminders"], "cannot be combined with --no-reminders"),
        (["--time", "9.30"], "--time: '9.30' is not a time; use 24-hour HH:MM"),
        (["--tz", "Mars/Olympus"], "--tz: 'Mars/Olympus' is not a known time zone"),
        (["--tz", "../../etc/passwd", "--time", "09:00"], "is not a known time zone"),
        (["--ics-show-id"], "--ics-show-id: needs a patient id (--patient-id)"),
    ],
)
def test_bad_calendar_options_give_one_line_and_exit_2(
    args: list[str], message: str, tmp_path: Path
) -> None:
    target = tmp_path / "plan.ics"
    result = invoke(
        "schedule", "--start", "2026-12-01", "--bsa", "1.82", "--response", "cr",
        "--format", "ics", "-o", str(target), *args,
    )  # fmt: skip
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stderr.count("\n") == 1
    assert not target.exists()


def test_calendar_options_need_format_ics() -> None:
    result = invoke("schedule", "--start", "2026-12-01", "--bsa", "1.82", "--lab-events")
    assert result.exit_code == 2
    assert "--lab-events: applies only to --format ics" in result.stderr


def test_bad_source_date_epoch() -> None:
    result = invoke(
        "schedule", "--start", "2026-12-01", "--bsa", "1.82", "--format", "ics",
        env={"SOURCE_DATE_EPOCH": "yesterday"},
    )  # fmt: skip
    assert result.exit_code == 2
    assert "SOURCE_DATE_EPOCH: 'yesterday' is not allowed" in result.stderr


# --- identity and privacy ------------------------------------------------------------


def test_same_plan_twice_is_byte_identical_and_only_dtstamp_moves() -> None:
    first = export("--patient-id", "MRN-4711")
    assert export("--patient-id", "MRN-4711") == first
    later = export("--patient-id", "MRN-4711", env={"SOURCE_DATE_EPOCH": "1800000000"})
    a, b = unfold(first), unfold(later)
    diff = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    assert diff and all(x.startswith("DTSTAMP:") and y.startswith("DTSTAMP:") for x, y in diff)


def test_uid_is_a_hash_never_the_raw_id() -> None:
    raw = export("--patient-id", "MRN-4711", "--lab-events", "--followup-events")
    assert b"4711" not in raw
    cal = check_wire_format(raw)
    for ev in cal.kids("VEVENT"):
        assert re.fullmatch(r"[0-9a-f]{32}@inoplan", ev.one("UID").value)
    other = parse(export("--patient-id", "MRN-4712"))
    mine = {e.one("UID").value for e in cal.kids("VEVENT")}
    assert mine.isdisjoint(e.one("UID").value for e in other.kids("VEVENT"))


def test_without_an_id_the_uid_follows_the_start_date() -> None:
    # A new weight re-plans the same course: same UIDs, so a calendar updates it.
    a = parse(export())
    b = parse(
        invoke(
            "schedule", "--start", "2026-12-01", "--height", "170", "--weight", "72",
            "--response", "cr", "--format", "ics",
        ).stdout_bytes
    )  # fmt: skip
    assert [e.one("UID").value for e in a.kids("VEVENT")] == [
        e.one("UID").value for e in b.kids("VEVENT")
    ]
    c = parse(export(start="2026-12-02"))
    assert {e.one("UID").value for e in a.kids("VEVENT")}.isdisjoint(
        e.one("UID").value for e in c.kids("VEVENT")
    )


def test_patient_id_shown_only_when_asked() -> None:
    cal = check_wire_format(export("--patient-id", "MRN-4711", "--ics-show-id"))
    assert cal.one("X-WR-CALNAME").text.startswith("MRN-4711")
    for ev in cal.kids("VEVENT"):
        assert ev.one("SUMMARY").text.startswith("MRN-4711: Inotuzumab ozogamicin C")
        assert "Patient id: MRN-4711" in ev.one("DESCRIPTION").text


def test_sequence_and_moves_come_from_the_dose() -> None:
    plan = make_plan(request_from_strings({"start": "2026-12-01", "bsa": "1.82", "response": "cr"}))
    moved = plan.cycles[0].doses[1]._replace(
        sequence=3,
        date=date(2026, 12, 9),
        planned_date=date(2026, 12, 8),
        notes=("moved one day (clinic closed)",),
    )
    first, _, third = plan.cycles[0].doses
    cycle = plan.cycles[0]._replace(doses=(first, moved, third))
    plan = plan._replace(cycles=(cycle, *plan.cycles[1:]))
    options = ics.IcsOptions(dtstamp=dt.datetime(2026, 1, 1, tzinfo=UTC), uid_key=KEY)
    events = parse(ics.render(plan, options)).kids("VEVENT")
    assert [e.one("SEQUENCE").value for e in events[:3]] == ["0", "3", "0"]
    assert events[1].one("DTSTART").value == "20261209"
    text = events[1].one("DESCRIPTION").text
    assert "Moved from Tue 2026-12-08" in text
    assert "- moved one day (clinic closed)" in text
    assert "Moved from" not in events[0].one("DESCRIPTION").text


# --- optional events ---------------------------------------------------------------


def test_lab_events_the_day_before_each_dose() -> None:
    cal = check_wire_format(export("--lab-events", "--cycles", "1"))
    events = cal.kids("VEVENT")
    labs = [e for e in events if e.one("SUMMARY").text.startswith("Blood tests")]
    # C1 doses 12-01, 12-08, 12-15 -> blood tests 11-30, 12-07, 12-14.
    assert [e.one("DTSTART").value for e in labs] == ["20261130", "20261207", "20261214"]
    for lab in labs:
        assert lab.one("DTSTART").params == {"VALUE": "DATE"}
        text = lab.one("DESCRIPTION").text
        assert "Complete blood count before each dose (verify against the current label)" in text
        assert "Liver tests before and after each dose" in text
        assert not lab.kids("VALARM")
    assert len(events) == 6


def test_followup_events_in_calendar_months_after_the_last_dose() -> None:
    cal = check_wire_format(export("--followup-events"))
    by_summary = {e.one("SUMMARY").text: e.one("DTSTART").value for e in cal.kids("VEVENT")}
    # Last dose C6D15 = 2027-04-13 + 14 = 2027-04-27. Female +8 months = 2027-12-27,
    # male +5 = 2027-09-27, breastfeeding +2 = 2027-06-27 (spec section 9).
    assert by_summary["Inotuzumab ozogamicin: contraception period ends (female patients)"] == (
        "20271227"
    )
    assert by_summary["Inotuzumab ozogamicin: contraception period ends (male patients)"] == (
        "20270927"
    )
    assert by_summary["Inotuzumab ozogamicin: no-breastfeeding period ends"] == "20270627"


# --- every event against the plan, for many plans -------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    start=st.dates(date(2024, 1, 1), date(2030, 12, 31)),
    bsa=st.decimals(Decimal("0.25"), Decimal("3.5"), places=2),
    response=st.sampled_from(["pending", "none", "cr", "cri"]),
    hour=st.integers(5, 20),
    tz=st.sampled_from(["Europe/Berlin", "America/New_York", "Australia/Sydney", "UTC"]),
)
def test_every_timed_event_matches_its_dose(
    start: date, bsa: Decimal, response: str, hour: int, tz: str
) -> None:
    plan = make_plan(
        request_from_strings({"start": start.isoformat(), "bsa": str(bsa), "response": response})
    )
    options = ics.IcsOptions(
        dtstamp=dt.datetime(2026, 1, 1, tzinfo=UTC), time=dt.time(hour, 15), tz=tz, uid_key=KEY
    )
    raw = ics.render(plan, options)
    cal = check_wire_format(raw)
    events = cal.kids("VEVENT")
    assert len(events) == len(plan.doses)
    from zoneinfo import ZoneInfo

    for ev, at, dose in zip(events, instants(raw), plan.doses, strict=True):
        suffix = "Z" if tz == "UTC" else ""
        assert ev.one("DTSTART").value == f"{dose.date:%Y%m%d}T{hour:02d}1500{suffix}"
        assert ev.one("SUMMARY").text.endswith(f" - {dose.mg} mg ({dose.mg_per_m2} mg/m2)")
        assert f"Dose: {dose.mg} mg = {dose.mg_per_m2} mg/m2 x BSA {plan.bsa.m2} m2" in (
            ev.one("DESCRIPTION").text
        )
        # The file's VTIMEZONE gives the same instant as the zone database.
        expected = dt.datetime.combine(dose.date, dt.time(hour, 15), ZoneInfo(tz))
        assert at.astimezone(UTC) == expected.astimezone(UTC)
        (alarm,) = ev.kids("VALARM")
        assert duration(alarm.one("TRIGGER").value) == -timedelta(hours=1)


def test_importing_the_cli_does_not_import_icalendar() -> None:
    code = "import sys, inoplan.cli.app; print('icalendar' in sys.modules, 'rich' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["False", "False"]


def test_written_file_is_the_same_as_stdout(tmp_path: Path) -> None:
    target = tmp_path / "plan.ics"
    result = invoke(
        "schedule", "--start", "2026-12-01", "--height", "170", "--weight", "70",
        "--response", "cr", "--format", "ics", "-o", str(target),
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert target.read_bytes() == export()


@given(days=st.integers(0, 7), hours=st.integers(0, 23), minutes=st.integers(0, 59))
def test_reminder_durations_read_back(days: int, hours: int, minutes: int) -> None:
    before = timedelta(days=days, hours=hours, minutes=minutes)
    text = (
        "".join(f"{n}{unit}" for n, unit in ((days, "d"), (hours, "h"), (minutes, "m")) if n)
        or "0m"
    )
    if before > timedelta(days=7):
        with pytest.raises(InputError, match="at most 7 days before"):
            ics.parse_reminder(text)
    else:
        assert ics.parse_reminder(text) == ics.ReminderSpec(before=before)


def test_unknown_local_zone_asks_for_tz(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ics_options, "local_zone_name", lambda: None)
    result = invoke(
        "schedule", "--start", "2026-12-01", "--bsa", "1.82", "--format", "ics", "--time", "09:00"
    )
    assert result.exit_code == 2
    assert result.stderr == (
        "inoplan: error: --tz: cannot tell this machine's time zone; give one such as "
        "Europe/Berlin\n"
    )


def test_followup_events_of_a_pending_plan_say_it_is_not_the_end() -> None:
    result = invoke(
        "schedule", "--start", "2026-12-01", "--bsa", "1.82", "--format", "ics",
        "--followup-events",
    )  # fmt: skip
    cal = check_wire_format(result.stdout_bytes)
    follow = [e for e in cal.kids("VEVENT") if "period ends" in e.one("SUMMARY").text]
    assert len(follow) == 3
    for ev in follow:
        assert "Not the end of treatment: response pending" in ev.one("DESCRIPTION").text
    # Cycle 1 only: last dose C1D15 = 2026-12-15; +2 months = 2027-02-15.
    assert follow[2].one("DTSTART").value == "20270215"


def test_plan_warnings_go_into_every_infusion_event() -> None:
    # 170 cm, 70 kg: 1.82 m2 capped to 1.5 m2 -> C1D1 0.8 x 1.5 = 1.2 mg, with the warning.
    cal = check_wire_format(export("--bsa-cap", "1.5", "--cycles", "1"))
    events = cal.kids("VEVENT")
    assert events[0].one("SUMMARY").text == "Inotuzumab ozogamicin C1D1 - 1.20 mg (0.8 mg/m2)"
    for ev in events:
        text = ev.one("DESCRIPTION").text
        assert "WARNINGS:\n- BSA capped: ASCO guidance" in text
        assert "(BSA 1.82 m2 capped to 1.50 m2)" in text
