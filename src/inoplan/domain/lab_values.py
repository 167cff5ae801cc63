"""The day's laboratory values for ``inoplan check``, parsed from what the user typed.

:func:`check_from_strings` turns the options (canonical names in
:data:`FIELDS`) into one :class:`LabValues`; :mod:`inoplan.domain.check`
applies the rules to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from inoplan.domain import rules
from inoplan.domain.errors import InputError, quoted
from inoplan.domain.units import check_range, parse_bool, parse_decimal, parse_int

#: The inputs of ``inoplan check``, canonical names as in the CLI without ``--``.
FIELDS = (
    "day",
    "anc",
    "platelets",
    "baseline_anc",
    "baseline_platelets",
    "prior_anc",
    "prior_platelets",
    "bilirubin",
    "bilirubin_uln",
    "ast",
    "ast_uln",
    "alt",
    "alt_uln",
    "liver_hold",
    "vod",
    "irr",
    "other_grade",
    "baseline_grade",
    "days_held",
)


@dataclass(frozen=True)
class LabValues:
    """The day's values; ``None`` where not given."""

    day: int
    anc: Decimal | None = None
    platelets: Decimal | None = None
    #: Pre-treatment counts: they choose the row of the hematologic table.
    baseline_anc: Decimal | None = None
    baseline_platelets: Decimal | None = None
    #: The prior cycle's baseline counts (hematologic rule (a)).
    prior_anc: Decimal | None = None
    prior_platelets: Decimal | None = None
    bilirubin: Decimal | None = None
    bilirubin_uln: Decimal | None = None
    ast: Decimal | None = None
    ast_uln: Decimal | None = None
    alt: Decimal | None = None
    alt_uln: Decimal | None = None
    #: The dose is already held for liver tests (then recovery needs both normal).
    liver_hold: bool = False
    vod: bool = False
    irr: str = "none"
    other_grade: int | None = None
    baseline_grade: int = 0
    #: Days since the dose was first held or the treatment interrupted.
    days_held: int | None = None


def _opt(name: str) -> str:
    return "--" + name.replace("_", "-")


def _count(
    values: Mapping[str, str | None], name: str, rng: tuple[Decimal, Decimal], example: str
) -> Decimal | None:
    text = values.get(name)
    if not text:
        return None
    field = _opt(name)
    value = parse_decimal(text, field, f"a count in x 10^9/L such as {example}")
    return check_range(value, field, rng[0], rng[1], "x 10^9/L (not per mm3)")


def _liver_input(
    values: Mapping[str, str | None], name: str
) -> tuple[Decimal | None, Decimal | None]:
    text, uln_text = values.get(name), values.get(f"{name}_uln")
    if not text and not uln_text:
        return None, None
    if not text:
        raise InputError(_opt(name), f"required with {_opt(name + '_uln')}")
    if not uln_text:
        raise InputError(
            _opt(name + "_uln"),
            f"required with {_opt(name)}: the upper limit of normal, in the same unit",
        )
    value = parse_decimal(text, _opt(name), "a number in the laboratory's unit")
    uln = parse_decimal(uln_text, _opt(name + "_uln"), "the upper limit of normal, e.g. 1.2")
    if uln == 0:
        raise InputError(_opt(name + "_uln"), "must be above 0")
    return value, uln


def check_from_strings(values: Mapping[str, str | None]) -> LabValues:
    """Parse and check every input; raise :class:`InputError` naming the first bad one."""
    unknown = sorted(set(values) - set(FIELDS))
    if unknown:
        raise InputError(_opt(unknown[0]), f"unknown input; allowed {', '.join(FIELDS)}")
    day_text = values.get("day") or ""
    if day_text.strip() not in ("1", "8", "15"):
        raise InputError(
            "--day", f"{quoted(day_text)} is not allowed; the next dose's cycle day: 1, 8 or 15"
        )
    bili, bili_uln = _liver_input(values, "bilirubin")
    ast, ast_uln = _liver_input(values, "ast")
    alt, alt_uln = _liver_input(values, "alt")
    irr = (values.get("irr") or "none").strip().lower()
    if irr not in rules.IRR_SEVERITIES:
        raise InputError(
            "--irr",
            f"{quoted(irr)} is not allowed; choose one of {', '.join(rules.IRR_SEVERITIES)}",
        )
    grade_text = values.get("other_grade")
    baseline_grade_text = values.get("baseline_grade")
    days_text = values.get("days_held")
    lab = LabValues(
        day=int(day_text),
        anc=_count(values, "anc", rules.ANC_RANGE, "0.8"),
        platelets=_count(values, "platelets", rules.PLATELET_RANGE, "45"),
        baseline_anc=_count(values, "baseline_anc", rules.ANC_RANGE, "1.5"),
        baseline_platelets=_count(values, "baseline_platelets", rules.PLATELET_RANGE, "120"),
        prior_anc=_count(values, "prior_anc", rules.ANC_RANGE, "0.6"),
        prior_platelets=_count(values, "prior_platelets", rules.PLATELET_RANGE, "30"),
        bilirubin=bili,
        bilirubin_uln=bili_uln,
        ast=ast,
        ast_uln=ast_uln,
        alt=alt,
        alt_uln=alt_uln,
        liver_hold=parse_bool(values.get("liver_hold") or "", "--liver-hold"),
        vod=parse_bool(values.get("vod") or "", "--vod"),
        irr=irr,
        other_grade=None if not grade_text else parse_int(grade_text, "--other-grade", 0, 5),
        baseline_grade=0
        if not baseline_grade_text
        else parse_int(baseline_grade_text, "--baseline-grade", 0, 4),
        days_held=None if not days_text else parse_int(days_text, "--days-held", 0, 365),
    )
    if lab.liver_hold and bili is None and ast is None and alt is None:
        raise InputError("--liver-hold", "give today's --bilirubin, --ast and --alt with it")
    if not _anything(lab):
        raise InputError(
            "inoplan check",
            "give at least one value: --anc/--platelets, --bilirubin/--ast/--alt with their "
            "ULNs, --vod, --irr or --other-grade",
        )
    return lab


def _anything(v: LabValues) -> bool:
    return any(
        (
            v.anc is not None,
            v.platelets is not None,
            v.bilirubin is not None,
            v.ast is not None,
            v.alt is not None,
            v.vod,
            v.irr != "none",
            v.other_grade is not None,
        )
    )
