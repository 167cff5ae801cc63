"""Today's date, read in one place: ``INOPLAN_TODAY`` (YYYY-MM-DD) or the system clock.

A start date before today is planned with a warning and a re-plan refuses a
dose "given" after today (docs/clinical-rules.md section 3), so what a plan
says depends on the day it is made. Setting ``INOPLAN_TODAY``, in the spirit of
``SOURCE_DATE_EPOCH``, makes that reproducible: the tests, the README's
examples and their drift check set it. Only the commands read it; the planner
is passed the date.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date

from inoplan.domain.errors import InputError

ENV = "INOPLAN_TODAY"


def today(environ: Mapping[str, str] | None = None) -> date:
    """``INOPLAN_TODAY`` when set (refused unless YYYY-MM-DD), else the system date."""
    env = os.environ if environ is None else environ
    text = env.get(ENV, "").strip()
    if not text:
        return date.today()
    try:
        if len(text) != 10:
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(ENV, f"{text[:20]!r} is not a date; use YYYY-MM-DD") from None
