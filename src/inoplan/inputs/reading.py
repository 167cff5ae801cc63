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
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from inoplan.domain.errors import InputError, quoted, quoted_path
from inoplan.domain.limits import MAX_CSV_LINE_CHARS, MAX_INT_DIGITS, MAX_JSON_DEPTH

BOM = "\ufeff"


def _size_text(limit: int) -> str:
    mb = limit / (1024 * 1024)
    return f"{mb:g} MB" if mb >= 1 else f"{limit} bytes"


def read_text(path: str | Path, field: str, limit: int) -> str:
    """The UTF-8 text of ``path`` (a leading BOM skipped), refused above ``limit`` bytes.

    At most ``limit + 1`` bytes are ever read, so an endless file such as
    ``/dev/zero`` is refused as too large rather than read until memory runs out.
    """
    p = Path(path)
    try:
        with p.open("rb") as fh:
            data = fh.read(limit + 1)
    except FileNotFoundError:
        raise InputError(field, f"{quoted_path(p)} does not exist") from None
    except IsADirectoryError:
        raise InputError(field, f"{quoted_path(p)} is a folder; give a file") from None
    except OSError as e:
        raise InputError(
            field, f"{quoted_path(p)} cannot be read: {e.strerror or e.__class__.__name__}"
        ) from None
    if len(data) > limit:
        raise InputError(
            field, f"{quoted_path(p)} is larger than {_size_text(limit)}, more than inoplan reads"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(
            field, f"{quoted_path(p)} is not UTF-8 text (byte {e.start + 1})"
        ) from None
    return text.removeprefix(BOM)


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


def bounded_lines(fh: IO[str], field: str, limit: int = MAX_CSV_LINE_CHARS) -> Iterator[str]:
    """The lines of ``fh``, refusing one longer than ``limit`` characters.

    For :func:`csv.reader`: a file without line ends (``/dev/zero``) is refused
    after ``limit`` characters instead of being read whole into memory.
    """
    number = 0
    while line := fh.readline(limit + 1):
        number += 1
        if len(line) > limit and not line.endswith("\n"):
            raise InputError(
                field, f"line {number} is longer than {limit} characters, more than inoplan reads"
            )
        yield line
