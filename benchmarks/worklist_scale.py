"""How the worklist scales with the size of the clinic.

Run on purpose: ``python benchmarks/worklist_scale.py``. Builds patients CSVs of
50 and 500 rows in a temporary folder, times reading them and building the
worklist for one day, and prints the ratio of the time per patient (close to 1
means the cost grows linearly with the number of patients).
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path

from inoplan.domain import rules
from inoplan.services.worklist import build_worklist, load_patients


def _csv(folder: Path, n: int) -> Path:
    path = folder / f"patients-{n}.csv"
    lines = ["patient_id,start,height,weight,response"]
    for k in range(n):
        start = dt.date(2026, 12, 1) - dt.timedelta(days=k % 21)
        lines.append(f"P{k:04d},{start.isoformat()},{150 + k % 40},{50 + k % 50},cr")
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def _seconds(path: Path, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        sources = load_patients(str(path))
        build_worklist(sources, dt.date(2026, 12, 8), dt.date(2026, 12, 8), rules.VIALS["us"])
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        small, large = _csv(Path(tmp), 50), _csv(Path(tmp), 500)
        per_small = _seconds(small) / 50
        per_large = _seconds(large) / 500
    print(f"time per patient, 500 vs 50 patients: {per_large / per_small:.2f}x")


if __name__ == "__main__":
    main()
