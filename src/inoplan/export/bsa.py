"""``inoplan bsa --format json``: body surface areas with their working, for scripts."""

from __future__ import annotations

from typing import Any

from inoplan import __version__

SCHEMA = "inoplan.bsa/1"


def render(results: list[Any], warnings: list[str]) -> str:
    """One JSON document: the body as typed and read, then each formula's BSA.

    Numbers are numbers (m2 to 0.01 as doses use it, ``exact_m2`` unrounded);
    ``warnings`` holds what a person must look at, as the terminal's WARNING lines.
    """
    from inoplan.export.json import dumps, num

    def n(value: Any) -> float | None:
        return None if value is None else num(value)

    first = results[0]
    return dumps(
        {
            "schema": SCHEMA,
            "generator": {"name": "inoplan", "version": __version__},
            "height": {"shown": first.height_shown, "cm": n(first.height_cm)},
            "weight": {"shown": first.weight_shown, "kg": n(first.weight_kg)},
            "bmi": n(first.bmi),
            "bsa": [
                {
                    "formula": r.formula,
                    "m2": n(r.m2),
                    "exact_m2": n(r.exact_m2),
                    "working": r.working,
                }
                for r in results
            ],
            "warnings": warnings,
        }
    )
