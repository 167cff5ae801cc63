"""inoplan: treatment-cycle planner for inotuzumab ozogamicin (BESPONSA).

The Python API (:mod:`inoplan.api`) is reached from here and imported on first
use, so ``import inoplan`` and the command line's start-up stay cheap::

    import inoplan
    plan = inoplan.schedule(start="2026-12-01", height="170", weight="70", response="cr")
    plan.to_dict()  # what `inoplan schedule ... --format json` prints
"""

__version__ = "0.1.0"

#: The names of :mod:`inoplan.api` this package lends out (see ``inoplan.api.__all__``).
_API = frozenset(
    {
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
    }
)

#: ``typing.TYPE_CHECKING`` without importing ``typing``: ``import inoplan`` stays free.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from inoplan.api import (
        InoplanError,
        InputError,
        Plan,
        PlanSource,
        Value,
        Worksheet,
        prep,
        replan,
        schedule,
        verify,
    )


def __getattr__(name: str) -> object:
    """``inoplan.schedule`` and the rest of the API, imported when first asked for."""
    if name in _API:
        from inoplan import api

        value = getattr(api, name)
        globals()[name] = value  # asked once: a plain attribute from then on
        return value
    raise AttributeError(f"module 'inoplan' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_API})


__all__ = [
    "InoplanError",
    "InputError",
    "Plan",
    "PlanSource",
    "Value",
    "Worksheet",
    "__version__",
    "prep",
    "replan",
    "schedule",
    "verify",
]
