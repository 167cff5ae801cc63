"""``inoplan batch`` commits whole or not at all, and never loses a patient's file.

Each test sets ``--out`` up in a known state (missing, empty, an earlier run),
breaks the run at some point (a bad byte, a broken quote, a full disk, SIGINT,
SIGTERM, a second run) and compares the whole folder around ``--out``, hidden
files included, with what it was before.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import signal
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from inoplan import files
from inoplan.cli.app import app, handle_sigterm
from inoplan.domain.errors import Terminated
from inoplan.services.batch import run_batch

HEADER = "patient_id,start,height,weight,response"


def invoke(*args: str) -> Result:
    env = {"SOURCE_DATE_EPOCH": "1790000000"}
    return CliRunner().invoke(app, list(args), env=env, prog_name="inoplan")


def rows(n: int, bad: frozenset[int] = frozenset()) -> list[str]:
    """``n`` patients, 170 cm, response none (3 cycles x 3 doses = 9 doses each);
    the indexes in ``bad`` weigh 7000 kg (outside 5-350 kg: rejected)."""
    return [
        f"P{i:04d},2027-01-{1 + i % 28:02d},170,{7000 if i in bad else 50 + i % 40},none"
        for i in range(n)
    ]


def write_csv(path: Path, lines: list[str], header: str = HEADER) -> Path:
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def tree(folder: Path) -> dict[str, tuple[int, bytes | None]]:
    """Every name under ``folder``, hidden ones too: (permission bits, bytes or None)."""
    found: dict[str, tuple[int, bytes | None]] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            mode = stat.S_IMODE(path.lstat().st_mode)
            found[str(path.relative_to(folder))] = (
                mode,
                path.read_bytes() if path.is_file() else None,
            )
    return found


def earlier_run(parent: Path) -> Path:
    """``parent/out`` holding a finished run of two patients."""
    out = parent / "out"
    source = write_csv(parent / "earlier.csv", rows(2))
    run_batch(source, out, "json")
    return out


# --- a patient never loses a file to the run's own ---------------------------------------


@pytest.mark.parametrize(("pid", "fmt"), [("summary", "json"), ("plan", "csv")])
def test_patient_ids_named_like_the_runs_files_keep_their_plans(
    tmp_path: Path, pid: str, fmt: str
) -> None:
    source = write_csv(tmp_path / "p.csv", [f"{pid},2027-01-04,170,70,none", *rows(2)])
    out = tmp_path / "out"
    result = invoke("batch", str(source), "--out", str(out), "--format", fmt, "--quiet")
    assert result.exit_code == 0, result.stderr
    assert sorted(os.listdir(out)) == ["patients", "plan.csv", "summary.json"]
    assert sorted(os.listdir(out / "patients")) == sorted(
        [f"{pid}.{fmt}", f"P0000.{fmt}", f"P0001.{fmt}"]
    )
    mine = (out / "patients" / f"{pid}.{fmt}").read_text(encoding="utf-8")
    if fmt == "json":
        assert json.loads(mine)["inputs"]["patient_id"] == "summary"  # the patient's plan
    else:
        # Response none: 3 cycles x 3 doses = 9 rows, all the patient's.
        assert {r["patient_id"] for r in csv.DictReader(io.StringIO(mine))} == {"plan"}
        assert len(mine.splitlines()) == 1 + 9
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["schema"] == "inoplan.batch-summary/1"
    assert summary["planned"] == 3 and summary["patient_folder"] == "patients"
    # The run's plan.csv holds every patient's doses: 3 x 9 = 27 rows.
    assert len((out / "plan.csv").read_text(encoding="utf-8").splitlines()) == 1 + 27


# --- failures of the run as a whole leave --out as it was -----------------------------


@pytest.fixture(params=["missing", "earlier run"])
def before(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Path, list[str]]]:
    """``(out, extra options)``: no ``--out`` yet, or an earlier run that ``--force`` replaces."""
    if request.param == "missing":
        yield tmp_path / "out", []
    else:
        yield earlier_run(tmp_path), ["--force"]


# 40 rows of about 240 bytes (a long location, which a JSON run ignores): past the
# reader's first 8 KiB, so rows are planned and written before the bad part is read.
@pytest.mark.parametrize(
    ("tail", "message"),
    [
        (b"P9999,2027-01-04,170,M\xfcller,none,\n", "PATIENTS: '{source}' is not UTF-8 text"),
        (b'P9999,"2027-01-04"x,170,70,none,\n', "PATIENTS: not a readable CSV at row 42"),
    ],
)
def test_a_file_that_breaks_late_leaves_out_as_it_was(
    tmp_path: Path, before: tuple[Path, list[str]], tail: bytes, message: str
) -> None:
    out, extra = before
    padded = [f"{r},{'Day unit ' * 22}" for r in rows(40)]
    source = write_csv(tmp_path / "p.csv", padded, header=f"{HEADER},location")
    assert 8192 < source.stat().st_size < 12000
    source.write_bytes(source.read_bytes() + tail)
    was = tree(tmp_path)
    result = invoke("batch", str(source), "--out", str(out), "--jobs", "1", *extra)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"inoplan: error: {message.format(source=source)}")
    assert result.stderr.count("\n") == 1
    assert tree(tmp_path) == was


def test_a_full_disk_leaves_out_as_it_was(
    tmp_path: Path, before: tuple[Path, list[str]], monkeypatch: Any
) -> None:
    out, extra = before
    source = write_csv(tmp_path / "p.csv", rows(5))
    was = tree(tmp_path)
    real = os.write
    written: list[int] = []

    def fill_up(fd: int, data: Any) -> int:
        if len(written) == 3:  # the disk is full at the fourth patient's file
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        written.append(fd)
        return real(fd, data)

    monkeypatch.setattr(os, "write", fill_up)
    result = invoke("batch", str(source), "--out", str(out), *extra)
    assert result.exit_code == 2
    assert result.stderr == (
        f"inoplan: error: --out: cannot write '{out}': No space left on device; "
        "it was left as it was\n"
    )
    assert len(written) == 3
    assert tree(tmp_path) == was


def test_a_disk_error_found_when_the_run_is_flushed_leaves_out_as_it_was(
    tmp_path: Path, before: tuple[Path, list[str]], monkeypatch: Any
) -> None:
    # The files are flushed to disk once, at the end; an error only then (a full
    # disk, a failing device) must still leave --out as it was.
    out, extra = before
    source = write_csv(tmp_path / "p.csv", rows(5))
    was = tree(tmp_path)
    barriers: list[Path] = []

    def failing_flush(folder: Path) -> None:
        barriers.append(folder)
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(files, "sync_tree", failing_flush)
    result = invoke("batch", str(source), "--out", str(out), *extra)
    assert result.exit_code == 2
    assert result.stderr == (
        f"inoplan: error: --out: cannot write '{out}': Input/output error; it was left as it was\n"
    )
    assert len(barriers) == 1  # one barrier for the whole run
    assert tree(tmp_path) == was


def test_the_files_are_flushed_once_before_out_takes_its_name(
    tmp_path: Path, monkeypatch: Any
) -> None:
    out = tmp_path / "out"
    source = write_csv(tmp_path / "p.csv", rows(4))
    real = files.sync_tree
    seen: list[tuple[list[str], bool]] = []

    def recording(folder: Path) -> None:
        names = sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))
        seen.append((names, out.exists()))
        real(folder)

    monkeypatch.setattr(files, "sync_tree", recording)
    result = invoke("batch", str(source), "--out", str(out), "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    # One flush, of the complete run, while --out did not exist yet.
    assert len(seen) == 1
    names, out_existed = seen[0]
    assert not out_existed
    assert names == sorted(str(p.relative_to(out)) for p in out.rglob("*"))
    assert "summary.json" in names and "patients/P0003.json" in names


def test_without_syncfs_every_file_and_folder_is_flushed(tmp_path: Path, monkeypatch: Any) -> None:
    # Where the system has no syncfs (not Linux), each file and folder is flushed.
    folder = tmp_path / "run"
    (folder / "sub").mkdir(parents=True)
    for name in ("a.json", "sub/b.json", "sub/c.json"):
        (folder / name).write_bytes(b"{}")
    monkeypatch.setattr(files, "_syncfs", lambda folder: False)
    real = os.fsync
    flushed: list[tuple[int, int]] = []

    def recording(fd: int) -> None:
        st = os.fstat(fd)
        flushed.append((st.st_dev, st.st_ino))
        real(fd)

    monkeypatch.setattr(os, "fsync", recording)
    files.sync_tree(folder)
    expected = {(p.stat().st_dev, p.stat().st_ino) for p in (folder, *folder.rglob("*"))}
    assert set(flushed) == expected


@pytest.fixture
def sigterm_raises() -> Iterator[None]:
    """SIGTERM as the ``inoplan`` command handles it (raises ``Terminated``), for one test."""
    previous = signal.getsignal(signal.SIGTERM)
    handle_sigterm()
    yield
    signal.signal(signal.SIGTERM, previous)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    n=st.integers(1, 6),
    bad=st.frozensets(st.integers(0, 5)),
    at=st.integers(0, 5),
    signum=st.sampled_from([signal.SIGINT, signal.SIGTERM]),
    state=st.sampled_from(["missing", "empty", "earlier run"]),
)
def test_a_signal_at_any_row_leaves_out_as_it_was(
    tmp_path_factory: pytest.TempPathFactory,
    sigterm_raises: None,
    n: int,
    bad: frozenset[int],
    at: int,
    signum: int,
    state: str,
) -> None:
    parent = tmp_path_factory.mktemp("run")
    out = parent / "out"
    if state == "empty":
        out.mkdir(mode=0o750)
    elif state == "earlier run":
        earlier_run(parent)
    source = write_csv(parent / "p.csv", rows(n, bad))
    was = tree(parent)
    seen: list[bool] = []

    def user_stops(ok: bool) -> None:
        seen.append(ok)
        if len(seen) == min(at, n - 1) + 1:
            os.kill(os.getpid(), signum)  # delivered to this process, as a real signal

    expected = Terminated if signum == signal.SIGTERM else KeyboardInterrupt
    with pytest.raises(expected):
        run_batch(source, out, "json", force=state == "earlier run", on_row=user_stops)
    assert tree(parent) == was


# A real inoplan process, with worker processes, receives the signal at row 40
# of 70 (in the second chunk of 32 rows, so the pool is busy).
SIGNAL_PROBE = """
import os, signal, sys
from inoplan.services import batch

