"""Reading input files within the limits of :mod:`inoplan.domain.limits`.

Every file inoplan reads (a saved plan, an events file, a patients CSV) goes
through here, so that no file, however large, deep or odd (``/dev/zero``, a
100 MB plan, JSON nested 10,000 deep, a 5,000-digit number, a key given
twice), makes memory grow without bound or ends in an internal error: each
is refused with one line naming the file and the limit.

A UTF-8 byte-order mark at the start of a file is skipped, in JSON as in CSV:
spreadsheets and some Windows editors write one, and it carries no meaning.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from inoplan.domain.errors import InputError, quoted, quoted_path
from inoplan.domain.limits import MAX_CSV_LINE_CHARS, MAX_INT_DIGITS, MAX_JSON_DEPTH

BOM = "\ufeff"


def _size_text(limit: int) -> str:
    mb = limit / (1024 * 1024)
    return f"{mb:g} MB" if mb >= 1 else f"{limit} bytes"


def cannot_read(path: str | Path, field: str, error: OSError) -> InputError:
    """The one message for a file that cannot be opened or read, in words.

    A missing file, a folder where a file was expected, or the system's reason
    ("Permission denied"), never the name of a Python exception.
    """
    # A command that names its input by the path itself (verify) says it once:
    # "plans/: is a folder; give a file", not "plans/: 'plans' is a folder".
    p = "" if field in (str(path), os.fspath(path)) else quoted_path(path) + " "
    p = p.rstrip() or "it"
    if isinstance(error, FileNotFoundError):
        return InputError(field, f"{p} does not exist")
    if isinstance(error, IsADirectoryError):
        return InputError(field, f"{p} is a folder; give a file")
    if isinstance(error, NotADirectoryError):
        return InputError(field, f"{p} does not exist (a part of the path is a file)")
    if isinstance(error, PermissionError):
        return InputError(field, f"{p} cannot be read: permission denied")
    reason = error.strerror or "the system refused to read it"
    return InputError(field, f"{p} cannot be read: {reason}")


def open_text(path: str | Path, field: str) -> IO[str]:
    """``path`` opened for reading UTF-8 text line by line (a leading BOM skipped).

    For files read as a stream (a patients CSV of any length); pair it with
    :func:`bounded_lines`. Errors are :func:`cannot_read`'s; a byte that is not
    UTF-8 raises :class:`UnicodeDecodeError` while reading, which the caller
    turns into :func:`not_utf8`.
    """
    try:
        # utf-8-sig: spreadsheets often start a CSV with a byte-order mark.
        return Path(path).open(encoding="utf-8-sig", newline="")
    except OSError as e:
        raise cannot_read(path, field, e) from None


def not_utf8(path: str | Path, field: str, error: UnicodeDecodeError | None = None) -> InputError:
    """The one message for a file that is not UTF-8 text."""
    where = f" (byte {error.start + 1})" if error is not None else ""
    return InputError(field, f"{quoted_path(path)} is not UTF-8 text{where}")


def read_text(path: str | Path, field: str, limit: int) -> str:
    """The UTF-8 text of ``path`` (a leading BOM skipped), refused above ``limit`` bytes.

    At most ``limit + 1`` bytes are ever read, so an endless file such as
    ``/dev/zero`` is refused as too large rather than read until memory runs out.
    """
    p = Path(path)
    try:
        with p.open("rb") as fh:
            data = fh.read(limit + 1)
    except OSError as e:
        raise cannot_read(path, field, e) from None
    if len(data) > limit:
        raise too_large(p, field, limit)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise not_utf8(p, field, e) from None
    return text.removeprefix(BOM)


def too_large(path: str | Path, field: str, limit: int) -> InputError:
    """The one message for a file above a size limit."""
    return InputError(
        field, f"{quoted_path(path)} is larger than {_size_text(limit)}, more than inoplan reads"
    )


class _Refused(Exception):
    """Raised inside the JSON parser's hooks; turned into an InputError by :func:`load_json`."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Refused(f"the key {quoted(key)} appears twice in one object")
        out[key] = value
    return out


def _whole_number(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _Refused(
            f"a number of {len(text.lstrip('-'))} digits; at most {MAX_INT_DIGITS} are read"
        )
    return int(text)


def _constant(name: str) -> Any:
    raise _Refused(f"{name} is not a JSON number")


def depth(value: object) -> int:
    """How deeply arrays and objects nest in ``value`` (a scalar is 0), without recursion."""
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children: Iterable[object] = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level + 1)
        stack.extend((child, level + 1) for child in children)
    return deepest


def load_json(text: str, field: str, name: str) -> Any:
    """Parse JSON text, refusing duplicate keys, NaN, huge numbers and deep nesting."""
    try:
        data = json.loads(
            text,
            object_pairs_hook=_pairs,
            parse_int=_whole_number,
            parse_constant=_constant,
        )
    except json.JSONDecodeError as e:
        raise InputError(field, f"{name} is not JSON (line {e.lineno}: {e.msg})") from None
    except _Refused as e:
        raise InputError(field, f"{name} is not read: {e}") from None
    except RecursionError:
        data = None
        too_deep = True
    else:
        too_deep = depth(data) > MAX_JSON_DEPTH
    if too_deep:
        raise InputError(field, f"{name} nests arrays and objects more than {MAX_JSON_DEPTH} deep")
    return data


def read_json(path: str | Path, field: str, limit: int) -> Any:
    """:func:`read_text` then :func:`load_json`."""
    return load_json(read_text(path, field, limit), field, quoted_path(path))


def bounded_lines(
    fh: IO[str], field: str, limit: int = MAX_CSV_LINE_CHARS, total: int | None = None
) -> Iterator[str]:
    """The lines of ``fh``, refusing one longer than ``limit`` characters.

    For :func:`csv.reader`: a file without line ends (``/dev/zero``) is refused
    after ``limit`` characters instead of being read whole into memory. With
    ``total``, a file of more than ``total`` characters in all is refused too
    (for a reader that keeps every row).
    """
    number = 0
    seen = 0
    while line := fh.readline(limit + 1):
        number += 1
        if len(line) > limit and not line.endswith("\n"):
            raise InputError(
                field, f"line {number} is longer than {limit} characters, more than inoplan reads"
            )
        seen += len(line)
        if total is not None and seen > total:
            raise InputError(
                field, f"larger than {_size_text(total)} of text, more than inoplan reads at once"
            )
        yield line
