"""Re-check a saved JSON plan against the current rules (``inoplan verify``).

Pure: a plan's data in, a :class:`Report` out. The plan is re-derived from its
recorded inputs through :func:`rebuild`, the ONE place that turns a saved plan
back into a :class:`~inoplan.domain.plan.Plan`, and every dose, date and derived value
in the file is compared with the re-derived plan. Each difference is reported
with its kind, so a pharmacist sees what changed:

- ``dose``: a dose in mg or mg/m2 that is not what the rules give;
- ``date``: a dose date that differs (and whether it is outside its window);
- ``spacing``: two consecutive doses in the file less than 6 days apart;
- ``cycle-limit``: a cycle beyond the number the rules allow;
- ``missing`` / ``extra``: a dose or cycle in one plan but not the other;
- ``hash``: the recorded doses hash differs from the re-derived one;
- ``policy``, ``value``: a recorded policy or derived value (totals, follow-up
  dates, cycle starts) that differs;
- ``inputs``: the recorded inputs are refused by the current rules.

A file that is not a plan at all (not JSON, another schema, no inputs, doses
without numbers) raises :class:`~inoplan.domain.errors.InputError`: exit status 2.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from itertools import pairwise
from typing import Any

from inoplan import __version__
from inoplan.domain import rules
from inoplan.domain.errors import InputError
from inoplan.domain.plan import Cycle, Dose, Plan
from inoplan.domain.provenance import DOSES_CANONICAL, doses_sha256, plan_hash
from inoplan.domain.units import days_text
from inoplan.inputs.saved_plan import (
    RecordedDose,
    check_inputs_shape,
    check_schema,
    json_number,
    plan_from_data,
    recorded_doses,
)


@dataclass(frozen=True)
class Difference:
    """One way in which the file differs from the re-derived plan."""

    kind: str
    where: str
    message: str

    @property
    def line(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True)
class Report:
    """The outcome of :func:`verify_plan`. The plan holds when there is no difference."""

    differences: tuple[Difference, ...]
    notes: tuple[str, ...]
    doses_checked: int
    recorded_hash: str | None
    rederived_hash: str | None

    @property
    def holds(self) -> bool:
        return not self.differences

    def to_dict(self) -> dict[str, Any]:
        return {
            "holds": self.holds,
            "doses_checked": self.doses_checked,
            "recorded_hash": self.recorded_hash,
            "rederived_hash": self.rederived_hash,
            "differences": [
                {"kind": d.kind, "where": d.where, "message": d.message} for d in self.differences
            ],
            "notes": list(self.notes),
            "verified_with": {"inoplan": __version__, "label_revision": rules.LABEL_REVISION},
        }


# --- the one re-derivation --------------------------------------------------------


def rebuild(data: Mapping[str, Any], field: str = "PLAN") -> Plan:
    """The plan a saved file stands for, re-derived with the current rules.

    The recorded inputs are parsed again and the recorded events (re-planning)
    and clinic-day moves applied, so a re-planned plan verifies against its
    inputs *and* its events. Everything else in this module compares against
    whatever this returns.
    """
    return plan_from_data(dict(data), field)


# --- reading what the file says -------------------------------------------------------


def _get(data: Mapping[str, Any], path: Sequence[str | int]) -> tuple[bool, object]:
    node: object = data
    for key in path:
        if isinstance(key, int):
            if not isinstance(node, list) or key >= len(node):
                return False, None
            node = node[key]
        else:
            if not isinstance(node, dict) or key not in node:
                return False, None
            node = node[key]
    return True, node


def _same(a: object, b: object) -> bool:
    """JSON equality, with numbers compared as decimals (1.1 == 1.10)."""
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if isinstance(a, bool) or isinstance(b, bool):
            return a is b
        return json_number(a, "") == json_number(b, "")
    return a == b


def _path_text(path: Sequence[str | int]) -> str:
    text = ""
    for key in path:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else key)
    return text


# --- comparisons --------------------------------------------------------------------


def _cycle(plan: Plan, number: int) -> Cycle:
    return next(c for c in plan.cycles if c.number == number)


def _compare_dose(rec: RecordedDose, new: Dose, plan: Plan) -> list[Difference]:
    diffs: list[Difference] = []
    label = new.label
    if rec.mg_per_m2 != new.mg_per_m2:
        cycle = _cycle(plan, new.cycle)
        diffs.append(
            Difference(
                "dose",
                label,
                f"{rec.mg_per_m2} mg/m2 recorded, {new.mg_per_m2} mg/m2 re-derived "
                f"({cycle.regimen.label})",
            )
        )
    if rec.mg != new.mg:
        diffs.append(
            Difference(
                "dose",
                label,
                f"{rec.mg} mg recorded, {new.mg} mg re-derived "
                f"({new.mg_per_m2} mg/m2 x {plan.bsa_for(new)} m2, half-up to 0.01 mg)",
            )
        )
    if rec.date != new.date:
        cycle = _cycle(plan, new.cycle)
        nominal = cycle.start + timedelta(days=new.day - 1)
        offset = (rec.date - nominal).days
        window = rules.DOSE_WINDOW_DAYS.get(new.day, 0)
        side = "late" if offset > 0 else "early"
        head = f"{rec.date.isoformat()} recorded, {new.date.isoformat()} re-derived"
        if abs(offset) > window:
            allowed = "day 1 has no window" if window == 0 else f"+/-{window} days"
            message = (
                f"{head}: {days_text(abs(offset))} {side} for day {new.day}, outside its window "
                f"({allowed})"
            )
        else:
            message = (
                f"{head}: moved {days_text(abs((rec.date - new.date).days))}, within the "
                f"+/-{window}-day window but not recorded in the plan's inputs or events"
            )
        diffs.append(Difference("date", label, message))
    return diffs


def _compare_doses(recorded: list[RecordedDose], plan: Plan) -> list[Difference]:
    diffs: list[Difference] = []
    rebuilt = {(d.cycle, d.day): d for d in plan.doses}
    seen: set[tuple[int, int]] = set()
    beyond_reported: set[int] = set()
    for rec in recorded:
        key = (rec.cycle, rec.day)
        if key in seen:
            diffs.append(Difference("extra", rec.label, "appears more than once in the file"))
            continue
        seen.add(key)
        new = rebuilt.get(key)
        if new is not None:
            diffs.extend(_compare_dose(rec, new, plan))
            continue
        if rec.cycle > plan.limit.cycles:
            if rec.cycle not in beyond_reported:
                beyond_reported.add(rec.cycle)
                diffs.append(
                    Difference(
                        "cycle-limit",
                        f"cycle {rec.cycle}",
                        f"beyond the limit of {plan.limit.cycles} cycles: {plan.limit.reason}",
                    )
                )
        elif rec.cycle > len(plan.cycles) or rec.cycle < 1:
            if rec.cycle not in beyond_reported:
                beyond_reported.add(rec.cycle)
                diffs.append(
                    Difference(
                        "extra",
                        f"cycle {rec.cycle}",
                        f"not in the re-derived plan ({len(plan.cycles)} cycles planned)",
                    )
                )
        else:
            days = ", ".join(str(d) for d in rules.DOSE_DAYS)
            diffs.append(
                Difference("extra", rec.label, f"day {rec.day} is not a dose day (days {days})")
            )
    for d in plan.doses:
        if (d.cycle, d.day) not in seen:
            diffs.append(
                Difference(
                    "missing",
                    d.label,
                    f"missing from the file (re-derived: {d.date.isoformat()}, {d.mg} mg)",
                )
            )
    return diffs


def _check_spacing(recorded: list[RecordedDose]) -> list[Difference]:
    """Consecutive doses in the file must be at least 6 days apart (spec section 3)."""
    diffs: list[Difference] = []
    minimum = rules.MIN_DAYS_BETWEEN_DOSES
    for a, b in pairwise(recorded):
        gap = (b.date - a.date).days
        if gap < minimum:
            diffs.append(
                Difference(
                    "spacing",
                    f"{a.label}-{b.label}",
                    f"{a.date.isoformat()} to {b.date.isoformat()} is {days_text(gap)}, below the "
                    f"minimum of {minimum} days between doses",
                )
            )
    return diffs


#: Derived values compared one to one (besides the doses), as JSON paths.
_TOP_LEVEL_PATHS: tuple[tuple[str, ...], ...] = (
    ("patient", "bsa_m2"),
    ("cycle_limit", "cycles"),
    ("cumulative_mg_per_m2",),
    ("cumulative_mg",),
    ("first_dose",),
    ("last_dose",),
    ("followup", "contraception_female_until"),
    ("followup", "contraception_male_until"),
    ("followup", "no_breastfeeding_until"),
    # Written by re-planned plans only; compared when the re-derived plan has them.
    ("omitted_doses",),
    ("revision",),
)
#: Dose keys compared with their own messages in :func:`_compare_dose`; every
#: other key of a dose (label, weekday, notes, and what re-planning adds) is
#: compared as a plain value.
_DOSE_CORE_KEYS = frozenset({"cycle", "day", "date", "mg_per_m2", "mg"})
_CYCLE_KEYS = ("number", "start", "end", "length_days", "regimen", "total_mg_per_m2", "total_mg")


def _dose_paths(data: Mapping[str, Any]) -> dict[tuple[object, object], tuple[int, int]]:
    out: dict[tuple[object, object], tuple[int, int]] = {}
    for i, cycle in enumerate(data.get("cycles") or []):
        for j, dose in enumerate(cycle.get("doses") or [] if isinstance(cycle, dict) else []):
            if isinstance(dose, dict):
                out.setdefault((dose.get("cycle"), dose.get("day")), (i, j))
    return out


def _dose_value_paths(
    data: Mapping[str, Any], expected: Mapping[str, Any]
) -> list[tuple[str | int, ...]]:
    """Paths (in the file) of the non-core keys of every dose both plans have."""
    have = _dose_paths(data)
    paths: list[tuple[str | int, ...]] = []
    for key, (i, j) in _dose_paths(expected).items():
        if key not in have:
            continue
        hi, hj = have[key]
        if (hi, hj) != (i, j):
            continue  # doses out of place are reported by the dose comparison
        for name in sorted(set(expected["cycles"][i]["doses"][j]) - _DOSE_CORE_KEYS):
            paths.append(("cycles", i, "doses", j, name))
    return paths


def _compare_values(data: Mapping[str, Any], expected: Mapping[str, Any]) -> list[Difference]:
    diffs: list[Difference] = []
    paths: list[tuple[str | int, ...]] = list(_TOP_LEVEL_PATHS)
    rec_cycles = data.get("cycles") or []
    for i in range(min(len(rec_cycles), len(expected["cycles"]))):
        paths.extend(("cycles", i, key) for key in _CYCLE_KEYS)
    paths.extend(_dose_value_paths(data, expected))
    for path in paths:
        want_found, want = _get(expected, path)
        have_found, have = _get(data, path)
        if not want_found:
            continue
        where = _path_text(path)
        if not have_found:
            diffs.append(Difference("value", where, f"missing (re-derived: {want})"))
        elif not _same(have, want):
            diffs.append(Difference("value", where, f"{have} recorded, {want} re-derived"))
    return diffs


#: Policy keys added within ``inoplan.plan/1``, with the value a plan saved before
#: them was made under: a plan that lacks the key still holds when that value applies.
_ADDED_POLICY_DEFAULTS: dict[str, object] = {
    "bsa_recalc_threshold_pct": float(rules.RECALC_THRESHOLD_PCT),
}
_NO_DEFAULT = object()


def _compare_policy(data: Mapping[str, Any], expected: Mapping[str, Any]) -> list[Difference]:
    found, have = _get(data, ("provenance", "policy"))
    want = expected["provenance"]["policy"]
    if not found or not isinstance(have, dict):
        return [Difference("policy", "provenance.policy", "no dosing policy recorded")]
    diffs: list[Difference] = []
    for key in sorted(set(want) | set(have)):
        if key not in have and _ADDED_POLICY_DEFAULTS.get(key, _NO_DEFAULT) == want[key]:
            continue  # saved before the key existed, and the default is what applies
        if key not in have:
            diffs.append(
                Difference("policy", f"provenance.policy.{key}", f"missing ({want[key]!r})")
            )
        elif not _same(have.get(key), want.get(key)):
            diffs.append(
                Difference(
                    "policy",
                    f"provenance.policy.{key}",
                    f"{have.get(key)!r} recorded, {want.get(key)!r} from the recorded inputs",
                )
            )
    return diffs


def _recorded_hash(data: Mapping[str, Any]) -> tuple[str | None, list[Difference]]:
    found, block = _get(data, ("provenance", "doses_hash"))
    if not found or not isinstance(block, dict) or not isinstance(block.get("value"), str):
        return None, [Difference("hash", "provenance.doses_hash", "no doses hash recorded")]
    if block.get("canonical") != DOSES_CANONICAL or block.get("algorithm") != "sha256":
        return None, [
            Difference(
                "hash",
                "provenance.doses_hash",
                f"unknown hash form {block.get('algorithm')!r}/{block.get('canonical')!r}; "
                f"this inoplan checks sha256/{DOSES_CANONICAL!r}",
            )
        ]
    return str(block["value"]), []


def _short(h: str) -> str:
    return h[:16]


def _compare_hash(
    recorded_hash: str, recorded: list[RecordedDose], rederived: str | None
) -> list[Difference]:
    in_file = doses_sha256((r.cycle, r.day, r.date, r.mg_per_m2, r.mg) for r in recorded)
    edited = (
        ""
        if in_file == recorded_hash
        else f"; the doses in the file hash to {_short(in_file)}: they were changed after "
        "the plan was made"
    )
    if rederived is not None and recorded_hash != rederived:
        return [
            Difference(
                "hash",
                "provenance.doses_hash",
                f"recorded {_short(recorded_hash)}, re-derived {_short(rederived)}{edited}",
            )
        ]
    if edited:
        return [
            Difference("hash", "provenance.doses_hash", f"recorded {_short(recorded_hash)}{edited}")
        ]
    return []


def _notes(data: Mapping[str, Any]) -> list[str]:
    notes: list[str] = []
    _, version = _get(data, ("provenance", "inoplan_version"))
    if isinstance(version, str) and version != __version__:
        notes.append(f"made with inoplan {version}, verified with inoplan {__version__}")
    _, revision = _get(data, ("provenance", "label_revision"))
    if isinstance(revision, str) and revision != rules.LABEL_REVISION:
        notes.append(
            f"made with rules following {revision}; verified with rules following "
            f"{rules.LABEL_REVISION}"
        )
    return notes


def verify_plan(data: Mapping[str, Any], field: str = "PLAN") -> Report:
    """Re-derive the plan in ``data`` and list every difference from what it records."""
    check_schema(data, field)
    check_inputs_shape(data, field)
    recorded = recorded_doses(data, field)
    recorded_hash, diffs = _recorded_hash(data)
    try:
        plan = rebuild(data, field)
    except InputError as e:
        diffs.insert(
            0,
            Difference(
                "inputs",
                "inputs",
                f"the recorded inputs cannot be re-derived with the current rules: {e.message}",
            ),
        )
        diffs.extend(_check_spacing(recorded))
        if recorded_hash is not None:
            diffs.extend(_compare_hash(recorded_hash, recorded, None))
        return Report(tuple(diffs), tuple(_notes(data)), len(recorded), recorded_hash, None)

    from inoplan.export.json import plan_to_dict

    expected = plan_to_dict(plan)
    rederived = plan_hash(plan)
    dose_diffs = _compare_doses(recorded, plan)
    dose_diffs.extend(_check_spacing(recorded))
    dose_diffs.extend(_compare_values(data, expected))
    dose_diffs.extend(_compare_policy(data, expected))
    if recorded_hash is not None:
        dose_diffs.extend(_compare_hash(recorded_hash, recorded, rederived))
    return Report(
        tuple(dose_diffs + diffs), tuple(_notes(data)), len(recorded), recorded_hash, rederived
    )