signum, pids = int(sys.argv[1]), sys.argv[2]
real_init, real_stem = batch._worker_init, batch.file_stem
def worker_init():
    with open(pids, "a") as fh:
        fh.write(f"{os.getpid()}\\n")
    real_init()
calls = []
def file_stem(pid):
    calls.append(pid)
    if len(calls) == 40:
        os.kill(os.getpid(), signum)
    return real_stem(pid)
batch._worker_init, batch.file_stem = worker_init, file_stem
sys.argv = ["inoplan", *sys.argv[3:]]
from inoplan.__main__ import run
run()
"""


@pytest.mark.parametrize(
    ("signum", "said"),
    [(signal.SIGINT, "interrupted"), (signal.SIGTERM, "terminated")],
)
def test_a_real_signal_stops_the_workers_and_leaves_out_as_it_was(
    tmp_path: Path, signum: int, said: str
) -> None:
    out = earlier_run(tmp_path)
    source = write_csv(tmp_path / "p.csv", rows(70))
    pids = tmp_path.parent / f"{tmp_path.name}.pids"
    was = tree(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", SIGNAL_PROBE, str(int(signum)), str(pids),
         "batch", str(source), "--out", str(out), "--force", "--jobs", "2"],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    # Dies of the signal, as an interrupted Unix tool should, after cleaning up.
    assert done.returncode == -signum, done.stderr
    assert done.stderr == f"inoplan: {said}; no partial file was left\n"
    assert tree(tmp_path) == was
    workers = [int(p) for p in pids.read_text().split()]
    assert len(workers) == 2
    for pid in workers:  # stopped and reaped, not orphaned
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


# --- one run at a time; what --force replaces --------------------------------------------


def test_a_second_run_into_the_same_folder_is_refused(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "p.csv", rows(3))
    out = tmp_path / "out"
    second: list[Result] = []

    def start_another(ok: bool) -> None:
        if not second:  # while the first run is under way
            second.append(invoke("batch", str(source), "--out", str(out), "--force"))

    first = run_batch(source, out, "json", on_row=start_another)
    assert second[0].exit_code == 2
    assert second[0].stderr == (
        f"inoplan: error: --out: another inoplan batch is writing into '{out}' now; "
        "wait for it to finish, or choose another folder\n"
    )
    assert first.planned == 3 and sorted(os.listdir(out / "patients")) == [
        "P0000.json", "P0001.json", "P0002.json"
    ]  # fmt: skip
    assert sorted(os.listdir(tmp_path)) == ["out", "p.csv"]  # the lock is gone too


def test_force_never_replaces_a_folder_that_is_not_a_run(tmp_path: Path) -> None:
    out = tmp_path / "documents"
    out.mkdir()
    (out / "letter.txt").write_text("someone's work", encoding="utf-8")
    source = write_csv(tmp_path / "p.csv", rows(1))
    was = tree(tmp_path)
    result = invoke("batch", str(source), "--out", str(out), "--force")
    assert result.exit_code == 2
    assert result.stderr == (
        f"inoplan: error: --out: '{out}' is not empty and holds no earlier inoplan batch run; "
        "give a new or empty folder (--force replaces only an earlier run)\n"
    )
    assert tree(tmp_path) == was


def test_an_empty_folder_is_filled_and_keeps_its_mode(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o710)
    source = write_csv(tmp_path / "p.csv", rows(1))
    assert invoke("batch", str(source), "--out", str(out), "--quiet").exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o710
    assert sorted(os.listdir(out)) == ["patients", "plan.csv", "summary.json"]


@pytest.fixture
def umask_027() -> Iterator[None]:
    previous = os.umask(0o027)
    yield
    os.umask(previous)


def test_new_files_follow_the_umask_and_force_keeps_the_folders_mode(
    tmp_path: Path, umask_027: None
) -> None:
    source = write_csv(tmp_path / "p.csv", rows(1))
    out = tmp_path / "out"
    assert invoke("batch", str(source), "--out", str(out), "--quiet").exit_code == 0
    # 0777 and 0666 less the umask 027.
    modes = {name: mode for name, (mode, _) in tree(out).items()}
    assert modes == {
        "patients": 0o750,
        "patients/P0000.json": 0o640,
        "plan.csv": 0o640,
        "summary.json": 0o640,
    }
    out.chmod(0o700)
    assert invoke("batch", str(source), "--out", str(out), "--force", "-q").exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o700


def test_an_empty_out_is_refused_not_taken_for_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    earlier_run(tmp_path)
    monkeypatch.chdir(tmp_path / "out")  # an earlier run: --force would replace it
    source = write_csv(tmp_path / "p.csv", rows(1))
    was = tree(tmp_path)
    result = invoke("batch", str(source), "--out", "", "--force")
    assert result.exit_code == 2
    assert result.stderr == "inoplan: error: --out: empty; give a value\n"
    assert tree(tmp_path) == was


def test_leftovers_of_a_killed_run_are_removed_by_the_next(tmp_path: Path) -> None:
    # SIGKILL or a power cut leaves the staging folder; --out itself was never touched.
    out = earlier_run(tmp_path)
    left = tmp_path / ".out.inoplan-staging-0123456789ab"
    (left / "patients").mkdir(parents=True)
    (left / "patients" / "P0000.json").write_text("half a run", encoding="utf-8")
    unrelated = tmp_path / ".other.inoplan-staging-0123456789ab"
    unrelated.mkdir()
    source = write_csv(tmp_path / "p.csv", rows(1))
    assert invoke("batch", str(source), "--out", str(out), "--force", "-q").exit_code == 0
    assert sorted(os.listdir(tmp_path)) == [
        ".other.inoplan-staging-0123456789ab", "earlier.csv", "out", "p.csv"
    ]  # fmt: skip
