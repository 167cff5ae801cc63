"""``inoplan balance``: the unit's plans in, the balancer's answer and the re-planned plans out.

Reads SOURCE with the worklist's reader (:func:`inoplan.services.worklist.load_patients`:
a folder of saved plans, one plan, or a patients CSV), so every plan is rebuilt
from what it records. Turns each plan into a :class:`~inoplan.domain.balance.Course`
(:func:`course_of`), solves (:func:`inoplan.domain.balance.solve`) and, with
``--apply``, re-plans each changed plan through :func:`inoplan.domain.replan.engine.replan_history`
with one ``moved`` event per moved dose (:func:`apply_moves`), exactly as
``inoplan replan`` records events: the revision goes up by one, each moved
dose's ``sequence`` rises, so a calendar re-imported from the new plan updates
its appointment. No terminal and no printing here.

inoplan's own choices [inoplan], stated in the README:

- a dose already given, or dated before today, never moves, and no dose moves
  onto a day before today: the past is not re-planned;
- without ``--clinic-days`` the unit is open every day; a course's own clinic
  days and holidays (recorded in its plan) are kept as well, whatever the unit's;
- a plan without a patient id is named by its file (or CSV line) in the report;
- ``--apply --out DIR`` writes the changed plans only, under the names they
  had (a patients CSV: ``<patient id>.json``), and ``balance-moves.csv``, the
  moves, which also marks the folder as a balance output: ``--force`` replaces
  only such a folder.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from inoplan.domain.balance import (
    BalanceDose,
    BalanceProblem,
    Chairs,
    ClosedDays,
    Course,
    Move,
    Solution,
)
from inoplan.domain.clinic import ClinicCalendar, calendar_for
from inoplan.domain.clinic_days import ALL_DAYS
from inoplan.domain.errors import InputError, quoted
from inoplan.domain.plan import Plan
from inoplan.domain.rules import WEEKDAY_NAMES, Vial
from inoplan.services.worklist import PatientSource

#: The file that marks an ``--apply --out`` folder, and lists the moves.
MOVES_CSV = "balance-moves.csv"
#: The most chairs a day may have [inoplan]: a bound against a typing error.
MAX_CHAIRS = 500
#: How many times the moves are re-applied with the dates pinned where a
#: neighbour's move let the planner place a dose differently.
PIN_ROUNDS = 3


@dataclass(frozen=True)
class BalanceOptions:
    """What the command was asked, parsed."""

    first: dt.date
    last: dt.date
    chairs: Chairs
    clinic_days: frozenset[int] | None
    holidays: str | None
    vial: Vial
    share_vials: bool
    vial_price: Decimal | None
    today: dt.date


@dataclass(frozen=True)
class Balanced:
    """The unit, the answer, and what a person must look at."""

    options: BalanceOptions
    problem: BalanceProblem
    solution: Solution
    #: Patient id (or file) -> the source it came from.
    sources: dict[str, PatientSource]
    warnings: tuple[str, ...]
    notes: tuple[str, ...]

    def cost(self, vials: int) -> Decimal | None:
        price = self.options.vial_price
        return None if price is None else price * vials


def parse_chairs(text: str, field: str = "--chairs") -> int:
    from inoplan.domain.units import parse_int

    value = text.strip()
    if value.isascii() and value.isdigit() and int(value) < 1:
        raise InputError(field, f"{value} is not allowed; give at least 1 chair")
    return parse_int(value, field, 1, MAX_CHAIRS)


def parse_chairs_on(text: str, field: str = "--chairs-on") -> tuple[tuple[int, int], ...]:
    """``mon=4,fri=2`` -> ((0, 4), (4, 2)): chairs by weekday."""
    out: dict[int, int] = {}
    for part in text.split(","):
        name, sep, number = part.partition("=")
        key = name.strip().lower()[:3]
        if not sep or key not in WEEKDAY_NAMES or name.strip().lower() not in (key, _long(key)):
            raise InputError(
                field, f"{quoted(part.strip()[:20])} is not WEEKDAY=N; write e.g. mon=4,fri=2"
            )
        day = WEEKDAY_NAMES.index(key)
        if day in out:
            raise InputError(field, f"{key} is given twice")
        number = number.strip()
        if number.isascii() and number.isdigit() and int(number) < 1:
            raise InputError(
                field,
                f"{key}={number} is not allowed; give at least 1 chair, or close the day with "
                "--clinic-days",
            )
        out[day] = parse_chairs(number, field)
    return tuple(sorted(out.items()))


def _long(key: str) -> str:
    return {
        "mon": "monday",
        "tue": "tuesday",
        "wed": "wednesday",
        "thu": "thursday",
        "fri": "friday",
        "sat": "saturday",
        "sun": "sunday",
    }[key]


def parse_vial_price(text: str, field: str = "--vial-price") -> Decimal:
    from inoplan.domain.units import parse_decimal

    value = parse_decimal(text, field, "a price such as 24000")
    if value <= 0 or value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise InputError(field, "give a price above 0, to 0.01 at most")
    return value


# --- the problem from the plans -------------------------------------------------------------


def who(source: PatientSource) -> str:
    """The patient id, or the file (CSV line) where the plan carries none."""
    return source.request.patient_id or f"({source.where})"


def course_of(source: PatientSource, first: dt.date, last: dt.date, today: dt.date) -> Course:
    """One plan as a course: its doses still in it, each with its regimen date.

    The regimen date of a dose is its cycle's day 1 plus the cycle day, as the
    re-planning engine dates its window. A dose given, or dated before
    ``today``, is fixed. The course's own closed days in the period, and the
    days before ``today``, are days none of its doses moves onto.
    """
    plan = source.plan
    doses = tuple(
        BalanceDose(
            cycle=d.cycle,
            day=d.day,
            regimen_date=c.start + dt.timedelta(days=d.day - 1),
            date=d.date,
            mg=d.mg,
            fixed=d.status == "given" or d.date < today,
        )
        for c in plan.cycles
        for d in c.doses
    )
    calendar = calendar_for(plan.request)
    closed = set()
    day = first
    while day <= last:
        if day < today or (calendar.restricts and calendar.why_closed(day) is not None):
            closed.add(day)
        day += dt.timedelta(days=1)
    return Course(who(source), doses, frozenset(closed))


def unit_closed(options: BalanceOptions) -> ClosedDays:
    """The unit's closed weekdays and holidays (in the period)."""
    weekdays = options.clinic_days if options.clinic_days is not None else ALL_DAYS
    calendar = ClinicCalendar.from_options(weekdays, options.holidays)
    dates = set()
    if options.holidays:
        day = options.first
        while day <= options.last:
            if calendar.why_closed(day) is not None and day.weekday() in weekdays:
                dates.add(day)
            day += dt.timedelta(days=1)
    return ClosedDays(weekdays=frozenset(range(7)) - weekdays, dates=frozenset(dates))


