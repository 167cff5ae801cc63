"""The Python API: plan, re-plan, prepare and verify from a script, as the commands do.

Four functions, each the command of the same name without the terminal::

    >>> import inoplan
    >>> plan = inoplan.schedule(start="2026-12-01", height="170", weight="70", response="cr")
    >>> plan.to_dict()["cycles"][0]["doses"][0]["mg"]  # 0.8 mg/m2 x 1.82 m2, to 0.01 mg
    1.46

- :func:`schedule` plans a course (``inoplan schedule``) and returns a :class:`Plan`;
- :func:`replan` records events in a saved plan (``inoplan replan``), a new :class:`Plan`;
- :func:`prep` gives the compounding worksheet of one dose (``inoplan prep``);
- :func:`verify` re-derives a saved plan and reports every difference (``inoplan verify``).

They run the same code as the commands (``inoplan.services``), so they accept
and refuse exactly the same values. ``to_dict()`` is what ``--format json``
prints, read back with :func:`json.loads`.

Values are given as the text a user would type (``"5ft7in"``, ``"154lb"``,
``"1.82"``) or as numbers (a bare number is centimetres, kilograms, m2 or mg,
as on the command line); dates as ``YYYY-MM-DD`` text or :class:`datetime.date`.
Bad input raises :class:`InputError` (``inoplan.InputError``): ``field`` names
the keyword argument (``height``, ``dose_mg``, ``plan: inputs.weight``,
``events[0].date``), ``detail`` says what is allowed, in the command line's
words. Nothing is printed and no file is written. "Today" (a start in the past
warns, a dose given after today is refused) is the system date, or
``INOPLAN_TODAY`` when set, as for the commands.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, time
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeAlias

from inoplan.domain.errors import InoplanError, InputError

if TYPE_CHECKING:
    from inoplan.domain import plan as domain_plan
    from inoplan.services.prep import PreparedDose
    from inoplan.services.verify import Report

__all__ = [
    "InoplanError",
    "InputError",
    "Plan",
    "PlanSource",
    "Value",
    "Worksheet",
    "prep",
    "replan",
    "schedule",
    "verify",
]

#: A value as typed (``"5ft7in"``, ``"1.82"``) or a number (cm, kg, m2, mg as on the command line).
Value: TypeAlias = str | int | float | Decimal


class Plan:
    """A planned course, as :func:`schedule` and :func:`replan` return it.

    >>> plan = inoplan.schedule(start="2026-12-01", bsa="1.82", response="none")
    >>> data = plan.to_dict()
    >>> data["schema"], data["cycle_limit"]["cycles"]
    ('inoplan.plan/1', 3)
    >>> plan.to_json()[:1]
    '{'
    """

    __slots__ = ("_plan",)

    def __init__(self, plan: domain_plan.Plan) -> None:
        self._plan = plan

    def to_json(self) -> str:
        """The plan as ``inoplan schedule --format json`` writes it (schema ``inoplan.plan/1``).

        Save it to a file to re-plan or verify it later, from Python or the command line.
        """
        from inoplan.export.json import render

        return render(self._plan)

    def to_dict(self) -> dict[str, Any]:
        """The plan as JSON data: exactly ``json.loads(plan.to_json())``.

        >>> plan.to_dict()["warnings"]    # what a person must act on
        [...]
        """
        import json

        data: dict[str, Any] = json.loads(self.to_json())
        return data

    def __repr__(self) -> str:
        p = self._plan
        return (
            f"<inoplan.Plan start={p.request.start.isoformat()} cycles={len(p.cycles)} "
            f"doses={len(p.doses)} revision={p.revision}>"
        )


#: A saved plan: its JSON data (``json.load``), a :class:`Plan`, or the path of its file.
PlanSource: TypeAlias = Mapping[str, Any] | Plan | str | os.PathLike[str]


class Worksheet:
    """The compounding worksheet of one dose, as :func:`prep` returns it.

    >>> ws = inoplan.prep(dose_mg="1.46", reconstituted_at="08:15")
    >>> ws.to_dict()["dose_mg"]
    1.46
    """

    __slots__ = ("_prepared",)

    def __init__(self, prepared: PreparedDose) -> None:
        self._prepared = prepared

    def to_dict(self) -> dict[str, Any]:
        """The worksheet as JSON data: exactly what ``inoplan prep --format json`` prints."""
        import json

        data: dict[str, Any] = json.loads(self.to_json())
        return data

    def to_json(self) -> str:
        """The worksheet as ``inoplan prep --format json`` writes it (schema ``inoplan.prep/1``)."""
        from inoplan.export.json import dumps

        return dumps(self._prepared.to_dict())

    def to_csv(self) -> str:
        """The worksheet as ``inoplan prep --format csv`` writes it: a header and one row."""
        from inoplan.export.pharmacy import worksheet_csv

        return worksheet_csv(self._prepared.worksheet)

    def __repr__(self) -> str:
        return f"<inoplan.Worksheet {self._prepared.heading!r}>"


def schedule(
    *,
    start: str | date,
    height: Value | None = None,
    weight: Value | None = None,
    bsa: Value | None = None,
    bsa_formula: str = "mosteller",
    bsa_cap: Value | None = None,
    response: str = "pending",
    hsct: bool = False,
    mrd: str = "unknown",
    cycles: int | str | None = None,
    first_cycle_days: int | str = 21,
    patient_id: str | None = None,
    blasts: int | str | None = None,
    clinic_days: str | None = None,
    holidays: str | None = None,
) -> Plan:
    """Plan a whole course, as ``inoplan schedule`` does; each keyword is the option of that name.

    Give ``height`` and ``weight`` (``"170"``, ``"5ft7in"``; ``"70"``,
    ``"154lb"``), or ``bsa`` in m2. ``response`` is ``pending``, ``none``,
    ``cr`` or ``cri``; ``clinic_days`` is text such as ``"mon-fri"``;
    ``holidays`` a country such as ``"DE-BY"``.

    >>> plan = inoplan.schedule(start="2026-12-01", height="170", weight="70", response="cr")
    >>> [d["label"] for d in plan.to_dict()["cycles"][0]["doses"]]
    ['C1D1', 'C1D8', 'C1D15']
    >>> inoplan.schedule(start="2026-12-01", height="17", weight="70")
    Traceback (most recent call last):
    inoplan.domain.errors.InputError: height: ...

    Raises :class:`InputError` naming the keyword (``height``) on bad input.
    """
    from inoplan.inputs.clock import today
    from inoplan.services.schedule import plan_schedule

    with _keyword_fields():
        plan = plan_schedule(
            start=_text(start) or "",
            today=today(),
            height=_text(height),
            weight=_text(weight),
            bsa=_text(bsa),
            bsa_formula=bsa_formula,
            bsa_cap=_text(bsa_cap),
            response=response,
            hsct=_flag(hsct, "hsct"),
            mrd=mrd,
            cycles=_text(cycles),
            first_cycle_days=_text(first_cycle_days),
            patient_id=patient_id,
            blasts=_text(blasts),
            clinic_days=clinic_days,
            holidays=holidays,
            field=lambda name: name,
        )
    return Plan(plan)


def replan(
    plan: PlanSource,
    events: Iterable[Mapping[str, object]],
    *,
    recalc_threshold: Value | None = None,
) -> Plan:
    """Record what happened in a saved plan and re-plan the rest, as ``inoplan replan`` does.

    ``plan`` is a saved plan's JSON data, a :class:`Plan`, or its file's path.
    ``events`` are objects with the keys of an ``--events`` file (README,
    "Event files"): ``event`` (``given``, ``held``, ``interrupt``,
    ``assessment``, ``hsct_decision``, ``discontinue``, ``two_dose_days``,
    ``reduced_doses``, ``measured``) and that kind's keys; values are text,
    numbers, yes/no booleans or dates. ``recalc_threshold`` is the
    ``--recalc-threshold`` for new measurements. The result records the events
    (``revision`` one higher): save its ``to_json()`` to re-plan it again.

    >>> plan2 = inoplan.replan(plan.to_dict(), events=[
    ...     {"event": "given", "dose": "C1D1", "date": "2026-12-01"},
    ...     {"event": "interrupt", "dose": "C1D8", "days": 9, "reason": "grade 3 rash"},
    ... ])
    >>> plan2.to_dict()["revision"]
    1
    """
    from inoplan.inputs.clock import today
    from inoplan.inputs.event_files import events_from_records
    from inoplan.services.replan import open_saved, replan_saved

    with _keyword_fields():
        saved = open_saved(_plan_data(plan), "plan")
        new = events_from_records(_event_records(events), saved.next_revision)
        if not new:
            raise InputError("events", "no event given; record at least one")
        result = replan_saved(saved, new, today(), _text(recalc_threshold))
    return Plan(result)


def prep(
    plan: PlanSource | None = None,
    *,
    dose_mg: Value | None = None,
    cycle: int | str | None = None,
    day: int | str | None = None,
    height: Value | None = None,
    weight: Value | None = None,
    bsa: Value | None = None,
    bsa_formula: str = "mosteller",
    response: str = "pending",
    market: str = "us",
    reconstituted_at: str | time | None = None,
) -> Worksheet:
    """The compounding worksheet for one dose, as ``inoplan prep`` does.

    Give exactly one source of the dose: ``dose_mg``; a saved ``plan`` with
    ``cycle`` and ``day``; or ``height`` and ``weight`` (or ``bsa``) with
    ``cycle``, ``day`` and ``response``. ``market`` is ``us`` or ``eu`` (the
    vial); ``reconstituted_at`` (``"08:15"``) adds the latest times to dilute
    and to finish the infusion.

    >>> inoplan.prep(dose_mg="1.46").to_dict()["vials"]
    2
    >>> inoplan.prep(plan.to_dict(), cycle=2, day=8, market="eu").to_dict()["dose"]["date"]
    '2026-12-29'
    """
    from inoplan.services.prep import prepare_dose

    at = (
        reconstituted_at.strftime("%H:%M")
        if isinstance(reconstituted_at, time)
        else reconstituted_at
    )
    with _keyword_fields():
        prepared = prepare_dose(
            plan=None if plan is None else _plan_data(plan),
            dose_mg=_text(dose_mg),
            cycle=_text(cycle),
            day=_text(day),
            height=_text(height),
            weight=_text(weight),
            bsa=_text(bsa),
            bsa_formula=bsa_formula,
            response=response,
            market=market,
            reconstituted_at=at,
        )
    return Worksheet(prepared)


def verify(plan: PlanSource) -> Report:
    """Re-derive a saved plan from its recorded inputs and report every difference.

    As ``inoplan verify``: the report's ``holds`` is ``True`` when every dose,
    date and total is what the current rules give and the doses hash matches;
    ``differences`` lists each one (``kind``, ``where``, ``message``).
    ``to_dict()`` is what ``inoplan verify --format json`` prints, without its
    ``plan`` key (the file name). A file that is not a plan at all raises
    :class:`InputError`.

    >>> report = inoplan.verify(plan.to_dict())
    >>> report.holds, report.differences
    (True, ())
    """
    from inoplan.services.verify import verify_plan

    field = _path(plan) or "plan"
    with _keyword_fields():
        return verify_plan(_plan_data(plan), field)


# --- between Python values and the texts the parsers read ------------------------------

_OPTION = re.compile(r"--([a-z][a-z0-9-]*)")


def _keyword(field: str) -> str:
    """The field as a caller names it: ``--dose-mg`` -> ``dose_mg``, ``PLAN`` -> ``plan``."""
    field = _OPTION.sub(lambda m: m.group(1).replace("-", "_"), field)
    return "plan" + field[4:] if field.startswith("PLAN") else field


@contextmanager
def _keyword_fields() -> Iterator[None]:
    """Within this block, an :class:`InputError` names the keyword argument, not the option."""
    try:
        yield
    except InputError as e:
        field = _keyword(e.field)
        if field == e.field:
            raise
        raise InputError(field, e.detail) from None


def _text(value: object) -> str | None:
    """A Python value as the text the command line would have been given (``None`` stays)."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _flag(value: object, field: str) -> bool:
    if not isinstance(value, bool):
        raise InputError(field, "expected True or False")
    return value


