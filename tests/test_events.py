"""Reading events: options, CSV and JSON files and saved plans go through one parser."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from inoplan.domain.errors import InputError
from inoplan.domain.replan.event_values import DoseRef, parse_dose_ref
from inoplan.domain.replan.events import (
    Assessment,
    Given,
    Held,
    Interruption,
    event_from_record,
    event_to_record,
)
from inoplan.domain.rules import Mrd, Response
from inoplan.inputs.event_files import events_from_options, read_events_file
from inoplan.inputs.saved_plan import events_from_saved


def test_dose_labels_any_case() -> None:
    assert parse_dose_ref("c2d8", "x") == DoseRef(2, 8)
    assert parse_dose_ref(" C10D15 ", "x").label == "C10D15"


@pytest.mark.parametrize(
    ("text", "words"),
    [("C2D9", "not a dose day"), ("C0D1", "cycle 0"), ("cycle 2 day 8", "C<cycle>D<day>")],
)
def test_bad_dose_labels(text: str, words: str) -> None:
    with pytest.raises(InputError, match=words.replace("<", ".").replace(">", ".")):
        parse_dose_ref(text, "--given")


def test_options_become_events() -> None:
    evs = events_from_options(
        [
            ("--given", ["C1D8=2026-12-10"]),
            ("--held", ["C1D15=grade 2 mucositis"]),
            ("--interrupt", ["C2D8=9:grade 3 rash: extensive"]),
            ("--assessment", ["2026-12-20=CRi:negative"]),
        ],
        revision=2,
    )
    assert evs[0] == Given("", 2, DoseRef(1, 8), date(2026, 12, 10))
    assert evs[1] == Held("", 2, DoseRef(1, 15), "grade 2 mucositis")
    # Only the first ':' separates the reason, which may hold more.
    assert evs[2] == Interruption("", 2, DoseRef(2, 8), 9, None, "grade 3 rash: extensive")
    assert evs[3] == Assessment("", 2, date(2026, 12, 20), Response.CRI, Mrd.NEGATIVE)
    assert evs[0].source == "--given C1D8=2026-12-10"


@pytest.mark.parametrize(
    ("option", "value", "words"),
    [
        ("--given", "C1D8", "expected DOSE=DATE"),
        ("--given", "C1D8=12/10/2026", "ambiguous"),
        ("--held", "C1D8=", "the reason is required"),
        ("--held", "C1D1=fever", "day 1 starts the cycle"),
        ("--interrupt", "C1D8=nine", "whole number"),
        ("--assessment", "2026-12-20=pending", "choose one of none, cr, cri"),
        ("--assessment", "2026-12-20=cr:maybe", "choose one of negative"),
        ("--hsct-decision", "2026-12-20=perhaps", "use yes or no"),
        ("--discontinue", "2026-12-20=", "the reason is required"),
        ("--two-dose-days", "1,1", "2 different days"),
        ("--two-dose-days", "1,8,15", "exactly 2"),
        ("--two-dose-days", "2,8", "2 different days among 1, 8, 15"),
        ("--reduced-doses", "0.6/0.375", "days 1/8/15"),
        ("--reduced-doses", "0.6/0/0.75", "above 0"),
    ],
)
def test_bad_options_name_the_option_and_value(option: str, value: str, words: str) -> None:
    with pytest.raises(InputError) as e:
        events_from_options([(option, [value])], 1)
    assert e.value.message.startswith(f"{option} {value}: ")
    assert words in e.value.message


def test_every_kind_survives_a_save_and_a_read() -> None:
    evs = events_from_options(
        [
            ("--given", ["C1D8=2026-12-10"]),
            ("--held", ["C1D15=fever"]),
            ("--interrupt", ["C2D8=16", "C3D8=3:nausea"]),
            ("--assessment", ["2026-12-20=cr", "2027-01-20=none:positive"]),
            ("--hsct-decision", ["2026-12-20=no"]),
            ("--discontinue", ["2027-02-01=hepatic VOD"]),
            ("--two-dose-days", ["8,1"]),
            ("--reduced-doses", ["0.35/0.5/0.5"]),
        ],
        3,
    )
    saved = json.loads(json.dumps([event_to_record(e) for e in evs]))
    assert events_from_saved(saved) == evs
    assert saved[-2] == {"event": "two_dose_days", "dose_days": "1,8", "revision": "3"}
    assert evs[-1].mg_per_m2 == ((1, Decimal("0.35")), (8, Decimal("0.5")), (15, Decimal("0.5")))  # type: ignore[union-attr]


def test_a_record_refuses_keys_it_does_not_use() -> None:
    with pytest.raises(InputError, match=r"events\.csv row 2: date: not used by a 'held' event"):
        event_from_record(
            {"event": "held", "dose": "C1D8", "reason": "x", "date": "2026-12-01"},
            "events.csv row 2",
        )
    with pytest.raises(InputError, match="colour: unknown key"):
        event_from_record({"event": "given", "colour": "red"}, "f")
    with pytest.raises(InputError, match="one of given, held"):
        event_from_record({"event": "dosed"}, "f")


def test_interruption_start_from_a_file(tmp_path: Path) -> None:
    f = tmp_path / "events.csv"
    f.write_text("event,dose,date,days,reason\ninterrupt,C1D8,2026-12-05,9,rash\n\n")
    (ev,) = read_events_file(str(f), 1)
    assert ev == Interruption("", 1, DoseRef(1, 8), 9, date(2026, 12, 5), "rash")
    assert ev.source == "events.csv row 2"


@pytest.mark.parametrize(
    ("name", "text", "words"),
    [
        ("e.csv", "dose,date\nC1D8,2026-12-10\n", "'event' column"),
        ("e.csv", "event,dose,date\ngiven,C1D8,2026-12-10,extra\n", "e.csv row 2: more cells"),
        ("e.json", '{"given": "C1D8"}', "expected a JSON list"),
        ("e.json", "[1]", "e.json event 1: expected an object"),
        ("e.json", "[{", "is not JSON"),
        ("e.json", '[{"event": "given", "dose": "C1D8", "date": [1]}]', "e.json event 1: date"),
        ("e.csv", "event,dose,date,revision\ngiven,C1D8,2026-12-10,7\n", "row 2: revision: set by"),
    ],
)
def test_bad_files(tmp_path: Path, name: str, text: str, words: str) -> None:
    f = tmp_path / name
    f.write_text(text)
    with pytest.raises(InputError) as e:
        read_events_file(str(f), 1)
    assert words in e.value.message


def test_missing_file_names_the_option(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"--events: .* does not exist"):
        read_events_file(str(tmp_path / "nope.csv"), 1)


def test_saved_events_need_their_revision() -> None:
    with pytest.raises(InputError, match=r"PLAN: events\[0\]: revision"):
        events_from_saved([{"event": "given", "dose": "C1D8", "date": "2026-12-10"}])
