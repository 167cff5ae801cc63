"""Writing files: all or nothing, never over an existing file without --force, - is stdout.

A plan feeds calendars and worklists, so a half-written file is worse than
none. Each test interrupts or breaks a write at a different point and checks
the folder afterwards: the target is either complete or as it was, and no
temporary file is left behind.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from inoplan import files as output
from inoplan.cli.app import app
from inoplan.domain.errors import InputError

runner = CliRunner()
PLAN = ["schedule", "--start", "2026-12-01", "--height", "170", "--weight", "70"]
PLAN += ["--response", "cr"]


def listing(folder: Path) -> list[str]:
    """Every name in ``folder``, hidden ones (the temporary files) included."""
    return sorted(os.listdir(folder))


def failing(exc: BaseException) -> Any:
    def fail(*args: Any, **kwargs: Any) -> Any:
        raise exc

    return fail


# --- the happy path and the refusals ---------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "csv", "table"])
def test_each_format_writes_a_complete_file_and_nothing_else(fmt: str, tmp_path: Path) -> None:
    target = tmp_path / f"plan.{fmt}"
    result = runner.invoke(app, [*PLAN, "--format", fmt, "-o", str(target)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert listing(tmp_path) == [target.name]
    text = target.read_text(encoding="utf-8")
    # 6 cycles (CR, no HSCT) of 3 doses; the last is cycle 6 day 15.
    if fmt == "json":
        labels = [d["label"] for c in json.loads(text)["cycles"] for d in c["doses"]]
        assert len(labels) == 18 and labels[-1] == "C6D15"
    elif fmt == "csv":
        lines = text.splitlines()
        assert len(lines) == 1 + 18 and lines[-1].split(",")[1:3] == ["6", "15"]
    else:
        assert "C6D15" in text and "\x1b[" not in text  # a file gets no colour codes


def test_an_existing_file_is_refused_without_force(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    target.write_text("keep me")
    result = runner.invoke(app, [*PLAN, "--format", "json", "-o", str(target)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"inoplan: error: --output: {target} exists; use --force to overwrite it\n"
    )
    assert target.read_text() == "keep me"
    assert listing(tmp_path) == ["plan.json"]


def test_force_replaces_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    target.write_text("old")
    result = runner.invoke(app, [*PLAN, "--format", "json", "-o", str(target), "--force"])
    assert result.exit_code == 0
    assert json.loads(target.read_text())["schema"] == "inoplan.plan/1"
    assert listing(tmp_path) == ["plan.json"]


def test_dash_writes_to_stdout_and_creates_no_file(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, [*PLAN, "--format", "json", "-o", "-"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["schema"] == "inoplan.plan/1"
    assert listing(tmp_path) == []


def test_a_file_that_appears_during_the_run_is_not_overwritten(tmp_path: Path) -> None:
    # check_target saw no file; by the time of the rename another process made one.
    target = tmp_path / "plan.csv"
    assert output.check_target(str(target), force=False) == target
    target.write_text("written by someone else")
    with pytest.raises(InputError, match="exists; use --force"):
        output.atomic_write(target, b"new", force=False)
    assert target.read_text() == "written by someone else"
    assert listing(tmp_path) == ["plan.csv"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "--output: empty; give a value, or leave the option out"),
        ("missing/plan.json", "--output: folder '{tmp}/missing' does not exist"),
        (".", "--output: {tmp}/. is a folder; give a file name"),
        ("x" * 300, "--output: '{tmp}/" + "x" * 300 + "' cannot be used: File name too long"),
    ],
)
def test_unusable_output_names_are_refused_before_any_work(
    name: str, message: str, tmp_path: Path
) -> None:
    path = f"{tmp_path}/{name}" if name else ""
    result = runner.invoke(app, [*PLAN, "--format", "json", "-o", path])
    assert result.exit_code == 2
    assert result.stderr == "inoplan: error: " + message.format(tmp=tmp_path) + "\n"
    assert result.stdout == ""
    assert listing(tmp_path) == []


def test_a_folder_without_write_permission_is_refused(tmp_path: Path, monkeypatch: Any) -> None:
    # (Simulated: the tests may run as root, who may write anywhere.)
    monkeypatch.setattr(
        output.os, "open", failing(PermissionError(errno.EACCES, "Permission denied"))
    )
    target = tmp_path / "plan.json"
    result = runner.invoke(app, [*PLAN, "-f", "json", "-o", str(target)])
    assert result.exit_code == 2
    assert result.stderr == f"inoplan: error: --output: cannot write {target}: Permission denied\n"
    assert listing(tmp_path) == []


# --- failures in the middle of a write -------------------------------------------------


@pytest.mark.parametrize("where", ["fsync", "replace"])
def test_a_full_disk_leaves_no_partial_and_no_temporary_file(
    where: str, tmp_path: Path, monkeypatch: Any
) -> None:
    target = tmp_path / "plan.json"
    args = [*PLAN, "--format", "json", "-o", str(target)]
    if where == "replace":
        target.write_text("the previous plan")
        args.append("--force")
    monkeypatch.setattr(output.os, where, failing(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))))
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.stderr == (
        f"inoplan: error: --output: cannot write {target}: No space left on device\n"
    )
    if where == "replace":
        assert target.read_text() == "the previous plan"
        assert listing(tmp_path) == ["plan.json"]
    else:
        assert listing(tmp_path) == []


def test_folders_without_hard_links_still_get_the_file(tmp_path: Path, monkeypatch: Any) -> None:
    # Some network and FAT file systems refuse link(): the file is renamed instead.
    monkeypatch.setattr(output.os, "link", failing(OSError(errno.EPERM, "no hard links")))
    target = tmp_path / "plan.json"
    result = runner.invoke(app, [*PLAN, "--format", "json", "-o", str(target)])
    assert result.exit_code == 0
    assert json.loads(target.read_text())["cumulative_mg_per_m2"] == 9.3  # 1.8 + 5 x 1.5
    assert listing(tmp_path) == ["plan.json"]


def test_a_write_that_stops_half_way_leaves_nothing(tmp_path: Path, monkeypatch: Any) -> None:
    # The disk fills after part of the data went out: the half file must not stay.
    real_fdopen = os.fdopen

    class HalfWriter:
        def __init__(self, fd: int, mode: str) -> None:
            self.fh = real_fdopen(fd, mode)

        def write(self, data: bytes) -> int:
            self.fh.write(data[: len(data) // 2])
            self.fh.flush()
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        def __enter__(self) -> HalfWriter:
            return self

        def __exit__(self, *exc: object) -> None:
            self.fh.close()

    monkeypatch.setattr(output.os, "fdopen", HalfWriter)
    result = runner.invoke(app, [*PLAN, "--format", "csv", "-o", str(tmp_path / "plan.csv")])
    assert result.exit_code == 2
    assert "No space left on device" in result.stderr
    assert listing(tmp_path) == []


@pytest.mark.parametrize("where", ["fsync", "link"])
def test_ctrl_c_during_a_write_leaves_nothing(where: str, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(output.os, where, failing(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        runner.invoke(app, [*PLAN, "--format", "json", "-o", str(tmp_path / "plan.json")])
    assert listing(tmp_path) == []


# A real SIGINT, delivered to a real inoplan process while it writes.
SIGINT_PROBE = """
import os, signal, sys
real_fsync = os.fsync
def fsync(fd):
    os.kill(os.getpid(), signal.SIGINT)  # the user presses Ctrl-C now
    real_fsync(fd)
