"""The transplant rule, the boxed warning and the warnings that ask a person to look.

Spec sections 3, 4, 4a and 6 (revised). Every date and number below is worked out
by hand from the spec; the arithmetic is in the comments.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from inoplan.cli.app import app
from inoplan.domain import rules


def run(*args: str, today: str = "2026-11-30") -> Result:
    return CliRunner().invoke(app, list(args), env={"INOPLAN_TODAY": today}, prog_name="inoplan")


def plan_json(*args: str, today: str = "2026-11-30") -> dict[str, Any]:
    r = run(*args, "--format", "json", today=today)
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    assert isinstance(data, dict)
    return data


def labels(data: dict[str, Any]) -> list[str]:
    return [d["label"] for c in data["cycles"] for d in c["doses"]]


ISSUE = ["schedule", "--start", "2026-03-31", "--height", "175", "--weight", "80"]
CR_PLAN = ["schedule", "--start", "2026-12-01", "--bsa", "1.82", "--response", "cr"]
LOW_COUNT = rules.LOW_COUNT_DAYS_8_15


# --- 1. Transplant: 2 cycles, the third only when asked for (spec 4) -----------------------


def test_the_issues_cr_mrd_positive_hsct_plan_has_two_cycles() -> None:
    data = plan_json(*ISSUE, "--response", "cr", "--hsct", "--mrd", "positive", today="2026-03-30")
    # BSA sqrt(175 x 80 / 3600) = sqrt(3.8889) = 1.9720 -> 1.97 m2.
    # C1 2026-03-31 (21 days), C2 2026-04-21 (CR: 0.5/0.5/0.5); last dose C2D15 2026-05-05.
    assert labels(data) == ["C1D1", "C1D8", "C1D15", "C2D1", "C2D8", "C2D15"]
    assert data["last_dose"] == "2026-05-05"
    # 1.8 + 1.5 = 3.3 mg/m2; 0.8 x 1.97 = 1.576 -> 1.58 mg, 0.5 x 1.97 = 0.985 -> 0.99 mg:
    # 1.58 + 5 x 0.99 = 6.53 mg.
    assert data["cumulative_mg_per_m2"] == 3.3
    assert data["cumulative_mg"] == 6.53
    reason = data["cycle_limit"]["reason"]
    assert "2 cycles recommended before HSCT" in reason
    assert "a third may be considered (label)" in reason
    assert data["cycle_limit"] == {"cycles": 2, "most": 3, "reason": reason, "note": None}


def test_no_response_with_hsct_has_two_cycles_and_a_third_when_asked() -> None:
    two = plan_json(*CR_PLAN[:5], "--response", "none", "--hsct")
    assert len(two["cycles"]) == 2
    three = plan_json(*CR_PLAN[:5], "--response", "none", "--hsct", "--cycles", "3")
    # C1 2026-12-01 + 21 = C2 2026-12-22; + 28 = C3 2027-01-19 (0.8/0.5/0.5 without CR/CRi).
    assert [c["start"] for c in three["cycles"]] == ["2026-12-01", "2026-12-22", "2027-01-19"]
    assert three["cycles"][2]["total_mg_per_m2"] == 1.8
    assert "a third is planned as asked" in three["cycle_limit"]["reason"]
    # The planned third cycle names the number of cycles as a VOD risk factor (spec 4a).
    assert any(w.startswith("3 cycles planned (boxed warning)") for w in three["warnings"])
    assert not any("cycles planned (boxed warning)" in w for w in two["warnings"])


@pytest.mark.parametrize("mrd", ["positive", "unknown"])
def test_cr_without_mrd_negativity_may_have_a_third(mrd: str) -> None:
    data = plan_json(*CR_PLAN, "--hsct", "--mrd", mrd, "--cycles", "3")
    assert len(data["cycles"]) == 3


def test_cr_with_mrd_negativity_refuses_a_third_and_writes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    r = run(*CR_PLAN, "--hsct", "--mrd", "negative", "--cycles", "3", "-o", str(target))
    assert r.exit_code == 2
    assert r.stderr.startswith("inoplan: error: --cycles: 3 is above the limit of 2: ")
    assert "2 cycles recommended before HSCT" in r.stderr
    assert "a third is not planned for CR/CRi with MRD negativity" in r.stderr
    assert len(r.stderr.splitlines()) == 1
    assert not target.exists()


def test_a_batch_row_asks_for_a_third_with_its_cycles_column(tmp_path: Path) -> None:
    source = tmp_path / "patients.csv"
    source.write_text(
        "patient_id,start,bsa,response,hsct,mrd,cycles\n"
        "P1,2026-12-01,1.82,none,yes,,3\n"
        "P2,2026-12-01,1.82,none,yes,,\n"
        "P3,2026-12-01,1.82,cr,yes,negative,3\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    r = run("batch", str(source), "--out", str(out))
    assert r.exit_code == 1  # P3 refused
    p1 = json.loads((out / "patients" / "P1.json").read_text(encoding="utf-8"))
    p2 = json.loads((out / "patients" / "P2.json").read_text(encoding="utf-8"))
    assert (len(p1["cycles"]), len(p2["cycles"])) == (3, 2)
    assert not (out / "P3.json").exists()
    # The CSV column, as the user typed it (not the option --cycles).
    assert "row 4 (P3): cycles: 3 is above the limit of 2" in r.stderr


def _saved(tmp_path: Path, *args: str) -> str:
    path = tmp_path / "plan.json"
    r = run(*args, "--format", "json", "-o", str(path))
    assert r.exit_code == 0, r.stderr
    return str(path)


def test_an_hsct_decision_limits_the_course_to_two_cycles(tmp_path: Path) -> None:
    # Without CR/CRi and no HSCT: 3 cycles (C1 12-01, C2 12-22, C3 2027-01-19).
    saved = _saved(tmp_path, *CR_PLAN[:5], "--response", "none")
    r = run("replan", saved, "--hsct-decision", "2026-12-10=yes", "-f", "json", today="2026-12-10")
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    assert len(data["cycles"]) == 2
    cancelled = [d for d in data["omitted_doses"] if d["cycle"] == 3]
    assert [d["label"] for d in cancelled] == ["C3D1", "C3D8", "C3D15"]
    assert all("2 cycles recommended before HSCT" in d["notes"][-1] for d in cancelled)
    # The plan now proceeds to HSCT: its warnings name the HSCT points.
    assert rules.BOXED_WARNING_HSCT.text in data["warnings"]


def test_an_hsct_decision_keeps_a_third_that_was_asked_for(tmp_path: Path) -> None:
    saved = _saved(tmp_path, *CR_PLAN[:5], "--response", "none", "--cycles", "3")
    r = run("replan", saved, "--hsct-decision", "2026-12-10=yes", "-f", "json", today="2026-12-10")
    data = json.loads(r.stdout)
    assert len(data["cycles"]) == 3
    assert any(w.startswith("3 cycles planned (boxed warning)") for w in data["warnings"])


def test_reaching_mrd_negativity_drops_the_third_that_was_asked_for(tmp_path: Path) -> None:
    saved = _saved(tmp_path, *CR_PLAN[:5], "--response", "none", "--hsct", "--cycles", "3")
    # Assessed CR, MRD negative on 2027-01-10, before C3D1 (2027-01-19): 2 cycles.
    r = run(
        "replan", saved, "--assessment", "2027-01-10=cr:negative", "-f", "json",
        today="2027-01-10",
    )  # fmt: skip
    data = json.loads(r.stdout)
    assert len(data["cycles"]) == 2
    assert "3 cycles were requested (--cycles); the limit is now 2" in data["notes"]
    assert "a third is not planned for CR/CRi with MRD negativity" in data["cycle_limit"]["reason"]


# --- 2. The boxed warning (spec 4a) --------------------------------------------------------


def test_json_carries_the_boxed_warning_with_its_source_tags() -> None:
    data = plan_json(*CR_PLAN)
    boxed = data["boxed_warning"]
    assert boxed["title"] == rules.BOXED_WARNING_TITLE
    points = {p["key"]: p for p in boxed["points"]}
    assert {"hepatotoxicity", "vod_after_hsct", "post_hsct_mortality"} <= set(points)
    assert all(p["evidence"] == "L" for p in points.values())
    assert "fatal and life-threatening" in points["hepatotoxicity"]["text"]
    # 6 cycles without HSCT: the number of cycles is named in the boxed warning ...
    assert "6 cycles planned" in points["many_cycles"]["text"]
    assert "hsct" not in points
    # ... and not repeated as a warning on a standard course.
    assert data["warnings"] == []


def test_hsct_plan_names_its_points_as_warnings() -> None:
    data = plan_json(*CR_PLAN, "--hsct", "--mrd", "negative")
    (warning,) = data["warnings"]
    for words in (
        "risk of VOD is greater after HSCT",
        "2 alkylating agents",
        "last total bilirubin >= ULN before HSCT",
        "non-relapse mortality",
        "monitor liver tests closely during the first month",
    ):
        assert words in warning
    # A risk factor, not an order (the instruction is [?] in the spec).
    assert "avoid" not in warning.lower()


def test_hepatic_start_guidance_joins_the_monitoring_reminders() -> None:
    data = plan_json(*CR_PLAN)
    hepatic = [r for r in data["reminders"] if r["key"] == "hepatic_start"]
    assert hepatic == [
        {
            "key": "hepatic_start",
            "text": "Hepatic impairment at the start: no starting-dose adjustment for total "
            "bilirubin <= 1.5 x ULN and AST/ALT <= 2.5 x ULN; safety above that is not "
            "established",
            "evidence": "S",
            "applies_to": "plan",
        }
    ]


def test_terminal_shows_the_boxed_warning_once() -> None:
    r = run(*CR_PLAN, "--hsct", "--mrd", "negative")
    text = " ".join(r.stdout.split())
    assert "BOXED WARNING" in text
    # The HSCT point is a warning; the boxed block does not print it a second time.
    assert text.count("risk of VOD is greater after HSCT") == 1
    assert "WARNING: proceeding to HSCT (boxed warning)" in text


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", "pain under the right ribs"),
        ("de", "Schmerzen unter den rechten Rippen"),
        ("fr", "douleur sous les côtes à droite"),
        ("es", "dolor debajo de las costillas del lado derecho"),
    ],
)
def test_patient_calendar_says_it_in_plain_words(lang: str, words: str) -> None:
    r = run(*CR_PLAN, "--format", "html", "--lang", lang)
    assert r.exit_code == 0, r.stderr
    assert words in r.stdout
    # No clinical jargon for the patient.
    assert "VOD" not in r.stdout and "veno-occlusive" not in r.stdout


# --- 4. Warnings that ask a person to look (spec 3 and 6) -----------------------------------


def _replan(tmp_path: Path, *events: str, today: str = "2027-12-31") -> dict[str, Any]:
    saved = _saved(tmp_path, *CR_PLAN)
    r = run("replan", saved, *events, "-f", "json", today=today)
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    assert isinstance(data, dict)
    return data


def test_a_delay_out_of_the_window_is_a_warning_in_every_format(tmp_path: Path) -> None:
    # C1D8 due 2026-12-08 (window 12-06 to 12-10); a 5-day interruption from 12-08 resumes
    # 12-13: delayed (< 7 days) to 12-13, 3 days after its window. C1D15 then needs 6 days
    # after 12-13: 12-19, after its window 12-13 to 12-17.
    data = _replan(tmp_path, "--interrupt", "C1D8=5")
    assert data["warnings"] == [
        "C1D8 on 2026-12-13 is outside its window, 2026-12-06 to 2026-12-10 (day 8 +/- 2 days, "
        "label): check with the clinician",
        "C1D15 on 2026-12-19 is outside its window, 2026-12-13 to 2026-12-17 (day 15 +/- 2 "
        "days, label): check with the clinician",
    ]
    saved = tmp_path / "plan.json"
    for fmt, marker in (("csv", "warnings"), ("ics", "WARNINGS:"), ("fhir", "WARNING: C1D8")):
        r = run("replan", str(saved), "--interrupt", "C1D8=5", "-f", fmt, today="2027-12-31")
        assert r.exit_code == 0, r.stderr
        assert "outside its window" in r.stdout.replace("\r\n ", "")
        assert marker in r.stdout
    r = run("replan", str(saved), "--interrupt", "C1D8=5", "-f", "csv", today="2027-12-31")
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert all("C1D8 on 2026-12-13 is outside its window" in row["warnings"] for row in rows)


def test_a_cycle_1_longer_than_28_days_is_a_warning(tmp_path: Path) -> None:
    # 30-day interruption from C1D8 (2026-12-08): resumes 2027-01-07, C2D1 then; cycle 1 =
    # 2026-12-01 to 2027-01-06 = 37 days (> 28). 30 > 28 days: consider discontinuation.
    data = _replan(tmp_path, "--interrupt", "C1D8=30")
    assert data["cycles"][1]["start"] == "2027-01-07"
    assert (
        "cycle 1 lasts 37 days: longer than the 28 days the label allows (21, may be extended "
        "up to 28); check with the clinician" in data["warnings"]
    )
    assert any("interruption of 30 days (> 28)" in w for w in data["warnings"])


def test_a_start_in_the_past_is_planned_with_a_warning() -> None:
    past = plan_json(*CR_PLAN, today="2026-12-02")
    assert past["warnings"] == [
        "start date is in the past: is this a record of a course already given? (cycle 1 day 1 "
        "2026-12-01, today 2026-12-02)"
    ]
    assert len(past["cycles"]) == 6  # planned all the same
    assert plan_json(*CR_PLAN, today="2026-12-01")["warnings"] == []  # today is not the past


def test_a_dose_given_after_today_is_refused(tmp_path: Path) -> None:
    saved = _saved(tmp_path, *CR_PLAN)
    r = run("replan", saved, "--given", "C1D8=2026-12-10", today="2026-12-09")
    assert r.exit_code == 2
    assert r.stderr == (
        "inoplan: error: --given C1D8=2026-12-10: 2026-12-10 is after today (2026-12-09); "
        "record a dose, an assessment, a decision or a measurement once it has happened\n"
    )
    assert run("replan", saved, "--given", "C1D8=2026-12-10", today="2026-12-10").exit_code == 0
    # An interruption may be planned ahead: from C1D8 (due 2026-12-08), decided on 12-07.
    assert run("replan", saved, "--interrupt", "C1D8=3", today="2026-12-07").exit_code == 0


def test_a_bad_today_is_one_line_naming_the_variable() -> None:
    r = run(*CR_PLAN, today="30.11.2026")
    assert r.exit_code == 2
    assert r.stderr == (
        "inoplan: error: INOPLAN_TODAY: '30.11.2026' is not a date; use YYYY-MM-DD\n"
    )


@pytest.mark.parametrize(
    ("held", "warns"),
    [
        ("C1D15=ANC 0.4", True),  # the words of a low count
        ("C1D15=hematologic:counts low", True),  # the category
        ("C1D15=grade 2 thrombocytopenia", True),
        ("C1D15=other:grade 2 mucositis", False),
        ("C1D15=grade 2 mucositis", False),
        ("C1D15=planned leave", False),  # "planned" is not "ANC"
    ],
)
def test_a_day_15_held_for_a_low_count_warns_quoting_the_label(
    tmp_path: Path, held: str, warns: bool
) -> None:
    data = _replan(tmp_path, "--held", held)
    assert [d["label"] for d in data["omitted_doses"]] == ["C1D15"]  # planned as asked
    quoted = [w for w in data["warnings"] if LOW_COUNT in w]
    assert bool(quoted) == warns
    if warns:
        assert quoted[0].startswith("C1D15 held for a low count (")


def test_an_interrupted_day_8_for_a_low_count_warns(tmp_path: Path) -> None:
    data = _replan(tmp_path, "--interrupt", "C1D8=3:hematologic:platelets 20")
    (warning,) = [w for w in data["warnings"] if LOW_COUNT in w]
    assert warning.startswith("C1D8 interrupted for a low count (hematologic: platelets 20)")
    assert data["events"][0]["category"] == "hematologic"
    assert data["events"][0]["reason"] == "platelets 20"


def test_events_files_carry_the_category(tmp_path: Path) -> None:
    saved = _saved(tmp_path, *CR_PLAN)
    events = tmp_path / "events.csv"
    events.write_text(
        "event,dose,reason,category\nheld,C1D15,counts,hematologic\n", encoding="utf-8"
    )
    r = run("replan", saved, "--events", str(events), "-f", "json", today="2027-12-31")
    data = json.loads(r.stdout)
    assert data["events"][0]["category"] == "hematologic"
    assert any(LOW_COUNT in w for w in data["warnings"])
    bad = tmp_path / "bad.json"
    bad.write_text('[{"event": "held", "dose": "C1D15", "reason": "x", "category": "renal"}]')
    r = run("replan", saved, "--events", str(bad), today="2027-12-31")
    assert r.exit_code == 2
    assert r.stderr == (
        "inoplan: error: bad.json event 1: category: 'renal' is not allowed; choose one of "
        "hematologic, hepatic, infusion-reaction, other\n"
    )


def test_an_interruption_before_a_day_1_says_the_cycle_waits(tmp_path: Path) -> None:
    # C2D1 due 2026-12-22; 9 days from then: resumes 2026-12-31, C2D1 on that day.
    data = _replan(tmp_path, "--interrupt", "C2D1=9")
    c2d1 = data["cycles"][1]["doses"][0]
    assert c2d1["date"] == "2026-12-31"
    note = c2d1["notes"][0]
    assert "C2D1 waits for the end of the interruption (a day 1 is delayed, not omitted)" in note
    assert "omit" not in note.replace("not omitted", "")
    assert data["omitted_doses"] == []


def test_a_day_15_cancelled_by_two_doses_per_cycle_says_so(tmp_path: Path) -> None:
    saved = _saved(tmp_path, *CR_PLAN)
    first = tmp_path / "r1.json"
    r = run(
        "replan", saved, "--interrupt", "C1D8=14", "-f", "json", "-o", str(first),
        today="2027-12-31",
    )  # fmt: skip
    assert r.exit_code == 0, r.stderr
    # A second interruption of >= 14 days after the 25% reduction: 2 doses per cycle from
    # cycle 3 (days 1 and 8 chosen); the day 15s of cycles 3-6 are cancelled.
    r = run(
        "replan", str(first), "--interrupt", "C2D8=14", "--two-dose-days", "1,8", "-f", "json",
        today="2027-12-31",
    )  # fmt: skip
    data = json.loads(r.stdout)
    cancelled = [d for d in data["omitted_doses"] if d["day"] == 15 and d["cycle"] >= 3]
    assert [d["label"] for d in cancelled] == ["C3D15", "C4D15", "C5D15", "C6D15"]
    for d in cancelled:
        assert d["notes"][-1] == (
            "cancelled: 2 doses per cycle (days 1 and 8, the clinician's choice) after a "
            "further interruption of >= 14 days: day 15 is no longer given"
        )
    # The C2D8 interruption's note names the step of the rule that acted.
    c2d8 = next(d for d in data["omitted_doses"] if d["label"] == "C2D8")
    assert (
        "2 doses per cycle from cycle 3 (a further modification after the 25% reduction)"
        in (c2d8["notes"][1])
    )
