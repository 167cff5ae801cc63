"""Where a plan comes from: the dosing policy, and a content hash of its doses.

Pure and cheap: json and SHA-256 are imported only when a hash is computed, so
the table view and the CSV, which carry only the policy line, do not pay for
them. Every output carries the policy: the JSON plan as an object, the table
view and the CSV as one line.

The doses hash (``inoplan-doses/1``) is defined so that anyone can recompute it
from a JSON plan without inoplan:

1. take every dose of the plan in plan order (cycle, then day);
2. write each as an object with exactly the keys ``cycle`` and ``day``
   (integers), ``date`` (``YYYY-MM-DD``), ``mg_per_m2`` and ``mg`` (decimal
   strings in plain notation without trailing zeros: ``"0.8"``, ``"1.46"``,
   ``"1"``);
3. serialise the list as JSON with sorted keys, no whitespace
   (separators ``,`` and ``:``) and ASCII only;
4. SHA-256 of those UTF-8 bytes, as lowercase hex.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from inoplan import __version__
from inoplan.domain import rules
from inoplan.domain.plan import Plan

#: The name of the canonical dose form hashed by :func:`doses_sha256`.
DOSES_CANONICAL = "inoplan-doses/1"
HASH_ALGORITHM = "sha256"


class Policy(NamedTuple):
    """The dosing conventions a plan was made with (spec section 8, and market, section 7)."""

    bsa_formula: str  # a formula name, or "given" when the BSA was given directly
    bsa_cap_m2: Decimal | None
    market: str
    #: Site policy [inoplan]: a weight change of at least this (%) recomputes the BSA.
    recalc_threshold_pct: Decimal = rules.RECALC_THRESHOLD_PCT

    @property
    def as_dict(self) -> dict[str, object]:
        return {
            "bsa_formula": self.bsa_formula,
            "bsa_cap_m2": None if self.bsa_cap_m2 is None else float(self.bsa_cap_m2),
            "weight": rules.POLICY_WEIGHT,
            "bsa_rounding": rules.POLICY_BSA_ROUNDING,
            "dose_rounding": rules.POLICY_DOSE_ROUNDING,
            "market": self.market,
            "bsa_recalc_threshold_pct": float(self.recalc_threshold_pct),
        }

    @property
    def line(self) -> str:
        """One line for a table or a CSV cell."""
        formula = "given" if self.bsa_formula == "given" else f"{self.bsa_formula}, actual weight"
        cap = "no cap" if self.bsa_cap_m2 is None else f"capped at {self.bsa_cap_m2} m2"
        # A BSA given directly has no weight to follow (replan --measured refuses it).
        recalc = (
            ""
            if self.bsa_formula == "given"
            else f"BSA recomputed when the weight changes by "
            f"{self.recalc_threshold_pct.normalize():f}% or more (site policy); "
        )
        return (
            f"BSA {formula}, {cap}; BSA {rules.POLICY_BSA_ROUNDING}; doses "
            f"{rules.POLICY_DOSE_ROUNDING}; {recalc}market {self.market}; "
            f"rules ({rules.LABEL_REVISION}); inoplan {__version__}"
        )


def policy_of(plan: Plan) -> Policy:
    """The policy a plan was made with."""
    bsa = plan.bsa
    cap_text = dict(plan.request.inputs).get("bsa_cap")
    # The cap the user asked for, even when it did not bite (BSA below it).
    cap = _cap_from_text(cap_text) if cap_text else (bsa.m2 if bsa.capped else None)
    # The threshold in force: that of the last measurement recorded (inoplan replan).
    thresholds = [
        r["threshold"]
        for r in (dict(e) for e in plan.events)
        if r.get("event") == "measured" and r.get("threshold")
    ]
    threshold = Decimal(thresholds[-1]) if thresholds else rules.RECALC_THRESHOLD_PCT
    return Policy(
        bsa_formula=bsa.formula,
        bsa_cap_m2=cap,
        market=rules.POLICY_MARKET,
        recalc_threshold_pct=threshold,
    )


def _cap_from_text(text: str) -> Decimal:
    from inoplan.domain.bsa import check_cap
    from inoplan.domain.units import parse_decimal

    return check_cap(parse_decimal(text, "--bsa-cap"))


def decimal_text(value: Decimal) -> str:
    """Plain notation without trailing zeros: ``1.10`` -> ``1.1``, ``2.00`` -> ``2``."""
    return f"{value.normalize():f}"


DoseKey = tuple[int, int, date, Decimal, Decimal]


def canonical_doses(doses: Iterable[DoseKey]) -> str:
    """The ``inoplan-doses/1`` text of (cycle, day, date, mg/m2, mg) tuples."""
    # Keys in sorted order already, as the form sorts them (no sorting at each hash).
    items = [
        {
            "cycle": cycle,
            "date": when.isoformat(),
            "day": day,
            "mg": decimal_text(mg),
            "mg_per_m2": decimal_text(mg_per_m2),
        }
        for cycle, day, when, mg_per_m2, mg in doses
    ]
    import json

    return json.dumps(items, separators=(",", ":"), ensure_ascii=True)


def doses_sha256(doses: Iterable[DoseKey]) -> str:
    """The SHA-256 (hex) of :func:`canonical_doses`."""
    return sha256_hex(canonical_doses(doses).encode("utf-8"))


def sha256_hex(data: bytes) -> str:
    """SHA-256 (hex) of ``data`` (see :func:`_sha256`)."""
    digest: str = _sha256()(data).hexdigest()
    return digest


@functools.cache
def _sha256() -> Any:
    """SHA-256 from the interpreter's own module where there is one, else from hashlib.

    ``hashlib`` loads OpenSSL and looks up every algorithm it offers (some
    3 ms at each start, more than the rest of this module); the built-in
    module (``_sha256`` up to Python 3.11, ``_sha2`` from 3.12) computes the
    same digest. Looked up once: a failed import searches the whole path
    again each time (a batch hashes every plan).
    """
    try:
        from _sha2 import sha256  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        try:
            from _sha256 import sha256  # type: ignore[import-not-found,no-redef,unused-ignore]
        except ImportError:  # pragma: no cover - a build without them
            from hashlib import sha256
    return sha256


def plan_dose_keys(plan: Plan) -> list[DoseKey]:
    return [(d.cycle, d.day, d.date, d.mg_per_m2, d.mg) for d in plan.doses]


def plan_hash(plan: Plan) -> str:
    """The doses hash of a plan."""
    return doses_sha256(plan_dose_keys(plan))


def provenance_dict(plan: Plan) -> dict[str, object]:
    """The ``provenance`` object of the JSON plan.

    A plan with public holidays (``--holidays``) records the version of the
    ``holidays`` package that named them: a new release can move a holiday,
    and with it a re-planned date.
    """
    policy = policy_of(plan)
    out: dict[str, object] = {
        "inoplan_version": __version__,
        "label_revision": rules.LABEL_REVISION,
        "policy": policy.as_dict,
        "policy_text": policy.line,
        "doses_hash": {
            "algorithm": HASH_ALGORITHM,
            "canonical": DOSES_CANONICAL,
            "value": plan_hash(plan),
        },
    }
    if plan.request.holidays:
        import holidays  # already imported to plan the holidays

        out["holidays_version"] = str(getattr(holidays, "__version__", "unknown"))
    return out
