"""How much the HTML calendar costs next to the JSON plan, measured in one run.

    python benchmarks/bench_html.py

Two ratios, each against a floor measured in the same run on the same machine:

- rendering in-process (Babel already loaded): the 6-cycle worked example as an
  HTML calendar against the same plan as JSON; at most 5x;
- a whole ``inoplan schedule ... --format html`` process against the same
  command with ``--format json`` (CPU time, user + system; Babel's import and
  locale data are the difference); at most 1.4x.

Prints medians and ratios; exits 1 when a ratio is over its limit.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal

from inoplan.domain.bsa import given_bsa
from inoplan.domain.plan import PlanRequest, make_plan
from inoplan.domain.rules import Response
from inoplan.export import html as export_html
from inoplan.export import json as export_json

ROUNDS = 15
RENDER_LIMIT = 5.0
PROCESS_LIMIT = 1.4
ARGS = ["schedule", "--start", "2026-12-01", "--height", "170", "--weight", "70"]
ARGS += ["--response", "cr", "-o", "-"]
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _per_call(fn: object, calls: int = 20) -> float:
    assert callable(fn)
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - start) / calls


def _process_cpu(fmt: str) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        [sys.executable, "-m", "inoplan", *ARGS, "--format", fmt],
        check=True,
        stdout=subprocess.DEVNULL,
        env=ENV,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    plan = make_plan(
        PlanRequest(start=date(2026, 12, 1), bsa=given_bsa(Decimal("1.82")), response=Response.CR)
    )
    export_html.render(plan, lang="de")  # warm-up: Babel and its locale data loaded
    json_s, html_s = [], []
    proc_json, proc_html = [], []
    _process_cpu("json"), _process_cpu("html")  # warm-up: bytecode, file cache
    for _ in range(ROUNDS):
        json_s.append(_per_call(lambda: export_json.render(plan)))
        html_s.append(_per_call(lambda: export_html.render(plan, lang="de")))
        proc_json.append(_process_cpu("json"))
        proc_html.append(_process_cpu("html"))
    render_ratio = statistics.median(html_s) / statistics.median(json_s)
    process_ratio = statistics.median(proc_html) / statistics.median(proc_json)
    print(f"render json  {statistics.median(json_s) * 1e3:8.2f} ms  (median of {ROUNDS})")
    print(
        f"render html  {statistics.median(html_s) * 1e3:8.2f} ms  ratio {render_ratio:5.1f}x "
        f"(limit {RENDER_LIMIT:g}x)"
    )
    print(f"process json {statistics.median(proc_json) * 1e3:8.1f} ms CPU")
    print(
        f"process html {statistics.median(proc_html) * 1e3:8.1f} ms CPU  ratio "
        f"{process_ratio:5.2f}x (limit {PROCESS_LIMIT:g}x)"
    )
    return 0 if render_ratio <= RENDER_LIMIT and process_ratio <= PROCESS_LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
