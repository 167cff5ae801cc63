"""Plan a whole clinic list: a CSV of patients in, one plan file per patient out.

The CSV is read one row at a time and each plan is written and dropped before
the next row is read, so memory does not grow with the number of patients
(only the ids seen, to refuse duplicates, and the rejected rows are kept).
Each row goes through :func:`inoplan.request.request_from_strings` with the
column names as field names, so a row is accepted or refused exactly as the
same values typed as options would be. A bad row is recorded with its row
number and the field that failed, and the run goes on.

Row numbers are line numbers in the file, the header being row 1, so they
match what a spreadsheet shows.

Every file is written atomically. ``plan.csv`` (every dose of every planned
patient) grows in a temporary file and is moved into place at the end, with
``summary.json``; an interrupted run leaves neither a partial file nor a
temporary one.
"""

from __future__ import annotations

import csv
import dataclasses
import itertools
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from inoplan import __version__, rules
from inoplan.clinic import plan_course
from inoplan.clock import today
from inoplan.errors import InputError
from inoplan.output import atomic_write
from inoplan.plan import Plan
from inoplan.request import FIELDS, request_from_strings

if TYPE_CHECKING:
    from inoplan.export.ics import IcsOptions

SUMMARY_SCHEMA = "inoplan.batch-summary/1"
PLAN_CSV = "plan.csv"
SUMMARY_JSON = "summary.json"
#: Columns that must be in the header (``height`` and ``weight`` may be replaced by ``bsa``).
REQUIRED_COLUMNS = ("patient_id", "start", "height", "weight", "response")
#: Per-patient calendar settings; blank cells fall back to the command's options.
CALENDAR_COLUMNS = ("time", "tz", "location")
ALLOWED_COLUMNS = (*FIELDS, *CALENDAR_COLUMNS)
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
        }


def file_stem(patient_id: str) -> str:
    """A file name from an id: characters other than letters, digits, ``. _ -`` become ``_``."""
    return _UNSAFE_FILE_CHARS.sub("_", patient_id)


