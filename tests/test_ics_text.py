"""The direct calendar writer gives icalendar's own bytes.

``inoplan.export.ics.render`` writes iCalendar text itself, for speed; the
calendar apps and the tests' independent reader were checked against
``icalendar``'s output. Here the two are compared for generated text, plans
and calendar options: any difference in escaping, folding, property order,
dates, zones or alarms fails.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import vText
from icalendar.parser import Contentline

from inoplan.domain.clinic import plan_course
from inoplan.domain.errors import InputError
from inoplan.export import ics, ics_text
from inoplan.inputs.clock import today
from inoplan.inputs.plan_request import request_from_strings

KEY = b"a test site key of 32 bytes....."
STAMP = dt.datetime(2026, 9, 21, 14, 13, 20, tzinfo=dt.timezone.utc)

# Lines with what folding must respect: escapes (\ and ^), multi-octet characters.
line_text = st.text(
    st.one_of(st.sampled_from(list('ab ,;:\\^"é€😀')), st.characters(exclude_categories=["Cs"])),
    max_size=400,
).filter(lambda s: "\n" not in s and "\r" not in s)


@given(line_text)
def test_folding_is_icalendars(line: str) -> None:
    assert ics_text.fold(line) == Contentline(line).to_ical().decode("utf-8")


@given(st.text(st.sampled_from(list('ab\\;,\n\r:"N é')), max_size=60))
def test_escaping_is_icalendars(text: str) -> None:
    assert ics_text.escape(text) == vText(text).to_ical().decode("utf-8")


def test_a_long_ascii_line_is_folded_before_75_octets_and_keeps_its_escapes_whole() -> None:
    # 73 letters, then "\," : the backslash would end the first piece at octet 74,
    # so it starts the second piece instead (a reader would otherwise see "\" + fold).
    line = "D" * 73 + "\\," + "x" * 80
    pieces = ics_text.fold(line).split("\r\n ")
    assert pieces[0] == "D" * 73
    assert pieces[1].startswith("\\,")
    assert all(len(p.encode()) <= 74 for p in pieces)
    assert "".join(pieces) == line


ZONES = [
    "UTC", "Etc/UTC", "GMT", "Europe/Berlin", "America/New_York", "Asia/Kolkata",
    "Australia/Lord_Howe", "America/St_Johns",
]  # fmt: skip

TIMES = [(9, 30), (0, 0), (2, 30), (23, 45), (13, 5), (7, 0)]

plans = st.fixed_dictionaries(
    {
        "start": st.dates(dt.date(2026, 6, 1), dt.date(2028, 6, 1)).map(dt.date.isoformat),
        "bsa": st.integers(120, 260).map(lambda n: f"{n / 100:.2f}"),
        "response": st.sampled_from(["pending", "none", "cr", "cri"]),
        "hsct": st.sampled_from(["", "yes"]),
        "mrd": st.sampled_from(["unknown", "negative", "positive"]),
        "patient_id": st.sampled_from(["", "MRN-0042", "a/b#c:d_e.f"]),
        "blasts": st.sampled_from(["", "500", "25000"]),
    }
)
options = st.fixed_dictionaries(
    {
        # Mostly timed; 02:30 is skipped or repeated by some zones' clock changes.
        "time": st.sampled_from([None, *(dt.time(h, m) for h, m in TIMES)]),
        "tz": st.sampled_from(ZONES),
        "location": st.sampled_from([None, "Day unit 2", "Hôpital Saint-Éloi, Bât. C; 3e étage"]),
        "reminder": st.one_of(
            st.none(),
            st.builds(ics.ReminderSpec, before=st.timedeltas(dt.timedelta(0), dt.timedelta(2))),
            st.builds(ics.ReminderSpec, at=st.times().map(lambda t: t.replace(microsecond=0))),
        ),
        "reminders": st.sampled_from([True, True, False]),
        "lab_events": st.booleans(),
        "followup_events": st.booleans(),
        "show_id": st.booleans(),
    }
)


@settings(max_examples=120)
@given(plans, options)
def test_calendars_are_icalendars_bytes(values: dict[str, str], chosen: dict[str, Any]) -> None:
    values = {k: v for k, v in values.items() if v}
    values.setdefault("first_cycle_days", "21")
    plan = plan_course(request_from_strings(values), today())
    if chosen["time"] is None:
        chosen["tz"] = None
    if chosen["show_id"] and not plan.request.patient_id:
        chosen["show_id"] = False
    opts = ics.IcsOptions(dtstamp=STAMP, uid_key=KEY, **chosen)
    try:
        expected = bytes(ics.build_calendar(plan, opts).to_ical())
    except InputError:  # a time that a clock change skips, an alarm after the start
        return
    assert ics.render(plan, opts) == expected
