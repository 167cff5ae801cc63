"""From the strings a user typed (options, CSV cells, a saved plan) to a :class:`PlanRequest`.

One parser for every entry point, so ``inoplan schedule``, ``inoplan batch``
and a re-read JSON plan accept exactly the same values and refuse the same
ones with the same words. ``field`` maps a canonical name (``first_cycle_days``)
to what the user sees (``--first-cycle-days`` on the command line, the column
name in a CSV).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date

from inoplan.domain import rules
from inoplan.domain.body import bsa_from_body
from inoplan.domain.bsa import Bsa, check_cap, given_bsa
from inoplan.domain.clinic_days import canonical_holidays, parse_clinic_days
from inoplan.domain.errors import InputError
from inoplan.domain.plan import PlanRequest, validate_request
from inoplan.domain.rules import Mrd, Response
from inoplan.domain.units import (
    FALSE_WORDS,
    TRUE_WORDS,
    parse_bool,
    parse_choice,
    parse_date,
    parse_decimal,
    parse_int,
    parse_text,
    read_height,
    read_weight,
)

#: The canonical input names, in the order they are recorded in a plan.
FIELDS = (
    "patient_id",
    "start",
    "height",
    "weight",
    "bsa",
    "bsa_formula",
    "bsa_cap",
    "response",
    "hsct",
    "mrd",
    "cycles",
    "first_cycle_days",
    "blasts",
    "clinic_days",
    "holidays",
)

MAX_ID_LENGTH = 64
_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/#-]*", re.ASCII)


def option_name(name: str) -> str:
    """``first_cycle_days`` -> ``--first-cycle-days``."""
    return "--" + name.replace("_", "-")


@contextmanager
def fields_named(field: Callable[[str], str]) -> Iterator[None]:
    """Within this block, an error naming an input by its canonical name names it as typed.

    The domain raises :class:`InputError` with the canonical name of an input
    (``cycles``); ``field`` says it as the user typed it: ``--cycles`` on the
    command line (:func:`option_name`), the column ``cycles`` in a batch CSV,
    ``PLAN: inputs.cycles`` in a saved plan. This is the one place the two
    names meet; errors about anything else pass unchanged.
    """
    try:
        yield
    except InputError as e:
        if e.field not in FIELDS:
            raise
        raise InputError(field(e.field), e.detail) from None


def parse_patient_id(text: str, field: str) -> str:
    """A pseudonymous identifier: letters, digits and ``. _ : / # -``, at most 64.

    Spaces are refused on purpose: a value with spaces is usually a name, and
    inoplan's output must carry no patient name. For the same reason a refused
    value is never quoted back, in any message: it may be a name.
    """
    value = text.strip()
    if not _ID_RE.fullmatch(value) or len(value) > MAX_ID_LENGTH:
        raise InputError(
            field,
            "not allowed (the value is not repeated here: it may be a name); use an "
            "identifier (not a name) of at most "
            f"{MAX_ID_LENGTH} letters, digits and . _ : / # -",
        )
    return value


def parse_start(text: str, field: str) -> date:
    """The start date (cycle 1 day 1), in the years of :data:`rules.START_YEAR_RANGE`."""
    start = parse_date(text, field)
    lo, hi = rules.START_YEAR_RANGE
    if not lo <= start.year <= hi:
        raise InputError(
            field, f"{start.isoformat()} is not plausible; give a date in the years {lo}-{hi}"
        )
    return start


def parse_bsa_inputs(
    values: Mapping[str, str | None], field: Callable[[str], str] = option_name
) -> Bsa:
    """The BSA from ``bsa``, or from ``height`` and ``weight`` with ``bsa_formula``."""
    cap_text = values.get("bsa_cap")
    cap = None
    if cap_text:
        cap = check_cap(
            parse_decimal(cap_text, field("bsa_cap"), "a BSA in m2 such as 2.0"), field("bsa_cap")
        )
    bsa_text, height, weight = values.get("bsa"), values.get("height"), values.get("weight")
    if bsa_text:
        if height or weight:
            raise InputError(
                field("bsa"),
                f"give either {field('bsa')} or {field('height')} and {field('weight')}, not both",
            )
        return given_bsa(
            parse_decimal(bsa_text, field("bsa"), "a BSA in m2 such as 1.82"), cap, field("bsa")
        )
    if not height:
        raise InputError(field("height"), f"required (or give the BSA with {field('bsa')})")
    if not weight:
        raise InputError(field("weight"), f"required (or give the BSA with {field('bsa')})")
    formula = parse_choice(
        values.get("bsa_formula") or rules.DEFAULT_BSA_FORMULA,
        field("bsa_formula"),
        rules.BSA_FORMULAS,
    )
    return bsa_from_body(
        read_height(height, field("height")),
        read_weight(weight, field("weight")),
        formula,
        cap,
        field("bsa"),
        field("bsa_formula"),
        field("height"),
        field("weight"),
    )


def request_from_strings(
    values: Mapping[str, str | None], field: Callable[[str], str] = option_name
) -> PlanRequest:
    """Parse and check every input; raise :class:`InputError` naming the first bad one."""
    unknown = sorted(set(values) - set(FIELDS))
    if unknown:
        raise InputError(field(unknown[0]), f"unknown input; allowed {', '.join(FIELDS)}")
    pid = values.get("patient_id")
    start = values.get("start")
    if not start:
        raise InputError(field("start"), "required; the date of cycle 1 day 1 as YYYY-MM-DD")
    bsa = parse_bsa_inputs(values, field)
    cycles_text = values.get("cycles")
    first = values.get("first_cycle_days") or "21"
    blasts = values.get("blasts")
    clinic_days = values.get("clinic_days")
    holidays = values.get("holidays")
    request = PlanRequest(
        start=parse_start(start, field("start")),
        bsa=bsa,
        response=Response(
            parse_choice(
                values.get("response") or "pending",
                field("response"),
                tuple(r.value for r in Response),
            )
        ),
        hsct=parse_bool(values.get("hsct") or "", field("hsct")),
        mrd=Mrd(
            parse_choice(values.get("mrd") or "unknown", field("mrd"), tuple(m.value for m in Mrd))
        ),
        cycles=None if not cycles_text else parse_int(cycles_text, field("cycles"), 0, 99),
        first_cycle_days=int(
            parse_choice(
                first, field("first_cycle_days"), tuple(str(n) for n in rules.FIRST_CYCLE_LENGTHS)
            )
        ),
        patient_id=None if not pid else parse_patient_id(pid, field("patient_id")),
        blasts_per_mm3=None if not blasts else parse_int(blasts, field("blasts"), 0, 10**7),
        clinic_days=None
        if not clinic_days
        else parse_clinic_days(clinic_days, field("clinic_days")),
        holidays=None if not holidays else canonical_holidays(holidays, field("holidays")),
        inputs=tuple((k, v) for k in FIELDS if (v := values.get(k)) not in (None, "")),
    )
    # What the rules forbid of the values together (more cycles than the limit allows)
    # is refused here too, naming the input as the caller's user typed it.
    with fields_named(field):
        validate_request(request)
    return request


__all__ = [
    "FALSE_WORDS",
    "FIELDS",
    "MAX_ID_LENGTH",
    "TRUE_WORDS",
    "fields_named",
    "option_name",
    "parse_bool",
    "parse_bsa_inputs",
    "parse_choice",
    "parse_patient_id",
    "parse_start",
    "parse_text",
    "request_from_strings",
]
