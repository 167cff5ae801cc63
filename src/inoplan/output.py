"""Writing results: to stdout for ``-``, otherwise atomically to a file.

A file is written to a temporary file in the target folder, flushed to disk,
then moved into place, so an interrupted run (Ctrl-C, a full disk) leaves
neither a partial file nor the temporary one. An existing file is replaced
only with ``force``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from inoplan.errors import InputError

STDOUT = "-"


def check_target(path: str, force: bool, field: str = "--output") -> Path | None:
    """Refuse early what :func:`write_output` would refuse, before any work is done.

    Returns the path, or ``None`` for stdout.
    """
    if path == STDOUT:
        return None
    target = Path(path)
    if target.is_dir():
        raise InputError(field, f"{path} is a folder; give a file name")
    parent = target.parent
    if not parent.is_dir():
        raise InputError(field, f"folder {str(parent)!r} does not exist")
    if target.exists() and not force:
        raise InputError(field, f"{path} exists; use --force to overwrite it")
    return target


def atomic_write(target: Path, data: bytes, force: bool, field: str = "--output") -> None:
    """Write ``data`` to ``target`` through a temporary file in the same folder."""
    import tempfile  # only when writing a file: not on the stdout path

    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if force:
            os.replace(tmp, target)
        else:
            # link() fails if the target appeared meanwhile: never clobber silently.
            try:
                os.link(tmp, target)
            except FileExistsError:
                raise InputError(field, f"{target} exists; use --force to overwrite it") from None
            except OSError:
                # File systems without hard links: fall back to a checked rename.
                if target.exists():
                    raise InputError(
                        field, f"{target} exists; use --force to overwrite it"
                    ) from None
                os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_output(path: str, text: str | bytes, force: bool, field: str = "--output") -> None:
    """Send ``text`` to stdout (``-``) or atomically to the file ``path``."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    target = check_target(path, force, field)
    if target is None:
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is not None:
            sys.stdout.flush()
            buffer.write(data)
            buffer.flush()
        else:
            sys.stdout.write(data.decode("utf-8"))
            sys.stdout.flush()
        return
    atomic_write(target, data, force, field)
