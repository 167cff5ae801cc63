"""How `inoplan batch` scales (1,000 vs 10,000 rows) and how near it is to the floor.

Run on purpose, not in the tests:

    python benchmarks/bench_batch.py [--sizes 1000 10000] [--jobs N]

The floor: a plain Python process that writes the same bytes to the same
number of files in the same folder layout (``patients/`` and the run's own
files), one ``open``/``write`` each, no fsync, the bytes already in memory.
It runs right after each inoplan run, on the files that run wrote, three
times (the median counts: the kernel's cost of creating thousands of files
swings widely from run to run), and inoplan's wall and CPU time are printed
as ratios to it. Limits, at the
largest size: JSON at most 3x the floor, ICS at most 6x, for wall time and
for CPU time (inoplan's worker processes included).

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
import shutil
import statistics
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

FLOOR = r"""
import json, os, resource, sys, time
blob, out = sys.argv[1], sys.argv[2]
with open(blob, "rb") as fh:
    data = memoryview(fh.read())
with open(blob + ".index", encoding="utf-8") as fh:
    index = json.load(fh)
pieces = [(os.path.join(out, name), data[a:b]) for name, a, b in index]
folders = sorted({os.path.dirname(name) for name, _, _ in index} - {""})
r0 = resource.getrusage(resource.RUSAGE_SELF)
t0 = time.perf_counter()
os.mkdir(out)
for folder in folders:
    os.mkdir(os.path.join(out, folder))
for path, content in pieces:
    with open(path, "xb") as fh:
        fh.write(content)
seconds = time.perf_counter() - t0
r1 = resource.getrusage(resource.RUSAGE_SELF)
cpu = r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime
print(json.dumps({"seconds": seconds, "cpu": cpu, "files": len(pieces)}))
"""

#: Limits: CPU time may grow at most this much faster than the rows; memory not at all.
TIME_SLACK = 1.3
MEMORY_LIMIT = 1.5
#: inoplan's time at the largest size, as a multiple of the floor's (wall and CPU).
FLOOR_LIMITS = {"json": 3.0, "ics": 6.0}
#: Runs of the floor at each size; its figures are their medians.
FLOOR_RUNS = 3

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


PACK = r"""
import json, sys
from pathlib import Path
folder, blob = Path(sys.argv[1]), Path(sys.argv[2])
index, offset = [], 0
with blob.open("wb") as fh:
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        fh.write(data)
        index.append((str(path.relative_to(folder)), offset, offset + len(data)))
        offset += len(data)
Path(f"{blob}.index").write_text(json.dumps(index), encoding="utf-8")
"""


def pack(folder: Path, blob: Path) -> None:
    """Every file under ``folder`` into one blob and an index, for the floor to write back.

    In a process of its own: a process started later from this one would
    otherwise inherit the peak memory of reading them (Linux keeps
    ``ru_maxrss`` across fork and exec).
    """
    subprocess.run([sys.executable, "-c", PACK, str(folder), str(blob)], check=True)


def floor(blob: Path, out: Path) -> dict[str, float]:
    proc = subprocess.run(
        [sys.executable, "-c", FLOOR, str(blob), str(out)],
        capture_output=True,
        text=True,
        check=True,
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
        floors: dict[tuple[str, int], dict[str, float]] = {}
        for fmt in ("json", "ics"):
            for n in sizes:
                out = base / f"out-{fmt}-{n}"
                r = measure(base / f"p{n}.csv", out, fmt, args.jobs)
                results[(fmt, n)] = r
                pack(out, base / "blob")
                shutil.rmtree(out)  # the floor starts as inoplan did: no folder, a warm cache
                # Creating thousands of files costs the kernel anything from a third of a
                # second to several seconds, run to run, on the same machine (seen here
                # with a plain loop): the floor is the median of FLOOR_RUNS runs.
                tries = []
                for _ in range(FLOOR_RUNS):
                    tries.append(floor(base / "blob", base / f"floor-{fmt}-{n}"))
                    shutil.rmtree(base / f"floor-{fmt}-{n}")
                f = floors[(fmt, n)] = {
                    "seconds": statistics.median(t["seconds"] for t in tries),
                    "cpu": statistics.median(t["cpu"] for t in tries),
                    "files": tries[0]["files"],
                }
                print(
                    f"{fmt:<6} {n:>7} {r['seconds']:>8.2f} {r['cpu']:>8.2f} "
                    f"{n / r['seconds']:>8.0f} "
                    f"{r['peak_bytes'] / 2**20:>9.1f}"
                    f"   floor {f['seconds']:.2f} s, cpu {f['cpu']:.2f} s "
                    f"({int(f['files'])} files, median of {FLOOR_RUNS})"
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
        print()
        for fmt in ("json", "ics"):
            r, f = results[(fmt, hi)], floors[(fmt, hi)]
            limit = FLOOR_LIMITS[fmt]
            wall, cpu = r["seconds"] / f["seconds"], r["cpu"] / f["cpu"]
            within = wall <= limit and cpu <= limit
            print(
                f"{fmt}: {hi:,} rows against the floor: wall x{wall:.2f}, CPU x{cpu:.2f} "
                f"(limit {limit:g}x: {'ok' if within else 'OVER'})"
            )
            ok = ok and within
    if not ok:
        print("over a limit", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
