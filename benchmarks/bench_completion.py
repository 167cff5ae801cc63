"""How long a Tab press takes: a completion request against `python -c "import typer"`.

    python benchmarks/bench_completion.py [--runs N]

Every Tab press starts ``inoplan`` afresh, so its start-up is the user's wait.
Runs each shell's completion request for ``inoplan schedule --response `` and the
bare ``import typer`` baseline N times (interleaved), prints the medians of
their CPU time (user + system, as ``benchmarks/run.py`` measures; the wall time
beside it) and the ratio (limit: at most 1.10x, exit status 1 over it), and
lists any heavy module a request imported (measured with
``python -X importtime``; there should be none).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time

HEAVY = ("rich", "icalendar", "holidays", "babel", "dateutil")
TARGET = 1.10
LINE = "inoplan schedule --response "

REQUESTS: dict[str, dict[str, str]] = {
    "bash": {"_INOPLAN_COMPLETE": "complete_bash", "COMP_WORDS": LINE, "COMP_CWORD": "3"},
    "zsh": {"_INOPLAN_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": LINE},
    "fish": {
        "_INOPLAN_COMPLETE": "complete_fish",
        "_TYPER_COMPLETE_FISH_ACTION": "get-args",
        "_TYPER_COMPLETE_ARGS": LINE,
    },
    "powershell": {
        "_INOPLAN_COMPLETE": "complete_powershell",
        "_TYPER_COMPLETE_ARGS": LINE,
        "_TYPER_COMPLETE_WORD_TO_COMPLETE": "",
    },
}

# What the console-script entry point (``inoplan = "inoplan.__main__:run"``)
# runs, without the wrapper's own start-up: it loads only the command typed.
REQUEST_CODE = "from inoplan.__main__ import run; run()"
BASELINE_CODE = "import typer"


def _clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("_INOPLAN_", "_TYPER_", "COMP_"))
    }
    env.update(extra or {})
    return env


def _seconds(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """The CPU time (user + system) and the wall time of one run, in seconds."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"benchmark command failed: {' '.join(args)}")
    return usage.ru_utime + usage.ru_stime, wall


def heavy_imports(env: dict[str, str]) -> list[str]:
    r = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", REQUEST_CODE],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    names = {m.strip() for m in re.findall(r"^import time:.*\|(.*)$", r.stderr, re.M)}
    return sorted(n for n in names if n.split(".")[0] in HEAVY)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs

    baseline_env = _clean_env()
    baseline: list[tuple[float, float]] = []
    timings: dict[str, list[tuple[float, float]]] = {shell: [] for shell in REQUESTS}
    for _ in range(runs):
        baseline.append(_seconds([sys.executable, "-c", BASELINE_CODE], baseline_env))
        for shell, extra in REQUESTS.items():
            timings[shell].append(_seconds([sys.executable, "-c", REQUEST_CODE], _clean_env(extra)))

    base = statistics.median(cpu for cpu, _ in baseline)
    base_wall = statistics.median(wall for _, wall in baseline)
    print(
        f"median of {runs} runs, CPU time (wall time); baseline `python -c 'import typer'`: "
        f"{base * 1000:.1f} ms ({base_wall * 1000:.1f} ms)"
    )
    worst = 0.0
    for shell, times in timings.items():
        med = statistics.median(cpu for cpu, _ in times)
        wall = statistics.median(w for _, w in times)
        ratio = med / base
        worst = max(worst, ratio)
        heavy = heavy_imports(_clean_env(REQUESTS[shell]))
        print(
            f"{shell:<11} {med * 1000:6.1f} ms ({wall * 1000:6.1f} ms)  {ratio:4.2f}x  "
            f"heavy imports: {', '.join(heavy) if heavy else 'none'}"
        )
    within = worst <= TARGET
    print(f"worst ratio {worst:.2f}x: {'within' if within else 'OVER'} the {TARGET}x limit")
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
