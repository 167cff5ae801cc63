"""The response and MRD statuses: enums the command line offers as choices.

Kept apart from :mod:`inoplan.domain.rules` so the command line (and every Tab
press of shell completion) can offer them without loading the rules.
"""

from __future__ import annotations

from enum import Enum


class Response(str, Enum):
    """Response status when a cycle starts (spec section 2)."""

    PENDING = "pending"
    NONE = "none"
    CR = "cr"
    CRI = "cri"

    @property
    def is_remission(self) -> bool:
        """CR or CRi."""
        return self in (Response.CR, Response.CRI)


class Mrd(str, Enum):
    """Minimal residual disease status after 2 cycles (spec section 4)."""

    NEGATIVE = "negative"
    POSITIVE = "positive"
    UNKNOWN = "unknown"
