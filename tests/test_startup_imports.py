"""What a plan no longer loads at start-up, and that the cheaper paths give the same answers.

A JSON plan computes its doses hash with the interpreter's own SHA-256 (not
hashlib, which loads OpenSSL), and every plan counts its follow-up months
without dateutil; the Rich view gives its panels plain-text titles, so Rich
never loads its table of emoji codes. Timings live in ``benchmarks/run.py``.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from inoplan.domain.plan import add_months
from inoplan.domain.provenance import sha256_hex

PLAN = ["schedule", "--start", "2026-12-01", "--height", "170", "--weight", "70"]
PLAN += ["--response", "cr"]

# Counts only what the run loads: a coverage tool measuring this process may
# have loaded hashlib before it.
PROBE = """
import atexit, json, sys
before = set(sys.modules)
def report():
    names = {"dateutil", "hashlib", "_hashlib", "rich._emoji_codes"}
    loaded = sorted(names & set(sys.modules) - before)
    sys.stderr.write(json.dumps({"loaded": loaded}) + "\\n")
atexit.register(report)
sys.argv = ["inoplan", *json.loads(sys.argv[1])]
from inoplan.__main__ import run
run()
"""


@pytest.mark.parametrize("fmt", [["--format", "json"], ["--format", "csv"], []])
def test_a_plan_loads_neither_dateutil_nor_openssl_nor_emoji_codes(
    fmt: list[str], tmp_path: Path
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps([*PLAN, *fmt])],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert (done.returncode, report) == (0, {"loaded": []})
    assert "contraception" in done.stdout.lower() or fmt == ["--format", "csv"]


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(9000, 12, 31)),
    st.integers(min_value=0, max_value=120),
)
def test_add_months_counts_as_relativedelta(day: date, months: int) -> None:
    assert add_months(day, months) == day + relativedelta(months=months)


def test_add_months_ends_on_the_last_day_of_a_shorter_month() -> None:
    # 2027-01-31 + 1 month: February 2027 has 28 days; 2028 is a leap year (29).
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    # 2026-12-31 + 2 months crosses the year: 2027-02-28.
    assert add_months(date(2026, 12, 31), 2) == date(2027, 2, 28)
    # 2026-10-15 + 8 months: 2027-06-15, the day kept.
    assert add_months(date(2026, 10, 15), 8) == date(2027, 6, 15)


@given(st.binary(max_size=4096))
def test_the_doses_hash_digest_is_hashlibs_sha256(data: bytes) -> None:
    assert sha256_hex(data) == hashlib.sha256(data).hexdigest()
