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
        if sys.stdout is None:  # started with stdout closed (>&-)
            raise InputError(field, "standard output is closed; give a file name")
        return None
    if not path:
        raise InputError(field, "empty; give a file name, or - for standard output")
    if "\x00" in path:
        raise InputError(field, f"{path!r} cannot be used: a file name cannot hold a NUL")
    target = Path(path)
    try:
        if target.is_dir():
            raise InputError(field, f"{path} is a folder; give a file name")
        parent = target.parent
        if not parent.is_dir():
            raise InputError(field, f"folder {str(parent)!r} does not exist")
        if target.exists() and not force:
            raise InputError(field, f"{path} exists; use --force to overwrite it")
    except (OSError, ValueError) as e:  # a name too long, a NUL byte, no permission
        raise InputError(field, f"{path!r} cannot be used: {_reason(e)}") from None
    return target


def _reason(e: Exception) -> str:
    return (e.strerror if isinstance(e, OSError) else None) or str(e)


def atomic_write(target: Path, data: bytes, force: bool, field: str = "--output") -> None:
    """Write ``data`` to ``target`` through a temporary file in the same folder.

    Whatever happens (a full disk, no permission, Ctrl-C), either ``target``
    holds all of ``data`` or it is as it was, and no temporary file remains.
    """
    # The temporary name is chosen before the file exists, so that an interrupt
    # at any point leaves a name the clean-up below knows. Private (0600) like
    # tempfile.mkstemp; created only if no file has that name.
    tmp = str(target.parent / f".{target.name}.{os.urandom(6).hex()}.tmp")
    ours: str | None = tmp  # what the clean-up may remove
    try:
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            ours = None  # not ours: leave it alone
            raise
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
    except (OSError, ValueError) as e:
        raise InputError(field, f"cannot write {target}: {_reason(e)}") from None
    finally:
        if ours is not None and os.path.lexists(ours):
            os.unlink(ours)


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
