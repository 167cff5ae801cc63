"""Dose modifications from the day's laboratory values (spec section 6).

Pure: :func:`~inoplan.domain.lab_values.check_from_strings` parses what the
user typed into a :class:`~inoplan.domain.lab_values.LabValues` (both
re-exported here); :func:`check` applies the spec's tables, kept as data in
:mod:`inoplan.domain.rules`, and returns one :class:`Finding` per rule that applies,
each with the rule quoted. The verdict for the next dose is the most severe
action of any finding (give < hold < discontinue).

What the spec leaves to the clinician is never decided here: the disease
explanation of falling counts (hematologic rule (c)), whether low counts are
drug-related, the Gilbert's syndrome or hemolysis exception, when liver tests
have "not recovered", and whether to stop after a long interruption. Each is
returned in ``clinician`` so the output says so next to the rule.

Units: ANC and platelets in x 10^9/L (= x 10^3/mm3); bilirubin, AST and ALT in
any unit, with the upper limit of normal (ULN) in the same unit; the limits
compare ``value > k x ULN`` in exact decimal arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from inoplan.domain import rules
from inoplan.domain.lab_values import FIELDS, LabValues, check_from_strings
from inoplan.domain.rules import Action, ModificationRule
from inoplan.domain.units import fmt_decimal as _n


@dataclass(frozen=True)
class Finding:
    """What one rule says about the next dose."""

    rule: ModificationRule
    action: Action
    #: What the values show, in words and numbers.
    because: str
    #: What the spec leaves to the clinician here, if anything.
    clinician: str | None = None


@dataclass(frozen=True)
class CheckResult:
    values: LabValues
    findings: tuple[Finding, ...]
    #: Rules that could not be applied for want of a value, and which options to give.
    not_checked: tuple[str, ...]
    #: Facts to keep in mind that do not change the verdict.
    notes: tuple[str, ...]

    @property
    def action(self) -> Action:
        worst = Action.GIVE
        for f in self.findings:
            if f.action.severity > worst.severity:
                worst = f.action
        return worst

    @property
    def clinician(self) -> tuple[str, ...]:
        return tuple(f.clinician for f in self.findings if f.clinician)

    @property
    def headline(self) -> str:
        what = {
            Action.GIVE: "give",
            Action.HOLD: "hold until recovery",
            Action.DISCONTINUE: "permanently discontinue",
        }[self.action]
        text = f"Next dose (day {self.values.day}): {what}"
        if self.action is Action.GIVE and self.not_checked:
            text += " as far as checked; not checked: " + "; ".join(self.not_checked)
        return text


# --- the rules --------------------------------------------------------------------


def _x_uln(value: Decimal, uln: Decimal) -> str:
    ratio = (value / uln).quantize(Decimal("0.01"))
    return f"{_n(value)} ({_n(ratio)} x ULN {_n(uln)})"


def _hematologic(v: LabValues, out: list[Finding], missing: list[str], notes: list[str]) -> None:
    if v.day != 1:
        if v.anc is not None or v.platelets is not None:
            out.append(
                Finding(
                    rules.HEMATOLOGIC_DAYS_8_15,
                    Action.GIVE,
                    f"day {v.day} dose: low counts do not hold it",
                )
            )
        return
    if v.anc is None or v.platelets is None:
        missing.append("blood counts for day 1 (--anc and --platelets)")
        return
    notes.append(f"{rules.PLATELETS_TRANSFUSION.condition} {rules.PLATELETS_TRANSFUSION.action}")
    counts = f"ANC {_n(v.anc)}, platelets {_n(v.platelets)} x 10^9/L"
    anc_ok = v.anc >= rules.ANC_THRESHOLD
    plt_ok = v.platelets >= rules.PLATELET_THRESHOLD
    persist = _persist_note(v)
    anc_min, plt_min = _n(rules.ANC_THRESHOLD), _n(rules.PLATELET_THRESHOLD)
    if v.baseline_anc is None or v.baseline_platelets is None:
        if anc_ok and plt_ok:
            # Every row of the table lets the cycle start at these counts.
            out.append(
                Finding(
                    rules.ANC_NORMAL_BASELINE,
                    Action.GIVE,
                    f"{counts}: at or above {anc_min} and {plt_min}, which every row of the "
                    "table accepts",
                )
            )
            return
        out.append(
            Finding(
                rules.ANC_NORMAL_BASELINE if not anc_ok else rules.PLATELETS_NORMAL_BASELINE,
                Action.HOLD,
                f"{counts}: below {anc_min} / {plt_min} and no pre-treatment baseline given "
                "(--baseline-anc, --baseline-platelets), so the table's row is unknown; held",
                "if the pre-treatment counts were low, the cycle may start once counts reach "
                "the prior cycle's baseline or when the fall is judged due to the disease: "
                "give the baseline counts, and the disease judgement is the clinician's",
            )
        )
        return
    low_anc_base = v.baseline_anc < rules.ANC_THRESHOLD
    low_plt_base = v.baseline_platelets < rules.PLATELET_THRESHOLD
    if not low_anc_base:
        out.append(
            Finding(
                rules.ANC_NORMAL_BASELINE,
                Action.GIVE if anc_ok else Action.HOLD,
                f"pre-treatment ANC {_n(v.baseline_anc)}; today ANC {_n(v.anc)} is "
                + (
                    f"at or above {anc_min}"
                    if anc_ok
                    else f"below {anc_min}: hold the cycle until ANC >= {anc_min}"
                ),
                None if anc_ok else persist,
            )
        )
    if not low_plt_base:
        out.append(
            Finding(
                rules.PLATELETS_NORMAL_BASELINE,
                Action.GIVE if plt_ok else Action.HOLD,
                f"pre-treatment platelets {_n(v.baseline_platelets)}; today platelets "
                f"{_n(v.platelets)} are "
                + (
                    f"at or above {plt_min}"
                    if plt_ok
                    else f"below {plt_min}: hold the cycle until >= {plt_min}"
                ),
                None if plt_ok else persist,
            )
        )
    if low_anc_base or low_plt_base:
        base = (
            f"pre-treatment ANC {_n(v.baseline_anc)}, platelets {_n(v.baseline_platelets)}; "
            f"today {counts}"
        )
        if anc_ok and plt_ok:
            out.append(Finding(rules.LOW_BASELINE, Action.GIVE, f"{base}: (b) is met"))
        elif v.prior_anc is not None and v.prior_platelets is not None:
            met = v.anc >= v.prior_anc and v.platelets >= v.prior_platelets
            prior = (
                f"prior cycle's baseline ANC {_n(v.prior_anc)}, platelets {_n(v.prior_platelets)}"
            )
            out.append(
                Finding(
                    rules.LOW_BASELINE,
                    Action.GIVE if met else Action.HOLD,
                    f"{base}; {prior}: " + ("(a) is met" if met else "neither (a) nor (b) is met"),
                    None
                    if met
                    else "(c) stable or improved disease on the latest marrow with "
                    "the fall judged due to the disease: the clinician's judgement",
                )
            )
        else:
            out.append(
                Finding(
                    rules.LOW_BASELINE,
                    Action.HOLD,
                    f"{base}: (b) is not met, and (a) cannot be checked without the prior "
                    "cycle's baseline (--prior-anc, --prior-platelets)",
                    "(c) stable or improved disease on the latest marrow with the fall "
                    "judged due to the disease: the clinician's judgement",
                )
            )


def _persist_note(v: LabValues) -> str | None:
    if v.days_held is not None and v.days_held > rules.HEMATOLOGIC_PERSIST_DAYS:
        return (
            f"low counts have persisted {v.days_held} days (> "
            f"{rules.HEMATOLOGIC_PERSIST_DAYS}): the US label says discontinue if suspected "
            "drug-related; whether it is drug-related is the clinician's judgement"
        )
    return None


def _liver(v: LabValues, out: list[Finding], missing: list[str]) -> None:
    bili_known = v.bilirubin is not None and v.bilirubin_uln is not None
    trans = [
        (name, value, uln)
        for name, value, uln in (("AST", v.ast, v.ast_uln), ("ALT", v.alt, v.alt_uln))
        if value is not None and uln is not None
    ]
    if not bili_known and not trans:
        missing.append(
            "liver tests (--bilirubin, --ast, --alt with --bilirubin-uln, --ast-uln, --alt-uln)"
        )
        return
    parts: list[str] = []
    bili_high: bool | None = None
    if v.bilirubin is not None and v.bilirubin_uln is not None:
        bili_high = v.bilirubin > rules.BILIRUBIN_ULN_LIMIT * v.bilirubin_uln
        parts.append(f"bilirubin {_x_uln(v.bilirubin, v.bilirubin_uln)}")
    high_trans = [n for n, value, uln in trans if value > rules.TRANSAMINASE_ULN_LIMIT * uln]
    parts.extend(f"{n} {_x_uln(value, uln)}" for n, value, uln in trans)
    shown = ", ".join(parts)
    lim = f"{_n(rules.BILIRUBIN_ULN_LIMIT)} x ULN"
    tlim = f"{_n(rules.TRANSAMINASE_ULN_LIMIT)} x ULN"

    if v.liver_hold:
        # Held already: resume only when bilirubin AND both AST and ALT are back.
        absent = []
        if bili_high is None:
            absent.append("--bilirubin")
        absent.extend(f"--{n.lower()}" for n in ("AST", "ALT") if n not in {t[0] for t in trans})
        if bili_high or high_trans:
            still = ([f"bilirubin > {lim}"] if bili_high else []) + [
                f"{n} > {tlim}" for n in high_trans
            ]
            out.append(
                Finding(
                    rules.LIVER,
                    Action.HOLD,
                    f"held for liver tests; {shown}: {' and '.join(still)}; not recovered "
                    "(resuming needs bilirubin and AST/ALT all back within the limits)",
                    "permanent discontinuation if bilirubin or AST/ALT does not recover: when "
                    "recovery has failed is the clinician's judgement",
                )
            )
        elif absent:
            missing.append(
                "liver recovery needs bilirubin, AST and ALT all within limits: give "
                + ", ".join(absent)
            )
            out.append(
                Finding(
                    rules.LIVER,
                    Action.HOLD,
                    f"held for liver tests; {shown}: recovery cannot be confirmed without "
                    + ", ".join(absent),
                )
            )
        else:
            out.append(
                Finding(
                    rules.LIVER,
                    Action.GIVE,
                    f"held for liver tests; {shown}: bilirubin <= {lim} and AST/ALT <= {tlim}, "
                    "recovered",
                )
            )
        return

    if bili_high is None or not trans:
        if bili_high or high_trans:
            need = "--bilirubin" if bili_high is None else "--ast and --alt"
            missing.append(f"the liver rule needs bilirubin and AST/ALT together: give {need}")
            out.append(
                Finding(
                    rules.LIVER,
                    Action.HOLD,
                    f"{shown}: above the limit, and the other half of the rule is unknown "
                    f"({need}); held until it is checked",
                )
            )
        else:
            need = "--bilirubin" if bili_high is None else "--ast and --alt"
            missing.append(f"the liver rule needs bilirubin and AST/ALT together: give {need}")
        return
    if bili_high and high_trans:
        out.append(
            Finding(
                rules.LIVER,
                Action.HOLD,
                f"{shown}: bilirubin > {lim} and {'/'.join(high_trans)} > {tlim}; hold until "
                f"bilirubin <= {lim} and AST/ALT <= {tlim}",
                "unless due to Gilbert's syndrome or hemolysis: that exception is the "
                "clinician's judgement; inoplan does not apply it",
            )
        )
        return
    if bili_high or high_trans:
        which = f"bilirubin > {lim}" if bili_high else f"{'/'.join(high_trans)} > {tlim}"
        out.append(
            Finding(
                rules.LIVER,
                Action.GIVE,
                f"{shown}: only {which}; the hold needs bilirubin and AST/ALT both high",
                "a single raised liver test may still be graded as another non-hematologic "
                "toxicity (--other-grade): the grading is the clinician's",
            )
        )
        return
    out.append(
        Finding(rules.LIVER, Action.GIVE, f"{shown}: within bilirubin <= {lim}, AST/ALT <= {tlim}")
    )


def check(v: LabValues) -> CheckResult:
    """Apply every rule of spec section 6 that the values allow."""
    findings: list[Finding] = []
    missing: list[str] = []
    notes: list[str] = []
    if v.vod:
        findings.append(
            Finding(rules.VOD, Action.DISCONTINUE, "VOD/SOS or other severe liver toxicity given")
        )
    _liver(v, findings, missing)
    _hematologic(v, findings, missing, notes)
    if v.irr != "none":
        severe = v.irr in ("severe", "life-threatening")
        findings.append(
            Finding(
                rules.IRR,
                Action.DISCONTINUE if severe else Action.GIVE,
                f"{v.irr} infusion-related reaction"
                + (
                    ""
                    if severe
                    else ": interrupt the infusion while it lasts; the label discontinues only "
                    "for severe or life-threatening reactions"
                ),
                None
                if severe
                else "whether and how to resume this infusion is the clinician's judgement",
            )
        )
    if v.other_grade is not None:
        allowed = max(1, v.baseline_grade)
        hold = v.other_grade >= rules.OTHER_TOXICITY_HOLD_GRADE and v.other_grade > allowed
        findings.append(
            Finding(
                rules.OTHER_TOXICITY,
                Action.HOLD if hold else Action.GIVE,
                f"other non-hematologic toxicity grade {v.other_grade} (pre-treatment grade "
                f"{v.baseline_grade}): "
                + (
                    f"hold until grade {allowed} or lower"
                    if hold
                    else f"at or below grade {allowed}"
                ),
            )
        )
    else:
        missing.append("other non-hematologic toxicity (--other-grade)")
    if v.days_held is not None:
        notes.append(_interruption_note(v.days_held))
    return CheckResult(v, tuple(findings), tuple(missing), tuple(notes))


def _interruption_note(days: int) -> str:
    hits = rules.interruption_rules(days)
    said = "; ".join(r.text for r in hits) if hits else "no interruption rule applies"
    text = (
        f"held {days} days; interruption table: {said} "
        f"({rules.VERIFY_NOTE}; inoplan replan applies it to the plan)"
    )
    if days > rules.HEMATOLOGIC_PERSIST_DAYS:
        text += "; whether to discontinue is the clinician's judgement"
    return text


# --- output -----------------------------------------------------------------------

SCHEMA = "inoplan.check/1"

UNITS = (
    "ANC and platelets in x 10^9/L (= x 10^3/mm3); bilirubin, AST and ALT in the "
    "laboratory's unit, compared with their ULN in the same unit"
)


def result_to_dict(result: CheckResult) -> dict[str, object]:
    """The result as JSON-ready data (schema ``inoplan.check/1``)."""
    v = result.values

    def num(x: Decimal | None) -> float | None:
        return None if x is None else float(x)

    return {
        "schema": SCHEMA,
        "label_revision": rules.LABEL_REVISION,
        "day": v.day,
        "action": result.action.value,
        "headline": result.headline,
        "values": {
            "anc": num(v.anc),
            "platelets": num(v.platelets),
            "baseline_anc": num(v.baseline_anc),
            "baseline_platelets": num(v.baseline_platelets),
            "prior_anc": num(v.prior_anc),
            "prior_platelets": num(v.prior_platelets),
            "bilirubin": num(v.bilirubin),
            "bilirubin_uln": num(v.bilirubin_uln),
            "ast": num(v.ast),
            "ast_uln": num(v.ast_uln),
            "alt": num(v.alt),
            "alt_uln": num(v.alt_uln),
            "liver_hold": v.liver_hold,
            "vod": v.vod,
            "irr": v.irr,
            "other_grade": v.other_grade,
            "baseline_grade": v.baseline_grade,
            "days_held": v.days_held,
        },
        "units": UNITS,
        "findings": [
            {
                "rule": f.rule.key,
                "table": f.rule.table,
                "quote": f.rule.quote,
                "evidence": f.rule.evidence,
                "action": f.action.value,
                "because": f.because,
                "clinician": f.clinician,
            }
            for f in result.findings
        ],
        "clinician": list(result.clinician),
        "not_checked": list(result.not_checked),
        "notes": list(result.notes),
    }


__all__ = [
    "FIELDS",
    "SCHEMA",
    "UNITS",
    "CheckResult",
    "Finding",
    "LabValues",
    "check",
    "check_from_strings",
    "result_to_dict",
]