def _path(plan: object) -> str | None:
    if isinstance(plan, (str, os.PathLike)):
        return os.fspath(plan)
    return None


def _plan_data(plan: object) -> dict[str, Any]:
    """A saved plan's JSON data, from its data, a :class:`Plan` or its file's path."""
    if isinstance(plan, Plan):
        return plan.to_dict()
    path = _path(plan)
    if path is not None:
        from inoplan.inputs.saved_plan import read_plan_json

        return read_plan_json(path, path)
    if not isinstance(plan, Mapping):
        raise InputError(
            "plan", "expected a plan's JSON data (a dict), an inoplan.Plan or a file's path"
        )
    return dict(plan)


def _event_records(events: object) -> Iterator[tuple[str, dict[str, str | None]]]:
    """Each event object as a record, with where it is (``events[0]``) for its errors."""
    from inoplan.inputs.event_files import cell_text

    if isinstance(events, (str, bytes, Mapping)) or not isinstance(events, Iterable):
        raise InputError("events", "expected a list of event objects")
    for i, item in enumerate(events):
        source = f"events[{i}]"
        if not isinstance(item, Mapping):
            raise InputError(source, "expected an object with an 'event' key")
        yield (
            source,
            {
                str(k): cell_text(
                    _text(v) if isinstance(v, (date, Decimal)) else v, f"{source}.{k}"
                )
                for k, v in item.items()
            },
        )
