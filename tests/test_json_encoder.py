"""The JSON writer gives the same bytes with orjson as with the standard encoder.

Plan files are read by people and hashed by ``inoplan verify``: the faster C
encoder may only be used where its bytes are those of
``json.dumps(indent=2, sort_keys=True, ensure_ascii=False)``, and inoplan must
work, byte for byte the same, where orjson is not installed.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inoplan.domain.clinic import plan_course
from inoplan.domain.plan import Plan
from inoplan.export import json as export_json
from inoplan.inputs.clock import today
from inoplan.inputs.plan_request import request_from_strings


def standard(data: Any) -> bytes:
    """What inoplan wrote before orjson: the standard library's indented encoder."""
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


@pytest.fixture
def without_orjson(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """As on a machine where orjson is not installed: its import fails."""
    monkeypatch.setitem(sys.modules, "orjson", None)
    monkeypatch.setattr(export_json, "_ORJSON", None)
    yield
    monkeypatch.undo()
    export_json._ORJSON = None  # found again on next use


def plan(**values: str) -> Plan:
    base = {"start": "2026-12-01", "response": "cr", "mrd": "unknown", "first_cycle_days": "21"}
    base.update(values)
    if "bsa" not in base:
        base.setdefault("bsa_formula", "mosteller")
    return plan_course(request_from_strings(base), today())


PLANS = {
    "hw": {"height": "170", "weight": "70"},
    "bsa-hsct-id": {
        "bsa": "1.82", "response": "cri", "hsct": "yes", "mrd": "positive",
        "patient_id": "MRN/0042#x",
    },
    "pending-cap": {
        "height": "5ft7in", "weight": "154lb", "response": "pending", "bsa_cap": "1.7",
        "blasts": "12000",
    },
    "past-none": {
        "start": "2026-11-02", "height": "182", "weight": "131", "response": "none",
        "cycles": "2",
    },
}  # fmt: skip


# Text across the planes (no lone surrogate: it is not UTF-8, and neither encoder writes it),
# with the characters JSON must escape; floats of every size, tiny ones and NaN included.
text = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
floats = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1e-3, max_value=1e-3),
    st.sampled_from([0.0, -0.0, 1e-4, 9.99e-5, 1e16, 1.1, 0.91, 1e-7]),
)
leaves = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70))
json_data = st.recursive(
    st.one_of(leaves, floats, text),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.dictionaries(text, inner, max_size=4),
    ),
    max_leaves=20,
)


@given(st.dictionaries(text, json_data, max_size=5))
def test_any_data_gives_the_standard_bytes(data: dict[str, Any]) -> None:
    assert export_json.dumps_bytes(data, fast=True) == standard(data)
    assert export_json.dumps(data) == standard(data).decode()


def test_keys_that_are_not_text_are_written_as_the_standard_encoder_writes_them() -> None:
    # json.dumps turns 1 into "1" and None into "null"; orjson would refuse them.
    data: dict[Any, Any] = {"a": {1: "x", 2: [1.5]}, "b": {None: 3}}
    assert export_json.dumps_bytes(data, fast=True) == standard(data)


@pytest.mark.parametrize("name", PLANS)
def test_plan_files_are_the_standard_bytes_and_take_the_fast_path(name: str) -> None:
    p = plan(**PLANS[name])
    data = export_json.plan_to_dict(p)
    assert export_json.render_bytes(p, fast=True) == standard(data)
    assert export_json.render(p) == standard(data).decode()
    # Real plans hold nothing that needs the slow encoder (no tiny float, no odd type).
    assert export_json._plain(data)


@pytest.mark.usefixtures("without_orjson")
@pytest.mark.parametrize("name", PLANS)
def test_without_orjson_plan_files_are_the_same_bytes(name: str) -> None:
    p = plan(**PLANS[name])
    assert export_json._orjson() is None
    assert export_json.render_bytes(p, fast=True) == standard(export_json.plan_to_dict(p))


def test_orjson_is_imported_only_when_many_files_are_written() -> None:
    # One plan (schedule --format json) does not pay for loading orjson; a batch run does.
    import subprocess

    code = (
        "import sys, inoplan.export.json as j; j.dumps({'a': 1}); one = 'orjson' in sys.modules; "
        "j.dumps_bytes({'a': 1}, fast=True); print(one, 'orjson' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "True"]