def build_problem(sources: Sequence[PatientSource], options: BalanceOptions) -> BalanceProblem:
    courses = tuple(course_of(s, options.first, options.last, options.today) for s in sources)
    return BalanceProblem(
        first=options.first,
        last=options.last,
        chairs=options.chairs,
        courses=courses,
        closed=unit_closed(options),
        vial=options.vial,
        share_vials=options.share_vials,
    )


def balance(
    sources: Sequence[PatientSource],
    options: BalanceOptions,
    time_limit_s: float = 10.0,
    workers: int = 2,
) -> Balanced:
    """Solve the unit; the warnings name every day still over its chairs."""
    from inoplan.domain.balance import solve

    problem = build_problem(sources, options)
    solution = solve(problem, time_limit_s=time_limit_s, workers=workers)
    warnings: list[str] = []
    for d in solution.overflow_days:
        warnings.append(
            f"{d.date.isoformat()} ({WEEKDAY_NAMES[d.date.weekday()]}): {d.doses_after} doses "
            f"for {d.chairs} chairs{' (a closed day)' if d.closed else ''} even after balancing: "
            "the label's windows leave no room; arrange it by hand"
        )
    if solution.status != "optimal":
        warnings.append(
            f"the solver's time limit ran out before it proved the best answer (within "
            f"{solution.gap:.1%} on {solution.levels[0].name if solution.levels else 'overflow'}"
            "): every move keeps the rules, but a better one may exist; raise --time-limit"
        )
    notes = [
        "days 8 and 15 move within +/- 2 days of their regimen date, at least 6 days from "
        "the doses before and after them; day 1 never moves; doses given or dated before "
        "today never move",
        "counted: the doses whose regimen date lies in the period (a dose a clinic-day move "
        "dates inside the period from outside it is not counted)",
    ]
    if options.share_vials:
        notes.append(
            "vial sharing: all doses of a day are counted as one session drawing on shared "
            "vials, as inoplan worklist counts doses without a planned time; share "
            "single-dose vials only where local policy allows"
        )
    if options.vial.note:
        notes.append(options.vial.note)
    return Balanced(
        options=options,
        problem=problem,
        solution=solution,
        sources={who(s): s for s in sources},
        warnings=tuple(warnings),
        notes=tuple(notes),
    )


# --- applying the moves ---------------------------------------------------------------------


