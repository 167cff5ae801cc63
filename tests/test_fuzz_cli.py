"""Generated junk for every option of ``schedule`` and ``bsa``, and in files, through the app.

For each option, Hypothesis builds values that are wrong for it by
construction (empty text where a value is required, unicode digits, NaN,
infinity, exponents, huge and negative numbers, impossible dates, mixed
units, control characters) and passes them with an otherwise valid command.
Every run must end the same way: exit status 2, exactly one line on stderr
that names the option, no traceback, nothing on stdout, no file written.

The valid choices of each option come from the code's own enums, so a new
choice never turns into "junk" that the command accepts.

Files get junk too: a saved plan with any one value replaced (wrong types,
a 5,000-digit number, deep nesting, control characters), event files of junk
records (JSON and CSV) and a batch CSV with one junk cell. Those may be
accepted or refused, but never crash, and a junk batch cell rejects its own
row only.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from inoplan.cli.app import app
from inoplan.cli.options import BsaFormula, FirstCycleDays, PlanFormat
from inoplan.domain.statuses import Mrd, Response

runner = CliRunner()

# --- building blocks --------------------------------------------------------------------

DIGITS = st.text("0123456789", min_size=1, max_size=3)
#: Decimal digits of other scripts (Arabic-Indic, Devanagari, fullwidth...).
UNICODE_DIGITS = st.text(
    st.characters(categories=["Nd"], exclude_characters="0123456789"), min_size=1, max_size=4
)
#: Control characters that are not whitespace: strip() cannot remove them.
CONTROL = st.sampled_from(
    [chr(c) for c in (*range(0x00, 0x09), *range(0x0E, 0x1C), 0x7F, *range(0x80, 0x85))]
    + [chr(c) for c in range(0x86, 0xA0)]
)
NOT_FINITE = st.sampled_from(
    ["nan", "NaN", "-nan", "inf", "-inf", "+inf", "Infinity", "-Infinity", "1e3", "1E-2",
     "0x10", "1_000", "+5", "1,5", "1.2.3", "..", "."]
)  # fmt: skip


def mixed(parts: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """ASCII digits with unicode digits or a control character inside."""
    return st.builds(lambda a, junk, b: a + junk + b, DIGITS, parts, DIGITS)


def text_of(numbers: st.SearchStrategy[int]) -> st.SearchStrategy[str]:
    return numbers.map(str)


NEGATIVE = st.one_of(
    text_of(st.integers(max_value=-1)),
    st.floats(max_value=-0.001, allow_nan=False, allow_infinity=False).map(repr),
)
HUGE = text_of(st.integers(min_value=10**8, max_value=10**400))
NUMERIC_JUNK = st.one_of(
    UNICODE_DIGITS, mixed(UNICODE_DIGITS), mixed(CONTROL), NOT_FINITE, NEGATIVE, HUGE
)

# --- junk for each option -----------------------------------------------------------------

START_JUNK = st.one_of(
    st.sampled_from(
        ["", " ", "0000-00-00", "2026-02-29", "2025-02-29", "2100-02-29", "2026-00-10",
         "2026-12-32", "2026-13-01", "26-12-01", "2026/12/01", "01.12.2026", "12/01/2026",
         "2026-12-1", "2026-12-01T08:00", "20261201", "1999-12-31", "9999-12-31",
         "0001-01-01", "12026-01-01", "today", "tomorrow"]
    ),
    st.builds(lambda y, m, d: f"{y}-{m}-{d}", UNICODE_DIGITS, DIGITS, DIGITS),
    st.builds(lambda c: f"2026-1{c}2-01", CONTROL),
    NEGATIVE,
)  # fmt: skip
HEIGHT_JUNK = st.one_of(
    NUMERIC_JUNK,
    st.just(""),
    text_of(st.integers(0, 49)),  # below 50 cm
    text_of(st.integers(251, 10**9)),  # above 250 cm
    st.sampled_from(
        ["170cm70kg", "170 kg", "1.7m2", "5ft7in3", "5ft 7in 2cm", "67in cm", "170cmcm",
         "3m", "101in", "9ft", "5'7\"'", "m", "cm", "ft", "5 foots 7"]
    ),
)  # fmt: skip
WEIGHT_JUNK = st.one_of(
    NUMERIC_JUNK,
    st.just(""),
    text_of(st.integers(0, 4)),  # below 5 kg
    text_of(st.integers(351, 10**9)),  # above 350 kg
    st.sampled_from(
        ["70kg154lb", "70 cm", "70st", "10lb", "800lb", "70kgss", "lb", "kg", "70 kilo", "1.7m"]
    ),
)
BSA_JUNK = st.one_of(
    NUMERIC_JUNK,
    st.sampled_from(["0", "0.24", "4.01", "5", "1.823", "1.8m2", "1.8 m2", "2.0.0"]),
)
CAP_JUNK = st.one_of(NUMERIC_JUNK, st.sampled_from(["0", "0.1", "4.1", "50", "2m2"]))
CYCLES_JUNK = st.one_of(
    NUMERIC_JUNK,
    st.sampled_from(["0", "00", "2.5", "one", "6 cycles"]),
    text_of(st.integers(7, 10**6)),  # above the CR/CRi limit of 6 (spec section 4)
)
BLASTS_JUNK = st.one_of(
    NUMERIC_JUNK,
    st.sampled_from(["1.5", "10,000", "10 000", "1e4", "lots"]),
    text_of(st.integers(10**7 + 1, 10**40)),
)
PATIENT_ID_JUNK = st.one_of(
    st.sampled_from(["Jane Doe", "Zoë", "-x", ".x", "a b", "x\ty", "名前", "O'Brien"]),
    st.text("abc123", min_size=65, max_size=80),
    st.builds(lambda a, c, b: a + c + b, DIGITS, CONTROL, DIGITS),
    UNICODE_DIGITS,
)


def not_a_choice(*choices: str) -> st.SearchStrategy[str]:
    taken = {c.casefold() for c in choices}
    return st.one_of(
        st.text(max_size=12), UNICODE_DIGITS, mixed(CONTROL), st.sampled_from(["", " "])
    ).filter(lambda s: s.casefold() not in taken)


def values(enum: type[Enum]) -> tuple[str, ...]:
    """The valid choices, from the code's own enum (never a copy that can go stale)."""
    return tuple(str(member.value) for member in enum)


