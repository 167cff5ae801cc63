"""Plan a whole clinic list: a CSV of patients in, one plan file per patient out.

The CSV is read one row at a time and each plan is written and dropped before
the next row is read, so memory does not grow with the number of patients
(only the ids seen, to refuse duplicates, and the rejected rows are kept).
The file is read by :mod:`inoplan.inputs.patients_csv`, as ``worklist`` reads
it: the same columns, defaults, errors and limits, each row accepted or refused
exactly as the same values typed as options would be. A bad row is recorded
with its row number and the column that failed, and the run goes on.

The run commits whole or not at all. It is built in a hidden staging folder
beside ``--out`` (see :class:`inoplan.files.StagedFolder`): the patients' files
in ``patients/``, ``plan.csv`` (every dose of every planned patient) and
``summary.json`` at the top, so no patient id can give a file the name of one
of the run's own. Only when every row has been read does the staging folder
become ``--out``. A failure of the run as a whole (a byte that is not UTF-8, a
broken quote, a full disk, Ctrl-C, SIGTERM) removes it and leaves ``--out``
exactly as it was. Rows refused for their values are not such a failure: they
are listed in ``summary.json``.
"""

from __future__ import annotations

import csv
import dataclasses
import itertools
import os
import re
from collections.abc import Callable, Generator, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inoplan import __version__
from inoplan.domain.errors import InputError
from inoplan.domain.plan import Plan
from inoplan.files import StagedFolder, signals_deferred
from inoplan.inputs import patients_csv
from inoplan.inputs.clock import today
from inoplan.inputs.patients import BATCH_SUMMARY_FAMILY
from inoplan.inputs.patients_csv import Patient, Row

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from inoplan.export.ics import IcsOptions

SUMMARY_SCHEMA = f"{BATCH_SUMMARY_FAMILY}1"
PLAN_CSV = "plan.csv"
SUMMARY_JSON = "summary.json"
#: The subfolder of ``--out`` that holds one file per patient, apart from the run's own files.
PATIENT_FOLDER = "patients"
#: The columns: one format for every command (:mod:`inoplan.inputs.patients_csv`).
REQUIRED_COLUMNS = patients_csv.REQUIRED_COLUMNS
CALENDAR_COLUMNS = patients_csv.CALENDAR_COLUMNS
ALLOWED_COLUMNS = patients_csv.COLUMN_NAMES
FORMATS = ("json", "csv", "ics")
_UNSAFE_FILE_CHARS = re.compile(r"[^A-Za-z0-9._-]", re.ASCII)


@dataclass(frozen=True)
class Rejected:
    """A row that was not planned: where, whose, which field and why."""

    row: int
    patient_id: str | None
    field: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass
class Summary:
    """What a batch run did; written to ``summary.json``."""

    source: str
    format: str
    rows: int = 0
    planned: int = 0
    doses: int = 0
    rejected: list[Rejected] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "schema": SUMMARY_SCHEMA,
            "generator": {"name": "inoplan", "version": __version__},
            "source": self.source,
            "format": self.format,
            "rows": self.rows,
            "planned": self.planned,
            "doses": self.doses,
            "rejected_count": len(self.rejected),
            "rejected": [r.as_dict() for r in self.rejected],
            "combined_csv": PLAN_CSV,
            "patient_folder": PATIENT_FOLDER,
        }


def file_stem(patient_id: str) -> str:
    """A file name from an id: characters other than letters, digits, ``. _ -`` become ``_``."""
    return _UNSAFE_FILE_CHARS.sub("_", patient_id)


def read_rows(path: Path, field_name: str = "PATIENTS") -> Iterator[Row]:
    """Each non-blank data row, read lazily (:func:`inoplan.inputs.patients_csv.read_rows`)."""
    return patients_csv.read_rows(path, field_name)


def count_rows(path: Path, field_name: str = "PATIENTS") -> int:
    """The number of data rows, for a progress bar (a quick pass that plans nothing)."""
    return patients_csv.count_rows(path, field_name)


def with_row_calendar(base: IcsOptions, patient: Patient) -> IcsOptions:
    """The command's calendar options with this row's ``time``, ``tz`` and ``location``."""
    from inoplan.export import ics

    time = patient.time or base.time
    tz = patient.tz or base.tz
    if time is not None and tz is None:
        tz = ics.parse_tz(None, "tz")  # this machine's zone
    return dataclasses.replace(base, time=time, tz=tz, location=patient.location or base.location)