os.fsync = fsync
sys.argv = ["inoplan", *sys.argv[1:]]
from inoplan.__main__ import run
run()
"""


def test_sigint_while_writing_kills_inoplan_and_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    done = subprocess.run(
        [sys.executable, "-c", SIGINT_PROBE, *PLAN, "--format", "json", "-o", str(target)],
        capture_output=True,
        text=True,
        check=False,
    )
    # Dies of SIGINT, as Ctrl-C should (a calling script stops too): not an exit status.
    assert done.returncode == -signal.SIGINT
    assert done.stderr == "inoplan: interrupted; no partial file was left\n"
    assert listing(tmp_path) == []


def test_a_full_standard_output_is_one_line_and_status_2() -> None:
    if not Path("/dev/full").exists():  # pragma: no cover - not Linux
        pytest.skip("needs /dev/full")
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "inoplan", *PLAN, "--format", "json"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert done.returncode == 2
    assert done.stderr == "inoplan: error: reading or writing failed: No space left on device\n"


def test_a_closed_pipe_ends_quietly_with_status_0() -> None:
    # `inoplan schedule ... | head -1`: the reader leaves after one line.
    proc = subprocess.Popen(
        [sys.executable, "-m", "inoplan", *PLAN, "--format", "csv"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # before inoplan writes anything
    err = proc.stderr.read()
    assert proc.wait() == 0
    assert err == b""


# The program leaves by inoplan.__main__.leave: exit handlers and buffered output
# are done before the process ends; a thread still running is waited for.
THREAD_PROBE = """
import sys, threading, time
def late():
    time.sleep(0.3)
    sys.stderr.write("thread finished\\n")