FORMULAS = values(BsaFormula)

BASE = ["schedule", "--start", "2026-12-01", "--response", "cr"]
BY_SIZE = ["--height", "170", "--weight", "70"]

#: option -> (the valid command without it, junk for it, one junk value tried on every run).
#: The refusal must name the option.
Table = dict[str, tuple[list[str], st.SearchStrategy[str], str]]
SCHEDULE: Table = {
    "--start": (["schedule", "--bsa", "1.8"], START_JUNK, "2026-02-29"),  # not a leap year
    "--height": ([*BASE, "--weight", "70"], HEIGHT_JUNK, "5ft 7in 2cm"),
    "--weight": ([*BASE, "--height", "170"], WEIGHT_JUNK, "\u0667\u0660"),  # Arabic-Indic 70
    "--bsa": (BASE, BSA_JUNK, "nan"),
    "--bsa-cap": ([*BASE, *BY_SIZE], CAP_JUNK, "1e3"),
    "--bsa-formula": ([*BASE, *BY_SIZE], not_a_choice(*FORMULAS), "mosteller2"),
    "--response": (["schedule", "--start", "2026-12-01", "--bsa", "1.8"],
                   not_a_choice(*values(Response)), "complete"),
    "--mrd": ([*BASE, "--bsa", "1.8", "--hsct"], not_a_choice(*values(Mrd)), "neg"),
    # 7 cycles: above the CR/CRi limit of 6 (spec section 4).
    "--cycles": ([*BASE, "--bsa", "1.8"], CYCLES_JUNK, "7"),
    "--first-cycle-days": ([*BASE, "--bsa", "1.8"], not_a_choice(*values(FirstCycleDays)),
                           "35"),
    "--patient-id": ([*BASE, "--bsa", "1.8"], PATIENT_ID_JUNK, "Jane Doe"),
    "--blasts": ([*BASE, "--bsa", "1.8"], BLASTS_JUNK, "10,000"),
    "--format": ([*BASE, "--bsa", "1.8"], not_a_choice(*values(PlanFormat)), "xml"),
}  # fmt: skip
BSA_COMMAND: Table = {
    "--height": (["bsa", "--weight", "70"], HEIGHT_JUNK, "170cmcm"),
    "--weight": (["bsa", "--height", "170"], WEIGHT_JUNK, "70st"),
    "--bsa-formula": (["bsa", *BY_SIZE], not_a_choice(*FORMULAS), ""),
}
#: Flags take no value: giving one is junk too.
FLAGS = [("schedule", "--hsct"), ("schedule", "--force"), ("bsa", "--all")]