def plan_row(row: Row) -> tuple[Patient, Plan]:
    """The patient and plan of one row; raises :class:`InputError` naming the column.

    A start before today is planned with a warning, as ``inoplan schedule`` does.
    """
    patient = patients_csv.parse_row(row)
    return patient, patient.plan(today())


def render_plan(plan: Plan, fmt: str, ics_options: IcsOptions | None) -> bytes:
    """One patient's file in ``fmt``."""
    if fmt == "ics":
        from inoplan.export import ics

        assert ics_options is not None
        return ics.render(plan, ics_options, time_field="time")
    if fmt == "csv":
        from inoplan.export import csv as export_csv

        return export_csv.render(plan).encode("utf-8")
    from inoplan.export import json as export_json

    return export_json.render_bytes(plan, fast=True)  # many files: the C encoder pays


def is_batch_run(folder: Path) -> bool:
    """Whether ``folder`` holds an earlier ``inoplan batch`` run (its ``summary.json``)."""
    from inoplan.domain.limits import MAX_PLAN_BYTES
    from inoplan.inputs.reading import read_json

    try:
        data = read_json(folder / SUMMARY_JSON, SUMMARY_JSON, MAX_PLAN_BYTES)
    except InputError:
        return False
    schema = data.get("schema") if isinstance(data, dict) else None
    return isinstance(schema, str) and schema.startswith(BATCH_SUMMARY_FAMILY)


@dataclass(frozen=True)
class _Outcome:
    """One row planned and rendered (or refused), ready for the writer; picklable."""

    row: int
    pid: str | None
    data: bytes = b""
    csv_rows: tuple[tuple[str, ...], ...] = ()
    error: tuple[str, str] | None = None  # (field, reason)


def _work(row: Row, fmt: str, ics_options: IcsOptions | None) -> _Outcome:
    """Plan and render one row. Pure: runs in a worker process as well as in this one."""
    from inoplan.export import csv as export_csv

    pid = patients_csv.valid_id(row.cells.get("patient_id"))
    try:
        patient, plan = plan_row(row)
        options = None
        if fmt == "ics":
            assert ics_options is not None
            options = with_row_calendar(ics_options, patient)
        data = render_plan(plan, fmt, options)
    except InputError as e:
        return _Outcome(row.number, pid, error=(e.field, e.detail))
    return _Outcome(
        row.number, patient.patient_id, data, tuple(tuple(r) for r in export_csv.rows(plan))
    )


def _worker_init() -> None:
    """In each worker process: leave SIGINT and SIGTERM to the main process.

    Ctrl-C reaches every process of the terminal's group, and a service
    manager may send SIGTERM to all of them: a worker that died of it halfway
    through writing a result would leave the pool waiting for the rest of the
    message for ever. The main process stops the workers itself
    (:func:`_stop`); a worker whose main process is gone ends when its queue
    closes.
    """
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def _stop(executor: ProcessPoolExecutor) -> None:
    """Drop the queued work, let each worker finish its chunk, and wait until they are gone.

    The workers are not killed: one killed while it writes its result to the
    pool leaves the pool's manager thread waiting for the rest of that message
    for ever (CPython 3.11), and the stop would hang. A chunk takes a fraction
    of a second.
    """
    with signals_deferred():
        executor.shutdown(wait=True, cancel_futures=True)


def _work_chunk(
    chunk: list[Row], fmt: str, ics_options: IcsOptions | None
) -> list[_Outcome]:
    return [_work(item, fmt, ics_options) for item in chunk]


def _outcomes(
    rows: Iterator[Row],
    fmt: str,
    ics_options: IcsOptions | None,
    jobs: int,
    chunk_size: int = 32,
) -> Generator[_Outcome, None, None]:
    """Outcomes in row order. With ``jobs > 1``, rows are planned in worker processes,
    at most a few chunks per worker ahead of the writer, so memory stays bounded."""
    if jobs <= 1:
        for item in rows:
            yield _work(item, fmt, ics_options)
        return
    from collections import deque
    from concurrent.futures import Future, ProcessPoolExecutor

    def chunks() -> Iterator[list[Row]]:
        while chunk := list(itertools.islice(rows, chunk_size)):
            yield chunk

    source = chunks()
    head = list(itertools.islice(source, 2))
    if len(head) < 2:  # a short list: not worth starting processes
        for chunk in head:
            yield from _work_chunk(chunk, fmt, ics_options)
        return
    pending: deque[Future[list[_Outcome]]] = deque()
    executor = ProcessPoolExecutor(max_workers=jobs, initializer=_worker_init)
    finished = False
    try:
        for chunk in itertools.chain(head, itertools.islice(source, jobs * 4 - 2)):
            pending.append(executor.submit(_work_chunk, chunk, fmt, ics_options))
        while pending:
            done = pending.popleft().result()
            nxt = next(source, None)
            if nxt is not None:
                pending.append(executor.submit(_work_chunk, nxt, fmt, ics_options))
            yield from done
        finished = True
    finally:
        if finished:
            executor.shutdown(wait=True)
        else:  # an error, Ctrl-C, SIGTERM, or the caller stopped reading
            _stop(executor)


