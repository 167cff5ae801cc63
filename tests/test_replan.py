"""Re-planning a saved course: courses worked out by hand from clinical-spec.md.

Every course starts from the same plan unless it says otherwise:
``--start 2026-12-01 --bsa 1.82 --response none`` (no CR/CRi: 3 cycles).
2026-12-01 is a Tuesday. Cycle 1 is 21 days, later cycles 28 (spec section 2):

    C1: 12-01, 12-08, 12-15      C2: 12-22, 12-29, 2027-01-05
    C3: 2027-01-19, 01-26, 02-02

Doses (spec section 8): 0.8 x 1.82 = 1.456 -> 1.46 mg; 0.5 x 1.82 = 0.91 mg.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from inoplan.cli.app import app
from inoplan.domain.errors import InputError
from inoplan.domain.plan import Dose, Plan, PlanRequest
from inoplan.domain.replan.engine import replan_history
from inoplan.export import json as export_json
from inoplan.inputs.event_files import events_from_options
from inoplan.inputs.plan_request import request_from_strings
from inoplan.inputs.saved_plan import plan_from_data


@pytest.fixture(autouse=True)
def _recorded_later(monkeypatch: pytest.MonkeyPatch) -> None:
    """Re-plans are made after the events they record: "today" after every date used here."""
    monkeypatch.setenv("INOPLAN_TODAY", "2028-12-31")

D = date.fromisoformat


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), prog_name="inoplan")


def save_plan(tmp_path: Path, *extra: str, name: str = "plan.json") -> Path:
    path = tmp_path / name
    r = run(
        "schedule",
        "--start",
        "2026-12-01",
        "--bsa",
        "1.82",
        *(extra or ("--response", "none")),
        "-f",
        "json",
        "-o",
        str(path),
    )
    assert r.exit_code == 0, r.stderr
    return path


def replan_json(plan: Path, *args: str) -> dict[str, object]:
    r = run("replan", str(plan), *args, "-f", "json")
    assert r.exit_code == 0, r.stderr
    data: dict[str, object] = json.loads(r.stdout)
    return data


def doses(data: dict[str, object]) -> dict[str, dict[str, object]]:
    cycles = data["cycles"]
    assert isinstance(cycles, list)
    return {d["label"]: d for c in cycles for d in c["doses"]}


def omitted(data: dict[str, object]) -> dict[str, dict[str, object]]:
    items = data["omitted_doses"]
    assert isinstance(items, list)
    return {d["label"]: d for d in items}


def dates(data: dict[str, object]) -> dict[str, str]:
    return {k: str(v["date"]) for k, v in doses(data).items()}


# --- the interruption table ------------------------------------------------------------


def test_nine_day_interruption_omits_the_next_dose(tmp_path: Path) -> None:
    # 9 days from C1D8 (2026-12-08): no treatment 12-08..12-16, resumes 12-17.
    # 9 >= 7: C1D8 is omitted. C1D15 (12-15, window 12-13..12-17) is inside the
    # interruption; its window allows 12-17 (day 17). C2D1 was 12-22, but must be
    # 6 days after 12-17 -> 12-23, and cycle 2 moves with it: 12-30, 2027-01-06;
    # C3D1 = 12-23 + 28 = 2027-01-20, then 01-27, 02-03. 9 < 14: no reduction.
    plan = save_plan(tmp_path)
    data = replan_json(plan, "--given", "C1D1=2026-12-01", "--interrupt", "C1D8=9:grade 3 rash")
    assert dates(data) == {
        "C1D1": "2026-12-01",
        "C1D15": "2026-12-17",
        "C2D1": "2026-12-23",
        "C2D8": "2026-12-30",
        "C2D15": "2027-01-06",
        "C3D1": "2027-01-20",
        "C3D8": "2027-01-27",
        "C3D15": "2027-02-03",
    }
    gone = omitted(data)
    assert list(gone) == ["C1D8"]
    assert "9-day interruption" in " ".join(gone["C1D8"]["notes"])
    assert "grade 3 rash" in " ".join(gone["C1D8"]["notes"])
    d = doses(data)
    assert d["C1D15"]["planned_date"] == "2026-12-15"
    assert "end of the interruption" in " ".join(d["C1D15"]["notes"])
    assert d["C2D1"]["planned_date"] == "2026-12-22"
    assert "at least 6 days after C1D15" in " ".join(d["C2D1"]["notes"])
    # No reduction: 0.8 x 1.82 -> 1.46 mg; 0.5 x 1.82 -> 0.91 mg.
    assert [d[k]["mg"] for k in ("C2D1", "C2D8", "C3D1")] == [1.46, 0.91, 1.46]
    # Cumulative: 0.8 + 0.5 (C1D8 omitted) + 2 x 1.8 = 4.9 mg/m2.
    assert data["cumulative_mg_per_m2"] == 4.9
    cycles = data["cycles"]
    assert isinstance(cycles, list)
    assert cycles[0]["length_days"] == 22  # 12-01 to 12-22, next day 1 on 12-23
    assert d["C1D1"]["status"] == "given"
    assert d["C1D1"]["sequence"] == 0  # not moved: calendars leave it alone
    assert d["C1D15"]["sequence"] == 1 and d["C2D1"]["sequence"] == 1
    assert gone["C1D8"]["sequence"] == 1


def test_sixteen_day_interruption_reduces_the_next_cycle(tmp_path: Path) -> None:
    # 16 days from C1D8 (12-08): resumes 12-24. C1D8 omitted (>= 7). C1D15's
    # window ends 12-17, before 12-24: omitted too. C2D1 (12-22) waits to 12-24.
    # >= 14 days: cycle 2 total x 0.75, split as each dose x 0.75 (spec 6):
    #   day 1: 0.8 x 0.75 = 0.6 mg/m2;   0.6 x 1.82 = 1.092 -> 1.09 mg
    #   days 8, 15: 0.5 x 0.75 = 0.375;  0.375 x 1.82 = 0.6825 -> 0.68 mg
    #   total 0.6 + 0.375 + 0.375 = 1.35 = 0.75 x 1.8 mg/m2.
    # Never re-escalated: cycle 3 (2027-01-21) stays reduced.
    plan = save_plan(tmp_path)
    data = replan_json(plan, "--interrupt", "C1D8=16")
    d = doses(data)
    assert list(omitted(data)) == ["C1D8", "C1D15"]
    assert dates(data) == {
        "C1D1": "2026-12-01",
        "C2D1": "2026-12-24",
        "C2D8": "2026-12-31",
        "C2D15": "2027-01-07",
        "C3D1": "2027-01-21",
        "C3D8": "2027-01-28",
        "C3D15": "2027-02-04",
    }
    for c in ("C2", "C3"):
        assert (d[f"{c}D1"]["mg_per_m2"], d[f"{c}D1"]["mg"]) == (0.6, 1.09)
        assert (d[f"{c}D8"]["mg_per_m2"], d[f"{c}D8"]["mg"]) == (0.375, 0.68)
        assert (d[f"{c}D15"]["mg_per_m2"], d[f"{c}D15"]["mg"]) == (0.375, 0.68)
        assert "reduced 25%" in " ".join(d[f"{c}D8"]["notes"])
    cycles = data["cycles"]
    assert isinstance(cycles, list)
    assert [c["total_mg_per_m2"] for c in cycles] == [0.8, 1.35, 1.35]
    # 1.46 + 2 x (1.09 + 0.68 + 0.68) = 6.36 mg
    assert data["cumulative_mg"] == 6.36


def test_short_interruption_delays_the_dose_and_keeps_six_days(tmp_path: Path) -> None:
    # 3 days from C1D8 (12-08): resumes 12-11 -> C1D8 delayed to 12-11, which is
    # past its window (12-06..12-10): said next to the dose. C1D15 (12-15) must
    # be 6 days after 12-11 -> 12-17 (in its window). C2D1 -> 12-23.
    plan = save_plan(tmp_path)
    data = replan_json(plan, "--interrupt", "C1D8=3:grade 2 nausea")
    d = doses(data)
    assert (d["C1D8"]["date"], d["C1D15"]["date"], d["C2D1"]["date"]) == (
        "2026-12-11",
        "2026-12-17",
        "2026-12-23",
    )
    assert "outside its window" in " ".join(d["C1D8"]["notes"])
    assert "at least 6 days after C1D8" in " ".join(d["C1D15"]["notes"])
    assert omitted(data) == {}
    assert d["C2D1"]["mg"] == 1.46  # < 14 days: no reduction


def test_interruption_over_28_days_warns_and_leaves_the_decision(tmp_path: Path) -> None:
    # 30 days from 12-08 -> resumes 2027-01-07; C2D1 (12-22) waits to then.
    plan = save_plan(tmp_path)
    data = replan_json(plan, "--interrupt", "C1D8=30")
    warnings = " ".join(data["warnings"])
    assert "consider permanent discontinuation" in warnings
    assert "the clinician decides" in warnings
    assert doses(data)["C2D1"]["date"] == "2027-01-07"
    assert len(data["cycles"]) == 3  # type: ignore[arg-type]  # not discontinued by itself


def test_second_long_interruption_asks_which_two_days(tmp_path: Path) -> None:
    # After the 16-day interruption, C2 starts 12-24, C2D8 on 12-31. A 14-day
    # interruption there (resumes 2027-01-14) needs 2 doses per cycle from cycle 3:
    # which 2 days is the clinician's choice, so inoplan asks.
    plan = save_plan(tmp_path)
    out = tmp_path / "out.json"
    r = run("replan", str(plan), "--interrupt", "C1D8=16", "--interrupt", "C2D8=14", "-o", str(out))
    assert r.exit_code == 2
    assert "--two-dose-days" in r.stderr and "clinician" in r.stderr
    assert not out.exists()
    # With days 1 and 8: C3D1 on 12-24 + 28 = 2027-01-21, C3D8 on 01-28, still
    # reduced: 0.6 mg/m2 -> 1.09 mg and 0.375 mg/m2 -> 0.68 mg; no C3D15.
    data = replan_json(
        plan, "--interrupt", "C1D8=16", "--interrupt", "C2D8=14", "--two-dose-days", "1,8"
    )
    d = doses(data)
    assert [k for k in d if k.startswith("C3")] == ["C3D1", "C3D8"]
    assert (d["C3D1"]["date"], d["C3D1"]["mg"]) == ("2027-01-21", 1.09)
    assert (d["C3D8"]["date"], d["C3D8"]["mg"]) == ("2027-01-28", 0.68)
    # C2D15 (2027-01-07, window 01-05..01-09) falls inside the 01-14 interruption.
    assert {"C2D8", "C2D15"} <= set(omitted(data))
    assert any("2 doses per cycle" in n for n in data["notes"])  # type: ignore[union-attr]


def test_two_doses_without_day_one_refuse_a_day_one(tmp_path: Path) -> None:
    # Days 8 and 15 kept from cycle 3 (start 2027-01-21): C3D8 01-28, C3D15 02-04,
    # both 0.375 mg/m2 -> 0.68 mg; there is no C3D1 to record.
    plan = save_plan(tmp_path)
    events = ["--interrupt", "C1D8=16", "--interrupt", "C2D8=14", "--two-dose-days", "15,8"]
    d = doses(replan_json(plan, *events))
    assert [(k, v["date"], v["mg"]) for k, v in d.items() if k.startswith("C3")] == [
        ("C3D8", "2027-01-28", 0.68),
        ("C3D15", "2027-02-04", 0.68),
    ]
    assert "days 8 and 15, the clinician's choice" in " ".join(d["C3D8"]["notes"])
    r = run("replan", str(plan), *events, "--given", "C3D1=2027-01-21")
    assert r.exit_code == 2 and "C3D1 is not given in this plan" in r.stderr


def test_third_long_interruption_discontinues(tmp_path: Path) -> None:
    # CR plan (6 cycles, 0.5 mg/m2 on day 1 from cycle 2). Long interruptions before
    # C1D8, C2D8 and C3D8: 25% less from cycle 2, 2 doses (1, 8) from cycle 3, and
    # the third is not tolerated: discontinue permanently, no cycle 4.
    plan = save_plan(tmp_path, "--response", "cr")
    data = replan_json(
        plan,
        "--interrupt",
        "C1D8=16",
        "--interrupt",
        "C2D8=14",
        "--interrupt",
        "C3D8=14",
        "--two-dose-days",
        "1,8",
    )
    assert list(doses(data)) == ["C1D1", "C2D1", "C3D1"]
    # cr regimen day 1: 0.5 x 0.75 = 0.375 mg/m2 -> 0.6825 -> 0.68 mg
    assert doses(data)["C3D1"]["mg"] == 0.68
    assert any("permanently discontinued" in w for w in data["warnings"])  # type: ignore[union-attr]
    # Cycles 4-6 of the saved plan are cancelled so calendars remove them.
    assert {"C4D1", "C5D1", "C6D15"} <= set(omitted(data))


# --- response, HSCT, discontinuation -----------------------------------------------------


def test_response_change_after_cycle_one_switches_regimen_and_limit(tmp_path: Path) -> None:
    # Saved without CR/CRi: 3 cycles, 0.8 mg/m2 on day 1. CR on 2026-12-20, before
    # C2D1 (12-22): cycles 2+ take the CR regimen (0.5 on day 1: 0.91 mg) and the
    # limit becomes 6 (not going to HSCT). Starts: 12-22, 2027-01-19, 02-16,
    # 03-16, 04-13; last dose C6D15 = 04-13 + 14 = 04-27.
    # Cumulative 1.8 + 5 x 1.5 = 9.3 mg/m2 (spec section 4).
    plan = save_plan(tmp_path)
    data = replan_json(plan, "--assessment", "2026-12-20=cr:negative")
    d = doses(data)
    assert len(data["cycles"]) == 6
    assert data["cycle_limit"]["cycles"] == 6  # type: ignore[index]
    assert (d["C2D1"]["mg_per_m2"], d["C2D1"]["mg"]) == (0.5, 0.91)
    assert d["C2D1"]["sequence"] == 1  # the mg changed: calendars update
    assert d["C1D1"]["mg"] == 1.46  # cycle 1 is the same for everyone
    assert [c["start"] for c in data["cycles"]] == [  # type: ignore[union-attr]
        "2026-12-01",
        "2026-12-22",
        "2027-01-19",
        "2027-02-16",
        "2027-03-16",
        "2027-04-13",
    ]
    assert data["last_dose"] == "2027-04-27"
    assert data["cumulative_mg_per_m2"] == 9.3
    assert any(n.startswith("response on 2026-12-20: cr, MRD negative") for n in data["notes"])


def test_pending_plan_waits_for_the_assessment(tmp_path: Path) -> None:
    # Response pending: only cycle 1 is planned. Assessed CRi on 2026-12-25, after
    # the day C2 would have started (12-22): the regimen of C2 is not known before
    # then, so C2 starts on 12-25. With HSCT decided (MRD negative): 2 cycles.
    plan = save_plan(tmp_path, "--response", "pending")
    data = replan_json(
        plan, "--assessment", "2026-12-25=cri:negative", "--hsct-decision", "2026-12-25=yes"
    )
    d = doses(data)
    assert list(d) == ["C1D1", "C1D8", "C1D15", "C2D1", "C2D8", "C2D15"]
    assert d["C2D1"]["date"] == "2026-12-25"
    assert "waits for the response assessment" in " ".join(d["C2D1"]["notes"])
    assert d["C2D1"]["mg_per_m2"] == 0.5


def test_later_response_loss_limits_cycles(tmp_path: Path) -> None:
    # CR plan (6 cycles); no CR/CRi any more from 2027-02-01: cycles starting after
    # that follow the non-CR regimen, and without CR/CRi at most 3 cycles: the
    # course ends after cycle 3 (started 2027-01-19), cycles 4-6 cancelled.
    plan = save_plan(tmp_path, "--response", "cr")
    data = replan_json(plan, "--assessment", "2027-02-01=none")
    assert len(data["cycles"]) == 3
    assert {"C4D1", "C6D15"} <= set(omitted(data))


def test_discontinuation_for_vod(tmp_path: Path) -> None:
    # C1D1 and C1D8 given; hepatic VOD on 2026-12-12: no dose from then on. The last
    # dose is 12-08: contraception females 8 months -> 2027-08-08, males 5 months
    # -> 2027-05-08, no breastfeeding 2 months -> 2027-02-08 (spec section 9).
    plan = save_plan(tmp_path)
    data = replan_json(
        plan,
        "--given",
        "C1D1=2026-12-01",
        "--given",
        "C1D8=2026-12-08",
        "--discontinue",
        "2026-12-12=hepatic VOD",
    )
    assert list(doses(data)) == ["C1D1", "C1D8"]
    assert data["last_dose"] == "2026-12-08"
    assert data["followup"] == {
        "contraception_female_until": "2027-08-08",
        "contraception_male_until": "2027-05-08",
        "no_breastfeeding_until": "2027-02-08",
    }
    notes = " ".join(data["notes"])
    assert "permanently discontinued on 2026-12-12: hepatic VOD" in notes
    assert "VOD/SOS or other severe liver toxicity: permanently discontinue" in notes
    gone = omitted(data)
    assert len(gone) == 7 and gone["C1D15"]["sequence"] == 1
    assert "cancelled" in " ".join(gone["C3D15"]["notes"])


def test_given_inside_window_moves_the_next_dose(tmp_path: Path) -> None:
    # C1D8 given on 12-10 (day 10, the end of its +/- 2 window): C1D15 (12-15)
    # would be 5 days later -> 12-16 (in its window 12-13..12-17).
    plan = save_plan(tmp_path)
    d = doses(replan_json(plan, "--given", "C1D8=2026-12-10"))
    assert (d["C1D8"]["date"], d["C1D8"]["status"]) == ("2026-12-10", "given")
    assert d["C1D15"]["date"] == "2026-12-16"
    assert d["C2D1"]["date"] == "2026-12-22"  # 12-16 + 6 = 12-22: no move


def test_late_day_one_moves_its_cycle(tmp_path: Path) -> None:
    # C2D1 given 3 days late (12-25, counts recovering): cycle 2 moves with it:
    # C2D8 01-01, C2D15 01-08; C3D1 12-25 + 28 = 2027-01-22.
    plan = save_plan(tmp_path)
    d = doses(replan_json(plan, "--given", "C2D1=2026-12-25"))
    assert [d[k]["date"] for k in ("C2D1", "C2D8", "C2D15", "C3D1")] == [
        "2026-12-25",
        "2027-01-01",
        "2027-01-08",
        "2027-01-22",
    ]
    assert "moves with cycle 2" in " ".join(d["C2D8"]["notes"])


def test_held_dose_is_omitted_with_its_reason(tmp_path: Path) -> None:
    plan = save_plan(tmp_path)
    data = replan_json(plan, "--held", "C2D15=grade 2 mucositis")
    assert "held: grade 2 mucositis" in omitted(data)["C2D15"]["notes"]
    assert "C2D15" not in doses(data)
    # 2 x 1.8 + 1.3 = 4.9 mg/m2
    assert data["cumulative_mg_per_m2"] == 4.9


# --- contradictions: exit 2, one line, nothing written --------------------------------------


@pytest.mark.parametrize(
    ("args", "words"),
    [
        # C1D8 planned 12-08; C1D15 recorded on 12-07, before it.
        (["--given", "C1D15=2026-12-07"], "before C1D8 (2026-12-08)"),
        # window of C1D8 is 12-06..12-10
        (["--given", "C1D8=2026-12-11"], "2026-12-06 to 2026-12-10"),
        # 12-12 is only 4 days after C1D8 on 12-08... and also outside C1D15's window
        (["--given", "C1D8=2026-12-08", "--given", "C1D15=2026-12-13"], "5 days after C1D8"),
        (["--given", "C2D1=2026-12-21"], "day 1 has no window"),
        (["--given", "C4D1=2027-02-16"], "C4D1 is not in the plan"),
        (["--given", "C1D9=2026-12-09"], "not a dose day"),
        (
            ["--discontinue", "2026-12-12=VOD", "--assessment", "2026-12-20=cr"],
            "after the permanent discontinuation",
        ),
        (["--discontinue", "2026-12-12=VOD", "--given", "C1D15=2026-12-15"], "discontinuation"),
        (["--given", "C1D8=2026-12-08", "--held", "C1D8=fever"], "already has an event"),
        (["--held", "C1D1=fever"], "day 1 starts the cycle"),
        (["--interrupt", "C1D8=9", "--given", "C1D8=2026-12-08"], "omitted"),
        (["--assessment", "2026-11-20=cr"], "before the plan starts"),
        (["--interrupt", "C1D1=3"], "no treatment to interrupt yet"),
        (["--given", "C1D8=8 Dec"], "not a date"),
        (["--interrupt", "C1D8=0"], "whole number 1-365"),
        ([], "no event given"),
    ],
)
def test_contradictions_are_refused_and_nothing_is_written(
    tmp_path: Path, args: list[str], words: str
) -> None:
    plan = save_plan(tmp_path)
    out = tmp_path / "new.json"
    r = run("replan", str(plan), *args, "-f", "json", "-o", str(out))
    assert r.exit_code == 2, r.stdout
    assert words in r.stderr
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert not out.exists()


def test_error_names_the_event(tmp_path: Path) -> None:
    plan = save_plan(tmp_path)
    r = run("replan", str(plan), "--given", "C1D8=2026-12-11")
    assert r.stderr.startswith("inoplan: error: --given C1D8=2026-12-11: ")


# --- saving, re-reading, sequences, formats -----------------------------------------------


def test_replanned_plan_can_be_read_back_and_rebuilt_exactly(tmp_path: Path) -> None:
    plan = save_plan(tmp_path)
    first = tmp_path / "r1.json"
    r = run("replan", str(plan), "--interrupt", "C1D8=9", "-f", "json", "-o", str(first))
    assert r.exit_code == 0, r.stderr
    saved = json.loads(first.read_text())
    assert saved["revision"] == 1
    assert saved["events"] == [{"event": "interrupt", "dose": "C1D8", "days": "9", "revision": "1"}]
    # The plan file stands for its inputs and events: rebuilding gives the same text.
    assert export_json.render(plan_from_data(saved)) == first.read_text()


def test_sequences_count_the_replans_that_changed_a_dose(tmp_path: Path) -> None:
    plan = save_plan(tmp_path)
    r1, r2, r3 = (tmp_path / f"r{i}.json" for i in (1, 2, 3))
    # revision 1: C1D1 given as planned: nothing moves, every sequence stays 0.
    assert (
        run(
            "replan", str(plan), "--given", "C1D1=2026-12-01", "-f", "json", "-o", str(r1)
        ).exit_code
        == 0
    )
    assert {d["sequence"] for d in doses(json.loads(r1.read_text())).values()} == {0}
    # revision 2: 9-day interruption: C1D15 and everything after moves once.
    assert (
        run("replan", str(r1), "--interrupt", "C1D8=9", "-f", "json", "-o", str(r2)).exit_code == 0
    )
    d2 = doses(json.loads(r2.read_text()))
    assert (d2["C1D1"]["sequence"], d2["C1D15"]["sequence"], d2["C2D1"]["sequence"]) == (0, 1, 1)
    # revision 3: C2D1 given a day later (12-24): cycle 2 and 3 move again; C1D15 does not.
    assert (
        run("replan", str(r2), "--given", "C2D1=2026-12-24", "-f", "json", "-o", str(r3)).exit_code
        == 0
    )
    data3 = json.loads(r3.read_text())
    d3 = doses(data3)
    assert (d3["C1D15"]["sequence"], d3["C2D1"]["sequence"], d3["C3D15"]["sequence"]) == (1, 2, 2)
    assert data3["revision"] == 3 and len(data3["events"]) == 3
    assert export_json.render(plan_from_data(data3)) == r3.read_text()


def test_csv_and_table_carry_the_changes(tmp_path: Path) -> None:
    plan = save_plan(tmp_path)
    r = run("replan", str(plan), "--interrupt", "C1D8=9", "-f", "csv")
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    assert lines[0].split(",")[8:12] == ["status", "planned_date", "sequence", "notes"]
    c1d8 = next(line for line in lines if line.startswith(",1,8,"))
    assert ",omitted," in c1d8 and "9-day interruption" in c1d8
    c1d15 = next(line for line in lines if line.startswith(",1,15,"))
    assert "2026-12-17" in c1d15 and ",2026-12-15,1," in c1d15
    t = run("replan", str(plan), "--interrupt", "C1D8=9")
    assert t.exit_code == 0
    assert "NOT GIVEN" in t.stdout and "planned 2026-12-15" in t.stdout


def test_events_file_csv_and_json_give_the_same_plan_as_options(tmp_path: Path) -> None:
    plan = save_plan(tmp_path)
    by_options = replan_json(
        plan, "--given", "C1D1=2026-12-01", "--interrupt", "C1D8=16:rash", "--held", "C2D15=fever"
    )
    csv_file = tmp_path / "events.csv"
    csv_file.write_text(
        "event,dose,date,days,reason\n"
        "given,C1D1,2026-12-01,,\n"
        "interrupt,C1D8,,16,rash\n"
        "held,C2D15,,,fever\n"
    )
    json_file = tmp_path / "events.json"
    json_file.write_text(
        json.dumps(
            [
                {"event": "given", "dose": "C1D1", "date": "2026-12-01"},
                {"event": "interrupt", "dose": "C1D8", "days": 16, "reason": "rash"},
                {"event": "held", "dose": "C2D15", "reason": "fever"},
            ]
        )
    )
    for f in (csv_file, json_file):
        assert replan_json(plan, "--events", str(f))["cycles"] == by_options["cycles"]


def test_events_file_error_names_the_row(tmp_path: Path) -> None:
    plan = save_plan(tmp_path)
    bad = tmp_path / "events.csv"
    bad.write_text("event,dose,date\ngiven,C1D1,2026-12-01\ngiven,C1D8,2026-12-31\n")
    r = run("replan", str(plan), "--events", str(bad))
    assert r.exit_code == 2
    assert "events.csv row 3" in r.stderr and "window" in r.stderr


# --- the Python API --------------------------------------------------------------------


def _request(response: str = "none") -> PlanRequest:
    return request_from_strings({"start": "2026-12-01", "bsa": "1.82", "response": response})


def test_reduced_doses_split_is_checked_against_the_regimen() -> None:
    req = _request()
    # 0.35 + 0.5 + 0.5 = 1.35 = 0.75 x 1.8: day 1 takes the whole reduction.
    ev = events_from_options(
        [("--interrupt", ["C1D8=16"]), ("--reduced-doses", ["0.35/0.5/0.5"])], 1
    )
    plan: Plan = replan_history(req, ev)
    c2 = plan.cycles[1]
    assert [d.mg_per_m2 for d in c2.doses] == [Decimal("0.35"), Decimal("0.5"), Decimal("0.5")]
    # 0.35 x 1.82 = 0.637 -> 0.64 mg
    assert c2.doses[0].mg == Decimal("0.64")
    bad = events_from_options(
        [("--interrupt", ["C1D8=16"]), ("--reduced-doses", ["0.6/0.5/0.5"])], 1
    )
    with pytest.raises(InputError, match=r"totalling 1\.35 mg/m2"):
        replan_history(req, bad)


def test_given_dates_as_planned_change_nothing() -> None:
    req = _request()
    base = replan_history(req, [])
    ev = events_from_options(
        [("--given", [f"{d.label}={d.date.isoformat()}" for d in base.doses[:4]])], 1
    )
    plan = replan_history(req, ev)

    def key(d: Dose) -> tuple[object, ...]:
        return (d.label, d.date, d.mg, d.sequence)

    assert [key(d) for d in plan.doses] == [key(d) for d in base.doses]
    assert [d.status for d in plan.doses[:5]] == ["given"] * 4 + ["planned"]


def test_summary_shows_the_status_later_cycles_follow(tmp_path: Path) -> None:
    # Planned without CR/CRi (response none); assessed CR, MRD negative, on 2026-12-20,
    # and the decision to proceed to HSCT on 2026-12-21: the summary must not say
    # "none" above cycles planned for a remission.
    plan = save_plan(tmp_path)
    r = run("replan", str(plan), "--assessment", "2026-12-20=cr:negative",
            "--hsct-decision", "2026-12-21=yes")  # fmt: skip
    assert r.exit_code == 0, r.stderr
    flat = " ".join(line.strip(" │") for line in r.stdout.splitlines())
    assert "Response cr, proceeding to HSCT, MRD negative" in " ".join(flat.split())
    assert "first planned as none" in " ".join(flat.split())