#: Generated examples per option (and per kind of junk file). A few per option keep the
#: suite fast; ``INOPLAN_FUZZ_EXAMPLES=200 python -m pytest tests/test_fuzz_cli.py`` searches
#: longer. Every option also runs its hand-picked @example on every run.
PER_OPTION = int(os.environ.get("INOPLAN_FUZZ_EXAMPLES", "6"))


def fuzz(options: int = 1) -> settings:
    return settings(
        max_examples=PER_OPTION * options,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
    )


def junk_in_any_option(table: Table) -> Callable[[Callable[..., None]], Any]:
    """One property over every option of ``table``: ``case`` is an option and junk for it.

    Each option's own junk value runs as an @example on every run, so no option waits
    for the search to draw it; a failure names the option and the value.
    """
    cases = st.sampled_from(list(table)).flatmap(
        lambda option: st.tuples(st.just(option), table[option][1])
    )

    def decorate(test: Callable[..., None]) -> Any:
        wrapped: Any = given(case=cases)(test)
        for option, (_, _, value) in table.items():
            wrapped = example(case=(option, value))(wrapped)
        return fuzz(len(table))(wrapped)

    return decorate


def check_refused(args: list[str], option: str, folder: Path) -> None:
    result = runner.invoke(app, args)
    context = f"{args!r} -> {result.exit_code} {result.stderr!r}"
    assert result.exit_code == 2, context
    assert result.stderr.startswith("inoplan: error: "), context
    assert result.stderr.count("\n") == 1 and result.stderr.endswith("\n"), context
    assert option in result.stderr, context
    assert "Traceback" not in result.output, context
    assert result.stdout == "", context
    assert os.listdir(folder) == [], context


def in_fresh_folder(check: Callable[[Path], None]) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        old = Path.cwd()
        os.chdir(folder)
        try:
            check(folder)
        finally:
            os.chdir(old)


@junk_in_any_option(SCHEDULE)
def test_schedule_refuses_junk_in_every_option(case: tuple[str, str]) -> None:
    option, value = case
    base = SCHEDULE[option][0]

    def check(folder: Path) -> None:
        out = ["--format", "json", "-o", str(folder / "plan.json")]
        if option == "--format":
            out = ["-o", str(folder / "plan.txt")]
        check_refused([*base, f"{option}={value}", *out], option, folder)

    in_fresh_folder(check)


@junk_in_any_option(BSA_COMMAND)
def test_bsa_refuses_junk_in_every_option(case: tuple[str, str]) -> None:
    option, value = case
    base = BSA_COMMAND[option][0]
    in_fresh_folder(lambda folder: check_refused([*base, f"{option}={value}"], option, folder))


OUTPUT_JUNK = st.one_of(
    st.just(""),
    st.builds(lambda d: f"no-such-folder-{d}/plan.json", DIGITS),
    st.just("."),
    st.text("x", min_size=256, max_size=300),  # longer than a file name may be
    st.builds(lambda a, b: f"{a}\x00{b}", DIGITS, DIGITS),
)


