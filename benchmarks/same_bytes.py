"""Check that two revisions of inoplan write the same bytes: JSON, CSV and ICS files.

    python benchmarks/same_bytes.py                 # this tree against BASE (below)
    python benchmarks/same_bytes.py --base v0.3     # against another revision
    python benchmarks/same_bytes.py --keep /tmp/x   # keep both output trees to diff

Speed work must not change what a pharmacist reads or what ``inoplan verify``
hashes. This script runs the same commands with the code of ``--base``
(taken with ``git archive``, nothing checked out) and with the code of this
tree, each in fresh processes with a fixed stamp (``SOURCE_DATE_EPOCH``), a
fixed today, a fixed site key and a fixed zone, and compares every file
written, byte for byte. Exit status 0 when every file is identical, 1
otherwise (the differing files are listed with their first differing line).

The commands cover what the writers must keep: plans from height and weight
and from a BSA, warnings, clinic days and holidays, re-plans with moved,
held and cancelled doses, non-ASCII text (a location, event reasons),
all-day and timed calendars across a clock change, alarms at a clock time
and before the start, lab and follow-up events, and ``inoplan batch`` runs
(JSON, CSV, ICS; one and two worker processes) of the example list and of a
generated one.
"""

from __future__ import annotations

import argparse
import difflib
import os
import random
import subprocess
import sys
import tarfile
import tempfile
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The reference: speed work since must write the same bytes. (56f1f2f, the last
#: revision before the batch writers were made faster, differs from it only by what
#: was added on purpose in between: the warning that MRD status without --hsct does
#: not change the plan, in the files of such plans, and the holidays version in the
#: provenance of plans with --holidays.)
BASE = "00c1940"
ENV = {
    "SOURCE_DATE_EPOCH": "1790000000",
    "INOPLAN_TODAY": "2027-01-10",
    "INOPLAN_UID_KEY": "same-bytes-check-site-key-0123456789",
    "TZ": "UTC",
    "LC_ALL": "C.UTF-8",
    "COLUMNS": "100",
}

PLANS: dict[str, tuple[str, ...]] = {
    "hw-cr": (
        "--start", "2026-12-01", "--height", "170", "--weight", "70", "--response", "cr",
        "--patient-id", "St.7/a#b:c_d",
    ),
    "bsa-hsct": (
        "--start", "2027-03-02", "--bsa", "1.82", "--response", "cri", "--hsct",
        "--mrd", "positive", "--patient-id", "MRN-0042", "--blasts", "12000",
    ),
    "pending-cap-clinic": (
        "--start", "2026-12-21", "--height", "5ft7in", "--weight", "154lb", "--response",
        "pending", "--bsa-cap", "1.7", "--clinic-days", "mon-fri", "--holidays", "DE-BY",
        "--bsa-formula", "dubois", "--first-cycle-days", "28",
    ),
    "none-past": (
        "--start", "2026-11-20", "--height", "182", "--weight", "131", "--response", "none",
        "--cycles", "2",
    ),
}  # fmt: skip

ICS_OPTIONS: dict[str, tuple[str, ...]] = {
    "all-day": (),
    "timed-berlin": (
        "--time", "09:30", "--tz", "Europe/Berlin", "--location", "Hôpital Saint-Éloi, Bâtiment C",
        "--lab-events", "--followup-events", "--ics-show-id",
    ),
    "timed-ny-at": ("--time", "13:00", "--tz", "America/New_York", "--reminder", "07:30"),
    "quiet": ("--no-reminders", "--reminder", "1d"),
    "quiet-ok": ("--no-reminders", "--followup-events"),
}  # fmt: skip

REPLAN: tuple[str, ...] = (
    "--given", "C1D1=2026-12-01", "--interrupt", "C1D8=9:grade 3 rash — Ausschlag",
    "--measured", "2026-12-20=62kg",
)  # fmt: skip
REPLAN_STOP: tuple[str, ...] = ("--discontinue", "2026-12-12=hepatic:VOD — veno-occlusive")


def make_patients(path: Path, rows: int = 80, seed: int = 7) -> None:
    """A list with every column the writers read, bad rows and non-ASCII places among them."""
    rnd = random.Random(seed)
    lines = ["patient_id,start,height,weight,response,hsct,mrd,bsa,time,tz,location"]
    zones = ("Europe/Berlin", "America/New_York", "Asia/Tokyo", "UTC", "Europe/London")
    places = ("", "", "Station 4 \u2013 Tagesklinik", "Hôpital de jour", "Day unit 2")
    for i in range(rows):
        start = date(2027, 1, 4) + timedelta(days=rnd.randrange(400))
        bsa = f"{rnd.randint(140, 230) / 100:.2f}" if i % 7 == 0 else ""
        height = "" if bsa else str(rnd.randint(150, 200))
        weight = "" if bsa else str(rnd.randint(45, 130) if i % 29 else 7000)  # a bad row
        timed = i % 3 == 0
        lines.append(
            ",".join(
                (
                    f"P-{i:04d}",
                    start.isoformat(),
                    height,
                    weight,
                    rnd.choice(("cr", "cri", "none", "pending")),
                    rnd.choice(("", "", "yes")),
                    rnd.choice(("", "negative", "positive")),
                    bsa,
                    "09:30" if timed else "",
                    rnd.choice(zones) if timed else "",
                    rnd.choice(places),
                )
            )
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def commands(out: Path, patients: Path) -> list[tuple[str, ...]]:
    """Every command of the check, writing into ``out``."""
    cmds: list[tuple[str, ...]] = []
    for name, args in PLANS.items():
        cmds.append(("schedule", *args, "--format", "json", "-o", str(out / f"{name}.json")))
        cmds.append(("schedule", *args, "--format", "csv", "-o", str(out / f"{name}.csv")))
        for ics_name, ics_args in ICS_OPTIONS.items():
            if ics_name == "quiet":
                continue  # refused (--reminder with --no-reminders): nothing written
            target = out / f"{name}.{ics_name}.ics"
            if "--patient-id" not in args:  # the id cannot be shown without one
                ics_args = tuple(a for a in ics_args if a != "--ics-show-id")
            cmds.append(("schedule", *args, "--format", "ics", *ics_args, "-o", str(target)))
    saved = str(out / "hw-cr.json")
    for name, events in (("replan", REPLAN), ("stopped", REPLAN_STOP)):
        for fmt in ("json", "csv"):
            target = str(out / f"{name}.{fmt}")
            cmds.append(("replan", saved, *events, "--format", fmt, "-o", target))
        for ics_name in ("all-day", "timed-berlin"):
            target = str(out / f"{name}.{ics_name}.ics")
            ics_args = ICS_OPTIONS[ics_name]
            cmds.append(("replan", saved, *events, "--format", "ics", *ics_args, "-o", target))
    example = str(ROOT / "examples" / "patients.csv")
    for source, tag in ((example, "example"), (str(patients), "generated")):
        for fmt in ("json", "csv", "ics"):
            for jobs in ("1", "2"):
                target = str(out / f"batch-{tag}-{fmt}-j{jobs}")
                cmds.append(
                    ("batch", source, "--out", target, "--format", fmt, "--jobs", jobs, "-q")
                )
        target = str(out / f"batch-{tag}-ics-options")
        cmds.append(
            ("batch", source, "--out", target, "--format", "ics", "-q",
             "--time", "10:15", "--tz", "Europe/Paris", "--lab-events", "--followup-events",
             "--reminder", "45m")
        )  # fmt: skip
    return cmds


def write_all(src: Path, out: Path, patients: Path) -> None:
    """Run every command with the package in ``src``; their files land in ``out``."""
    out.mkdir(parents=True)
    env = {**ENV, "PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(src)}
    env["HOME"] = str(out.parent / "home")
    for argv in commands(out, patients):
        done = subprocess.run(
            (sys.executable, "-m", "inoplan", *argv), env=env, capture_output=True, check=False
        )
        # batch exits 1 when a row is refused; any worse status means the check is broken.
        if done.returncode not in (0, 1) or (done.returncode == 1 and argv[0] != "batch"):
            sys.exit(f"failed ({done.returncode}) with {src}: inoplan {' '.join(argv)}\n"
                     f"{done.stderr.decode(errors='replace')}")  # fmt: skip


def export(revision: str, into: Path) -> Path:
    """The ``src`` folder of ``revision``, unpacked into ``into``."""
    archive = into / "src.tar"
    with archive.open("wb") as fh:
        subprocess.run(("git", "archive", revision, "src"), cwd=ROOT, stdout=fh, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def first_difference(a: bytes, b: bytes) -> str:
    left = a.decode("utf-8", "replace").splitlines()
    right = b.decode("utf-8", "replace").splitlines()
    diff = difflib.unified_diff(left, right, "base", "this tree", n=0, lineterm="")
    return "\n".join(list(diff)[2:6])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default=BASE, help=f"revision to compare with ({BASE})")
    parser.add_argument("--keep", type=Path, help="a new folder to keep both output trees in")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        patients = work / "patients.csv"
        make_patients(patients)
        (work / "base").mkdir()
        write_all(export(args.base, work / "base"), work / "base" / "out", patients)
        (work / "this").mkdir()
        write_all(ROOT / "src", work / "this" / "out", patients)
        before, after = files(work / "base" / "out"), files(work / "this" / "out")
        differ = sorted(n for n in before.keys() & after.keys() if before[n] != after[n])
        only = sorted(before.keys() ^ after.keys())
        for name in differ:
            print(f"differs: {name}\n{first_difference(before[name], after[name])}")
        for name in only:
            print(f"only in {'base' if name in before else 'this tree'}: {name}")
        kinds = sorted({Path(n).suffix for n in before})
        print(
            f"{len(before)} files ({', '.join(kinds)}) from {len(commands(work, patients))} "
            f"commands: {len(differ)} differ, {len(only)} missing on one side "
            f"(base {args.base})"
        )
        return 1 if differ or only else 0


if __name__ == "__main__":
    sys.exit(main())
