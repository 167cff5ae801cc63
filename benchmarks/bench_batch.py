"""How `inoplan batch` scales: 1,000 vs 10,000 rows, to JSON and to ICS.

Run on purpose, not in the tests:

    python benchmarks/bench_batch.py [--sizes 1000 10000]

Each run happens in a fresh Python process that plans the whole file and
reports its wall time and peak resident memory (ru_maxrss of the process that
reads the CSV and writes the files; each worker process holds only a few
chunks of rows), so the numbers of one run do not leak into the next.
Printed: rows/s for each run and, per format, the ratios of the largest to the
smallest size. Streaming means the time ratio follows the row ratio and the
memory ratio stays near 1. The time ratio uses CPU time (user + system, the
worker processes included), which other work on a shared machine disturbs
less than wall time. Exit status 1 when a ratio is over its limit:
CPU time at most 1.3 x the row ratio, peak memory at most 1.5 x.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from inoplan.services.batch import run_batch
from inoplan.export.ics import IcsOptions, dtstamp_from_env

source, out, fmt, jobs = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
key = b"benchmark-uid-key-" * 2  # a fixed site key: the benchmark never touches ~/.config
options = IcsOptions(dtstamp=dtstamp_from_env(), uid_key=key) if fmt == "ics" else None
t0 = time.perf_counter()
summary = run_batch(source, out, fmt, ics_options=options, jobs=jobs)
seconds = time.perf_counter() - t0
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
rss = me.ru_maxrss
scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux
print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_bytes": rss * scale,
                  "planned": summary.planned, "rejected": len(summary.rejected)}))
"""

#: Limits: CPU time may grow at most this much faster than the rows; memory not at all.
TIME_SLACK = 1.3
MEMORY_LIMIT = 1.5

ZONES = ("Europe/Berlin", "America/New_York", "Asia/Tokyo", "UTC")


def make_csv(path: Path, rows: int, seed: int = 4) -> None:
    """Plausible patients; every 10th row carries a time and zone for timed events."""
    rnd = random.Random(seed)
    lines = ["patient_id,start,height,weight,response,hsct,mrd,time,tz"]
    first = date(2027, 1, 4)
    for i in range(rows):
        start = first + timedelta(days=rnd.randrange(365))
        response = rnd.choice(("cr", "cri", "none", "pending"))
        hsct = rnd.choice(("", "", "yes"))
        mrd = rnd.choice(("", "negative", "positive"))
        timed = i % 10 == 0
        lines.append(
            f"P{i:06d},{start.isoformat()},{rnd.randint(150, 200)},{rnd.randint(45, 130)},"
            f"{response},{hsct},{mrd},{'09:30' if timed else ''},"
            f"{rnd.choice(ZONES) if timed else ''}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def measure(source: Path, out: Path, fmt: str, jobs: int) -> dict[str, float]:
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(source), str(out), fmt, str(jobs)],
        capture_output=True,
        text=True,
        check=True,
        env={"SOURCE_DATE_EPOCH": "1790000000", "PATH": ""},
    )
    return json.loads(proc.stdout)  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument(
        "--jobs", type=int, default=min(os.cpu_count() or 1, 8), help="worker processes"
    )
    args = parser.parse_args()
    sizes = sorted(args.sizes)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        results: dict[tuple[str, int], dict[str, float]] = {}
        for n in sizes:
            make_csv(base / f"p{n}.csv", n)
        print(f"{args.jobs} worker process(es); peak memory is the main process's")
        print(
            f"{'format':<6} {'rows':>7} {'seconds':>8} {'cpu s':>8} {'rows/s':>8} {'peak MiB':>9}"
        )
        for fmt in ("json", "ics"):
            for n in sizes:
                r = measure(base / f"p{n}.csv", base / f"out-{fmt}-{n}", fmt, args.jobs)
                results[(fmt, n)] = r
                print(
                    f"{fmt:<6} {n:>7} {r['seconds']:>8.2f} {r['cpu']:>8.2f} "
                    f"{n / r['seconds']:>8.0f} "
                    f"{r['peak_bytes'] / 2**20:>9.1f}"
                )
        lo, hi = sizes[0], sizes[-1]
        ok = True
        print()
        for fmt in ("json", "ics"):
            a, b = results[(fmt, lo)], results[(fmt, hi)]
            time_ratio = b["cpu"] / a["cpu"]
            memory_ratio = b["peak_bytes"] / a["peak_bytes"]
            print(
                f"{fmt}: {hi:,} vs {lo:,} rows (x{hi / lo:g}): "
                f"CPU time x{time_ratio:.2f} (limit {TIME_SLACK * hi / lo:g}), "
                f"peak memory x{memory_ratio:.2f} (limit {MEMORY_LIMIT:g})"
            )
            ok = ok and time_ratio <= TIME_SLACK * hi / lo and memory_ratio <= MEMORY_LIMIT
    if not ok:
        print("over a limit", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