@dataclass(frozen=True)
class Applied:
    """One re-planned plan: the file name to write and the plan."""

    name: str
    patient: str
    plan: Plan
    moves: tuple[Move, ...]


def apply_moves(result: Balanced, on_plan: Callable[[], None] | None = None) -> list[Applied]:
    """Re-plan every plan with a moved dose, one ``moved`` event per move.

    The new plan must date every counted dose where the answer puts it and
    every other dose where it was; where a neighbour's move lets the planner
    place a dose differently (a clinic-day placement), that dose is pinned with
    a ``moved`` event of its own to the date the answer counts, up to
    :data:`PIN_ROUNDS` times. Raises :class:`InputError` when a plan still
    differs: nothing is written then.
    """
    from inoplan.domain.replan.engine import replan_history
    from inoplan.domain.replan.event_values import DoseRef
    from inoplan.domain.replan.events import Event, Moved
    from inoplan.inputs.saved_plan import events_from_saved
    from inoplan.services.batch import file_stem

    by_patient: dict[str, list[Move]] = {}
    for m in result.solution.moves:
        by_patient.setdefault(m.patient_id, []).append(m)
    out: list[Applied] = []
    names: set[str] = set()
    for patient, moves in sorted(by_patient.items()):
        source = result.sources[patient]
        old = source.plan
        revision = old.revision + 1
        recorded: list[Event] = events_from_saved([dict(r) for r in old.events], source.where)
        want = {(d.cycle, d.day): d.date for d in old.doses}
        for m in moves:
            want[(m.cycle, m.day)] = m.after
        new: list[Event] = [
            Moved("inoplan balance", revision, DoseRef(m.cycle, m.day), m.after, m.why)
            for m in moves
        ]
        plan = replan_history(old.request, [*recorded, *new], strict=True)
        for _ in range(PIN_ROUNDS):
            got = {(d.cycle, d.day): d.date for d in plan.doses}
            wrong = sorted(k for k, v in want.items() if got.get(k) != v)
            if not wrong:
                break
            pinned = {(e.dose.cycle, e.dose.day) for e in new if isinstance(e, Moved)}
            pins = [k for k in wrong if k[1] != 1 and k not in pinned]
            if not pins:
                break
            new += [
                Moved(
                    "inoplan balance",
                    revision,
                    DoseRef(c, d),
                    want[(c, d)],
                    f"kept on {want[(c, d)].isoformat()}, where the balanced unit counts it",
                )
                for c, d in pins
            ]
            plan = replan_history(old.request, [*recorded, *new], strict=True)
        got = {(d.cycle, d.day): d.date for d in plan.doses}
        wrong = sorted(k for k, v in want.items() if got.get(k) != v)
        if wrong:
            c, d = wrong[0]
            raise InputError(
                patient,
                f"C{c}D{d} cannot be re-planned on {want[(c, d)].isoformat()} (the planner "
                f"gives {got[(c, d)].isoformat() if (c, d) in got else 'no date'}); nothing "
                "was written: balance this course by hand",
            )
        name = source.where if source.where.endswith(".json") else ""
        if not name or "/" in name or " " in name:
            name = f"{file_stem(source.request.patient_id or patient)}.json"
        if name.lower() in names:
            raise InputError(patient, f"gives the file name {name}, already used; ids must differ")
        names.add(name.lower())
        out.append(Applied(name, patient, plan, tuple(moves)))
        if on_plan is not None:
            on_plan()
    return out


def is_balance_output(folder: Path) -> bool:
    """Whether ``folder`` is an earlier ``--apply --out``: its moves file and plans only."""
    try:
        entries = list(folder.iterdir())
    except OSError:
        return False
    names = {e.name for e in entries}
    return MOVES_CSV in names and all(
        e.name == MOVES_CSV or (e.suffix == ".json" and e.is_file()) for e in entries
    )


def write_applied(out_dir: Path, applied: Sequence[Applied], moves_csv: str, force: bool) -> None:
    """The changed plans and the moves, as one folder, moved into place whole."""
    from inoplan.export import json as export_json
    from inoplan.files import StagedFolder

    with StagedFolder(out_dir, force, is_balance_output) as staging:
        try:
            for a in applied:
                _write_new(staging / a.name, export_json.render(a.plan).encode("utf-8"))
            _write_new(staging / MOVES_CSV, moves_csv.encode("utf-8"))
        except OSError as e:
            reason = e.strerror or e.__class__.__name__
            raise InputError(
                "--out", f"cannot write {str(out_dir)!r}: {reason}; it was left as it was"
            ) from None


def _write_new(path: Path, data: bytes) -> None:
    """A new file in the staging folder, on disk before the folder is moved into place."""
    with path.open("xb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
