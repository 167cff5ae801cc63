"""How much verifying a saved plan and exporting FHIR cost next to planning it.

Run on purpose: ``python benchmarks/bench_verify_fhir.py``. Prints ratios
measured in one run, so the numbers compare across machines.
"""

from __future__ import annotations

import json
import timeit

from inoplan.domain.plan import make_plan
from inoplan.export import fhir
from inoplan.export import json as export_json
from inoplan.inputs.plan_request import request_from_strings
from inoplan.services.verify import verify_plan

VALUES = {"start": "2026-12-01", "height": "170", "weight": "70", "response": "cr"}


def main() -> None:
    plan = make_plan(request_from_strings(VALUES))
    saved = json.loads(export_json.render(plan))
    n = 200
    timings = {
        "plan": timeit.timeit(lambda: make_plan(request_from_strings(VALUES)), number=n),
        "json": timeit.timeit(lambda: export_json.render(plan), number=n),
        "verify": timeit.timeit(lambda: verify_plan(saved), number=n),
        "fhir": timeit.timeit(lambda: fhir.render(plan), number=n),
    }
    base = timings["plan"]
    print(f"6-cycle plan, {n} runs each; plan = {base / n * 1e3:.3f} ms per run")
    for name, seconds in timings.items():
        print(f"{name:<7} {seconds / base:6.2f} x plan")


if __name__ == "__main__":
    main()
