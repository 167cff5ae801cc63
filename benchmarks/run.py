"""Run every inoplan benchmark in one go and print medians and ratios.

    python benchmarks/run.py            # 15 rounds (about 15 seconds)
    python benchmarks/run.py --runs 31  # steadier medians
    python benchmarks/run.py --check    # exit 1 when a ratio is over its limit

Start-up is compared with floors measured in the same run, on the same
machine, with the same interpreter, so the ratios hold from a laptop to CI:

- ``inoplan schedule ... --format json`` against ``python -c "import typer"``:
  at most 1.15x (``--format csv``: at most 1.3x);
- ``inoplan schedule ...`` (the Rich view) against
  ``python -c "import typer, rich.console"``: at most 1.15x;
- ``inoplan --help`` and ``inoplan --version``, against the same floor, for
  information.

Each round runs every command once, in the same order, so a slow moment of
the machine touches every command alike; the report shows the median of the
rounds. A warm-up round comes first (file cache, bytecode). Ratios use the CPU
time of each process (user + system), which other work on a shared machine
disturbs less than wall time; the wall time is shown beside it.

Then the imports of the JSON path are listed (``python -X importtime``),
the most expensive first, to show where start-up time goes.

Last, every other ``benchmarks/bench_*.py`` is run, one after the other, as
``python benchmarks/bench_NAME.py`` from the project folder, with no
arguments. The contract for such a script: it runs on its own in a reasonable
time, prints its own medians and ratios, and exits 0 when its figures are
within their limits (non-zero otherwise). This script relays its output and
counts a non-zero exit as a figure over its limit.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: Measure as an installed program runs: with its bytecode cached. A
#: development shell often sets PYTHONDONTWRITEBYTECODE, which would make every
#: run compile inoplan from source while Typer and Rich load from bytecode.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
PLAN_ARGS = ("schedule", "--start", "2026-12-01", "--height", "170", "--weight", "70")
PLAN_ARGS += ("--response", "cr")


NO_PAUSE = "from inoplan.cli.app import main; main()"

#: The highest ratios of CPU time allowed against the floors (issue 17).
JSON_LIMIT = 1.15
RICH_LIMIT = 1.15
CSV_LIMIT = 1.3


@dataclass(frozen=True)
class Case:
    name: str
    argv: tuple[str, ...]
    floor: str | None = None  # the name of the floor case it is compared with
    limit: float | None = None  # the highest allowed ratio against the floor


def inoplan_argv() -> tuple[str, ...]:
    """The installed ``inoplan`` script beside this interpreter, else ``python -m inoplan``."""
    script = Path(sys.executable).with_name("inoplan")
    if script.exists():
        return (str(script),)
    found = shutil.which("inoplan")
    if found:
        return (found,)
    return (sys.executable, "-m", "inoplan")


def cases() -> list[Case]:
    py = sys.executable
    cli = inoplan_argv()
    return [
        Case("floor: import typer", (py, "-c", "import typer")),
        Case("floor: import typer, rich.console", (py, "-c", "import typer, rich.console")),
        Case(
            "schedule --format json",
            (*cli, *PLAN_ARGS, "--format", "json"),
            "floor: import typer",
            JSON_LIMIT,
        ),
        # For information: what pausing the garbage collector while loading
        # (inoplan.__main__.run) is worth; the same command started without it.
        Case(
            "  json, collector not paused",
            (py, "-c", NO_PAUSE, *PLAN_ARGS, "--format", "json"),
            "floor: import typer",
        ),
        Case(
            "schedule --format csv",
            (*cli, *PLAN_ARGS, "--format", "csv"),
            "floor: import typer",
            CSV_LIMIT,
        ),
        Case(
            "schedule (Rich view)",
            (*cli, *PLAN_ARGS),
            "floor: import typer, rich.console",
            RICH_LIMIT,
        ),
        Case("inoplan --version", (*cli, "--version"), "floor: import typer"),
        Case("inoplan --help", (*cli, "--help"), "floor: import typer"),
    ]


@dataclass(frozen=True)
class Sample:
    wall: float  # seconds from start to exit
    cpu: float  # user + system seconds of the process


def run_once(argv: tuple[str, ...]) -> Sample:
    """Time one run; the command must succeed."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"benchmark command failed ({proc.returncode}): {' '.join(argv)}")
    return Sample(wall, usage.ru_utime + usage.ru_stime)


def cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or platform.machine()
    m = re.search(r"^model name\s*:\s*(.+)$", text, re.MULTILINE)
    return m.group(1).strip() if m else platform.machine()


def versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    parts = []
    for name in ("inoplan", "typer", "rich"):
        try:
            parts.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            parts.append(f"{name} (not installed)")
    return ", ".join(parts)


def print_machine() -> None:
    print(
        f"machine: {cpu_model()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"
    )
    print(
        f"python:  {platform.python_implementation()} {platform.python_version()} "
        f"({sys.executable})"
    )
    print(f"using:   {versions()}")


def startup(runs: int) -> bool:
    """Time every case; print medians and ratios. True when every limit holds."""
    all_cases = cases()
    for case in all_cases:  # warm-up: file cache, and bytecode written where it can be
        run_once(case.argv)
    samples: dict[str, list[Sample]] = {c.name: [] for c in all_cases}
    for _ in range(runs):
        for case in all_cases:
            samples[case.name].append(run_once(case.argv))
    cpu = {name: statistics.median(s.cpu for s in values) for name, values in samples.items()}
    wall = {name: statistics.median(s.wall for s in values) for name, values in samples.items()}

    ok = True
    print(f"\nstart-up, median of {runs} runs: CPU time (wall time); ratios of CPU times")
    width = max(len(c.name) for c in all_cases)
    for case in all_cases:
        line = (
            f"  {case.name:<{width}}  {cpu[case.name] * 1000:6.1f} ms"
            f" ({wall[case.name] * 1000:6.1f} ms)"
        )
        if case.floor is not None:
            ratio = cpu[case.name] / cpu[case.floor]
            line += f"  {ratio:5.2f}x {case.floor.removeprefix('floor: ')}"
            if case.limit is not None:
                within = ratio <= case.limit
                ok = ok and within
                line += f"  (limit {case.limit}x: {'ok' if within else 'OVER'})"
        print(line)
    return ok


def import_profile(top: int = 12) -> None:
    """The imports of the JSON path by cumulative time, and whether Rich or pydantic is there."""
    argv = (sys.executable, "-X", "importtime", "-m", "inoplan", *PLAN_ARGS, "--format", "json")
    done = subprocess.run(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True, env=ENV
    )
    rows: list[tuple[int, int, str]] = []
    for line in done.stderr.decode().splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if m and len(m.group(3)) <= 3:  # top-level and first-level imports
            rows.append((int(m.group(2)), int(m.group(1)), m.group(3) + m.group(4)))
    print(f"\nimports of the JSON path (python -X importtime), top {top} by cumulative time")
    for cumulative, own, name in sorted(rows, reverse=True)[:top]:
        print(f"  {cumulative / 1000:6.1f} ms  (own {own / 1000:5.1f} ms)  {name}")
    every = {m.group(1) for m in re.finditer(r"\| *([\w.]+)$", done.stderr.decode(), re.MULTILINE)}
    for heavy in ("rich", "pydantic", "dateutil"):
        print(f"  {heavy} imported: {'yes' if heavy in every else 'no'}")


def other_benchmarks() -> bool:
    """Run benchmarks/bench_*.py one by one; True when all exit 0."""
    ok = True
    for path in sorted(HERE.glob("bench_*.py")):
        print(f"\n== {path.name}", flush=True)
        done = subprocess.run((sys.executable, str(path)), check=False, env=ENV, cwd=HERE.parent)
        if done.returncode != 0:
            print(f"{path.name}: exit status {done.returncode}")
            ok = False
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="rounds of start-up runs (15)")
    parser.add_argument("--check", action="store_true", help="exit 1 when a limit is exceeded")
    parser.add_argument("--only-startup", action="store_true", help="skip the bench_*.py scripts")
    args = parser.parse_args(argv)
    print_machine()
    ok = startup(max(1, args.runs))
    import_profile()
    if not args.only_startup:
        ok = other_benchmarks() and ok
    print("\nall within limits" if ok else "\nsome figures are over their limits")
    return 1 if args.check and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