def _open(path: Path, field_name: str) -> IO[str]:
    try:
        # utf-8-sig: spreadsheets often start a CSV with a byte-order mark.
        return path.open(encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise InputError(field_name, f"{str(path)!r} does not exist") from None
    except IsADirectoryError:
        raise InputError(field_name, f"{str(path)!r} is a folder; give a CSV file") from None
    except OSError as e:
        raise InputError(field_name, f"{str(path)!r} cannot be read: {e.strerror}") from None


def check_header(header: list[str] | None, field_name: str) -> list[str]:
    """Normalised column names; refuse a missing, unknown or repeated column (usage error)."""
    if not header or not any(h.strip() for h in header):
        raise InputError(field_name, "the file is empty; expected a header row")
    names = [h.strip().lower() for h in header]
    for name in names:
        if name not in ALLOWED_COLUMNS:
            raise InputError(
                field_name,
                f"unknown column {name!r}; allowed columns: {', '.join(ALLOWED_COLUMNS)}",
            )
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise InputError(field_name, f"column {name!r} appears twice")
        seen.add(name)
    required = [c for c in REQUIRED_COLUMNS if not ("bsa" in seen and c in ("height", "weight"))]
    missing = [c for c in required if c not in seen]
    if missing:
        raise InputError(
            field_name,
            f"missing column {missing[0]!r}; required: {', '.join(REQUIRED_COLUMNS)} "
            "(or bsa instead of height and weight)",
        )
    return names


def read_rows(path: Path, field_name: str = "PATIENTS") -> Iterator[tuple[int, dict[str, str]]]:
    """``(row number, {column: cell})`` for each non-blank data row, read lazily.

    The header is checked before the first row is yielded. A row with more or
    fewer cells than the header is yielded with the key ``""`` saying so.
    """
    with _open(path, field_name) as fh:
        reader = csv.reader(fh, strict=True)
        try:
            names = check_header(next(reader, None), field_name)
            line = reader.line_num
            for cells in reader:
                row = line + 1
                line = reader.line_num
                if not any(c.strip() for c in cells):
                    continue
                values = dict(zip(names, cells, strict=False))
                if len(cells) != len(names):
                    values[""] = f"has {len(cells)} cells; the header has {len(names)}"
                yield row, values
        except csv.Error as e:
            raise InputError(
                field_name, f"not a readable CSV at row {reader.line_num}: {e}"
            ) from None
        except UnicodeDecodeError:
            raise InputError(field_name, "not UTF-8 text") from None


def count_rows(path: Path, field_name: str = "PATIENTS") -> int:
    """The number of data rows, for a progress bar (a quick pass that plans nothing)."""
    return sum(1 for _ in read_rows(path, field_name))


def with_row_calendar(base: IcsOptions, values: dict[str, str]) -> IcsOptions:
    """The command's calendar options with this row's ``time``, ``tz`` and ``location``."""
    from inoplan.export import ics

    time_text = (values.get("time") or "").strip()
    tz_text = (values.get("tz") or "").strip()
    location = (values.get("location") or "").strip()
    time = ics.parse_time(time_text, "time") if time_text else base.time
    tz = ics.parse_tz(tz_text, "tz") if tz_text else base.tz
    if time is not None and tz is None:
        tz = ics.parse_tz(None, "tz")  # this machine's zone
    return dataclasses.replace(base, time=time, tz=tz, location=location or base.location)


def plan_row(values: dict[str, str]) -> Plan:
    """The plan for one row; raises :class:`InputError` naming the column."""
    if "" in values:
        raise InputError("row", values[""])
    if not (values.get("patient_id") or "").strip():
        raise InputError("patient_id", "required; a pseudonymous id (never a name)")
    request_values = {k: v for k, v in values.items() if k in FIELDS and v.strip()}
    # The defaults `inoplan schedule` records, so a row's plan file is the one the
    # same values typed as options give.
    for name, default in (
        ("response", "pending"),
        ("mrd", "unknown"),
        ("first_cycle_days", "21"),
    ):
        request_values.setdefault(name, default)
    if "bsa" not in request_values:
        request_values.setdefault("bsa_formula", rules.DEFAULT_BSA_FORMULA)
    # A start before today is planned with a warning, as `inoplan schedule` does.
    return plan_course(request_from_strings(request_values, lambda name: name), today())


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

    return export_json.render(plan).encode("utf-8")


class _AtomicText:
    """A text file built in a temporary file beside ``target`` and moved into place."""

    def __init__(self, target: Path) -> None:
        self.target = target
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        self.tmp = Path(tmp)
        self.fh: IO[str] = os.fdopen(fd, "w", encoding="utf-8", newline="")

    def commit(self, force: bool, field_name: str) -> None:
        self.fh.flush()
        os.fsync(self.fh.fileno())
        self.fh.close()
        if not force and self.target.exists():
            raise InputError(field_name, f"{self.target} exists; use --force to overwrite it")
        os.replace(self.tmp, self.target)

    def discard(self) -> None:
        if not self.fh.closed:
            self.fh.close()
        if self.tmp.exists():
            self.tmp.unlink()


def check_out_dir(out_dir: Path, force: bool, field_name: str = "--out") -> None:
    """Create ``out_dir`` if missing; refuse to overwrite a previous run without ``force``."""
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(field_name, f"{str(out_dir)!r} is not a folder")
    if not force:
        for name in (PLAN_CSV, SUMMARY_JSON):
            if (out_dir / name).exists():
                raise InputError(
                    field_name,
                    f"{str(out_dir / name)!r} exists (an earlier run?); use --force to "
                    "overwrite, or choose another folder",
                )
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(field_name, f"cannot create {str(out_dir)!r}: {e.strerror}") from None


@dataclass(frozen=True)
class _Outcome:
    """One row planned and rendered (or refused), ready for the writer; picklable."""

    row: int
    pid: str | None
    data: bytes = b""
    csv_rows: tuple[tuple[str, ...], ...] = ()
    error: tuple[str, str] | None = None  # (field, reason)


def _work(item: tuple[int, dict[str, str]], fmt: str, ics_options: IcsOptions | None) -> _Outcome:
    """Plan and render one row. Pure: runs in a worker process as well as in this one."""
    from inoplan.export import csv as export_csv

    row, values = item
    pid = (values.get("patient_id") or "").strip() or None
    try:
        plan = plan_row(values)
        options = None
        if fmt == "ics":
            assert ics_options is not None
            options = with_row_calendar(ics_options, values)
        data = render_plan(plan, fmt, options)
    except InputError as e:
        return _Outcome(row, pid, error=(e.field, e.detail))
    return _Outcome(
        row, plan.request.patient_id, data, tuple(tuple(r) for r in export_csv.rows(plan))
    )


def _work_chunk(
    chunk: list[tuple[int, dict[str, str]]], fmt: str, ics_options: IcsOptions | None
) -> list[_Outcome]:
    return [_work(item, fmt, ics_options) for item in chunk]


def _outcomes(
    rows: Iterator[tuple[int, dict[str, str]]],
    fmt: str,
    ics_options: IcsOptions | None,
    jobs: int,
    chunk_size: int = 32,
) -> Iterator[_Outcome]:
    """Outcomes in row order. With ``jobs > 1``, rows are planned in worker processes,
    at most a few chunks per worker ahead of the writer, so memory stays bounded."""
    if jobs <= 1:
        for item in rows:
            yield _work(item, fmt, ics_options)
        return
    from collections import deque
    from concurrent.futures import Future, ProcessPoolExecutor

    def chunks() -> Iterator[list[tuple[int, dict[str, str]]]]:
        while chunk := list(itertools.islice(rows, chunk_size)):
            yield chunk

    source = chunks()
    head = list(itertools.islice(source, 2))
    if len(head) < 2:  # a short list: not worth starting processes
        for chunk in head:
            yield from _work_chunk(chunk, fmt, ics_options)
        return
    pending: deque[Future[list[_Outcome]]] = deque()
    executor = ProcessPoolExecutor(max_workers=jobs)
    try:
        for chunk in itertools.chain(head, itertools.islice(source, jobs * 4 - 2)):
            pending.append(executor.submit(_work_chunk, chunk, fmt, ics_options))
        while pending:
            done = pending.popleft().result()
            nxt = next(source, None)
            if nxt is not None:
                pending.append(executor.submit(_work_chunk, nxt, fmt, ics_options))
            yield from done
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


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
    """
    from inoplan.export import csv as export_csv
    from inoplan.export import json as export_json

    if fmt not in FORMATS:
        raise InputError("--format", f"{fmt!r} is not allowed; choose one of {', '.join(FORMATS)}")
    if fmt == "ics" and ics_options is None:
        raise ValueError("ics_options are needed for --format ics")
    rows = read_rows(source, field_name)
    first = next(rows, None)  # checks the header: a usage error stops here, nothing written
    check_out_dir(out_dir, force)
    summary = Summary(source=source.name, format=fmt)
    stems: dict[str, int] = {}  # lower-cased file stem -> row that used it
    suffix = f".{fmt}"
    all_rows = itertools.chain([first] if first is not None else [], rows)

    combined = _AtomicText(out_dir / PLAN_CSV)
    try:
        writer = csv.writer(combined.fh)
        writer.writerow(export_csv.COLUMNS)
        for outcome in _outcomes(all_rows, fmt, ics_options, jobs):
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
                target = out_dir / f"{stem}{suffix}"
                if target.exists() and not force:
                    raise InputError("patient_id", f"{target} exists; use --force to overwrite it")
                atomic_write(target, outcome.data, force, "patient_id")
                stems[key] = row
            except InputError as e:
                summary.rejected.append(Rejected(row, pid, e.field, e.detail))
                if on_row:
                    on_row(False)
                continue
            writer.writerows(outcome.csv_rows)
            summary.planned += 1
            summary.doses += len(outcome.csv_rows)
            if on_row:
                on_row(True)
        combined.commit(force, "--out")
    finally:
        combined.discard()
    atomic_write(
        out_dir / SUMMARY_JSON,
        export_json.dumps(summary.as_dict()).encode("utf-8"),
        force,
        "--out",
    )
    return summary