def _write_new(path: Path, data: bytes) -> None:
    """A new file in the staging folder.

    No ``fsync`` here: :class:`StagedFolder` flushes the whole folder to disk
    once, before the folder takes the name ``--out`` (one barrier for the run).
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def _cannot_write(out_dir: Path, e: OSError) -> InputError:
    reason = e.strerror or str(e)
    return InputError("--out", f"cannot write {str(out_dir)!r}: {reason}; it was left as it was")


def run_batch(
    source: Path,
    out_dir: Path,
    fmt: str = "json",
    force: bool = False,
    ics_options: IcsOptions | None = None,
    on_row: Callable[[bool], None] | None = None,
    field_name: str = "PATIENTS",
    jobs: int = 1,
) -> Summary:
    """Plan every row of ``source`` into ``out_dir``; return what happened.

    Usage errors (missing file, bad header, ``out_dir`` unusable) raise
    :class:`InputError` before anything is written. ``on_row(ok)`` is called
    after each data row, for a progress display. ``jobs`` processes plan and
    render rows; the files, their order and their bytes do not depend on it.

    ``out_dir`` changes only if the whole run succeeds (rows refused for their
    values included): any exception leaves it as it was. It may be missing or
    empty; an earlier run in it is replaced whole with ``force``; any other
    content is refused (see :class:`inoplan.files.StagedFolder`).
    """
    from inoplan.export import csv as export_csv
    from inoplan.export import json as export_json

    if fmt not in FORMATS:
        raise InputError("--format", f"{fmt!r} is not allowed; choose one of {', '.join(FORMATS)}")
    if fmt == "ics" and ics_options is None:
        raise ValueError("ics_options are needed for --format ics")
    rows = read_rows(source, field_name)
    first = next(rows, None)  # checks the header: a usage error stops here, nothing written
    summary = Summary(source=source.name, format=fmt)
    stems: dict[str, int] = {}  # lower-cased file stem -> row that used it
    suffix = f".{fmt}"
    all_rows = itertools.chain([first] if first is not None else [], rows)

    with StagedFolder(out_dir, force, is_batch_run) as staging:
        patients = staging / PATIENT_FOLDER
        try:
            patients.mkdir()
            combined = (staging / PLAN_CSV).open("x", encoding="utf-8", newline="")
        except OSError as e:
            raise _cannot_write(out_dir, e) from None
        with combined, closing(_outcomes(all_rows, fmt, ics_options, jobs)) as outcomes:
            writer = csv.writer(combined)
            writer.writerow(export_csv.COLUMNS)
            for outcome in outcomes:
                summary.rows += 1
                row, pid = outcome.row, outcome.pid
                try:
                    if outcome.error is not None:
                        raise InputError(*outcome.error)
                    assert pid is not None
                    stem = file_stem(pid)
                    key = stem.lower()  # case-insensitive file systems
                    if key in stems:
                        raise InputError(
                            "patient_id",
                            f"{pid!r} gives the file name {stem}{suffix}, already used by row "
                            f"{stems[key]}; patient ids must be unique",
                        )
                    stems[key] = row
                except InputError as e:
                    summary.rejected.append(Rejected(row, pid, e.field, e.detail))
                    if on_row:
                        on_row(False)
                    continue
                try:
                    _write_new(patients / f"{stem}{suffix}", outcome.data)
                    writer.writerows(outcome.csv_rows)
                except OSError as e:
                    raise _cannot_write(out_dir, e) from None
                summary.planned += 1
                summary.doses += len(outcome.csv_rows)
                if on_row:
                    on_row(True)
            try:
                combined.flush()  # on disk with the rest, when the folder is committed
            except OSError as e:
                raise _cannot_write(out_dir, e) from None
        try:
            _write_new(staging / SUMMARY_JSON, export_json.dumps_bytes(summary.as_dict()))
        except OSError as e:
            raise _cannot_write(out_dir, e) from None
    return summary