@fuzz(3)
@given(value=OUTPUT_JUNK)
def test_schedule_refuses_unusable_output_names(value: str) -> None:
    args = [*BASE, "--bsa", "1.8", "--format", "csv", f"--output={value}"]
    in_fresh_folder(lambda folder: check_refused(args, "--output", folder))


#: Values given to a flag: each one, for every flag (few enough to try them all).
FLAG_VALUES = ["", "yes", "no", "1", "true", "\x1b[31m"]


@pytest.mark.parametrize(("command", "flag"), FLAGS)
def test_flags_given_a_value_are_refused(command: str, flag: str) -> None:
    base = [*BASE, "--bsa", "1.8", "-o", "plan.csv"] if command == "schedule" else ["bsa", *BY_SIZE]
    for value in FLAG_VALUES:
        args = [*base, f"{flag}={value}"]
        in_fresh_folder(lambda folder, args=args: check_refused(args, flag, folder))


def test_an_existing_output_is_refused_and_kept(tmp_path: Path) -> None:
    target = tmp_path / "plan.csv"
    target.write_text("previous")
    result = runner.invoke(app, [*BASE, "--bsa", "1.8", "-f", "csv", "-o", str(target)])
    assert result.exit_code == 2
    assert "--output" in result.stderr and result.stderr.count("\n") == 1
    assert target.read_text() == "previous"


# --- junk in files: saved plans, event files, batch CSV cells -------------------------------

HUGE_MARK = "<huge number>"


def as_json(value: object) -> str:
    """JSON text, with a number of 5,000 digits where :data:`HUGE_MARK` stands."""
    return json.dumps(value).replace(json.dumps(HUGE_MARK), "9" * 5000)


#: Values that replace one value of a file: wrong types, huge and deep, control characters.
FILE_VALUE_JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.just(HUGE_MARK),  # becomes a number of more digits than int() converts
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    st.sampled_from(["9999-12-31", "0001-01-01", "C99D99", "", "\x00\x1b[31m", "Jane Doe"]),
    st.builds(lambda n: _nested(n), st.integers(1, 60)),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3),
)


def _nested(depth: int) -> list[object]:
    value: list[object] = []
    for _ in range(depth):
        value = [value]
    return value


