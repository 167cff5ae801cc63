"""The dose follows the patient's weight: re-measurements during a course (pure, no I/O).

Spec section 8, weight changes [inoplan; site policy]. The label says nothing on
recalculation. Each measurement recorded with ``inoplan replan --measured`` is
compared with the weight the current doses are based on (the plan's own weight,
or the last weight that recomputed them):

- a difference of at least the threshold (``--recalc-threshold``, default 10%)
  recomputes the BSA, with the plan's formula and cap, from the new weight and
  the new height (or the height in use), and every dose dated on or after the
  measurement (the same day included) is computed from it; a warning names the
  old and new weight and BSA. The new weight becomes the basis for the next
  measurement;
- a smaller difference keeps the doses, and a note says so. Small changes are
  not added up: the next measurement is compared with the same basis, so a slow
  loss (70 -> 65 -> 62 kg) recomputes once it reaches the threshold.

A dose reduced for toxicity keeps its reduced mg/m2: the percentage applies to
the new BSA. The body-build check of :mod:`inoplan.domain.body` applies to the new
values (the plan's own height counts as written with its unit: it was accepted
with a usual build). A measurement never changes a dose recorded as given in an earlier
re-plan: it must be dated after it.

Worked example (spec): 170 cm, 70 kg -> 62 kg, (62 - 70) / 70 = -11.4%, at least
10%: BSA sqrt(170 x 62 / 3600) = 1.7111 -> 1.71 m2; a 0.5 mg/m2 dose
0.855 -> 0.86 mg. 70 -> 65 kg (-7.1%): the doses stay at 0.91 mg.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from inoplan.domain import rules
from inoplan.domain.body import body_warnings, bsa_from_body, check_body_build
from inoplan.domain.bsa import Bsa, check_cap
from inoplan.domain.errors import InputError
from inoplan.domain.plan import PlanRequest
from inoplan.domain.replan.events import Given, Measured
from inoplan.domain.units import Measure, fmt_decimal, parse_decimal, read_height


@dataclass(frozen=True)
class BsaChange:
    """From ``date`` on, doses are computed from ``bsa`` (after ``source``)."""

    date: date
    bsa: Bsa
    source: Measured

    @property
    def note(self) -> str:
        return (
            f"BSA {self.bsa.m2} m2 from the weight measured on {self.date.isoformat()} "
            f"({self.source.weight.shown})"
        )


@dataclass(frozen=True)
class Timeline:
    """The BSA changes of a course in date order, and what to tell the user."""

    changes: tuple[BsaChange, ...] = ()
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def at(self, day: date) -> BsaChange | None:
        """The change in force on ``day`` (``None``: the plan's own BSA)."""
        current = None
        for change in self.changes:
            if change.date <= day:
                current = change
        return current


def threshold_of(event: Measured) -> Decimal:
    return rules.RECALC_THRESHOLD_PCT if event.threshold_pct is None else event.threshold_pct


def _pct(value: Decimal) -> str:
    return fmt_decimal(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _rewrap(error: InputError, source: str) -> InputError:
    return InputError(source, error.detail)


def timeline(
    request: PlanRequest, measured: Sequence[Measured], given: Iterable[Given]
) -> Timeline:
    """Apply every measurement in date order; raise :class:`InputError` naming a bad one."""
    if not measured:
        return Timeline()
    events = sorted(measured, key=lambda e: e.date)
    for a, b in itertools.pairwise(events):
        if a.date == b.date:
            raise InputError(b.source, f"a second measurement on {b.date.isoformat()} ({a.source})")
    bsa = request.bsa
    inputs = dict(request.inputs)
    if bsa.formula == "given" or bsa.weight_kg is None or not inputs.get("height"):
        raise InputError(
            events[0].source,
            "the plan's BSA was given directly (--bsa): there is no weight to compare the new "
            "one with; plan again with --height and --weight",
        )
    # The plan's height was accepted with a usual build, so its unit is settled: only
    # a bare new value can be ambiguous.
    height = read_height(inputs["height"], "height")._replace(unit_given=True)
    cap_text = inputs.get("bsa_cap")
    cap = check_cap(parse_decimal(cap_text, "bsa_cap")) if cap_text else None
    basis_kg = bsa.weight_kg
    given_list = list(given)
    changes: list[BsaChange] = []
    warnings: list[str] = []
    notes: list[str] = []
    for ev in events:
        if ev.date < request.start:
            raise InputError(
                ev.source,
                f"{ev.date.isoformat()} is before the plan starts ({request.start.isoformat()})",
            )
        h: Measure = ev.height if ev.height is not None else height
        try:
            check_body_build(h, ev.weight)
        except InputError as e:
            raise _rewrap(e, ev.source) from None
        threshold = threshold_of(ev)
        change = (ev.weight.value - basis_kg) / basis_kg * 100
        way = "below" if change < 0 else "above"
        said = (
            f"weight {ev.weight.shown} on {ev.date.isoformat()} is {_pct(abs(change))}% {way} "
            f"the {fmt_decimal(basis_kg)} kg the doses are based on"
        )
        policy = f"threshold {fmt_decimal(threshold)}%, site policy"
        if abs(change) < threshold:
            unused = f"; height {ev.height.shown} recorded, not used" if ev.height else ""
            notes.append(f"{said}, under the {policy}: doses stay (BSA {bsa.m2} m2){unused}")
            continue
        try:
            new = bsa_from_body(h, ev.weight, bsa.formula, cap)
        except InputError as e:
            raise _rewrap(e, ev.source) from None
        if new.m2 != bsa.m2:
            for g in given_list:
                if g.revision < ev.revision and g.date >= ev.date:
                    raise InputError(
                        ev.source,
                        f"{g.dose.label} was recorded as given on {g.date.isoformat()} "
                        f"({g.source}); a new weight cannot change a dose already given: date "
                        "the measurement after it",
                    )
        warnings.append(
            f"{said} ({policy}): BSA recomputed from {bsa.m2} m2 to {new.m2} m2 "
            f"({new.working}); every dose from {ev.date.isoformat()} on is computed from it"
        )
        warnings.extend(f"{ev.date.isoformat()}: {w}" for w in body_warnings(new))
        changes.append(BsaChange(ev.date, new, ev))
        bsa, basis_kg, height = new, ev.weight.value, h
    return Timeline(tuple(changes), tuple(warnings), tuple(notes))


__all__ = ["BsaChange", "Timeline", "threshold_of", "timeline"]