threading.Thread(target=late).start()
sys.argv = ["inoplan", *sys.argv[1:]]
from inoplan.__main__ import run
run()
"""


def test_the_whole_plan_is_written_before_the_process_ends() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "inoplan", *PLAN, "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and done.stderr == ""
    plan = json.loads(done.stdout)  # all of it: a cut-off plan is not JSON
    assert len(plan["cycles"]) == 6 and done.stdout.endswith("}\n")


def test_a_thread_still_running_at_the_end_is_waited_for() -> None:
    done = subprocess.run(
        [sys.executable, "-c", THREAD_PROBE, *PLAN, "--format", "csv"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "thread finished\n")
    assert done.stdout.startswith("patient_id,cycle,day,date,")


# --- only regular files are replaced; permissions ---------------------------------------


def _fifo(folder: Path) -> tuple[Path, str]:
    path = folder / "pipe"
    os.mkfifo(path)
    return path, "a FIFO (named pipe)"


def _link_to_fifo(folder: Path) -> tuple[Path, str]:
    fifo, _ = _fifo(folder)
    (folder / "plan.json").symlink_to(fifo)
    return folder / "plan.json", "a FIFO (named pipe) (through a symbolic link)"


def _link_to_dev_null(folder: Path) -> tuple[Path, str]:
    (folder / "plan.json").symlink_to("/dev/null")
    return folder / "plan.json", "a character device (through a symbolic link)"


def _char_device(folder: Path) -> tuple[Path, str]:
    path = folder / "null"
    try:  # the same device as /dev/null (major 1, minor 3 on Linux)
        os.mknod(path, 0o666 | stat.S_IFCHR, os.stat("/dev/null").st_rdev)
    except (PermissionError, AttributeError):
        pytest.skip("making a device file needs root")
    return path, "a character device"


@pytest.mark.parametrize("make", [_fifo, _link_to_fifo, _link_to_dev_null, _char_device])
def test_force_never_replaces_anything_but_a_regular_file(tmp_path: Path, make: Any) -> None:
    target, kind = make(tmp_path)
    before = {n: os.lstat(tmp_path / n) for n in listing(tmp_path)}
    result = runner.invoke(app, [*PLAN, "-f", "json", "-o", str(target), "--force"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"inoplan: error: --output: {target} is {kind}; inoplan writes only regular files "
        "(give a file name, or - for standard output)\n"
    )
    after = {n: os.lstat(tmp_path / n) for n in listing(tmp_path)}
    assert {n: (s.st_ino, s.st_mode) for n, s in after.items()} == {
        n: (s.st_ino, s.st_mode) for n, s in before.items()
    }


def _saved_plan(folder: Path) -> Path:
    plan = folder / "plans" / "p.json"
    plan.parent.mkdir()
    result = runner.invoke(app, [*PLAN, "--format", "json", "-o", str(plan)])
    assert result.exit_code == 0, result.stderr
    return plan


# Every command that writes a file goes through the same writer.
WRITERS = {
    "schedule": lambda plan: [*PLAN, "-f", "json"],
    "replan": lambda plan: ["replan", str(plan), "--interrupt", "C1D8=9", "-f", "json"],
    "prep": lambda plan: ["prep", str(plan), "--cycle", "1", "--day", "1", "-f", "json"],
    "worklist": lambda plan: ["worklist", str(plan.parent), "--date", "2026-12-01", "-f", "csv"],
}


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_every_writer_refuses_a_fifo(tmp_path: Path, command: str) -> None:
    plan = _saved_plan(tmp_path)
    fifo = tmp_path / "out"
    os.mkfifo(fifo)
    result = runner.invoke(app, [*WRITERS[command](plan), "-o", str(fifo), "--force"])
    assert result.exit_code == 2
    assert "is a FIFO (named pipe); inoplan writes only regular files" in result.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_force_through_a_link_replaces_the_file_it_points_to(tmp_path: Path) -> None:
    real = tmp_path / "shared" / "plan.json"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "plan.json"
    link.symlink_to(real)
    result = runner.invoke(app, [*PLAN, "-f", "json", "-o", str(link), "--force"])
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert json.loads(real.read_text())["schema"] == "inoplan.plan/1"
    assert listing(real.parent) == ["plan.json"]


@pytest.fixture
def umask_022() -> Any:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_a_new_file_follows_the_umask(tmp_path: Path, umask_022: None) -> None:
    target = tmp_path / "plan.json"
    assert runner.invoke(app, [*PLAN, "-f", "json", "-o", str(target)]).exit_code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o644  # 0666 less the umask 022


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o664])
def test_force_keeps_the_replaced_files_mode(tmp_path: Path, umask_022: None, mode: int) -> None:
    target = tmp_path / "plan.json"
    target.write_text("old")
    target.chmod(mode)
    result = runner.invoke(app, [*PLAN, "-f", "json", "-o", str(target), "--force"])
    assert result.exit_code == 0, result.stderr
    assert stat.S_IMODE(target.stat().st_mode) == mode
    assert json.loads(target.read_text())["schema"] == "inoplan.plan/1"