def _paths(value: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Every path to a value inside ``value`` (keys and indexes)."""
    out = [prefix] if prefix else []
    if isinstance(value, dict):
        for k, v in value.items():
            out.extend(_paths(v, (*prefix, k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out.extend(_paths(v, (*prefix, i)))
    return out


def _replaced(data: object, path: tuple[object, ...], new: object) -> object:
    import copy

    out = copy.deepcopy(data)
    target: Any = out
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = new
    return out


def check_no_crash(result: Any, allowed: tuple[int, ...], context: str) -> None:
    """Refused or accepted, but never a crash: one line at most, no internal error."""
    context = f"{context} -> {result.exit_code} {result.stderr[:300]!r}"
    assert result.exit_code in allowed, context
    assert "internal error" not in result.stderr, context
    assert "Traceback" not in result.output, context
    if result.exit_code == 2:
        assert result.stderr.count("\n") == 1, context


_PLAN_CACHE: dict[str, Any] = {}


def _saved_plan() -> Any:
    if "plan" not in _PLAN_CACHE:
        args = [*BASE, "--bsa", "1.8", "--format", "json"]
        plan = json.loads(runner.invoke(app, [*args, "--patient-id", "A1"]).stdout)
        _PLAN_CACHE["plan"] = plan
    return _PLAN_CACHE["plan"]


@fuzz(4)
@given(data=st.data())
def test_a_saved_plan_with_any_value_replaced_never_crashes(data: st.DataObject) -> None:
    plan = _saved_plan()
    path = data.draw(st.sampled_from(_paths(plan)), label="path")
    new = data.draw(FILE_VALUE_JUNK, label="value")
    text = as_json(_replaced(plan, path, new))

    def check(folder: Path) -> None:
        saved = folder / "plan.json"
        saved.write_text(text, encoding="utf-8")
        context = f"{path!r}={new!r:.80}"
        check_no_crash(runner.invoke(app, ["verify", str(saved)]), (0, 1, 2), context)
        result = runner.invoke(app, ["replan", str(saved), "--given", "C1D1=2026-12-01"])
        check_no_crash(result, (0, 2), context)

    in_fresh_folder(check)


EVENT_KEYS = ("event", "dose", "date", "reason", "days", "response", "mrd", "decision",
              "revision", "junk")  # fmt: skip


@fuzz(2)
@given(
    records=st.lists(
        st.dictionaries(st.sampled_from(EVENT_KEYS), FILE_VALUE_JUNK, max_size=4), max_size=3
    ),
    as_csv=st.booleans(),
)
# A yes/no value where text is expected: read as "yes", refused as a dose name.
@example(records=[{"event": "given", "dose": True, "date": "2026-12-01"}], as_csv=False)
def test_an_events_file_of_junk_never_crashes(records: list[dict[str, Any]], as_csv: bool) -> None:
    plan = _saved_plan()

    def check(folder: Path) -> None:
        saved = folder / "plan.json"
        saved.write_text(json.dumps(plan), encoding="utf-8")
        if as_csv:
            events = folder / "events.csv"
            with events.open("w", newline="", encoding="utf-8") as fh:
                writer = csv.writer(fh)
                writer.writerow(EVENT_KEYS)
                for r in records:
                    writer.writerow([str(r.get(k, ""))[:200] for k in EVENT_KEYS])
        else:
            events = folder / "events.json"
            events.write_text(as_json(records), encoding="utf-8")
        result = runner.invoke(app, ["replan", str(saved), "--events", str(events)])
        check_no_crash(result, (0, 2), f"{records!r:.200}")

    in_fresh_folder(check)


BATCH_COLUMNS = ("patient_id", "start", "height", "weight", "bsa", "response", "hsct", "mrd",
                 "cycles", "first_cycle_days", "bsa_formula", "bsa_cap", "blasts",
                 "clinic_days", "holidays", "time", "tz", "location")  # fmt: skip
GOOD_ROW = {"patient_id": "B2", "start": "2026-12-01", "bsa": "1.8", "response": "cr"}
CELL_JUNK = st.one_of(
    NUMERIC_JUNK,
    st.text(max_size=30),
    st.just("9" * 5000),
    st.sampled_from(["Jane Doe", "Doe, Jane", "=1+1", "\x00", "a\x1b[31mb", "5ft13in"]),
)


@fuzz(3)
@given(column=st.sampled_from(BATCH_COLUMNS), value=CELL_JUNK, ics=st.booleans())
def test_a_junk_batch_cell_rejects_only_its_row(column: str, value: str, ics: bool) -> None:
    row = {"patient_id": "A1", "start": "2026-12-01", "bsa": "1.8", "response": "cr"}
    if column in ("height", "weight"):
        row = {"patient_id": "A1", "start": "2026-12-01", "height": "170", "weight": "70",
               "response": "cr"}  # fmt: skip
    row[column] = value

    def check(folder: Path) -> None:
        source = folder / "patients.csv"
        with source.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(BATCH_COLUMNS)
            for r in (row, GOOD_ROW):
                writer.writerow([r.get(c, "") for c in BATCH_COLUMNS])
        args = ["batch", str(source), "--out", str(folder / "out"), "-q", "-j", "1"]
        args += ["--format", "ics", "--tz", "UTC"] if ics else []
        result = runner.invoke(app, args)
        check_no_crash(result, (0, 1), f"{column}={value!r:.80}")
        assert (folder / "out" / "patients" / f"B2.{'ics' if ics else 'json'}").exists()
        summary = (folder / "out" / "summary.json").read_text(encoding="utf-8")
        if value in ("Jane Doe", "Doe, Jane"):
            assert "Jane" not in summary and "Jane" not in result.stderr  # never echoed

    in_fresh_folder(check)
