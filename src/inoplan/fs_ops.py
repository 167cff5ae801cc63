"""File-system operations the writer needs: an atomic exchange of two names, a lock file."""

from __future__ import annotations

import os
import sys
from contextlib import suppress
from pathlib import Path

_AT_FDCWD = -100
RENAME_NOREPLACE = 1
RENAME_EXCHANGE = 2


def renameat2(src: Path, dst: Path, flags: int) -> bool:
    """Linux ``renameat2``; ``False`` where the system or file system lacks it."""
    if not sys.platform.startswith("linux"):  # pragma: no cover - not Linux
        return False
    import ctypes
    import errno

    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # pragma: no cover - C library before glibc 2.28
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    if fn(_AT_FDCWD, os.fsencode(src), _AT_FDCWD, os.fsencode(dst), flags) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):  # pragma: no cover - old kernel
        return False
    raise OSError(err, os.strerror(err), str(dst))


class Lock:
    """An advisory lock file; removed when released, so nothing stays behind.

    ``flock`` ends with the process, so a killed run never leaves a stale lock.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None

    def acquire(self) -> bool:
        """``True`` if taken; ``False`` if another process holds it."""
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: a file that must not exist yet
            try:
                self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                return False
            return True
        while True:
            # Read-only is enough for flock, and lets another user's run see the lock.
            fd = os.open(self.path, os.O_RDONLY | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                return False
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(self.path))
            except FileNotFoundError:
                same = False
            if same:
                self.fd = fd
                return True
            os.close(fd)  # the holder removed it as we opened it: take the new one

    def release(self) -> None:
        if self.fd is None:
            return
        with suppress(FileNotFoundError):  # removed by hand meanwhile
            os.unlink(self.path)
        os.close(self.fd)
        self.fd = None
