"""Re-planning a saved course with new events: ``inoplan replan`` and ``inoplan.replan``.

A saved plan is opened (:func:`open_saved`: its inputs, its recorded events,
the revision new events get), the new events are read by the caller (options
and files on the command line, a list of records in Python), then
:func:`replan_saved` checks them and rebuilds the whole course.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from inoplan.domain.plan import Plan, PlanRequest
    from inoplan.domain.replan.events import Event


@dataclass(frozen=True)
class SavedPlan:
    """A saved plan read back: what it was planned from, and what happened since."""

    request: PlanRequest
    recorded: tuple[Event, ...]
    revision: int

    @property
    def next_revision(self) -> int:
        """The revision the events recorded now are saved with."""
        return self.revision + 1


def open_saved(data: Mapping[str, Any], field: str = "PLAN") -> SavedPlan:
    """A saved plan's schema, inputs and events, or :class:`InputError` naming ``field``."""
    from inoplan.inputs.saved_plan import (
        check_schema,
        events_from_plan,
        request_from_plan,
        revision_of,
    )

    check_schema(data, field)
    plan = dict(data)
    return SavedPlan(
        request_from_plan(plan, field),
        tuple(events_from_plan(plan, field)),
        revision_of(plan, field),
    )


def replan_saved(
    saved: SavedPlan,
    new: Sequence[Event],
    today: date,
    recalc_threshold: str | None = None,
) -> Plan:
    """The course re-planned with the new events, checked as the command line checks them.

    Each new measurement records the recalculation threshold in force
    (:func:`stamp_threshold`); every event date must lie on or after the
    start, and no new event may lie after ``today``.
    """
    from inoplan.domain.replan.engine import replan_history
    from inoplan.inputs.event_files import check_event_dates, check_not_future

    recorded = list(saved.recorded)
    fresh = stamp_threshold(recalc_threshold, recorded, list(new))
    check_event_dates([*recorded, *fresh], saved.request.start)
    check_not_future(fresh, today)
    return replan_history(saved.request, [*recorded, *fresh], strict=True)


def stamp_threshold(text: str | None, recorded: list[Event], new: list[Event]) -> list[Event]:
    """Record the recalculation threshold in force with each new measurement.

    ``--recalc-threshold``, else the threshold of the plan's last measurement,
    else the default (10%): saved with the event, so re-reading the plan never
    re-decides an old measurement under a newer policy.
    """
    from dataclasses import replace

    from inoplan.domain.errors import InputError
    from inoplan.domain.replan.events import Measured, parse_threshold
    from inoplan.domain.rules import RECALC_THRESHOLD_PCT

    fresh = [e for e in new if isinstance(e, Measured)]
    if text is not None and not fresh:
        raise InputError(
            "--recalc-threshold", "not used: it applies to new measurements (--measured)"
        )
    earlier = [e for e in recorded if isinstance(e, Measured) and e.threshold_pct is not None]
    threshold = (
        parse_threshold(text, "--recalc-threshold")
        if text is not None
        else earlier[-1].threshold_pct
        if earlier
        else RECALC_THRESHOLD_PCT
    )
    return [
        replace(e, threshold_pct=threshold)
        if isinstance(e, Measured) and e.threshold_pct is None
        else e
        for e in new
    ]
